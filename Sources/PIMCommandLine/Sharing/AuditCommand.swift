import ArgumentParser
import Foundation
import PIMCore
import PIMStorage

/// `pim audit list|verify`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The hash-chained audit trail: list events, verify the chain.",
        discussion: "Examples:\n  pim audit list --limit 20\n  pim audit verify",
        subcommands: [List.self, Verify.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list",
            abstract: "List audit events, oldest first, filtered.",
            discussion: """
                Examples:
                  pim audit list --action share.refused --from 2026-03-01
                  pim audit list --dataset pm --org DRC --limit 20 --format json
                """)
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this actor.") var actor: String?
        @Option(help: "Only this action, e.g. share.created, share.refused, agreement.changed, consent.changed.") var action: AuditAction?
        @Option(help: "Only this dataset (name).") var dataset: String?
        @Option(help: "Only this organisation (acronym).") var org: String?
        @Option(help: "From this day (yyyy-mm-dd) or instant (ISO 8601).") var from: String?
        @Option(help: "Up to this day (inclusive) or instant.") var to: String?
        @Option(help: "At most this many events.") var limit: Int?
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text

        func validate() throws {
            if let from, SharingCoding.instant(from) == nil { throw ValidationError("--from must be yyyy-mm-dd or an ISO 8601 instant.") }
            if let to, SharingCoding.instant(to) == nil { throw ValidationError("--to must be yyyy-mm-dd or an ISO 8601 instant.") }
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
        }

        func run() async throws {
            let query = AuditQuery(actor: actor, action: action, dataset: dataset, organization: org, from: from, to: to, limit: limit)
            let events = try await store.withStore(writing: false, command: "pim audit list") { s in
                do { return try await query.events(in: s) } catch let p as AuditQuery.Problem { throw CLIError(p.description) }
            }
            switch format {
            case .json: try Output.printJSON(events)
            case .text:
                if events.isEmpty { print("No audit events match."); return }
                let iso = ISO8601DateFormatter()
                print(Output.table(["seq", "at", "actor", "action", "agreement", "records", "details"], events.map { e in
                    [String(e.sequence), iso.string(from: e.draft.at), e.draft.actor, e.draft.action.rawValue, e.draft.agreementID ?? "",
                     e.draft.recordCount.map(String.init) ?? "",
                     e.draft.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")]
                }))
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify",
            abstract: "Re-check every event's hash and link; names the first broken event. Exits 1 if broken.",
            discussion: "Example:\n  pim audit verify --format json")
        @OptionGroup var store: StoreOptions
        @Option(help: "Output format: text or json (intact or not, events checked, the first broken event and why).")
        var format: OutputFormat = .text

        func run() async throws {
            let status = try await store.withStore(writing: false, command: "pim audit verify") { try await $0.verifyAuditChain() }
            if format == .json {
                switch status {
                case .intact(let n): try Output.printJSON(ChainSummary(intact: true, events: n, message: status.description))
                case .broken(let s, let r):
                    try Output.printJSON(ChainSummary(intact: false, brokenAt: s, reason: r.rawValue, message: status.description))
                    throw ExitCode(1)
                }
                return
            }
            switch status {
            case .intact: print(status.description)
            case .broken: throw CLIError(status.description)
            }
        }

        /// What `pim audit verify --format json` prints.
        struct ChainSummary: Encodable {
            var intact: Bool
            var events: Int?
            var brokenAt: Int64?
            var reason: String?
            var message: String
        }
    }
}
