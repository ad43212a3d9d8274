/// The character encoding a reader found.
public enum SourceEncoding: String, Sendable, Hashable, Codable {
    /// UTF-8 (ASCII included).
    case utf8
    /// UTF-8 with a byte-order mark, which was removed.
    case utf8WithBOM
    /// Not valid UTF-8; read as Windows-1252 (a superset of Latin-1) and converted to UTF-8.
    case windows1252
    /// UTF-16 with a byte-order mark, converted to UTF-8.
    case utf16
}

/// Something a reader noticed that did not stop it.
public enum ReadWarning: Sendable, Hashable, CustomStringConvertible {
    /// The bytes were not UTF-8 and were converted from Windows-1252.
    case convertedFromWindows1252
    /// The file was UTF-16 (it had a UTF-16 byte-order mark) and was converted to UTF-8.
    case convertedFromUTF16
    /// The file is UTF-8 but had invalid byte sequences, each replaced with U+FFFD.
    case replacedInvalidUTF8(count: Int)
    /// Rows had too few fields and were padded with nulls (``CSVReadOptions/allowRagged``).
    case paddedRows(count: Int)
    /// Blank lines, or lines of delimiters only (a spreadsheet's empty rows, `,,,,`), were skipped.
    case skippedBlankLines(count: Int)
    /// Columns with neither a name, nor a tag, nor a value (a spreadsheet's empty range) were left out.
    case droppedEmptyColumns(positions: [Int])
    /// Columns (1-based positions) whose name reads as a value of the column's own type (a number over
    /// numbers, a date over dates): the file may have no header row, its first record read as names.
    case headerLooksLikeData(positions: [Int])
    /// Columns whose group path was kept because the short name would not be unique (Kobo).
    case keptGroupPaths(columns: [String])
    /// A spreadsheet reader's note (error cells read as empty, rows skipped, times dropped); no cell values.
    case spreadsheet(String)
    /// HXL hashtags that are neither in the HXL core dictionary nor extension tags (`#x_…`), as `#tag`
    /// (see ``HXLCoreDictionary``); the columns are read as tagged.
    case unknownHXLTags([String])
    /// Cells of the hashtag row written as text, not tags (1-based positions): their columns are read untagged,
    /// as HXL tools read them.
    case untaggedInHashtagRow(positions: [Int])
    /// Columns without a header name whose hashtag repeats another's: named by the tag with `_2`, `_3`, …
    case repeatedTagNames(columns: [String])

    public var description: String {
        switch self {
        case .untaggedInHashtagRow(let p):
            (p.count == 1 ? "column \(p[0]) has" : "columns \(p.map(String.init).joined(separator: ", ")) have")
                + " text, not a hashtag, in the hashtag row: read untagged"
        case .repeatedTagNames(let c):
            "columns named by the same hashtag were numbered so that names stay unique: \(c.joined(separator: ", "))"
        case .convertedFromUTF16: "the file is UTF-16; it was converted to UTF-8"
        case .convertedFromWindows1252:
            "the file is not UTF-8; it was read as Windows-1252 (Latin-1) and converted"
        case .replacedInvalidUTF8(let n):
            "the file is UTF-8 but \(n == 1 ? "1 invalid byte sequence was" : "\(n) invalid byte sequences were") replaced with U+FFFD; check the export"
        case .paddedRows(let n):
            n == 1 ? "1 row had too few fields and was padded with empty cells" : "\(n) rows had too few fields and were padded with empty cells"
        case .skippedBlankLines(let n):
            (n == 1 ? "1 empty line was skipped" : "\(n) empty lines were skipped") + " (blank, or delimiters only)"
        case .droppedEmptyColumns(let p):
            (p.count == 1 ? "column \(p[0]) has" : "columns \(p.map(String.init).joined(separator: ", ")) have")
                + " neither a name nor a value and \(p.count == 1 ? "was" : "were") left out"
        case .keptGroupPaths(let c):
            "the group path was kept in \(c.count) column names so that names stay unique: \(c.joined(separator: ", "))"
        case .headerLooksLikeData(let p):
            "the names of columns \(p.map(String.init).joined(separator: ", ")) read as values of their columns (numbers, dates): "
                + "if the file has no header row, its first record was taken for the names; add a header row"
        case .spreadsheet(let note): note
        case .unknownHXLTags(let tags):
            Self.unknownTagsNote(tags)
        }
    }

    /// The note on hashtags outside the HXL core dictionary: those pim recognises are read as it reads them; the
    /// others refuse an import unless a schema declares them or the user accepts them.
    static func unknownTagsNote(_ tags: [String]) -> String {
        let others = tags.filter { !HXLCoreDictionary.isRecognised(String($0.dropFirst())) }
        var out = "\(tags.count == 1 ? "1 HXL hashtag is" : "\(tags.count) HXL hashtags are") not in the HXL core dictionary: "
            + "\(tags.joined(separator: ", ")); other HXL tools will not know \(tags.count == 1 ? "it" : "them")"
        if !others.isEmpty {
            out += ", and pim does not know \(others.joined(separator: ", ")) either: an import refuses a column so tagged unless a "
                + "schema declares the tag (pim import --schema FILE) or unknown tags are allowed (--allow-unknown-tags; "
                + "allow_unknown_tags on the web and in the API)"
        }
        return out + " (check the spelling, or write a local tag as #x_name)"
    }
}

/// What a reader found out about the file besides the table itself.
public struct ReadReport: Sendable, Hashable {
    public var fileName: String
    public var encoding: SourceEncoding
    /// The delimiter used (`nil` for formats without one, like JSON).
    public var delimiter: UInt8?
    /// 1-based row number of the HXL hashtag row, if the file has one.
    public var hxlRow: Int?
    /// 1-based row numbers of the rows above the data that were read as headers.
    public var headerRows: [Int]
    /// 1-based row number (as a spreadsheet shows it) of the table's first row.
    public var firstDataRow: Int
    public var warnings: [ReadWarning]
    /// One profile per column, in column order.
    public var profiles: [ColumnProfile]
    /// Present when the file looks like a KoboToolbox export.
    public var kobo: KoboExportInfo?
    /// The sheet read, for a workbook (the one named, or the first visible one).
    public var sheet: String?
    /// Table row indices before which one blank line was skipped (repeated for several), sorted.
    package var blankLinesBefore: [Int]

    public init(
        fileName: String, encoding: SourceEncoding = .utf8, delimiter: UInt8? = nil, hxlRow: Int? = nil,
        headerRows: [Int] = [], firstDataRow: Int = 2, warnings: [ReadWarning] = [],
        profiles: [ColumnProfile] = [], kobo: KoboExportInfo? = nil
    ) {
        self.fileName = fileName
        self.encoding = encoding
        self.delimiter = delimiter
        self.hxlRow = hxlRow
        self.headerRows = headerRows
        self.firstDataRow = firstDataRow
        self.warnings = warnings
        self.profiles = profiles
        self.kobo = kobo
        self.blankLinesBefore = []
    }

    /// The 1-based row number a spreadsheet shows for the table row at `index` (0-based), for error messages.
    public func sourceRow(ofTableRow index: Int) -> Int {
        // Count skipped blank lines at or before `index` (binary search for the first entry > index).
        var lo = 0
        var hi = blankLinesBefore.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if blankLinesBefore[mid] <= index { lo = mid + 1 } else { hi = mid }
        }
        return firstDataRow + index + lo
    }
}

/// A table together with the report on how it was read.
public struct ReadResult: Sendable, Hashable {
    public var table: Table
    public var report: ReadReport

    public init(table: Table, report: ReadReport) {
        self.table = table
        self.report = report
    }
}
