import PIMTable

extension Table {
    /// The table with `column` replacing the column of the same name (or appended), when its length is known to fit.
    func replacing(_ column: Column) -> Table {
        precondition(column.count == rowCount || columns.isEmpty, "a recoded column keeps the table's row count")
        var cols = columns
        if let i = index(of: column.name) { cols[i] = column } else { cols.append(column) }
        return Table(unchecked: cols, rowCount: column.count)
    }
}

extension ColumnData {
    /// A text column from per-row optional labels, dictionary-encoded in order of first appearance.
    static func textFromLabels(count: Int, label: (Int) -> String?) -> ColumnData {
        var index: [String: Int32] = [:]
        var dictionary: [String] = []
        var codes = [Int32](repeating: -1, count: count)
        for i in 0..<count {
            guard let s = label(i) else { continue }
            if let c = index[s] {
                codes[i] = c
            } else {
                let c = Int32(dictionary.count)
                index[s] = c
                dictionary.append(s)
                codes[i] = c
            }
        }
        return .text(codes: codes, dictionary: dictionary)
    }
}
