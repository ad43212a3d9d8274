import Foundation
import PIMCore

/// JSON for the few structured columns (schema, admin levels, audit details), with sorted keys so the
/// same value always gives the same text on both backends.
public enum StoredJSON {
    public static func encode<T: Encodable>(_ value: T) throws(StoreError) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return String(decoding: try e.encode(value), as: UTF8.self) } catch {
            throw .corrupt("a value could not be encoded for storage")
        }
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ text: String, what: String) throws(StoreError) -> T {
        do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
            throw .corrupt("the stored \(what) is not valid JSON")
        }
    }

    public static func millis(_ d: Date) -> Int64 { AuditEvent.millis(d) }
    public static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
}
