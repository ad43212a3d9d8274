import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// The rule that flags a sudden rise in a trend.
///
/// A period is a spike when at least ``window`` earlier periods exist, its count exceeds the mean of the
/// previous ``window`` periods by more than ``sds`` population standard deviations, **and** by at least
/// ``minimumIncrease`` incidents (so that a rise from 0 to 1 never counts). Periods without incidents count as 0.
public struct SpikeRule: Sendable, Hashable, Codable {
    public var window: Int
    public var sds: Double
    public var minimumIncrease: Double

    public init(window: Int = 3, sds: Double = 2, minimumIncrease: Double = 5) {
        self.window = window
        self.sds = sds
        self.minimumIncrease = minimumIncrease
    }

    public static let standard = SpikeRule()

    /// Whether `series[index]` is a spike.
    public func isSpike(_ series: [Double], at index: Int) -> Bool {
        guard index >= window, index < series.count else { return false }
        let (mean, sd) = Statistics.meanAndSD(Array(series[(index - window)..<index]))
        let x = series[index]
        return x > mean + sds * sd && x - mean >= minimumIncrease
    }

    public var statement: String {
        "A period is a spike when its count exceeds the mean of the previous \(window) periods by more than "
            + "\(ReportValue.number(sds).description) standard deviations and by at least \(Int(minimumIncrease)) incidents."
    }
}

/// §9.3 protection-monitoring trends: incidents by protection risk and location over months or weeks, with spikes.
public enum MonitoringTrends {
    public static func report(_ t: Table, period: TrendPeriod = .month, rule: SpikeRule = .standard) throws(CategoryDataError) -> CategoryReport {
        let dates = try t.days("date"), a1 = try t.texts("adm1_code"), risks = try t.texts("protection_risk")
        let affected = t["affected"] == nil ? [Int64?](repeating: 1, count: t.rowCount) : try t.counts("affected")
        let valid = (0..<t.rowCount).filter { dates[$0] != nil }
        let known = valid.compactMap { dates[$0] }
        guard let first = known.min(), let last = known.max() else { throw .noRows }
        let periods = try period.range(spanning: dates, column: "date")
        let index = Dictionary(uniqueKeysWithValues: periods.enumerated().map { ($1, $0) })

        var total = [Double](repeating: 0, count: periods.count), totalAffected = [Int64](repeating: 0, count: periods.count)
        var byRisk: [String: [Double]] = [:], byAdm1: [String: [Double]] = [:], riskAffected: [String: Int64] = [:]
        // Each risk in each area (admin 2 where the data has it): where a spike is (QA11 C29: a spike of one risk
        // in one admin 2 was flagged with no location, and the admin 1 series did not show it).
        let areaColumn = t["adm2_code"] != nil ? "adm2_code" : "adm1_code"
        let areas = try t.texts(areaColumn)
        var byRiskArea: [String: [Double]] = [:]
        for r in valid {
            guard let d = dates[r], let p = index[period.start(of: d)] else { continue }
            let risk = risks[r] ?? "unknown", adm = a1[r] ?? "unknown"
            byRiskArea[risk + "\u{1F}" + (areas[r] ?? "unknown"), default: [Double](repeating: 0, count: periods.count)][p] += 1
            total[p] += 1
            totalAffected[p] = try totalAffected[p].adding(affected[r] ?? 0, in: "affected")
            byRisk[risk, default: [Double](repeating: 0, count: periods.count)][p] += 1
            byAdm1[adm, default: [Double](repeating: 0, count: periods.count)][p] += 1
            riskAffected[risk] = try riskAffected[risk, default: 0].adding(affected[r] ?? 0, in: "affected")
        }
        // Every flagged period is listed in the spikes table, the totals' first ("Incidents per period" flags them too).
        var spikes: [[ReportValue]] = []
        for (i, p) in periods.enumerated() where rule.isSpike(total, at: i) {
            let (mean, sd) = Statistics.meanAndSD(Array(total[(i - rule.window)..<i]))
            spikes.append([.text("total"), .text("all incidents"), .text(period.label(p)), .int(total[i]), .number(mean), .number(sd)])
        }
        // A series per key: one dimension's value, or several joined by U+001F (a risk in an area).
        func series(_ name: String, _ dims: [String], _ data: [String: [Double]]) -> ReportSection {
            var rows: [[ReportValue]] = []
            for key in data.keys.sorted() {
                let s = data[key] ?? []
                let parts = key.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
                for (i, p) in periods.enumerated() {
                    let spike = rule.isSpike(s, at: i)
                    if spike {
                        let (mean, sd) = Statistics.meanAndSD(Array(s[(i - rule.window)..<i]))
                        spikes.append([.text(dims.joined(separator: " in ")), .text(parts.joined(separator: " in ")), .text(period.label(p)),
                                       .int(s[i]), .number(mean), .number(sd)])
                    }
                    if s[i] > 0 || spike {
                        rows.append(parts.map(ReportValue.text) + [.text(period.label(p)), .int(s[i]), .text(spike ? "spike" : "")])
                    }
                }
            }
            return ReportSection(name: name, title: "Incidents by \(dims.joined(separator: ", ")) and \(period.rawValue)",
                                 columns: dims + [period.rawValue, "incidents", "flag"], rows: rows)
        }
        let all = total.reduce(0, +)
        let periodRows = periods.enumerated().map { i, p -> [ReportValue] in
            [.text(period.label(p)), .int(total[i]), .int(totalAffected[i]), .text(rule.isSpike(total, at: i) ? "spike" : "")]
        }
        let riskRows = byRisk.keys.sorted().map { k -> [ReportValue] in
            let n = (byRisk[k] ?? []).reduce(0, +)
            return [.text(k), .int(n), .int(riskAffected[k] ?? 0), .pct(n, of: all)]
        }
        let byRiskSection = series("by-risk-period", ["protection_risk"], byRisk)
        let byAdmSection = series("by-adm1-period", ["adm1_code"], byAdm1)
        let byRiskAreaSection = series("by-risk-area-period", ["protection_risk", areaColumn], byRiskArea)
        return CategoryReport(category: "protection-monitoring", title: "Protection monitoring trends by \(period.rawValue)", sections: [
            ReportSection(name: "by-period", title: "Incidents per \(period.rawValue)", columns: [period.rawValue, "incidents", "persons_affected", "flag"], rows: periodRows),
            ReportSection(name: "by-risk", title: "Incidents by protection risk (GPC)", columns: ["protection_risk", "incidents", "persons_affected", "percent"], rows: riskRows),
            byRiskSection, byAdmSection, byRiskAreaSection,
            ReportSection(name: "spikes", title: "Spikes", columns: ["dimension", "value", period.rawValue, "incidents", "previous_mean", "previous_sd"],
                          rows: spikes, notes: [rule.statement]),
        ], notes: ["\(Int(all)) incidents from \(CivilDays.iso(first)) to \(CivilDays.iso(last)); the first and last \(period.rawValue)s may be partial.",
                    rule.statement])
    }
}
