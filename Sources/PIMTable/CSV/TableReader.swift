import Foundation

/// Reads a table from a file, choosing the reader by the file's extension.
///
/// `.csv` and `.txt` use ``CSVReader`` (delimiter sniffed), `.tsv`/`.tab` use it with tab, `.json` uses
/// ``JSONTableReader``, `.xlsx` the XLSX reader.
public enum TableReader {
    /// - Parameter sheet: for XLSX, the sheet to read (default: the first visible one).
    /// - Throws: ``TableReadError/unsupportedFileType(file:fileExtension:)`` for other extensions, or the
    ///   chosen reader's error (XLSX errors as ``TableReadError/spreadsheet(file:message:)``).
    /// Every result notes hashtags outside the HXL core dictionary (``ReadResult/noteUnknownHXLTags()``).
    public static func read(url: URL, options: CSVReadOptions = .init(), sheet: String? = nil) throws(TableReadError) -> ReadResult {
        var result = try readByExtension(url: url, options: options, sheet: sheet)
        result.noteUnknownHXLTags()
        result.noteHeaderThatLooksLikeData()
        return result
    }

    private static func readByExtension(url: URL, options: CSVReadOptions, sheet: String?) throws(TableReadError) -> ReadResult {
        let ext = url.pathExtension.lowercased()
        switch ext {
        case "csv", "txt":
            return try CSVReader.read(contentsOf: url, options: options)
        case "tsv", "tab":
            var o = options
            if o.delimiter == nil { o.delimiter = UInt8(ascii: "\t") }
            return try CSVReader.read(contentsOf: url, options: o)
        case "json":
            return try JSONTableReader.read(contentsOf: url, options: options)
        case "xlsx", "xlsm":
            do {
                // (Without type inference, text cells stay as written, as CSV cells do.)
                let xlsx = XLSXReadOptions(typesFromText: options.inferTypes)
                var result = try XLSXReader.read(contentsOf: url, sheet: sheet, options: xlsx)
                    .readResult(fileName: url.lastPathComponent)
                // (A KoboToolbox XLSX export has the same headers as its CSV export.)
                if options.interpretKobo { result.interpretKobo() }
                return result
            } catch {
                throw .spreadsheet(file: url.lastPathComponent, message: error.description)
            }
        default:
            throw .unsupportedFileType(file: url.lastPathComponent, fileExtension: ext)
        }
    }
}

extension XLSXReadResult {
    /// The XLSX result in the shape every reader gives: profiles per column, the reader's warnings, and the
    /// row numbers the spreadsheet shows (header and hashtag rows as found, empty rows skipped counted).
    public func readResult(fileName: String) -> ReadResult {
        var report = ReadReport(fileName: fileName, encoding: .utf8, hxlRow: hxlRow, headerRows: headerRows,
                                firstDataRow: firstDataRow, warnings: warnings.map(ReadWarning.spreadsheet))
        report.blankLinesBefore = emptyRowsBefore
        report.sheet = sheetName
        report.profiles = table.columns.map(ColumnProfile.init(column:))
        return ReadResult(table: table, report: report)
    }
}
