import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

extension SharingPolicyTables {
    /// The shareable M&E table (§10.5: output and outcome indicators disaggregated by organisation, geography,
    /// age and sex): one protected table per indicator, persons reached expanded to one record per person and
    /// suppressed below `minCell`, with each cell's target and percent of target beside it.
    ///
    /// Indicators count different things (people given legal aid, children in child-friendly spaces), so their
    /// persons are never added together: a margin across indicators would count one person once per service.
    /// Targets are planning figures about no one, so they are published in every row, margins included; the
    /// percent of target is blank where the reached count is suppressed.
    static func responseReport(_ t: Table, options: CategoryOutputs.Options) throws(CategoryDataError) -> CategoryReport {
        let category = PIMCategory.ID.protectionResponseMonitoringEvaluation
        let dims = ["org", "adm1_code", "sex", "age_group"]
        let indicators = try t.texts("indicator"), orgs = try t.texts("org"), a1 = try t.texts("adm1_code")
        var reached: [[Int64?]] = [], targeted: [[Int64?]] = []
        for sa in SexAge.all {
            reached.append(try t.counts("reached_\(sa.suffix)"))
            targeted.append(try t.counts("targeted_\(sa.suffix)"))
        }
        var cells: [String: [([String], Int64)]] = [:]
        // Per indicator, the target of every cell and of every margin ("Total" in the summed-over dimensions).
        var targets: [String: [[String]: Int64]] = [:]
        for r in 0..<t.rowCount {
            let indicator = indicators[r] ?? "unknown"
            for (i, sa) in SexAge.all.enumerated() {
                let labels = [orgs[r] ?? "", a1[r] ?? "", sa.sex, sa.age]
                cells[indicator, default: []].append((labels, reached[i][r] ?? 0))
                let target = targeted[i][r] ?? 0
                for mask in 0..<(1 << dims.count) {
                    let key = labels.enumerated().map { d, l in mask & (1 << d) != 0 ? "Total" : l }
                    targets[indicator, default: [:]][key] = try (targets[indicator]?[key] ?? 0).adding(target, in: "targeted")
                }
            }
        }
        var combined: ReportSection?
        for indicator in cells.keys.sorted() {
            let records = figureTable(cells[indicator] ?? [], names: dims)
            guard records.rowCount > 0 else { continue }
            var section = try aggregateSection(records, by: dims, sum: [], category: category, minCell: options.minCell)
            // [org, adm1, sex, age, persons, flag] -> [indicator, org, adm1, sex, age, persons, targeted, percent, flag]:
            // the count right after the dimensions, as in every shareable table.
            section.rows = section.rows.map { row -> [ReportValue] in
                let labels = row.prefix(dims.count).map(\.description)
                let target = targets[indicator]?[labels] ?? 0
                let persons = row[dims.count]
                let percent: ReportValue = if case .integer(let n) = persons { .pct(Double(n), of: Double(target)) } else { .missing }
                return [.text(indicator)] + Array(row.prefix(dims.count)) + [persons, .int(target), percent, row[dims.count + 1]]
            }
            if combined == nil { combined = section } else { combined?.rows += section.rows }
        }
        guard var combined else { throw .noRows }
        combined.columns = ["indicator"] + dims + [unit(category), "targeted", "percent_of_target", "flag"]
        combined.title = "Shareable table by indicator, org, adm1_code, sex and age_group, one protected table per indicator"
        combined.notes += [
            "Persons reached are never added across indicators (one person may be reached by several); each indicator's 'Total' rows are its own margins.",
            "persons = persons reached; targeted is the indicator's target for the row (published in full: a plan, not a count of people); percent_of_target = persons / targeted x 100, blank where persons is suppressed or nothing was targeted. Rows where no one was reached, or too few to show (suppressed), are not listed; their targets count in the margins.",
        ]
        return wrap([combined], category: category, dims: ["indicator"] + dims, minCell: options.minCell)
    }
}
