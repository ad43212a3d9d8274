/// Protects the cells of an ``AggregateGrid``: cell suppression (primary and secondary) or random rounding.
struct CellProtection {
    var grid: AggregateGrid
    /// Per cell: 0 published, 1 primary, 2 secondary.
    var status: [UInt8]
    var publishedCounts: [Int]
    var publishedSums: [[Double]]
    var roundedCells = 0
    /// Margins a rounding could not keep within `base − 1` (tables of three or more dimensions only).
    var roundingShortfall: AggregateTable.RoundingShortfall?

    init(grid: AggregateGrid) {
        self.grid = grid
        status = [UInt8](repeating: 0, count: grid.cellCount)
        publishedCounts = grid.counts
        publishedSums = grid.sums
    }

    // MARK: - Suppression

    /// The threshold whose pattern every higher threshold's pattern contains (``suppress(threshold:)``): the
    /// smallest cell pim publishes under its sharing policy, whoever asks.
    static let nestingFloor = CellKeyPerturbation.publishedMinCell

    /// Primary suppression of `0 < count < threshold` (marginals included), then secondary suppression:
    /// a hypercube of complements around every primary cell (see ``protect(_:)``), then the line rule.
    ///
    /// Above ``nestingFloor`` the table is first suppressed at the floor, and the cells from the floor up to
    /// `threshold` are suppressed on top of that pattern. So the same table asked at two thresholds (two
    /// agreements' minimum cells, two `--min-cell`) never publishes a cell that the floor's table hides: each
    /// publishes a part of what the floor's table publishes, with the same values, and the two together tell no
    /// more than it. Patterns chosen afresh per threshold took different complements, and a small cell was the
    /// margin minus the complements one table or the other published (QA11 C16: 16 − 5 − 8 = 3 households).
    /// - Throws: ``ReductionError/cannotProtect(cells:)`` when some small cell has no hypercube of non-empty
    ///   cells around it (a table too sparse to publish at this detail).
    mutating func suppress(threshold: Int) throws(ReductionError) {
        if threshold > Self.nestingFloor { try suppress(from: 1, below: Self.nestingFloor) }
        try suppress(from: threshold > Self.nestingFloor ? Self.nestingFloor : 1, below: threshold)
    }

    /// Primary suppression of the counts in `smallest..<threshold` (each given its own hypercube, also when an
    /// earlier pattern already hid it as a complement), then the line rule at `threshold`.
    private mutating func suppress(from smallest: Int, below threshold: Int) throws(ReductionError) {
        let primary = grid.counts.indices.filter { grid.counts[$0] >= max(1, smallest) && grid.counts[$0] < threshold }
        for i in primary { status[i] = 1 }
        var unprotected = 0
        for i in primary where !protect(i) { unprotected += 1 }
        if unprotected > 0 { throw .cannotProtect(cells: unprotected) }
        secondary(threshold: threshold)
    }

    /// Suppresses the corners of a hypercube around primary cell `x` so that no linear programming over the
    /// published cells and totals can recompute it (the hypercube method of tau-Argus; Repsilber 1994,
    /// Giessing and Repsilber 2002): in each dimension `d` an alternative coordinate `y[d]` (another category,
    /// or the total when `x` is interior there, or a category when `x` is a total there); the `2^n` cells with
    /// coordinates from `{x[d], y[d]}` are suppressed.
    ///
    /// Why it protects: adding `+ε` to `x` and `±ε` to the other corners (the sign flips once for every
    /// dimension where the pair is two categories, and not where one of the pair is the total, since a total
    /// counts with the opposite sign in its line) changes no line's sum, so every published cell and total stays
    /// the same. An intruder knows each suppressed cell is at least 1 (zeros are never suppressed, and an
    /// absent combination is a zero); the move is possible when every corner that goes down is at least 2, so
    /// every corner, `x` included, keeps a range of possible values. Each corner must hold records (a zero
    /// is known to be zero and cannot move). The chosen hypercube adds the fewest records to the suppressed
    /// ones, trying the three likeliest alternatives in each dimension first, then all.
    /// - Returns: false when no hypercube qualifies.
    ///
    /// With `avoiding`, the alternative in that dimension is none of those coordinates (see
    /// ``protectGroup(_:dimension:)``).
    mutating func protect(_ x: Int, avoiding: (dimension: Int, coordinates: Set<Int>)? = nil) -> Bool {
        guard let (best, _) = hypercube(x, avoiding: avoiding) else { return false }
        for i in best where status[i] == 0 { status[i] = 2 }
        return true
    }

    /// The hypercube ``protect(_:avoiding:)`` would suppress around `x` (its corners) and the records it adds.
    private func hypercube(_ x: Int, avoiding: (dimension: Int, coordinates: Set<Int>)?) -> ([Int], cost: Int)? {
        let n = grid.sizes.count
        var coordinate = [Int](repeating: 0, count: n)
        var rest = x
        for d in 0..<n {
            coordinate[d] = rest / grid.strides[d]
            rest %= grid.strides[d]
        }
        // Alternatives per dimension, the ones whose neighbour of x holds the most records first.
        let alternatives: [[Int]] = (0..<n).map { d in
            let c = coordinate[d]
            let total = grid.sizes[d]
            let excluded = avoiding.flatMap { $0.dimension == d ? $0.coordinates : nil } ?? []
            return (0...total).filter { $0 != c && !excluded.contains($0) }
                .filter { grid.counts[x + ($0 - c) * grid.strides[d]] > 0 }
                .sorted { grid.counts[x + ($0 - c) * grid.strides[d]] > grid.counts[x + ($1 - c) * grid.strides[d]] }
        }
        if alternatives.contains(where: \.isEmpty) { return nil }
        for limit in [3, Int.max] {
            let lists = alternatives.map { Array($0.prefix(limit)) }
            if let best = bestHypercube(x, coordinate: coordinate, lists: lists) { return best }
            if lists.elementsEqual(alternatives) { break }
        }
        return nil
    }

    /// Protects the sum of `group`, suppressed cells of one line along `dimension` whose total is published:
    /// the cheapest hypercube around one of them whose alternative in `dimension` is outside the group. Its
    /// move changes that one member and no other, so the group's sum moves with it and can no longer be read
    /// from any combination of published cells and totals, the line's own or others'.
    /// - Returns: false when no member has such a hypercube.
    private mutating func protectGroup(_ group: [Int], dimension: Int) -> Bool {
        let coordinates = Set(group.map { $0 / grid.strides[dimension] % grid.extents[dimension] })
        var best: ([Int], cost: Int)?
        for x in group {
            guard let found = hypercube(x, avoiding: (dimension, coordinates)) else { continue }
            if best.map({ found.cost < $0.cost }) ?? true { best = found }
        }
        guard let (corners, _) = best else { return false }
        for i in corners where status[i] == 0 { status[i] = 2 }
        return true
    }

    /// The qualifying hypercube (its corners' cell indices) that adds the fewest records, over every choice of
    /// one alternative per dimension from `lists` (at most about 200,000 choices are tried).
    private func bestHypercube(_ x: Int, coordinate: [Int], lists: [[Int]]) -> ([Int], cost: Int)? {
        let n = lists.count
        var pick = [Int](repeating: 0, count: n)
        var best: ([Int], cost: Int)?
        var bestCost = Int.max
        var corners = [Int](repeating: 0, count: 1 << n)
        var tried = 0
        while tried < 200_000 {
            tried += 1
            // Corner m: bit d set means coordinate y[d] in dimension d.
            var ok = true
            var cost = 0
            var upCanMove = true
            var downCanMove = grid.counts[x] >= 2
            for m in 0..<(1 << n) {
                var index = x
                var sign = 1
                for d in 0..<n where m & (1 << d) != 0 {
                    let y = lists[d][pick[d]]
                    index += (y - coordinate[d]) * grid.strides[d]
                    if y != grid.sizes[d] && coordinate[d] != grid.sizes[d] { sign = -sign }
                }
                corners[m] = index
                let count = grid.counts[index]
                if count <= 0 {
                    ok = false
                    break
                }
                if m != 0 {
                    // +ε on x lowers the corners of sign −1; −ε lowers x and those of sign +1.
                    if count < 2 { if sign < 0 { upCanMove = false } else { downCanMove = false } }
                    if status[index] == 0 { cost += count }
                }
            }
            if ok && (upCanMove || downCanMove) && cost < bestCost {
                bestCost = cost
                best = (corners, cost)
            }
            // The next choice (an odometer over the lists).
            var d = 0
            while d < n {
                pick[d] += 1
                if pick[d] < lists[d].count { break }
                pick[d] = 0
                d += 1
            }
            if d == n { break }
        }
        return best
    }

    /// Adds complementary suppressions until every line (the cells along one dimension with all other
    /// coordinates fixed, its total included) holds zero or at least two suppressed cells.
    ///
    /// With exactly one suppressed cell in a line, that cell equals the line's total minus the published
    /// cells; a second suppressed cell leaves two unknowns. The complement is the smallest non-zero
    /// published cell of the line (interior cells before the total on ties, then the first), which loses the
    /// least information. Suppressing a cell can leave another line with one suppressed cell, so sweeps repeat
    /// until nothing changes. Zeros are never used as complements: an absent combination is known to be empty.
    ///
    /// After the hypercubes of ``protect(_:)`` every line with a suppressed cell already holds two, so this
    /// is a safety net (and what protects a table whose cells were marked by hand, as in tests).
    ///
    /// With a `threshold`, a line whose total is published and whose suppressed cells hold together between 1
    /// and `threshold − 1` records gets a hypercube around one of them that moves the group's sum
    /// (``protectGroup(_:dimension:)``): the total minus the published cells gives that sum, and a group as
    /// small as a small cell is a small cell (a, 10; b, 1; c, 2 published as a and the total says b + c = 3,
    /// and the one person in b knows that c is 2). Only when no hypercube qualifies does it get a single
    /// complement (the line's smallest non-zero published cell). A single complement was the rule before, and
    /// other lines could pin it: in `[[3, 11, 2], [0, 2, 0], [0, 1, 11]]` at 5 the complement 11 of column 1
    /// was the grand total minus row 0 and the two other rows, read back from the published cells.
    mutating func secondary(threshold: Int? = nil) {
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
                        if suppressed >= 2, let threshold, status[base + (extent - 1) * inner] == 0 {
                            // The line's total (its last cell) is published: the suppressed cells' sum is known.
                            let group = (0..<(extent - 1)).map { base + $0 * inner }.filter { status[$0] != 0 }
                            let sum = group.reduce(0) { $0 + grid.counts[$1] }
                            guard sum > 0 && sum < threshold else { continue }
                            if protectGroup(group, dimension: d) {
                                changed = true
                                continue
                            }
                        } else {
                            guard suppressed == 1 else { continue }
                        }
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

    /// Random rounding of every cell and margin to a multiple of `base`, reproducible from `seed`, such that
    /// every published margin is the sum of its published cells.
    ///
    /// One- and two-dimensional tables get unbiased controlled rounding (``ControlledRounding``, Cox 1987):
    /// every count, margins included, becomes the multiple of `base` just below or just above it (so never
    /// more than `base − 1` away), with the true value as its expected value. Tables of more dimensions get
    /// the same where the table allows it (``MultiwayRounding``); when it does not, every cell is still
    /// within `base − 1` and every margin the sum of its cells, and the few margins further away are counted
    /// in ``roundingShortfall``. Sums are rounded independently per cell and margin (unbiased, within
    /// `base`; they need not add up).
    /// - Returns: the method used, for the published table's note.
    /// - Throws: ``ReductionError/roundingFailed`` if the table's margins were not the sums of their lines.
    mutating func round(base: Int, seed: UInt64) throws(ReductionError) -> AggregateTable.RoundingMethod {
        var g = SeededGenerator(seed: seed)
        let method: AggregateTable.RoundingMethod
        switch grid.sizes.count {
        case 1:
            // As a bordered two-way table with one column: (cell, its own "row total") per category.
            let n = grid.extents[0]
            var matrix = [Int](repeating: 0, count: n * 2)
            for i in 0..<n {
                matrix[2 * i] = grid.counts[i]
                matrix[2 * i + 1] = grid.counts[i]
            }
            guard let rounded = ControlledRounding.round(matrix, rows: n, columns: 2, base: base, using: &g) else {
                throw .roundingFailed
            }
            for i in 0..<n { publishedCounts[i] = rounded[2 * i] }
            method = .controlled
        case 2:
            // The grid is already the bordered matrix: row-major, the total slot last in each dimension.
            guard let rounded = ControlledRounding.round(
                grid.counts, rows: grid.extents[0], columns: grid.extents[1], base: base, using: &g)
            else { throw .roundingFailed }
            publishedCounts = rounded
            method = .controlled
        default:
            guard let rounded = MultiwayRounding.round(grid, base: base, using: &g) else {
                throw .roundingFailed
            }
            publishedCounts = rounded.values
            if rounded.totalsOff == 0 {
                method = .controlled
            } else {
                method = .additive
                roundingShortfall = AggregateTable.RoundingShortfall(totals: rounded.totalsOff, furthest: rounded.furthest)
            }
        }
        for i in grid.counts.indices where grid.counts[i] > 0 {
            if publishedCounts[i] != grid.counts[i] { roundedCells += 1 }
            for m in grid.sums.indices {
                publishedSums[m][i] = Self.round(grid.sums[m][i], base: Double(base), using: &g)
            }
        }
        return method
    }

    // MARK: - Cell key

    /// Publishes every cell and margin perturbed by its cell key (see ``CellKeyPerturbation``).
    mutating func perturb(_ perturbation: CellKeyPerturbation) {
        for i in grid.counts.indices where grid.counts[i] > 0 {
            let key = i < grid.keys.count ? grid.keys[i] : 0
            publishedCounts[i] = perturbation.published(count: grid.counts[i], cellKey: key)
            if publishedCounts[i] != grid.counts[i] { roundedCells += 1 }
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
        dimensions: [AggregateTable.Dimension], sumColumns: [String], rule: CellRule, rows: Int,
        rounding: AggregateTable.RoundingMethod? = nil
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
            dimensions: dimensions, sumColumns: sumColumns, rule: rule, cells: cells, marginals: marginals, loss: loss,
            rounding: rounding, roundingShortfall: roundingShortfall)
    }
}
