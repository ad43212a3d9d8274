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
