import Foundation
import PIMCore
import PIMStorage

/// The audit chain's newest link, and checks of an *anchor*: a sequence number and hash copied out of pim
/// earlier (QA10 Q6). The chain's hashes are not keyed, so someone who can write the database file can
/// recompute every hash after an edit and the chain verifies again; an anchor kept outside pim (on paper, in
/// an e-mail, in a recipient's records) still shows that history up to it was rewritten.
/// `pim audit verify --anchor` uses the same functions.
public enum AuditAnchor {
    public struct Link: Codable, Sendable, Hashable {
        public var sequence: Int64
        public var hash: String

        /// `SEQUENCE:HASH`.
        public var text: String { "\(sequence):\(hash)" }
    }

    /// What a malformed anchor is told.
    public static let formatHelp = "An anchor is SEQUENCE:HASH as the audit page and `pim audit verify` show it: an event's number, a colon and its 64 hex digits."

    /// The newest event's sequence and hash; nil when the log is empty or the chain is broken.
    public static func head(in store: any Store, status: AuditChainStatus) async throws -> Link? {
        guard case .intact(let n) = status, n > 0, let last = try await store.auditEvents(AuditFilter(limit: n)).last else { return nil }
        return Link(sequence: last.sequence, hash: last.hash)
    }

    /// `SEQUENCE:HASH`, as the audit page and the verify answer show it; nil when malformed.
    public static func parse(_ text: String) -> Link? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let sequence = Int64(parts[0]), sequence >= 1,
              parts[1].count == 64, parts[1].allSatisfy(\.isHexDigit) else { return nil }
        return Link(sequence: sequence, hash: parts[1].lowercased())
    }

    /// Whether the event at the anchor's sequence still has the anchor's hash.
    public static func holds(_ anchor: Link, in store: any Store) async throws -> Bool {
        guard anchor.sequence <= Int64(Int.max),
              let event = try await store.auditEvents(AuditFilter(limit: Int(anchor.sequence))).last,
              event.sequence == anchor.sequence else { return false }
        return event.hash == anchor.hash
    }

    /// The sentence for an anchor that no longer holds.
    public static func rewritten(_ anchor: Link) -> String {
        "The audit log was rewritten: event \(anchor.sequence) no longer has the hash of the anchor given, "
            + "although the chain itself may verify (its hashes can be recomputed by whoever edits the database)."
    }
}
