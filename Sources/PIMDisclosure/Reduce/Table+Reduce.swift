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

