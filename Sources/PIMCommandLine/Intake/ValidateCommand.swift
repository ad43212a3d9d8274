import ArgumentParser
import Foundation
import PIMCore
import PIMTable

/// Options for checking a file against a schema.
struct SchemaOptions: ParsableArguments {
    @Option(help: "Schema file (JSON), e.g. from `pim inspect --schema-out`.") var schema: String?
    @Option(help: "Gazetteer of admin areas (HXL CSV/XLSX with #adm1+code, #adm1+name, #adm2+code, …).") var gazetteer: String?
    @Option(help: "Write every validation issue to this CSV file (the terminal shows the first 50).") var errorsOut: String?
    @Flag(help: "Accept columns tagged with hashtags outside the HXL core dictionary (other than #x_…) that the schema does not declare; without it they refuse the file.")
    var allowUnknownTags = false

    func loadSchema() throws -> Schema? {
        guard let schema else { return nil }
        guard let data = FileManager.default.contents(atPath: schema) else { throw CLIError("\(schema): cannot read the schema file.") }
        let s: Schema
        do { s = try SchemaKeys.strictDecoder().decode(Schema.self, from: data) } catch let e as DecodingError {
            throw CLIError("\(schema): not a valid schema file (\(SchemaFileError.describe(e))).")
        }
        try s.validate()
        // A schema without fields would store nothing (and check nothing).
        guard !s.fields.isEmpty else { throw CLIError("\(schema): the schema has no fields; list the file's columns in \"fields\".") }
        return s
    }

    func loadGazetteer() throws -> Gazetteer? {
        guard let gazetteer else { return nil }
        let table = try TableReader.read(url: URL(fileURLWithPath: gazetteer)).table
        do { return try Gazetteer(table: table) } catch { throw CLIError("\(gazetteer): \(error.description)") }
    }
}

enum SchemaFileError {
    static func describe(_ e: DecodingError) -> String {
        switch e {
        case .keyNotFound(let k, let c): "missing \"\(k.stringValue)\" at \(path(c))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): "wrong value at \(path(c)): \(c.debugDescription)"
        case .dataCorrupted(let c): "\(c.debugDescription) at \(path(c))"
        @unknown default: "unreadable"
        }
    }

    static func path(_ c: DecodingError.Context) -> String {
        c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}

/// Prints and writes validation issues the same way for `validate` and `import`.
enum IssueReport {
    static let terminalLimit = 50

    /// - Parameter asResult: the issues are the command's result (`pim validate`: on standard output, so that
    ///   `> issues.txt` keeps them: QA11 I1), not notes beside another result (`pim import`: standard error).
    static func print(_ result: ValidationResult, errorsOut: String?, asResult: Bool = false) throws {
        func say(_ line: String) { if asResult { Swift.print(line) } else { Output.stderr(line) } }
        // Column names come from the file: their control characters are shown escaped, never sent to the terminal.
        for w in result.warnings { Output.stderr("warning: \(Output.visible(w.description))") }
        for i in result.issues.prefix(terminalLimit) { say(Output.visible(i.description)) }
        if result.issues.count > terminalLimit {
            say("… and \(result.issues.count - terminalLimit) more" + (errorsOut.map { " (all in \($0))" } ?? " (use --errors-out FILE for all)"))
        }
        if !result.issues.isEmpty {
            let totals = result.countsByRule.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
            say("\(count(result.issues.count, "issue")) in \(result.rowsRejected) of \(count(result.rowsRead, "row")): \(totals.joined(separator: ", "))")
        }
        if let errorsOut { try write(result.issues, to: errorsOut) }
    }

    /// `1 issue`, `2 issues`, `0 rows`.
    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    static func write(_ issues: [ValidationIssue], to path: String) throws {
        func col(_ name: String, _ values: [String]) -> Column {
            var dict: [String] = []
            var index: [String: Int32] = [:]
            let codes = values.map { v -> Int32 in
                if let c = index[v] { return c }
                let c = Int32(dict.count); dict.append(v); index[v] = c; return c
            }
            return Column(name: name, data: .text(codes: codes, dictionary: dict))
        }
        let table = try Table(columns: [
            col("file", issues.map(\.file)),
            Column(name: "row", data: .integer(values: issues.map { Int64($0.row) }, nulls: NullMask())),
            col("column", issues.map(\.column)), col("rule", issues.map(\.rule.rawValue)),
            col("problem", issues.map(\.problem)), col("expected", issues.map(\.expected)),
        ])
        try CSVWriter.write(table, to: URL(fileURLWithPath: path))
    }
}

/// `pim validate FILE --schema FILE`: check without storing anything.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a data file against a schema and report every problem as FILE:ROW:COLUMN: reason; expected.",
        discussion: """
            Example:
              pim validate survey.csv --schema survey.schema.json --gazetteer cod-ab.csv --errors-out issues.csv
            Row numbers are those a spreadsheet shows. Exits with status 1 when there are issues.
            """
    )

    @OptionGroup var input: FileInputOptions
    @OptionGroup var schemaOptions: SchemaOptions
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func run() throws {
        try Output.checkOutput(schemaOptions.errorsOut, inputs: [input.url])
        let (read, result) = try Self.check(input, schemaOptions, answering: format)
        // What the reader changed or noticed (an encoding converted, unknown HXL hashtags) is said, as import does.
        for w in read.report.warnings { Output.stderr("note: \(Output.visible(w.description))") }
        switch format {
        case .json:
            try Output.printJSON(ValidationSummary(
                result, columns: read.table.columns.count, readWarnings: read.report.warnings, file: read.report.fileName))
            if let out = schemaOptions.errorsOut { try IssueReport.write(result.issues, to: out) }
        case .text:
            try IssueReport.print(result, errorsOut: schemaOptions.errorsOut, asResult: true)
            if result.isValid { print("\(read.report.fileName): \(IssueReport.count(result.rowsRead, "row")), no issues.") }
        }
        if !result.isValid { throw ExitCode(1) }
    }

    /// Reads the file and validates it against the schema given (or one proposed from the file), as an import does.
    static func check(_ input: FileInputOptions, _ schemaOptions: SchemaOptions, answering format: OutputFormat)
        throws -> (read: ReadResult, result: ValidationResult)
    {
        let read = try input.read(answering: format)
        let given = try schemaOptions.loadSchema()
        let schema = given ?? SchemaProposal.propose(for: read.table)
        // (Text fields keep the file's own text, `4.50` not `4.5`.)
        let checked = try input.keepingText(of: schema, in: read)
        // A schema proposed from the file vouches for none of its hashtags; one given vouches for those it declares.
        var validator = Validator(schema: schema, gazetteer: try schemaOptions.loadGazetteer(), report: checked.report)
            .acceptingTags(schemaProposed: given == nil, allowingUnknown: schemaOptions.allowUnknownTags)
        validator.today = CivilDays.day(of: Date())
        return (read, validator.validate(checked.table))
    }
}

/// One column of a validated or stored table in the JSON of `pim validate` and `pim import`: its name, type
/// and HXL tag (never a value).
struct FieldSummary: Encodable, Equatable {
    var name: String
    var type: String
    var hxl: String?

    static func of(_ table: Table) -> [FieldSummary] {
        table.columns.map { FieldSummary(name: $0.name, type: $0.type.rawValue, hxl: $0.tag?.description) }
    }
}

struct ValidationSummary: Encodable {
    /// The file checked (its name, as in every issue), when there is one.
    var file: String?
    var rowsRead: Int
    /// Columns in the file as read.
    var columns: Int
    var rowsRejected: Int
    var issueCount: Int
    var countsByRule: [String: Int]
    var issues: [ValidationIssue]
    /// What the reader noticed and what validation accepted but is worth saying (unknown HXL hashtags, a
    /// missing optional column), as sentences.
    var warnings: [String]
    /// The schema's fields as checked: name, type and HXL tag.
    var fields: [FieldSummary]

    init(_ r: ValidationResult, columns: Int, readWarnings: [ReadWarning] = [], file: String? = nil) {
        self.file = file
        self.columns = columns
        fields = FieldSummary.of(r.table)
        warnings = readWarnings.map(\.description) + r.warnings.map(\.description)
        rowsRead = r.rowsRead
        rowsRejected = r.rowsRejected
        issueCount = r.issues.count
        countsByRule = Dictionary(uniqueKeysWithValues: r.countsByRule.map { ($0.key.rawValue, $0.value) })
        issues = r.issues
    }
}
