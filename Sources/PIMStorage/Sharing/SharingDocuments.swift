import Foundation
import PIMCore

/// JSON coding of the sharing documents: sorted keys and ISO 8601 dates, the format `pim agreement` and
/// `pim share` have always written.
public enum DocumentCoding {
    public static func encode<T: Encodable>(_ value: T) throws(StoreError) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        do { return String(decoding: try e.encode(value), as: UTF8.self) } catch {
            throw .corrupt("a document could not be encoded for storage")
        }
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ json: String, what: String) throws(StoreError) -> T {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        do { return try d.decode(type, from: Data(json.utf8)) } catch {
            throw .corrupt("the stored \(what) cannot be read")
        }
    }
}

/// Agreements and policy exceptions as stored documents.
public enum AgreementDocuments {
    /// The agreement, or nil when there is none with this id.
    public static func find(_ id: String, in store: any Store) async throws(StoreError) -> Agreement? {
        guard let json = try await store.document(kind: .agreement, id: id) else { return nil }
        return try DocumentCoding.decode(Agreement.self, json, what: "agreement \(id)")
    }

    /// The agreement. - Throws: ``StoreError/notFound(kind:key:)`` when missing.
    public static func load(_ id: String, from store: any Store) async throws(StoreError) -> Agreement {
        guard let a = try await find(id, in: store) else { throw .notFound(kind: "agreement", key: id) }
        return a
    }

    /// Every agreement, ordered by id.
    public static func all(in store: any Store) async throws(StoreError) -> [Agreement] {
        var out: [Agreement] = []
        for d in try await store.documents(kind: .agreement) {
            out.append(try DocumentCoding.decode(Agreement.self, d.json, what: "agreement \(d.id)"))
        }
        return out
    }

    /// Inserts or replaces the agreement, with its audit event, in one transaction.
    public static func save(_ a: Agreement, in store: any Store, audit: AuditDraft) async throws(StoreError) {
        try await store.putDocument(kind: .agreement, id: a.id, json: try DocumentCoding.encode(a), audit: audit)
    }

    public static func exceptions(in store: any Store) async throws(StoreError) -> [PolicyException] {
        var out: [PolicyException] = []
        for d in try await store.documents(kind: .policyException) {
            out.append(try DocumentCoding.decode(PolicyException.self, d.json, what: "policy exception \(d.id)"))
        }
        return out
    }

    /// Records a new draft agreement after checking its parties and coverage against the workspace,
    /// with the `agreement.changed` (created) audit event. The command line and the web both call it.
    /// - Throws: ``StoreError/notInitialized``, ``StoreError/conflict(kind:key:)`` for an existing id,
    ///   ``AgreementError`` for an unknown party or coverage.
    public static func create(_ agreement: Agreement, in store: any Store, actor: String, at now: Date) async throws {
        guard try await store.workspace() != nil else { throw StoreError.notInitialized }
        if try await store.document(kind: .agreement, id: agreement.id) != nil {
            throw StoreError.conflict(kind: "agreement", key: agreement.id)
        }
        try agreement.checkReferences(
            organizations: Set(try await store.organizations().map(\.acronym)), datasets: Set(try await store.datasets().map(\.name)),
            categories: Agreement.categoryIDs)
        try await save(agreement, in: store, audit: AuditDraft(
            at: now, actor: actor, action: .agreementChanged, agreementID: agreement.id,
            details: ["change": "created", "level": agreement.level.rawValue, "parties": String(agreement.parties.count)]))
    }

    /// Moves the agreement to `next`, recording the change with its audit event; returns the previous status.
    /// Activating an agreement whose thresholds are weaker than the defaults needs a data-protection focal
    /// point (`role`; `nil` when no workspace user acts: see ``Agreement/checkApprover(role:)``).
    /// - Throws: ``StoreError/notFound(kind:key:)``, ``AgreementError`` for a move the life cycle forbids or a
    ///   role that may not approve it.
    @discardableResult
    public static func transition(_ id: String, to next: Agreement.Status, in store: any Store, actor: String,
                                  role: Role?, at now: Date) async throws -> Agreement.Status {
        var a = try await load(id, from: store)
        let from = a.status(at: now)
        if next == .active { try a.checkApprover(role: role) }
        try a.transition(to: next, by: actor, at: now)
        try await save(a, in: store, audit: AuditDraft(
            at: now, actor: actor, action: .agreementChanged, agreementID: id,
            details: ["change": "status", "from": from.rawValue, "to": next.rawValue]))
        return from
    }
}

/// The organisation this workspace belongs to: the producer every share from it names (QA11 S19). Optional: a
/// workspace that has not said it accepts any agreement's first party as the producer, as before.
public enum WorkspaceOrganization {
    struct Stored: Codable {
        var acronym: String
    }

    /// Its acronym, when the workspace has said it.
    public static func acronym(in store: any Store) async throws(StoreError) -> String? {
        guard let json = try await store.document(kind: .workspaceOrganization, id: "own") else { return nil }
        return try DocumentCoding.decode(Stored.self, json, what: "the workspace's organisation").acronym
    }

    /// Makes `acronym` (a registered organisation) the workspace's own, with its audit event.
    public static func set(_ acronym: String, in store: any Store, audit: AuditDraft) async throws(StoreError) {
        try await store.putDocument(kind: .workspaceOrganization, id: "own", json: try DocumentCoding.encode(Stored(acronym: acronym)), audit: audit)
    }
}

/// Share records and the stored packages of web shares.
public enum ShareDocuments {
    struct StoredPackage: Codable {
        var id: String
        var base64: String
    }

    /// Every share record, ordered by id.
    public static func all(in store: any Store) async throws(StoreError) -> [ShareRecord] {
        var out: [ShareRecord] = []
        for d in try await store.documents(kind: .shareRecord) {
            out.append(try DocumentCoding.decode(ShareRecord.self, d.json, what: "share record \(d.id)"))
        }
        return out
    }

    /// Every refused web request, ordered by id.
    public static func refusals(in store: any Store) async throws(StoreError) -> [ShareRefusalRecord] {
        var out: [ShareRefusalRecord] = []
        for d in try await store.documents(kind: .shareRefusal) {
            out.append(try DocumentCoding.decode(ShareRefusalRecord.self, d.json, what: "share refusal \(d.id)"))
        }
        return out
    }

    public static func refusal(_ id: String, in store: any Store) async throws(StoreError) -> ShareRefusalRecord? {
        guard let json = try await store.document(kind: .shareRefusal, id: id) else { return nil }
        return try DocumentCoding.decode(ShareRefusalRecord.self, json, what: "share refusal \(id)")
    }

    public static func find(_ id: String, in store: any Store) async throws(StoreError) -> ShareRecord? {
        guard let json = try await store.document(kind: .shareRecord, id: id) else { return nil }
        return try DocumentCoding.decode(ShareRecord.self, json, what: "share record \(id)")
    }

    /// The stored package file of a share, or nil when it was delivered as a file only (command line).
    public static func package(_ id: String, in store: any Store) async throws(StoreError) -> Data? {
        guard let json = try await store.document(kind: .sharePackage, id: id) else { return nil }
        let p = try DocumentCoding.decode(StoredPackage.self, json, what: "share package \(id)")
        guard let data = Data(base64Encoded: p.base64) else { throw .corrupt("the stored share package \(id) is damaged") }
        return data
    }

    /// What a pseudonymised or anonymised share left blank (see ``DocumentKind/shareSuppressions``).
    struct StoredSuppressions: Codable {
        var share: String
        var dataset: String
        /// Key column → record pseudonyms whose value the package has blank.
        var blank: [String: [String]]
    }

    /// Key column → the record pseudonyms whose value some pseudonymised or anonymised share of `dataset` left
    /// blank, to any recipient (pseudonyms are the same for every recipient of the workspace, so two recipients'
    /// files join too; an anonymised file's records are matched on their values).
    public static func suppressedPseudonyms(dataset: String, in store: any Store) async throws(StoreError) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for d in try await store.documents(kind: .shareSuppressions) {
            let s = try DocumentCoding.decode(StoredSuppressions.self, d.json, what: "share suppressions \(d.id)")
            guard s.dataset == dataset else { continue }
            for (column, names) in s.blank { out[column, default: []].formUnion(names) }
        }
        return out
    }

    static func putSuppressions(_ id: String, dataset: String, blank: [String: [String]], in store: any Store)
        async throws(StoreError)
    {
        let json = try DocumentCoding.encode(StoredSuppressions(share: id, dataset: dataset, blank: blank))
        try await store.putDocument(kind: .shareSuppressions, id: id, json: json, audit: nil)
    }

    static func putPackage(_ id: String, _ data: Data, in store: any Store) async throws(StoreError) {
        let json = try DocumentCoding.encode(StoredPackage(id: id, base64: data.base64EncodedString()))
        try await store.putDocument(kind: .sharePackage, id: id, json: json, audit: nil)
    }
}
