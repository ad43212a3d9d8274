import ArgumentParser
import Foundation
import PIMCore
import PIMStorage

extension DetailLevel: ExpressibleByArgument {}
extension Agreement.LegalBasis: ExpressibleByArgument {}
extension Agreement.Frequency: ExpressibleByArgument {}
extension ConsentPurpose: ExpressibleByArgument {}
extension Organization.Kind: ExpressibleByArgument {}
extension AuditAction: ExpressibleByArgument {}

/// `--as USER`: who acts, for the audit trail.

/// JSON coding of stored documents and the date formats of the sharing commands.
enum SharingCoding {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String, what: String) throws -> T {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        do { return try d.decode(type, from: Data(json.utf8)) } catch {
            throw CLIError("The stored \(what) cannot be read; the store may be damaged.")
        }
    }

    /// `yyyy-mm-dd` at 00:00 UTC.
    static func day(_ text: String) -> Date? {
        CivilDays.parseISO(text).map { Date(timeIntervalSince1970: Double($0) * 86_400) }
    }

    /// `yyyy-mm-dd` (start of day) or a full ISO 8601 timestamp.
    static func instant(_ text: String) -> Date? {
        day(text) ?? ISO8601DateFormatter().date(from: text)
    }

    static func dayText(_ d: Date) -> String { String(ISO8601DateFormatter().string(from: d).prefix(10)) }
}

/// Agreements and exceptions as stored documents.
enum AgreementDocuments {
    static func load(_ id: String, from store: any Store) async throws -> Agreement {
        guard let json = try await store.document(kind: .agreement, id: id) else {
            throw CLIError("There is no agreement \"\(id)\"; see `pim agreement list`.")
        }
        return try SharingCoding.decode(Agreement.self, json, what: "agreement \(id)")
    }

    static func all(in store: any Store) async throws -> [Agreement] {
        try await store.documents(kind: .agreement).map { try SharingCoding.decode(Agreement.self, $0.json, what: "agreement \($0.id)") }
    }

    static func save(_ a: Agreement, in store: any Store, audit: AuditDraft) async throws {
        try await store.putDocument(kind: .agreement, id: a.id, json: try SharingCoding.encode(a), audit: audit)
    }

    static func exceptions(in store: any Store) async throws -> [PolicyException] {
        try await store.documents(kind: .policyException).map {
            try SharingCoding.decode(PolicyException.self, $0.json, what: "policy exception \($0.id)")
        }
    }
}
