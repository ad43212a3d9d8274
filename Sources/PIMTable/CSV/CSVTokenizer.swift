#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why tokenizing stopped early, with a chunk-local location.
struct TokenFailure: Sendable {
    enum Kind: Sendable {
        case unbalancedQuote
        case textAfterClosingQuote
        case ragged(expected: Int, found: Int)
        case nulByte
        case cellTooLarge
    }
    var kind: Kind
    /// 0-based physical row (records plus blank lines) within the chunk.
    var physicalRow: Int
    /// 0-based field index, when known.
    var field: Int?
}

/// Field boundaries of a run of records: the result of one pass over the bytes.
///
/// For record `r` with `k` fields, `starts[r*k + c]` is where field `c` begins (its opening quote when
/// quoted) and `ends[r]` is where the record's terminator begins. Field `c` ends one byte before field
/// `c+1` begins (at the delimiter); the last field ends at `ends[r]`. Offsets are relative to `base`.
/// A padded field (short row with ``CSVReadOptions/allowRagged``) starts after the record's end, so its
/// length comes out negative, meaning null.
struct TokenChunk: Sendable {
    var base: Int
    /// The fields whose starts are kept, in order, when not all are (see ``CSVBlockTokenizer``): then
    /// record `r`'s starts are `starts[r*stored.count ..< (r+1)*stored.count]`. A kept field's successor
    /// is always kept too (it gives the field's end), unless the field is the last.
    var stored: [Int]?
    var starts = OffsetBuffer(capacity: 0)
    var ends = OffsetBuffer(capacity: 0)
    /// Flexible mode only: fields per record and each record's 0-based physical row.
    var fieldCounts: [Int] = []
    var recordPhysicalRows: [Int] = []
    /// Absolute offset of the first byte not consumed.
    var stop: Int
    var physicalRows = 0
    /// Chunk-local record indices before which a blank line was skipped.
    var blankBefore: [Int] = []
    var padded = 0
    var failure: TokenFailure?

    var rowCount: Int { ends.count }
}

/// A growable array of 32-bit offsets: written by one tokenizer, then only read (by several threads).
///
/// Not an `Array` so that the tokenizer writes through a plain pointer (no uniqueness or capacity
/// check per field) and the memory is not zeroed before it is written.
final class OffsetBuffer: @unchecked Sendable {
    private(set) var pointer: UnsafeMutablePointer<UInt32>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        pointer = Self.allocate(self.capacity)
    }

    deinit { pointer.deallocate() }

    @inline(__always) subscript(i: Int) -> UInt32 { pointer[i] }

    private static func allocate(_ n: Int) -> UnsafeMutablePointer<UInt32> {
        UnsafeMutablePointer<UInt32>.allocate(capacity: n)
    }

    /// Doubles the capacity, keeping the first `count` offsets; returns the new pointer.
    func grow(keeping count: Int) -> UnsafeMutablePointer<UInt32> {
        let bigger = Self.allocate(capacity * 2)
        bigger.update(from: pointer, count: count)
        pointer.deallocate()
        pointer = bigger
        capacity *= 2
        return bigger
    }
}

/// The RFC 4180 field scanner. It works on bytes and allocates nothing per field.
///
/// Rules: fields are separated by the delimiter; records end with LF, CRLF or a lone CR; a field that
/// starts with `"` is quoted and may contain delimiters, newlines and doubled quotes; a quote inside an
/// unquoted field is kept literally; blank lines are skipped (and counted for row numbers).
enum CSVTokenizer {
    static let quote = UInt8(ascii: "\"")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")

    /// Tokenizes records starting at `start` until the first record that starts at or after `limit`,
    /// or `maxRecords` records.
    /// - Parameter fields: the expected number of fields; `nil` is flexible mode (any count, recorded).
    static func tokenize(
        _ p: UnsafePointer<UInt8>, count n: Int, from start: Int, limit: Int, delimiter: UInt8, fields: Int?,
        maxRecords: Int = Int.max, maxCellBytes: Int, allowRagged: Bool, reserveRows: Int = 0
    ) -> TokenChunk {
        var chunk = TokenChunk(base: start, stop: start)
        let flexible = fields == nil
        let ncol = fields ?? 0
        if reserveRows > 0 {
            chunk.starts = OffsetBuffer(capacity: reserveRows * ncol)
            chunk.ends = OffsetBuffer(capacity: reserveRows)
        }
        // 1 for bytes that end an unquoted field's fast scan.
        var special = [UInt8](repeating: 0, count: 256)
        special[Int(delimiter)] = 1
        special[Int(lf)] = 1
        special[Int(cr)] = 1
        special[Int(quote)] = 1
        special[0] = 1
        let base = start
        var pos = start
        let delimiterWord = UInt64(delimiter) &* 0x0101_0101_0101_0101
        let lfWord = UInt64(lf) &* 0x0101_0101_0101_0101
        let crWord = UInt64(cr) &* 0x0101_0101_0101_0101
        let quoteWord = UInt64(quote) &* 0x0101_0101_0101_0101
        var rows = 0
        var physical = 0
        // Local arrays (moved into the chunk at the end) let the optimiser keep them in registers.
        // Offsets are written through local pointers (the buffers grow only when full).
        let startsBuffer = chunk.starts
        let endsBuffer = chunk.ends
        var starts = startsBuffer.pointer
        var startCount = 0
        var startCapacity = startsBuffer.capacity
        var ends = endsBuffer.pointer
        var endCount = 0
        var endCapacity = endsBuffer.capacity
        special.withUnsafeBufferPointer { sp in
            guard let cls = sp.baseAddress else { return }
            outer: while pos < n && pos < limit && rows < maxRecords {
                let b0 = p[pos]
                if b0 == lf || b0 == cr {
                    pos += (b0 == cr && pos + 1 < n && p[pos + 1] == lf) ? 2 : 1
                    physical += 1
                    chunk.blankBefore.append(rows)
                    continue
                }
                var col = 0
                var extraNonEmpty = false
                var lastFieldEnd = pos
                let recordStart = pos
                let recordFirst = startCount
                while true {
                    let fstart = pos
                    if flexible || col < ncol {
                        if startCount == startCapacity {
                            starts = startsBuffer.grow(keeping: startCount)
                            startCapacity = startsBuffer.capacity
                        }
                        starts[startCount] = UInt32(truncatingIfNeeded: pos &- base)
                        startCount &+= 1
                    }
                    if pos < n && p[pos] == quote {
                        pos += 1
                        while true {
                            guard let q = memchr(p + pos, Int32(quote), n - pos) else {
                                chunk.failure = TokenFailure(kind: .unbalancedQuote, physicalRow: physical, field: col)
                                break outer
                            }
                            pos = UnsafeRawPointer(q) - UnsafeRawPointer(p) + 1
                            if pos < n && p[pos] == quote {
                                pos += 1
                                continue
                            }
                            break
                        }
                        if memchr(p + fstart, 0, pos - fstart) != nil {
                            chunk.failure = TokenFailure(kind: .nulByte, physicalRow: physical, field: col)
                            break outer
                        }
                        if pos < n {
                            let c = p[pos]
                            if c != delimiter && c != lf && c != cr {
                                chunk.failure = TokenFailure(
                                    kind: .textAfterClosingQuote, physicalRow: physical, field: col)
                                break outer
                            }
                        }
                    } else {
                        while true {
                            // Eight bytes at a time while no special byte is among them.
                            while pos &+ 8 <= n {
                                let w = UnsafeRawPointer(p + pos).loadUnaligned(as: UInt64.self)
                                let m =
                                    Self.hasZeroByte(w ^ delimiterWord) | Self.hasZeroByte(w ^ lfWord)
                                    | Self.hasZeroByte(w ^ crWord) | Self.hasZeroByte(w ^ quoteWord) | Self.hasZeroByte(w)
                                if m != 0 {
                                    pos &+= m.trailingZeroBitCount >> 3
                                    break
                                }
                                pos &+= 8
                            }
                            while pos < n && cls[Int(p[pos])] == 0 { pos += 1 }
                            // A quote inside an unquoted field is kept as it is.
                            if pos < n && p[pos] == quote {
                                pos += 1
                                continue
                            }
                            break
                        }
                        if pos < n && p[pos] == 0 {
                            chunk.failure = TokenFailure(kind: .nulByte, physicalRow: physical, field: col)
                            break outer
                        }
                    }
                    if pos - fstart > maxCellBytes {
                        chunk.failure = TokenFailure(kind: .cellTooLarge, physicalRow: physical, field: col)
                        break outer
                    }
                    if !flexible && col >= ncol && pos > fstart { extraNonEmpty = true }
                    col += 1
                    if col == ncol { lastFieldEnd = pos }
                    if pos < n && p[pos] == delimiter {
                        pos += 1
                        continue
                    }
                    break
                }
                if col > 1 && pos - recordStart == col - 1 {
                    // Delimiters only (a spreadsheet's empty row, `,,,,`): skipped like a blank line, also
                    // among the header rows (an empty first row of a sheet saved as CSV).
                    startCount = recordFirst
                    physical += 1
                    chunk.blankBefore.append(rows)
                    pos = Self.afterLineEnd(p, pos, n)
                    continue
                }
                if flexible {
                    chunk.fieldCounts.append(col)
                    chunk.recordPhysicalRows.append(physical)
                } else if col != ncol {
                    if col < ncol && allowRagged {
                        let padStart = UInt32(truncatingIfNeeded: pos &+ 1 &- base)
                        for _ in col..<ncol {
                            if startCount == startCapacity {
                                starts = startsBuffer.grow(keeping: startCount)
                                startCapacity = startsBuffer.capacity
                            }
                            starts[startCount] = padStart
                            startCount &+= 1
                        }
                        chunk.padded += 1
                    } else if col > ncol && allowRagged && !extraNonEmpty {
                        // Trailing empty fields beyond the header are dropped.
                    } else {
                        chunk.failure = TokenFailure(
                            kind: .ragged(expected: ncol, found: col), physicalRow: physical, field: nil)
                        break outer
                    }
                }
                if endCount == endCapacity {
                    ends = endsBuffer.grow(keeping: endCount)
                    endCapacity = endsBuffer.capacity
                }
                ends[endCount] = UInt32(truncatingIfNeeded: (!flexible && col > ncol ? lastFieldEnd : pos) &- base)
                endCount &+= 1
                rows += 1
                physical += 1
                pos = Self.afterLineEnd(p, pos, n)
            }
        }
        startsBuffer.count = startCount
        endsBuffer.count = endCount
        chunk.stop = pos
        chunk.physicalRows = physical
        return chunk
    }

    /// The position after the line end (LF, CR or CRLF) at `pos`, or `n` at the end of the input.
    @inline(__always)
    static func afterLineEnd(_ p: UnsafePointer<UInt8>, _ pos: Int, _ n: Int) -> Int {
        guard pos < n else { return pos }
        if p[pos] == cr && pos + 1 < n && p[pos + 1] == lf { return pos + 2 }
        return pos + 1
    }

    /// A word whose lowest set bit is the high bit of the first zero byte of `x` (little-endian), or 0
    /// when `x` has no zero byte. Bits above the first may be false positives, and callers ignore them.
    @inline(__always)
    static func hasZeroByte(_ x: UInt64) -> UInt64 {
        (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// Start of the first record after `offset`, assuming the newline found is not inside quotes.
    static func guessRecordStart(_ p: UnsafePointer<UInt8>, count n: Int, after offset: Int) -> Int? {
        guard offset < n, let q = memchr(p + offset, Int32(lf), n - offset) else { return nil }
        let next = UnsafeRawPointer(q) - UnsafeRawPointer(p) + 1
        return next < n ? next : nil
    }
}
