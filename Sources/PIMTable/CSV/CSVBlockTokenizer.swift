import CPIMSIMD

/// A tokenizer that classifies 64 bytes per step (SIMD compares into bitmasks, quoted regions by a
/// prefix XOR of the quote mask, as simdjson and simdcsv do) and then visits only the delimiters and
/// line ends outside quotes.
///
/// It handles the regular case only: a fixed number of fields per record, every quote either opening a
/// field, closing it (followed by a delimiter, a line end or the end of input) or doubled inside it, no
/// NUL byte and no cell above the size limit in the bytes it looked at. On anything else it returns
/// `nil`, and the caller runs the scalar ``CSVTokenizer/tokenize(_:count:from:limit:delimiter:fields:maxRecords:maxCellBytes:allowRagged:reserveRows:)``,
/// which then finds the same records or reports the located error. When it returns a chunk, that chunk
/// equals the scalar tokenizer's (tested on random inputs).
enum CSVBlockTokenizer {
    /// The records of `p[start..<n]` that start before `limit`, or `nil` when the input is not regular.
    static func tokenize(
        _ p: UnsafePointer<UInt8>, count n: Int, from start: Int, limit: Int, delimiter: UInt8, fields ncol: Int,
        maxCellBytes: Int, reserveRows: Int = 0, keep: UInt64 = ~0
    ) -> TokenChunk? {
        let quote = CSVTokenizer.quote
        let lf = CSVTokenizer.lf
        let cr = CSVTokenizer.cr
        // `keep`: bit f is set when field f's start is wanted (only fields up to 64 can be left out).
        let keepAll = ncol > 64 || keep | (ncol == 64 ? 0 : ~((UInt64(1) << UInt64(ncol)) &- 1)) == ~0
        guard ncol > 0, delimiter != quote, delimiter != lf, delimiter != cr, delimiter != 0 else { return nil }
        var chunk = TokenChunk(base: start, stop: start)
        if !keepAll { chunk.stored = (0..<ncol).filter { (keep >> UInt64($0)) & 1 != 0 } }
        guard start < n && start < limit else { return chunk }
        let stride = chunk.stored?.count ?? ncol
        if reserveRows > 0 {
            chunk.starts = OffsetBuffer(capacity: reserveRows * stride)
            chunk.ends = OffsetBuffer(capacity: reserveRows)
        }
        let base = start
        let startsBuffer = chunk.starts
        let endsBuffer = chunk.ends
        var starts = startsBuffer.pointer
        var startCount = 0
        var startCapacity = startsBuffer.capacity
        var ends = endsBuffer.pointer
        var endCount = 0
        var endCapacity = endsBuffer.capacity
        var rows = 0
        var physical = 0
        var blankBefore: [Int] = []

        // Scanning state carried between blocks.
        var insideQuotes: UInt64 = 0  // all ones while the previous block ended inside quotes
        var previousSeparator: UInt64 = 1  // 1 when the byte before the block ends a field (or is none)
        var previousClose: UInt64 = 0  // 1 when the block's last byte was a closing quote
        var previousCR: UInt64 = 0  // 1 when the block's last byte was a CR outside quotes
        // Record state.
        var recordStart = start
        var fieldStart = start
        var col = 0
        var stopped = false
        // Where the current record's starts begin (a blank line takes its record's starts back).
        var recordFirst = 0
        let keepFirst = keepAll || keep & 1 != 0
        if keepFirst {
            starts[0] = 0
            startCount = 1
        }

        let tail = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
        defer { tail.deallocate() }
        // Full blocks are classified a batch at a time (AVX2 when the processor has it).
        let batch = 32
        let masks = UnsafeMutablePointer<pim_csv_masks>.allocate(capacity: batch)
        defer { masks.deallocate() }
        var batched = 0
        var batchIndex = 0
        var blockStart = start
        while blockStart < n && !stopped {
            let available = n - blockStart
            var m: pim_csv_masks
            var valid: UInt64 = ~0
            if available >= 64 {
                if batchIndex == batched {
                    batched = min(batch, available / 64)
                    batchIndex = 0
                    pim_csv_classify_blocks(p + blockStart, batched, delimiter, masks)
                }
                m = masks[batchIndex]
                batchIndex &+= 1
            } else {
                // The last partial block: copy it into zeroed space and ignore the bytes past the end.
                valid = (UInt64(1) << UInt64(available)) &- 1
                tail.initialize(repeating: 0, count: 64)
                tail.update(from: p + blockStart, count: available)
                m = pim_csv_classify64(tail, delimiter)
                m.quote &= valid
                m.delimiter &= valid
                m.lf &= valid
                m.cr &= valid
                m.nul &= valid
            }
            if m.nul != 0 { return nil }
            // Quoted regions: from an opening quote up to (not including) its closing quote.
            var r = m.quote
            r ^= r << 1
            r ^= r << 2
            r ^= r << 4
            r ^= r << 8
            r ^= r << 16
            r ^= r << 32
            r ^= insideQuotes
            let opening = m.quote & r
            let closing = m.quote & ~r
            let crBits = m.cr & ~r
            let lfBits = m.lf & ~r
            let separators = (m.delimiter | lfBits | crBits) & ~r
            // Field starts: the block start after a separator, and every byte after a separator.
            let fieldStarts = (separators << 1) | previousSeparator
            // Every opening quote starts a field or follows a closing quote (a doubled quote).
            let afterClose = (closing << 1) | previousClose
            if opening & ~fieldStarts & ~afterClose != 0 { return nil }
            // A closing quote in the previous block's last byte needs a quote or separator here.
            let follow = m.quote | m.delimiter | m.lf | m.cr | ~valid
            if previousClose != 0 && follow & 1 == 0 { return nil }
            // Every closing quote is followed by a quote, a separator or the end of input.
            if closing & ~(follow >> 1) & ~(UInt64(1) << 63) != 0 { return nil }
            // The LF of a CRLF does not end another record.
            let crlfLF = lfBits & ((crBits << 1) | previousCR)
            var bits = separators & ~crlfLF

            insideQuotes = UInt64(bitPattern: Int64(bitPattern: r) >> 63)
            previousSeparator = separators >> 63
            previousClose = closing >> 63
            previousCR = crBits >> 63
            let delimiters = m.delimiter

            // No cell in this block can be over the size limit when even the one open at its start,
            // ending at its last byte, is not: then the sizes need no check per cell.
            let checkSizes = blockStart &+ 64 &- fieldStart > maxCellBytes
            // Room for every field start this block can add (at most one per bit).
            while startCount &+ 65 > startCapacity {
                starts = startsBuffer.grow(keeping: startCount)
                startCapacity = startsBuffer.capacity
            }
            var lineEnds = bits & ~delimiters
            while bits != 0 {
                // The delimiters before the next line end (or all that are left): one start each.
                let cut: UInt64 = lineEnds == 0 ? ~0 : (lineEnds & (0 &- lineEnds)) &- 1
                var run = bits & cut
                if run != 0 {
                    if checkSizes {
                        var check = run
                        var from = fieldStart
                        while check != 0 {
                            let pos = blockStart &+ check.trailingZeroBitCount
                            check &= check &- 1
                            if pos &- from > maxCellBytes { return nil }
                            from = pos &+ 1
                        }
                    }
                    fieldStart = blockStart &+ (64 &- run.leadingZeroBitCount)
                    let offset = blockStart &+ 1 &- base
                    if keepAll {
                        let before = startCount
                        while run != 0 {
                            starts[startCount] = UInt32(truncatingIfNeeded: offset &+ run.trailingZeroBitCount)
                            startCount &+= 1
                            run &= run &- 1
                        }
                        col &+= startCount &- before
                    } else {
                        // Every start is written; only kept ones are counted (no branch per field).
                        while run != 0 {
                            col &+= 1
                            starts[startCount] = UInt32(truncatingIfNeeded: offset &+ run.trailingZeroBitCount)
                            startCount &+= Int(truncatingIfNeeded: (keep >> UInt64(col & 63)) & 1)
                            run &= run &- 1
                        }
                    }
                    // (The room reserved above holds the starts even when the record has too many.)
                    if col >= ncol { return nil }
                    bits &= ~cut
                }
                if lineEnds == 0 { break }
                // A line end, now the lowest bit.
                let i = lineEnds.trailingZeroBitCount
                lineEnds &= lineEnds &- 1
                bits &= bits &- 1
                let pos = blockStart &+ i
                if checkSizes && pos &- fieldStart > maxCellBytes { return nil }
                var next = pos &+ 1
                if p[pos] == cr && next < n && p[next] == lf { next &+= 1 }
                if pos == recordStart || pos &- recordStart == col {
                    // A blank line, or one of delimiters only (a spreadsheet's empty row, `,,,,`): its field
                    // starts are taken back.
                    physical &+= 1
                    blankBefore.append(rows)
                    startCount = recordFirst
                } else {
                    if col != ncol &- 1 { return nil }
                    if endCount == endCapacity {
                        ends = endsBuffer.grow(keeping: endCount)
                        endCapacity = endsBuffer.capacity
                    }
                    ends[endCount] = UInt32(truncatingIfNeeded: pos &- base)
                    endCount &+= 1
                    rows &+= 1
                    physical &+= 1
                }
                recordStart = next
                fieldStart = next
                col = 0
                if next >= n || next >= limit {
                    stopped = true
                    break
                }
                recordFirst = startCount
                if keepFirst {
                    starts[startCount] = UInt32(truncatingIfNeeded: next &- base)
                    startCount &+= 1
                }
            }
            blockStart &+= 64
        }
        let stop: Int
        if stopped {
            stop = recordStart
        } else {
            // The end of input: an unclosed quote is an error the scalar tokenizer reports.
            if insideQuotes != 0 { return nil }
            if recordStart < n && n &- recordStart == col {
                // A last line of delimiters only, skipped like a blank line.
                physical &+= 1
                blankBefore.append(rows)
                startCount = recordFirst
            } else if recordStart < n {
                if n &- fieldStart > maxCellBytes || col != ncol &- 1 { return nil }
                if endCount == endCapacity {
                    ends = endsBuffer.grow(keeping: endCount)
                    endCapacity = endsBuffer.capacity
                }
                ends[endCount] = UInt32(truncatingIfNeeded: n &- base)
                endCount &+= 1
                rows &+= 1
                physical &+= 1
            } else {
                startCount = recordFirst
            }
            stop = n
        }
        startsBuffer.count = startCount
        endsBuffer.count = endCount
        chunk.stop = stop
        chunk.physicalRows = physical
        chunk.blankBefore = blankBefore
        return chunk
    }
}
