import ArgumentParser
import Foundation
import PIMCategories
import PIMCore
import PIMTable

/// Options shared by the commands that read a data file.
struct FileInputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The data file: .csv, .tsv, .txt, .json, .xlsx (KoboToolbox and HXL exports included).", valueName: "file"))
    var file: String

    @Option(help: "XLSX: the sheet to read (default: the first).") var sheet: String?
    @Option(help: "CSV: the delimiter (default: sniffed from , ; tab |).") var delimiter: String?
    @Flag(help: "CSV and JSON: pad rows with too few fields instead of refusing the file.") var allowRagged = false
    @Option(name: .customLong("max-cell-mb"), help: ArgumentHelp("CSV: the largest cell allowed, in MB (default 1; at most \(Self.maximumCellMB)).", valueName: "mb"))
    var maxCellMB: Int?

    /// The most `--max-cell-mb` allows: a cell that size is held several times over while it is read.
    static let maximumCellMB = 1024

    var url: URL { URL(fileURLWithPath: file) }

    func validate() throws {
        if let d = delimiter, d.utf8.count != 1, d != "\\t", d != "tab" {
            throw ValidationError("--delimiter takes one character, e.g. ';' or tab.")
        }
        if let d = delimiter, ["\"", "\r", "\n"].contains(d) {
            throw ValidationError("--delimiter cannot be a quote or a line break; give the character between fields, e.g. ';' or tab.")
        }
        if let mb = maxCellMB, !(1...Self.maximumCellMB).contains(mb) {
            throw ValidationError("--max-cell-mb takes a whole number of MB from 1 to \(Self.maximumCellMB).")
        }
        // Options that the file's kind would ignore are refused rather than silently unused.
        let ext = url.pathExtension.lowercased()
        if sheet != nil && ext != "xlsx" && ext != "xlsm" { throw ValidationError("--sheet is for XLSX workbooks; \(file) is not one.") }
        if (delimiter != nil || maxCellMB != nil) && ["xlsx", "xlsm", "json"].contains(ext) {
            throw ValidationError("--delimiter and --max-cell-mb are for CSV files; \(file) is not one.")
        }
        if allowRagged && ["xlsx", "xlsm"].contains(ext) {
            throw ValidationError("--allow-ragged is for CSV and JSON files; \(file) is not one (a sheet's short rows are always read).")
        }
    }

    /// Reads the file into a table, or throws a located error.
    func read() throws -> ReadResult {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CLIError("\(file): no such file.")
        }
        if isDirectory.boolValue { throw CLIError("\(file): is a directory; give a data file (.csv, .tsv, .txt, .json or .xlsx).") }
        let result: ReadResult
        do throws(TableReadError) { result = try TableReader.read(url: url, options: readOptions, sheet: sheet) } catch {
            // The reader says "raise the limit": say how.
            guard case .cellTooLarge(let f, let row, let column, let limit) = error else { throw error }
            let place = [f, String(row)] + (column.map { [$0] } ?? [])
            throw CLIError("\(place.joined(separator: ":")): a cell is larger than \(Self.megabytes(limit)); check for an unclosed "
                           + "quote, or raise the limit with --max-cell-mb N (N in MB, up to \(Self.maximumCellMB)).")
        }
        return result
    }

    /// The reader's options from the command line.
    var readOptions: CSVReadOptions {
        var options = CSVReadOptions()
        options.allowRagged = allowRagged
        if let d = delimiter { options.delimiter = d == "\\t" || d == "tab" ? UInt8(ascii: "\t") : d.utf8.first }
        if let mb = maxCellMB { options.maximumCellBytes = mb << 20 }
        return options
    }

    /// `read` with the schema's text fields as the file writes them (see ``DatasetImport/keepingFileText(of:in:url:options:sheet:)``).
    func keepingText(of schema: Schema, in read: ReadResult) throws -> ReadResult {
        try DatasetImport.keepingFileText(of: schema, in: read, url: url, options: readOptions, sheet: sheet)
    }

    /// ``read()``, and with `--format json` a file that cannot be read still answers a script on stdout:
    /// `{"file": …, "error": …}` (the status stays non-zero).
    func read(answering format: OutputFormat) throws -> ReadResult {
        do {
            return try read()
        } catch {
            if format == .json {
                // Located as FILE:ROW:COLUMN in fields of their own, so that a script need not parse the text (QA11 I7).
                let located = error as? TableReadError
                try Output.printJSON(ReadFailure(
                    file: url.lastPathComponent, error: String(describing: error), row: located?.row, column: located?.column))
            }
            throw error
        }
    }

    /// `1 MB`, `10 MB`, or the bytes when not a whole number of MB.
    static func megabytes(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MB" : "\(bytes) bytes"
    }
}

/// What `--format json` prints for a file that cannot be read.
struct ReadFailure: Encodable {
    var file: String
    var error: String
    /// The row (as a spreadsheet numbers it) and column the error is at, when it has them.
    var row: Int?
    var column: String?
}
