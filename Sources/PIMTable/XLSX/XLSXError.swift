/// Why reading or writing an XLSX workbook failed.
///
/// Every case names the file (its last path component) and, where it helps, the part of the package,
/// the sheet or the cell (`Sheet1!C5`). Cell values never appear in messages.
public enum XLSXError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(file: String)
    /// The file has no bytes.
    case emptyFile(file: String)
    /// The file is not a zip archive (for example a CSV or an image renamed `.xlsx`).
    case notAZipArchive(file: String)
    /// The zip archive lacks a part every workbook has, such as `xl/workbook.xml`.
    case missingPart(file: String, part: String)
    /// A part could not be decompressed (truncated or corrupted archive, bad checksum).
    case corruptPart(file: String, part: String)
    /// A part is larger than ``XLSXReadOptions/maxPartSize``.
    case partTooLarge(file: String, part: String, limit: Int)
    /// The parts together are larger than ``XLSXReadOptions/maxTotalSize``.
    case workbookTooLarge(file: String, limit: Int)
    /// A large part compresses suspiciously well (a likely zip bomb).
    case suspiciousCompression(file: String, part: String, ratio: Int)
    /// A part declares a DTD or entities, which are refused to prevent entity expansion attacks.
    case documentTypeDeclaration(file: String, part: String)
    /// A part is not well-formed XML as far as the reader needs it.
    case malformedXML(file: String, part: String, problem: XLSXXMLProblem)
    /// A cell could not be understood, e.g. a reference outside the sheet's bounds.
    case invalidCell(file: String, cell: String, problem: XLSXCellProblem)
    /// The workbook lists no worksheets.
    case noSheets(file: String)
    /// No sheet has the requested name.
    case sheetNotFound(file: String, sheet: String, available: [String])
    /// The workbook could not be packaged.
    case writeFailed(file: String)
    /// The output file could not be written, and why (see ``TableWriteError/reason(writing:)``).
    case cannotWrite(file: String, reason: String)
    /// A text is longer than a cell may hold (Excel's limit); the workbook is not written.
    case cellTooLong(file: String, cell: String, limit: Int)
    /// The table has more rows (header rows included) or columns than a worksheet holds.
    case sheetTooLarge(file: String, rows: Int, columns: Int)
    /// A cell's text holds a NUL character (written `_x0000_` in the sheet): refused, as in CSV and JSON.
    case nulCharacter(file: String, sheet: String, row: Int, column: String)
    /// Two columns of a sheet have the same header (not one merged cell over both), and their tags, if
    /// any, do not tell them apart.
    case duplicateColumn(file: String, sheet: String, column: String)

    public var description: String {
        switch self {
        case .unreadable(let f): "cannot read \"\(f)\": the file does not exist or is not readable"
        case .emptyFile(let f): "\"\(f)\" is not an XLSX workbook: the file is empty"
        case .notAZipArchive(let f): "\"\(f)\" is not an XLSX workbook: it is not a zip archive"
        case .missingPart(let f, let p): "\"\(f)\" is not an XLSX workbook: it has no \(p)"
        case .corruptPart(let f, let p): "\"\(f)\" is damaged: \(p) cannot be decompressed (truncated or corrupted file)"
        case .partTooLarge(let f, let p, let l): "\"\(f)\" is refused: \(p) is larger than the limit of \(l) bytes"
        case .workbookTooLarge(let f, let l):
            "\"\(f)\" is refused: its contents are larger than the limit of \(l) bytes in total"
        case .suspiciousCompression(let f, let p, let r):
            "\"\(f)\" is refused: \(p) is compressed \(r):1, which looks like a zip bomb"
        case .documentTypeDeclaration(let f, let p):
            "\"\(f)\" is refused: \(p) declares a document type or entities, which workbooks never need"
        case .malformedXML(let f, let p, let problem): "\"\(f)\" is damaged: \(p) is not valid XML (\(problem))"
        case .invalidCell(let f, let c, let problem): "\"\(f)\", cell \(c): \(problem)"
        case .noSheets(let f): "\"\(f)\" has no worksheets"
        case .sheetNotFound(let f, let s, let a):
            "\"\(f)\" has no sheet named \"\(s)\"; the sheets are: \(a.map { "\"\($0)\"" }.joined(separator: ", "))"
        case .writeFailed(let f): "cannot write \"\(f)\""
        case .cannotWrite(let f, let why): "cannot write \"\(f)\": \(why)"
        case .duplicateColumn(let f, let sheet, let c):
            "\"\(f)\", sheet \(sheet): two columns are named \"\(c)\"; give each column its own header"
        case .cellTooLong(let f, let c, let l):
            "cannot write \"\(f)\": cell \(c) would hold more than \(l) characters, Excel's limit for a cell; export as CSV or JSON instead"
        case .nulCharacter(let f, let sheet, let row, let column):
            "\"\(f)\", sheet \(sheet), row \(row), column \(column): the cell holds a NUL character (_x0000_), which no text may "
                + "hold (a damaged or crafted file); remove it and save the workbook again"
        case .sheetTooLarge(let f, let rows, let columns):
            "cannot write \"\(f)\": the sheet would have \(rows) rows and \(columns) columns, and a worksheet holds at most "
                + "\(XLSXCellReference.maxRows) rows and \(XLSXCellReference.maxColumns) columns (Excel would drop the rest); "
                + "export as CSV or JSON instead"
        }
    }
}

/// What is wrong with an XML part.
public enum XLSXXMLProblem: String, Sendable, Hashable, CustomStringConvertible {
    case unterminatedTag = "a tag is not closed"
    case unterminatedComment = "a comment or CDATA section is not closed"
    case badAttribute = "an attribute is malformed"
    case badNumber = "a number cannot be read"
    case badRelationship = "the workbook refers to a sheet without a relationship target"
    case unclosedRoot = "it ends before its root element is closed (the file is truncated or damaged)"

    public var description: String { rawValue }
}

/// What is wrong with a cell.
public enum XLSXCellProblem: String, Sendable, Hashable, CustomStringConvertible {
    case badReference = "the cell reference is not valid or lies outside the sheet's limits"
    case badNumber = "the value is not a number"
    case badBoolean = "the value is not a boolean"
    case badSharedString = "the cell refers to a shared string that does not exist"
    /// (QA11 I8: a repeated cell was read silently, the last definition winning.)
    case definedTwice = "the cell is defined twice, or a row or cell comes out of order; the file is damaged (open it in the spreadsheet program and save it again)"

    public var description: String { rawValue }
}
