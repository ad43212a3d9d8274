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
    ///   - rule: ``CellRule/suppress(minCell:)`` (default 5) or ``CellRule/round(base:seed:)``.
    /// - Throws: ``ReductionError`` for an unknown column, a non-numeric sum column, a threshold or base
    ///   below 1, an empty table, or a table too large to hold with its marginals.
    public static func aggregate(
        _ table: Table, by: [String], sum: [String] = [], rule: CellRule = .standard
    ) throws(ReductionError) -> AggregateTable {
        guard !by.isEmpty else { throw .disclosure(.noKeys) }
        switch rule {
        case .suppress(let t): guard t >= 1 else { throw .disclosure(.thresholdNotPositive(t)) }
        case .round(let base, _): guard base >= 1 else { throw .invalidRoundingBase(base) }
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
        guard table.rowCount > 0 else { throw .disclosure(.emptyTable) }

        let encoded = dimensionColumns.map(DimensionEncoding.init(column:))
        var grid = try AggregateGrid(sizes: encoded.map(\.categories.count), measures: sum.count)
        grid.accumulate(codes: encoded.map(\.codes), sums: sumValues)
        grid.fillMargins()

        var protection = CellProtection(grid: grid)
        switch rule {
        case .suppress(let threshold): protection.suppress(threshold: threshold)
        case .round(let base, let seed): protection.round(base: base, seed: seed)
        }
        let dimensions = zip(by, encoded).map { AggregateTable.Dimension(name: $0, categories: $1.categories) }
        return protection.table(dimensions: dimensions, sumColumns: sum, rule: rule, rows: table.rowCount)
    }
}

/// Sorted category codes of one dimension column: `codes[row]` indexes `categories`.
struct DimensionEncoding {
    var codes: [Int32]
    var categories: [String?]

    init(column: Column) {
        switch column.data {
        case .text(let c, let dictionary):
            // One pass for the codes used and whether any row is missing, one to translate.
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
            let missing = Int32(order.count)
            var rank = [Int32](repeating: missing, count: dictionary.count + 1)
            for (r, j) in order.enumerated() { rank[j + 1] = Int32(r) }
            // rank[0] is the missing category, so a code c maps to rank[c + 1] without a branch.
            var out = [Int32](repeating: 0, count: c.count)
            out.withUnsafeMutableBufferPointer { o in
                c.withUnsafeBufferPointer { source in
                    rank.withUnsafeBufferPointer { r in
                        for i in 0..<source.count { o[i] = r[Int(max(source[i], -1)) &+ 1] }
                    }
                }
            }
            codes = out
            categories = order.map { dictionary[$0] } + (hasMissing ? [nil] : [])
        case .integer(let v, let nulls): (codes, categories) = Self.sorted(v, nulls) { String($0) }
        case .decimal(let v, let nulls): (codes, categories) = Self.sorted(v.map { $0 == 0 ? 0 : $0 }, nulls) { "\($0)" }
        case .date(let v, let nulls): (codes, categories) = Self.sorted(v, nulls) { ValueFormatting.date($0) }
        case .boolean(let v, let nulls): (codes, categories) = Self.sorted(v.map { $0 ? 1 : 0 }, nulls) { $0 == 1 ? "true" : "false" }
        }
    }

    private static func sorted<T: Hashable & Comparable>(
        _ values: [T], _ nulls: NullMask, label: (T) -> String
    ) -> ([Int32], [String?]) {
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
        var rank = [Int32](repeating: 0, count: distinct.count)
        for (r, entry) in distinct.enumerated() { rank[Int(entry.value)] = Int32(r) }
        let missing = Int32(distinct.count)
        let codes = raw.map { $0 >= 0 ? rank[Int($0)] : missing }
        return (codes, distinct.map { label($0.key) } + (nulls.hasNulls ? [nil] : []))
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

    mutating func accumulate(codes: [[Int32]], sums values: [[Double]]) {
        let n = codes.first?.count ?? 0
        var index = [Int](repeating: 0, count: n)
        index.withUnsafeMutableBufferPointer { ix in
            for d in codes.indices {
                let s = strides[d]
                codes[d].withUnsafeBufferPointer { c in
                    for i in 0..<n { ix[i] &+= Int(c[i]) &* s }
                }
            }
            counts.withUnsafeMutableBufferPointer { cells in
                for i in 0..<n { cells[ix[i]] &+= 1 }
            }
        }
        for m in values.indices {
            for i in 0..<n { sums[m][index[i]] += values[m][i] }
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
