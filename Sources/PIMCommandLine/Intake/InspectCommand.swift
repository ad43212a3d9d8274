import ArgumentParser
import Foundation
import PIMCore
import PIMTable

/// `pim inspect FILE`: what is in a file, and the schema pim proposes for it.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Read a data file and show its columns, inferred types with the evidence, HXL tags and a proposed schema.",
        discussion: """
            Example:
              pim inspect kobo-export.xlsx --schema-out survey.schema.json
            Edit the schema file (types, required, allowed values, disclosure roles) and pass it to \
            `pim validate` or `pim import --schema`. Nothing is stored and no cell values are printed: value \
            ranges are shown only for fields proposed as neither identifying nor sensitive (role other or \
            weight) with at least 5 values.
            """
    )

    @OptionGroup var input: FileInputOptions
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @Option(help: "Write the proposed schema (JSON) to this file.") var schemaOut: String?

    func run() throws {
        try Output.checkOutput(schemaOut, inputs: [input.url])
        let result = try input.read(answering: format)
        let schema = SchemaProposal.propose(for: result.table)
        if let schemaOut {
            let url = URL(fileURLWithPath: schemaOut)
            do {
                try Data((try Output.json(schema) + "\n").utf8).write(to: url)
            } catch {
                throw CLIError("\(schemaOut): cannot write the schema (\(TableWriteError.reason(writing: url))).")
            }
        }
        let summary = InspectSummary(result: result, schema: schema)
        BatchMemory.keepUntilExit(result)
        switch format {
        case .json: try Output.printJSON(summary)
        case .text: print(Output.visibleLines(summary.text))
        }
        if let schemaOut { Output.stderr("Proposed schema written to \(schemaOut).") }
    }
}

/// The inspection as printed: counts, types, tags and roles, never cell values.
struct InspectSummary: Encodable {
    struct ColumnInfo: Encodable {
        var name: String
        var hxl: String?
        var type: String
        var evidence: [String: Int]
        var nulls: Int
        var distinct: Int
        var min: String?
        var max: String?
        var role: String
    }

    var file: String
    var rows: Int
    var columns: Int
    var encoding: String
    var delimiter: String?
    var hxlRow: Int?
    var firstDataRow: Int
    var warnings: [String]
    var kobo: Bool
    /// The sheet read, for a workbook.
    var sheet: String?
    /// (Keys in camelCase, as in every other command's JSON.)
    var columnInfo: [ColumnInfo]

    init(result: ReadResult, schema: Schema) {
        let r = result.report
        file = r.fileName
        rows = result.table.rowCount
        columns = result.table.columns.count
        encoding = r.encoding.rawValue
        delimiter = r.delimiter.map { $0 == 9 ? "tab" : String(UnicodeScalar($0)) }
        hxlRow = r.hxlRow
        firstDataRow = r.firstDataRow
        warnings = r.warnings.map(\.description)
        kobo = r.kobo != nil
        sheet = r.sheet
        columnInfo = zip(r.profiles, schema.fields).map { p, f in
            // A minimum or maximum is a cell value: shown only where it identifies no one.
            let roleSensitive = !(f.role == .other || f.role == .weight) || p.evidence.values.reduce(0, +) < 5
            return ColumnInfo(
                name: p.name, hxl: p.tag?.description, type: p.inferredType.rawValue,
                evidence: Dictionary(uniqueKeysWithValues: p.evidence.map { ($0.key.rawValue, $0.value) }),
                nulls: p.nullCount, distinct: p.distinctCount,
                min: roleSensitive ? nil : p.minimum.map(\.plainText), max: roleSensitive ? nil : p.maximum.map(\.plainText),
                role: f.role.rawValue)
        }
    }

    var text: String {
        var lines = ["\(file)" + (sheet.map { ", sheet \"\($0)\"" } ?? "") + ": \(rows) rows × \(columns) columns, \(encoding)"
            + (delimiter.map { ", delimiter '\($0)'" } ?? "") + (hxlRow.map { ", HXL hashtag row \($0)" } ?? "")
            + ", data from row \(firstDataRow)" + (kobo ? ", KoboToolbox export" : "")]
        for w in warnings { lines.append("note: \(Output.visible(w))") }
        lines.append("")
        let rows = columnInfo.map { c -> [String] in
            let ev = c.evidence.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let range = c.min.map { "\($0) … \(c.max ?? "")" } ?? ""
            return [c.name, c.hxl ?? "(untagged)", c.type, ev, String(c.nulls), String(c.distinct), range, c.role]
        }
        lines.append(Output.table(["column", "hxl", "type", "evidence", "nulls", "distinct", "range", "proposed role"], rows))
        return lines.joined(separator: "\n")
    }
}
