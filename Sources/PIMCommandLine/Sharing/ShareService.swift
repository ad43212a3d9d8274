import Crypto
import Foundation
import PIMCore
import PIMServer
import PIMStorage
import PIMTable

/// How to encrypt a package, if at all.
enum PackageSealing {
    case none
    case passphrase(String)
    case recipient(Curve25519.KeyAgreement.PublicKey)

    var isNone: Bool { if case .none = self { true } else { false } }

    /// Encrypts a signed package (or returns it unchanged).
    func seal(_ package: Data) throws -> Data {
        switch self {
        case .none: package
        case .passphrase(let p): try PackageEncryption.encrypt(package, passphrase: p)
        case .recipient(let k): try PackageEncryption.encrypt(package, to: k)
        }
    }
}

/// The command line's delivery of a share: PIMStorage's ``ShareService`` prepares and signs it; this writes
/// the file beside the target, commits the audited record, then moves the file into place, so no
/// unaudited package appears.
enum ShareFileDelivery {
    struct Outcome {
        var record: ShareRecord
        var output: ShareOutput
        var metadata: ShareMetadata
    }

    static func share(
        store: any Store, actor: String, dataset: String, to recipient: String, agreement: String, level: DetailLevel,
        dimensions: [String], out: URL, sealing: PackageSealing, at now: Date
    ) async throws -> Outcome {
        let service = ShareService(store: store, actor: actor)
        // One share of the dataset at a time, whichever process makes it (see ShareService.sectionKey).
        return try await store.exclusively(ShareService.sectionKey(dataset: dataset)) {
            let share = try await service.prepare(
                dataset: dataset, to: recipient, agreement: agreement, level: level, dimensions: dimensions, at: now,
                encrypted: !sealing.isNone, seal: sealing.seal)
            let temporary = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).\(share.record.id).part")
            try share.package.write(to: temporary, options: Data.WritingOptions.atomic)
            do {
                try await service.commit(share, storingPackage: false)
                if FileManager.default.fileExists(atPath: out.path) { try FileManager.default.removeItem(at: out) }
                try FileManager.default.moveItem(at: temporary, to: out)
            } catch {
                try? FileManager.default.removeItem(at: temporary)
                throw error
            }
            return Outcome(record: share.record, output: share.output, metadata: share.metadata)
        }
    }

    /// Checks that the actor may share data; a request refused here is audited as `share.refused` (reason
    /// `not-permitted`) like any other refusal, then the error is thrown.
    static func checkSharer(
        _ actor: ActorOption, in store: any Store, request: String, agreement: String?, recipient: String?
    ) async throws {
        do {
            try await actor.check(in: store, needs: .manageSharing, to: "share data")
        } catch let e as CLIError {
            var details = ["reason": ShareRefusal.notPermitted(reason: e.description).code, "request": request]
            if let recipient { details["recipient"] = recipient }
            try await store.append(
                AuditDraft(at: Date(), actor: actor.name, action: .shareRefused, agreementID: agreement, details: details))
            throw e
        }
    }

    /// The workspace's Ed25519 signing key, created on first use.
    static func signingKey(_ store: any Store) async throws -> Curve25519.Signing.PrivateKey {
        let raw = try await store.secret(named: PackageKeys.signingSecretName, orCreate: PackageKeys.newSigningKey)
        do { return try Curve25519.Signing.PrivateKey(rawRepresentation: raw) } catch {
            throw CLIError("The workspace signing key is damaged.")
        }
    }
}
