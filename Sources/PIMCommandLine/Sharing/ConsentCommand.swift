import ArgumentParser
import Foundation
import PIMCore
import PIMServer
import PIMStorage
import PIMTable

/// `pim consent record|withdraw --dataset NAME --purpose P (--record ID … | --file CSV)`.
struct ConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Record or withdraw consent per purpose (services, disclosure, reporting, tracing).",
        discussion: """
            Example:
              pim consent record --dataset cases --purpose disclosure --record R000000001
            The latest decision per record and purpose counts (at the same instant, a withdrawal): a withdrawal applies to every later share. A decision older than the one stored for a record is not applied, and is reported; a decision cannot be dated in the future. Records are matched by the dataset's record id field (record_id, or its first direct identifier).
            """,
        subcommands: [Record.self, Withdraw.self]
    )

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "record",
            abstract: "Record granted consent. Audited (counts only).",
            discussion: """
                Examples:
                  pim consent record --dataset cases --purpose disclosure \\
                      --record R000000001 --record R000000002
                  pim consent record --dataset cases --purpose disclosure --file ok.csv
                """)
        @OptionGroup var options: ConsentOptions
        func run() async throws { try await options.run(granted: true) }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "withdraw",
            abstract: "Record withdrawn (or refused) consent. Audited (counts only).",
            discussion: "Example:\n  pim consent withdraw --dataset cases --purpose disclosure --record R000000002")
        @OptionGroup var options: ConsentOptions
        func run() async throws { try await options.run(granted: false) }
    }
}

struct ConsentOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOption
    @Option(help: "Dataset name.") var dataset: String
    @Option(help: "services, disclosure, reporting or tracing.") var purpose: ConsentPurpose
    @Option(help: "A record id (repeat for several).") var record: [String] = []
    @Option(help: "CSV of record ids: the column record_id, or else the first column.") var file: String?
    @Option(help: "When the decision was taken (yyyy-mm-dd or ISO 8601; default now).") var at: String?

    func validate() throws {
        if record.isEmpty == (file == nil) { throw ValidationError("Give record ids with --record ID ... or --file CSV (one of them).") }
        if record.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) { throw ValidationError("--record needs a record id, not an empty value.") }
        if let at {
            guard let when = SharingCoding.instant(at) else { throw ValidationError("--at must be yyyy-mm-dd or an ISO 8601 instant.") }
            // (A decision dated ahead would override every real decision until then.)
            if when > Date().addingTimeInterval(300) { throw ValidationError("--at is in the future; a decision is dated when it was taken.") }
        }
    }

    func ids() throws -> [String] {
        guard let file else { return record }
        // Read the bytes first, so a pipe (`--file <(...)`, /dev/stdin) works as well as a regular file.
        guard let handle = FileHandle(forReadingAtPath: file) else { throw CLIError("\(file): cannot read the file.") }
        let bytes = [UInt8](handle.readDataToEndOfFile())
        try? handle.close()
        let t = try CSVReader.read(bytes: bytes, fileName: (file as NSString).lastPathComponent).table
        guard let c = t["record_id"] ?? t.columns.first else { throw CLIError("\(file) has no columns.") }
        return (0..<t.rowCount).compactMap { r -> String? in
            switch c[r] {
            case .null: nil
            case .text(let s): s.isEmpty ? nil : s
            case .integer(let v): String(v)
            case .decimal(let v): String(v)
            case .date(let d): String(d)
            case .boolean(let b): String(b)
            }
        }
    }

    func run(granted: Bool) async throws {
        let ids = Array(Set(try ids().map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })).sorted()
        guard !ids.isEmpty else { throw CLIError("No record ids given: nothing to record.") }
        let when = at.flatMap(SharingCoding.instant) ?? Date()
        let now = Date()
        let (applied, superseded, unknown) = try await store.withStore(writing: true, command: "pim consent") { s in
            // The roles that record consent on the web (those who manage sharing): a case worker's decision is
            // recorded through them, as the web's consent page and API refuse case workers (QA11 S7: on the
            // command line a case worker could change any dataset's consent and learn which ids exist).
            try await actor.check(in: s, needs: .manageSharing, to: "record consent decisions")
            let d = try await DatasetLookup.require(dataset, in: s)
            let o = try await ConsentRecording.record(ids: ids, purpose: purpose, granted: granted, at: when, dataset: d, in: s,
                                                      actor: actor.name, now: now)
            return (o.applied, o.superseded, o.unknown)
        }
        if applied > 0 {
            print("\(granted ? "Recorded consent" : "Recorded withdrawal") for \(purpose.rawValue) of \(applied) records of \(dataset).")
        }
        if superseded > 0 {
            Output.stderr("note: \(superseded) decisions were not applied: a later decision is stored for those records\(granted ? " (or a withdrawal at the same time)" : ""); record a decision dated after it.")
        }
        if unknown > 0 {
            Output.stderr("note: \(unknown) record ids match no record of the latest version of \(dataset); check them (a decision is kept for a record imported later).")
        }
        if applied == 0 { throw CLIError("Nothing was recorded: every decision given is older than the one stored.") }
    }
}
