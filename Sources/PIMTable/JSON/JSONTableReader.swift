import Foundation

/// Reads HXL JSON (and plain JSON tables) into a ``Table``.
///
/// Two shapes are accepted, as the HXL JSON conventions describe:
/// - **array style**: `[["Name", "Age"], ["#name", "#age"], ["A", 3]]`; the first rows are headers and an
///   HXL hashtag row is found among them as in CSV (a first row of tagspecs alone also works);
/// - **object style**: `[{"#name": "A", "#age": 3}]`; keys are tagspecs (or plain column names), in
///   order of first appearance; a missing key is null.
///
/// In array style every data row gives one value per column (`null` for an empty one); a shorter row is
/// refused unless ``CSVReadOptions/allowRagged`` is set, which pads it and says so.
///
/// Values may be strings, numbers, booleans or null; column types are inferred as for CSV (numbers
/// keep their JSON text, so `5.0` is a decimal). Formula guards are not removed: JSON is not opened
/// by spreadsheets, so ``JSONTableWriter`` writes text as it is.
public enum JSONTableReader {
    public static func read(contentsOf url: URL, options: CSVReadOptions = .init()) throws(TableReadError)
        -> ReadResult
    {
        let file = url.lastPathComponent
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(file: file, reason: "the file could not be opened")
        }
        return try read(bytes: [UInt8](data), fileName: file, options: options)
    }

    /// JSON text is UTF-8 (RFC 8259); a file that is not is decoded as the CSV reader decodes one (see
    /// ``TextDecoding/wholeUTF8(_:)``), and the report says how.
    public static func read(bytes input: [UInt8], fileName: String, options: CSVReadOptions = .init())
        throws(TableReadError) -> ReadResult
    {
        let decoded = TextDecoding.wholeUTF8(input)
        var result = try readUTF8(decoded.bytes, fileName: fileName, options: options)
        // (`[{}, {}]` or `[[], []]`: rows without a single value or name.)
        guard !result.table.columns.isEmpty else {
            throw .invalidFormat(file: fileName, reason: "the file has no columns (its rows hold no names or values)")
        }
        result.report.encoding = decoded.encoding
        if let warning = decoded.warning { result.report.warnings.insert(warning, at: 0) }
        return result
    }

    private static func readUTF8(_ bytes: [UInt8], fileName: String, options: CSVReadOptions)
        throws(TableReadError) -> ReadResult
    {
        guard bytes.contains(where: { $0 > 0x20 }) else { throw .emptyFile(file: fileName) }
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw .invalidFormat(file: fileName, reason: "invalid JSON at byte \(error.offset + 1): \(error.reason)")
        }
        guard case .array(let items) = root else {
            throw .invalidFormat(file: fileName, reason: "expected a JSON array of rows or of objects")
        }
        guard let first = items.first else { throw .emptyFile(file: fileName) }
        if case .object = first { return try readObjects(items, fileName: fileName, options: options) }
        var rows: [[String?]] = []
        rows.reserveCapacity(items.count)
        for (k, item) in items.enumerated() {
            guard case .array(let cells) = item else {
                throw .invalidFormat(file: fileName, reason: "row \(k + 1) is not an array; every row must be one")
            }
            var row: [String?] = []
            for cell in cells { row.append(try text(cell, fileName: fileName, row: k + 1)) }
            rows.append(row)
        }
        // A row with fewer values than the header is refused, as a short CSV row is, unless short rows are
        // allowed (then padded, and said).
        return try TableAssembler.assemble(
            rows: rows, fileName: fileName, options: options, formulaGuards: false,
            shortRows: options.allowRagged ? .paddedAndCounted : .refused)
    }

    private static func readObjects(_ items: [JSONValue], fileName: String, options: CSVReadOptions)
        throws(TableReadError) -> ReadResult
    {
        var keys: [String] = []
        var index: [String: Int] = [:]
        var cells: [[String?]] = []
        for (r, item) in items.enumerated() {
            guard case .object(let pairs) = item else {
                throw .invalidFormat(file: fileName, reason: "item \(r + 1) is not an object; every item must be one")
            }
            for (key, value) in pairs {
                let k: Int
                if let existing = index[key] {
                    k = existing
                } else {
                    k = keys.count
                    index[key] = k
                    keys.append(key)
                    cells.append(Array(repeating: nil, count: r))
                }
                let t = try text(value, fileName: fileName, row: r + 1)
                // (A key given twice in one object is two columns of one name, refused as in CSV.)
                guard cells[k].count == r else { throw .duplicateColumn(file: fileName, column: key) }
                cells[k].append(t)
            }
            for k in cells.indices where cells[k].count == r { cells[k].append(nil) }
        }
        var columns: [Column] = []
        var profiles: [ColumnProfile] = []
        var seen = Set<String>()
        for (k, key) in keys.enumerated() {
            // Each key that is a tagspec tags its column (pim's own `hxl-json-objects` export keys tagged
            // columns by tag and the others by name); an empty key is named by its place, as in CSV.
            let tag = HXLTagSpec(parsing: key)
            let name = tag?.description ?? (key.allSatisfy(\.isWhitespace) ? "column_\(k + 1)" : key)
            guard seen.insert(name).inserted else { throw .duplicateColumn(file: fileName, column: name) }
            let (c, p) = TableAssembler.inferColumn(
                name: name, tag: tag, cells: cells[k], inferTypes: options.inferTypes, formulaGuards: false)
            columns.append(c)
            profiles.append(p)
        }
        let table = Table(unchecked: columns, rowCount: items.count)
        let report = ReadReport(fileName: fileName, firstDataRow: 1, profiles: profiles)
        return ReadResult(table: table, report: report)
    }

    private static func text(_ v: JSONValue, fileName: String, row: Int) throws(TableReadError) -> String? {
        switch v {
        case .null: return nil
        case .bool(let b): return b ? "true" : "false"
        case .number(let s): return s
        case .string(let s):
            // (As in CSV: a NUL has no place in a cell, and a CSV export of it could not be read back.)
            guard !s.utf8.contains(0) else {
                throw .invalidFormat(file: fileName, reason: "row \(row) has a NUL character (\\u0000) in a value; remove it")
            }
            return s
        case .array, .object:
            throw .invalidFormat(file: fileName, reason: "row \(row) has a nested array or object; cells must be plain values")
        }
    }
}
