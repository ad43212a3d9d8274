import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore
import PIMTable

/// A dataset in lists: metadata and its latest version, never rows.
struct DatasetSummaryDTO: Codable, Sendable {
    var name: String
    var category: String
    var sensitivity: String
    var purpose: String
    var createdAt: Date
    var versionCount: Int
    var latestVersion: VersionDTO?

    init(_ e: DatasetCatalog.Entry) {
        name = e.dataset.name
        category = e.dataset.category
        sensitivity = e.dataset.sensitivity.rawValue
        purpose = e.dataset.purpose
        createdAt = e.dataset.createdAt
        versionCount = e.versions.count
        latestVersion = e.latest.map(VersionDTO.init)
    }
}

/// A version with its provenance.
struct VersionDTO: Codable, Sendable {
    var number: Int
    var rowCount: Int
    var createdAt: Date
    var provenance: Provenance

    init(_ v: DatasetVersion) {
        number = v.number
        rowCount = v.rowCount
        createdAt = v.createdAt
        provenance = v.provenance
    }
}

/// One dataset: metadata, schema with disclosure roles, versions.
struct DatasetDetailDTO: Codable, Sendable {
    var dataset: DatasetSummaryDTO
    var fields: [Field]
    var versions: [VersionDTO]
}

/// A protected aggregate table.
struct AggregateDTO: Codable, Sendable {
    var dataset: String
    var version: Int
    var by: [String]
    var minCell: Int
    /// How small cells are protected: "suppression" or "cell-key" (perturbed counts).
    var method: String
    /// What a reader must know about the counts (perturbation), or nil.
    var note: String?
    var cells: Int
    var primarySuppressed: Int
    var secondarySuppressed: Int
    var columns: [String]
    var rows: [[TableCell]]
}

/// A table cell in JSON: null, number, boolean or text (dates as yyyy-mm-dd).
enum TableCell: Codable, Sendable, Hashable {
    case null, integer(Int64), decimal(Double), boolean(Bool), text(String)

    init(_ v: Value) {
        switch v {
        case .null: self = .null
        case .integer(let i): self = .integer(i)
        case .decimal(let d): self = d.isFinite ? .decimal(d) : .null
        case .boolean(let b): self = .boolean(b)
        case .date, .text: self = ValueFormatting.text(v).map(TableCell.text) ?? .null
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let i = try? c.decode(Int64.self) { self = .integer(i) } else if let d = try? c.decode(Double.self) {
            self = .decimal(d)
        } else if let b = try? c.decode(Bool.self) { self = .boolean(b) } else { self = .text(try c.decode(String.self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .integer(let i): try c.encode(i)
        case .decimal(let d): try c.encode(d)
        case .boolean(let b): try c.encode(b)
        case .text(let s): try c.encode(s)
        }
    }

    static func rows(of table: Table) -> [[TableCell]] {
        (0..<table.rowCount).map { r in table.columns.map { TableCell($0[r]) } }
    }
}

/// One audit event as the API shows it: ids, action, counts, hashes.
struct AuditEventDTO: Codable, Sendable {
    var sequence: Int64
    var at: Date
    var actor: String
    var action: String
    var datasetID: String?
    var organizationID: String?
    var agreementID: String?
    var recordCount: Int?
    var details: [String: String]
    var previousHash: String
    var hash: String

    init(_ e: AuditEvent) {
        sequence = e.sequence
        at = e.draft.at
        actor = e.draft.actor
        action = e.draft.action.rawValue
        datasetID = e.draft.datasetID
        organizationID = e.draft.organizationID
        agreementID = e.draft.agreementID
        recordCount = e.draft.recordCount
        details = e.draft.details
        previousHash = e.previousHash
        hash = e.hash
    }
}

struct AuditPageDTO: Codable, Sendable {
    var total: Int
    var offset: Int
    var limit: Int
    var events: [AuditEventDTO]
}

struct AuditVerifyDTO: Codable, Sendable {
    var intact: Bool
    var events: Int?
    var brokenAtSequence: Int64?
    var reason: String?
    var description: String
    /// The newest event (when the chain is intact): keep it outside pim and give it later as `anchor`.
    var head: AuditAnchor.Link?
    /// The anchor asked for, and whether the event at its sequence still has its hash.
    var anchor: AnchorResult?

    struct AnchorResult: Codable, Sendable {
        var sequence: Int64
        var hash: String
        var holds: Bool
    }

    init(_ s: AuditChainStatus, head: AuditAnchor.Link? = nil) {
        description = s.description
        self.head = head
        switch s {
        case .intact(let n):
            intact = true
            events = n
        case .broken(let seq, let r):
            intact = false
            brokenAtSequence = seq
            reason = r.rawValue
        }
    }

    /// Adds the outcome of checking `anchor`; one that no longer holds makes the answer "not intact".
    mutating func check(_ anchor: AuditAnchor.Link, holds: Bool) {
        self.anchor = AnchorResult(sequence: anchor.sequence, hash: anchor.hash, holds: holds)
        guard !holds, intact else { return }
        intact = false
        brokenAtSequence = anchor.sequence
        reason = "it no longer has the hash recorded earlier (the log was rewritten up to it, or the event removed)"
        description = AuditAnchor.rewritten(anchor)
    }
}

struct HealthDTO: Codable, Sendable {
    var status: String
}
