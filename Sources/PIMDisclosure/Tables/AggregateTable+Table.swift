import Foundation
import PIMTable

extension AggregateTable {
    /// The column that flags suppressed cells in ``table(totalLabel:includeMarginals:)``.
    public static let flagColumn = "flag"
    /// The column of published counts in ``table(totalLabel:includeMarginals:)``.
    public static let countColumn = "count"
    /// The column of a rounded table that carries ``roundingNote`` (on the first row) in ``table(totalLabel:includeMarginals:)``.
    public static let noteColumn = "note"

    /// The publishable table in long format: one row per cell, for CSV writing.
    ///
    /// Columns: one text column per dimension (`totalLabel` in margin rows, null for the missing category),
    /// `count` (integer, null when suppressed), one decimal column per sum column (null when suppressed), and
    /// `flag` (`suppressed` for suppressed cells, null otherwise). Only published values appear; true values of
    /// suppressed cells do not. Published tables never say which suppressed cells were small (primary) and
    /// which were hidden to protect them (secondary): that would narrow the small ones' bounds. The producer's
    /// own report may ask for the distinction with `distinguishSuppression`.
    ///
    /// Empty cells are left out, and so are suppressed cells (small ones and their complements, margins
    /// included), so that they look like empty cells: listing a suppressed cell would tell that its
    /// combination of categories holds records, and in a detailed table each such cell is a person or a
    /// household (a district, a day, a sex, an age group and a kind of incident). `listSuppressed` keeps
    /// them, with a null count and the `flag`, for the producer's own report. Under rounding, cells whose
    /// rounded count is 0 are left out too (but the grand total), and no cell is flagged (flagging changed
    /// cells would mark the others as exact); a last column `note` carries ``roundingNote`` (base and method;
    /// not the seed) on the first row.
    /// A dimension or sum column named like one of pim's (`count`, `flag`, `note`) is written as `count_value`,
    /// `note_sum`, …
    /// - Throws: ``ReductionError/categoryIsTotalLabel(column:label:)`` when margins are included and a category is
    ///   spelled like `totalLabel` (ignoring case and spaces).
    public func table(
        totalLabel: String = "Total", includeMarginals: Bool = true, distinguishSuppression: Bool = false,
        listSuppressed: Bool = false
    ) throws(ReductionError) -> Table {
        var rows = cells
        if includeMarginals {
            let label = totalLabel.trimmingCharacters(in: .whitespaces).lowercased()
            for d in dimensions where d.categories.contains(where: { $0?.trimmingCharacters(in: .whitespaces).lowercased() == label }) {
                throw .categoryIsTotalLabel(column: d.name, label: totalLabel)
            }
            rows += marginals
        }
        switch rule {
        // (Under rounding the grand total stays even at 0, so that a table whose every cell rounds to 0 still
        // says how it was rounded, and that it is not empty for want of records: QA16. Under the cell-key
        // method a 0 is a count below the minimum, and the listing must not depend on that minimum.)
        case .round: rows.removeAll { $0.publishedCount == 0 && !$0.coordinates.allSatisfy { $0 == nil } }
        case .cellKey: rows.removeAll { $0.publishedCount == 0 }
        case .suppress: break
        }
        if !listSuppressed && !distinguishSuppression { rows.removeAll { $0.status != .published } }
        let note = protectionNote
        // pim's own columns keep their names; a dimension or sum column of the data named like one of them is
        // written with a suffix (`count_value`, `note_sum`), since a partner cannot rename the producer's column
        // (QA19 F1).
        var names = Set([Self.countColumn, Self.flagColumn] + (note == nil ? [] : [Self.noteColumn]))
        func unique(_ name: String, _ suffix: String) throws(ReductionError) -> String {
            var candidate = name
            var n = 1
            while names.contains(candidate) {
                candidate = name + suffix + (n > 1 ? String(n) : "")
                n += 1
                if n > 100 { throw .duplicateColumn(name) }
            }
            names.insert(candidate)
            return candidate
        }
        var dimensionNames: [String] = []
        for d in dimensions { dimensionNames.append(try unique(d.name, "_value")) }
        var sumNames: [String] = []
        for name in sumColumns { sumNames.append(try unique(name, "_sum")) }
        var columns: [Column] = []
        for (d, dimension) in dimensions.enumerated() {
            let data = ColumnData.textFromLabels(count: rows.count) { r in
                guard let c = rows[r].coordinates[d] else { return totalLabel }
                return dimension.categories[c]
            }
            columns.append(Column(name: dimensionNames[d], data: data))
        }
        var countNulls = NullMask()
        var counts = [Int64](repeating: 0, count: rows.count)
        for (r, cell) in rows.enumerated() {
            if let c = cell.publishedCount { counts[r] = Int64(c) } else { countNulls.setNull(r) }
        }
        columns.append(Column(name: Self.countColumn, data: .integer(values: counts, nulls: countNulls)))
        for (m, name) in sumNames.enumerated() {
            var nulls = NullMask()
            var values = [Double](repeating: 0, count: rows.count)
            for (r, cell) in rows.enumerated() {
                if let s = cell.publishedSums { values[r] = s[m] } else { nulls.setNull(r) }
            }
            columns.append(Column(name: name, data: .decimal(values: values, nulls: nulls)))
        }
        let flags = ColumnData.textFromLabels(count: rows.count) { r in
            switch rows[r].status {
            case .published: nil
            case .primary: distinguishSuppression ? "primary" : "suppressed"
            case .secondary: distinguishSuppression ? "secondary" : "suppressed"
            }
        }
        columns.append(Column(name: Self.flagColumn, data: flags))
        if let note {
            columns.append(Column(name: Self.noteColumn, data: .textFromLabels(count: rows.count) { $0 == 0 ? note : nil }))
        }
        return Table(unchecked: columns, rowCount: rows.count)
    }
}
