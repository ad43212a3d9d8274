import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// An area's humanitarian access severity from the eight OCHA access variables (§7.1), scored the ACAPS way.
///
/// Each variable scores 0–3: the highest `severity` of the incidents coded with it in the area during the
/// window (0 when none). The overall score is `round(5 × Σ scores ÷ 24)` (half up), on ACAPS' 0–5 scale:
/// 0 no constraints, 1 low, 2 moderate, 3 high, 4 very high, 5 extreme.
///
/// "No constraints" is said only of an area with records in the window and no constraint above severity 0.
/// An area whose records are all older than the window has no recent data (not "no constraints"), and an
/// area with a recorded constraint whose overall score rounds to 0 (a sum of 1 or 2) is
/// ``belowLow``: a recorded constraint is never worded as none.
public struct AccessSeverity: Sendable, Hashable, Codable {
    public var area: String
    /// Variable id (`1a` … `3c`) → score 0–3.
    public var scores: [String: Int]
    /// Whether the area has any record in the window; false: the scores say nothing about the area today.
    public var hasRecentData: Bool

    public init(area: String, scores: [String: Int], hasRecentData: Bool = true) {
        self.area = area
        self.scores = scores
        self.hasRecentData = hasRecentData
    }

    public static let variables = PIMFramework.standard.accessDimensions.flatMap(\.variables).map(\.id)
    public static let levels = ["no constraints", "low", "moderate", "high", "very high", "extreme"]
    /// The level of an area with no record in the window.
    public static let noRecentData = "no recent data"
    /// The level of an area with a recorded constraint whose overall score rounds to 0.
    public static let belowLow = "constraints recorded, below low"

    public var sum: Int { Self.variables.reduce(0) { $0 + min(3, max(0, scores[$1] ?? 0)) } }

    /// `round(5 × sum ÷ 24)`, half up, in integers.
    public var overall: Int { (5 * sum * 2 + 3 * Self.variables.count) / (2 * 3 * Self.variables.count) }
    public var level: String {
        guard hasRecentData else { return Self.noRecentData }
        return overall == 0 && sum > 0 ? Self.belowLow : Self.levels[min(5, overall)]
    }
}

/// §9.6 security and situational awareness: incidents by area and month, by type, and access severity per area.
public enum SecurityAccess {
    /// Days before the latest incident that count towards access severity.
    public static let windowDays: Int32 = 90

    /// - Parameter minimumIncidents: for a shareable output, the smallest number of incidents an area's access
    ///   severity may rest on (its recent ones; all of them for an area without recent data): an area with fewer
    ///   is not listed, since its scores would tell the kind, place and severity of single incidents that the
    ///   protected table hides (QA11 C6). Nil lists every area (the internal output).
    public static func report(_ t: Table, minimumIncidents: Int? = nil) throws(CategoryDataError) -> CategoryReport {
        let dates = try t.days("date"), a1 = try t.texts("adm1_code"), a2 = try t.texts("adm2_code")
        let types = try t.texts("incident_type"), vars = try t.texts("access_variable"), sev = try t.numbers("severity")
        let casualties = t["casualties"] == nil ? [Int64?](repeating: nil, count: t.rowCount) : try t.counts("casualties")
        let valid = (0..<t.rowCount).filter { dates[$0] != nil }
        guard let last = valid.compactMap({ dates[$0] }).max() else { throw .noRows }
        let from = last - windowDays + 1
        var byAreaMonth: [String: (incidents: Double, casualties: Int64)] = [:], byType: [String: Double] = [:]
        var access: [String: [String: Int]] = [:], recent: Set<String> = []
        var incidents: [String: (all: Int, recent: Int)] = [:]
        var areaParent: [String: String] = [:]
        for r in valid {
            guard let d = dates[r] else { continue }
            let key = (a1[r] ?? "unknown") + "\u{1}" + TrendPeriod.month.label(TrendPeriod.month.start(of: d))
            byAreaMonth[key, default: (0, 0)].incidents += 1
            byAreaMonth[key, default: (0, 0)].casualties = try byAreaMonth[key, default: (0, 0)].casualties.adding(casualties[r] ?? 0, in: "casualties")
            byType.add(types[r] ?? "unknown", 1)
            // Only access constraints (a record coded with an OCHA variable) score access, and only they make an area's
            // access data recent: a looting incident or a hazard location says nothing of access (QA11 C30).
            if let area = a2[r], vars[r] != nil {
                areaParent[area] = a1[r] ?? ""
                if access[area] == nil { access[area] = [:] }
                incidents[area, default: (0, 0)].all += 1
                if d >= from {
                    recent.insert(area)
                    incidents[area, default: (0, 0)].recent += 1
                }
                if d >= from, let v = vars[r], let s = sev[r] {
                    let previous = access[area]?[v] ?? 0
                    // Clamped before converting: severities are 0-3, and a huge value must not trap.
                    access[area]?[v] = max(previous, Int(min(3, max(0, s)).rounded(.down)))
                }
            }
        }
        let monthRows = byAreaMonth.keys.sorted().map { k -> [ReportValue] in
            let p = k.split(separator: "\u{1}").map(String.init)
            let v = byAreaMonth[k] ?? (0, 0)
            return [.text(p.first ?? ""), .text(p.last ?? ""), .int(v.incidents), .int(v.casualties)]
        }
        let total = byType.values.reduce(0, +)
        let typeRows = byType.keys.sorted().map { k -> [ReportValue] in [.text(k), .int(byType[k] ?? 0), .pct(byType[k] ?? 0, of: total)] }
        let listed = access.keys.sorted().filter { area in
            guard let m = minimumIncidents, let n = incidents[area] else { return true }
            return (recent.contains(area) ? n.recent : n.all) >= m
        }
        let unlisted = access.count - listed.count
        let severities = listed.map { AccessSeverity(area: $0, scores: access[$0] ?? [:], hasRecentData: recent.contains($0)) }
        let accessRows = severities.map { s -> [ReportValue] in
            // No score at all for an area without recent data: a 0 would read as "no constraints".
            guard s.hasRecentData else {
                return [.text(areaParent[s.area] ?? ""), .text(s.area)] + AccessSeverity.variables.map { _ in ReportValue.missing }
                    + [.missing, .missing, .text(s.level)]
            }
            return [.text(areaParent[s.area] ?? ""), .text(s.area)] + AccessSeverity.variables.map { ReportValue.integer(s.scores[$0] ?? 0) }
                + [.integer(s.sum), .integer(s.overall), .text(s.level)]
        }
        let rule = "Access severity over \(CivilDays.iso(from)) to \(CivilDays.iso(last)): each OCHA variable 1a-3c scores the highest incident severity (0-3) in the area, 0 if none; overall = round(5 x sum / 24) on the ACAPS 0-5 scale. "
            + "'\(AccessSeverity.belowLow)': a constraint was recorded but the overall score rounds to 0; "
            + "'\(AccessSeverity.noRecentData)': the area's records are all older than the window (scores left blank)."
        return CategoryReport(category: "security-situational-awareness", title: "Security incidents and humanitarian access", sections: [
            ReportSection(name: "by-adm1-month", title: "Incidents by admin 1 and month", columns: ["adm1_code", "month", "incidents", "casualties"], rows: monthRows),
            ReportSection(name: "by-type", title: "Incidents by type", columns: ["incident_type", "incidents", "percent"], rows: typeRows),
            ReportSection(name: "access-severity", title: "Access severity by area (adm2)", columns:
                            ["adm1_code", "adm2_code"] + AccessSeverity.variables + ["sum", "overall_0_5", "level"], rows: accessRows,
                          notes: [rule] + (unlisted > 0 ? ["\(unlisted) area\(unlisted == 1 ? "" : "s") with fewer than \(minimumIncidents ?? 0) incidents "
                                                             + "\(unlisted == 1 ? "is" : "are") not listed: \(unlisted == 1 ? "its" : "their") scores would point to single incidents."] : [])),
        ], notes: ["\(valid.count) incidents up to \(CivilDays.iso(last)).", rule])
    }
}
