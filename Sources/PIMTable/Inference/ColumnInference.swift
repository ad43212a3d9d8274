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
        return builder.finish()
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
struct ColumnBuilder {
    let rows: Int
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
    private var dictionary = ByteDictionary()
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

    init(rows: Int, inferTypes: Bool, formulaGuards: Bool) {
        self.rows = rows
        self.inferTypes = inferTypes
        self.guards = formulaGuards
        if !inferTypes { start(.text) }
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
        case .integer: ints = Array(repeating: 0, count: rows)
        case .decimal: doubles = Array(repeating: 0, count: rows)
        case .date: days = Array(repeating: 0, count: rows)
        case .boolean: bools = Array(repeating: false, count: rows)
        case .text:
            codes = Array(repeating: -1, count: rows)
            dictionary = ByteDictionary()
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
                    if dictionary.count * 10 > seen * 9 {
                        // A column of (nearly) unique values: size the table and arena once instead of
                        // growing them.
                        dictionary.reserve(rows, averageBytes: sampledBytes / max(1, seen) + 1)
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

    /// The finished column.
    func finish() -> InferredColumn {
        let nullCount = nulls.nullCount
        let nonNull = rows - nullCount
        switch type {
        case .integer:
            return InferredColumn(
                data: .integer(values: ints, nulls: nulls), evidence: nonNull > 0 ? [.integer: nonNull] : [:],
                nullCount: nullCount,
                distinctCount: nonNull == 0 ? 0 : ColumnInference.distinctIntegers(ints, nulls: nulls, lo: lo, hi: hi),
                minimum: nonNull > 0 ? .integer(lo) : nil, maximum: nonNull > 0 ? .integer(hi) : nil)
        case .decimal:
            var seen = Set<Double>()
            for (r, x) in doubles.enumerated() where !nulls.isNull(r) { seen.insert(x) }
            var evidence: [ColumnType: Int] = [:]
            if integral > 0 { evidence[.integer] = integral }
            if nonNull - integral > 0 { evidence[.decimal] = nonNull - integral }
            return InferredColumn(
                data: .decimal(values: doubles, nulls: nulls), evidence: evidence, nullCount: nullCount,
                distinctCount: seen.count, minimum: nonNull > 0 ? .decimal(dlo) : nil,
                maximum: nonNull > 0 ? .decimal(dhi) : nil)
        case .date:
            let distinct =
                nonNull == 0
                ? 0 : ColumnInference.distinctIntegers(days, nulls: nulls, lo: lo, hi: hi)
            return InferredColumn(
                data: .date(days: days, nulls: nulls), evidence: nonNull > 0 ? [.date: nonNull] : [:],
                nullCount: nullCount, distinctCount: distinct,
                minimum: nonNull > 0 ? .date(Int32(truncatingIfNeeded: lo)) : nil,
                maximum: nonNull > 0 ? .date(Int32(truncatingIfNeeded: hi)) : nil)
        case .boolean:
            return InferredColumn(
                data: .boolean(values: bools, nulls: nulls), evidence: nonNull > 0 ? [.boolean: nonNull] : [:],
                nullCount: nullCount, distinctCount: (sawTrue ? 1 : 0) + (sawFalse ? 1 : 0))
        case .text:
            // Evidence: classify each distinct value once and weigh it by how often it occurs.
            var perCode = [Int](repeating: 0, count: dictionary.count)
            for c in codes where c >= 0 { perCode[Int(c)] += 1 }
            for (c, g) in guardedCodes { perCode[Int(c)] -= g }
            // Counts by type in ColumnType.allCases order: integer, decimal, date, boolean, text.
            var byType = [0, 0, 0, 0, guardedCodes.values.reduce(0, +)]
            for (c, count) in perCode.enumerated() where count > 0 {
                switch inferTypes ? dictionary.classify(entry: c) : .text {
                case .integer: byType[0] += count
                case .decimal: byType[1] += count
                case .date: byType[2] += count
                case .boolean: byType[3] += count
                case .text: byType[4] += count
                }
            }
            var evidence: [ColumnType: Int] = [:]
            for (k, t) in ColumnType.allCases.enumerated() where byType[k] > 0 { evidence[t] = byType[k] }
            return InferredColumn(
                data: .text(codes: codes, dictionary: dictionary.strings()), evidence: evidence,
                nullCount: nullCount, distinctCount: dictionary.count)
        case nil:
            // Every cell is null: a text column with no values.
            return InferredColumn(
                data: .text(codes: Array(repeating: -1, count: rows), dictionary: []), evidence: [:],
                nullCount: rows, distinctCount: 0)
        }
    }
}
