/// Unbiased random rounding of a table of three or more dimensions with all its margins, controlled where the
/// table allows it.
///
/// A two-way table always has a controlled rounding (``ControlledRounding``: every cell and total moves to an
/// adjacent multiple of the base, and the totals still add up). A table of three or more dimensions need not
/// have one (Causey, Cox & Ernst 1985, "Applications of transportation theory to statistical problems", JASA
/// 80:903–909), but usually does, or nearly. This rounds such a table the same way:
///
/// - Each count is taken in units of the base (`x = count / base`), between its floor and ceiling.
/// - A move changes the interior cells along a direction `z` that leaves every total at a bound where it is
///   (its cells' changes sum to zero) and every whole cell where it is; each total moves by the sum of its
///   cells' changes. The step is the largest that keeps every cell and total within its bounds, upwards or
///   downwards, chosen at random with mean zero (so every published count has its true count as expected
///   value). Each move brings at least one cell or total to a bound.
/// - The directions are kept as a basis of the null space of the constraints so far (sparse vectors,
///   updated by elimination as each new cell or total reaches a bound).
/// - When the null space is empty while cells are still fractional (no controlled rounding from here), a few
///   totals at a bound are let go one base further (totals over one dimension first, the grand total last),
///   and the rounding goes on (a total at most twice). Such a total may end up more than `base − 1` from its
///   true value; cells never do.
/// - The work is bounded (``workLimit``): past it, the cells still fractional are rounded by two-way controlled
///   rounding of the table seen as rows (all dimensions but the last) by the last dimension (unbiased, every
///   cell within `base − 1`; the totals over the last dimension, its categories' totals and the grand total
///   within a base of the values so far).
///
/// Every published total is the sum of its published cells, and every cell is within `base − 1` of its true
/// count. The result says how many totals are further than that, and by how much.
enum MultiwayRounding {
    struct Result {
        /// The rounded grid, in the input's layout.
        var values: [Int]
        /// Totals further than `base − 1` from their true value.
        var totalsOff: Int
        /// The largest distance of a total from its true value (in records; 0 when every total is within
        /// `base − 1`).
        var furthest: Int
    }

    /// Interior cells beyond which only the two-way rounding of the fallback is used (the elimination would be
    /// too slow).
    static let interiorLimit = 40_000
    /// The elimination's work (entries visited), about a second: past it, the cells still
    /// fractional are rounded as a two-way table (every cell still within base − 1, more totals off).
    static let workLimit = 400_000_000

    /// Rounds the counts of `grid` (every total the sum of its line). Nil when they are not such a table.
    ///
    /// One attempt only: keeping the better of several would make the published counts depend on which came
    /// out better, and they would no longer have the true counts as expected values.
    static func round(_ grid: AggregateGrid, base: Int, using g: inout SeededGenerator) -> Result? {
        guard base >= 1 else { return nil }
        let problem = Problem(grid: grid, base: base)
        guard problem.valid else { return nil }
        var budget = workLimit
        return problem.solve(controlling: problem.interior.count <= interiorLimit, budget: &budget, using: &g)
    }

    /// A direction: interior variables (indices into ``Problem/interior``) and their coefficients, sorted.
    struct Vector {
        var index: [Int32]
        var value: [Double]
    }

    struct Problem {
        /// The table's layout, its counts, and no sums (only the counts are rounded).
        let grid: AggregateGrid
        let base: Int
        /// Grid indices of the interior cells.
        var interior: [Int] = []
        /// For each grid cell: its interior variable, or -1 for a total.
        var variable: [Int32]
        /// For each grid cell: how many of its coordinates are totals (0 for an interior cell).
        var level: [UInt8]
        var valid = true

        var counts: [Int] { grid.counts }
        var sizes: [Int] { grid.sizes }
        var extents: [Int] { grid.extents }
        var strides: [Int] { grid.strides }

        init(grid source: AggregateGrid, base: Int) {
            var g = source
            g.sums = []
            g.keys = []
            grid = g
            self.base = base
            let n = g.counts.count
            variable = [Int32](repeating: -1, count: n)
            level = [UInt8](repeating: 0, count: n)
            guard g.counts.allSatisfy({ $0 >= 0 }) else {
                valid = false
                return
            }
            for c in 0..<n {
                var l: UInt8 = 0
                for d in g.sizes.indices where (c / g.strides[d]) % g.extents[d] == g.sizes[d] { l += 1 }
                level[c] = l
                if l == 0 {
                    variable[c] = Int32(interior.count)
                    interior.append(c)
                }
            }
            // Every total must be the sum of its line.
            valid = totals(from: g.counts) == g.counts
        }

        /// The grid with `values`' interior cells and every total filled as their sum.
        func totals(from values: [Int]) -> [Int] {
            var g = grid
            g.counts = values
            g.fillMargins()
            return g.counts
        }

        /// The totals an interior cell adds to (every choice of total or own category per dimension, but
        /// not the cell itself).
        func totals(of cell: Int, into out: inout [Int]) {
            out.removeAll(keepingCapacity: true)
            let d = sizes.count
            for mask in 1..<(1 << d) {
                var c = cell
                for k in 0..<d where mask & (1 << k) != 0 {
                    let coordinate = (cell / strides[k]) % extents[k]
                    c += (sizes[k] - coordinate) * strides[k]
                }
                out.append(c)
            }
        }

        /// The interior cells a total sums.
        func members(of cell: Int) -> [Int] {
            var out = [cell]
            for k in sizes.indices where (cell / strides[k]) % extents[k] == sizes[k] {
                let base = out
                out = []
                out.reserveCapacity(base.count * sizes[k])
                for c in base {
                    let at = c - sizes[k] * strides[k]
                    for j in 0..<sizes[k] { out.append(at + j * strides[k]) }
                }
            }
            return out
        }

        /// One attempt; without `controlling`, the cells are only rounded as a two-way table (and the totals summed).
        func solve(controlling: Bool, budget: inout Int, using g: inout SeededGenerator) -> Result {
            let n = counts.count
            let b = Double(base)
            var lower = [Double](repeating: 0, count: n)
            var upper = [Double](repeating: 0, count: n)
            var y = [Double](repeating: 0, count: n)
            for c in 0..<n {
                let q = counts[c] / base
                lower[c] = Double(q)
                upper[c] = Double(counts[c] % base == 0 ? q : q + 1)
                y[c] = Double(counts[c]) / b
            }
            var free = [Bool](repeating: false, count: interior.count)
            var freeCount = 0
            for (v, c) in interior.enumerated() where lower[c] != upper[c] {
                free[v] = true
                freeCount += 1
            }
            var relaxed = [UInt8](repeating: 0, count: n)
            let tolerance = 1e-9

            func atBound(_ c: Int) -> Bool {
                abs(y[c] - lower[c]) <= tolerance * max(1, lower[c]) || abs(y[c] - upper[c]) <= tolerance * max(1, upper[c])
            }
            func freeMembers(_ c: Int) -> [Int32] {
                let all = members(of: c)
                budget -= all.count
                return all.compactMap { m in
                    let v = variable[m]
                    return free[Int(v)] ? v : nil
                }
            }
            // The null space of the constraints: totals at a bound keep their sum; whole cells stay.
            var basis: [Vector] = []
            var mark = [Double](repeating: 0, count: interior.count)
            func rebuild() {
                basis = []
                for v in interior.indices where free[v] { basis.append(Vector(index: [Int32(v)], value: [1])) }
                // The sparsest constraints first: less fill-in.
                var constraints: [[Int32]] = []
                budget -= n
                for c in 0..<n where level[c] > 0 && atBound(c) {
                    let s = freeMembers(c)
                    if s.count > 0 { constraints.append(s) }
                }
                constraints.sort { $0.count < $1.count }
                for s in constraints { impose(s) }
            }
            // Adds the constraint that the variables `s` sum to zero.
            func impose(_ s: [Int32]) {
                for v in s { mark[Int(v)] = 1 }
                defer { for v in s { mark[Int(v)] = 0 } }
                var dots = [Double](repeating: 0, count: basis.count)
                var pivot = -1
                for k in basis.indices {
                    var dot = 0.0
                    let vec = basis[k]
                    budget -= vec.index.count + 1
                    for j in vec.index.indices { dot += mark[Int(vec.index[j])] * vec.value[j] }
                    dots[k] = dot
                    if abs(dot) > 1e-9 && (pivot < 0 || vec.index.count < basis[pivot].index.count) { pivot = k }
                }
                guard pivot >= 0 else { return }
                let p = basis[pivot]
                for k in basis.indices where k != pivot && abs(dots[k]) > 1e-9 {
                    budget -= basis[k].index.count + p.index.count
                    basis[k] = Self.combine(basis[k], p, -dots[k] / dots[pivot])
                }
                basis.remove(at: pivot)
            }
            if controlling { rebuild() }

            var delta = [Double](repeating: 0, count: n)
            var touched: [Int] = []
            var scratch: [Int] = []
            var rounds = 0
            let roundLimit = controlling ? 8 * n + 64 : 0
            while freeCount > 0 && rounds < roundLimit && budget > 0 {
                rounds += 1
                if basis.isEmpty {
                    // No controlled rounding from here: let a few totals at a bound go one base further.
                    var candidates: [Int] = []
                    var bestKey = Int.max
                    budget -= n
                    for c in 0..<n where level[c] > 0 && relaxed[c] < 2 && atBound(c) && !freeMembers(c).isEmpty {
                        let key = Int(relaxed[c]) * 64 + Int(level[c])
                        if key < bestKey {
                            bestKey = key
                            candidates = [c]
                        } else if key == bestKey {
                            candidates.append(c)
                        }
                    }
                    guard !candidates.isEmpty else { break }
                    // (Several at a time: each let-go costs a rebuild of the directions.)
                    for _ in 0..<min(8, candidates.count) {
                        let k = Int(g.next(upperBound: UInt64(candidates.count)))
                        let c = candidates[k]
                        candidates.swapAt(k, candidates.count - 1)
                        candidates.removeLast()
                        relaxed[c] += 1
                        lower[c] -= 1
                        upper[c] += 1
                    }
                    rebuild()
                    continue
                }
                let chosen = Int(g.next(upperBound: UInt64(basis.count)))
                let direction = basis[chosen]
                // The change of every cell and total along it.
                for j in direction.index.indices {
                    let c = interior[Int(direction.index[j])]
                    let dv = direction.value[j]
                    if delta[c] == 0 { touched.append(c) }
                    delta[c] += dv
                    totals(of: c, into: &scratch)
                    for m in scratch {
                        if delta[m] == 0 { touched.append(m) }
                        delta[m] += dv
                    }
                }
                var up = Double.infinity
                var down = Double.infinity
                // (Changes this small are the elimination's rounding noise, not part of the direction.)
                let noise = 1e-8
                for c in touched {
                    let d = delta[c]
                    guard abs(d) > noise else { continue }
                    if d > 0 {
                        up = min(up, (upper[c] - y[c]) / d)
                        down = min(down, (y[c] - lower[c]) / d)
                    } else {
                        up = min(up, (lower[c] - y[c]) / d)
                        down = min(down, (y[c] - upper[c]) / d)
                    }
                }
                up = max(0, up)
                down = max(0, down)
                let step: Double
                if !(up.isFinite && down.isFinite) || up + down <= 0 {
                    step = 0
                } else {
                    step = g.nextUnitInterval() * (up + down) < down ? up : -down
                }
                if step == 0 {
                    // A direction that cannot move (a bound it was not yet kept from): drop it.
                    for c in touched { delta[c] = 0 }
                    touched.removeAll(keepingCapacity: true)
                    basis.remove(at: chosen)
                    continue
                }
                var settled: [Int] = []
                for c in touched {
                    let d = delta[c]
                    delta[c] = 0
                    guard abs(d) > noise else { continue }
                    y[c] += step * d
                    if y[c] < lower[c] { y[c] = lower[c] }
                    if y[c] > upper[c] { y[c] = upper[c] }
                    if atBound(c) {
                        y[c] = abs(y[c] - lower[c]) < abs(y[c] - upper[c]) ? lower[c] : upper[c]
                        settled.append(c)
                    }
                }
                touched.removeAll(keepingCapacity: true)
                // Whole cells leave the variables first, then totals at a bound constrain the rest.
                for c in settled where level[c] == 0 {
                    let v = Int(variable[c])
                    guard free[v] else { continue }
                    free[v] = false
                    freeCount -= 1
                    impose([Int32(v)])
                }
                for c in settled where level[c] > 0 {
                    let s = freeMembers(c)
                    if !s.isEmpty { impose(s) }
                }
            }
            // Whatever is still fractional (only when the work ran out) is rounded by Cox's two-way controlled
            // rounding of its fractions, the table seen as rows (every dimension but the last) by columns (the
            // last): each cell still goes up with probability its fraction (unbiased), and the totals over the
            // last dimension, the totals of its categories and the grand total stay within a base.
            var out = [Int](repeating: 0, count: n)
            var up = [Bool](repeating: false, count: interior.count)
            if freeCount > 0 {
                up = Self.roundFractions(
                    interior.indices.map { v in free[v] ? y[interior[v]] - lower[interior[v]] : 0 }, columns: sizes[sizes.count - 1],
                    using: &g)
            }
            for (v, c) in interior.enumerated() {
                let units = free[v] ? lower[c] + (up[v] ? 1 : 0) : y[c].rounded()
                out[c] = Int(units) * base
            }
            out = totals(from: out)
            var off = 0
            var furthest = 0
            for c in 0..<n where level[c] > 0 {
                let distance = abs(out[c] - counts[c])
                if distance >= base {
                    off += 1
                    furthest = max(furthest, distance)
                }
            }
            return Result(values: out, totalsOff: off, furthest: furthest)
        }

        /// Which of the cells (fractions in 0..<1, row-major with `columns` per row) go up: Cox's controlled
        /// rounding of the fractions (scaled to integers) with their row and column sums, so that each goes up
        /// with probability its fraction and every row's, column's and the grand sum's count of cells that go up
        /// is its sum rounded down or up. Falls back to systematic rounding in order if that fails.
        static func roundFractions(_ fractions: [Double], columns: Int, using g: inout SeededGenerator) -> [Bool] {
            let scale = 1 << 20
            let rows = fractions.count / max(1, columns)
            let width = columns + 1
            var m = [Int](repeating: 0, count: (rows + 1) * width)
            for (v, f) in fractions.enumerated() where f > 0 {
                let x = min(scale - 1, max(1, Int((f * Double(scale)).rounded())))
                let r = v / columns
                let c = v % columns
                m[r * width + c] = x
                m[r * width + columns] += x
                m[rows * width + c] += x
                m[rows * width + columns] += x
            }
            if rows >= 1, columns >= 1, let rounded = ControlledRounding.round(m, rows: rows + 1, columns: width, base: scale, using: &g) {
                return fractions.indices.map { v in rounded[(v / columns) * width + v % columns] >= scale }
            }
            var running = g.nextUnitInterval()
            return fractions.map { f in
                let before = running.rounded(.down)
                running += f
                return running.rounded(.down) > before
            }
        }

        /// `a + factor · b`, dropping entries that cancel.
        static func combine(_ a: Vector, _ b: Vector, _ factor: Double) -> Vector {
            var out = Vector(index: [], value: [])
            out.index.reserveCapacity(a.index.count + b.index.count)
            out.value.reserveCapacity(a.index.count + b.index.count)
            var i = 0
            var j = 0
            while i < a.index.count || j < b.index.count {
                let ai = i < a.index.count ? a.index[i] : Int32.max
                let bj = j < b.index.count ? b.index[j] : Int32.max
                let v: Double
                let at: Int32
                if ai == bj {
                    at = ai
                    v = a.value[i] + factor * b.value[j]
                    i += 1
                    j += 1
                } else if ai < bj {
                    at = ai
                    v = a.value[i]
                    i += 1
                } else {
                    at = bj
                    v = factor * b.value[j]
                    j += 1
                }
                if abs(v) > 1e-12 {
                    out.index.append(at)
                    out.value.append(v)
                }
            }
            return out
        }
    }
}
