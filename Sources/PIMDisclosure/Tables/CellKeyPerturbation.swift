/// The cell-key method of perturbing counts (the Australian Bureau of Statistics' method for its ad-hoc
/// table builders, also used for the 2021 European census; Fraser and Wooton 2005, Thompson et al. 2013).
///
/// Each record carries a secret random key (`0 ..< 2^32`, see ``Aggregation/aggregate(_:by:sum:rule:recordKeys:)``).
/// A cell's key is the sum of its records' keys modulo `2^32`, so it depends only on which records the cell
/// holds: the same records give the same cell key, and the same perturbation, in every table that shows them.
/// That is what protects ad-hoc tables against each other. Suppression protects each table on its own, but a
/// margin that one query hides is a cell of another query, and differencing the two recovers a small cell;
/// with perturbed counts the difference carries the noise of every cell it uses. Asking the same table again,
/// or the same cell in another table, gives the same value, so averaging repeated queries gains nothing.
///
/// A count `n` is published as `n + p`, with `p` drawn from a distribution fixed for each `n` (the
/// perturbation table) by the cell key's position in `0 ..< 2^32`:
/// - `n = 0` stays 0 (a cell without records has no key to perturb);
/// - `0 < n < minCell` becomes `minCell` with probability `n / minCell`, else 0, so that no count between 1 and
///   `minCell − 1` is ever published;
/// - `n ≥ minCell` changes by at most `w = min(maxChange, n − minCell)`, each change `p` in `−w … w` with weight
///   `w + 1 − |p|` (a triangle, centred on the true count), so that a published count is never below `minCell`.
///
/// Every row of the table has the true count as its mean (the method is unbiased), and counts at or above
/// `minCell + maxChange` all change alike. Margins are cells like the others (their own key, their own change),
/// so a perturbed table need not add up; the note published with it says so.
public struct CellKeyPerturbation: Sendable, Hashable, Codable {
    /// The smallest count published other than 0 (the agreement's minimum cell size).
    public var minCell: Int
    /// The largest change of a count of at least `minCell`.
    public var maxChange: Int

    /// Two, as in the ABS's published parameters: small enough to keep tables useful, large enough that a
    /// difference of a few cells is uncertain by several records.
    public static let defaultMaxChange = 2

    /// The smallest count of every perturbed table pim publishes, whoever asks and under whichever agreement.
    /// One perturbation table for all viewers means a cell is published alike to all of them: if each viewer's
    /// floor (a partner's agreements' largest minimum cell) chose the table, a cell would be perturbed afresh
    /// when the agreements change, or for a partner beside an analyst, and the two answers together would
    /// narrow its count (QA9 review, F1's residual). A viewer whose floor is higher has the published counts
    /// below it left out.
    public static let publishedMinCell = 5

    public init(minCell: Int = 5, maxChange: Int = CellKeyPerturbation.defaultMaxChange) {
        self.minCell = minCell
        self.maxChange = maxChange
    }

    /// One outcome of the perturbation table: a published count and its probability `weight / total`.
    public struct Outcome: Sendable, Hashable {
        public var published: Int
        public var weight: Int
        public var total: Int
    }

    /// The perturbation table's row for a true count `n`: the published counts in increasing order, with
    /// exact probabilities (for tests and documentation; ``published(count:cellKey:)`` draws from it).
    public func outcomes(count n: Int) -> [Outcome] {
        guard n > 0 else { return [Outcome(published: 0, weight: 1, total: 1)] }
        if n < minCell {
            return [
                Outcome(published: 0, weight: minCell - n, total: minCell),
                Outcome(published: minCell, weight: n, total: minCell),
            ]
        }
        let w = max(0, min(maxChange, n - minCell))
        let total = (w + 1) * (w + 1)
        return (-w...w).map { p in Outcome(published: n + p, weight: w + 1 - abs(p), total: total) }
    }

    /// The published count of a cell of `n` records whose cell key is `cellKey`.
    ///
    /// The key's position `cellKey / 2^32` picks the outcome whose cumulative probability first exceeds it.
    public func published(count n: Int, cellKey: UInt32) -> Int {
        let outcomes = outcomes(count: n)
        guard let total = outcomes.first?.total, outcomes.count > 1 else { return outcomes.first?.published ?? 0 }
        // position < cumulative / total  ⇔  cellKey · total < cumulative · 2^32 (exact in 64 bits for total < 2^31).
        let scaled = UInt64(cellKey) &* UInt64(total)
        var cumulative: UInt64 = 0
        for o in outcomes {
            cumulative += UInt64(o.weight)
            if scaled < cumulative << 32 { return o.published }
        }
        return outcomes[outcomes.count - 1].published
    }

    /// The sentence published with a perturbed table.
    public var note: String {
        "Counts are perturbed by the cell-key method: a count of \(minCell) or more is changed by at most \(maxChange), "
            + "a count below \(minCell) is shown as 0 or \(minCell), and a cell's change is the same in every table that "
            + "shows the same records; totals are perturbed on their own, so they need not equal the sum of their cells."
    }
}

extension AggregateTable {
    /// Leaves out every published count between 1 and `minCell − 1` (it becomes 0, as an empty cell's).
    ///
    /// For a perturbed table asked with a smallest cell above the one it was perturbed with: the perturbation
    /// must keep its own smallest cell (a cell asked with several would reveal its count, since the perturbation
    /// table depends on it), and leaving out the small published counts is a function of the published table
    /// alone, so it tells nothing more. True counts are untouched.
    public mutating func leaveOutPublishedCounts(below minCell: Int) {
        for i in cells.indices { if let c = cells[i].publishedCount, c > 0, c < minCell { cells[i].publishedCount = 0 } }
        for i in marginals.indices { if let c = marginals[i].publishedCount, c > 0, c < minCell { marginals[i].publishedCount = 0 } }
    }
}
