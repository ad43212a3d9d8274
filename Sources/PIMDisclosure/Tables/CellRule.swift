/// How an aggregate table protects small cells.
public enum CellRule: Sendable, Hashable, Codable {
    /// Cell suppression: cells with `0 < count < minCell` are suppressed (primary), then complementary cells
    /// (secondary) so that no suppressed cell can be recomputed from a row, column or other line and its total.
    /// Zero cells are not sensitive and are published: an empty cell tells nobody about anyone.
    case suppress(minCell: Int)
    /// Unbiased random rounding of every cell and every margin to a multiple of `base` (3, 5 or 10 usually),
    /// reproducible from `seed`, with every margin the sum of its rounded cells (controlled rounding for one
    /// and two dimensions). See ``AggregateTable/RoundingMethod``.
    case round(base: Int, seed: UInt64)
    /// Every count and margin perturbed by the cell-key method (see ``CellKeyPerturbation``): no count
    /// between 1 and `minCell − 1` is published, a larger count changes by at most `maxChange`, and the same
    /// records get the same change in every table. For ad-hoc tables, which suppression cannot protect against
    /// each other. Needs a secret key per record (``Aggregation/aggregate(_:by:sum:rule:recordKeys:)``) and
    /// takes no sums.
    case cellKey(minCell: Int, maxChange: Int)

    /// Primary suppression below 5, the common protection default.
    public static let standard = CellRule.suppress(minCell: 5)
}
