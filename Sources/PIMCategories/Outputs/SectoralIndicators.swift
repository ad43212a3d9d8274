import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// §9.7 sectoral systems: proxy protection indicators by location, with the organisation that owns the data.
///
/// Per location (adm2) and indicator the latest value is shown; admin 1 figures are the unweighted mean of
/// the locations' latest values.
///
/// When several reports give that latest date with different values or owners, none is picked silently:
/// the one whose owner comes first (then the lower value) is used, so the choice does not depend on row
/// order, the row is flagged `reports-disagree`, and a `disagreements` section lists every report of that
/// date with whether it was used (as population figures flag disagreeing sources).
public enum SectoralIndicators {
    /// The flag of a location and indicator whose latest reports disagree.
    public static let disagreementFlag = "reports-disagree"

    /// Per location (adm2) and indicator, the rows of the latest date, in order.
    static func latestRows(_ t: Table) throws(CategoryDataError) -> [String: [Int]] {
        let dates = try t.days("date"), a1 = try t.texts("adm1_code"), a2 = try t.texts("adm2_code")
        let ind = try t.texts("indicator"), values = try t.numbers("value")
        var latest: [String: [Int]] = [:]
        for r in 0..<t.rowCount {
            guard let d = dates[r], values[r] != nil, let area = a2[r], let i = ind[r] else { continue }
            let key = (a1[r] ?? "") + "\u{1}" + area + "\u{1}" + i
            if let prev = latest[key]?.first, let pd = dates[prev] {
                if pd > d { continue }
                if pd == d { latest[key]?.append(r); continue }
            }
            latest[key] = [r]
        }
        return latest
    }

    /// The row used for each location and indicator: of its latest date, the first by owner and value (see
    /// ``report(_:)``), in table order. What the shareable table counts (QA11 C5: it mixed survey rounds).
    static func usedRows(_ t: Table) throws(CategoryDataError) -> [Int] {
        let values = try t.numbers("value"), owners = try t.texts("owner_org")
        return try latestRows(t).values.compactMap { rows in
            rows.min { x, y in (owners[x] ?? "", values[x] ?? 0, x) < (owners[y] ?? "", values[y] ?? 0, y) }
        }.sorted()
    }

    public static func report(_ t: Table) throws(CategoryDataError) -> CategoryReport {
        let dates = try t.days("date"), a1 = try t.texts("adm1_code"), a2 = try t.texts("adm2_code")
        let ind = try t.texts("indicator"), values = try t.numbers("value"), owners = try t.texts("owner_org")
        let ownership = try t.texts("ownership"), sectors = try t.texts("sector")
        // Per location and indicator, the rows of the latest date.
        let latest = try latestRows(t)
        guard !latest.isEmpty else { throw .noRows }
        var locationRows: [[ReportValue]] = [], disagreements: [[ReportValue]] = []
        var means: [String: (Double, Double)] = [:]
        for key in latest.keys.sorted() {
            let candidates = (latest[key] ?? []).sorted { x, y in
                (owners[x] ?? "", values[x] ?? 0, x) < (owners[y] ?? "", values[y] ?? 0, y)
            }
            guard let r = candidates.first, let v = values[r] else { continue }
            let reports = Set(candidates.map { "\(owners[$0] ?? "")\u{1}\(values[$0] ?? 0)" })
            let disagree = reports.count > 1
            if disagree {
                for c in candidates {
                    disagreements.append([.opt(a1[c]), .opt(a2[c]), .opt(ind[c]), .text(CivilDays.iso(dates[c] ?? 0)), .opt(owners[c]),
                                          .number(values[c] ?? 0), .text(c == r ? "used" : "not used")])
                }
            }
            locationRows.append([.opt(a1[r]), .opt(a2[r]), .opt(ind[r]), .opt(sectors[r]), .text(CivilDays.iso(dates[r] ?? 0)), .number(v),
                                 .opt(owners[r]), .opt(ownership[r]), .text(disagree ? Self.disagreementFlag : "")])
            let mk = (a1[r] ?? "") + "\u{1}" + (ind[r] ?? "")
            means[mk, default: (0, 0)].0 += v
            means[mk, default: (0, 0)].1 += 1
        }
        let adm1Rows = means.keys.sorted().map { k -> [ReportValue] in
            let p = k.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
            let m = means[k] ?? (0, 1)
            return [.text(p.first ?? ""), .text(p.last ?? ""), .int(m.1), .number(m.0 / m.1)]
        }
        var sections = [
            ReportSection(name: "by-location", title: "Latest value by location and indicator, with owner", columns:
                            ["adm1_code", "adm2_code", "indicator", "sector", "date", "value", "owner_org", "ownership", "flag"], rows: locationRows),
            ReportSection(name: "by-adm1", title: "Mean of the locations' latest values by admin 1", columns: ["adm1_code", "indicator", "locations", "mean_value"], rows: adm1Rows),
        ]
        if !disagreements.isEmpty {
            sections.append(ReportSection(name: "disagreements", title: "Where reports of the same location, indicator and date disagree",
                                          columns: ["adm1_code", "adm2_code", "indicator", "date", "owner_org", "value", "use"], rows: disagreements))
        }
        return CategoryReport(category: "sectoral-im-systems-other", title: "Proxy protection indicators from sectoral systems", sections: sections, notes: [
            "Ownership means control of collection and processing (§9.7); respect the owning sector's data-sharing protocols (§10.7).",
            "Flag \(Self.disagreementFlag): several reports give the latest date of a location and indicator with different values or owners; the one whose owner comes first alphabetically is used and all are listed under disagreements.",
        ])
    }
}
