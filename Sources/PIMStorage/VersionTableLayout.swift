import Foundation
import PIMCore
import PIMTable

/// The generated SQL names of a dataset version's row table. Never derived from user input: the table
/// name comes from pim's own ids and the columns are numbered, so quoting is belt and braces.
public struct VersionTableLayout: Sendable, Hashable {
    public let tableName: String
    /// `c0`, `c1`, … in schema order.
    public let columnNames: [String]
    public let types: [ColumnType]

    public init(version: DatasetVersion) {
        let hex = version.id.rawValue.filter { $0.isHexDigit }.lowercased()
        tableName = "rows_" + hex
        columnNames = version.schema.fields.indices.map { "c\($0)" }
        types = version.schema.fields.map(\.type)
    }

    /// `"name"` with embedded quotes doubled.
    public static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
