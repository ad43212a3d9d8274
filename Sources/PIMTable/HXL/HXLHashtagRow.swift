/// Finding the HXL hashtag row among a file's first rows.
public enum HXLHashtagRow {
    /// The index of the first row in which most non-empty cells are valid tagspecs, or in which every one
    /// of at least two non-empty cells starts with `#` and one of them is a core or extension hashtag (a
    /// hashtag row with mistakes, which the reader then refuses naming the first bad tag, rather than reading
    /// it as data), if any.
    ///
    /// Rows above it are header rows (HXL allows several); the one directly above gives column names. (A data
    /// row of numbers written with `#`, such as `#1001,#1002`, has no known hashtag: it stays data.)
    public static func find(in rows: [[String]]) -> Int? {
        for (i, row) in rows.enumerated() {
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
            if nonEmpty > 0 && (valid * 2 > nonEmpty || (nonEmpty >= 2 && hashes == nonEmpty && known > 0)) { return i }
        }
        return nil
    }
}
