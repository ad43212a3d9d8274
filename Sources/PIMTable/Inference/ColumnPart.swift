/// One piece of a column as a ``ColumnBuilder`` left it: the rows of one piece of the input, typed as
/// that piece's cells allowed, with what the profile needs.
///
/// The CSV reader builds the pieces of a file on several threads, each while its bytes are still in
/// the processor's cache, and then joins the parts of each column with ``merge(_:inferTypes:)``. Parts
/// of one column must have the same type (or none: all null) before they are merged; the reader builds
/// a part again, starting as the joined type, when they differ.
///
/// `@unchecked Sendable`: the dictionary's hash table is a class, but a part is handed from the thread
/// that built it to the one that merges it, never used by two at once.
struct ColumnPart: @unchecked Sendable {
    var type: ColumnType?
    var rows: Int
    var nulls: NullMask
    var ints: [Int64]
    var doubles: [Double]
    var days: [Int32]
    var bools: [Bool]
    var codes: [Int32]
    var dictionary: ByteDictionary
    var lo: Int64
    var hi: Int64
    var dlo: Double
    var dhi: Double
    /// Decimal parts: cells that were whole numbers.
    var integral: Int
    var sawTrue: Bool
    var sawFalse: Bool
    /// Text parts: how many cells of each code carried a formula guard (these count as text evidence).
    var guardedCodes: [Int32: Int]

    /// A rough cost of joining this part (to join the costliest columns first): its bytes, and more for
    /// each dictionary key (each is looked up or copied, then becomes a string).
    var mergeCost: Int {
        ints.count * 8 + doubles.count * 8 + days.count * 4 + bools.count + codes.count * 4 + dictionary.byteSize
            + dictionary.count * 64
    }

    /// The type of a column whose parts have these types (`nil` when every part is all null).
    static func joinedType(_ types: [ColumnType?]) -> ColumnType? {
        types.reduce(nil) { acc, t in
            guard let t else { return acc }
            return acc.map { ColumnInference.join($0, t) } ?? t
        }
    }

    /// The column made of `parts` in order, with its profile. Every part's type is the same or `nil`.
    /// Each part's arrays are released once copied, so that a large column does not need twice its memory.
    static func merge(_ input: consuming [ColumnPart], inferTypes: Bool) -> InferredColumn {
        var parts = consume input
        let rows = parts.reduce(0) { $0 + $1.rows }
        var nulls = NullMask()
        var offset = 0
        for p in parts {
            if offset == 0 {
                nulls = p.nulls
            } else if p.nulls.hasNulls {
                nulls.setNulls(of: p.nulls, at: offset)
            }
            offset += p.rows
        }
        let nullCount = nulls.nullCount
        let nonNull = rows - nullCount
        let lo = parts.reduce(Int64.max) { min($0, $1.lo) }
        let hi = parts.reduce(Int64.min) { max($0, $1.hi) }
        switch joinedType(parts.map(\.type)) {
        case .integer:
            let ints = concatenate(&parts, \.ints, filler: 0)
            return InferredColumn(
                data: .integer(values: ints, nulls: nulls), evidence: nonNull > 0 ? [.integer: nonNull] : [:],
                nullCount: nullCount,
                distinctCount: nonNull == 0 ? 0 : ColumnInference.distinctIntegers(ints, nulls: nulls, lo: lo, hi: hi),
                minimum: nonNull > 0 ? .integer(lo) : nil, maximum: nonNull > 0 ? .integer(hi) : nil)
        case .decimal:
            let doubles = concatenate(&parts, \.doubles, filler: 0)
            var seen = Set<Double>()
            for (r, x) in doubles.enumerated() where !nulls.isNull(r) { seen.insert(x) }
            let integral = parts.reduce(0) { $0 + $1.integral }
            var evidence: [ColumnType: Int] = [:]
            if integral > 0 { evidence[.integer] = integral }
            if nonNull - integral > 0 { evidence[.decimal] = nonNull - integral }
            let dlo = parts.reduce(Double.infinity) { min($0, $1.dlo) }
            let dhi = parts.reduce(-Double.infinity) { max($0, $1.dhi) }
            return InferredColumn(
                data: .decimal(values: doubles, nulls: nulls), evidence: evidence, nullCount: nullCount,
                distinctCount: seen.count, minimum: nonNull > 0 ? .decimal(dlo) : nil,
                maximum: nonNull > 0 ? .decimal(dhi) : nil)
        case .date:
            let days = concatenate(&parts, \.days, filler: 0)
            let distinct = nonNull == 0 ? 0 : ColumnInference.distinctIntegers(days, nulls: nulls, lo: lo, hi: hi)
            return InferredColumn(
                data: .date(days: days, nulls: nulls), evidence: nonNull > 0 ? [.date: nonNull] : [:],
                nullCount: nullCount, distinctCount: distinct,
                minimum: nonNull > 0 ? .date(Int32(truncatingIfNeeded: lo)) : nil,
                maximum: nonNull > 0 ? .date(Int32(truncatingIfNeeded: hi)) : nil)
        case .boolean:
            let sawTrue = parts.contains { $0.sawTrue }
            let sawFalse = parts.contains { $0.sawFalse }
            return InferredColumn(
                data: .boolean(values: concatenate(&parts, \.bools, filler: false), nulls: nulls),
                evidence: nonNull > 0 ? [.boolean: nonNull] : [:], nullCount: nullCount,
                distinctCount: (sawTrue ? 1 : 0) + (sawFalse ? 1 : 0))
        case .text:
            let (codes, dictionary, guardedCodes) = mergeText(&parts, rows: rows)
            return text(codes: codes, dictionary: dictionary, guardedCodes: guardedCodes, nullCount: nullCount,
                inferTypes: inferTypes)
        case nil:
            // Every cell is null: a text column with no values.
            return InferredColumn(
                data: .text(codes: Array(repeating: -1, count: rows), dictionary: []), evidence: [:],
                nullCount: rows, distinctCount: 0)
        }
    }

    /// The parts' arrays one after another (each part's emptied once copied); a part without values
    /// (all null) gives `filler`s.
    private static func concatenate<T>(
        _ parts: inout [ColumnPart], _ array: WritableKeyPath<ColumnPart, [T]>, filler: T
    ) -> [T] {
        if parts.count == 1, parts[0].type != nil {
            let only = parts[0][keyPath: array]
            parts[0][keyPath: array] = []
            return only
        }
        var out: [T] = []
        out.reserveCapacity(parts.reduce(0) { $0 + $1.rows })
        for k in parts.indices {
            if parts[k].type == nil {
                out.append(contentsOf: repeatElement(filler, count: parts[k].rows))
            } else {
                out.append(contentsOf: parts[k][keyPath: array])
                parts[k][keyPath: array] = []
            }
        }
        return out
    }

    /// One dictionary for all parts (the first part's, with the others' new keys added in order) and
    /// every part's codes translated into it; each part's codes and dictionary are released once used.
    private static func mergeText(_ parts: inout [ColumnPart], rows: Int)
        -> (codes: [Int32], dictionary: ByteDictionary, guarded: [Int32: Int])
    {
        guard let firstIndex = parts.firstIndex(where: { $0.type != nil }) else { return ([], ByteDictionary(), [:]) }
        if parts.count == 1 {
            let only = parts[firstIndex]
            parts = []
            return (only.codes, only.dictionary, only.guardedCodes)
        }
        // The first part's dictionary is the start (its codes stay as they are).
        var dictionary = parts[firstIndex].dictionary
        parts[firstIndex].dictionary = ByteDictionary()
        // Room for every part's keys (an upper bound: parts share keys), reserved once.
        let others = parts.indices.filter { $0 != firstIndex }
        dictionary.reserveStorage(
            entries: others.reduce(0) { $0 + parts[$1].dictionary.count },
            bytes: others.reduce(0) { $0 + parts[$1].dictionary.keyBytes })
        var codes = [Int32](repeating: -1, count: rows)
        var guarded: [Int32: Int] = [:]
        var offset = 0
        for k in parts.indices {
            defer { offset += parts[k].rows }
            guard parts[k].type != nil else { continue }
            let map: ByteDictionary.CodeMap = k == firstIndex ? .shift(0) : dictionary.absorb(parts[k].dictionary)
            parts[k].dictionary = ByteDictionary()
            let from = offset
            codes.withUnsafeMutableBufferPointer { out in
                parts[k].codes.withUnsafeBufferPointer { source in
                    switch map {
                    case .shift(let base):
                        for r in 0..<source.count {
                            let c = source[r]
                            out[from + r] = c < 0 ? -1 : c &+ base
                        }
                    case .table(let table):
                        table.withUnsafeBufferPointer { t in
                            for r in 0..<source.count {
                                let c = source[r]
                                out[from + r] = c < 0 ? -1 : t[Int(c)]
                            }
                        }
                    }
                }
            }
            parts[k].codes = []
            for (c, n) in parts[k].guardedCodes { guarded[map.code(c), default: 0] += n }
        }
        return (codes, dictionary, guarded)
    }

    /// A text column's profile: evidence by classifying each distinct value once, weighed by how often it occurs.
    private static func text(
        codes: [Int32], dictionary: ByteDictionary, guardedCodes: [Int32: Int], nullCount: Int, inferTypes: Bool
    ) -> InferredColumn {
        var perCode = [Int](repeating: 0, count: dictionary.count)
        perCode.withUnsafeMutableBufferPointer { counts in
            for c in codes where c >= 0 { counts[Int(c)] += 1 }
        }
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
    }
}
