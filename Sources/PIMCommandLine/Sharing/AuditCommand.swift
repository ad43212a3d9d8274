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
        @Option(help: ArgumentHelp(
            "File where each run records the newest event and checks the one recorded before (default: audit-anchors.txt in the data directory; none for PostgreSQL unless given).",
            valueName: "file"))
        var anchorsFile: String?

        /// The anchors file: given, or beside an SQLite store's database (outside it).
        var anchorsURL: URL? {
            if let anchorsFile { return URL(fileURLWithPath: anchorsFile) }
            if case .sqlite(let directory) = store.configuration.backend { return directory.appendingPathComponent(AuditAnchorFile.name) }
            return nil
        }

        func run() async throws {
            let given = try anchor.map { text in
                guard let a = AuditAnchor.parse(text) else { throw ValidationError(AuditAnchor.formatHelp) }
                return a
            }
            // The anchor an earlier run recorded is checked too (QA18 F3: removing the newest events with the chain head
            // leaves a chain that verifies; the record outside the database does not follow).
            let file = anchorsURL
            let recorded = file.flatMap(AuditAnchorFile.last(in:))
            let (status, head, givenHolds, recordedHolds) = try await store.withStore(writing: false, command: "pim audit verify") { s in
                let status = try await s.verifyAuditChain()
                let head = try await AuditAnchor.head(in: s, status: status)
                var givenHolds: Bool?
                var recordedHolds: Bool?
                if let given { givenHolds = try await AuditAnchor.holds(given, in: s) }
                if let recorded { recordedHolds = try await AuditAnchor.holds(recorded, in: s) }
                return (status, head, givenHolds, recordedHolds)
            }
            // An intact chain that holds the anchors is recorded for the next run.
            if case .intact = status, givenHolds != false, recordedHolds != false, let head, let file, head != recorded {
                // (A workspace on read-only media is still verified; the next run then checks an older anchor.)
                do { try AuditAnchorFile.append(head, to: file) } catch { Output.stderr("warning: \(error)") }
            }
            // The anchor whose failure is reported: the one given, else the recorded one.
            let fromFile = givenHolds != false && recordedHolds == false
            let expected = fromFile ? recorded : given
            let holds = fromFile ? recordedHolds : givenHolds
            if format == .json {
                var summary: ChainSummary
                switch status {
                case .intact(let n): summary = ChainSummary(intact: true, events: n, message: status.description, anchor: head?.text)
                case .broken(let s, let r): summary = ChainSummary(intact: false, brokenAt: s, reason: r.rawValue, message: status.description)
                }
                if let recorded { summary.recordedAnchor = recorded.text }
                summary.recordedAnchorHolds = recordedHolds
                if let expected, let holds {
                    summary.anchorHolds = fromFile ? givenHolds : holds
                    if !holds && summary.intact {
                        summary.intact = false
                        summary.brokenAt = expected.sequence
                        summary.message = fromFile ? AuditAnchorFile.rewritten(expected, file: file) : AuditAnchor.rewritten(expected)
                    }
                }
                try Output.printJSON(summary)
                if !summary.intact { throw ExitCode(1) }
                return
            }
            switch status {
            case .intact:
                if let expected, holds == false {
                    throw CLIError(fromFile ? AuditAnchorFile.rewritten(expected, file: file) : AuditAnchor.rewritten(expected))
                }
                print(status.description)
                if expected != nil { print("The anchor given still holds.") }
                if let recorded, recordedHolds == true {
                    print("Event \(recorded.sequence), the newest when an earlier run recorded it, still has its hash: none up to it was removed or rewritten.")
                }
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
            /// Whether the anchor given with --anchor (or else recorded by an earlier run) still holds.
            var anchorHolds: Bool?
            /// The anchor an earlier run recorded (in the anchors file), and whether it still holds.
            var recordedAnchor: String?
            var recordedAnchorHolds: Bool?
        }
    }
}

/// The file where `pim audit verify` records the newest event of each intact run (`SEQUENCE:HASH TIME` a line),
/// outside the database, so that the next run notices events removed from the end together with the chain head.
/// Whoever can also edit this file can hide that; an anchor kept further away (`--anchor`) cannot be.
enum AuditAnchorFile {
    /// Its name in an SQLite workspace's data directory.
    static let name = "audit-anchors.txt"

    /// The last well-formed anchor in the file; nil when there is none (or no file).
    static func last(in file: URL) -> AuditAnchor.Link? {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline).reversed() {
            if let first = line.split(separator: " ").first, let link = AuditAnchor.parse(String(first)) { return link }
        }
        return nil
    }

    static func append(_ link: AuditAnchor.Link, to file: URL) throws {
        let line = Data("\(link.text) \(ISO8601DateFormatter().string(from: Date()))\n".utf8)
        if !FileManager.default.fileExists(atPath: file.path) {
            guard FileManager.default.createFile(atPath: file.path, contents: line, attributes: [.posixPermissions: 0o600]) else {
                throw CLIError("\(file.path): cannot record the audit anchor there.")
            }
            return
        }
        do {
            let handle = try FileHandle(forWritingTo: file)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        } catch {
            throw CLIError("\(file.path): cannot record the audit anchor there.")
        }
    }

    static func rewritten(_ link: AuditAnchor.Link, file: URL?) -> String {
        "The audit log was truncated or rewritten: event \(link.sequence), recorded by an earlier `pim audit verify` in "
            + "\(file?.path ?? "the anchors file"), is gone or no longer has its hash, although the chain itself may verify "
            + "(removing the newest events and moving the chain head back, or recomputing every hash, leaves one that does)."
    }
}
