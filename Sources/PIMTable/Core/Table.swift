/// A columnar, in-memory table: every reader produces one and every writer consumes one.
///
/// Invariant: every column has `rowCount` values and column names are unique.
public struct Table: Sendable, Hashable {
    public private(set) var columns: [Column]
    public private(set) var rowCount: Int
    /// Each column's index by name, so that looking columns up by name stays cheap on a file of thousands of
    /// columns (QA19 F3: a schema's fields each looked up by a scan made a wide upload quadratic).
    private var positions: [String: Int]

    /// Creates a table, checking that columns have equal lengths and unique names.
    /// - Throws: ``TableError/columnLengthMismatch(column:expected:found:)`` or ``TableError/duplicateColumn(_:)``.
    public init(columns: [Column]) throws(TableError) {
        let n = columns.first?.count ?? 0
        var positions: [String: Int] = [:]
        for (i, c) in columns.enumerated() {
            guard c.count == n else { throw .columnLengthMismatch(column: c.name, expected: n, found: c.count) }
            guard positions.updateValue(i, forKey: c.name) == nil else { throw .duplicateColumn(c.name) }
        }
        self.columns = columns
        self.rowCount = n
        self.positions = positions
    }

    public static let empty = Table(unchecked: [], rowCount: 0)

    /// For builders that already guarantee the invariant.
    package init(unchecked columns: [Column], rowCount: Int) {
        self.columns = columns
        self.rowCount = rowCount
        positions = Self.positions(of: columns)
    }

    private static func positions(of columns: [Column]) -> [String: Int] {
        var out: [String: Int] = [:]
        out.reserveCapacity(columns.count)
        for (i, c) in columns.enumerated() where out[c.name] == nil { out[c.name] = i }
        return out
    }

    public var columnNames: [String] { columns.map(\.name) }

    /// The index of the column named `name`, if any.
    public func index(of name: String) -> Int? { positions[name] }

    /// The column named `name`, if any.
    public subscript(name: String) -> Column? { index(of: name).map { columns[$0] } }

    /// The column named `name`.
    /// - Throws: ``TableError/unknownColumn(_:available:)`` naming the columns that exist.
    public func column(named name: String) throws(TableError) -> Column {
        guard let i = index(of: name) else { throw .unknownColumn(name, available: columnNames) }
        return columns[i]
    }

    /// Keeps only the given rows, in the given order.
    public func selectingRows(_ rows: [Int]) -> Table {
        Table(unchecked: columns.map { $0.selectingRows(rows) }, rowCount: rows.count)
    }

    /// Keeps only the named columns, in the given order.
    public func selectingColumns(_ names: [String]) throws(TableError) -> Table {
        var out: [Column] = []
        for n in names { out.append(try column(named: n)) }
        return Table(unchecked: out, rowCount: rowCount)
    }

    /// Replaces or appends a column.
    public mutating func setColumn(_ column: Column) throws(TableError) {
        guard columns.isEmpty || column.count == rowCount else {
            throw .columnLengthMismatch(column: column.name, expected: rowCount, found: column.count)
        }
        if let i = index(of: column.name) {
            columns[i] = column
        } else {
            positions[column.name] = columns.count
            columns.append(column)
        }
        rowCount = column.count
    }

    /// Removes the named column if present.
    public mutating func removeColumn(named name: String) {
        guard let i = positions[name] else { return }
        columns.remove(at: i)
        positions = Self.positions(of: columns)
        if columns.isEmpty { rowCount = 0 }
    }
}

extension Column {
    /// Keeps only the given rows, in the given order.
    public func selectingRows(_ rows: [Int]) -> Column {
        let d: ColumnData
        switch data {
        case .integer(let v, let n): d = .integer(values: rows.map { v[$0] }, nulls: n.selecting(rows))
        case .decimal(let v, let n): d = .decimal(values: rows.map { v[$0] }, nulls: n.selecting(rows))
        case .date(let v, let n): d = .date(days: rows.map { v[$0] }, nulls: n.selecting(rows))
        case .boolean(let v, let n): d = .boolean(values: rows.map { v[$0] }, nulls: n.selecting(rows))
        case .text(let c, let dict): d = .text(codes: rows.map { c[$0] }, dictionary: dict)
        }
        return Column(name: name, tag: tag, data: d)
    }
}

extension Column {
    /// This column with the values of `rows` set to missing (null).
    public func settingNull(rows: [Int]) -> Column {
        let data: ColumnData
        switch self.data {
        case .text(var codes, let dictionary):
            for i in rows { codes[i] = -1 }
            data = .text(codes: codes, dictionary: dictionary)
        case .integer(let values, var nulls):
            for i in rows { nulls.setNull(i) }
            data = .integer(values: values, nulls: nulls)
        case .decimal(let values, var nulls):
            for i in rows { nulls.setNull(i) }
            data = .decimal(values: values, nulls: nulls)
        case .date(let days, var nulls):
            for i in rows { nulls.setNull(i) }
            data = .date(days: days, nulls: nulls)
        case .boolean(let values, var nulls):
            for i in rows { nulls.setNull(i) }
            data = .boolean(values: values, nulls: nulls)
        }
        return Column(name: name, tag: tag, data: data)
    }
}

/// Errors about a table's shape.
public enum TableError: Error, Sendable, Hashable, CustomStringConvertible {
    case columnLengthMismatch(column: String, expected: Int, found: Int)
    case duplicateColumn(String)
    case unknownColumn(String, available: [String])

    public var description: String {
        switch self {
        case .columnLengthMismatch(let c, let e, let f):
            "column \"\(c)\" has \(f) values but the table has \(e) rows"
        case .duplicateColumn(let c): "column name \"\(c)\" appears more than once"
        case .unknownColumn(let c, let a):
            "there is no column \"\(c)\"; the columns are: \(a.joined(separator: ", "))"
        }
    }
}
