extension ColumnProfile {
    /// A profile computed from a column that is already typed (for tables that did not come from text,
    /// such as XLSX cells with their own types). Evidence counts every non-null cell under the column's type.
    public init(column: Column) {
        let nulls = column.nullCount
        let nonNull = column.count - nulls
        var minimum: Value?
        var maximum: Value?
        var distinct = 0
        switch column.data {
        case .integer(let v, let n):
            let present = v.indices.filter { !n.isNull($0) }.map { v[$0] }
            minimum = present.min().map { .integer($0) }
            maximum = present.max().map { .integer($0) }
            distinct = Set(present).count
        case .decimal(let v, let n):
            let present = v.indices.filter { !n.isNull($0) }.map { v[$0] }
            minimum = present.min().map { .decimal($0) }
            maximum = present.max().map { .decimal($0) }
            distinct = Set(present).count
        case .date(let v, let n):
            let present = v.indices.filter { !n.isNull($0) }.map { v[$0] }
            minimum = present.min().map { .date($0) }
            maximum = present.max().map { .date($0) }
            distinct = Set(present).count
        case .boolean(let v, let n):
            distinct = Set(v.indices.filter { !n.isNull($0) }.map { v[$0] }).count
        case .text(let codes, _):
            distinct = Set(codes.filter { $0 >= 0 }).count
        }
        self.init(
            name: column.name, tag: column.tag, inferredType: column.type,
            evidence: nonNull > 0 ? [column.type: nonNull] : [:], nullCount: nulls, distinctCount: distinct,
            minimum: minimum, maximum: maximum)
    }
}
