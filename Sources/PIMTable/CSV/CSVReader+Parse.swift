import Foundation
import Synchronization

extension CSVReader {
    /// The header part of a file: names, tags and where the data starts.
    struct Header {
        var names: [String]
        var tags: [HXLTagSpec?]
        var hxlRow: Int?
        var headerRows: [Int]
        /// Offset of the first data record.
        var dataStart: Int
        /// Physical rows (records and blank lines) before the data.
        var rowsBefore: Int
        var averageRecordBytes: Int
        /// Columns with neither a name nor a tag.
        var unnamed: Set<Int> = []
        /// What the header resolver noticed (see ``HeaderResolver/warnings``).
        var warnings: [ReadWarning] = []
    }

    /// Reads bytes taken as UTF-8.
    /// - Parameter validating: check that the bytes are UTF-8 (the header first, then each slice as it is
    ///   read); `nil` when they are not. (Without it, they are known to be.)
    static func readUTF8(
        _ whole: SharedBytes, fileName: String, options given: CSVReadOptions, encoding: SourceEncoding,
        validating: Bool = false
    ) throws(TableReadError) -> ReadResult? {
        // Excel's `sep=;` first line names the delimiter and is no row of the sheet (QA11 I13): it is skipped, as
        // Excel skips it, and its delimiter is used unless one was given.
        var buffer = whole
        var options = given
        if let (separator, length) = excelSeparatorLine(whole) {
            buffer = SharedBytes(base: whole.base + length, count: whole.count - length, mappedFile: whole.mappedFile)
            if options.delimiter == nil { options.delimiter = separator }
        }
        // The first megabyte (cut at a character's start) is checked before the header is read.
        var start = min(buffer.count, 1 << 20)
        while start > 0 && start < buffer.count && buffer.base[start] & 0xC0 == 0x80 { start -= 1 }
        if validating && !TextDecoding.isValidUTF8(buffer.base, start) { return nil }
        let delimiter = options.delimiter ?? DelimiterSniffer.sniff(buffer.base, count: buffer.count)
        let header: Header
        do {
            header = try readHeader(buffer, fileName: fileName, delimiter: delimiter, options: options)
        } catch {
            // A file that is not UTF-8 is converted first, and its errors are the converted file's.
            if validating && !isValidUTF8(buffer, parallel: options.parallel) { return nil }
            throw error
        }
        if validating && header.dataStart > start
            && !TextDecoding.isValidUTF8(buffer.base + start, header.dataStart - start)
        {
            return nil
        }
        let selected = options.columns.map { wanted in header.names.indices.filter { wanted.contains(header.names[$0]) } }
            ?? Array(header.names.indices)
        guard
            let (pieces, built) = try readData(
                buffer, header: header, fileName: fileName, delimiter: delimiter, options: options, selected: selected,
                validating: validating)
        else { return nil }
        var columns: [Column] = []
        var profiles: [ColumnProfile] = []
        for (b, k) in zip(built, selected) {
            columns.append(Column(name: header.names[k], tag: header.tags[k], data: b.data))
            profiles.append(
                ColumnProfile(
                    name: header.names[k], tag: header.tags[k], inferredType: b.data.type, evidence: b.evidence,
                    nullCount: b.nullCount, distinctCount: b.distinctCount, minimum: b.minimum, maximum: b.maximum))
        }
        let rowCount = pieces.reduce(0) { $0 + $1.rowCount }
        var report = ReadReport(
            fileName: fileName, encoding: encoding, delimiter: delimiter, hxlRow: header.hxlRow,
            headerRows: header.headerRows, firstDataRow: header.rowsBefore + 1, profiles: profiles)
        report.warnings += header.warnings
        var blank: [Int] = []
        var rowOffset = 0
        var padded = 0
        for piece in pieces {
            blank.append(contentsOf: piece.blankBefore.map { $0 + rowOffset })
            rowOffset += piece.rowCount
            padded += piece.padded
        }
        // Blank lines after the last record are not before any row.
        report.blankLinesBefore = blank.filter { $0 < rowCount }
        if padded > 0 { report.warnings.append(.paddedRows(count: padded)) }
        if !blank.isEmpty { report.warnings.append(.skippedBlankLines(count: blank.count)) }
        var result = ReadResult(table: Table(unchecked: columns, rowCount: rowCount), report: report)
        result.dropEmptyColumns(unnamedColumns: Set(header.unnamed.map { header.names[$0] }))
        if options.interpretKobo { result.interpretKobo() }
        return result
    }

    /// `sep=X` and its line end at the start of the bytes: the delimiter X and the line's length.
    static func excelSeparatorLine(_ b: SharedBytes) -> (UInt8, Int)? {
        let p = b.base
        guard b.count >= 6, p[0] | 0x20 == UInt8(ascii: "s"), p[1] | 0x20 == UInt8(ascii: "e"), p[2] | 0x20 == UInt8(ascii: "p"),
            p[3] == UInt8(ascii: "=")
        else { return nil }
        let separator = p[4]
        guard separator != CSVTokenizer.quote, separator >= 0x09, separator < 0x80, separator != 0x0A, separator != 0x0D else { return nil }
        if p[5] == 0x0A { return (separator, 6) }
        if p[5] == 0x0D { return (separator, b.count > 6 && p[6] == 0x0A ? 7 : 6) }
        return nil
    }

    // MARK: - Header

    static func readHeader(_ buffer: SharedBytes, fileName: String, delimiter: UInt8, options: CSVReadOptions)
        throws(TableReadError) -> Header
    {
        let p = buffer.base
        let n = buffer.count
        let searchRows = options.detectHXL ? max(1, options.hxlSearchRows) : 1
        let head = CSVTokenizer.tokenize(
            p, count: n, from: 0, limit: n, delimiter: delimiter, fields: nil, maxRecords: searchRows + 1,
            maxCellBytes: options.maximumCellBytes, allowRagged: true)
        if let f = head.failure {
            // Name the column if the rows before the failure give a header.
            var names: [String] = []
            if head.fieldCounts.count > 0 && f.physicalRow > 0 {
                let before = CSVTokenizer.tokenize(
                    p, count: n, from: 0, limit: n, delimiter: delimiter, fields: nil,
                    maxRecords: head.fieldCounts.count, maxCellBytes: options.maximumCellBytes, allowRagged: true)
                if before.failure == nil, let resolved = try? HeaderResolver(
                    records: headRecords(buffer, before), rowNumbers: before.recordPhysicalRows.map { $0 + 1 },
                    fileName: fileName, detectHXL: options.detectHXL, searchRows: searchRows),
                    resolved.dataRecord <= before.rowCount
                {
                    names = resolved.names
                }
            }
            throw error(f, fileName: fileName, rowsBefore: 0, names: names, limit: options.maximumCellBytes)
        }
        guard head.rowCount > 0 else { throw .emptyFile(file: fileName) }
        let records = headRecords(buffer, head)
        let resolved = try HeaderResolver(
            records: records, rowNumbers: head.recordPhysicalRows.map { $0 + 1 }, fileName: fileName,
            detectHXL: options.detectHXL, searchRows: searchRows)
        let hxl = resolved.hxlRecord
        let dataRecord = resolved.dataRecord
        // Where the data begins: tokenize the header records again, stopping after them.
        // (The hashtag row is at most the last head record, so dataRecord <= head.rowCount.)
        var dataStart = head.stop
        let rowsBefore = head.recordPhysicalRows[dataRecord - 1] + 1
        if dataRecord < head.rowCount {
            let skip = CSVTokenizer.tokenize(
                p, count: n, from: 0, limit: n, delimiter: delimiter, fields: nil, maxRecords: dataRecord,
                maxCellBytes: options.maximumCellBytes, allowRagged: true)
            dataStart = skip.stop
        }
        let headerRows = (0..<(hxl ?? dataRecord)).map { head.recordPhysicalRows[$0] + 1 }
        let average = max(8, head.stop / max(1, head.rowCount))
        return Header(
            names: resolved.names, tags: resolved.tags, hxlRow: hxl.map { head.recordPhysicalRows[$0] + 1 },
            headerRows: headerRows, dataStart: dataStart, rowsBefore: rowsBefore, averageRecordBytes: average,
            unnamed: resolved.unnamed, warnings: resolved.warnings)
    }

    /// The records of a flexible-mode chunk as strings (header cells are few, so strings are fine here).
    static func headRecords(_ buffer: SharedBytes, _ head: TokenChunk) -> [[String]] {
        var records: [[String]] = []
        var offset = 0
        for r in 0..<head.rowCount {
            var cursor = HeadRecordCursor(
                bytes: buffer, chunk: head, firstField: offset, count: head.fieldCounts[r], row: r)
            records.append(cursor.strings())
            offset += head.fieldCounts[r]
        }
        return records
    }

    static func error(_ f: TokenFailure, fileName: String, rowsBefore: Int, names: [String], limit: Int)
        -> TableReadError
    {
        let row = rowsBefore + f.physicalRow + 1
        let column = f.field.flatMap { $0 < names.count ? names[$0] : nil }
        switch f.kind {
        case .unbalancedQuote: return .unbalancedQuote(file: fileName, row: row, column: column)
        case .textAfterClosingQuote: return .textAfterClosingQuote(file: fileName, row: row, column: column)
        case .ragged(let e, let found):
            return .raggedRow(file: fileName, row: row, expected: e, found: found, column: found < names.count ? names[found] : nil)
        case .nulByte: return .nulByte(file: fileName, row: row, column: column)
        case .cellTooLarge:
            return .cellTooLarge(file: fileName, row: row, column: column, limit: limit)
        }
    }

    // MARK: - Data

    /// What the data pieces share.
    struct PieceContext: Sendable {
        let buffer: SharedBytes
        let delimiter: UInt8
        let fields: Int
        let selected: [Int]
        /// Bit f is set when field f's start is kept (see ``CSVBlockTokenizer``).
        let keep: UInt64
        let options: CSVReadOptions
        let averageRecordBytes: Int
        /// Check that each slice is UTF-8.
        let validating: Bool
        /// Set by the first piece that finds bytes that are not UTF-8, so that the others stop.
        let notUTF8 = Flag()

        /// The block tokenizer keeps only the starts of the selected fields and of their successors (which
        /// give their ends); the others are still scanned and checked.
        static func keepMask(fields: Int, selected: [Int]) -> UInt64 {
            fields > 64 ? ~0 : selected.reduce(0) { mask, c in
                mask | 1 << UInt64(c) | (c + 1 < fields ? 1 << UInt64(c + 1) : 0)
            }
        }

        /// The same reading of the same bytes, building only the selected columns at `indices` (positions
        /// in `selected`), which the pieces' parts then list in that order.
        func narrowed(to indices: [Int]) -> PieceContext {
            let columns = indices.map { selected[$0] }
            return PieceContext(
                buffer: buffer, delimiter: delimiter, fields: fields, selected: columns,
                keep: Self.keepMask(fields: fields, selected: columns), options: options,
                averageRecordBytes: averageRecordBytes, validating: false)
        }
    }

    /// A flag any thread may set.
    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .relaxed) }
        func set() { value.store(true, ordering: .relaxed) }
    }

    /// One piece of the data: its records' counts and a part of each selected column.
    struct Piece: Sendable {
        var base: Int
        /// Offset of the first byte after the piece's records.
        var stop: Int
        var rowCount = 0
        var physicalRows = 0
        /// Piece-local record indices before which a blank line was skipped.
        var blankBefore: [Int] = []
        var padded = 0
        var failure: TokenFailure?
        /// A slice was not UTF-8 (the piece stopped there).
        var invalidUTF8 = false
        /// Physical rows of the piece before the slice that failed.
        var physicalRowsBeforeFailure = 0
        var parts: [ColumnPart] = []
    }

    /// Tokenizes the data and builds the selected columns.
    ///
    /// The data is cut into pieces (more than threads, so that a thread the machine leaves waiting does
    /// not hold up the other, which takes the remaining pieces); each piece is read a slice of a few
    /// hundred kilobytes at a time: the slice is tokenized, then its rows are added to every column
    /// while its bytes are still in the processor's cache. The pieces' parts of each column are joined
    /// at the end (a piece whose type for a column differs from the joined type is built again).
    static func readData(
        _ buffer: SharedBytes, header: Header, fileName: String, delimiter: UInt8, options: CSVReadOptions,
        selected: [Int], validating: Bool
    ) throws(TableReadError) -> (pieces: [Piece], columns: [InferredColumn])? {
        let p = buffer.base
        let n = buffer.count
        let fields = header.names.count
        let start = header.dataStart
        // Offsets are 32-bit and relative to a slice's start, and slices are small; pieces only share work.
        let count = options.parallel && n - start > 1 << 22 ? 8 : 1
        var bounds: [Int] = [start]
        for k in 1..<max(1, count) {
            let guess = start + (n - start) / count * k
            if let b = CSVTokenizer.guessRecordStart(p, count: n, after: guess), b > bounds[bounds.count - 1] {
                bounds.append(b)
            }
        }
        bounds.append(n)
        let context = PieceContext(
            buffer: buffer, delimiter: delimiter, fields: fields, selected: selected,
            keep: PieceContext.keepMask(fields: fields, selected: selected), options: options,
            averageRecordBytes: header.averageRecordBytes, validating: validating)
        var pieces: [Piece]
        if bounds.count > 2 {
            let slots = ParallelSlots<Piece>(count: bounds.count - 1)
            let b = bounds
            // Each thread carries its text dictionaries from piece to piece (values recur across the file),
            // and reads a run of consecutive pieces: the first thread's dictionaries are then already coded
            // in order of first appearance in the file, and the join keeps them as they are. A thread that
            // finishes first takes pieces from the end of the other's run, each with a dictionary of its
            // own, which the join adds in file order like another thread's.
            let threads = 2
            let carried = (0..<threads).map { _ in selected.map { _ in DictionaryBox() } }
            let runs = ParallelWork.runs(b.count - 1, threads: threads)
            ParallelWork.forEachInRuns(b.count - 1, threads: threads) { k, worker in
                let dictionaries = runs[worker].contains(k) ? carried[worker] : nil
                slots.set(k, readPiece(context, from: b[k], limit: b[k + 1], types: nil, carrying: dictionaries))
            }
            pieces = slots.values.compactMap { $0 }
        } else {
            pieces = [readPiece(context, from: start, limit: n, types: nil)]
        }
        // Keep pieces only while each starts where the previous one stopped; otherwise read it again from
        // there (the guessed split fell inside a quoted field).
        var rowsBefore = header.rowsBefore
        var k = 0
        while k < pieces.count {
            if pieces[k].invalidUTF8 { return nil }
            if k > 0 && pieces[k].base != pieces[k - 1].stop {
                let from = pieces[k - 1].stop
                let limit = k + 1 < pieces.count ? pieces[k + 1].base : n
                pieces[k] = readPiece(context, from: from, limit: max(from, limit), types: nil)
                if pieces[k].invalidUTF8 { return nil }
            }
            if let f = pieces[k].failure {
                // A file that is not UTF-8 is converted first, and its errors are the converted file's.
                if validating && !isValidUTF8(buffer, parallel: options.parallel) { return nil }
                throw error(
                    f, fileName: fileName, rowsBefore: rowsBefore + pieces[k].physicalRowsBeforeFailure,
                    names: header.names, limit: options.maximumCellBytes)
            }
            rowsBefore += pieces[k].physicalRows
            k += 1
        }
        // One type per column: a piece that built a column as a narrower type builds that column again
        // (only that one: a single odd value in a large file must not make the whole file be read twice).
        let types = selected.indices.map { c in ColumnPart.joinedType(pieces.map { $0.parts[c].type }) }
        let again = pieces.indices.compactMap { k -> (piece: Int, columns: [Int])? in
            let columns = selected.indices.filter { c in pieces[k].parts[c].type.map { $0 != types[c] } ?? false }
            return columns.isEmpty ? nil : (k, columns)
        }
        if !again.isEmpty {
            let slots = ParallelSlots<Piece>(count: again.count)
            let bases = again.map { pieces[$0.piece].base }
            let stops = again.map { pieces[$0.piece].stop }
            let columns = again.map(\.columns)
            ParallelWork.forEach(again.count, threads: options.parallel ? 2 : 1) { i in
                slots.set(
                    i,
                    readPiece(
                        context.narrowed(to: columns[i]), from: bases[i], limit: stops[i],
                        types: columns[i].map { types[$0] }))
            }
            for (i, (k, list)) in again.enumerated() {
                guard let piece = slots.values[i] else { continue }
                for (j, c) in list.enumerated() { pieces[k].parts[c] = piece.parts[j] }
            }
        }
        // Join the parts, columns split between two threads, the largest first. Each column's parts are
        // handed over (not shared), so that their memory is freed as they are joined.
        let parts = ParallelSlots<[ColumnPart]>(count: selected.count)
        var sizes = [Int](repeating: 0, count: selected.count)
        for c in selected.indices {
            var list: [ColumnPart] = []
            for k in pieces.indices {
                list.append(pieces[k].parts[c])
                sizes[c] += pieces[k].parts[c].mergeCost
            }
            parts.set(c, list)
        }
        for k in pieces.indices { pieces[k].parts = [] }
        let order = selected.indices.sorted { sizes[$0] > sizes[$1] }
        let columnSlots = ParallelSlots<InferredColumn>(count: selected.count)
        let inferTypes = options.inferTypes
        ParallelWork.forEach(selected.count, threads: options.parallel && pieces.count > 1 ? 2 : 1) { i in
            let c = order[i]
            columnSlots.set(c, ColumnPart.merge(parts.take(c) ?? [], inferTypes: inferTypes))
        }
        let columns = columnSlots.values.compactMap { $0 }
        return (pieces, columns)
    }

    /// Reads the records that start in `from..<limit`, building the selected columns (starting as
    /// `types` when given) a slice at a time. Stops at the first slice that fails.
    /// - Parameter carrying: a dictionary for each selected column to go on with and hand back (whatever
    ///   happens), which the text parts then share.
    static func readPiece(
        _ context: PieceContext, from: Int, limit: Int, types: [ColumnType?]?, carrying: [DictionaryBox]? = nil
    ) -> Piece {
        let sliceBytes = 1 << 18
        let n = context.buffer.count
        let options = context.options
        var piece = Piece(base: from, stop: from)
        var average = max(1, context.averageRecordBytes)
        // The builders are sized once the first slice has given the piece's bytes per record (the
        // header's few rows are a poor guide, and the arrays are filled when made); they grow if needed.
        var builders: [ColumnBuilder] = []
        defer {
            // The dictionaries go back to the thread's boxes, also when the piece stops early.
            if let carrying {
                for k in builders.indices { carrying[k].dictionary = builders[k].takeDictionary() }
            }
        }
        func makeBuilders(expected: Int) -> [ColumnBuilder] {
            context.selected.indices.map { k in
                ColumnBuilder(
                    rows: expected, inferTypes: options.inferTypes, formulaGuards: true, type: types?[k] ?? nil,
                    carrying: carrying?[k].take())
            }
        }
        // Only the current slice's tokens are kept (their memory is then reused from slice to slice);
        // the earlier slices' bounds are kept, to tokenize them again if a column's type widens.
        var spans: [(position: Int, limit: Int, reserve: Int)] = []
        var rows = 0
        var position = from
        var released = from
        while position < limit {
            let sliceLimit = min(limit, position + sliceBytes)
            let reserve = (sliceLimit - position) / average * 11 / 10 + 16
            let slice = tokenizeSlice(context, from: position, limit: sliceLimit, reserve: reserve)
            if context.validating
                && (context.notUTF8.isSet
                    || !TextDecoding.isValidUTF8(context.buffer.base + position, max(0, min(n, slice.stop) - position)))
            {
                // (The other pieces stop too: the whole file is read again, converted.)
                context.notUTF8.set()
                piece.invalidUTF8 = true
                return piece
            }
            if let f = slice.failure {
                piece.failure = f
                piece.physicalRowsBeforeFailure = piece.physicalRows
                piece.stop = slice.stop
                return piece
            }
            piece.blankBefore.append(contentsOf: slice.blankBefore.map { $0 + rows })
            piece.physicalRows += slice.physicalRows
            piece.padded += slice.padded
            if builders.isEmpty {
                if slice.rowCount > 0 { average = max(1, (slice.stop - position) / slice.rowCount) }
                builders = makeBuilders(expected: (limit - from) / average * 11 / 10 + 16)
            }
            let first = rows
            rows += slice.rowCount
            if slice.rowCount > 0 {
                let before = spans
                let earlier = EarlierTokens {
                    before.map { tokenizeSlice(context, from: $0.position, limit: $0.limit, reserve: $0.reserve) }
                }
                for k in builders.indices {
                    builders[k].reserveRows(rows)
                    var cursor = CSVColumnCursor(
                        bytes: context.buffer, chunks: [slice], column: context.selected[k], fields: context.fields,
                        firstRow: first, earlier: earlier)
                    builders[k].consume(&cursor, upTo: rows)
                }
            }
            spans.append((position, sliceLimit, reserve))
            position = slice.stop
            // The bytes read are in the columns now: handed back a few megabytes at a time (each call
            // makes the kernel interrupt the other thread to flush its address cache).
            if position - released >= 1 << 23 {
                context.buffer.release(released..<position)
                released = position
            }
        }
        context.buffer.release(released..<position)
        piece.stop = position
        piece.rowCount = rows
        if builders.isEmpty { builders = makeBuilders(expected: 0) }
        piece.parts = builders.indices.map { k in
            var part = builders[k].part()
            part.shared = carrying?[k]
            return part
        }
        return piece
    }

    /// Tokenizes the records that start in `from..<limit`. The block tokenizer takes regular input;
    /// anything else goes to the scalar one, which finds the same records or reports the located error.
    static func tokenizeSlice(_ context: PieceContext, from: Int, limit: Int, reserve: Int) -> TokenChunk {
        let options = context.options
        let n = context.buffer.count
        return CSVBlockTokenizer.tokenize(
            context.buffer.base, count: n, from: from, limit: limit, delimiter: context.delimiter,
            fields: context.fields, maxCellBytes: options.maximumCellBytes, reserveRows: reserve, keep: context.keep)
            ?? CSVTokenizer.tokenize(
                context.buffer.base, count: n, from: from, limit: limit, delimiter: context.delimiter,
                fields: context.fields, maxCellBytes: options.maximumCellBytes, allowRagged: options.allowRagged,
                reserveRows: reserve)
    }
}

/// Cells of one header record as strings, with the formula guard removed.
struct HeadRecordCursor {
    let bytes: SharedBytes
    let chunk: TokenChunk
    let firstField: Int
    let count: Int
    let row: Int

    mutating func strings() -> [String] {
        var out: [String] = []
        let scratch = ScratchBuffer()
        for k in 0..<count {
            let s = chunk.base + Int(chunk.starts[firstField + k])
            let e = k + 1 < count ? chunk.base + Int(chunk.starts[firstField + k + 1]) - 1 : chunk.base + Int(chunk.ends[row])
            guard e > s else {
                out.append("")
                continue
            }
            var q = bytes.base + s
            var len = e - s
            if q[0] == CSVTokenizer.quote {
                q += 1
                len -= 2
                scratch.reserve(max(1, len))
                var w = 0
                var i = 0
                while i < len {
                    scratch.pointer[w] = q[i]
                    w += 1
                    i += q[i] == CSVTokenizer.quote ? 2 : 1
                }
                q = UnsafePointer(scratch.pointer)
                len = w
            }
            if FormulaGuard.isGuarded(q, len) {
                q += 1
                len -= 1
            }
            out.append(String(decoding: UnsafeBufferPointer(start: q, count: max(0, len)), as: UTF8.self))
        }
        return out
    }
}
