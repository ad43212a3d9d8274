import PIMTable

/// Admin levels nest: a finer area's code names the coarser area it lies in (P-codes even spell it). So a
/// released row that keeps a finer admin key while a coarser one is suppressed hides nothing, and the
/// "missing matches anything" class sizes it was measured with are false (QA10 Q1). Anonymised shares and
/// `pim anonymize` (and the web preview) suppress the finer levels too, then measure what they publish.
public enum AdminNesting {
    /// The admin level of a key column: its schema's `admin_level` or `#admN+code` tag, else a name such as
    /// `adm2_code`, `adm1_name` or `admin3` (1 to 5); nil for other columns.
    public static func adminLevel(of name: String, in schema: Schema) -> Int? {
        if let level = schema.field(named: name)?.checkedAdminLevel { return level }
        let n = name.lowercased()
        let rest = n.hasPrefix("admin") ? n.dropFirst(5) : n.hasPrefix("adm") ? n.dropFirst(3) : nil
        guard let rest, let first = rest.first, let level = first.wholeNumberValue, (1...5).contains(level) else { return nil }
        if let next = rest.dropFirst().first, next.isNumber { return nil }
        return level
    }

    /// The columns of `table` at a coarser admin level than an admin key that are released as they are (not keys,
    /// not in `removed`): each names the area a blank finer key lies in, so the blank matches only the areas
    /// inside it, and the classes measured without it are too large (QA14: the only man of region S, released as
    /// `S,,m`, was counted with the men of another region). They are keys of the release too.
    public static func coarserAdminColumns(of keys: [String], in table: Table, schema: Schema, removed: [String]) -> [String] {
        guard let finest = keys.compactMap({ adminLevel(of: $0, in: schema) }).max() else { return [] }
        return table.columnNames.filter { name in
            !keys.contains(name) && !removed.contains(name) && (adminLevel(of: name, in: schema).map { $0 < finest } ?? false)
        }
    }

    /// `table` with, in every row where an admin key column is missing, every admin key column of the same or a
    /// finer level missing too, and the number of values so suppressed. Suppressing a value only widens the
    /// records a row matches (a missing value matches any), so k-anonymity still holds; and no published row
    /// keeps a finer area code (which names its coarser area) next to a suppressed coarser one.
    public static func suppressingNestedAdminLevels(_ table: Table, keys: [String], schema: Schema) -> (Table, Int) {
        let levels = keys.compactMap { key -> (index: Int, level: Int)? in
            guard let i = table.index(of: key), let level = adminLevel(of: key, in: schema) else { return nil }
            return (i, level)
        }
        guard levels.count > 1 else { return (table, 0) }
        var columns = table.columns
        var suppressed = 0
        // Per row, the coarsest level missing; then every kept value at that level or finer goes.
        var coarsestMissing = [Int](repeating: Int.max, count: table.rowCount)
        for (i, level) in levels {
            for r in 0..<table.rowCount where columns[i].isNull(r) { coarsestMissing[r] = min(coarsestMissing[r], level) }
        }
        for (i, level) in levels {
            let rows = (0..<table.rowCount).filter { coarsestMissing[$0] <= level && !columns[i].isNull($0) }
            guard !rows.isEmpty else { continue }
            suppressed += rows.count
            columns[i] = columns[i].settingNull(rows: rows)
        }
        return (Table(unchecked: columns, rowCount: table.rowCount), suppressed)
    }
}
