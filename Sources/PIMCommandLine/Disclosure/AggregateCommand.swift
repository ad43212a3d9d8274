import ArgumentParser
import Foundation
import PIMCore
import PIMDisclosure
import PIMServer
import PIMTable

/// `pim aggregate SOURCE --by … --min-cell 5 --out FILE`.
struct AggregateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Count (or sum) by dimensions with small-cell protection: suppression with secondary suppression, or random rounding.",
        discussion: """
            Examples:
              pim aggregate pm-monitoring --by adm1_code,sex,age=bands,date=month --min-cell 5 --out table.csv
              pim aggregate survey.csv --by adm1_code,sex --sum household_size --round 5 --seed 42 --out rounded.csv
            A column may be named by an HXL tag pattern that matches one column (#adm1+code, #affected-m). \
            A dimension may carry a recoding (COL=bands, COL=month, …, as in `pim anonymize --recode`). A stored \
            dataset's direct identifiers and household id cannot be dimensions, and the output is audited. \
            Cells 0 < n < min-cell are suppressed, then complementary cells so that no suppressed cell can be \
            recomputed from its row, column or the totals. With --round, the table is randomly rounded to a \
            multiple of the base (3, 5 or 10) from --seed instead, with every total equal to the sum of its \
            rounded cells (controlled rounding for one or two dimensions). The output's `note` column gives \
            the base and method; the seed is printed and recorded in the audit trail, not published (with it, \
            the random choices could be replayed to narrow down the true counts). \
            With --cell-key (a stored dataset only), every count and total is perturbed by the cell-key method \
            instead: a count below min-cell is shown as 0 or min-cell, a larger one changes by at most 2, and a \
            cell holding the same records shows the same count in every table, here and in the API's tables for \
            analysts and partners (the records' secret keys stay in the workspace). Use it for tables that will \
            be published beside other tables of the same data: suppression protects each table on its own, but \
            one table's total can reveal another's suppressed cell.
            """
    )

    @OptionGroup var input: DisclosureSourceOptions
    @Option(help: "Dimensions, comma-separated; each COL or COL=RECODE, COL a column name or an HXL tag pattern (#adm1+code).") var by: String
    @Option(help: "Numeric columns to sum, comma-separated (names or HXL tag patterns).") var sum: String?
    @Option(help: "Smallest publishable cell (default 5); not with --round.") var minCell: Int?
    @Option(help: "Random rounding base (3, 5 or 10) instead of suppression.") var round: Int?
    @Option(help: "Seed for random rounding (printed and recorded in the audit trail; not written in the published output).") var seed: UInt64?
    @Flag(help: "Perturb counts by the cell-key method instead of suppressing (a stored dataset only; no --sum).") var cellKey = false
    @Option(help: "Output file (.csv, .json or .xlsx).") var out: String
    @Option(help: "text, json or markdown (what was written: records, dimensions, cells, suppressed or rounded).") var format: ReportFormat = .text
    @OptionGroup var actor: ActorOption

    func validate() throws {
        if let minCell, minCell < 1 { throw ValidationError("--min-cell must be at least 1 (0 would publish every cell).") }
        if round != nil && minCell != nil {
            throw ValidationError("--round and --min-cell exclude each other: rounding replaces suppression, and a rounded count "
                + "can be any multiple of the base (3 or 6 under a --min-cell of 7); give one of them.")
        }
        if let round, ![3, 5, 10].contains(round) { throw ValidationError("--round takes 3, 5 or 10.") }
        if round != nil && seed == nil { throw ValidationError("--round needs --seed N, so that the rounding can be reproduced.") }
        if cellKey && round != nil { throw ValidationError("Choose --cell-key or --round, not both.") }
        if cellKey, let rare = Self.dimensions(by).first(where: RecodeSpec.mergesRareCategories) {
            throw ValidationError("\(rare) groups categories by their true counts, which the categories it names would reveal beside "
                + "perturbed counts; with --cell-key, aggregate by the column itself.")
        }
        if cellKey, let minCell, minCell < Self.cellKeyFloor {
            throw ValidationError("With --cell-key the smallest cell is at least \(Self.cellKeyFloor) (the perturbation shows smaller counts as 0 or \(Self.cellKeyFloor)).")
        }
        if cellKey && sum != nil {
            throw ValidationError("--cell-key perturbs counts only; sums would be published exact beside them. Drop --sum or --cell-key.")
        }
    }

    /// The smallest cell the cell-key perturbation starts from, whatever --min-cell (the API's for analysts).
    static let cellKeyFloor = CellKeyPerturbation.publishedMinCell

    /// The smallest publishable cell under suppression.
    private var threshold: Int { minCell ?? 5 }

    func run() async throws {
        try Output.checkOutput(out, inputs: input.inputFiles)
        // Protected tables (cells of at least 5, or rounded) are what every role that sees the dataset gets on
        // the web; smaller cells are row-level analysis.
        if cellKey && FileManager.default.fileExists(atPath: input.source) {
            throw CLIError("--cell-key needs a stored dataset (its records' secret keys are kept by the workspace, so that a cell shows "
                + "the same count in every table); import the file first, then aggregate the dataset by name.")
        }
        let smallCells = round == nil && !cellKey && threshold < 5
        let role = try await input.authorize(
            actor, to: smallCells ? "aggregate with cells below 5" : "aggregate", needs: smallCells ? .analyseMicrodata : .seeAllDatasets)
        // An analyst's (or partner viewer's) tables are perturbed by the cell-key method, as on the web and the
        // API (QA11 S6): exact suppressed tables by adm1 and by adm2 gave small cells by subtraction, and
        // roundings under seeds of their choosing averaged to the true counts.
        if let role, role.perturbsAggregates, !cellKey {
            throw CLIError("\(role.rawValue): your tables of a stored dataset are perturbed by the cell-key method, as on the web; "
                + "add --cell-key" + (round != nil ? " instead of --round" : "") + (sum != nil ? " and leave out --sum" : "")
                + ". (Exact suppressed tables asked twice, or roundings under several seeds, would give away small counts.)")
        }
        // (rare:N, which names categories by their true counts, is refused with --cell-key: see validate().)
        // Each dimension is COL or COL=RECODE, COL a column name or an HXL tag pattern (#adm1+code).
        let parts = Self.dimensions(by).map { part -> (column: String, recode: String?) in
            let split = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return (split.first ?? "", split.count > 1 ? split[1] : nil)
        }
        let sums = columnList(sum) ?? []
        let references = parts.map(\.column) + sums
        // A file is read with only the columns named (faster), unless a pattern needs every column's tag; a
        // name it lacks is then told with the full list of columns, read again in full.
        let byName = !references.contains(where: ColumnReference.isPattern)
        var loaded = try await input.load(needRecordKeys: cellKey, needConsent: true, columns: byName ? Set(references) : nil)
        if byName, references.contains(where: { loaded.table[$0] == nil }) {
            loaded = try await input.load(needRecordKeys: cellKey, needConsent: true)
        }
        // A stored dataset's records whose consent to reporting was refused (at collection, or recorded since)
        // or withdrawn are not counted, as in the shareable outputs and shares (QA10 F18): a table is a report.
        if let category = loaded.category, let note = SharingRules.figureRowsNote(category: category), sums.isEmpty {
            Output.stderr("note: " + note)
        }
        let leftOutForConsent = try loaded.leaveOutRefusedConsent()
        if leftOutForConsent > 0 {
            Output.stderr("note: \(leftOutForConsent) record\(leftOutForConsent == 1 ? " is" : "s are") not counted: consent to reporting was refused or withdrawn.")
        }
        var table = loaded.table
        let sumColumns = try sums.map { try ColumnReference.resolve($0, in: table, option: "--sum") }
        var dims: [String] = []
        for part in parts {
            let column = try ColumnReference.resolve(part.column, in: table, option: "--by")
            if let recode = part.recode {
                let r = try RecodeSpec.parse("\(column)=\(recode)", table: table)
                let recoded = try Recoding.apply(r, to: table)
                table = recoded.table
                dims.append(r.column)
                if recoded.loss.suppressed > 0 {
                    Output.stderr("note: \(recoded.loss.suppressed) values of \(r.column) fit no band or period (a negative age, for instance) and are counted as missing.")
                }
            } else {
                dims.append(column)
            }
        }
        // Identifiers as dimensions would list every person: refused, for a stored dataset (its roles are
        // confirmed) and for a file (its roles are proposed from names and tags: when in doubt, pim refuses).
        let identifying = dims.filter { [.directIdentifier, .householdID].contains(loaded.schema.field(named: $0)?.role) }
        if !identifying.isEmpty {
            let list = identifying.map { "\"\($0)\"" }.joined(separator: ", ")
            throw CLIError("\(list): a direct identifier or household id cannot be a dimension; each row would name a person or household."
                + (loaded.datasetID == nil ? " (For a file the role is proposed from the column's name and tag; import it with a schema that gives the column another role to aggregate by it.)" : ""))
        }
        // Under the cell-key method the perturbation always starts from the same smallest cell (5, as the API's
        // for analysts): a count asked with several --min-cell values would otherwise be published unchanged at
        // one of them. A larger --min-cell only leaves out the published counts below it (QA9 review F8).
        let rule: CellRule = cellKey
            ? .cellKey(minCell: Self.cellKeyFloor, maxChange: CellKeyPerturbation.defaultMaxChange)
            : round.map { .round(base: $0, seed: seed ?? 0) } ?? .suppress(minCell: threshold)
        var agg = try Aggregation.aggregate(table, by: dims, sum: sumColumns, rule: rule, recordKeys: loaded.recordKeys)
        if cellKey && threshold > Self.cellKeyFloor { agg.leaveOutPublishedCounts(below: threshold) }
        let published = try agg.table()
        let url = URL(fileURLWithPath: out)
        var details = [
            "by": dims.joined(separator: ","),
            "rule": cellKey ? "cell-key min-cell \(threshold)" : round.map { "round \($0)" } ?? "min-cell \(threshold)",
            "rows_written": String(published.rowCount)]
        if leftOutForConsent > 0 { details["left_out_for_consent"] = String(leftOutForConsent) }
        if case .round(let base, let seed) = rule {
            details["base"] = String(base)
            details["seed"] = String(seed)
            details["rounding"] = agg.rounding?.rawValue
            if let short = agg.roundingShortfall { details["rounding_totals_off"] = String(short.totals) }
        }
        // How a rounded table was rounded, in words: controlled, or which totals are further off.
        let roundedHow: String
        if let short = agg.roundingShortfall, let round {
            roundedHow = "cells within \(round - 1), totals their sums; \(short.totals) total\(short.totals == 1 ? "" : "s") further than "
                + "\(round - 1) from the truth, by at most \(short.furthest)"
        } else {
            roundedHow = "controlled: totals add up"
        }
        // The file appears only once the release is audited.
        try await input.release(loaded, to: url, actor: actor, kind: "aggregate", records: table.rowCount, details: details) { file in
            switch url.pathExtension.lowercased() {
            case "json": try JSONTableWriter.write(published, to: file)
            case "xlsx": try XLSXWriter.write(published, sheetName: "aggregate", to: file)
            default: try CSVWriter.write(published, to: file)
            }
        }
        let c = agg.loss.cells
        if format == .markdown {
            var md = "# Aggregate of \(loaded.label)\n\n- Records: \(table.rowCount)\n"
            md += "- Dimensions: " + dims.map { "`\($0)`" }.joined(separator: " × ") + "\n"
            if !sumColumns.isEmpty { md += "- Sums: " + sumColumns.map { "`\($0)`" }.joined(separator: ", ") + "\n" }
            md += "- Cells (margins included): \(c?.cells ?? 0)\n"
            if cellKey {
                md += "- Perturbed by the cell-key method: \(c?.rounded ?? 0) counts changed; counts below \(threshold) shown as 0 or \(threshold)\n"
            } else if let round {
                md += "- Rounded to base \(round) with seed \(seed ?? 0) ("
                    + roundedHow + ")\n"
            } else {
                md += "- Suppressed below \(threshold): \(c?.primarySuppressed ?? 0); complementary: \(c?.secondarySuppressed ?? 0)"
                    + ((c?.primarySuppressed ?? 0) > 0 ? " (suppressed cells are not listed, like empty ones)" : "") + "\n"
            }
            md += "- Rows written to `\(out)`: \(published.rowCount)"
            print(md)
            return
        }
        if format == .json {
            try Output.printJSON(AggregateSummary(
                source: loaded.label, records: table.rowCount, dimensions: dims, sums: sumColumns, cells: c?.cells ?? 0,
                suppressed: round == nil && !cellKey ? c?.primarySuppressed ?? 0 : nil,
                complementary: round == nil && !cellKey ? c?.secondarySuppressed ?? 0 : nil, minCell: round == nil ? threshold : nil,
                roundingBase: round, roundingMethod: round == nil ? nil : agg.rounding?.rawValue,
                roundingTotalsOff: round == nil ? nil : agg.roundingShortfall?.totals ?? 0,
                seed: round == nil ? nil : seed, perturbed: cellKey ? c?.rounded ?? 0 : nil, rowsWritten: published.rowCount, out: out))
            return
        }
        let how: String
        if cellKey {
            how = ", perturbed by the cell-key method (\(c?.rounded ?? 0) counts changed; counts below \(threshold) shown as 0 or \(threshold))"
        } else if let round {
            how = ", rounded to base \(round) with seed \(seed ?? 0)"
                + " (\(roundedHow))"
        } else {
            how = ", \(c?.primarySuppressed ?? 0) suppressed below \(threshold), \(c?.secondarySuppressed ?? 0) complementary"
        }
        print("Aggregated \(loaded.label) (\(table.rowCount) records) by \(dims.joined(separator: " × ")): \(c?.cells ?? 0) cells" + how + ".")
        print("Wrote \(published.rowCount) rows to \(out)" + (round == nil && (c?.primarySuppressed ?? 0) > 0 ? " (suppressed cells are not listed, like empty ones)." : "."))
    }

    /// What `pim aggregate --format json` prints: counts and names, never a cell.
    struct AggregateSummary: Encodable {
        var source: String
        var records: Int
        var dimensions: [String]
        var sums: [String]
        var cells: Int
        var suppressed: Int?
        var complementary: Int?
        var minCell: Int?
        var roundingBase: Int?
        var roundingMethod: String?
        /// Under --round: totals further than base − 1 from their true value (0 when controlled).
        var roundingTotalsOff: Int?
        var seed: UInt64?
        /// Under --cell-key: how many counts the perturbation changed.
        var perturbed: Int?
        var rowsWritten: Int
        var out: String
    }

    /// The dimensions of `--by`, comma-separated; the bounds of `COL=bands:0,18,60` stay with their column
    /// (a part that is only a number continues the bands before it).
    static func dimensions(_ text: String) -> [String] { RecodeSpec.dimensions(text) }
}
