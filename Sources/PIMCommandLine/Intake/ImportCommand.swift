import ArgumentParser
import Foundation
import Synchronization
import PIMCategories
import PIMCore
import PIMFramework
import PIMServer
import PIMStorage
import PIMTable

/// `pim import FILE --dataset NAME`: validate a file and store it as a new dataset version, all or nothing.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Validate a data file and store it as a new version of a dataset, in one transaction.",
        discussion: """
            Examples:
              pim import pm-january.csv --dataset pm-monitoring --category protection-monitoring \\
                  --purpose "Protection monitoring of IDP sites" --source-org DRC --source-system KoboToolbox \\
                  --method "key informant interviews" --period-start 2026-01-01 --period-end 2026-01-31 --area SD01
              pim import pm-february.csv --dataset pm-monitoring --mode import-valid --errors-out issues.csv
            The first import creates the dataset (give --category and --purpose; the schema comes from --schema \
            or is proposed from the file). Later imports are checked against the dataset's schema; a different \
            --schema is refused unless --replace-schema confirms it (the change is audited). Importing the same \
            file twice is detected. With --mode reject (default) any issue refuses the whole file, and a file \
            with no valid row is never stored.
            """
    )

    @OptionGroup var input: FileInputOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var schemaOptions: SchemaOptions

    @Option(help: "Dataset name (letters, digits, - _ .).") var dataset: String
    @Option(help: "PIM category of a new dataset, e.g. protection-monitoring (see `pim framework categories`).") var category: String?
    @Option(help: "The defined purpose of a new dataset (required when creating it).") var purpose: String?
    @Option(help: "Sensitivity of a new dataset: low, moderate, high (the default), severe.") var sensitivity: Sensitivity?
    @Option(help: "reject (any issue refuses the file) or import-valid (store valid rows, report the rest).") var mode: ValidationMode = .reject
    @Flag(help: "Replace an existing dataset's schema with --schema (fields, types, disclosure roles); audited.") var replaceSchema = false
    @Option(help: "text or json (what was stored: dataset, version, rows stored and left out).") var format: OutputFormat = .text

    @Option(help: "Provenance: organisation that collected the data (acronym).") var sourceOrg: String?
    @Option(help: "Provenance: system it came from, e.g. KoboToolbox, proGres, DTM.") var sourceSystem: String?
    @Option(help: "Provenance: method of collection.") var method: String?
    @Option(help: "Provenance: first day covered (yyyy-mm-dd).") var periodStart: String?
    @Option(help: "Provenance: last day covered (yyyy-mm-dd).") var periodEnd: String?
    @Option(help: "Provenance: area covered (P-code or name).") var area: String?
    @Option(help: "Provenance: date received (yyyy-mm-dd; default today).") var received: String?
    @Option(help: "Provenance: free-text quality notes.") var notes: String?
    @OptionGroup var actor: ActorOption

    func validate() throws {
        try Dataset.validateName(dataset)
        for (flag, v) in [("period-start", periodStart), ("period-end", periodEnd), ("received", received)] {
            if let v, CivilDays.parseISO(v) == nil { throw ValidationError("--\(flag) must be a date as yyyy-mm-dd, e.g. 2026-01-31.") }
        }
        if let a = periodStart, let b = periodEnd, a > b { throw ValidationError("--period-start is after --period-end.") }
        if replaceSchema && schemaOptions.schema == nil {
            throw ValidationError("--replace-schema needs --schema FILE: the schema that replaces the stored one.")
        }
    }

    func run() async throws {
        let said = ImportNotes()
        do {
            try await importFile(said: said)
        } catch let refusal as PrintedRefusal {
            // (Its JSON, with the file's problems, is on stdout already.)
            throw refusal.error
        } catch {
            // Any other refusal (a file that cannot be read, a name taken, a store error) still answers a script
            // on stdout, with the reason; the status stays non-zero.
            if format == .json {
                var failure = ImportFailure(
                    dataset: dataset, file: input.url.lastPathComponent, reason: String(describing: error), warnings: said.all)
                // Where a read error is, for a script (QA11 I7).
                if let located = error as? TableReadError {
                    failure.row = located.row
                    failure.column = located.column
                }
                try Output.printJSON(failure)
            }
            throw error
        }
    }

    private func importFile(said: ImportNotes) async throws {
        try Output.checkOutput(schemaOptions.errorsOut, inputs: [input.url])
        var read = try input.read()
        guard !read.table.columns.isEmpty else { throw CLIError("\(read.report.fileName) has no columns: nothing to import.") }
        // What the reader changed or noticed (an encoding converted, blank lines skipped) is said, as inspect does.
        for w in read.report.warnings { said.say(w.description) }
        let sha = try FileDigest.sha256(of: input.url)
        let gazetteer = try schemaOptions.loadGazetteer()
        let givenSchema = try schemaOptions.loadSchema()
        let outcome: (version: DatasetVersion, result: ValidationResult, created: Bool) = try await store.withStore(writing: true, command: "pim import") { s in
            guard try await s.workspace() != nil else { throw StoreError.notInitialized }
            try await actor.check(in: s, needs: .importData, to: "import data")
            let existing = try await s.dataset(named: dataset)
            // A new name that differs from a stored one only in case is refused before anything else is asked.
            let stored = try await s.datasets()
            if existing == nil, let other = StoredNames.sameName(as: dataset, among: stored.map(\.name)) {
                throw CLIError("A dataset \"\(other)\" already exists, and names are compared without case: import into \"\(other)\" or choose another name.")
            }
            // The same file stored in another dataset is not an error (a file may feed several datasets), but is said.
            for other in stored where other.id != existing?.id {
                if let v = try await s.versions(of: other.id).first(where: { $0.provenance.sha256 == sha }) {
                    said.say("this exact file (same SHA-256) is already stored as version \(v.number) of dataset \"\(other.name)\".")
                }
            }
            // An existing dataset keeps its category and sensitivity: a different one given is refused, not ignored.
            if let existing {
                if let category, category != existing.category {
                    throw CLIError("Dataset \"\(dataset)\" is a \(existing.category) dataset; --category \(category) cannot change it (import into a new dataset instead).")
                }
                if let sensitivity, sensitivity != existing.sensitivity {
                    throw CLIError("Dataset \"\(dataset)\" has sensitivity \(existing.sensitivity.rawValue); --sensitivity \(sensitivity.rawValue) cannot change it here.")
                }
            }
            // A KoboToolbox export's questions fill the fields they filled before, whatever their short names now.
            if let existing { read = DatasetImport.aligningKoboColumns(read, to: existing.schema) }
            let now = Date()
            let plan: DatasetImport.Plan
            do {
                plan = try DatasetImport.plan(table: read.table, existing: existing, name: dataset,
                                              new: .init(category: category, purpose: purpose, sensitivity: sensitivity ?? .high),
                                              givenSchema: givenSchema, now: now, replacingSchema: replaceSchema,
                                              kobo: read.report.kobo)
            } catch let error as DatasetImport.Failure {
                switch error {
                case .missingCategory:
                    throw CLIError("Dataset \"\(dataset)\" does not exist yet: give --category (one of \(PIMCategory.ID.allCases.map(\.rawValue).joined(separator: ", "))) to create it.")
                case .missingPurpose:
                    throw CLIError("Dataset \"\(dataset)\" does not exist yet: give its defined --purpose (why the data is collected).")
                default: throw CLIError(error.description)
                }
            }
            // (Text fields keep the file's own text, `4.50` not `4.5`: see FileInputOptions.keepingText.)
            let result = DatasetImport.validate(try input.keepingText(of: plan.schema, in: read), plan: plan, gazetteer: gazetteer,
                                                today: CivilDays.day(of: Date()),
                                                allowingUnknownTags: schemaOptions.allowUnknownTags,
                                                period: (periodStart, periodEnd))
            // JSON keeps stdout for the one object a script parses; the issues are in it (and in --errors-out).
            switch format {
            case .text: try IssueReport.print(result, errorsOut: schemaOptions.errorsOut)
            case .json:
                for w in result.warnings { Output.stderr("warning: \(Output.visible(w.description))") }
                if let out = schemaOptions.errorsOut { try IssueReport.write(result.issues, to: out) }
            }
            let unused = DatasetImport.unusedColumns(read.table, schema: plan.schema)
            if !unused.isEmpty {
                said.say("\(IssueReport.count(unused.count, "column")) \(unused.count == 1 ? "is" : "are") not in the schema and \(unused.count == 1 ? "is" : "are") not stored (data minimisation): \(unused.joined(separator: ", "))")
            }
            do throws(DatasetImport.Failure) { try DatasetImport.check(result, mode: mode, fileName: read.report.fileName) } catch {
                let message: String
                let missing = result.countsByRule[.missingColumn, default: 0]
                if case .refused = error, missing > 0 {
                    // No mode stores rows without a column the schema requires: say that, not "use import-valid".
                    message = "\(read.report.fileName) was not imported: \(IssueReport.count(missing, "required column")) \(missing == 1 ? "is" : "are") missing (see the issues above), and no row is stored without \(missing == 1 ? "it" : "them")."
                } else if case .refused = error, result.rowsRead > 0, result.rowsRejected == result.rowsRead {
                    message = "\(read.report.fileName) was not imported: \(IssueReport.count(result.issues.count, "issue")) (see above), and no row can be stored until \(result.issues.count == 1 ? "it is" : "they are") fixed."
                } else if case .refused = error {
                    message = "\(read.report.fileName) was not imported: \(IssueReport.count(result.issues.count, "issue")) (fix \(result.issues.count == 1 ? "it" : "them"), or use --mode import-valid to store the \(IssueReport.count(result.rowsRead - result.rowsRejected, "valid row")))."
                } else {
                    message = error.description
                }
                // A refused file still answers a script on stdout: what was wrong, with the counts; the status stays non-zero.
                if format == .json {
                    try Output.printJSON(ImportRejection(dataset: dataset, file: read.report.fileName, reason: message,
                                                         columns: read.table.columns.count, result: result, notes: said.all))
                    throw PrintedRefusal(error: CLIError(message))
                }
                throw CLIError(message)
            }
            let provenance = Provenance(
                sourceOrganization: sourceOrg, sourceSystem: sourceSystem, method: method, periodStart: periodStart,
                periodEnd: periodEnd, area: area, receivedAt: DatasetImport.day(received) ?? now,
                fileName: read.report.fileName, sha256: sha, importedBy: actor.name, qualityNotes: notes)
            let audit = DatasetImport.audit(plan: plan, result: result, sha256: sha, actor: actor.name, at: now)
            let v: DatasetVersion
            do {
                v = try await s.addVersion(of: plan.dataset.id, table: result.table, schema: plan.schema, provenance: provenance,
                                           audit: audit, creating: DatasetImport.creating(plan))
            } catch let e as StoreError {
                // The same file again is refused too: said on stdout as JSON like any other refusal.
                if case .duplicateFile(let version) = e, format == .json {
                    var rejection = ImportRejection(dataset: dataset, file: read.report.fileName, reason: e.description,
                                                    columns: read.table.columns.count, result: result, notes: said.all)
                    rejection.duplicateOfVersion = version
                    try Output.printJSON(rejection)
                    throw PrintedRefusal(error: e)
                }
                throw e
            }
            // A confirmed replacement becomes the dataset's schema once the version is stored, and is audited.
            if givenSchema != nil, let changed = DatasetImport.updated(plan) {
                try await s.update(changed)
                try await s.append(DatasetImport.schemaChangeAudit(
                    from: plan.dataset.schema, to: plan.schema, datasetID: plan.dataset.id, actor: actor.name, at: now))
                let changes = DatasetImport.schemaChanges(from: plan.dataset.schema, to: plan.schema)
                said.say("the schema of \"\(dataset)\" was replaced: " + changes.joined(separator: "; "))
            }
            if existing != nil, let purpose, purpose != existing?.purpose {
                said.say("--purpose is ignored: the dataset exists and keeps its defined purpose.")
            }
            return (v, result, existing == nil)
        }
        let r = outcome.result
        switch format {
        case .json:
            try Output.printJSON(ImportSummary(
                dataset: dataset, created: outcome.created, version: outcome.version.number, rowsStored: outcome.version.rowCount,
                rowsRead: r.rowsRead, columns: read.table.columns.count, warnings: said.all + r.warnings.map(\.description), rowsRejected: r.rowsRejected, issueCount: r.issues.count,
                countsByRule: Dictionary(uniqueKeysWithValues: r.countsByRule.map { ($0.key.rawValue, $0.value) }),
                fields: FieldSummary.of(r.table)))
        case .text:
            print("Imported \(IssueReport.count(outcome.version.rowCount, "row")) into \(outcome.created ? "new dataset" : "dataset") \"\(dataset)\" as version \(outcome.version.number)"
                  + (r.rowsRejected > 0 ? " (\(IssueReport.count(r.rowsRejected, "row")) with issues left out)" : "") + ".")
        }
    }
}

/// What `pim import --format json` prints: counts only. The keys it shares with `pim validate --format json`
/// (``ValidationSummary``) mean the same there.
struct ImportSummary: Encodable {
    var dataset: String
    var created: Bool
    var version: Int
    var rowsStored: Int
    var rowsRead: Int
    /// Columns in the file as read (those not in the schema are not stored).
    var columns: Int
    var warnings: [String]
    var rowsRejected: Int
    var issueCount: Int
    var countsByRule: [String: Int]
    /// The stored columns: name, type and HXL tag.
    var fields: [FieldSummary]
    var imported = true
}

/// What `pim import --format json` prints when the file is not imported: why, the counts, and every issue
/// (located as in the text output; values only as ``ValidationIssue`` may quote them).
struct ImportRejection: Encodable {
    var dataset: String
    var file: String
    var imported = false
    /// Why the file was not imported.
    var error: String
    var rowsRead: Int
    /// Columns in the file as read.
    var columns: Int
    var rowsValid: Int
    var rowsRejected: Int
    var issueCount: Int
    var countsByRule: [String: Int]
    var issues: [ValidationIssue]
    var warnings: [String]
    /// The version of the dataset that is already this exact file, when that is why (QA11 I7).
    var duplicateOfVersion: Int?

    init(dataset: String, file: String, reason: String, columns: Int, result r: ValidationResult, notes: [String]) {
        self.dataset = dataset
        self.file = file
        error = reason
        self.columns = columns
        rowsRead = r.rowsRead
        rowsValid = r.rowsRead - r.rowsRejected
        rowsRejected = r.rowsRejected
        issueCount = r.issues.count
        countsByRule = Dictionary(uniqueKeysWithValues: r.countsByRule.map { ($0.key.rawValue, $0.value) })
        issues = r.issues
        warnings = notes + r.warnings.map(\.description)
    }
}

extension Sensitivity: ExpressibleByArgument {}
extension ValidationMode: ExpressibleByArgument {}

/// What `pim import --format json` prints when the file is refused before it could be checked (it cannot be
/// read, the dataset name is taken, the store refuses): the reason, and the notes said so far.
struct ImportFailure: Encodable {
    var dataset: String
    var file: String
    var imported = false
    /// Why the file was not imported.
    var error: String
    var warnings: [String]
    /// Where a read error is: the row as a spreadsheet numbers it, and the column.
    var row: Int?
    var column: String?

    init(dataset: String, file: String, reason: String, warnings: [String]) {
        self.dataset = dataset
        self.file = file
        error = reason
        self.warnings = warnings
    }
}

/// A refusal whose JSON is already printed (see ``ImportRejection``).
struct PrintedRefusal: Error {
    let error: any Error
}

/// The notes an import says on stderr as it goes, kept for its JSON output.
final class ImportNotes: Sendable {
    private let notes = Mutex<[String]>([])

    func say(_ note: String) {
        Output.stderr("note: \(Output.visible(note))")
        notes.withLock { $0.append(note) }
    }

    var all: [String] { notes.withLock { $0 } }
}
