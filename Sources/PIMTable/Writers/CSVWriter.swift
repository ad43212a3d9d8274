import Foundation

/// Options for ``CSVWriter``.
public struct CSVWriteOptions: Sendable, Hashable {
    public enum LineEnding: String, Sendable, Hashable {
        case crlf
        case lf
    }

    public var delimiter: UInt8
    /// RFC 4180 uses CRLF, the default.
    public var lineEnding: LineEnding
    /// Guard text cells against spreadsheet formulas (see ``FormulaGuard``). On by default.
    public var neutraliseFormulas: Bool
    /// Start with a UTF-8 byte-order mark, which Excel on Windows needs to read UTF-8 (without it, Arabic and
    /// accented text shows as mojibake). Off by default: other readers would take it into the first column's name.
    public var byteOrderMark: Bool

    public init(delimiter: UInt8 = UInt8(ascii: ","), lineEnding: LineEnding = .crlf, neutraliseFormulas: Bool = true,
                byteOrderMark: Bool = false) {
        self.delimiter = delimiter
        self.lineEnding = lineEnding
        self.neutraliseFormulas = neutraliseFormulas
        self.byteOrderMark = byteOrderMark
    }
}

/// Why a table could not be written.
public enum TableWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    case cannotWrite(file: String, reason: String)

    public var description: String {
        switch self {
        case .cannotWrite(let f, let why): "\(f): cannot write the file (\(why))"
        }
    }

    /// Why a file at `url` could not be written, in words (the system's error types name nothing useful):
    /// a folder given instead of a file, a missing folder, a folder without write permission, or a refusal
    /// of the system (a full disk, say).
    public static func reason(writing url: URL) -> String {
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue {
            return "\(url.path) is a folder; give a file name"
        }
        if !FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) || !isDirectory.boolValue {
            return "the folder \(folder.path) does not exist"
        }
        if !FileManager.default.isWritableFile(atPath: folder.path) { return "no permission to write in \(folder.path)" }
        if FileManager.default.fileExists(atPath: url.path) && !FileManager.default.isWritableFile(atPath: url.path) {
            return "the existing file may not be replaced"
        }
        return "the system refused the write (is the disk full?)"
    }
}

/// Writes a ``Table`` as CSV (RFC 4180) or HXL CSV (a header row, then the hashtag row).
///
/// Fields are quoted only when they contain a quote, CR, LF or a possible delimiter (`,` `;` tab `|`);
/// quotes are doubled.
/// Text cells that a spreadsheet could run as formulas are guarded by ``FormulaGuard``; ``CSVReader``
/// removes the guard, so writing and reading give back the same text. Values are printed as
/// ``ValueFormatting`` describes. A null is an empty field; a row whose every cell is null starts with `""`
/// (the reader skips a line that is blank or holds only delimiters, as spreadsheets write below their data).
public enum CSVWriter {
    /// The CSV bytes for `table`.
    /// - Parameter hxl: also write the hashtag row (empty cells for untagged columns); skipped when no
    ///   column has a tag.
    public static func bytes(_ table: Table, hxl: Bool = false, options: CSVWriteOptions = .init()) -> [UInt8] {
        var out: [UInt8] = options.byteOrderMark ? [0xEF, 0xBB, 0xBF] : []
        out.reserveCapacity(64 + table.rowCount * max(1, table.columns.count) * 8)
        let eol: [UInt8] = options.lineEnding == .crlf ? [13, 10] : [10]
        func appendField(_ s: String) {
            appendEscaped(Array(s.utf8), guardFormula: options.neutraliseFormulas, options: options, to: &out)
        }
        guard !table.columns.isEmpty else { return out }
        for (k, c) in table.columns.enumerated() {
            if k > 0 { out.append(options.delimiter) }
            appendField(c.name)
        }
        // A lone column named like Excel's `sep=X` line would read back as that line: it is quoted.
        if table.columns.count == 1, let name = table.columns.first?.name, name.utf8.count == 5, name.lowercased().hasPrefix("sep="),
            out.first != 34
        {
            out = [34] + out + [34]
        }
        out.append(contentsOf: eol)
        // Without any tag there is no hashtag row to write (an empty one would read back as data).
        if hxl && table.columns.contains(where: { $0.tag != nil }) {
            for (k, c) in table.columns.enumerated() {
                if k > 0 { out.append(options.delimiter) }
                if let t = c.tag { appendField(t.description) }
            }
            out.append(contentsOf: eol)
        }
        // Text dictionaries are escaped once per distinct value.
        let encoded: [[[UInt8]]] = table.columns.map { c in
            guard case .text(_, let dict) = c.data else { return [] }
            return dict.map { s in
                var b: [UInt8] = []
                appendEscaped(Array(s.utf8), guardFormula: options.neutraliseFormulas, options: options, to: &b)
                if b.isEmpty { b = [34, 34] }  // an empty string is written as "" (it reads back as null)
                return b
            }
        }
        let delimiters = table.columns.count - 1
        for r in 0..<table.rowCount {
            let rowStart = out.count
            for (k, c) in table.columns.enumerated() {
                if k > 0 { out.append(options.delimiter) }
                switch c.data {
                case .integer(let v, let n):
                    if !n.isNull(r) { ValueFormatting.appendInteger(v[r], to: &out) }
                case .decimal(let v, let n):
                    if !n.isNull(r), let s = ValueFormatting.decimal(v[r]) { out.append(contentsOf: s.utf8) }
                case .date(let v, let n):
                    if !n.isNull(r) { out.append(contentsOf: ValueFormatting.date(v[r]).utf8) }
                case .boolean(let v, let n):
                    if !n.isNull(r) { out.append(contentsOf: v[r] ? Array("true".utf8) : Array("false".utf8)) }
                case .text(let codes, _):
                    let code = codes[r]
                    if code >= 0 { out.append(contentsOf: encoded[k][Int(code)]) }
                }
            }
            if out.count - rowStart == delimiters {
                // Every cell null: `""` first, so that the line is not read as an empty one.
                out.removeLast(delimiters)
                out.append(contentsOf: [34, 34])
                for _ in 0..<delimiters { out.append(options.delimiter) }
            }
            out.append(contentsOf: eol)
        }
        return out
    }

    /// The CSV for `table` as `Data`.
    public static func data(_ table: Table, hxl: Bool = false, options: CSVWriteOptions = .init()) -> Data {
        Data(bytes(table, hxl: hxl, options: options))
    }

    /// Writes `table` to `url` atomically.
    /// - Throws: ``TableWriteError/cannotWrite(file:reason:)``.
    public static func write(_ table: Table, hxl: Bool = false, to url: URL, options: CSVWriteOptions = .init())
        throws(TableWriteError)
    {
        if let why = OutputGuard.refusal(writing: url) { throw .cannotWrite(file: url.lastPathComponent, reason: why) }
        do {
            try data(table, hxl: hxl, options: options).write(to: url, options: .atomic)
        } catch {
            throw .cannotWrite(file: url.lastPathComponent, reason: TableWriteError.reason(writing: url))
        }
    }

    static func appendEscaped(_ s: [UInt8], guardFormula: Bool, options: CSVWriteOptions, to out: inout [UInt8]) {
        let guarded = guardFormula && s.withUnsafeBufferPointer { b in
            b.baseAddress.map { FormulaGuard.needsGuard($0, b.count) } ?? false
        }
        // Any of the delimiters a reader might sniff is quoted too, so the file's delimiter stays unambiguous.
        // So is a value of spaces only, which the reader takes for an empty cell when it is not quoted.
        let needsQuotes = s.contains {
            $0 == options.delimiter || $0 == 34 || $0 == 10 || $0 == 13 || $0 == 44 || $0 == 59 || $0 == 9 || $0 == 124
        } || (!s.isEmpty && s.allSatisfy { $0 == 32 })
        if needsQuotes { out.append(34) }
        if guarded { out.append(UInt8(ascii: "'")) }
        if needsQuotes {
            for b in s {
                out.append(b)
                if b == 34 { out.append(34) }
            }
            out.append(34)
        } else {
            out.append(contentsOf: s)
        }
    }
}
