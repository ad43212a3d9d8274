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
        var targeted: [[Double?]] = [], reached: [[Double?]] = []
        for sa in SexAge.all {
            targeted.append(try t.numbers("targeted_\(sa.suffix)"))
            reached.append(try t.numbers("reached_\(sa.suffix)"))
        }
        var byInd: [String: (Double, Double)] = [:], byOrg: [String: (Double, Double)] = [:], byAdm: [String: (Double, Double)] = [:]
        var bySA = [(Double, Double)](repeating: (0, 0), count: 6)
        for r in 0..<t.rowCount {
            var tr = 0.0, re = 0.0
            for i in 0..<6 {
                let a = targeted[i][r] ?? 0, b = reached[i][r] ?? 0
                tr += a; re += b
                bySA[i].0 += a; bySA[i].1 += b
            }
            for (key, dict) in [(ind[r] ?? "unknown", 0), (orgs[r] ?? "unknown", 1), (a1[r] ?? "unknown", 2)] {
                switch dict {
                case 0: byInd[key, default: (0, 0)].0 += tr; byInd[key, default: (0, 0)].1 += re
                case 1: byOrg[key, default: (0, 0)].0 += tr; byOrg[key, default: (0, 0)].1 += re
                default: byAdm[key, default: (0, 0)].0 += tr; byAdm[key, default: (0, 0)].1 += re
                }
            }
        }
        let total = bySA.reduce((0.0, 0.0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        func rows(_ d: [String: (Double, Double)]) -> [[ReportValue]] {
            d.keys.sorted().map { k -> [ReportValue] in
                let v = d[k] ?? (0, 0)
                return [.text(k), .int(v.0), .int(v.1), .pct(v.1, of: v.0)]
            } + [[.text("Total"), .int(total.0), .int(total.1), .pct(total.1, of: total.0)]]
        }
        let cols = ["targeted", "reached", "percent_of_target"]
        var saRows: [[ReportValue]] = SexAge.all.enumerated().map { i, sa in
            [.text(sa.sex), .text(sa.age), .int(bySA[i].0), .int(bySA[i].1), .pct(bySA[i].1, of: bySA[i].0)]
        }
        saRows.append([.text("Total"), .text("Total"), .int(total.0), .int(total.1), .pct(total.1, of: total.0)])
        return CategoryReport(category: "protection-response-monitoring-evaluation", title: "Protection response: progress against targets", sections: [
            ReportSection(name: "by-indicator", title: "Progress by indicator", columns: ["indicator"] + cols, rows: rows(byInd)),
            ReportSection(name: "by-org", title: "Progress by organisation", columns: ["org"] + cols, rows: rows(byOrg)),
            ReportSection(name: "by-adm1", title: "Progress by admin 1", columns: ["adm1_code"] + cols, rows: rows(byAdm)),
            ReportSection(name: "by-sex-age", title: "Progress by sex and age group", columns: ["sex", "age_group"] + cols, rows: saRows),
        ], notes: ["Percent of target = reached / targeted x 100, blank where nothing was targeted."])
    }
}
