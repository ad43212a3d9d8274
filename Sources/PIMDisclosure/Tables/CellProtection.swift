/// Protects the cells of an ``AggregateGrid``: cell suppression (primary and secondary) or random rounding.
struct CellProtection {
    var grid: AggregateGrid
    /// Per cell: 0 published, 1 primary, 2 secondary.
    var status: [UInt8]
    var publishedCounts: [Int]
    var publishedSums: [[Double]]
    var roundedCells = 0

    init(grid: AggregateGrid) {
        self.grid = grid
        status = [UInt8](repeating: 0, count: grid.cellCount)
        publishedCounts = grid.counts
        publishedSums = grid.sums
    }

    // MARK: - Suppression

    /// Primary suppression of `0 < count < threshold` (marginals included), then secondary suppression.
    mutating func suppress(threshold: Int) {
        for i in grid.counts.indices where grid.counts[i] > 0 && grid.counts[i] < threshold { status[i] = 1 }
        secondary()
    }

    /// Adds complementary suppressions until every line (the cells along one dimension with all other
    /// coordinates fixed, its total included) holds zero or at least two suppressed cells.
    ///
    /// With exactly one suppressed cell in a line, that cell equals the line's total minus the published
    /// cells; a second suppressed cell leaves two unknowns. The complement is the smallest non-zero
    /// published cell of the line (interior cells before the total on ties, then the first), which loses the
    /// least information. Suppressing a cell can leave another line with one suppressed cell, so sweeps repeat
    /// until nothing changes. Zeros are never used as complements: an empty cell is usually known to be empty.
    ///
    /// This is the line rule of the issue; it stops recomputation from any single line, not every attack by
    /// linear programming over several lines (an audit such as tau-Argus's would be needed for that).
    mutating func secondary() {
        var changed = true
        while changed {
            changed = false
            for d in grid.sizes.indices {
                let inner = grid.strides[d]
                let extent = grid.extents[d]
                let outer = grid.cellCount / (extent * inner)
                for o in 0..<outer {
                    for t in 0..<inner {
                        let base = o * extent * inner + t
                        var suppressed = 0
                        for j in 0..<extent where status[base + j * inner] != 0 { suppressed += 1 }
                        guard suppressed == 1 else { continue }
                        var best = -1
                        for j in 0..<extent {
                            let i = base + j * inner
                            guard status[i] == 0, grid.counts[i] > 0 else { continue }
                            if best < 0 || grid.counts[i] < grid.counts[best] { best = i }
                        }
                        if best >= 0 {
                            status[best] = 2
                            changed = true
                        }
                    }
                }
            }
        }
        for i in status.indices where status[i] != 0 {
            publishedCounts[i] = 0
            for m in publishedSums.indices { publishedSums[m][i] = 0 }
        }
    }

    // MARK: - Rounding

    /// Unbiased random rounding of every non-empty cell and margin to a multiple of `base`.
    ///
    /// A value `x = q·base + r` becomes `(q+1)·base` with probability `r/base` and `q·base` otherwise, so its
    /// expected value is `x` and it is never more than `base − 1` away. Margins are rounded independently of
    /// the cells (so a rounded table need not add up, but every published figure is within `base` of the
    /// truth). Cells are visited in grid order with one generator seeded by `seed`, so the same seed gives
    /// the same table. Sums are rounded the same way.
    mutating func round(base: Int, seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for i in grid.counts.indices where grid.counts[i] > 0 {
            let x = grid.counts[i]
            let r = x % base
            var y = x - r
            if r != 0 && Int(g.next(upperBound: UInt64(base))) < r { y += base }
            publishedCounts[i] = y
            if y != x { roundedCells += 1 }
            for m in grid.sums.indices {
                publishedSums[m][i] = Self.round(grid.sums[m][i], base: Double(base), using: &g)
            }
        }
    }

    static func round(_ x: Double, base: Double, using g: inout SeededGenerator) -> Double {
        guard x.isFinite, let q = floorInteger(x / base) else { return x }
        let lower = Double(q) * base
        let fraction = (x - lower) / base
        guard fraction > 0 else { return lower }
        return g.nextUnitInterval() < fraction ? lower + base : lower
    }

    // MARK: - Output

    func table(
        dimensions: [AggregateTable.Dimension], sumColumns: [String], rule: CellRule, rows: Int
    ) -> AggregateTable {
        var cells: [AggregateTable.Cell] = []
        var marginals: [AggregateTable.Cell] = []
        var primary = 0
        var secondary = 0
        for i in grid.counts.indices where grid.counts[i] > 0 {
            let s: AggregateTable.CellStatus = status[i] == 1 ? .primary : status[i] == 2 ? .secondary : .published
            if s == .primary { primary += 1 }
            if s == .secondary { secondary += 1 }
            let cell = AggregateTable.Cell(
                coordinates: grid.coordinates(of: i), count: grid.counts[i], sums: grid.sums.map { $0[i] },
                status: s, publishedCount: s == .published ? publishedCounts[i] : nil,
                publishedSums: s == .published ? publishedSums.map { $0[i] } : nil)
            if cell.isMarginal { marginals.append(cell) } else { cells.append(cell) }
        }
        let loss = InformationLoss(
            rows: rows,
            cells: .init(
                cells: cells.count + marginals.count, primarySuppressed: primary, secondarySuppressed: secondary,
                rounded: roundedCells))
        return AggregateTable(
            dimensions: dimensions, sumColumns: sumColumns, rule: rule, cells: cells, marginals: marginals, loss: loss)
    }
}
