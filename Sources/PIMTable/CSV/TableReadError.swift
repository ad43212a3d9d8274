/// Why a file could not be read into a ``Table``, with where it happened.
///
/// Locations are as a spreadsheet user sees them: `row` is the 1-based row number (the header is row 1,
/// blank lines count), `column` the column's name when it is known. Messages never include cell values.
/// The description reads `data.csv:42:age: unbalanced quote opened here; close the quoted field with "`.
public enum TableReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file has no bytes (or only a byte-order mark).
    case emptyFile(file: String)
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// A quoted field that is never closed; `row` is where the quote opened.
    case unbalancedQuote(file: String, row: Int, column: String?)
    /// A closing quote followed by something other than a delimiter or the end of the line.
    case textAfterClosingQuote(file: String, row: Int, column: String?)
    /// A row with a different number of fields than the header; `column` names the first field a short row
    /// lacks (a long row's extra field has no name).
    case raggedRow(file: String, row: Int, expected: Int, found: Int, column: String? = nil)
    /// A NUL byte, which text files never contain (often a UTF-16 or binary file).
    case nulByte(file: String, row: Int, column: String?)
    /// A cell longer than ``CSVReadOptions/maximumCellBytes``.
    case cellTooLarge(file: String, row: Int, column: String?, limit: Int)
    /// Two columns with the same name; `row` is the header row's number, when the file has rows.
    case duplicateColumn(file: String, column: String, row: Int? = nil)
    /// A cell in the HXL hashtag row that is not a valid tag specification.
    case invalidHashtag(file: String, row: Int, column: String)
    /// The content is not in a supported format (for example JSON of the wrong shape).
    case invalidFormat(file: String, reason: String)
    /// The file extension is not one the reader knows.
    case unsupportedFileType(file: String, fileExtension: String)
    /// A spreadsheet reader's error (such as XLSX), whose message already gives the location.
    case spreadsheet(file: String, message: String)

    /// The file name the error refers to.
    public var file: String {
        switch self {
        case .emptyFile(let f), .unreadable(let f, _), .unbalancedQuote(let f, _, _),
            .textAfterClosingQuote(let f, _, _), .raggedRow(let f, _, _, _, _), .nulByte(let f, _, _),
            .cellTooLarge(let f, _, _, _), .duplicateColumn(let f, _, _), .invalidHashtag(let f, _, _),
            .invalidFormat(let f, _), .unsupportedFileType(let f, _), .spreadsheet(let f, _):
            f
        }
    }

    /// The 1-based row, when the error has one.
    public var row: Int? {
        switch self {
        case .unbalancedQuote(_, let r, _), .textAfterClosingQuote(_, let r, _), .raggedRow(_, let r, _, _, _),
            .nulByte(_, let r, _), .cellTooLarge(_, let r, _, _), .invalidHashtag(_, let r, _):
            r
        case .duplicateColumn(_, _, let r): r
        default: nil
        }
    }

    /// The column name, when the error has one.
    public var column: String? {
        switch self {
        case .unbalancedQuote(_, _, let c), .textAfterClosingQuote(_, _, let c), .nulByte(_, _, let c),
            .cellTooLarge(_, _, let c, _):
            c
        case .duplicateColumn(_, let c, _), .invalidHashtag(_, _, let c): c
        // The first field too many, or the first one missing, by its position (QA11 I2).
        case .raggedRow(_, _, let e, let f, let name): name ?? "column \(min(e, f) + 1)"
        default: nil
        }
    }

    private var location: String {
        var s = file
        if let row { s += ":\(row)" }
        if let column { s += ":\(column)" }
        return s
    }

    public var description: String {
        if case .spreadsheet(_, let message) = self { return message }
        let reason: String
        switch self {
        case .emptyFile: reason = "the file is empty; export it again with a header row"
        case .unreadable(_, let why): reason = "cannot read the file (\(why))"
        case .unbalancedQuote:
            reason = "unbalanced quote opened here; close the quoted field with \""
        case .textAfterClosingQuote:
            reason = "text follows a closing quote; put the whole field in quotes and double any quote inside it (\"\")"
        case .raggedRow(let file, _, let e, let f, _) where file.lowercased().hasSuffix(".json"):
            reason = f > e
                ? "this row has \(f) value\(f == 1 ? "" : "s") but the header has \(e); give every row one value per column"
                : "this row has \(f) value\(f == 1 ? "" : "s") but the header has \(e); give every row one value per column (null for an empty one), or allow short rows (pim: --allow-ragged) to pad them with empty cells"
        case .raggedRow(_, _, let e, let f, _):
            reason = f > e
                ? "this row has \(f) field\(f == 1 ? "" : "s") but the header has \(e); quote fields that contain the delimiter, or give the file's delimiter if it is another (pim: --delimiter)"
                : "this row has \(f) field\(f == 1 ? "" : "s") but the header has \(e); add the missing fields, or allow short rows (pim: --allow-ragged) to pad them with empty cells"
        case .nulByte:
            reason = "a NUL byte is not allowed in a text file; save the file as UTF-8 CSV"
        case .cellTooLarge(_, _, _, let limit):
            reason = "a cell is larger than \(limit) bytes; check for an unclosed quote or raise the limit"
        case .duplicateColumn:
            reason = "this column name appears more than once; give each column a unique name"
        case .invalidHashtag:
            reason = "not a valid HXL tag specification in the hashtag row; write it as #tag+attribute"
        case .invalidFormat(_, let why): reason = why
        case .spreadsheet(_, let message): reason = message
        case .unsupportedFileType(_, let ext):
            reason = ext.isEmpty
                ? "the file name has no extension; name it .csv, .tsv, .txt, .json or .xlsx after what it holds"
                : "cannot read files of type \".\(ext)\"; use .csv, .tsv, .txt, .json or .xlsx"
        }
        return "\(location): \(reason)"
    }
}
