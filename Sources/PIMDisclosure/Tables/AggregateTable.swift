/// A table of counts (and optional sums) by dimensions, with every margin, protected by a ``CellRule``.
///
/// The true counts are kept (``Cell/count``) so that the information loss and the benchmark digest can be
/// computed; publish only ``Cell/publishedCount`` and ``Cell/publishedSums``, which is what
/// ``table(totalLabel:includeMarginals:)`` renders.
public struct AggregateTable: Sendable, Hashable, Codable {
    /// One dimension (grouping column) and its categories in sorted order.
    public struct Dimension: Sendable, Hashable, Codable {
        public var name: String
        /// Category labels; `nil` is the missing value (sorted last).
        public var categories: [String?]

        public init(name: String, categories: [String?]) {
            self.name = name
            self.categories = categories
        }
    }

    /// Why a cell is or is not published.
    public enum CellStatus: String, Sendable, Hashable, Codable {
        case published
        /// Suppressed because `0 < count < minCell`.
        case primary
        /// Suppressed so that a primary cell cannot be recomputed from its line's total.
        case secondary
    }

    /// One cell: an interior cell (every coordinate set) or a margin (some coordinates nil = "all").
    public struct Cell: Sendable, Hashable, Codable {
        /// Category index per dimension; nil means the total over that dimension.
        public var coordinates: [Int?]
        /// The true number of records.
        public var count: Int
        /// The true sums of the sum columns, in the order of ``AggregateTable/sumColumns``.
        public var sums: [Double]
        public var status: CellStatus
        /// The count to publish: nil when suppressed, rounded under a rounding rule.
        public var publishedCount: Int?
        /// The sums to publish: nil when suppressed, rounded under a rounding rule.
        public var publishedSums: [Double]?

        public var isSuppressed: Bool { status != .published }
        public var isMarginal: Bool { coordinates.contains(nil) }
    }

    public var dimensions: [Dimension]
    public var sumColumns: [String]
    public var rule: CellRule
    /// Non-empty interior cells, ordered by category indices (first dimension slowest).
    public var cells: [Cell]
    /// Non-empty margin cells (subtotals over one or more dimensions, and the grand total last), same order.
    public var marginals: [Cell]
    /// Cells suppressed (primary, secondary) or changed by rounding.
    public var loss: InformationLoss
    /// How a rounded table was rounded (nil under suppression).
    public var rounding: RoundingMethod?

    /// How ``CellRule/round(base:seed:)`` rounded a table. Either way every published margin is the sum of
    /// its published cells and every cell is within base − 1 of its true count.
    public enum RoundingMethod: String, Sendable, Hashable, Codable {
        /// Unbiased controlled rounding (Cox 1987 for one and two dimensions; ``MultiwayRounding`` beyond):
        /// every count and margin is the multiple of the base just below or above its true value.
        case controlled
        /// A table of three or more dimensions that has no such rounding (or none was found): cells as above,
        /// and a few margins further from their true value (see ``roundingShortfall``).
        case additive
    }

    /// The margins of an ``RoundingMethod/additive`` rounding further than base − 1 from their true value.
    public struct RoundingShortfall: Sendable, Hashable, Codable {
        /// How many margins.
        public var totals: Int
        /// The largest distance of such a margin from its true value (in records).
        public var furthest: Int

        public init(totals: Int, furthest: Int) {
            self.totals = totals
            self.furthest = furthest
        }
    }

    /// Set for an ``RoundingMethod/additive`` rounding.
    public var roundingShortfall: RoundingShortfall?

    /// The sentence published with a rounded table (base and method), nil under suppression.
    ///
    /// It names the base but not the seed: whoever knows the seed can replay the random choices and narrow
    /// down the true counts (see ``SeededGenerator``), so the seed stays with the producer (the command
    /// prints it and the audit trail records it).
    public var roundingNote: String? {
        guard case .round(let base, _) = rule, let rounding else { return nil }
        let how = switch rounding {
        case .controlled:
            "controlled random rounding (Cox 1987): every count is a multiple of \(base) within \(base - 1) of the true count, and every total is the sum of its rounded cells"
        case .additive:
            "additive random rounding (unbiased): every count is a multiple of \(base), every cell within \(base - 1) of its true count, and every total the sum of its rounded cells; "
                + (roundingShortfall.map { short in
                    "\(short.totals) total\(short.totals == 1 ? " is" : "s are") up to \(short.furthest) from the true value, since a table of three or more dimensions need not have a rounding that keeps every total within \(base - 1)"
                } ?? "a total may differ from the true total by more than \(base - 1)")
        }
        let sums = sumColumns.isEmpty ? "" : "; sums are rounded separately and need not add up"
        return "Rounded to base \(base) by \(how)\(sums). The random seed is kept by the producer, not published."
    }

    public init(
        dimensions: [Dimension], sumColumns: [String], rule: CellRule, cells: [Cell], marginals: [Cell],
        loss: InformationLoss, rounding: RoundingMethod? = nil, roundingShortfall: RoundingShortfall? = nil
    ) {
        self.dimensions = dimensions
        self.sumColumns = sumColumns
        self.rule = rule
        self.cells = cells
        self.marginals = marginals
        self.loss = loss
        self.rounding = rounding
        self.roundingShortfall = roundingShortfall
    }

    /// The sentence published with a rounded or perturbed table (nil under suppression).
    public var protectionNote: String? {
        if case .cellKey(let minCell, let change) = rule {
            return CellKeyPerturbation(minCell: minCell, maxChange: change).note
        }
        return roundingNote
    }

    /// The grand total cell.
    public var grandTotal: Cell? { marginals.last { $0.coordinates.allSatisfy { $0 == nil } } }

    /// The labels of a cell's coordinates (nil for "all" and for the missing category).
    public func labels(of cell: Cell) -> [String?] {
        zip(dimensions, cell.coordinates).map { dim, c in c.flatMap { dim.categories[$0] } }
    }
}
