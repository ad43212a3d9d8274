/// Finding the HXL hashtag row among a file's first rows.
public enum HXLHashtagRow {
    /// The index of the first row in which most non-empty cells are valid tagspecs, or in which every one
    /// of at least two non-empty cells starts with `#` and one of them is a core or extension hashtag (a
    /// hashtag row with mistakes, which the reader then refuses naming the first bad tag, rather than reading
    /// it as data), if any.
    ///
    /// Rows above it are header rows (HXL allows several); the one directly above gives column names. (A data
    /// row of numbers written with `#`, such as `#1001,#1002`, has no known hashtag: it stays data.)
    ///
    /// When the row below repeats this row's tagspecs (names that are tagspecs, as pim writes a table read
    /// from HXL JSON objects or from a hashtag row alone, above the same tags), that one is the hashtag row
    /// and this one its names: otherwise the tags would read back as a row of data.
    ///
    /// A row of tags none of which is a core or extension hashtag, beside another such row, is data: a column
    /// of values written with `#` (`#general`, `#random`) must not lose its first value to the tags (see
    /// ``isTagLikeData(_:at:)``).
    public static func find(in rows: [[String]]) -> Int? {
        guard let first = rows.indices.first(where: { isHashtagRow(rows[$0]) && !isTagLikeData(rows, at: $0) })
        else { return nil }
        return first + 1 < rows.count && repeatsTags(of: rows[first], in: rows[first + 1]) ? first + 1 : first
    }

    /// Whether row `i` of `rows` is rather data that looks like tags: every non-empty cell is a tagspec but
    /// none a core or extension hashtag, and the row below, or the row above (unless this row repeats its
    /// tagspecs, names that are tagspecs over the same tags), is one too.
    static func isTagLikeData(_ rows: [[String]], at i: Int) -> Bool {
        guard hasOnlyUnknownTags(rows[i]) else { return false }
        if i + 1 < rows.count, hasOnlyUnknownTags(rows[i + 1]) { return true }
        if i > 0, hasOnlyUnknownTags(rows[i - 1]), !repeatsTags(of: rows[i - 1], in: rows[i]) { return true }
        return false
    }

    /// Whether `row` has a non-empty cell and every one is a tagspec whose hashtag is neither core nor `#x_`.
    static func hasOnlyUnknownTags(_ row: [String]) -> Bool {
        var any = false
        for cell in row where !cell.allSatisfy(\.isWhitespace) {
            guard let spec = HXLTagSpec(parsing: cell), !HXLCoreDictionary.isKnown(spec.tag) else { return false }
            any = true
        }
        return any
    }

    /// Whether every cell of `names` that is a tagspec has the same tagspec (attributes in any order) in
    /// `row`, and there is at least one.
    static func repeatsTags(of names: [String], in row: [String]) -> Bool {
        var repeated = 0
        for (k, cell) in names.enumerated() {
            guard let spec = HXLTagSpec(parsing: cell) else { continue }
            guard k < row.count, HXLTagSpec(parsing: row[k])?.canonical == spec.canonical else { return false }
            repeated += 1
        }
        return repeated > 0
    }

    /// Whether most non-empty cells of `row` are valid tagspecs, or every one of at least two starts with `#`
    /// and one is a core or extension hashtag.
    static func isHashtagRow(_ row: [String]) -> Bool {
        var nonEmpty = 0
        var valid = 0
        var known = 0
        var hashes = 0
        for cell in row where !cell.allSatisfy(\.isWhitespace) {
            nonEmpty += 1
            if let spec = HXLTagSpec(parsing: cell) {
                valid += 1
                if HXLCoreDictionary.isKnown(spec.tag) { known += 1 }
            }
            if cell.drop(while: \.isWhitespace).first == "#" { hashes += 1 }
        }
        return nonEmpty > 0 && (valid * 2 > nonEmpty || (nonEmpty >= 2 && hashes == nonEmpty && known > 0))
    }
}
