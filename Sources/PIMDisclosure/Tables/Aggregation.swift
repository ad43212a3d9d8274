import PIMTable

/// Builds protected aggregate tables (counts and sums by dimensions) from microdata.
public enum Aggregation {
    /// The most cells (interior and marginals) an aggregate table may have.
    public static let cellLimit = 1 << 24

    /// Counts (and sums) records by the `by` columns, with every margin, and protects the cells by `rule`.
    ///
    ///     let t = try Aggregation.aggregate(table, by: ["adm1_code", "sex", "age_band", "month"])
    ///     let csv = try t.table()   // one row per non-empty cell, suppressed counts null, flag column
    ///
    /// Categories are the values present, sorted (text by UTF-8 bytes, numbers numerically, missing last).
    /// Null values in a sum column contribute nothing to the sum. Sums follow their cell's count: they are
    /// suppressed with it, and published otherwise. (A dominance rule for sums, such as p%, is not applied:
    /// a sum over five records can still reveal one large contributor.)
    /// - Parameters:
    ///   - by: dimension columns (any type), at least one, each named once.
    ///   - sum: numeric (integer or decimal) columns to sum per cell.
    ///   - rule: ``CellRule/suppress(minCell:)`` (default 5), ``CellRule/round(base:seed:)`` (controlled
    ///     rounding: every margin is the sum of its rounded cells; see ``AggregateTable/RoundingMethod``) or
    ///     ``CellRule/cellKey(minCell:maxChange:)``.
    ///   - recordKeys: under ``CellRule/cellKey(minCell:maxChange:)``, each row's secret random key (uniform
    ///     over `UInt32`, kept by the producer, the same for a record whatever table is asked of it).
    ///   - frequency: an integer column saying how many units (persons) each row stands for, when rows are
    ///     figures rather than records (population figures by location, sex and age): each cell then counts
    ///     the sum of its rows' frequencies, and suppression or rounding applies to those counts. A null
    ///     frequency counts 0.
    /// - Throws: ``ReductionError`` for an unknown column, a non-numeric sum column, a threshold or base
    ///   below 1, an empty table, a table too large to hold with its marginals, a cell-key rule without a
    ///   key per row or with sums or frequencies, or a frequency column that is not integer or holds a
    ///   negative number.
    public static func aggregate(
        _ table: Table, by: [String], sum: [String] = [], rule: CellRule = .standard, recordKeys: [UInt32]? = nil,
        frequency: String? = nil
    ) throws(ReductionError) -> AggregateTable {
        guard !by.isEmpty else { throw .disclosure(.noKeys) }
        switch rule {
        case .suppress(let t): guard t >= 1 else { throw .disclosure(.thresholdNotPositive(t)) }
        case .round(let base, _):
            guard base >= 1 else { throw .invalidRoundingBase(base) }
            // (QA11 S18: a one-person cell's income came out within ±5, directly or from the sum margins.)
            guard sum.isEmpty else { throw .roundingWithSums }
        case .cellKey(let t, let change):
            guard t >= 1 else { throw .disclosure(.thresholdNotPositive(t)) }
            guard change >= 1 else { throw .parameterNotPositive(name: "the largest change of a count", value: change) }
            guard let keys = recordKeys, keys.count == table.rowCount else {
                throw .recordKeysMissing(rows: table.rowCount, keys: recordKeys?.count ?? 0)
            }
            guard sum.isEmpty, frequency == nil else { throw .cellKeyWithSums }
        }
        var dimensionColumns: [Column] = []
        for name in by {
            let c = try table.reductionColumn(name)
            guard !dimensionColumns.contains(where: { $0.name == name }) else { throw .repeatedColumn(name) }
            dimensionColumns.append(c)
        }
        var sumValues: [[Double]] = []
        for name in sum {
            let c = try table.reductionColumn(name)
            switch c.data {
            case .integer(let v, let nulls): sumValues.append(v.indices.map { nulls.isNull($0) ? 0 : Double(v[$0]) })
            case .decimal(let v, let nulls):
                sumValues.append(v.indices.map { nulls.isNull($0) || !v[$0].isFinite ? 0 : v[$0] })
            default: throw .unsupportedColumnType(column: name, found: c.type, expected: [.integer, .decimal])
            }
        }
        var weights: [Int]?
        if let frequency {
            let c = try table.reductionColumn(frequency)
            guard case .integer(let v, let nulls) = c.data else {
                throw .unsupportedColumnType(column: frequency, found: c.type, expected: [.integer])
            }
            var w = [Int](repeating: 0, count: v.count)
            for i in v.indices where !nulls.isNull(i) {
                guard v[i] >= 0 else { throw .negativeFrequency(column: frequency, row: i) }
                w[i] = Int(v[i])
            }
            weights = w
        }
        guard table.rowCount > 0 else { throw .disclosure(.emptyTable) }

        let encoded = DimensionEncoding.encode(dimensionColumns)
        var grid = try AggregateGrid(sizes: encoded.map(\.categories.count), measures: sum.count)
        if case .cellKey = rule, let recordKeys {
            grid.accumulate(encoded, sums: [], recordKeys: recordKeys)
        } else {
            grid.accumulate(encoded, sums: sumValues, weights: weights)
        }
        grid.fillMargins()

        var protection = CellProtection(grid: grid)
        var rounding: AggregateTable.RoundingMethod?
        switch rule {
        case .suppress(let threshold): try protection.suppress(threshold: threshold)
        case .round(let base, let seed): rounding = try protection.round(base: base, seed: seed)
        case .cellKey(let minCell, let change):
            protection.perturb(CellKeyPerturbation(minCell: minCell, maxChange: change))
        }
        let dimensions = zip(by, encoded).map { AggregateTable.Dimension(name: $0, categories: $1.categories) }
        return protection.table(
            dimensions: dimensions, sumColumns: sum, rule: rule, rows: table.rowCount, rounding: rounding)
    }
}

/// The sorted categories of one dimension column, and each row's: row `i` is in category
/// `rank[Int(rowCodes[i]) + 1]` (slot 0 of `rank` is the missing category, for row code -1), so that
/// the rows' own codes serve without a translated copy.
struct DimensionEncoding: Sendable {
    var rowCodes: [Int32]
    var rank: [Int32]
    var categories: [String?]

    /// Each column's encoding; on large tables the columns are shared between two threads.
    static func encode(_ columns: [Column]) -> [DimensionEncoding] {
        guard columns.count > 1, (columns.first?.count ?? 0) >= 1 << 16 else { return columns.map(Self.init(column:)) }
        let slots = ParallelSlots<DimensionEncoding>(count: columns.count)
        ParallelWork.forEach(columns.count, threads: 2) { k in slots.set(k, DimensionEncoding(column: columns[k])) }
        return slots.values.enumerated().map { k, e in e ?? DimensionEncoding(column: columns[k]) }
    }

    init(column: Column) {
        switch column.data {
        case .text(let c, let dictionary):
            // One pass for the codes used and whether any row is missing; the rows keep their codes.
            var used = [Bool](repeating: false, count: dictionary.count)
            var hasMissing = false
            used.withUnsafeMutableBufferPointer { u in
                c.withUnsafeBufferPointer { source in
                    for x in source {
                        if x >= 0 { u[Int(x)] = true } else { hasMissing = true }
                    }
                }
            }
            var order = dictionary.indices.filter { used[$0] }
            order.sort { dictionary[$0].utf8.lexicographicallyPrecedes(dictionary[$1].utf8) }
            var rank = [Int32](repeating: Int32(order.count), count: dictionary.count + 1)
            for (r, j) in order.enumerated() { rank[j + 1] = Int32(r) }
            self.rowCodes = c
            self.rank = rank
            categories = order.map { dictionary[$0] } + (hasMissing ? [nil] : [])
        case .integer(let v, let nulls): (rowCodes, rank, categories) = Self.sorted(v, nulls) { String($0) }
        case .decimal(let v, let nulls): (rowCodes, rank, categories) = Self.sorted(v.map { $0 == 0 ? 0 : $0 }, nulls) { "\($0)" }
        case .date(let v, let nulls): (rowCodes, rank, categories) = Self.sorted(v, nulls) { ValueFormatting.date($0) }
        case .boolean(let v, let nulls): (rowCodes, rank, categories) = Self.sorted(v.map { $0 ? 1 : 0 }, nulls) { $0 == 1 ? "true" : "false" }
        }
    }

    /// Row codes in order of first appearance (-1 for null), the rank of each (slot 0: missing) and the labels.
    private static func sorted<T: Hashable & Comparable>(
        _ values: [T], _ nulls: NullMask, label: (T) -> String
    ) -> ([Int32], [Int32], [String?]) {
        var index: [T: Int32] = [:]
        var raw = [Int32](repeating: -1, count: values.count)
        for i in values.indices where !nulls.isNull(i) {
            if let c = index[values[i]] {
                raw[i] = c
            } else {
                let c = Int32(index.count)
                index[values[i]] = c
                raw[i] = c
            }
        }
        let distinct = index.sorted { $0.key < $1.key }
        var rank = [Int32](repeating: Int32(distinct.count), count: distinct.count + 1)
        for (r, entry) in distinct.enumerated() { rank[Int(entry.value) + 1] = Int32(r) }
        return (raw, rank, distinct.map { label($0.key) } + (nulls.hasNulls ? [nil] : []))
    }
}


/// A dense grid over every dimension's categories plus one "total" slot per dimension.
///
/// Layout is row-major with the last dimension fastest; slot `sizes[d]` of dimension d is its total.
struct AggregateGrid {
    let sizes: [Int]
    let extents: [Int]
    let strides: [Int]
    var counts: [Int]
    var sums: [[Double]]
    /// Under the cell-key method, each cell's key: the sum of its records' keys modulo 2^32 (empty otherwise).
    var keys: [UInt32] = []

    init(sizes: [Int], measures: Int) throws(ReductionError) {
        self.sizes = sizes
        extents = sizes.map { $0 + 1 }
        var s = [Int](repeating: 1, count: sizes.count)
        var total = 1
        for d in sizes.indices.reversed() {
            s[d] = total
            let (p, overflow) = total.multipliedReportingOverflow(by: extents[d])
            guard !overflow, p <= Aggregation.cellLimit else {
                throw .tableTooLarge(cells: overflow ? Int.max : p, limit: Aggregation.cellLimit)
            }
            total = p
        }
        strides = s
        counts = [Int](repeating: 0, count: total)
        sums = Array(repeating: [Double](repeating: 0, count: total), count: measures)
    }

    var cellCount: Int { counts.count }

    /// Adds every row to its interior cell, looked up through the dimensions' rank tables (multiplied by
    /// their strides beforehand). Counts only: one fused pass, on a large table two threads each with its
    /// own counts. With sums: each row's cell index is kept and read by the counts and every sum.
    /// With `recordKeys`, each cell also sums its records' keys (modulo 2^32) into ``keys``.
    mutating func accumulate(
        _ dimensions: [DimensionEncoding], sums values: [[Double]], recordKeys: [UInt32]? = nil, weights: [Int]? = nil
    ) {
        let n = dimensions.first?.rowCodes.count ?? 0
        // place[d][c + 1]: the offset that row code c of dimension d adds to the cell index.
        let place: [[Int32]] = dimensions.enumerated().map { d, e in e.rank.map { $0 &* Int32(strides[d]) } }
        let codes = dimensions.map(\.rowCodes)
        if !values.isEmpty || recordKeys != nil || weights != nil {
            // With sums, each row's cell is kept (one pass per dimension) and both counts and sums read it.
            var index = [Int](repeating: 0, count: n)
            index.withUnsafeMutableBufferPointer { ix in
                for d in codes.indices {
                    codes[d].withUnsafeBufferPointer { c in
                        place[d].withUnsafeBufferPointer { t in
                            for i in 0..<n { ix[i] &+= Int(t[Int(c[i]) &+ 1]) }
                        }
                    }
                }
                counts.withUnsafeMutableBufferPointer { cells in
                    if let weights {
                        for i in 0..<n { cells[ix[i]] &+= weights[i] }
                    } else {
                        for i in 0..<n { cells[ix[i]] &+= 1 }
                    }
                }
            }
            for m in values.indices {
                for i in 0..<n { sums[m][index[i]] += values[m][i] }
            }
            if let recordKeys {
                keys = [UInt32](repeating: 0, count: counts.count)
                for i in 0..<n { keys[index[i]] &+= recordKeys[i] }
            }
            return
        }
        let threads = n >= 1 << 16 && counts.count <= 1 << 20 ? 2 : 1
        let parts = ParallelSlots<[Int]>(count: threads)
        let cellCount = counts.count
        let half = n / threads
        ParallelWork.run(threads) { k in
            let from = k * half
            let to = k == threads - 1 ? n : from + half
            var local = [Int](repeating: 0, count: cellCount)
            AggregateGrid.count(codes, place, from, to, into: &local)
            parts.set(k, local)
        }
        for part in parts.values {
            guard let part else { continue }
            for i in counts.indices { counts[i] &+= part[i] }
        }
    }

    /// Counts rows `from..<to` into `cells`, four dimensions per pass (so that most tables take one pass
    /// with no index array).
    private static func count(_ codes: [[Int32]], _ place: [[Int32]], _ from: Int, _ to: Int, into cells: inout [Int]) {
        var index: [Int32] = codes.count > 4 ? [Int32](repeating: 0, count: to - from) : []
        var d = 0
        while d < codes.count {
            let group = min(4, codes.count - d)
            let last = d + group == codes.count
            // Unused slots of the group read a one-entry table through row code -1 (offset 0).
            let zeros: [Int32] = [0]
            let noCodes = [Int32](repeating: -1, count: 0)
            func pick(_ k: Int) -> ([Int32], [Int32]) { k < group ? (codes[d + k], place[d + k]) : (noCodes, zeros) }
            let (c0, t0) = pick(0)
            let (c1, t1) = pick(1)
            let (c2, t2) = pick(2)
            let (c3, t3) = pick(3)
            func row(_ c: UnsafeBufferPointer<Int32>, _ t: UnsafeBufferPointer<Int32>, _ i: Int) -> Int32 {
                c.isEmpty ? 0 : t[Int(c[i]) &+ 1]
            }
            c0.withUnsafeBufferPointer { a0 in
                c1.withUnsafeBufferPointer { a1 in
                    c2.withUnsafeBufferPointer { a2 in
                        c3.withUnsafeBufferPointer { a3 in
                            t0.withUnsafeBufferPointer { p0 in
                                t1.withUnsafeBufferPointer { p1 in
                                    t2.withUnsafeBufferPointer { p2 in
                                        t3.withUnsafeBufferPointer { p3 in
                                            index.withUnsafeMutableBufferPointer { ix in
                                                cells.withUnsafeMutableBufferPointer { out in
                                                    for i in from..<to {
                                                        var cell = row(a0, p0, i) &+ row(a1, p1, i)
                                                        cell &+= row(a2, p2, i) &+ row(a3, p3, i)
                                                        if !ix.isEmpty { cell &+= ix[i &- from] }
                                                        if last {
                                                            out[Int(cell)] &+= 1
                                                        } else {
                                                            ix[i &- from] = cell
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            d += group
        }
    }

    /// Fills every total slot with the sum over its dimension, one dimension after another, which yields
    /// all subtotals and the grand total.
    mutating func fillMargins() {
        for d in sizes.indices {
            let inner = strides[d]
            let outer = counts.count / (extents[d] * inner)
            let c = sizes[d]
            for o in 0..<outer {
                for t in 0..<inner {
                    let base = o * extents[d] * inner + t
                    var total = 0
                    for j in 0..<c { total += counts[base + j * inner] }
                    counts[base + c * inner] = total
                    if !keys.isEmpty {
                        var key: UInt32 = 0
                        for j in 0..<c { key &+= keys[base + j * inner] }
                        keys[base + c * inner] = key
                    }
                    for m in sums.indices {
                        var s = 0.0
                        for j in 0..<c { s += sums[m][base + j * inner] }
                        sums[m][base + c * inner] = s
                    }
                }
            }
        }
    }

    /// The coordinates of cell `index` (nil for a total slot).
    func coordinates(of index: Int) -> [Int?] {
        var out: [Int?] = []
        out.reserveCapacity(sizes.count)
        for d in sizes.indices {
            let c = (index / strides[d]) % extents[d]
            out.append(c == sizes[d] ? nil : c)
        }
        return out
    }
}
