import Foundation

/// Reads a table from a file, choosing the reader by the file's extension.
///
/// `.csv` and `.txt` use ``CSVReader`` (delimiter sniffed), `.tsv`/`.tab` use it with tab, `.json` uses
/// ``JSONTableReader``, `.xlsx` the XLSX reader.
public enum TableReader {
    /// - Throws: ``TableReadError/unsupportedFileType(file:fileExtension:)`` for other extensions, or the
    ///   chosen reader's error.
    public static func read(url: URL, options: CSVReadOptions = .init()) throws(TableReadError) -> ReadResult {
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
        // XLSX hook: enable together with Sources/PIMTable/XLSX (it provides `XLSXReader`):
        // case "xlsx":
        //     do {
        //         let x = try XLSXReader.read(contentsOf: url, sheet: nil)
        //         var report = ReadReport(fileName: url.lastPathComponent, encoding: .utf8, firstDataRow: x.headerRow + 1)
        //         report.profiles = x.table.columns.map(ColumnProfile.init(column:))
        //         return ReadResult(table: x.table, report: report)
        //     } catch {
        //         throw .spreadsheet(file: url.lastPathComponent, message: error.description)
        //     }
        default:
            throw .unsupportedFileType(file: url.lastPathComponent, fileExtension: ext)
        }
    }
}
