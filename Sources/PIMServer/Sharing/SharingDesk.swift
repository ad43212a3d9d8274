import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore
import PIMStorage

/// The sharing workflow as the web's pages and API both use it: agreements and shares read through the
/// object rules of ``SharingAccess``, created and audited through PIMStorage's ``AgreementDocuments`` and
/// ``ShareService`` — the same functions `pim agreement` and `pim share` call.
struct SharingDesk: Sendable {
    let store: any Store
    let now: @Sendable () -> Date

    // MARK: - Agreements

    /// The agreements `viewer` may see, newest first.
    func agreements(_ viewer: Viewer) async throws -> [Agreement] {
        try await AgreementDocuments.all(in: store).filter { SharingAccess.canSee($0, viewer: viewer) }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }

    /// The agreement, or ``ServerError/notFound`` when it is missing or hidden from `viewer`.
    func agreement(_ id: String, _ viewer: Viewer) async throws -> Agreement {
        guard let a = try await AgreementDocuments.find(id, in: store), SharingAccess.canSee(a, viewer: viewer) else {
            throw ServerError.notFound
        }
        return a
    }

    /// Records a draft agreement (audited), or returns the problems to show on the form.
    func create(_ input: AgreementInput, _ viewer: Viewer) async throws -> Result<Agreement, AgreementInput.Problems> {
        let at = now()
        switch input.agreement(createdBy: viewer.userID, at: at) {
        case .failure(let p): return .failure(p)
        case .success(let a):
            do {
                try await AgreementDocuments.create(a, in: store, actor: viewer.userID, at: at)
                return .success(a)
            } catch let e as AgreementError {
                return .failure(.init([e.description]))
            } catch StoreError.conflict(kind: _, key: let key) {
                return .failure(.init(["An agreement \"\(key)\" already exists; choose another id."]))
            }
        }
    }

    /// Moves an agreement to `status` (audited); the domain's life cycle decides what is allowed.
    func transition(_ id: String, to status: String, _ viewer: Viewer) async throws -> Result<Agreement, AgreementInput.Problems> {
        _ = try await agreement(id, viewer)
        guard let next = Agreement.Status(rawValue: status) else {
            return .failure(.init(["Status must be one of \(Agreement.Status.allCases.map(\.rawValue).joined(separator: ", "))."]))
        }
        do {
            try await AgreementDocuments.transition(id, to: next, in: store, actor: viewer.userID, role: viewer.role, at: now())
        } catch let e as AgreementError {
            return .failure(.init([e.description]))
        }
        return .success(try await agreement(id, viewer))
    }

    // MARK: - Shares

    /// A share request's outcome, as listed and shown.
    enum Item: Sendable {
        case shared(ShareRecord)
        case refused(ShareRefusalRecord)

        /// What a package and a refusal both record.
        struct Common {
            var id: String
            var agreement: String
            var dataset: String
            var recipient: String
            var level: DetailLevel
            var created: Date
            var actor: String
        }

        var common: Common {
            switch self {
            case .shared(let r):
                Common(id: r.id, agreement: r.agreement, dataset: r.dataset, recipient: r.recipient, level: r.level,
                       created: r.created, actor: r.actor)
            case .refused(let r):
                Common(id: r.id, agreement: r.agreement, dataset: r.dataset, recipient: r.recipient, level: r.level,
                       created: r.created, actor: r.actor)
            }
        }

        var id: String { common.id }
        var created: Date { common.created }
    }

    /// Shares and refused requests `viewer` may see, newest first.
    func shares(_ viewer: Viewer, agreement: String? = nil) async throws -> [Item] {
        let shared = try await ShareDocuments.all(in: store).filter { SharingAccess.canSee($0, viewer: viewer) }.map(Item.shared)
        let refused = try await ShareDocuments.refusals(in: store).filter { SharingAccess.canSee($0, viewer: viewer) }
            .map(Item.refused)
        return (shared + refused).filter { item in agreement.map { item.common.agreement == $0 } ?? true }.sorted { ($0.created, $0.id) > ($1.created, $1.id) }
    }

    /// One share or refusal, or ``ServerError/notFound`` when missing or hidden.
    func share(_ id: String, _ viewer: Viewer) async throws -> Item {
        if let r = try await ShareDocuments.find(id, in: store), SharingAccess.canSee(r, viewer: viewer) { return .shared(r) }
        if let r = try await ShareDocuments.refusal(id, in: store), SharingAccess.canSee(r, viewer: viewer) { return .refused(r) }
        throw ServerError.notFound
    }

    /// What the share form (or API) asks for. Empty fields take the defaults of ``request(_:_:)``.
    struct Request: Sendable, Hashable, Codable {
        var agreement = ""
        var dataset = ""
        var recipient = ""
        var level = ""
        var dimensions = ""
        /// Optional encryption for the recipient: their X25519 public key in PEM (`pim key recipient`), or a
        /// passphrase of at least 8 characters (never shown back on a form, never stored or audited).
        var recipientKey = ""
        var passphrase = ""

        init() {}

        init(form: Form) {
            agreement = form["agreement"] ?? ""
            dataset = form["dataset"] ?? ""
            recipient = form["recipient"] ?? ""
            level = form["level"] ?? ""
            dimensions = form["dimensions"] ?? ""
            recipientKey = form["recipient_key"] ?? ""
            passphrase = form["passphrase"] ?? ""
        }

        struct JSONBody: Decodable {
            var agreement: String?
            var dataset: String?
            var recipient: String?
            var level: String?
            var dimensions: [String]?
            var recipientPublicKey: String?
            var passphrase: String?
        }

        init(json b: JSONBody) {
            agreement = b.agreement ?? ""
            dataset = b.dataset ?? ""
            recipient = b.recipient ?? ""
            level = b.level ?? ""
            dimensions = (b.dimensions ?? []).joined(separator: ",")
            recipientKey = b.recipientPublicKey ?? ""
            passphrase = b.passphrase ?? ""
        }

        /// How the package is sealed: encrypted to the recipient's key, with a passphrase, or not at all.
        func sealing() -> Result<(encrypted: Bool, seal: (Data) throws -> Data), AgreementInput.Problems> {
            let key = recipientKey.trimmingCharacters(in: .whitespacesAndNewlines)
            switch (key.isEmpty, passphrase.isEmpty) {
            case (true, true):
                return .success((false, { $0 }))
            case (false, false):
                return .failure(.init(["Encrypt either to the recipient's public key or with a passphrase, not both."]))
            case (false, true):
                guard let publicKey = try? PackageKeys.agreementPublicKey(pem: key) else {
                    return .failure(.init([
                        "The recipient key must be an X25519 public key in PEM (\"-----BEGIN PUBLIC KEY-----\"), as `pim key recipient` writes it."]))
                }
                return .success((true, { try PackageEncryption.encrypt($0, to: publicKey) }))
            case (true, false):
                let phrase = passphrase
                guard phrase.count >= 8 else { return .failure(.init(["The passphrase must have at least 8 characters."])) }
                return .success((true, { try PackageEncryption.encrypt($0, passphrase: phrase) }))
            }
        }
    }

    /// Requests a share. The rules decide: a refusal (kept and audited as `share.refused`) or a signed package
    /// (kept and audited as `share.created`). Problems with the request itself (no such agreement or dataset,
    /// an unknown level) are returned without touching the store.
    ///
    /// Defaults: the recipient is the agreement's first recipient; the level the most detailed the agreement,
    /// the category policy and the dataset's sensitivity allow; the dimensions the agreement's, else the
    /// dataset's first two quasi-identifiers.
    func request(_ r: Request, _ viewer: Viewer) async throws -> Result<Item, AgreementInput.Problems> {
        // (Audited like every request that shares nothing, with codes and the names asked for only.)
        func unknown(_ refusal: ShareRefusal, _ problem: String) async throws -> Result<Item, AgreementInput.Problems> {
            try await store.append(ShareAssembly.refusalAudit(
                refusal, datasetID: nil, recipient: r.recipient, recipientOrganizationID: nil, agreementID: r.agreement,
                level: DetailLevel(rawValue: r.level) ?? .aggregated, actor: viewer.userID, at: now()))
            return .failure(.init([problem]))
        }
        guard let agreement = try await AgreementDocuments.find(r.agreement, in: store) else {
            return try await unknown(.unknownAgreement(r.agreement), "Choose an agreement: there is no agreement \"\(r.agreement)\".")
        }
        guard let dataset = try await store.dataset(named: r.dataset) else {
            return try await unknown(.unknownDataset(r.dataset), "Choose a dataset: there is no dataset \"\(r.dataset)\".")
        }
        let recipient = r.recipient.isEmpty ? (agreement.recipients.first ?? agreement.parties.first ?? "") : r.recipient
        let level: DetailLevel
        if r.level.isEmpty {
            level = ShareAssembly.defaultLevel(agreement: agreement, dataset: dataset)
        } else if let l = DetailLevel(rawValue: r.level) {
            level = l
        } else {
            return .failure(.init(["Level must be one of \(DetailLevel.allCases.map(\.rawValue).joined(separator: ", "))."]))
        }
        var dimensions = RecodeSpec.dimensions(r.dimensions)
        if dimensions.isEmpty { dimensions = agreement.dimensions }
        if dimensions.isEmpty {
            // (Population figures are shared as persons: by location and sex, not by the figures' columns.)
            dimensions = SharingRules.figureDimensions(category: dataset.category) != nil
                ? ["adm1_code", "sex"] : Array(dataset.schema.names(withRole: .quasiIdentifier).prefix(2))
        }
        let sealing: (encrypted: Bool, seal: (Data) throws -> Data)
        switch r.sealing() {
        case .failure(let p): return .failure(p)
        case .success(let s): sealing = s
        }
        let service = ShareService(store: store, actor: viewer.userID, recordingRefusals: true)
        do {
            // One share of a dataset at a time: each reads what the earlier ones recorded (blanks, published cells).
            let record = try await store.exclusively(ShareService.sectionKey(dataset: dataset.name)) {
                let share = try await service.prepare(
                    dataset: dataset.name, to: recipient, agreement: agreement.id, level: level, dimensions: dimensions, at: now(),
                    encrypted: sealing.encrypted, seal: sealing.seal)
                return try await service.commit(share, storingPackage: true)
            }
            return .success(.shared(record))
        } catch let e as ShareRefused {
            guard let record = e.record else { throw ServerError.internalError(requestID: "share-refusal") }
            return .success(.refused(record))
        }
    }

    /// The package file of a share the viewer may download, after appending the `share.downloaded` event (unless
    /// `auditing` is false: a HEAD request, which receives no bytes).
    /// - Throws: ``ServerError/notFound`` when the share is missing, hidden or not downloadable by the viewer;
    ///   ``ServerError/invalid(_:)`` when consent was withdrawn for records of its dataset after the package was
    ///   made (the download would disclose them after the withdrawal: a new share applies it).
    func download(_ id: String, _ viewer: Viewer, auditing: Bool = true) async throws -> (ShareRecord, Data) {
        guard case .shared(let record) = try await share(id, viewer), SharingAccess.canDownload(record, viewer: viewer, at: now()),
              let data = try await ShareDocuments.package(id, in: store) else { throw ServerError.notFound }
        let dataset = try await store.dataset(named: record.dataset)
        // A package made from a version since deleted (a wrong file, a retention period over) is not delivered
        // either: the deletion is meant to end the records' disclosure too (QA11 S12).
        var kept: [DatasetVersion] = []
        if let dataset { kept = try await store.versions(of: dataset.id) }
        if !kept.contains(where: { $0.number == record.version }) {
            throw ServerError.invalid(
                "Version \(record.version) of dataset \(record.dataset) was deleted after share \(record.id) was made, so the package "
                    + "is no longer delivered; request a new share of a version that is kept.")
        }
        if let dataset, try await consentWithdrawn(in: dataset, since: record.created) {
            throw ServerError.invalid(
                "Consent was withdrawn for records of dataset \(record.dataset) after share \(record.id) was made, so the package "
                    + "is no longer delivered (it may hold those records); request a new share, which applies the withdrawal.")
        }
        guard auditing else { return (record, data) }
        let org = try await store.organization(acronym: record.recipient)
        try await store.append(ShareAssembly.downloadAudit(
            record, datasetID: dataset?.id.rawValue, recipientOrganizationID: org?.id.rawValue, actor: viewer.userID, at: now()))
        return (record, data)
    }

    /// Whether a consent decision that is not a grant (a withdrawal or refusal) was recorded for `dataset` at or after
    /// `date`. Read from the audit trail, whose times are those of recording (a decision's own date may be set
    /// in the past with `pim consent --at`); an event without a stated decision counts as a withdrawal.
    func consentWithdrawn(in dataset: Dataset, since date: Date) async throws -> Bool {
        let events = try await store.auditEvents(AuditFilter(action: .consentChanged, datasetID: dataset.id.rawValue, from: date))
        return events.contains { $0.draft.at >= date && $0.draft.details["decision"] != "granted" }
    }

    // MARK: - Consent

    /// Records consent decisions for records of dataset `name` (the API and the consent page), as `pim consent`
    /// does. - Throws: ``ServerError/notFound`` for an unknown dataset; ``ServerError/invalid(_:)`` with the
    /// reason for a bad purpose, decision, date or id list, a dataset without a record id field, or when every
    /// decision is older than the stored one.
    func consent(dataset name: String, purpose: String?, decision: String?, records: [String], at text: String?,
                 _ viewer: Viewer) async throws -> (Dataset, ConsentRecording.Outcome) {
        guard let dataset = try await store.dataset(named: name) else { throw ServerError.notFound }
        guard let purpose = purpose.flatMap(ConsentPurpose.init(rawValue:)) else {
            throw ServerError.invalid("purpose must be one of \(ConsentPurpose.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard let decision, ["granted", "withdrawn"].contains(decision) else {
            throw ServerError.invalid("decision must be granted or withdrawn.")
        }
        let ids = Array(Set(records.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })).sorted()
        guard !ids.isEmpty else { throw ServerError.invalid("Give at least one record id.") }
        let now = now()
        var at = now
        if let text, !text.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let given = AuditQuery.instant(text) else { throw ServerError.invalid("The date must be a day as yyyy-mm-dd or an ISO 8601 instant.") }
            guard given <= now else { throw ServerError.invalid("The date is in the future; a decision is recorded when it was taken.") }
            at = given
        }
        let outcome: ConsentRecording.Outcome
        do {
            outcome = try await ConsentRecording.record(ids: ids, purpose: purpose, granted: decision == "granted", at: at,
                                                        dataset: dataset, in: store, actor: viewer.userID, now: now)
        } catch let e as ConsentError {
            throw ServerError.invalid(e.description)
        }
        guard outcome.applied > 0 else {
            throw ServerError.invalid("Nothing was recorded: for every record given, a later decision (or a withdrawal at the same time) is stored.")
        }
        return (dataset, outcome)
    }

    /// The `{id}` of the request's path, percent-decoded (agreement ids may hold any letters).
    static func id(_ context: PIMRequestContext) throws -> String {
        let raw = try context.parameters.require("id")
        return raw.removingPercentEncoding ?? raw
    }

    /// An id ready for a path (Location headers).
    static func encoded(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: unreserved) ?? id
    }

    /// RFC 3986 unreserved characters (ASCII only: `.alphanumerics` would let non-ASCII letters through).
    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    /// The response carrying a package file.
    static func fileResponse(_ record: ShareRecord, _ data: Data) -> Response {
        let name = record.id + (record.encrypted ? ".pimenc" : ".zip")
        return Response(
            status: .ok,
            headers: [.contentType: record.encrypted ? "application/octet-stream" : "application/zip",
                      .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
