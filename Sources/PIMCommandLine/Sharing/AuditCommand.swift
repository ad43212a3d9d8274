import ArgumentParser
import Foundation
import PIMCore
import PIMServer
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
        @Option(help: "SEQUENCE:HASH of an event kept outside pim (an earlier run's anchor): checks that it still has that hash.")
        var anchor: String?

        func run() async throws {
            let expected = try anchor.map { text in
                guard let a = AuditAnchor.parse(text) else { throw ValidationError(AuditAnchor.formatHelp) }
                return a
            }
            let (status, head, holds) = try await store.withStore(writing: false, command: "pim audit verify") { s in
                let status = try await s.verifyAuditChain()
                let head = try await AuditAnchor.head(in: s, status: status)
                var holds: Bool?
                if let expected { holds = try await AuditAnchor.holds(expected, in: s) }
                return (status, head, holds)
            }
            if format == .json {
                var summary: ChainSummary
                switch status {
                case .intact(let n): summary = ChainSummary(intact: true, events: n, message: status.description, anchor: head?.text)
                case .broken(let s, let r): summary = ChainSummary(intact: false, brokenAt: s, reason: r.rawValue, message: status.description)
                }
                if let expected, let holds {
                    summary.anchorHolds = holds
                    if !holds && summary.intact {
                        summary.intact = false
                        summary.brokenAt = expected.sequence
                        summary.message = AuditAnchor.rewritten(expected)
                    }
                }
                try Output.printJSON(summary)
                if !summary.intact { throw ExitCode(1) }
                return
            }
            switch status {
            case .intact:
                if let expected, holds == false { throw CLIError(AuditAnchor.rewritten(expected)) }
                print(status.description)
                if expected != nil { print("The anchor given still holds.") }
                if let head { print("Anchor to keep outside pim (check it later with --anchor): \(head.text)") }
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
            /// The newest event as SEQUENCE:HASH, when the chain is intact.
            var anchor: String?
            /// Whether the anchor given with --anchor still holds.
            var anchorHolds: Bool?
        }
    }
}
