import ArgumentParser
import Foundation
import PIMCore
import PIMStorage
import PIMTable

/// `pim consent record|withdraw --dataset NAME --purpose P (--record ID … | --file CSV)`.
struct ConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Record or withdraw consent per purpose (services, disclosure, reporting, tracing).",
        discussion: """
            The latest decision per record and purpose counts: a withdrawal applies to every later share. Records are matched by the dataset's record id field (record_id, or its first direct identifier).
            """,
        subcommands: [Record.self, Withdraw.self]
    )

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
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
        static let configuration = CommandConfiguration(
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
        if let at, SharingCoding.instant(at) == nil { throw ValidationError("--at must be yyyy-mm-dd or an ISO 8601 instant.") }
    }

    func ids() throws -> [String] {
        guard let file else { return record }
        let t = try CSVReader.read(contentsOf: URL(fileURLWithPath: file)).table
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
        let ids = Array(Set(try ids())).sorted()
        let when = at.flatMap(SharingCoding.instant) ?? Date()
        let now = Date()
        try await store.withStore(writing: true, command: "pim consent") { s in
            try await actor.check(in: s)
            guard let d = try await s.dataset(named: dataset) else { throw StoreError.notFound(kind: "dataset", key: dataset) }
            let entries = ids.map { ConsentEntry(recordID: $0, purpose: purpose.rawValue, granted: granted, at: when) }
            try await s.recordConsent(datasetID: d.id, entries: entries, audit: AuditDraft(
                at: now, actor: actor.name, action: .consentChanged, datasetID: d.id.rawValue, recordCount: entries.count,
                details: ["purpose": purpose.rawValue, "decision": granted ? "granted" : "withdrawn"]))
        }
        print("\(granted ? "Recorded consent" : "Recorded withdrawal") for \(purpose.rawValue) of \(ids.count) records of \(dataset).")
    }
}
