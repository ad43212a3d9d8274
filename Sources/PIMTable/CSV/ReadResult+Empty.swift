extension ReadResult {
    /// Leaves out columns with neither a name, nor a tag, nor a value (`unnamedColumns`: the names given to
    /// columns without a name or tag), which a spreadsheet's empty range adds to an export, and says so.
    /// (Its empty rows, `,,,,`, are skipped by the tokenizers like blank lines.)
    mutating func dropEmptyColumns(unnamedColumns: Set<String>) {
        let rows = table.rowCount
        if !unnamedColumns.isEmpty {
            let empty = table.columns.indices.filter { k in
                unnamedColumns.contains(table.columns[k].name) && table.columns[k].nullCount == rows
            }
            if !empty.isEmpty, empty.count < table.columns.count {
                let positions = empty.compactMap { k in Int(table.columns[k].name.dropFirst("column_".count)) }
                let names = Set(empty.map { table.columns[$0].name })
                table = Table(unchecked: table.columns.filter { !names.contains($0.name) }, rowCount: rows)
                report.profiles.removeAll { names.contains($0.name) }
                report.warnings.append(.droppedEmptyColumns(positions: positions))
            }
        }
    }
}

extension ReadResult {
    /// Adds a ``ReadWarning/headerLooksLikeData(positions:)`` warning when at least two untagged columns are
    /// named by a value of their own type (a number over a numeric column, a date over a date column): a
    /// file without a header row, whose first record became the names. Names no values; positions only.
    public mutating func noteHeaderThatLooksLikeData() {
        var positions: [Int] = []
        for (k, c) in table.columns.enumerated() where c.tag == nil && c.type != .text && c.type != .boolean {
            var name = c.name
            let type = name.withUTF8 { b in b.baseAddress.map { CellParsing.classify($0, b.count) } ?? .text }
            let numeric: Set<ColumnType> = [.integer, .decimal]
            if type == c.type || (numeric.contains(type) && numeric.contains(c.type)) { positions.append(k + 1) }
        }
        guard positions.count >= 2 else { return }
        report.warnings.append(.headerLooksLikeData(positions: positions))
    }
}
