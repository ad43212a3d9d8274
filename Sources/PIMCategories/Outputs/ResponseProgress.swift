import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// §9.5 response monitoring: persons reached against targets by indicator, organisation, admin 1, sex and age.
///
/// Progress is reached ÷ targeted × 100 (blank where nothing was targeted). Sums of the six sex × age parts.
public enum ResponseProgress {
    public static func report(_ t: Table) throws(CategoryDataError) -> CategoryReport {
        guard t.rowCount > 0 else { throw .noRows }
        let orgs = try t.texts("org"), a1 = try t.texts("adm1_code"), ind = try t.texts("indicator")
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
        var byInd: [String: Progress] = [:], byOrg: [String: Progress] = [:], byAdm: [String: Progress] = [:]
        var bySA = [Progress](repeating: Progress(), count: 6)
        var total = Progress()
        for r in 0..<t.rowCount {
            var row = Progress()
            for i in 0..<6 {
                let a = targeted[i][r] ?? 0, b = reached[i][r] ?? 0
                try row.add(a, b)
                try bySA[i].add(a, b)
            }
            try byInd[ind[r] ?? "unknown", default: Progress()].add(row.targeted, row.reached)
            try byOrg[orgs[r] ?? "unknown", default: Progress()].add(row.targeted, row.reached)
            try byAdm[a1[r] ?? "unknown", default: Progress()].add(row.targeted, row.reached)
            try total.add(row.targeted, row.reached)
        }
        func rows(_ d: [String: Progress]) -> [[ReportValue]] {
            d.keys.sorted().map { k -> [ReportValue] in [.text(k)] + (d[k] ?? Progress()).row } + [[.text("Total")] + total.row]
        }
        let cols = ["targeted", "reached", "percent_of_target"]
        var saRows: [[ReportValue]] = SexAge.all.enumerated().map { i, sa in [.text(sa.sex), .text(sa.age)] + bySA[i].row }
        saRows.append([.text("Total"), .text("Total")] + total.row)
        return CategoryReport(category: "protection-response-monitoring-evaluation", title: "Protection response: progress against targets", sections: [
            ReportSection(name: "by-indicator", title: "Progress by indicator", columns: ["indicator"] + cols, rows: rows(byInd)),
            ReportSection(name: "by-org", title: "Progress by organisation", columns: ["org"] + cols, rows: rows(byOrg)),
            ReportSection(name: "by-adm1", title: "Progress by admin 1", columns: ["adm1_code"] + cols, rows: rows(byAdm)),
            ReportSection(name: "by-sex-age", title: "Progress by sex and age group", columns: ["sex", "age_group"] + cols, rows: saRows),
        ], notes: ["Percent of target = reached / targeted x 100, blank where nothing was targeted."])
    }
}
