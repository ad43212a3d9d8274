/// Unbiased controlled random rounding of a two-way table with its margins (Cox 1987, "A constructive
/// procedure for unbiased controlled rounding", JASA 82:520–524).
///
/// Every entry (cell, row total, column total, grand total) ends on the multiple of `base` just below or
/// just above its true value, with expected value the true value, and every rounded row and column adds up
/// to its rounded total. Entries that are already multiples of `base` (zeros included) do not move.
///
/// How: the table is bordered so that each line sums to zero (totals negated, the grand total kept), and
/// each entry's residue `a mod base` is tracked. A row or column with one non-multiple entry has more than
/// one (its residues add up to a multiple of `base`), so the non-multiple entries contain a cycle that
/// alternates between rows and columns. Adding `+d` and `−d` alternately round it leaves every line's sum
/// unchanged; `d` is chosen, at random and with mean zero, as the smallest step up or down that brings some
/// entry of the cycle to a multiple of `base`. Each step settles at least one entry, so there are at most
/// as many steps as entries, each walking at most `rows + columns` vertices.
enum ControlledRounding {
    /// Rounds an `rows × columns` matrix (row-major) whose last row and last column are the margins of the
    /// others (the last entry being the grand total).
    /// The margins must be the sums of their lines.
    /// - Returns: the rounded matrix, in the same layout; `nil` when the input is not such a bordered matrix
    ///   (then nothing can be published rounded).
    static func round(_ values: [Int], rows: Int, columns: Int, base: Int, using g: inout SeededGenerator) -> [Int]? {
        guard values.count == rows * columns && rows >= 2 && columns >= 2 && base >= 1 else { return nil }
        // Signs that make every line sum to zero: totals negated, the grand total (both totals) kept.
        func sign(_ k: Int) -> Int { (k / columns == rows - 1) != (k % columns == columns - 1) ? -1 : 1 }
        var residue = [Int](repeating: 0, count: values.count)
        var lower = [Int](repeating: 0, count: values.count)
        for k in values.indices {
            let a = sign(k) * values[k]
            let r = ((a % base) + base) % base
            residue[k] = r
            lower[k] = a - r
        }
        // Vertices: rows 0..<rows, then columns rows..<rows+columns; an edge per non-multiple entry.
        var edges = [[Int]](repeating: [], count: rows + columns)
        for k in values.indices where residue[k] != 0 {
            edges[k / columns].append(k)
            edges[rows + k % columns].append(k)
        }
        func open(_ k: Int) -> Bool { residue[k] != 0 && residue[k] != base }
        func other(_ k: Int, _ v: Int) -> Int { v < rows ? rows + k % columns : k / columns }
        // An open edge of `v` other than `came`, dropping settled ones on the way (each is dropped once).
        func pick(_ v: Int, avoiding came: Int) -> Int? {
            var i = edges[v].count
            while i > 0 {
                i -= 1
                let e = edges[v][i]
                if !open(e) {
                    edges[v][i] = edges[v][edges[v].count - 1]
                    edges[v].removeLast()
                } else if e != came {
                    return e
                }
            }
            return nil
        }
        var position = [Int](repeating: -1, count: rows + columns)
        var path: [Int] = []
        var walked: [Int] = []
        for start in 0..<rows {
            while pick(start, avoiding: -1) != nil {
                // Walk without turning back until a vertex repeats: the walk from there is a cycle.
                path = [start]
                walked = []
                position[start] = 0
                var v = start
                var came = -1
                var cycle: ArraySlice<Int> = []
                while cycle.isEmpty {
                    // (A line whose only non-multiple entry is this one cannot add up to a multiple of the base:
                    // the margins were not the sums of their lines.)
                    guard let e = pick(v, avoiding: came) else { return nil }
                    walked.append(e)
                    let w = other(e, v)
                    if position[w] >= 0 {
                        cycle = walked[position[w]...]
                    } else {
                        position[w] = path.count
                        path.append(w)
                        v = w
                        came = e
                    }
                }
                for p in path { position[p] = -1 }
                // Alternate +, −, … round the cycle; the largest steps up and down that keep residues in 0...base.
                var up = Int.max
                var down = Int.max
                for (i, k) in cycle.enumerated() {
                    if i % 2 == 0 {
                        up = min(up, base - residue[k])
                        down = min(down, residue[k])
                    } else {
                        up = min(up, residue[k])
                        down = min(down, base - residue[k])
                    }
                }
                // Up with probability down/(up+down): the expected change of every entry is zero.
                let d = Int(g.next(upperBound: UInt64(up + down))) < down ? up : -down
                for (i, k) in cycle.enumerated() { residue[k] += i % 2 == 0 ? d : -d }
            }
        }
        return values.indices.map { k in sign(k) * (lower[k] + residue[k]) }
    }
}
