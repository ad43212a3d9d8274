import Foundation

/// How harmful disclosure of a dataset would be, as OCHA's data responsibility guidelines classify it.
/// Bounds the most detailed level that may leave pim.
public enum Sensitivity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case low, moderate, high, severe

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// A named collection of protection data of one PIM category, stored as numbered versions.
public struct Dataset: Sendable, Hashable, Codable {
    public typealias ID = Identifier<Dataset>
    public var id: ID
    /// Unique, user-chosen name: letters, digits, `-`, `_`, `.`.
    public var name: String
    /// The PIM category id (see PIMFramework), e.g. `protection-monitoring`.
    public var category: String
    public var schema: Schema
    public var sensitivity: Sensitivity
    /// The defined purpose the data was collected for.
    public var purpose: String
    public var createdAt: Date

    public init(
        id: ID = .random(), name: String, category: String, schema: Schema, sensitivity: Sensitivity,
        purpose: String, createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.category = category
        self.schema = schema
        self.sensitivity = sensitivity
        self.purpose = purpose
        self.createdAt = createdAt
    }

    public static func validateName(_ name: String) throws(DomainError) {
        // A name starts with a letter or digit: "." and ".." read as folders in file names and URLs.
        let ok = (1...100).contains(name.count) && name.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
            && (name.first.map { $0.isLetter || $0.isNumber } ?? false)
        guard ok else { throw .invalidField("dataset name", "must be 1 to 100 letters, digits, '-', '_' or '.', starting with a letter or digit") }
    }
}

/// Where a dataset version came from: enough for a recipient to judge it (§12: missing metadata).
public struct Provenance: Sendable, Hashable, Codable {
    public var sourceOrganization: String?
    public var sourceSystem: String?
    public var method: String?
    public var periodStart: String?
    public var periodEnd: String?
    public var area: String?
    public var receivedAt: Date
    public var fileName: String
    /// SHA-256 of the file's bytes, lower-case hex.
    public var sha256: String
    public var importedBy: String
    public var qualityNotes: String?

    public init(
        sourceOrganization: String? = nil, sourceSystem: String? = nil, method: String? = nil,
        periodStart: String? = nil, periodEnd: String? = nil, area: String? = nil, receivedAt: Date,
        fileName: String, sha256: String, importedBy: String, qualityNotes: String? = nil
    ) {
        self.sourceOrganization = sourceOrganization
        self.sourceSystem = sourceSystem
        self.method = method
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.area = area
        self.receivedAt = receivedAt
        self.fileName = fileName
        self.sha256 = sha256
        self.importedBy = importedBy
        self.qualityNotes = qualityNotes
    }
}

/// One immutable version of a dataset's rows.
public struct DatasetVersion: Sendable, Hashable, Codable {
    public typealias ID = Identifier<DatasetVersion>
    public var id: ID
    public var datasetID: Dataset.ID
    /// 1, 2, 3, … per dataset.
    public var number: Int
    public var rowCount: Int
    /// The schema the rows were stored with.
    public var schema: Schema
    public var provenance: Provenance
    public var createdAt: Date

    public init(
        id: ID = .random(), datasetID: Dataset.ID, number: Int, rowCount: Int, schema: Schema, provenance: Provenance,
        createdAt: Date
    ) {
        self.id = id
        self.datasetID = datasetID
        self.number = number
        self.rowCount = rowCount
        self.schema = schema
        self.provenance = provenance
        self.createdAt = createdAt
    }
}

extension DatasetVersion {
    /// How recent the version's data is: the end of the period it covers, when recorded at import (it says
    /// more than the import date), else the time the version was stored. The web's freshness blocks use it;
    /// scenario coverage reads the data's own dates instead when no period end was recorded.
    public var dataUpTo: Date {
        provenance.periodEnd.flatMap(CivilDays.startOfDay(iso:)) ?? createdAt
    }
}
