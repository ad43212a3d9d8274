/// Yields the cells of one column as bytes; a cell of length 0 is null.
protocol CellCursor {
    var rowCount: Int { get }
    /// Moves to `row`, so that the next call to ``next()`` returns that row's cell.
    mutating func seek(_ row: Int)
    /// The next cell's bytes. The pointer is valid until the next call if ``pointsIntoScratch``,
    /// else as long as the cursor.
    mutating func next() -> (UnsafePointer<UInt8>, Int)
    /// Whether the last cell returned lives in a buffer the next call overwrites.
    var pointsIntoScratch: Bool { get }
}

extension CellCursor {
    mutating func reset() { seek(0) }
}

/// A finished column and its profile.
struct InferredColumn: Sendable {
    var data: ColumnData
    var evidence: [ColumnType: Int]
    var nullCount: Int
    var distinctCount: Int
    var minimum: Value?
    var maximum: Value?
}

/// Infers a column's type from its cells and builds the typed column.
enum ColumnInference {
    /// Builds a whole column in one go.
    /// - Parameter formulaGuards: remove the ``FormulaGuard`` quote from guarded cells (CSV and XLSX
    ///   exports carry guards; JSON does not).
    static func build<C: CellCursor>(_ cursor: inout C, inferTypes: Bool, formulaGuards: Bool = true) -> InferredColumn {
        var builder = ColumnBuilder(rows: cursor.rowCount, inferTypes: inferTypes, formulaGuards: formulaGuards)
        builder.consume(&cursor, upTo: cursor.rowCount)
        return ColumnPart.merge([builder.part()], inferTypes: inferTypes)
    }

    static func join(_ a: ColumnType, _ b: ColumnType) -> ColumnType {
        if a == b { return a }
        if (a == .integer && b == .decimal) || (a == .decimal && b == .integer) { return .decimal }
        return .text
    }

    @inline(__always)
    static func cellType(_ p: UnsafePointer<UInt8>, _ n: Int, _ guards: Bool) -> ColumnType {
        guards && FormulaGuard.isGuarded(p, n) ? .text : CellParsing.classify(p, n)
    }

    static func distinctIntegers<T: FixedWidthInteger>(_ values: [T], nulls: NullMask, lo: Int64, hi: Int64) -> Int {
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        if !overflow && span < 1 << 26 {
            var bits = [UInt64](repeating: 0, count: Int(span) / 64 + 1)
            var count = 0
            values.withUnsafeBufferPointer { v in
                bits.withUnsafeMutableBufferPointer { b in
                    for (r, x) in v.enumerated() where !nulls.isNull(r) {
                        let k = Int(Int64(x) &- lo)
                        guard k >= 0 && k >> 6 < b.count else { continue }
                        let bit = UInt64(1) << UInt64(k & 63)
                        if b[k >> 6] & bit == 0 {
                            b[k >> 6] |= bit
                            count += 1
                        }
                    }
                }
            }
            return count
        }
        var seen = Set<Int64>()
        for (r, x) in values.enumerated() where !nulls.isNull(r) { seen.insert(Int64(x)) }
        return seen.count
    }
}

/// Builds one column incrementally, a block of rows at a time, inferring its type as it goes.
///
/// The type is the most specific one every non-null cell parses as: integer, decimal (integers and
/// decimals mixed), date, boolean, else text. The first non-null cell sets a candidate and cells are parsed
/// straight into that type's array; only when a later cell does not fit are the rows so far parsed again
/// as the wider type (at most twice per column: integer → decimal → text).
///
/// Working in blocks lets the reader build all columns over the same rows while those bytes are in cache.
/// The CSV reader builds one part of each column per piece of the file (see ``ColumnPart``); a part may
/// start as a given type (when the pieces disagreed) and grow past its first size estimate.
struct ColumnBuilder {
    /// The expected number of rows (it sizes the arrays and the sampling point; more may come).
    let rows: Int
    /// Rows the arrays hold now (see ``reserveRows(_:)``).
    private var capacity: Int
    let inferTypes: Bool
    let guards: Bool
    /// `nil` until the first non-null cell.
    private(set) var type: ColumnType?
    private var done = 0
    private var nulls = NullMask()
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var days: [Int32] = []
    private var bools: [Bool] = []
    private var codes: [Int32] = []
    private var dictionary: ByteDictionary
    /// Entries the dictionary had before this builder (one carried over from earlier pieces).
    private let dictionaryBase: Int
    /// The dictionary is carried over to the next piece: ``part()`` leaves it here (see
    /// ``takeDictionary()``) and says which codes this builder added.
    private let carriesDictionary: Bool
    private var lo = Int64.max
    private var hi = Int64.min
    private var dlo = Double.infinity
    private var dhi = -Double.infinity
    private var integral = 0
    private var sawTrue = false
    private var sawFalse = false
    /// Text columns: how many cells of each code carried a formula guard (these count as text evidence).
    private var guardedCodes: [Int32: Int] = [:]
    private var sampled = false
    /// Bytes of the text cells before the sampling point, to size a near-unique column's arena.
    private var sampledBytes = 0

    /// - Parameters:
    ///   - type: start as this type (which every cell must then fit, or be widened from) instead of the
    ///     first cell's.
    ///   - carrying: a dictionary of earlier pieces to go on with (its codes stay as they are), which
    ///     ``takeDictionary()`` hands back; the part then refers to it (see ``ColumnPart/shared``).
    init(rows: Int, inferTypes: Bool, formulaGuards: Bool, type: ColumnType? = nil, carrying: ByteDictionary? = nil) {
        self.rows = rows
        self.capacity = rows
        self.inferTypes = inferTypes
        self.guards = formulaGuards
        self.dictionary = carrying ?? ByteDictionary()
        self.dictionaryBase = carrying?.count ?? 0
        self.carriesDictionary = carrying != nil
        if !inferTypes {
            start(.text)
        } else if let type {
            start(type)
        }
    }

    /// Makes the arrays hold at least `count` rows (growing by half at least, so that growth is amortised).
    mutating func reserveRows(_ count: Int) {
        guard count > capacity else { return }
        let extra = max(count, capacity + capacity / 2 + 16) - capacity
        capacity += extra
        switch type {
        case .integer: ints.append(contentsOf: repeatElement(0, count: extra))
        case .decimal: doubles.append(contentsOf: repeatElement(0, count: extra))
        case .date: days.append(contentsOf: repeatElement(0, count: extra))
        case .boolean: bools.append(contentsOf: repeatElement(false, count: extra))
        case .text: codes.append(contentsOf: repeatElement(-1, count: extra))
        case nil: break
        }
    }

    private mutating func start(_ t: ColumnType) {
        type = t
        nulls = NullMask()
        ints = []
        doubles = []
        days = []
        bools = []
        codes = []
        switch t {
        case .integer: ints = Array(repeating: 0, count: capacity)
        case .decimal: doubles = Array(repeating: 0, count: capacity)
        case .date: days = Array(repeating: 0, count: capacity)
        case .boolean: bools = Array(repeating: false, count: capacity)
        case .text:
            // (Text is the widest type, so the dictionary has no codes of this builder yet.)
            codes = Array(repeating: -1, count: capacity)
        }
        lo = .max
        hi = .min
        dlo = .infinity
        dhi = -.infinity
        integral = 0
        sawTrue = false
        sawFalse = false
        guardedCodes = [:]
        sampled = false
    }

    /// Parses the rows from where it stopped up to `end`; the cursor must be positioned at that row.
    mutating func consume<C: CellCursor>(_ cursor: inout C, upTo end: Int) {
        while done < end {
            guard let t = type else {
                // Skip nulls until the first value decides the candidate type.
                let (p, n) = cursor.next()
                if n == 0 {
                    nulls.setNull(done)
                    done += 1
                    continue
                }
                let first = ColumnInference.cellType(p, n, guards)
                let nullsSoFar = nulls
                start(first)
                nulls = nullsSoFar
                cursor.seek(done)
                continue
            }
            let failedAt: (row: Int, type: ColumnType)?
            switch t {
            case .integer: failedAt = integers(&cursor, end)
            case .decimal: failedAt = decimals(&cursor, end)
            case .date: failedAt = dates(&cursor, end)
            case .boolean: failedAt = booleans(&cursor, end)
            case .text:
                texts(&cursor, end)
                failedAt = nil
            }
            if let f = failedAt {
                // Widen and parse everything so far again.
                start(ColumnInference.join(t, f.type))
                done = 0
                cursor.seek(0)
                consume(&cursor, upTo: f.row)
                cursor.seek(f.row)
            }
        }
    }

    private mutating func integers<C: CellCursor>(_ cursor: inout C, _ end: Int) -> (Int, ColumnType)? {
        var r = done
        defer { done = r }
        return ints.withUnsafeMutableBufferPointer { v in
            while r < end {
                let (p, n) = cursor.next()
                if n == 0 {
                    nulls.setNull(r)
                } else if let x = CellParsing.integer(p, n) {
                    v[r] = x
                    if x < lo { lo = x }
                    if x > hi { hi = x }
                } else {
                    return (r, ColumnInference.cellType(p, n, guards))
                }
                r += 1
            }
            return nil
        }
    }

    private mutating func decimals<C: CellCursor>(_ cursor: inout C, _ end: Int) -> (Int, ColumnType)? {
        var r = done
        defer { done = r }
        return doubles.withUnsafeMutableBufferPointer { v in
            while r < end {
                let (p, n) = cursor.next()
                if n == 0 {
                    nulls.setNull(r)
                } else if let x = CellParsing.decimal(p, n), !x.isIntegral || CellParsing.integer(p, n) != nil {
                    if x.isIntegral { integral += 1 }
                    v[r] = x.value
                    if x.value < dlo { dlo = x.value }
                    if x.value > dhi { dhi = x.value }
                } else {
                    return (r, ColumnInference.cellType(p, n, guards))
                }
                r += 1
            }
            return nil
        }
    }

    private mutating func dates<C: CellCursor>(_ cursor: inout C, _ end: Int) -> (Int, ColumnType)? {
        var r = done
        defer { done = r }
        return days.withUnsafeMutableBufferPointer { v in
            while r < end {
                let (p, n) = cursor.next()
                if n == 0 {
                    nulls.setNull(r)
                } else if let x = CellParsing.date(p, n) {
                    v[r] = x
                    if Int64(x) < lo { lo = Int64(x) }
                    if Int64(x) > hi { hi = Int64(x) }
                } else {
                    return (r, ColumnInference.cellType(p, n, guards))
                }
                r += 1
            }
            return nil
        }
    }

    private mutating func booleans<C: CellCursor>(_ cursor: inout C, _ end: Int) -> (Int, ColumnType)? {
        var r = done
        defer { done = r }
        return bools.withUnsafeMutableBufferPointer { v in
            while r < end {
                let (p, n) = cursor.next()
                if n == 0 {
                    nulls.setNull(r)
                } else if let x = CellParsing.boolean(p, n) {
                    v[r] = x
                    if x { sawTrue = true } else { sawFalse = true }
                } else {
                    return (r, ColumnInference.cellType(p, n, guards))
                }
                r += 1
            }
            return nil
        }
    }

    private mutating func texts<C: CellCursor>(_ cursor: inout C, _ end: Int) {
        let batch = 64
        withUnsafeTemporaryAllocation(of: UnsafePointer<UInt8>.self, capacity: batch) { pointersBuffer in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: batch) { lengthsBuffer in
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: batch) { hashesBuffer in
                    guard let pointers = pointersBuffer.baseAddress, let lengths = lengthsBuffer.baseAddress,
                        let hashes = hashesBuffer.baseAddress
                    else { return }
                    texts(&cursor, end, pointers, lengths, hashes, batch)
                }
            }
        }
    }

    private mutating func texts<C: CellCursor>(
        _ cursor: inout C, _ end: Int, _ pointers: UnsafeMutablePointer<UnsafePointer<UInt8>>,
        _ lengths: UnsafeMutablePointer<Int>, _ hashes: UnsafeMutablePointer<UInt64>, _ batch: Int
    ) {
        let sampleEnd = rows >= 1 << 16 ? rows / 64 : -1
        var r = done
        defer { done = r }
        codes.withUnsafeMutableBufferPointer { c in
            guard let out = c.baseAddress else { return }
            while r < end {
                if !sampled && r >= sampleEnd && sampleEnd > 0 {
                    sampled = true
                    let seen = r - nulls.nullCount
                    if (dictionary.count - dictionaryBase) * 10 > seen * 9 {
                        // A column of (nearly) unique values: size the table and arena once instead of
                        // growing them.
                        dictionary.reserve(dictionaryBase + rows, averageBytes: sampledBytes / max(1, seen) + 1)
                    }
                }
                // A batch of cells; it ends early at a cell held in the cursor's scratch buffer, which
                // the next cell would overwrite.
                var k = 0
                let batchStart = r
                var guardedMask: UInt64 = 0  // batch <= 64
                while k < batch && r < end {
                    var (p, n) = cursor.next()
                    r += 1
                    if n == 0 {
                        nulls.setNull(r - 1)
                    } else if guards && FormulaGuard.isGuarded(p, n) {
                        p += 1
                        n -= 1
                        guardedMask |= 1 << UInt64(k)
                    }
                    pointers[k] = p
                    lengths[k] = n
                    if !sampled { sampledBytes &+= n }
                    k += 1
                    if cursor.pointsIntoScratch { break }
                }
                dictionary.codes(pointers, lengths, count: k, hashes: hashes, into: out + batchStart)
                // Evidence counts a guarded cell as text whatever its bytes look like.
                while guardedMask != 0 {
                    let i = guardedMask.trailingZeroBitCount
                    guardedMask &= guardedMask - 1
                    guardedCodes[out[batchStart + i], default: 0] += 1
                }
            }
        }
    }

    /// What was built: the first rows consumed, and what the profile needs.
    /// (The builder's arrays are cut to the rows consumed in place, without a copy.) A builder that
    /// carries its dictionary keeps it, and the part records the codes it added.
    mutating func part() -> ColumnPart {
        let n = done
        func prefix<T>(_ a: inout [T]) -> [T] {
            if a.count > n { a.removeLast(a.count - n) }
            return a
        }
        return ColumnPart(
            type: type, rows: n, nulls: nulls, ints: prefix(&ints), doubles: prefix(&doubles), days: prefix(&days),
            bools: prefix(&bools), codes: prefix(&codes),
            dictionary: carriesDictionary ? ByteDictionary() : dictionary,
            newCodes: dictionaryBase..<dictionary.count, shared: nil, lo: lo, hi: hi, dlo: dlo, dhi: dhi,
            integral: integral, sawTrue: sawTrue, sawFalse: sawFalse, guardedCodes: guardedCodes)
    }

    /// Hands the dictionary over (for the next piece), leaving an empty one.
    mutating func takeDictionary() -> ByteDictionary {
        var out = ByteDictionary()
        swap(&out, &dictionary)
        return out
    }
}
