/// Raw bytes shared read-only between the threads that build columns.
///
/// `@unchecked Sendable` because a pointer is not `Sendable`: the memory is never written while
/// shared, and it outlives every task that reads it (the tasks finish before `read` returns).
struct SharedBytes: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
    let count: Int
    /// The bytes are a read-only mapping of a file, so pages already read can be handed back to the
    /// kernel (see ``release(_:)``); reading them again maps them in again from the page cache.
    var mappedFile = false

    /// Unmaps the whole pages inside `range` from this process (the file stays in the page cache):
    /// a large file read a slice at a time then never holds more than a few slices in memory. Pages
    /// shared with the bytes around the range are kept. Does nothing unless ``mappedFile``.
    private static let pageSize: Int = {
        #if os(Linux)
            let size = sysconf(Int32(_SC_PAGESIZE))
            return size > 0 ? size : 4096
        #else
            return 4096
        #endif
    }()

    func release(_ range: Range<Int>) {
        #if os(Linux)
            guard mappedFile else { return }
            let page = SharedBytes.pageSize
            let start = (UInt(bitPattern: base + range.lowerBound) + UInt(page - 1)) & ~UInt(page - 1)
            let end = UInt(bitPattern: base + range.upperBound) & ~UInt(page - 1)
            guard end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return }
            _ = madvise(address, Int(end - start), 4)  // MADV_DONTNEED
        #endif
    }
}

/// A growable byte buffer whose address is stable between growths, for unescaping quoted cells.
final class ScratchBuffer {
    private(set) var pointer: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
        pointer = .allocate(capacity: capacity)
    }

    func reserve(_ n: Int) {
        guard n > capacity else { return }
        pointer.deallocate()
        capacity = max(n, capacity * 2)
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }
}

/// The records of a piece read before its current slice, tokenized again only if a column must be
/// parsed again from the piece's start (its type widened): the reader keeps just the current slice's
/// tokens, so that their memory is reused from slice to slice instead of growing with the piece.
///
/// Shared by the cursors of one slice, so the earlier slices are tokenized at most once per slice.
final class EarlierTokens {
    private let tokenize: () -> [TokenChunk]
    private var cached: [TokenChunk]?

    init(_ tokenize: @escaping () -> [TokenChunk]) { self.tokenize = tokenize }

    var chunks: [TokenChunk] {
        if let cached { return cached }
        let made = tokenize()
        cached = made
        return made
    }
}

/// Walks one column's cells through the tokenized chunks, unquoting as it goes.
struct CSVColumnCursor: CellCursor {
    let bytes: SharedBytes
    private var chunks: [TokenChunk]
    let column: Int
    let fields: Int
    let rowCount: Int
    /// The row of the first chunk's first record; the rows before it come from `earlier`.
    private var firstRow: Int
    private let earlier: EarlierTokens?
    private var chunkIndex = 0
    private var row = 0
    private var chunkRows = 0
    private var base = 0
    /// Starts per record and this column's place among them, in the current chunk.
    private var stride = 0
    private var slot = 0
    private var starts = CSVColumnCursor.empty.pointer
    private var ends = CSVColumnCursor.empty.pointer
    private static let empty = OffsetBuffer(capacity: 1)
    private let scratch = ScratchBuffer()
    private(set) var pointsIntoScratch = false

    /// - Parameters:
    ///   - firstRow: the row number of `chunks`' first record, when `earlier` gives the records before it.
    init(
        bytes: SharedBytes, chunks: [TokenChunk], column: Int, fields: Int, firstRow: Int = 0,
        earlier: EarlierTokens? = nil
    ) {
        self.bytes = bytes
        self.chunks = chunks
        self.column = column
        self.fields = fields
        self.firstRow = earlier == nil ? 0 : firstRow
        self.earlier = earlier
        rowCount = self.firstRow + chunks.reduce(0) { $0 + $1.rowCount }
        seek(self.firstRow)
    }

    mutating func seek(_ target: Int) {
        if target < firstRow, let earlier {
            chunks = earlier.chunks + chunks
            firstRow = 0
        }
        chunkIndex = -1
        chunkRows = 0
        row = 0
        var remaining = max(0, target - firstRow)
        while chunkIndex + 1 < chunks.count {
            advance()
            if remaining < chunkRows || chunkIndex + 1 == chunks.count { break }
            remaining -= chunkRows
        }
        row = remaining
    }

    private mutating func advance() {
        chunkIndex += 1
        let c = chunks[chunkIndex]
        // The chunks (held by this cursor) keep the buffers alive.
        starts = c.starts.pointer
        ends = c.ends.pointer
        base = c.base
        chunkRows = c.rowCount
        row = 0
        if let stored = c.stored, let k = stored.firstIndex(of: column) {
            stride = stored.count
            slot = k
        } else {
            // Every field is kept. (The reader makes cursors only for kept columns, so a chunk that keeps
            // some fields always keeps this one.)
            stride = fields
            slot = column
        }
    }

    @inline(__always)
    mutating func next() -> (UnsafePointer<UInt8>, Int) {
        while row >= chunkRows { advance() }
        let p = bytes.base
        let i = row &* stride &+ slot
        let s = base &+ Int(starts[i])
        let e = column &+ 1 < fields ? base &+ Int(starts[i &+ 1]) &- 1 : base &+ Int(ends[row])
        row &+= 1
        pointsIntoScratch = false
        if e <= s { return (p, 0) }
        // A cell of spaces and tabs only is empty, as validation takes it (QA11 I10: the schema proposed from a
        // file with such a cell required a value there, and refused the file it came from). Quoted, it is text.
        if p[s] == 0x20 || p[s] == 0x09, Self.isBlank(p + s, e - s) { return (p, 0) }
        if p[s] != CSVTokenizer.quote { return (p + s, e - s) }
        return unquote(p + s + 1, e - s - 2)
    }

    static func isBlank(_ q: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i < n {
            if q[i] != 0x20 && q[i] != 0x09 { return false }
            i += 1
        }
        return true
    }

    /// The content of a quoted field with doubled quotes made single.
    private mutating func unquote(_ q: UnsafePointer<UInt8>, _ n: Int) -> (UnsafePointer<UInt8>, Int) {
        guard n > 0 else { return (q, 0) }
        guard memchr(q, Int32(CSVTokenizer.quote), n) != nil else { return (q, n) }
        scratch.reserve(n)
        pointsIntoScratch = true
        let out = scratch.pointer
        var i = 0
        var k = 0
        while i < n {
            out[k] = q[i]
            k += 1
            i += q[i] == CSVTokenizer.quote ? 2 : 1
        }
        return (UnsafePointer(out), k)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
