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

/// JSON coding of stored documents (``DocumentCoding``) and the date formats of the sharing commands.
enum SharingCoding {
    static func encode<T: Encodable>(_ value: T) throws -> String { try DocumentCoding.encode(value) }

    /// `yyyy-mm-dd` at 00:00 UTC.
    static func day(_ text: String) -> Date? { AuditQuery.day(text) }

    /// `yyyy-mm-dd` (start of day) or a full ISO 8601 timestamp.
    static func instant(_ text: String) -> Date? { AuditQuery.instant(text) }

    static func dayText(_ d: Date) -> String { String(ISO8601DateFormatter().string(from: d).prefix(10)) }
}
