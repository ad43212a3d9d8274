import Foundation

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
    }

    static func readUTF8(_ buffer: SharedBytes, fileName: String, options: CSVReadOptions, encoding: SourceEncoding)
        throws(TableReadError) -> ReadResult
    {
        let delimiter = options.delimiter ?? DelimiterSniffer.sniff(buffer.base, count: buffer.count)
        let header = try readHeader(buffer, fileName: fileName, delimiter: delimiter, options: options)
        let selected = options.columns.map { wanted in header.names.indices.filter { wanted.contains(header.names[$0]) } }
            ?? Array(header.names.indices)
        let chunks = try tokenizeData(
            buffer, header: header, fileName: fileName, delimiter: delimiter, options: options, selected: selected)
        let built = buildColumns(buffer, chunks: chunks, fields: header.names.count, selected: selected, options: options)
        var columns: [Column] = []
        var profiles: [ColumnProfile] = []
        for (b, k) in zip(built, selected) {
            columns.append(Column(name: header.names[k], tag: header.tags[k], data: b.data))
            profiles.append(
                ColumnProfile(
                    name: header.names[k], tag: header.tags[k], inferredType: b.data.type, evidence: b.evidence,
                    nullCount: b.nullCount, distinctCount: b.distinctCount, minimum: b.minimum, maximum: b.maximum))
        }
        let rowCount = chunks.reduce(0) { $0 + $1.rowCount }
        var report = ReadReport(
            fileName: fileName, encoding: encoding, delimiter: delimiter, hxlRow: header.hxlRow,
            headerRows: header.headerRows, firstDataRow: header.rowsBefore + 1, profiles: profiles)
        var blank: [Int] = []
        var rowOffset = 0
        var padded = 0
        for c in chunks {
            blank.append(contentsOf: c.blankBefore.map { $0 + rowOffset })
            rowOffset += c.rowCount
            padded += c.padded
        }
        // Blank lines after the last record are not before any row.
        report.blankLinesBefore = blank.filter { $0 < rowCount }
        if padded > 0 { report.warnings.append(.paddedRows(count: padded)) }
        if !blank.isEmpty { report.warnings.append(.skippedBlankLines(count: blank.count)) }
        var table = Table(unchecked: columns, rowCount: rowCount)
        if options.interpretKobo, let kobo = KoboExportInfo.detect(in: table) {
            table = kobo.apply(to: table)
            for (k, c) in table.columns.enumerated() { report.profiles[k].name = c.name }
            report.kobo = kobo
            if !kobo.keptGroupPaths.isEmpty { report.warnings.append(.keptGroupPaths(columns: kobo.keptGroupPaths)) }
        }
        return ReadResult(table: table, report: report)
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
            headerRows: headerRows, dataStart: dataStart, rowsBefore: rowsBefore, averageRecordBytes: average)
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
        case .ragged(let e, let found): return .raggedRow(file: fileName, row: row, expected: e, found: found)
        case .nulByte: return .nulByte(file: fileName, row: row, column: column)
        case .cellTooLarge:
            return .cellTooLarge(file: fileName, row: row, column: column, limit: limit)
        }
    }

    // MARK: - Data

    static func tokenizeData(
        _ buffer: SharedBytes, header: Header, fileName: String, delimiter: UInt8, options: CSVReadOptions,
        selected: [Int]
    ) throws(TableReadError) -> [TokenChunk] {
        let p = buffer.base
        let n = buffer.count
        let fields = header.names.count
        let start = header.dataStart
        // Offsets are 32-bit and relative to a chunk's start, so chunks stay under 2 GiB.
        let maxChunk = 1 << 31
        // On large inputs, more pieces than threads: a thread the machine leaves waiting does not hold
        // up the other, which takes the remaining pieces.
        let pieces = options.parallel && n - start > 1 << 22 ? max(8, (n - start) / maxChunk + 1) : max(1, (n - start) / maxChunk + 1)
        var bounds: [Int] = [start]
        for k in 1..<pieces {
            let guess = start + (n - start) / pieces * k
            if let b = CSVTokenizer.guessRecordStart(p, count: n, after: guess), b > bounds[bounds.count - 1] {
                bounds.append(b)
            }
        }
        bounds.append(n)
        // The block tokenizer keeps only the starts of the selected fields and of their successors (which
        // give their ends); the others are still scanned and checked.
        let keep: UInt64 = fields > 64 ? ~0 : selected.reduce(0) { mask, c in
            mask | 1 << UInt64(c) | (c + 1 < fields ? 1 << UInt64(c + 1) : 0)
        }
        let reservePerPiece = (n - start) / header.averageRecordBytes / (bounds.count - 1) * 11 / 10 + 16
        @Sendable func run(_ from: Int, _ limit: Int) -> TokenChunk {
            // The block tokenizer takes regular input; anything else goes to the scalar one, which finds
            // the same records or reports the located error.
            if let chunk = CSVBlockTokenizer.tokenize(
                buffer.base, count: n, from: from, limit: limit, delimiter: delimiter, fields: fields,
                maxCellBytes: options.maximumCellBytes, reserveRows: reservePerPiece, keep: keep)
            {
                return chunk
            }
            return CSVTokenizer.tokenize(
                buffer.base, count: n, from: from, limit: limit, delimiter: delimiter, fields: fields,
                maxCellBytes: options.maximumCellBytes, allowRagged: options.allowRagged, reserveRows: reservePerPiece)
        }
        var chunks: [TokenChunk]
        if bounds.count > 2 {
            let slots = ParallelSlots<TokenChunk>(count: bounds.count - 1)
            let b = bounds
            ParallelWork.forEach(b.count - 1, threads: 2) { k in slots.set(k, run(b[k], b[k + 1])) }
            chunks = slots.values.compactMap { $0 }
        } else {
            chunks = [run(start, n)]
        }
        // Keep chunks only while each starts where the previous one stopped; otherwise redo it from there
        // (the guessed split fell inside a quoted field).
        var rowsBefore = header.rowsBefore
        var k = 0
        while k < chunks.count {
            if k > 0 && chunks[k].base != chunks[k - 1].stop {
                let from = chunks[k - 1].stop
                let limit = k + 1 < chunks.count ? chunks[k + 1].base : n
                chunks[k] = from >= limit ? TokenChunk(base: from, stop: from) : run(from, limit)
                if from >= limit { chunks[k].stop = from }
            }
            if let f = chunks[k].failure {
                throw error(
                    f, fileName: fileName, rowsBefore: rowsBefore, names: header.names, limit: options.maximumCellBytes)
            }
            rowsBefore += chunks[k].physicalRows
            k += 1
        }
        return chunks
    }

    /// Builds the columns a block of rows at a time, so that each block's bytes are read from memory
    /// once for all columns; on large inputs the columns are split between two threads.
    static func buildColumns(
        _ buffer: SharedBytes, chunks: [TokenChunk], fields: Int, selected: [Int], options: CSVReadOptions
    ) -> [InferredColumn] {
        let rows = chunks.reduce(0) { $0 + $1.rowCount }
        let block = 2048
        @Sendable func build(_ columns: [Int]) -> [InferredColumn] {
            var cursors = columns.map { CSVColumnCursor(bytes: buffer, chunks: chunks, column: $0, fields: fields) }
            var builders = columns.map { _ in
                ColumnBuilder(rows: rows, inferTypes: options.inferTypes, formulaGuards: true)
            }
            var r = 0
            while r < rows {
                let end = min(rows, r + block)
                for k in builders.indices { builders[k].consume(&cursors[k], upTo: end) }
                r = end
            }
            return builders.map { $0.finish() }
        }
        guard options.parallel && rows * selected.count > 100_000 && selected.count > 1 else { return build(selected) }
        // Split the columns into four groups by estimated cost (largest first, each to the lightest group);
        // two threads take the groups heaviest first, so that one left waiting by a busy machine does not
        // hold up the other. Within a group the columns are built together a block of rows at a time.
        let costs = estimatedCosts(buffer, chunks: chunks, fields: fields, selected: selected)
        let groupCount = min(4, selected.count)
        var sets = [[Int]](repeating: [], count: groupCount)
        var load = [Double](repeating: 0, count: groupCount)
        for c in selected.sorted(by: { costs[$0] > costs[$1] }) {
            let k = load.indices.min { load[$0] < load[$1] } ?? 0
            sets[k].append(c)
            load[k] += costs[c]
        }
        let work = sets.indices.sorted { load[$0] > load[$1] }.map { sets[$0] }
        let slots = ParallelSlots<[InferredColumn]>(count: work.count)
        ParallelWork.forEach(work.count, threads: 2) { k in slots.set(k, build(work[k])) }
        let results = slots.values.map { $0 ?? [] }
        var out = [InferredColumn?](repeating: nil, count: fields)
        for k in work.indices {
            for (i, c) in work[k].enumerated() where i < results[k].count { out[c] = results[k][i] }
        }
        return selected.compactMap { out[$0] }
    }

    /// A rough cost per column from its first rows: bytes per cell, plus a lot for columns whose values
    /// are nearly all distinct (each is a dictionary insertion that misses the cache) unless they come
    /// in sorted order (see ``ByteDictionary``).
    static func estimatedCosts(_ buffer: SharedBytes, chunks: [TokenChunk], fields: Int, selected: [Int]) -> [Double] {
        guard let first = chunks.first else { return Array(repeating: 1, count: fields) }
        let sample = min(first.rowCount, 4096)
        guard sample > 0 else { return Array(repeating: 1, count: fields) }
        let wanted = Set(selected)
        return (0..<fields).map { c in
            guard wanted.contains(c) else { return 1 }
            var cursor = CSVColumnCursor(bytes: buffer, chunks: [first], column: c, fields: fields)
            var dictionary = ByteDictionary()
            var bytes = 0
            for _ in 0..<sample {
                let (p, n) = cursor.next()
                bytes += n
                if n > 0 { _ = dictionary.code(p, n) }
            }
            let distinctRatio = dictionary.isOrdered ? 0 : Double(dictionary.count) / Double(sample)
            return 8 + Double(bytes) / Double(sample) / 2 + 100 * distinctRatio * distinctRatio
        }
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
