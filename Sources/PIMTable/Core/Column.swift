/// The values of one column, stored as fixed-width arrays.
///
/// Text is dictionary-encoded: `codes[row]` indexes `dictionary`, and `-1` is null. Grouping on a text
/// column therefore works on small integers. Other kinds keep a value array and a ``NullMask``; the value
/// at a null row is unspecified (zero by convention).
public enum ColumnData: Sendable, Hashable {
    case integer(values: [Int64], nulls: NullMask)
    case decimal(values: [Double], nulls: NullMask)
    /// Days since 1970-01-01.
    case date(days: [Int32], nulls: NullMask)
    case boolean(values: [Bool], nulls: NullMask)
    case text(codes: [Int32], dictionary: [String])

    public var type: ColumnType {
        switch self {
        case .integer: .integer
        case .decimal: .decimal
        case .date: .date
        case .boolean: .boolean
        case .text: .text
        }
    }

    public var count: Int {
        switch self {
        case .integer(let v, _): v.count
        case .decimal(let v, _): v.count
        case .date(let v, _): v.count
        case .boolean(let v, _): v.count
        case .text(let c, _): c.count
        }
    }
}

/// A named, typed column of a ``Table``, with its HXL tag when the source had a hashtag row.
public struct Column: Sendable, Hashable {
    public var name: String
    public var tag: HXLTagSpec?
    public var data: ColumnData

    public init(name: String, tag: HXLTagSpec? = nil, data: ColumnData) {
        self.name = name
        self.tag = tag
        self.data = data
    }

    public var type: ColumnType { data.type }
    public var count: Int { data.count }

    /// Whether the cell at `row` is null.
    public func isNull(_ row: Int) -> Bool {
        switch data {
        case .integer(_, let n), .decimal(_, let n), .date(_, let n), .boolean(_, let n): n.isNull(row)
        case .text(let c, _): c[row] < 0
        }
    }

    /// Number of null cells.
    public var nullCount: Int {
        switch data {
        case .integer(_, let n), .decimal(_, let n), .date(_, let n), .boolean(_, let n): n.nullCount
        case .text(let c, _):
            // (The sign bit of each code, summed: a loop the compiler vectorises.)
            c.withUnsafeBufferPointer { codes in
                var count = 0
                for code in codes { count &+= Int(UInt32(bitPattern: code) >> 31) }
                return count
            }
        }
    }

    /// The value at `row`.
    public subscript(row: Int) -> Value {
        switch data {
        case .integer(let v, let n): n.isNull(row) ? .null : .integer(v[row])
        case .decimal(let v, let n): n.isNull(row) ? .null : .decimal(v[row])
        case .date(let v, let n): n.isNull(row) ? .null : .date(v[row])
        case .boolean(let v, let n): n.isNull(row) ? .null : .boolean(v[row])
        case .text(let c, let d): c[row] < 0 ? .null : .text(d[Int(c[row])])
        }
    }
}
