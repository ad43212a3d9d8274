import ArgumentParser
import Foundation
import PIMCore
import PIMTable

/// Options shared by the commands that read a data file.
struct FileInputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The data file: .csv, .tsv, .txt, .json, .xlsx (KoboToolbox and HXL exports included).", valueName: "file"))
    var file: String

    @Option(help: "XLSX: the sheet to read (default: the first).") var sheet: String?
    @Option(help: "CSV: the delimiter (default: sniffed from , ; tab |).") var delimiter: String?
    @Flag(help: "CSV: pad rows with too few fields instead of refusing the file.") var allowRagged = false

    var url: URL { URL(fileURLWithPath: file) }

    func validate() throws {
        if let d = delimiter, d.utf8.count != 1, d != "\\t", d != "tab" {
            throw ValidationError("--delimiter takes one character, e.g. ';' or tab.")
        }
    }

    /// Reads the file into a table, or throws a located error.
    func read() throws -> ReadResult {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CLIError("\(file): no such file.")
        }
        if isDirectory.boolValue { throw CLIError("\(file): is a directory; give a data file (.csv, .tsv, .txt, .json or .xlsx).") }
        var options = CSVReadOptions()
        options.allowRagged = allowRagged
        if let d = delimiter { options.delimiter = d == "\\t" || d == "tab" ? UInt8(ascii: "\t") : d.utf8.first }
        var result = try TableReader.read(url: url, options: options, sheet: sheet)
        result.noteUnknownHXLTags()
        return result
    }
}
