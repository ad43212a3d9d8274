import PIMTable

/// Reads a sampling-weight column as non-negative finite numbers.
enum WeightColumn {
    /// The weights, one per row.
    /// - Throws: ``DisclosureError/unknownColumn(_:available:)`` or ``DisclosureError/invalidWeight(row:column:)``
    ///   naming the first null, negative, non-finite or non-numeric cell.
    static func values(table: Table, column name: String) throws(DisclosureError) -> [Double] {
        guard let column = table[name] else { throw .unknownColumn(name, available: table.columnNames) }
        switch column.data {
        case .integer(let v, let nulls):
            var out = [Double](repeating: 0, count: v.count)
            for i in v.indices {
                guard !nulls.isNull(i), v[i] >= 0 else { throw .invalidWeight(row: i, column: name) }
                out[i] = Double(v[i])
            }
            return out
        case .decimal(let v, let nulls):
            for i in v.indices {
                guard !nulls.isNull(i), v[i].isFinite, v[i] >= 0 else { throw .invalidWeight(row: i, column: name) }
            }
            return v
        case .text(let codes, let dictionary):
            let parsed: [Double?] = dictionary.map { s in
                Double(String(s.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
            }
            var out = [Double](repeating: 0, count: codes.count)
            for i in codes.indices {
                let c = Int(codes[i])
                guard c >= 0, let w = parsed[c] else { throw .invalidWeight(row: i, column: name) }
                out[i] = w
            }
            return out
        case .date, .boolean:
            throw .invalidWeight(row: 0, column: name)
        }
    }
}
