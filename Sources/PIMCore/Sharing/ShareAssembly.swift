import Crypto
import Foundation
import PIMTable

/// The record kept of every share (document kind `share-record`): ids and counts only, never record values.
public struct ShareRecord: Sendable, Hashable, Codable {
    public var id: String
    public var agreement: String
    public var dataset: String
    public var version: Int
    /// Recipient organisation acronym.
    public var recipient: String
    public var level: DetailLevel
    /// Rows in the package (for an aggregated share, its cells).
    public var records: Int
    /// Records (people or cases) the package was made from, after the consent filter: what the audit trail
    /// counts as disclosed (nil in records written before it was kept).
    public var recordsShared: Int?
    public var leftOutForConsent: Int
    /// Lower-case hex SHA-256 of the package file as delivered.
    public var sha256: String
    public var encrypted: Bool
    public var created: Date
    /// Who made it (a user id from the web, the `--as` name from the command line).
    public var actor: String
    /// Fingerprint of the signing key (nil in records written before it was kept).
    public var signerFingerprint: String?
    /// Bytes of the package file (nil in older records).
    public var bytes: Int?
    /// Whether the store keeps the package itself (shares made through the web), so it can be downloaded.
    public var storedPackage: Bool?
    /// An aggregated share's published counts, keyed as ``publishedCells(of:)`` keys them (counts as released to the recipient,
    /// never record values), so that a later table to the same recipient is compared cell by cell (nil in
    /// records written before it was kept, and for tables of more than ``cellsKeptLimit`` cells).
    public var publishedCells: [String: Int]?

    /// The most cells of a shared table kept for the comparison (a larger table falls back to its total).
    public static let cellsKeptLimit = 50_000

    /// The published counts of an aggregated share's table (its count or persons column; suppressed cells,
    /// which have none, are left out), each keyed by the categories of its dimensions other than totals, so
    /// that the same cell keys alike in two tables: `sex=f` is the margin of a table by adm1 and sex and the
    /// cell of a table by sex; the grand total is the empty key. Nil when the table has no count column.
    public static func publishedCells(of table: Table) -> [String: Int]? {
        let countNames: Set<String> = ["count", "persons"]
        guard let count = table.columns.first(where: { countNames.contains($0.name) }) else { return nil }
        let others: Set<String> = countNames.union(["flag", "note"])
        // Dimension columns are text (categories as labels); sums are numbers.
        let dimensions = table.columns.filter { !others.contains($0.name) && $0.type == .text }
        var out: [String: Int] = [:]
        for row in 0..<table.rowCount {
            guard case .integer(let n) = count[row] else { continue }
            let key = dimensions.compactMap { d -> String? in
                guard case .text(let v) = d[row], v != "Total" else { return nil }
                return d.name + "=" + v
            }.sorted().joined(separator: "\u{1F}")
            out[key] = Int(n)
        }
        return out
    }

    public init(id: String, agreement: String, dataset: String, version: Int, recipient: String, level: DetailLevel,
                records: Int, leftOutForConsent: Int, sha256: String, encrypted: Bool, created: Date, actor: String,
                signerFingerprint: String? = nil, bytes: Int? = nil) {
        self.id = id
        self.agreement = agreement
        self.dataset = dataset
        self.version = version
        self.recipient = recipient
        self.level = level
        self.records = records
        self.leftOutForConsent = leftOutForConsent
        self.sha256 = sha256
        self.encrypted = encrypted
        self.created = created
        self.actor = actor
        self.signerFingerprint = signerFingerprint
        self.bytes = bytes
    }
}

/// A refused share request, kept so the requester can see the reason later (document kind `share-refusal`).
/// Ids, levels, column names and the refusal's sentence only: refusals never hold record values.
public struct ShareRefusalRecord: Sendable, Hashable, Codable {
    public var id: String
    public var agreement: String
    public var dataset: String
    public var recipient: String
    public var level: DetailLevel
    public var dimensions: [String]
    /// ``ShareRefusal/code``.
    public var code: String
    /// ``ShareRefusal/description``.
    public var reason: String
    public var created: Date
    public var actor: String

    public init(id: String, refusal: ShareRefusal, agreement: String, dataset: String, recipient: String, level: DetailLevel,
                dimensions: [String], created: Date, actor: String) {
        self.id = id
        self.agreement = agreement
        self.dataset = dataset
        self.recipient = recipient
        self.level = level
        self.dimensions = dimensions
        code = refusal.code
        reason = refusal.description
        self.created = created
        self.actor = actor
    }

    /// `REF-20260301-1a2b3c4d`.
    public static func newID(at now: Date) -> String {
        "REF-" + ShareAssembly.newShareID(at: now).dropFirst(4)
    }
}

/// A signed (and possibly encrypted) package ready to deliver, with its record. Pure value: nothing is
/// stored or audited until the caller commits it.
public struct AssembledShare: Sendable {
    public var record: ShareRecord
    public var package: Data
    public var metadata: ShareMetadata
    public var output: ShareOutput
    /// The `share.created` event to append when the share is committed (ids and counts only).
    public var audit: AuditDraft
}

/// Turns an allowed and built share into a signed package and its record. Pure and deterministic given
/// the share id, the key and the time; the command line and the web server both go through it.
public enum ShareAssembly {
    /// `SHR-20260301-1a2b3c4d`: the day and 8 random hex digits.
    public static func newShareID(at now: Date) -> String {
        let day = String(ISO8601DateFormatter().string(from: now).prefix(10)).replacingOccurrences(of: "-", with: "")
        return "SHR-" + day + "-" + UUID().uuidString.prefix(8).lowercased()
    }

    /// Signs the package with the workspace key, applies `seal` (encryption, or the identity), and writes
    /// the record and the audit draft.
    /// - Parameters:
    ///   - datasetID: the dataset's id, for the audit event.
    ///   - recipientOrganizationID: the recipient's organisation id, for the audit event.
    ///   - signingKey: the raw 32-byte Ed25519 key of the workspace.
    /// - Throws: ``PackageError`` when the key is damaged or the archive cannot be written; whatever `seal` throws.
    public static func assemble(
        shareID: String, plan: SharePlan, output: ShareOutput, dataset: Dataset, version: DatasetVersion,
        agreement: Agreement, producer: ShareMetadata.Party, recipient: ShareMetadata.Party,
        recipientOrganizationID: String?, actor: String, producedBy: String? = nil, signingKey raw: Data, at now: Date,
        encrypted: Bool = false, seal: (Data) throws -> Data = { $0 }
    ) throws -> AssembledShare {
        let key: Curve25519.Signing.PrivateKey
        do { key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw) } catch { throw PackageError.unreadableKey }
        let fingerprint = PackageKeys.fingerprint(key.publicKey.rawRepresentation)
        let metadata = ShareMetadata(
            shareID: shareID, dataset: dataset, version: version, output: output, plan: plan, agreement: agreement,
            producer: producer, producedBy: producedBy ?? actor, recipient: recipient, created: now, signerFingerprint: fingerprint)
        let signed = try SharePackage.build(members: metadata.members(table: output.table), signingKey: key, date: now)
        let file = try seal(signed)
        let sha = SharePackage.hex(SHA256.hash(data: file))
        let leftOut = output.leftOutForConsent
        var record = ShareRecord(
            id: shareID, agreement: agreement.id, dataset: dataset.name, version: version.number, recipient: recipient.acronym,
            level: plan.level, records: output.table.rowCount, leftOutForConsent: leftOut, sha256: sha, encrypted: encrypted,
            created: now, actor: actor, signerFingerprint: fingerprint, bytes: file.count)
        record.recordsShared = metadata.dataset.recordsShared
        if plan.level == .aggregated, output.table.rowCount <= ShareRecord.cellsKeptLimit {
            record.publishedCells = ShareRecord.publishedCells(of: output.table)
        }
        // The audit counts the records disclosed (as the package's metadata does), and the package's rows apart.
        var details = ["share": shareID, "level": plan.level.rawValue, "sha256": sha, "version": String(version.number),
                       "rows": String(output.table.rowCount)]
        if output.consent != nil { details["left_out_consent"] = String(leftOut) }
        let audit = AuditDraft(
            at: now, actor: actor, action: .shareCreated, datasetID: dataset.id.rawValue, organizationID: recipientOrganizationID,
            agreementID: agreement.id, recordCount: metadata.dataset.recordsShared, details: details)
        return AssembledShare(record: record, package: file, metadata: metadata, output: output, audit: audit)
    }

    /// The `share.refused` event: the refusal's code, the level and the recipient; never record values.
    public static func refusalAudit(
        _ refusal: ShareRefusal, datasetID: String?, recipient: String, recipientOrganizationID: String?, agreementID: String,
        level: DetailLevel, actor: String, at now: Date
    ) -> AuditDraft {
        AuditDraft(at: now, actor: actor, action: .shareRefused, datasetID: datasetID, organizationID: recipientOrganizationID,
                   agreementID: agreementID, details: ["reason": refusal.code, "level": level.rawValue, "recipient": recipient])
    }

    /// The `share.downloaded` event: a disclosure of the package to the person downloading it.
    public static func downloadAudit(_ record: ShareRecord, datasetID: String?, recipientOrganizationID: String?,
                                     actor: String, at now: Date) -> AuditDraft {
        AuditDraft(at: now, actor: actor, action: .shareDownloaded, datasetID: datasetID, organizationID: recipientOrganizationID,
                   agreementID: record.agreement, recordCount: record.recordsShared ?? record.records,
                   details: ["share": record.id, "level": record.level.rawValue, "sha256": record.sha256, "rows": String(record.records)])
    }

    /// The most detailed level a share under `agreement` of `dataset` may have: the agreement's level
    /// narrowed by the category policy and the dataset's sensitivity (what `pim share due` uses).
    public static func defaultLevel(agreement: Agreement, dataset: Dataset) -> DetailLevel {
        min(agreement.level, SharePolicy.default(for: dataset.category).bound(consentPurpose: agreement.consentPurpose),
            dataset.sensitivity.maximumLevel)
    }
}
