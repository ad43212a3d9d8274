import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// §9.5 response monitoring: persons reached against targets by indicator, and within each indicator by
/// organisation, admin 1, sex and age.
///
/// Progress is reached ÷ targeted × 100 (blank where nothing was targeted). Sums of the six sex × age parts.
/// Persons are never added across indicators: one person may be reached by several activities, so a sum over
/// indicators would not count persons. Every "Total" row is one indicator's own margin. Reports are added over
/// time as they are (each report its own period's target and reach); the month of each report is shown so a
/// reader can see when reports restate cumulative figures (``periodNote``).
public enum ResponseProgress {
    /// Why no table adds indicators together.
    public static let perIndicatorNote =
        "Persons are never added across indicators (one person may be reached by several); each 'Total' row is one indicator's own total."
    /// What adding reports over time assumes, said where the sums are shown.
    public static let periodNote =
        "Targets and persons reached are summed over every report in the data, each report counting as its own period's target and reach; "
            + "where reports restate a cumulative target or cumulative reach, the sums count them more than once: read the progress by month, "
            + "or keep one report per period."

    public static func report(_ t: Table) throws(CategoryDataError) -> CategoryReport {
        guard t.rowCount > 0 else { throw .noRows }
        let orgs = try t.texts("org"), a1 = try t.texts("adm1_code"), ind = try t.texts("indicator")
        let dates = t["date"] == nil ? [Int32?](repeating: nil, count: t.rowCount) : try t.days("date")
        var targeted: [[Int64?]] = [], reached: [[Int64?]] = []
        for sa in SexAge.all {
            targeted.append(try t.counts("targeted_\(sa.suffix)"))
            reached.append(try t.counts("reached_\(sa.suffix)"))
        }
        /// Targeted and reached, summed exactly.
        struct Progress {
            var targeted: Int64 = 0, reached: Int64 = 0
            mutating func add(_ t: Int64, _ r: Int64) throws(CategoryDataError) {
                targeted = try targeted.adding(t, in: "targeted")
                reached = try reached.adding(r, in: "reached")
            }
            var row: [ReportValue] { [.int(targeted), .int(reached), .pct(Double(reached), of: Double(targeted))] }
        }
        /// One indicator's progress, in total and by organisation, admin 1 and sex × age.
        struct IndicatorProgress {
            var total = Progress()
            var byOrg: [String: Progress] = [:], byAdm: [String: Progress] = [:], byMonth: [String: Progress] = [:]
            var bySA = [Progress](repeating: Progress(), count: 6)
        }
        var byInd: [String: IndicatorProgress] = [:]
        for r in 0..<t.rowCount {
            let key = ind[r] ?? "unknown"
            var p = byInd[key] ?? IndicatorProgress()
            var row = Progress()
            for i in 0..<6 {
                let a = targeted[i][r] ?? 0, b = reached[i][r] ?? 0
                try row.add(a, b)
                try p.bySA[i].add(a, b)
            }
            try p.byOrg[orgs[r] ?? "unknown", default: Progress()].add(row.targeted, row.reached)
            try p.byAdm[a1[r] ?? "unknown", default: Progress()].add(row.targeted, row.reached)
            try p.byMonth[dates[r].map { String(CivilDays.iso($0).prefix(7)) } ?? "unknown", default: Progress()].add(row.targeted, row.reached)
            try p.total.add(row.targeted, row.reached)
            byInd[key] = p
        }
        let indicators = byInd.keys.sorted()
        /// Per indicator: one row per key, then the indicator's total.
        func rows(_ part: (IndicatorProgress) -> [String: Progress]) -> [[ReportValue]] {
            indicators.flatMap { i -> [[ReportValue]] in
                let p = byInd[i] ?? IndicatorProgress(), d = part(p)
                return d.keys.sorted().map { k in [.text(i), .text(k)] + (d[k] ?? Progress()).row } + [[.text(i), .text("Total")] + p.total.row]
            }
        }
        let cols = ["targeted", "reached", "percent_of_target"]
        let indRows: [[ReportValue]] = indicators.map { i in [.text(i)] + (byInd[i] ?? IndicatorProgress()).total.row }
        let saRows: [[ReportValue]] = indicators.flatMap { i -> [[ReportValue]] in
            let p = byInd[i] ?? IndicatorProgress()
            return SexAge.all.enumerated().map { n, sa in [.text(i), .text(sa.sex), .text(sa.age)] + p.bySA[n].row }
                + [[.text(i), .text("Total"), .text("Total")] + p.total.row]
        }
        var sections = [
            ReportSection(name: "by-indicator", title: "Progress by indicator", columns: ["indicator"] + cols, rows: indRows),
            ReportSection(name: "by-org", title: "Progress by indicator and organisation", columns: ["indicator", "org"] + cols, rows: rows(\.byOrg)),
            ReportSection(name: "by-adm1", title: "Progress by indicator and admin 1", columns: ["indicator", "adm1_code"] + cols, rows: rows(\.byAdm)),
        ]
        if t["date"] != nil {
            sections.append(ReportSection(name: "by-month", title: "Progress by indicator and month of report", columns: ["indicator", "month"] + cols,
                                          rows: rows(\.byMonth)))
        }
        sections.append(ReportSection(name: "by-sex-age", title: "Progress by indicator, sex and age group", columns: ["indicator", "sex", "age_group"] + cols,
                                      rows: saRows))
        return CategoryReport(category: "protection-response-monitoring-evaluation", title: "Protection response: progress against targets",
                              sections: sections,
                              notes: ["Percent of target = reached / targeted x 100, blank where nothing was targeted.", perIndicatorNote, periodNote])
    }
}
