import Crypto
import Foundation

/// What happened. Closed set so audit filters and reports are typed.
public enum AuditAction: String, Sendable, Hashable, Codable, CaseIterable {
    case workspaceInitialized = "workspace.initialized"
    case userCreated = "user.created"
    case userUpdated = "user.updated"
    case login = "auth.login"
    case loginFailed = "auth.login-failed"
    case organizationAdded = "organization.added"
    case datasetCreated = "dataset.created"
    case datasetImported = "dataset.imported"
    case datasetExported = "dataset.exported"
    case agreementChanged = "agreement.changed"
    case consentChanged = "consent.changed"
    case shareCreated = "share.created"
    case shareRefused = "share.refused"
    /// A stored share package was downloaded from the web (a disclosure to the downloading user).
    case shareDownloaded = "share.downloaded"
    /// A partner organisation's user fetched a live table of a dataset (a disclosure outside the producer), or
    /// `pim output` printed a dataset's internal or shareable output (details: `kind`).
    case outputViewed = "output.viewed"
    case systemRegistered = "system.registered"
    /// A system of the map lost its link to a dataset that was deleted (details: the system and dataset ids).
    case systemUnlinked = "system.unlinked"
    /// The workspace said which registered organisation it belongs to (details: its acronym).
    case workspaceOrganizationSet = "workspace.organization-set"
    // MARK: Accounts (web administration)
    case tokenCreated = "token.created"
    case tokenRevoked = "token.revoked"
    case teamChanged = "team.changed"
    // MARK: Security review
    /// Disclosure roles of a dataset's fields changed (details: field names and old->new roles; schema only).
    case datasetSchemaChanged = "dataset.schema.changed"
    /// A dataset version, or a whole dataset with its versions and consent decisions, was deleted (details: the
    /// version numbers and the reason given; counts only).
    case datasetDeleted = "dataset.deleted"
}

/// The facts of an audit event before the store places it in the chain.
///
/// Privacy: holds ids and counts only. `details` values must never be record contents.
public struct AuditDraft: Sendable, Hashable, Codable {
    public var at: Date
    public var actor: String
    public var action: AuditAction
    public var datasetID: String?
    public var organizationID: String?
    public var agreementID: String?
    public var recordCount: Int?
    public var details: [String: String]

    public init(
        at: Date, actor: String, action: AuditAction, datasetID: String? = nil, organizationID: String? = nil,
        agreementID: String? = nil, recordCount: Int? = nil, details: [String: String] = [:]
    ) {
        self.at = at
        self.actor = actor
        self.action = action
        self.datasetID = datasetID
        self.organizationID = organizationID
        self.agreementID = agreementID
        self.recordCount = recordCount
        self.details = details
    }
}

/// An appended, hash-chained audit event. `hash` = SHA-256(previousHash ‖ canonical(draft) ‖ sequence).
public struct AuditEvent: Sendable, Hashable, Codable {
    /// 1, 2, 3, … without gaps.
    public var sequence: Int64
    public var draft: AuditDraft
    /// Hex SHA-256 of the previous event, or 64 zeros for the first.
    public var previousHash: String
    public var hash: String

    public static let genesisHash = String(repeating: "0", count: 64)

    /// Creates the event that follows `previousHash` at `sequence`.
    public init(sequence: Int64, draft: AuditDraft, previousHash: String) {
        self.sequence = sequence
        self.draft = draft
        self.previousHash = previousHash
        self.hash = Self.computeHash(sequence: sequence, draft: draft, previousHash: previousHash)
    }

    /// Reassembles a stored event without recomputing its hash (so tampering can be detected).
    public init(sequence: Int64, draft: AuditDraft, previousHash: String, storedHash: String) {
        self.sequence = sequence
        self.draft = draft
        self.previousHash = previousHash
        self.hash = storedHash
    }

    /// Canonical text hashed for an event: one field per line, details sorted by key, dates as whole
    /// milliseconds since 1970, so every backend computes the same bytes.
    public static func canonicalText(sequence: Int64, draft: AuditDraft, previousHash: String) -> String {
        var lines = [
            "seq=\(sequence)", "prev=\(previousHash)", "at=\(Self.millis(draft.at))", "actor=\(escape(draft.actor))",
            "action=\(draft.action.rawValue)", "dataset=\(escape(draft.datasetID ?? ""))",
            "organization=\(escape(draft.organizationID ?? ""))", "agreement=\(escape(draft.agreementID ?? ""))",
            "records=\(draft.recordCount.map(String.init) ?? "")",
        ]
        for (k, v) in draft.details.sorted(by: { $0.key < $1.key }) { lines.append("d.\(escape(k))=\(escape(v))") }
        return lines.joined(separator: "\n")
    }

    public static func computeHash(sequence: Int64, draft: AuditDraft, previousHash: String) -> String {
        let text = canonicalText(sequence: sequence, draft: draft, previousHash: previousHash)
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Dates are stored and hashed with millisecond precision.
    public static func millis(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded()) }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// The outcome of checking an audit chain.
public enum AuditChainStatus: Sendable, Hashable, CustomStringConvertible {
    case intact(events: Int)
    /// The first event whose hash, predecessor link or sequence is wrong.
    case broken(atSequence: Int64, reason: Reason)

    public enum Reason: String, Sendable, Hashable {
        case hashMismatch = "its contents do not match its hash (edited)"
        case linkMismatch = "it does not point to the hash of the event before it (an event was removed or edited)"
        case sequenceGap = "its sequence number does not follow the previous one (an event was removed)"
        /// Reported at the sequence the stored chain head names.
        case headMismatch = "the stored chain head names this event, but the newest stored event is another (the newest events were removed, or the head edited)"
        /// Reported at the newest event when the stored chain head itself is missing: the events may be intact,
        /// but nothing any longer shows whether newer ones were removed.
        case headMissing = "the stored chain head is missing (removed), so whether events after this one were removed cannot be checked"
        /// Reported at sequence 1 of a workspace whose trail does not start with its initialisation.
        case missingStart = "the workspace exists but its trail does not start with the workspace's initialisation (the oldest events, or all of them, were removed)"
    }

    public var description: String {
        switch self {
        case .intact(let n): "The audit chain is intact: \(n) events, every hash and link verified."
        case .broken(let s, let r): "The audit chain is broken at event \(s): \(r.rawValue)."
        }
    }

    /// Verifies events given in sequence order.
    public static func verify(_ events: some Sequence<AuditEvent>) -> AuditChainStatus {
        var previous = AuditEvent.genesisHash
        var expected: Int64 = 1
        var count = 0
        for e in events {
            if e.sequence != expected { return .broken(atSequence: e.sequence, reason: .sequenceGap) }
            if e.previousHash != previous { return .broken(atSequence: e.sequence, reason: .linkMismatch) }
            let h = AuditEvent.computeHash(sequence: e.sequence, draft: e.draft, previousHash: e.previousHash)
            if h != e.hash { return .broken(atSequence: e.sequence, reason: .hashMismatch) }
            previous = e.hash
            expected += 1
            count += 1
        }
        return .intact(events: count)
    }
}

extension AuditChainStatus {
    /// Verifies events and also that the last one is the stored chain head, so deleting the newest events
    /// (which leaves an internally consistent chain) is caught too.
    /// - Parameter workspaceExists: a workspace's trail starts with `workspace.initialized`; a trail emptied
    ///   (with its head) would otherwise verify as an intact chain of no events.
    public static func verify(_ events: [AuditEvent], head: (sequence: Int64, hash: String)?, workspaceExists: Bool = false)
        -> AuditChainStatus
    {
        if workspaceExists && events.first?.draft.action != .workspaceInitialized {
            return .broken(atSequence: 1, reason: .missingStart)
        }
        let status = verify(events)
        guard case .intact = status else { return status }
        let last = events.last
        switch (head, last) {
        case (nil, nil): return status
        case (let h?, let l?) where h.sequence == l.sequence && h.hash == l.hash: return status
        case (let h?, _): return .broken(atSequence: h.sequence, reason: .headMismatch)
        case (nil, let l?): return .broken(atSequence: l.sequence, reason: .headMissing)
        }
    }
}
