/// One cell's value, for row-wise access. Hot paths use the typed column arrays instead.
public enum Value: Sendable, Hashable {
    case null
    case integer(Int64)
    case decimal(Double)
    /// Days since 1970-01-01 (proleptic Gregorian, no time zone).
    case date(Int32)
    case boolean(Bool)
    case text(String)

    public var isNull: Bool { if case .null = self { true } else { false } }
}
