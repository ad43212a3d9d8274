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
    /// When the row below is a hashtag row too, that one is the hashtag row and this one its names: column
    /// names that are tagspecs (a file read from HXL JSON objects, or from a hashtag row alone) are written
    /// above the same tags, and must read back as names, not leave the hashtags as a row of data.
    public static func find(in rows: [[String]]) -> Int? {
        guard let first = rows.indices.first(where: { isHashtagRow(rows[$0]) }) else { return nil }
        return first + 1 < rows.count && isHashtagRow(rows[first + 1]) ? first + 1 : first
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
