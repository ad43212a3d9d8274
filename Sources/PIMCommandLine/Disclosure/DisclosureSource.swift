import ArgumentParser
import Foundation
import PIMCategories
import PIMCore
import PIMDisclosure
import PIMSQLite
import PIMServer
import PIMStorage
import PIMTable

/// SOURCE of the disclosure commands: a data file, or the name of a stored dataset (latest version, or `NAME@N`).
struct DisclosureSourceOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A data file (.csv, .xlsx, …) or a stored dataset name (NAME or NAME@VERSION).", valueName: "source"))
    var source: String

    /// The file read, when the source is a file (for output checks).
    var inputFiles: [URL] {
        let url = URL(fileURLWithPath: source)
        return FileManager.default.fileExists(atPath: url.path) ? [url] : []
    }
    @OptionGroup var store: StoreOptions
    @Option(help: "XLSX: the sheet to read.") var sheet: String?

    struct Loaded {
        var table: Table
        var schema: Schema
        var label: String
        var datasetID: Dataset.ID?
        var pseudonymizer: (any Pseudonymizer)?
        /// A stored dataset's secret per-record keys for the cell-key method, when asked for (``RecordKeys``).
        var recordKeys: [UInt32]?
        /// How a file was read (nil for a stored dataset): maps table rows to the rows a spreadsheet shows.
        var readReport: ReadReport?
        /// A stored dataset's consent to reporting (recorded decisions, and the record id field to match them),
        /// when asked for.
        var consent: ReportingConsent?
        /// A stored dataset's PIM category.
        var category: String?

        /// The sampling weight the schema's roles give, unless it is only a file's guess from a column name:
        /// a file's column called "weight" may be a person's body weight, so only a column tagged as a weight
        /// is taken (a stored dataset's schema says). When a guess is set aside, a note says so and how to use it.
        func defaultSamplingWeight(_ defaults: SchemaDisclosure) -> String? {
            guard let w = defaults.weight else { return nil }
            guard datasetID == nil, !(table[w]?.tag.map { $0.tag == "weight" || $0.has("weight") } ?? false) else { return w }
            Output.stderr("note: column \"\(w)\" is not used as a sampling weight (only its name suggests one); give --weight \(w) to use it.")
            return nil
        }

        /// Leaves out the rows (and their record keys) whose consent to reporting was refused, at collection or
        /// since, or withdrawn (``consent``; nothing without it), and returns how many.
        mutating func leaveOutRefusedConsent() throws -> Int {
            guard let consent else { return 0 }
            let kept: [Int]?
            do { kept = try consent.keptRows(in: table) } catch { throw CLIError(error.description) }
            guard let kept else { return 0 }
            let leftOut = table.rowCount - kept.count
            table = table.selectingRows(kept)
            recordKeys = recordKeys.map { keys in kept.map { keys[$0] } }
            return leftOut
        }

        /// `error`, located as `FILE:ROW:COLUMN: problem` when it concerns one cell of a file (ROW counted as
        /// `pim validate` counts it: the header, an HXL row and skipped blank lines included); else unchanged.
        func locating(_ error: any Error) -> any Error {
            guard let report = readReport else { return error }
            let cell = (error as? DisclosureError)?.cell ?? (error as? ReductionError)?.cell
            guard let cell else { return error }
            return CLIError("\(label):\(report.sourceRow(ofTableRow: cell.row)):\(cell.column): \(cell.problem).")
        }
    }

    /// Loads the table and the schema whose roles give the defaults (proposed from HXL tags for a file).
    /// - Parameter columns: for a CSV file, build only these columns (every row is still read and checked);
    ///   `nil` reads them all. Names the file lacks are ignored here and reported by the caller.
    func load(
        needPseudonymizer: Bool = false, needRecordKeys: Bool = false, needConsent: Bool = false, columns: Set<String>? = nil
    ) async throws -> Loaded {
        if FileManager.default.fileExists(atPath: source) {
            let url = URL(fileURLWithPath: source)
            let read = try TableReader.read(url: url, options: CSVReadOptions(columns: columns), sheet: sheet)
            var pseudo: (any Pseudonymizer)?
            if needPseudonymizer { pseudo = try await workspacePseudonymizer() }
            return Loaded(table: read.table, schema: SchemaProposal.propose(for: read.table), label: url.lastPathComponent,
                          pseudonymizer: pseudo, readReport: read.report)
        }
        let ext = URL(fileURLWithPath: source).pathExtension.lowercased()
        if source.contains("/") || ["csv", "tsv", "txt", "xlsx", "json"].contains(ext) {
            throw CLIError("There is no file \(source) (and a stored dataset's name has no slash or file extension).")
        }
        let parts = source.split(separator: "@", maxSplits: 1).map(String.init)
        let name = parts[0]
        let number = parts.count > 1 ? Int(parts[1]) : nil
        if parts.count > 1 && number == nil { throw CLIError("Write a version as NAME@N, e.g. \(name)@2.") }
        return try await store.withStore(writing: needPseudonymizer || needRecordKeys, command: "pim disclosure") { s in
            guard let d = try await s.dataset(named: name) else {
                throw try await DatasetLookup.notFound(
                    name, in: s, otherwise: "\(source) is neither a file nor a stored dataset (see `pim datasets`).")
            }
            let versions = try await s.versions(of: d.id)
            guard let v = number.map({ n in versions.first { $0.number == n } }) ?? versions.last else {
                throw CLIError("Dataset \"\(name)\" has no version \(number.map(String.init) ?? "yet").")
            }
            let pseudo: (any Pseudonymizer)? = needPseudonymizer
                ? HMACPseudonymizer(key: try await s.secret(named: HMACPseudonymizer.secretName) { HMACPseudonymizer.newKey() }, domain: HMACPseudonymizer.files) : nil
            let table = try await s.table(of: v)
            // The same keys as the server's (by record id when there is one), so a cell shows the same count.
            let keys = needRecordKeys
                ? RecordKeys.keys(
                    secret: try await s.secret(named: RecordKeys.secretName, orCreate: RecordKeys.newSecret), dataset: d.id.rawValue,
                    version: v.id.rawValue, recordIDs: ConsentFilter.recordIDField(in: v.schema).flatMap { table[$0] }, count: v.rowCount)
                : nil
            let consent = needConsent
                ? ReportingConsent(recordColumn: ConsentFilter.recordIDField(in: v.schema),
                                   decisions: try await s.consent(datasetID: d.id).map(\.decision))
                : nil
            return Loaded(
                table: table, schema: v.schema, label: "\(name) v\(v.number)", datasetID: d.id, pseudonymizer: pseudo,
                recordKeys: keys, consent: consent, category: d.category)
        }
    }

    /// For a stored dataset, checks that the acting user may do this with it (by default: analyse its rows),
    /// before anything is read or written.
    /// - Returns: the acting user's role, for a stored dataset and `--as`; nil otherwise.
    @discardableResult
    func authorize(_ actor: ActorOption, to action: String, needs permission: Permission = .analyseMicrodata) async throws -> Role? {
        guard !FileManager.default.fileExists(atPath: source), actor.actor != nil else { return nil }
        return try await store.withStore(writing: false, command: "pim \(action)") { s in
            try await actor.check(in: s, needs: permission, to: action + " a stored dataset")?.role
        }
    }

    /// Records that an output of a stored dataset was written (`dataset.exported`, counts and parameters
    /// only); a file given by path is the user's own and is not audited.
    /// Writes a release to `url` only once its audit event is recorded: `write` fills a temporary file beside
    /// it, which becomes `url` after the audit (or is removed when the audit fails), so that a command that
    /// fails leaves no unaudited file behind.
    func release(
        _ loaded: Loaded, to url: URL, actor: ActorOption, kind: String, records: Int, details: [String: String],
        write: (URL) throws -> Void
    ) async throws {
        let fm = FileManager.default
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.deletingPathExtension().lastPathComponent).partial-\(UUID().uuidString)")
            .appendingPathExtension(url.pathExtension)
        defer { try? fm.removeItem(at: temporary) }
        try write(temporary)
        try await auditOutput(loaded, actor: actor, kind: kind, records: records, details: details)
        // (rename(2) replaces an existing file in one step.)
        guard rename(temporary.path, url.path) == 0 else {
            throw CLIError("\(url.path): could not be written (errno \(errno)); the release is recorded in the audit log.")
        }
    }

    func auditOutput(_ loaded: Loaded, actor: ActorOption, kind: String, records: Int, details: [String: String]) async throws {
        guard let id = loaded.datasetID else { return }
        try await store.withStore(writing: true, command: "pim \(kind)") { s in
            var d = details
            d["kind"] = kind
            d["source"] = loaded.label
            try await s.append(AuditDraft(at: Date(), actor: actor.name, action: .datasetExported, datasetID: id.rawValue,
                                          recordCount: records, details: d))
        }
    }

    /// The workspace's pseudonymizer when there is a workspace, nil when there is none (no store, or a store
    /// without `pim init`); an unreachable or broken store is still an error.
    func availablePseudonymizer() async throws -> (any Pseudonymizer)? {
        guard store.storeExists else { return nil }
        do {
            return try await workspacePseudonymizer()
        } catch is CLIError {
            return nil
        }
    }

    /// The workspace key is needed to pseudonymise ids of a file too (same id → same pseudonym in one workspace).
    func workspacePseudonymizer() async throws -> any Pseudonymizer {
        try await store.withStore(writing: true, command: "pim anonymize") { s in
            guard try await s.workspace() != nil else {
                throw CLIError("Pseudonymising needs the workspace's key: run `pim init` first (or pass --data-dir/--database).")
            }
            return HMACPseudonymizer(key: try await s.secret(named: HMACPseudonymizer.secretName) { HMACPseudonymizer.newKey() }, domain: HMACPseudonymizer.files)
        }
    }
}

/// Parses comma-separated column lists, refusing empty names.
func columnList(_ text: String?) -> [String]? {
    text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
}
