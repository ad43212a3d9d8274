import Crypto
import Foundation
import PIMCore
import PIMStorage
import PIMTable

/// How to encrypt a package, if at all.
enum PackageSealing {
    case none
    case passphrase(String)
    case recipient(Curve25519.KeyAgreement.PublicKey)
}

/// The record kept of every share (document kind `share-record`): ids and counts only.
struct ShareRecord: Codable {
    var id: String
    var agreement: String
    var dataset: String
    var version: Int
    var recipient: String
    var level: DetailLevel
    var records: Int
    var leftOutForConsent: Int
    var sha256: String
    var encrypted: Bool
    var created: Date
    var actor: String
}

/// One share from stored data to a package file: the store-facing half of the sharing workflow. The
/// decisions themselves are the pure ``SharingRules`` and ``ShareBuilder``.
struct ShareService {
    let store: any Store
    let actor: String

    struct Outcome {
        var record: ShareRecord
        var output: ShareOutput
        var metadata: ShareMetadata
    }

    /// A refusal that was already written to the audit trail.
    struct Refused: Error, CustomStringConvertible {
        let refusal: ShareRefusal
        var description: String { "Refused: " + refusal.description }
    }

    /// Checks, builds, signs, (encrypts), writes and audits one share; or audits and throws ``Refused``.
    func share(
        dataset name: String, to recipient: String, agreement agreementID: String, level: DetailLevel, dimensions: [String],
        out: URL, sealing: PackageSealing, at now: Date
    ) async throws -> Outcome {
        guard let dataset = try await store.dataset(named: name) else { throw StoreError.notFound(kind: "dataset", key: name) }
        let agreement = try await AgreementDocuments.load(agreementID, from: store)
        let exceptions = try await AgreementDocuments.exceptions(in: store)
        let recipientOrg = try await store.organization(acronym: recipient)
        func refuse(_ r: ShareRefusal) async throws -> Never {
            try await store.append(AuditDraft(
                at: now, actor: actor, action: .shareRefused, datasetID: dataset.id.rawValue,
                organizationID: recipientOrg?.id.rawValue, agreementID: agreementID,
                details: ["reason": r.code, "level": level.rawValue, "recipient": recipient]))
            throw Refused(refusal: r)
        }
        guard recipientOrg != nil else { try await refuse(.unknownOrganization(recipient)) }
        let request = ShareRequest(dataset: dataset, recipient: recipient, level: level, dimensions: dimensions)
        let plan: SharePlan
        switch SharingRules.decide(request, agreement: agreement, exceptions: exceptions, at: now) {
        case .refused(let r): try await refuse(r)
        case .allowed(let p): plan = p
        }
        guard let version = try await store.versions(of: dataset.id).last else { try await refuse(.noVersion(dataset: name)) }
        // An aggregated table needs only its dimensions (and the record id for the consent filter).
        let table = plan.level == .aggregated
            ? try await store.table(of: version, columns: plan.dimensions + (plan.consentPurpose == nil ? [] : [
                ConsentFilter.recordIDField(in: version.schema)].compactMap { $0 }))
            : try await store.table(of: version)
        let consent = plan.consentPurpose == nil ? [] : try await store.consent(datasetID: dataset.id).map {
            ConsentDecision(recordID: $0.recordID, purpose: $0.purpose, granted: $0.granted, at: $0.at)
        }
        let pseudonymizer = plan.level == .pseudonymised
            ? HMACPseudonymizer(key: try await store.secret(named: HMACPseudonymizer.secretName, orCreate: HMACPseudonymizer.newKey))
            : nil
        let output: ShareOutput
        do {
            output = try ShareBuilder.build(plan, dataset: dataset, table: table, consent: consent, pseudonymizer: pseudonymizer)
        } catch {
            if case .refused(let r) = error { try await refuse(r) }
            throw CLIError(error.description)
        }

        let signingKey = try await Self.signingKey(store)
        let producerAcronym = agreement.parties.first ?? "-"
        let producerName = try await store.organization(acronym: producerAcronym)?.name
        let shareID = "SHR-" + SharingCoding.dayText(now).replacingOccurrences(of: "-", with: "") + "-"
            + UUID().uuidString.prefix(8).lowercased()
        let metadata = ShareMetadata(
            shareID: shareID, dataset: dataset, version: version, output: output, plan: plan, agreement: agreement,
            producer: .init(acronym: producerAcronym, name: producerName), producedBy: actor,
            recipient: .init(acronym: recipient, name: recipientOrg?.name), created: now,
            signerFingerprint: PackageKeys.fingerprint(signingKey.publicKey.rawRepresentation))
        var file = try SharePackage.build(members: metadata.members(table: output.table), signingKey: signingKey, date: now)
        switch sealing {
        case .none: break
        case .passphrase(let p): file = try PackageEncryption.encrypt(file, passphrase: p)
        case .recipient(let k): file = try PackageEncryption.encrypt(file, to: k)
        }
        let record = ShareRecord(
            id: shareID, agreement: agreementID, dataset: name, version: version.number, recipient: recipient, level: plan.level,
            records: output.table.rowCount, leftOutForConsent: output.consent.map { $0.considered - $0.kept } ?? 0,
            sha256: SHA256.hash(data: file).map { String(format: "%02x", $0) }.joined(), encrypted: !(sealing.isNone),
            created: now, actor: actor)
        // Write beside the target first, audit, then move into place: no unaudited package appears.
        let temporary = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).\(shareID).part")
        try file.write(to: temporary, options: Data.WritingOptions.atomic)
        do {
            var details = ["share": shareID, "level": plan.level.rawValue, "sha256": record.sha256, "version": String(version.number)]
            if let c = output.consent { details["left_out_consent"] = String(c.considered - c.kept) }
            try await store.putDocument(kind: .shareRecord, id: shareID, json: try SharingCoding.encode(record), audit: AuditDraft(
                at: now, actor: actor, action: .shareCreated, datasetID: dataset.id.rawValue, organizationID: recipientOrg?.id.rawValue,
                agreementID: agreementID, recordCount: output.table.rowCount, details: details))
            if FileManager.default.fileExists(atPath: out.path) { try FileManager.default.removeItem(at: out) }
            try FileManager.default.moveItem(at: temporary, to: out)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        return Outcome(record: record, output: output, metadata: metadata)
    }

    /// The workspace's Ed25519 signing key, created on first use.
    static func signingKey(_ store: any Store) async throws -> Curve25519.Signing.PrivateKey {
        let raw = try await store.secret(named: PackageKeys.signingSecretName, orCreate: PackageKeys.newSigningKey)
        do { return try Curve25519.Signing.PrivateKey(rawRepresentation: raw) } catch {
            throw CLIError("The workspace signing key is damaged.")
        }
    }
}

extension PackageSealing {
    var isNone: Bool { if case .none = self { true } else { false } }
}
