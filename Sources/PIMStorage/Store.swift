import Foundation
import PIMCore
import PIMTable

/// Everything pim keeps. One protocol, two implementations (SQLite, PostgreSQL), one conformance suite.
///
/// Every method is a transaction: it completes entirely or changes nothing. Implementations never put
/// record values or SQL arguments into errors or logs.
public protocol Store: SharingStore, Sendable {
    /// Brings the schema to the latest migration. Idempotent.
    func migrate() async throws(StoreError)

    // MARK: Workspace
    /// The workspace, or nil before `pim init`.
    func workspace() async throws(StoreError) -> Workspace?
    /// Creates the workspace and its first administrator, and records the audit event, in one transaction.
    /// With `replacingExisting`, deletes everything first (`pim init --force`).
    /// - Throws: ``StoreError/alreadyInitialized`` when a workspace exists and `replacingExisting` is false.
    func initialize(workspace: Workspace, administrator: User, replacingExisting: Bool, at: Date) async throws(StoreError)

    // MARK: Organisations and users
    func add(_ organization: Organization) async throws(StoreError)
    func organizations() async throws(StoreError) -> [Organization]
    func organization(acronym: String) async throws(StoreError) -> Organization?
    func add(_ user: User) async throws(StoreError)
    func update(_ user: User) async throws(StoreError)
    func user(named userName: String) async throws(StoreError) -> User?
    func users() async throws(StoreError) -> [User]
    // MARK: Sign-in counters (atomic)
    /// Counts one failed sign-in in a single statement, so that concurrent failures (from any number of server
    /// processes) are all counted: adds one to `failedLogins`, and when that reaches `lockAfter`, sets
    /// `lockedUntil` to `lockUntil` and resets the count to 0. Changes no other column.
    /// - Returns: the user as stored afterwards.
    /// - Throws: ``StoreError/notFound(kind:key:)`` when there is no such user.
    func recordFailedLogin(of user: User.ID, lockAfter: Int, lockUntil: Date) async throws(StoreError) -> User
    /// Clears the failure count and the lock (after a successful sign-in); changes no other column.
    func clearFailedLogins(of user: User.ID) async throws(StoreError)

    // MARK: Datasets
    func create(_ dataset: Dataset) async throws(StoreError)
    func update(_ dataset: Dataset) async throws(StoreError)
    func dataset(named name: String) async throws(StoreError) -> Dataset?
    func dataset(id: Dataset.ID) async throws(StoreError) -> Dataset?
    func datasets() async throws(StoreError) -> [Dataset]

    /// Stores `table` as the next version of `dataset`, with its audit event, all or nothing.
    ///
    /// With `creating`, the dataset itself is inserted in the same transaction (a first import), so a failed
    /// import never leaves an empty dataset behind.
    /// - Throws: ``StoreError/duplicateFile(version:)`` when a version with the same file SHA-256 exists.
    func addVersion(
        of dataset: Dataset.ID, table: Table, schema: Schema, provenance: Provenance, audit: AuditDraft,
        creating: Dataset?
    ) async throws(StoreError) -> DatasetVersion
    /// Versions of a dataset, oldest first.
    func versions(of dataset: Dataset.ID) async throws(StoreError) -> [DatasetVersion]
    /// Deletes version `number` of a dataset with its audit event, all or nothing: its rows are dropped and it
    /// is no longer listed. Its number is never given again (the audit trail names versions by number), and
    /// its file may be imported again.
    /// - Throws: ``StoreError/notFound(kind:key:)`` when there is no such version.
    func deleteVersion(number: Int, of dataset: Dataset.ID, audit: AuditDraft) async throws(StoreError) -> DatasetVersion
    /// Deletes a dataset with every version's rows, its consent decisions, the dataset itself and the
    /// `documents` derived from it (the stored packages of its shares), with its audit event, all or nothing.
    /// Audit events that name it stay (the trail is never edited).
    /// - Throws: ``StoreError/notFound(kind:key:)`` when there is no such dataset.
    func deleteDataset(_ dataset: Dataset.ID, removing documents: [DocumentKey], audit: AuditDraft) async throws(StoreError)
    /// Loads a version's rows back into a typed table (columns in schema order).
    func table(of version: DatasetVersion) async throws(StoreError) -> Table
    /// Loads only the named columns (in schema order; unknown names are ignored), e.g. the dimensions of an
    /// aggregated share, so a million-row version is not read whole for a three-column table.
    func table(of version: DatasetVersion, columns: [String]) async throws(StoreError) -> Table

    // MARK: Audit
    /// Appends an event to the hash chain.
    @discardableResult
    func append(_ draft: AuditDraft) async throws(StoreError) -> AuditEvent
    /// Events matching `filter`, in sequence order.
    func auditEvents(_ filter: AuditFilter) async throws(StoreError) -> [AuditEvent]
    /// Re-reads the whole chain and checks every hash and link, and the stored chain head.
    func verifyAuditChain() async throws(StoreError) -> AuditChainStatus

    /// Releases connections and locks.
    func close() async throws(StoreError)

    // MARK: Exclusive sections
    /// Runs `body` while no other section of the same `key` runs on this store: in this process, and for a store
    /// several processes share (PostgreSQL: a server and `pim` commands, or several servers), in any of them.
    /// For read-modify-write sequences that span several calls, such as a share, which reads what earlier
    /// shares of its dataset recorded and records its own. The default serialises within the process only,
    /// enough for SQLite, whose writers already exclude each other's processes (one directory lock).
    func exclusively<T: Sendable>(_ key: String, _ body: () async throws -> T) async throws -> T
}

/// The in-process locks of ``Store/exclusively(_:_:)``.
enum StoreSections {
    static let locks = KeyedLocks()
}

extension Store {
    public func exclusively<T: Sendable>(_ key: String, _ body: () async throws -> T) async throws -> T {
        try await StoreSections.locks.run(key, body)
    }

    /// Default: loads every column, then keeps the named ones. Backends override it to read less.
    public func table(of version: DatasetVersion, columns: [String]) async throws(StoreError) -> Table {
        let all = try await table(of: version)
        let keep = all.columnNames.filter { columns.contains($0) }
        do { return try all.selectingColumns(keep) } catch { throw .corrupt("a stored column is missing") }
    }

    /// Adds a version to an existing dataset.
    public func addVersion(
        of dataset: Dataset.ID, table: Table, schema: Schema, provenance: Provenance, audit: AuditDraft
    ) async throws(StoreError) -> DatasetVersion {
        try await addVersion(of: dataset, table: table, schema: schema, provenance: provenance, audit: audit, creating: nil)
    }
}

extension Store {
    /// The user whose name equals `userName` regardless of case, for signing in: user names are unique without
    /// case (see ``StoredNames``), so "Admin" can only mean "admin". An exact match is found first; the
    /// case-insensitive match is made in Swift over ``users()``, so both backends fold case the same way.
    /// - Returns: the stored user (with its stored name), or nil when no name matches.
    public func user(signingInAs userName: String) async throws(StoreError) -> User? {
        if let exact = try await user(named: userName) { return exact }
        guard let stored = StoredNames.sameName(as: userName, among: try await users().map(\.userName)) else { return nil }
        return try await user(named: stored)
    }

    /// The dataset whose name equals `name` regardless of case (names are unique without case); an exact
    /// match first.
    public func dataset(namedIgnoringCase name: String) async throws(StoreError) -> Dataset? {
        if let exact = try await dataset(named: name) { return exact }
        guard let stored = StoredNames.sameName(as: name, among: try await datasets().map(\.name)) else { return nil }
        return try await dataset(named: stored)
    }
}

/// Dataset and user names are unique regardless of case: "Registration" and "registration" would be read
/// as one dataset, and "Admin" beside "admin" in an audit trail as one person, so the second is refused as a
/// conflict with the first. Compared in Swift, so that both backends fold case the same way, beyond ASCII too.
public enum StoredNames {
    /// The name in `names` that equals `name` when case is ignored, if any (an exact match first).
    public static func sameName(as name: String, among names: [String]) -> String? {
        let key = name.lowercased()
        return names.first { $0 == name } ?? names.first { $0.lowercased() == key }
    }
}

/// Filters for ``Store/auditEvents(_:)``. Nil means "any".
public struct AuditFilter: Sendable, Hashable {
    public var actor: String?
    public var action: AuditAction?
    public var datasetID: String?
    public var organizationID: String?
    /// With ``organizationID``: the ids of the agreements the organisation is a party to, whose events match
    /// too (an agreement's changes carry its id, not its parties; QA11 S20).
    public var organizationAgreements: [String] = []
    public var from: Date?
    public var to: Date?
    public var limit: Int?

    public init(
        actor: String? = nil, action: AuditAction? = nil, datasetID: String? = nil, organizationID: String? = nil,
        from: Date? = nil, to: Date? = nil, limit: Int? = nil
    ) {
        self.actor = actor
        self.action = action
        self.datasetID = datasetID
        self.organizationID = organizationID
        self.from = from
        self.to = to
        self.limit = limit
    }

    public static let all = AuditFilter()

    /// Whether `e` passes (used by both backends after a coarse SQL filter, and by tests).
    public func matches(_ e: AuditEvent) -> Bool {
        if let actor, e.draft.actor != actor { return false }
        if let action, e.draft.action != action { return false }
        if let datasetID, e.draft.datasetID != datasetID { return false }
        if let organizationID, e.draft.organizationID != organizationID,
            !(e.draft.agreementID.map(organizationAgreements.contains) ?? false)
        {
            return false
        }
        if let from, e.draft.at < from { return false }
        if let to, e.draft.at > to { return false }
        return true
    }
}

/// Storage failures, translated from driver errors at the boundary. No SQL arguments or values inside.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case alreadyInitialized(workspace: String)
    case notInitialized
    case notFound(kind: String, key: String)
    case conflict(kind: String, key: String)
    case duplicateFile(version: Int)
    case locked(path: String, holder: String)
    /// Another process stored the same name or number in the same moment (two first imports of one new
    /// dataset on PostgreSQL, say); this command changed nothing.
    case concurrentWrite(kind: String)
    case unavailable(String)
    /// The database is there but did not store the change (a full disk, a table of the same name, a value it
    /// cannot hold); nothing of the command was stored.
    case failed(String)
    case corrupt(String)

    public var description: String {
        switch self {
        case .alreadyInitialized(let w):
            "This store already holds the workspace \"\(w)\"; run again with --force to erase it and start over."
        case .notInitialized: "No workspace here yet; run `pim init` first (or pass the right --data-dir / --database)."
        case .notFound(let k, let key): "There is no \(k) \"\(key)\"."
        case .conflict(let k, let key): "\(Self.article(k)) \(k) \"\(key)\" already exists."
        case .duplicateFile(let v): "This exact file (same SHA-256) was already imported as version \(v); nothing was stored."
        case .locked(let p, let h):
            "The data directory \(p) is being written by another pim process (\(h)); wait for it to finish, or go through the running server."
        case .concurrentWrite(let k):
            "Another pim process stored the same \(k) at the same moment; nothing was changed by this command: run it again."
        case .unavailable(let why): "The database is unavailable: \(why)."
        case .failed(let why): "The database did not store this (nothing of it was stored): \(why)."
        case .corrupt(let why): "The stored data is inconsistent: \(why)."
        }
    }

    /// "An" before a kind that starts with a vowel sound ("an organisation", "an agreement"), else "A" ("a user").
    static func article(_ kind: String) -> String {
        kind.first.map { "aeio".contains($0.lowercased()) } == true ? "An" : "A"
    }
}

/// Kinds of small JSON documents kept by id (agreements, registered information systems, …).
/// One stored document: its kind and id.
public struct DocumentKey: Sendable, Hashable {
    public var kind: DocumentKind
    public var id: String

    public init(kind: DocumentKind, id: String) {
        self.kind = kind
        self.id = id
    }
}

public enum DocumentKind: String, Sendable, Hashable, Codable, CaseIterable {
    case agreement
    case informationSystem = "information-system"
    case policyException = "policy-exception"
    case shareRecord = "share-record"
    // MARK: Accounts (web administration)
    /// An API token, stored under the SHA-256 of the token (the token itself is never stored).
    case apiToken = "api-token"
    /// When an API token was last used, under the token's public id (kept apart from the token record so that
    /// recording a use can never overwrite a revocation).
    case apiTokenUse = "api-token-use"
    /// A supervisor's case-management team, stored under the supervisor's user id.
    case team
    /// The bytes of a share package made through the web, kept so it can be downloaded later (base64 in JSON).
    case sharePackage = "share-package"
    /// A refused share request made through the web, with its reason.
    case shareRefusal = "share-refusal"
    /// The key values a pseudonymised or anonymised share left blank, by column and record pseudonym, stored
    /// under the share's id: a later release of the dataset of either kind leaves them blank too. Pseudonyms and column names only;
    /// kept when the dataset is deleted (recipients keep their packages).
    case shareSuppressions = "share-suppressions"
    /// The organisation this workspace belongs to (the producer of its shares), under the id `own`.
    case workspaceOrganization = "workspace-organization"
}

/// One consent decision of one record for one purpose. Record ids are the dataset's own ids.
public struct ConsentEntry: Sendable, Hashable, Codable {
    public var recordID: String
    public var purpose: String
    public var granted: Bool
    public var at: Date

    /// Whether this stored decision stays in force over `new` for the same record and purpose: it was
    /// taken later, or at the same instant and it is a withdrawal (when in doubt, consent is withdrawn).
    public func supersedes(_ new: ConsentEntry) -> Bool {
        at > new.at || (at == new.at && !granted && new.granted)
    }

    /// The decision as the pure ``ConsentFilter`` reads it.
    public var decision: ConsentDecision { ConsentDecision(recordID: recordID, purpose: purpose, granted: granted, at: at) }

    /// `new` split into the decisions that take effect over `current` (the stored ones) and those a
    /// stored decision supersedes, which the store leaves as they are.
    public static func split(_ new: [ConsentEntry], over current: [ConsentEntry]) -> (applied: [ConsentEntry], superseded: [ConsentEntry]) {
        var stored: [String: ConsentEntry] = [:]
        for c in current { stored[c.purpose + "\u{0}" + c.recordID] = c }
        var applied: [ConsentEntry] = []
        var superseded: [ConsentEntry] = []
        for e in new {
            if let s = stored[e.purpose + "\u{0}" + e.recordID], s.supersedes(e) { superseded.append(e) } else { applied.append(e) }
        }
        return (applied, superseded)
    }

    public init(recordID: String, purpose: String, granted: Bool, at: Date) {
        self.recordID = recordID
        self.purpose = purpose
        self.granted = granted
        self.at = at
    }
}

/// Documents, consent and workspace secrets: the parts of the store the sharing workflow uses.
public protocol SharingStore: Sendable {
    /// Inserts or replaces a document, and appends `audit` in the same transaction when given.
    func putDocument(kind: DocumentKind, id: String, json: String, audit: AuditDraft?) async throws(StoreError)
    func document(kind: DocumentKind, id: String) async throws(StoreError) -> String?
    /// All documents of a kind, ordered by id.
    func documents(kind: DocumentKind) async throws(StoreError) -> [(id: String, json: String)]

    /// Records consent decisions with one audit event: per record and purpose the latest decision wins,
    /// and of two taken at the same instant the withdrawal (see ``ConsentEntry/supersedes(_:)``).
    func recordConsent(datasetID: Dataset.ID, entries: [ConsentEntry], audit: AuditDraft) async throws(StoreError)
    /// The current decision per record and purpose.
    func consent(datasetID: Dataset.ID) async throws(StoreError) -> [ConsentEntry]

    /// A named workspace secret (pseudonymisation key, signing key), created with `make` on first use.
    /// Never logged; only key material, never personal data.
    func secret(named name: String, orCreate make: @Sendable () -> Data) async throws(StoreError) -> Data
}
