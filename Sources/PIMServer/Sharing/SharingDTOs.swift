import Foundation
import PIMCore

/// An agreement as the API shows it, with its status at the time of the request.
struct AgreementDTO: Codable, Sendable {
    var id: String
    var status: String
    var parties: [String]
    var producer: String?
    var purpose: String
    var legalBasis: String
    var covers: [String]
    var level: String
    var k: Int
    var minimumCellSize: Int
    var maximumGlobalRisk: Double
    var consentPurpose: String?
    var retentionDays: Int
    var validFrom: Date
    var validUntil: Date?
    var approvedBy: String?
    var frequency: String?
    var dimensions: [String]
    var createdAt: Date
    var createdBy: String
    var history: [Agreement.StatusChange]

    init(_ a: Agreement, at now: Date) {
        id = a.id
        status = a.status(at: now).rawValue
        parties = a.parties
        producer = a.parties.first
        purpose = a.purpose
        legalBasis = a.legalBasis.rawValue
        covers = a.covers
        level = a.level.rawValue
        k = a.thresholds.k
        minimumCellSize = a.thresholds.minimumCellSize
        maximumGlobalRisk = a.thresholds.maximumGlobalRisk
        consentPurpose = a.consentPurpose?.rawValue
        retentionDays = a.retentionDays
        validFrom = a.validFrom
        validUntil = a.validUntil
        approvedBy = a.approvedBy
        frequency = a.frequency?.rawValue
        dimensions = a.dimensions
        createdAt = a.createdAt
        createdBy = a.createdBy
        history = a.history
    }
}

/// A share request's outcome: a package (`outcome` = `shared`) or a refusal with its reason.
struct ShareDTO: Codable, Sendable {
    var id: String
    var outcome: String
    var agreement: String
    var dataset: String
    var recipient: String
    var level: String
    var created: Date
    var actor: String
    // Shared
    /// Rows in the package (an aggregated share's cells).
    var records: Int?
    /// Records (people or cases) the package was made from, as its metadata and the audit trail count them.
    var recordsShared: Int?
    var leftOutForConsent: Int?
    var sha256: String?
    var bytes: Int?
    var encrypted: Bool?
    var signerFingerprint: String?
    /// Path of the package file, when it is kept and the viewer may download it.
    var download: String?
    // Refused
    var code: String?
    var reason: String?
    var dimensions: [String]?

    init(_ item: SharingDesk.Item, viewer: Viewer, prefix: String, at now: Date) {
        let c = item.common
        id = c.id
        agreement = c.agreement
        dataset = c.dataset
        recipient = c.recipient
        level = c.level.rawValue
        created = c.created
        actor = c.actor
        switch item {
        case .shared(let r):
            outcome = "shared"
            records = r.records
            recordsShared = r.recordsShared
            leftOutForConsent = r.leftOutForConsent
            sha256 = r.sha256
            bytes = r.bytes
            encrypted = r.encrypted
            signerFingerprint = r.signerFingerprint
            if r.storedPackage == true, SharingAccess.canDownload(r, viewer: viewer, at: now) { download = prefix + "/shares/\(r.id)/download" }
        case .refused(let r):
            outcome = "refused"
            code = r.code
            reason = r.reason
            dimensions = r.dimensions
        }
    }
}

struct AgreementListDTO: Codable, Sendable {
    var agreements: [AgreementDTO]
}

struct ShareListDTO: Codable, Sendable {
    var shares: [ShareDTO]
}
