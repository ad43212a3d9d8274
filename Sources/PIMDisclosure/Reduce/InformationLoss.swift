import PIMTable

/// How much a disclosure-control step changed the data: per variable, and for aggregate tables per cell.
///
/// The lead joins it with the risk reports made before and after. Shares are of the table's rows.
public struct InformationLoss: Sendable, Hashable, Codable {
    /// Loss on one column.
    public struct Variable: Sendable, Hashable, Codable {
        public var name: String
        /// Non-null values replaced by a different value (generalised, top/bottom-coded, merged, pseudonymised).
        public var changed: Int
        /// Values set to missing (local suppression, or recodes that map a value to null).
        public var suppressed: Int
        /// The part of ``suppressed`` set to missing by recoding: values no band, parent area or period covers
        /// (a negative age under the default bands, for instance).
        public var suppressedByRecoding: Int
        /// Distinct non-null values in the input table and in the output table.
        public var categoriesBefore: Int
        public var categoriesAfter: Int
        /// Categories lost to recoding (bands, parent areas, periods, "Other"): the recoding's distinct values
        /// before minus after, so 96 ages in 5 bands merge 91 categories. Local suppression merges none.
        public var categoriesMerged: Int
        /// `changed / rows` and `suppressed / rows` (0 for an empty table).
        public var shareChanged: Double
        public var shareSuppressed: Double

        public init(
            name: String, changed: Int = 0, suppressed: Int = 0, categoriesBefore: Int = 0, categoriesAfter: Int = 0,
            categoriesMerged: Int = 0, suppressedByRecoding: Int = 0, rows: Int
        ) {
            self.name = name
            self.changed = changed
            self.suppressed = suppressed
            self.suppressedByRecoding = suppressedByRecoding
            self.categoriesBefore = categoriesBefore
            self.categoriesAfter = categoriesAfter
            self.categoriesMerged = categoriesMerged
            shareChanged = rows > 0 ? Double(changed) / Double(rows) : 0
            shareSuppressed = rows > 0 ? Double(suppressed) / Double(rows) : 0
        }
    }

    /// Cell counts of an aggregate table (interior and margin cells together).
    public struct Cells: Sendable, Hashable, Codable {
        /// Non-empty cells, including margins.
        public var cells: Int
        public var primarySuppressed: Int
        public var secondarySuppressed: Int
        /// Cells whose published value differs from the true value after random rounding.
        public var rounded: Int

        public init(cells: Int, primarySuppressed: Int = 0, secondarySuppressed: Int = 0, rounded: Int = 0) {
            self.cells = cells
            self.primarySuppressed = primarySuppressed
            self.secondarySuppressed = secondarySuppressed
            self.rounded = rounded
        }
    }

    public var rows: Int
    /// One entry per touched column, in the order they were first touched.
    public var variables: [Variable]
    /// Columns removed as direct identifiers.
    public var droppedColumns: [String]
    /// Set for aggregate tables.
    public var cells: Cells?

    public init(rows: Int, variables: [Variable] = [], droppedColumns: [String] = [], cells: Cells? = nil) {
        self.rows = rows
        self.variables = variables
        self.droppedColumns = droppedColumns
        self.cells = cells
    }

    /// The total number of values suppressed across variables.
    public var totalSuppressed: Int { variables.reduce(0) { $0 + $1.suppressed } }

    /// Sets every variable's ``Variable/categoriesAfter`` to the distinct non-null values of its column in
    /// `table` (the released one), for steps that change the table after the loss was recorded.
    package mutating func recountCategoriesAfter(in table: Table) {
        for i in variables.indices {
            if let column = table[variables[i].name] { variables[i].categoriesAfter = column.distinctCount }
        }
    }

    /// Adds `v` to the entry of the same name (summing counts, keeping the first `categoriesBefore`).
    mutating func merge(_ v: Variable) {
        guard let i = variables.firstIndex(where: { $0.name == v.name }) else {
            variables.append(v)
            return
        }
        let old = variables[i]
        variables[i] = Variable(
            name: v.name, changed: old.changed + v.changed, suppressed: old.suppressed + v.suppressed,
            categoriesBefore: old.categoriesBefore, categoriesAfter: v.categoriesAfter,
            categoriesMerged: old.categoriesMerged + v.categoriesMerged,
            suppressedByRecoding: old.suppressedByRecoding + v.suppressedByRecoding, rows: rows)
    }
}
