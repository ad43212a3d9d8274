import PIMTable

/// Errors raised while reducing disclosure risk: recoding, local suppression and aggregate tables.
///
/// Errors shared with risk measurement (unknown column, k below 2, threshold, empty table, no keys) are
/// carried as ``DisclosureError`` in ``disclosure(_:)`` so callers see one wording for them.
/// Messages name columns, rows and counts, never the values of records.
public enum ReductionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An error shared with risk measurement (unknown column, k below 2, threshold, empty table, no keys).
    case disclosure(DisclosureError)
    /// The column has a type the operation cannot use, e.g. summing a text column.
    case unsupportedColumnType(column: String, found: ColumnType, expected: [ColumnType])
    /// A text value at `row` (0-based) of a column that must hold numbers or dates could not be read.
    case unreadableValue(row: Int, column: String, expected: ColumnType)
    /// Age bands overlap, are empty, or are not in ascending order.
    case invalidAgeBands(String)
    /// Some location codes have no parent in the hierarchy and the fallback is to fail.
    case unmappedLocations(column: String, codes: Int)
    /// A rounding base other than a positive integer (usually 3, 5 or 10) was requested.
    case invalidRoundingBase(Int)
    /// A parameter that must be positive (minimum count, prefix length) was zero or negative.
    case parameterNotPositive(name: String, value: Int)
    /// Top/bottom coding bounds are reversed.
    case invalidBounds(column: String)
    /// The key combinations cannot be numbered in 64 bits (too many keys of high cardinality).
    case tooManyKeyCombinations(keys: Int)
    /// The aggregate table with its margins would have more cells than the limit.
    case tableTooLarge(cells: Int, limit: Int)
    /// k-anonymity cannot be reached: the table has fewer rows than k.
    case cannotReachK(k: Int, rows: Int)
    /// l-diversity cannot be reached: the sensitive variable has fewer than l distinct known values in the whole
    /// table (missing values not counted).
    case lUnreachable(l: Int, sensitive: String, distinct: Int)
    /// Reaching l-diversity removed records whose keys were all suppressed, and the records left are fewer than k.
    case lLeavesTooFewRecords(l: Int, k: Int, removed: Int, left: Int)
    /// A key variable is also among the columns to drop, so it could not be made k-anonymous.
    case keyDropped(String)
    /// Two output columns would have the same name.
    case duplicateColumn(String)
    /// The same column is used twice where distinct columns are needed.
    case repeatedColumn(String)
    /// The plan names columns to pseudonymise but gives no pseudonymizer.
    case missingPseudonymizer
    /// A dimension has a category spelled like the margin rows' label, so a margin could pass for a cell.
    case categoryIsTotalLabel(column: String, label: String)
    /// Small cells without a hypercube of non-empty cells around them: secondary suppression cannot stop
    /// them being recomputed.
    case cannotProtect(cells: Int)
    /// Controlled rounding met a table whose margins are not the sums of their lines (a defect in pim).
    case roundingFailed
    /// The cell-key method was asked for without a secret key for every row.
    case recordKeysMissing(rows: Int, keys: Int)
    /// The cell-key method perturbs counts only; sums would be published exact beside them.
    case cellKeyWithSums
    /// Random rounding protects counts; a small cell's sum would be published nearly exact beside them.
    case roundingWithSums
    /// A frequency column (how many units each row stands for) holds a negative number at `row` (0-based).
    case negativeFrequency(column: String, row: Int)

    /// For an error about one cell: its 0-based table row, its column and what is wrong (see
    /// ``DisclosureError/cell``).
    public var cell: (row: Int, column: String, problem: String)? {
        switch self {
        case .disclosure(let e): e.cell
        case .unreadableValue(let row, let column, let expected): (row, column, "the value cannot be read as \(expected.rawValue)")
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .disclosure(let e): e.description
        case .unsupportedColumnType(let c, let found, let expected):
            "column \"\(c)\" holds \(found) values; this operation needs "
                + expected.map(\.rawValue).joined(separator: " or ") + " values"
        case .unreadableValue(let row, let c, let expected):
            "row \(row + 1), column \"\(c)\": the value cannot be read as \(expected.rawValue)"
        case .invalidAgeBands(let why): "the age bands are not usable: \(why)"
        case .unmappedLocations(let c, let n):
            "column \"\(c)\": \(n) location codes have no parent in the hierarchy; add them or choose a fallback"
        case .invalidRoundingBase(let b): "rounding base \(b) must be a positive integer such as 3, 5 or 10"
        case .parameterNotPositive(let name, let v): "\(name) is \(v) but must be 1 or more"
        case .invalidBounds(let c): "column \"\(c)\": the bottom-coding bound is above the top-coding bound"
        case .tooManyKeyCombinations(let n):
            "the \(n) key variables have too many value combinations to number; generalise them first"
        case .tableTooLarge(let cells, let limit):
            "the table would have \(cells) cells including margins, more than the limit of \(limit); use fewer or coarser dimensions"
        case .cannotReachK(let k, let rows):
            "k-anonymity with k = \(k) cannot be reached in a table of \(rows) rows; use a smaller k or more rows"
        case .lUnreachable(let l, let c, let n):
            "l-diversity with l = \(l) cannot be reached for \"\(c)\": the whole table has only \(n) distinct value\(n == 1 ? "" : "s") "
                + "of it (missing values not counted); use a smaller l"
        case .lLeavesTooFewRecords(let l, let k, let removed, let left):
            "reaching l = \(l) removed \(removed) record\(removed == 1 ? "" : "s") whose classes lacked distinct sensitive values even with "
                + "every key suppressed, and the \(left) left cannot be \(k)-anonymous; use a smaller l or k"
        case .keyDropped(let c):
            "column \"\(c)\" is both a key variable and a column to drop; a key stays in the released file, made k-anonymous "
                + "(leave it out of the keys, or out of the columns to drop)"
        case .duplicateColumn(let c): "the output would have two columns named \"\(c)\"; rename one"
        case .repeatedColumn(let c): "column \"\(c)\" is named more than once; name each column once"
        case .missingPseudonymizer: "columns to pseudonymise were named but no pseudonymizer was given"
        case .recordKeysMissing(let rows, let keys):
            "the cell-key method needs a secret key for each of the \(rows) rows, but \(keys) were given (a defect in pim; please report it); nothing was published"
        case .cellKeyWithSums:
            "the cell-key method perturbs counts only; sums cannot be published with it (use suppression for sums)"
        case .roundingWithSums:
            "rounding protects counts only: the sum of a cell of one person would be published within a few units of that "
                + "person's value; use suppression for sums (cells below the minimum are suppressed with their sums)"
        case .negativeFrequency(let c, let row):
            "column \"\(c)\" says how many persons each row stands for, but row \(row + 1) of the data holds a negative number; correct it and try again"
        case .roundingFailed:
            "the table could not be rounded so that its totals add up (a defect in pim; please report it); nothing was written"
        case .cannotProtect(let n):
            "\(n) small cell\(n == 1 ? "" : "s") cannot be protected: the table is too sparse at this detail for any choice of complementary cells to stop \(n == 1 ? "it" : "them") being worked out from the published totals; use fewer dimensions or coarser categories (age bands, admin level 1, months instead of weeks), or --round"
        case .categoryIsTotalLabel(let c, let label):
            "column \"\(c)\" has a category \"\(label)\", the label of the margin rows; rename it (or remove a totals row "
                + "from the data) so that a margin cannot be taken for a cell"
        }
    }
}

extension Table {
    /// The column named `name`, or ``ReductionError/disclosure(_:)`` with ``DisclosureError/unknownColumn(_:available:)``.
    func reductionColumn(_ name: String) throws(ReductionError) -> Column {
        guard let c = self[name] else { throw .disclosure(.unknownColumn(name, available: columnNames)) }
        return c
    }
}
