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
    /// The part's own dictionary (empty when it uses `shared`).
    var dictionary: ByteDictionary
    /// The codes the part added to its dictionary (all of its own; for a shared one, the codes first
    /// seen in this part, as later pieces of the same thread go on adding to it).
    var newCodes: Range<Int>
    /// The dictionary of the thread that read this part, carried from piece to piece, so that a value
    /// seen in several pieces is hashed and stored once per thread rather than once per piece.
    var shared: DictionaryBox?
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
            + newCodes.count * (shared == nil ? 64 : 96)
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

    /// One dictionary for all parts, coded in order of first appearance (as a sequential read codes it),
    /// and every part's codes translated into it; each part's codes and own dictionary are released once used.
    ///
    /// It starts as the first part's own dictionary, if it has one. Parts are taken in order; a part's
    /// own dictionary is absorbed whole, and of a shared one the codes the part added (the codes before
    /// them were added by earlier parts of the same thread, already absorbed). Codes of a shared
    /// dictionary that no kept part added (a piece read again, with its own dictionary) are absorbed
    /// when a later part may use them, and the dictionary is coded afresh at the end, without unused keys.
    private static func mergeText(_ parts: inout [ColumnPart], rows: Int)
        -> (codes: [Int32], dictionary: ByteDictionary, guarded: [Int32: Int])
    {
        guard let firstIndex = parts.firstIndex(where: { $0.type != nil }) else { return ([], ByteDictionary(), [:]) }
        if parts.count == 1 && parts[firstIndex].shared == nil {
            let only = parts[firstIndex]
            parts = []
            return (only.codes, only.dictionary, only.guardedCodes)
        }
        if let joined = mergeRuns(&parts, rows: rows) { return joined }
        var dictionary = ByteDictionary()
        var startIndex: Int?
        if parts[firstIndex].shared == nil {
            swap(&dictionary, &parts[firstIndex].dictionary)
            startIndex = firstIndex
        }
        // Each shared dictionary once, with the table of where its codes went so far.
        var boxes: [DictionaryBox] = []
        var boxIndex: [ObjectIdentifier: Int] = [:]
        for p in parts where p.type != nil {
            guard let box = p.shared, boxIndex[ObjectIdentifier(box)] == nil else { continue }
            boxIndex[ObjectIdentifier(box)] = boxes.count
            boxes.append(box)
        }
        var tables = [[Int32]](repeating: [], count: boxes.count)
        // Room for every key (an upper bound: parts share keys), reserved once.
        let own = parts.indices.filter { $0 != startIndex && parts[$0].shared == nil }
        dictionary.reserveStorage(
            entries: own.reduce(0) { $0 + parts[$1].dictionary.count } + boxes.reduce(0) { $0 + $1.dictionary.count },
            bytes: own.reduce(0) { $0 + parts[$1].dictionary.keyBytes } + boxes.reduce(0) { $0 + $1.dictionary.keyBytes })
        var codes = [Int32](repeating: -1, count: rows)
        var guarded: [Int32: Int] = [:]
        var skipped = false
        var offset = 0
        for k in parts.indices {
            defer { offset += parts[k].rows }
            guard parts[k].type != nil else { continue }
            let from = offset
            if let box = parts[k].shared, let b = boxIndex[ObjectIdentifier(box)] {
                let wanted = parts[k].newCodes.upperBound
                if parts[k].newCodes.lowerBound > tables[b].count { skipped = true }
                if wanted > tables[b].count {
                    let range = tables[b].count..<wanted
                    switch dictionary.absorb(box.dictionary, codes: range) {
                    case .shift(let delta):
                        tables[b].reserveCapacity(wanted)
                        for c in range { tables[b].append(Int32(truncatingIfNeeded: c) &+ delta) }
                    case .table(let t): tables[b].append(contentsOf: t)
                    }
                }
                translate(parts[k].codes, into: &codes, at: from, map: .table(tables[b]))
                for (c, n) in parts[k].guardedCodes { guarded[tables[b][Int(c)], default: 0] += n }
            } else {
                let map: ByteDictionary.CodeMap = k == startIndex ? .shift(0) : dictionary.absorb(parts[k].dictionary)
                parts[k].dictionary = ByteDictionary()
                translate(parts[k].codes, into: &codes, at: from, map: map)
                for (c, n) in parts[k].guardedCodes { guarded[map.code(c), default: 0] += n }
            }
            parts[k].codes = []
            parts[k].shared = nil
        }
        // The threads' dictionaries of this column are used up: their memory goes to the columns merged next.
        for box in boxes { box.dictionary = ByteDictionary() }
        if skipped {
            // Code the values again in order of first appearance, dropping keys that only a piece read
            // again (and not kept) had added.
            var recoded = [Int32](repeating: -1, count: dictionary.count)
            var order: [Int32] = []
            for r in codes.indices where codes[r] >= 0 {
                let c = Int(codes[r])
                if recoded[c] < 0 {
                    recoded[c] = Int32(truncatingIfNeeded: order.count)
                    order.append(Int32(truncatingIfNeeded: c))
                }
                codes[r] = recoded[c]
            }
            dictionary = dictionary.reordered(order)
            guarded = Dictionary(uniqueKeysWithValues: guarded.map { (recoded[Int($0.key)], $0.value) })
        }
        return (codes, dictionary, guarded)
    }

    /// ``mergeText(_:rows:)`` when each thread read consecutive pieces in order and every code of its
    /// dictionary belongs to a kept part (no piece was read again), other pieces having dictionaries of their
    /// own (taken from the end of another thread's run): the first run's dictionary (or the first piece's
    /// own) is then coded in order of first appearance already and is kept as it is, with its parts' codes;
    /// the other dictionaries are added after it in file order, and only their parts' codes are translated.
    /// `nil` (and nothing changed) otherwise.
    static func mergeRuns(_ parts: inout [ColumnPart], rows: Int)
        -> (codes: [Int32], dictionary: ByteDictionary, guarded: [Int32: Int])?
    {
        // The runs of parts that share a dictionary, each a different one, and the parts with their own.
        var runs: [(box: DictionaryBox?, parts: Range<Int>)] = []
        for k in parts.indices {
            guard let box = parts[k].shared else {
                runs.append((nil, k..<(k + 1)))
                continue
            }
            let next = parts[k].newCodes.lowerBound
            if let last = runs.last, last.box === box {
                guard parts[k - 1].newCodes.upperBound == next else { return nil }
                runs[runs.count - 1].parts = last.parts.lowerBound..<(k + 1)
            } else {
                guard next == 0, !runs.contains(where: { $0.box === box }) else { return nil }
                runs.append((box, k..<(k + 1)))
            }
        }
        guard runs.contains(where: { $0.box != nil }),
            runs.allSatisfy({ run in
                run.box.map { parts[run.parts.upperBound - 1].newCodes.upperBound == $0.dictionary.count } ?? true
            })
        else { return nil }
        func take(_ run: (box: DictionaryBox?, parts: Range<Int>)) -> ByteDictionary {
            if let box = run.box { return box.take() }
            var own = ByteDictionary()
            swap(&own, &parts[run.parts.lowerBound].dictionary)
            return own
        }
        guard let first = runs.first else { return nil }
        var dictionary = take(first)
        var codes = [Int32](repeating: -1, count: rows)
        var guarded: [Int32: Int] = [:]
        var offset = 0
        for k in first.parts {
            defer { offset += parts[k].rows }
            guard parts[k].type != nil else { continue }
            let from = offset
            codes.withUnsafeMutableBufferPointer { out in
                parts[k].codes.withUnsafeBufferPointer { source in
                    guard let o = out.baseAddress, let s = source.baseAddress else { return }
                    (o + from).update(from: s, count: source.count)
                }
            }
            for (c, n) in parts[k].guardedCodes { guarded[c, default: 0] += n }
            parts[k].codes = []
            parts[k].shared = nil
        }
        for run in runs.dropFirst() {
            let other = take(run)
            dictionary.reserveStorage(entries: other.count, bytes: other.keyBytes)
            let map = dictionary.absorb(other)
            for k in run.parts {
                defer { offset += parts[k].rows }
                guard parts[k].type != nil else { continue }
                translate(parts[k].codes, into: &codes, at: offset, map: map)
                for (c, n) in parts[k].guardedCodes { guarded[map.code(c), default: 0] += n }
                parts[k].codes = []
                parts[k].shared = nil
            }
        }
        return (codes, dictionary, guarded)
    }

    /// Writes `source`'s codes translated by `map` into `out` from `start` (null stays -1).
    private static func translate(_ source: [Int32], into out: inout [Int32], at start: Int, map: ByteDictionary.CodeMap) {
        out.withUnsafeMutableBufferPointer { out in
            source.withUnsafeBufferPointer { source in
                switch map {
                case .shift(let base):
                    for r in 0..<source.count {
                        let c = source[r]
                        out[start + r] = c < 0 ? -1 : c &+ base
                    }
                case .table(let table):
                    table.withUnsafeBufferPointer { t in
                        for r in 0..<source.count {
                            let c = source[r]
                            out[start + r] = c < 0 ? -1 : t[Int(c)]
                        }
                    }
                }
            }
        }
    }

    /// A text column's profile: evidence by classifying each distinct value once, weighed by how often it occurs.
    private static func text(
        codes: [Int32], dictionary: ByteDictionary, guardedCodes: [Int32: Int], nullCount: Int, inferTypes: Bool
    ) -> InferredColumn {
        // Most text columns (names, ids, categories) have no value that reads as another type: their evidence
        // is every non-null cell as text, without counting the cells of each value.
        let kinds = inferTypes ? (0..<dictionary.count).map { dictionary.classify(entry: $0) } : []
        if !kinds.contains(where: { $0 != .text }) {
            let nonNull = codes.count - nullCount
            return InferredColumn(
                data: .text(codes: codes, dictionary: dictionary.strings()), evidence: nonNull > 0 ? [.text: nonNull] : [:],
                nullCount: nullCount, distinctCount: dictionary.count)
        }
        // (32-bit counts: a column of unique ids has as many codes as rows.)
        var perCode = [UInt32](repeating: 0, count: dictionary.count)
        perCode.withUnsafeMutableBufferPointer { counts in
            for c in codes where c >= 0 { counts[Int(c)] += 1 }
        }
        for (c, g) in guardedCodes { perCode[Int(c)] -= UInt32(truncatingIfNeeded: g) }
        // Counts by type in ColumnType.allCases order: integer, decimal, date, boolean, text.
        var byType = [0, 0, 0, 0, guardedCodes.values.reduce(0, +)]
        for (c, n) in perCode.enumerated() where n > 0 {
            let count = Int(n)
            switch kinds[c] {
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

/// A dictionary one reading thread carries from piece to piece (see ``ColumnPart/shared``).
///
/// `@unchecked Sendable`: the thread that reads the pieces is the only one to change it, and the thread
/// that joins the column's parts only reads it, after every piece is read.
final class DictionaryBox: @unchecked Sendable {
    var dictionary = ByteDictionary()

    /// Takes the dictionary out, leaving an empty one.
    func take() -> ByteDictionary {
        var out = ByteDictionary()
        swap(&out, &dictionary)
        return out
    }
}
