/// Builds typed tables from cells that are already strings: JSON arrays, XLSX sheets, web forms.
///
/// It applies the same rules as ``CSVReader``: header and HXL hashtag rows among the first rows, type
/// inference per column with its evidence, and Kobo recognition.
public enum TableAssembler {
    /// Builds a table from rows of cells (`nil` or `""` is empty), the first rows being headers.
    ///
    /// A row with a non-empty cell beyond the header is an error. Short rows are padded with nulls (a
    /// spreadsheet leaves out trailing empty cells) unless `shortRows` is `.refused`.
    /// - Parameters:
    ///   - rowNumbers: each row's 1-based number as the user sees it (default: position + 1).
    ///   - formulaGuards: remove ``FormulaGuard`` quotes (true for spreadsheets, false for JSON).
    ///   - shortRows: what a data row with fewer cells than the header gets: padded silently (sheets,
    ///     forms), padded and counted in a warning, or refused (JSON rows, where every row lists its values).
    /// - Throws: ``TableReadError`` for empty input, bad hashtag rows, duplicate names and ragged rows.
    public static func assemble(
        rows: [[String?]], fileName: String, rowNumbers: [Int]? = nil, options: CSVReadOptions = .init(),
        formulaGuards: Bool = true, encoding: SourceEncoding = .utf8, shortRows: ShortRows = .padded
    ) throws(TableReadError) -> ReadResult {
        let numbers = rowNumbers ?? Array(1...max(1, rows.count))
        guard !rows.isEmpty else { throw .emptyFile(file: fileName) }
        let searchRows = options.detectHXL ? max(1, options.hxlSearchRows) : 1
        let head = rows.prefix(searchRows + 1).map { row in
            row.map { cell -> String in
                guard let cell else { return "" }
                return formulaGuards ? FormulaGuard.unguarded(cell) : cell
            }
        }
        let resolved = try HeaderResolver(
            records: head, rowNumbers: numbers, fileName: fileName, detectHXL: options.detectHXL,
            searchRows: searchRows)
        let fields = resolved.names.count
        let data = rows.count > resolved.dataRecord ? Array(rows[resolved.dataRecord...]) : []
        var columnsCells = Array(repeating: [String?](), count: fields)
        for k in 0..<fields { columnsCells[k].reserveCapacity(data.count) }
        var padded = 0
        for (r, row) in data.enumerated() {
            if row.count > fields, row[fields...].contains(where: { !($0 ?? "").isEmpty }) {
                throw .raggedRow(
                    file: fileName, row: numbers[resolved.dataRecord + r], expected: fields, found: row.count)
            }
            if row.count < fields {
                switch shortRows {
                case .padded: break
                case .paddedAndCounted: padded += 1
                case .refused:
                    throw .raggedRow(
                        file: fileName, row: numbers[resolved.dataRecord + r], expected: fields, found: row.count,
                        column: resolved.names[row.count])
                }
            }
            for k in 0..<fields { columnsCells[k].append(k < row.count ? row[k] : nil) }
        }
        var columns: [Column] = []
        var profiles: [ColumnProfile] = []
        for k in 0..<fields {
            let (c, p) = inferColumn(
                name: resolved.names[k], tag: resolved.tags[k], cells: columnsCells[k], inferTypes: options.inferTypes,
                formulaGuards: formulaGuards)
            columns.append(c)
            profiles.append(p)
        }
        let table = Table(unchecked: columns, rowCount: data.count)
        let report = ReadReport(
            fileName: fileName, encoding: encoding, hxlRow: resolved.hxlRecord.map { numbers[$0] },
            headerRows: (0..<(resolved.hxlRecord ?? resolved.dataRecord)).map { numbers[$0] },
            firstDataRow: resolved.dataRecord < numbers.count ? numbers[resolved.dataRecord] : numbers[numbers.count - 1] + 1,
            profiles: profiles)
        var result = ReadResult(table: table, report: report)
        result.report.warnings += resolved.warnings
        if padded > 0 { result.report.warnings.append(.paddedRows(count: padded)) }
        if options.interpretKobo { result.interpretKobo() }
        return result
    }

    /// What ``assemble(rows:fileName:rowNumbers:options:formulaGuards:encoding:shortRows:)`` does with a
    /// data row that has fewer cells than the header.
    public enum ShortRows: Sendable {
        /// Padded with nulls, silently (spreadsheets leave trailing empty cells out).
        case padded
        /// Padded with nulls, and counted in a ``ReadWarning/paddedRows(count:)`` warning.
        case paddedAndCounted
        /// Refused with ``TableReadError/raggedRow(file:row:expected:found:)``.
        case refused
    }

    /// Infers one column's type from its cells and builds it, with its profile.
    public static func inferColumn(
        name: String, tag: HXLTagSpec? = nil, cells: [String?], inferTypes: Bool = true, formulaGuards: Bool = true
    ) -> (Column, ColumnProfile) {
        var cursor = StringCellCursor(cells: cells)
        let b = ColumnInference.build(&cursor, inferTypes: inferTypes, formulaGuards: formulaGuards)
        return (
            Column(name: name, tag: tag, data: b.data),
            ColumnProfile(
                name: name, tag: tag, inferredType: b.data.type, evidence: b.evidence, nullCount: b.nullCount,
                distinctCount: b.distinctCount, minimum: b.minimum, maximum: b.maximum)
        )
    }
}

/// Bytes owned by a class so that pointers into them stay valid while it lives.
final class ByteArena {
    let pointer: UnsafeMutablePointer<UInt8>

    init(_ bytes: [UInt8]) {
        pointer = .allocate(capacity: max(1, bytes.count))
        bytes.withUnsafeBufferPointer { b in
            if let base = b.baseAddress { pointer.initialize(from: base, count: b.count) }
        }
    }

    deinit { pointer.deallocate() }
}

/// Cells held as strings, copied once into one byte arena.
struct StringCellCursor: CellCursor {
    private let arena: ByteArena
    private let offsets: [Int]
    private var row = 0
    let rowCount: Int

    init(cells: [String?]) {
        var bytes: [UInt8] = []
        var offsets = [0]
        offsets.reserveCapacity(cells.count + 1)
        for c in cells {
            if let c { bytes.append(contentsOf: c.utf8) }
            offsets.append(bytes.count)
        }
        arena = ByteArena(bytes)
        self.offsets = offsets
        rowCount = cells.count
    }

    var pointsIntoScratch: Bool { false }

    mutating func seek(_ target: Int) { row = target }

    mutating func next() -> (UnsafePointer<UInt8>, Int) {
        let s = offsets[row]
        let e = offsets[row + 1]
        row += 1
        return (UnsafePointer(arena.pointer + s), e - s)
    }
}
