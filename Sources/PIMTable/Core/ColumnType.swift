/// The type of a column's values.
public enum ColumnType: String, Sendable, Hashable, Codable, CaseIterable {
    case integer
    case decimal
    case date
    case boolean
    case text
}
