/// Errors raised while measuring or reducing disclosure risk.
///
/// Messages name columns, rows and counts, never the values of records.
public enum DisclosureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A key (quasi-identifier) column named in the specification does not exist.
    case unknownKey(String, available: [String])
    /// The specification names no key variables.
    case noKeys
    /// The weight column has a null, negative, non-finite or non-numeric value at `row` (0-based).
    case invalidWeight(row: Int, column: String)
    /// A k-anonymity threshold below 2 was requested.
    case kBelowTwo(Int)
    /// A threshold that must be positive was zero or negative.
    case thresholdNotPositive(Int)
    /// The household id is missing at `row` (0-based).
    case householdIdMissing(row: Int, column: String)
    /// The table has no rows.
    case emptyTable
    /// A column named in the specification (sensitive, weight or household) does not exist.
    case unknownColumn(String, available: [String])
    /// The constant c of recursive (c, l)-diversity must be a positive number.
    case recursiveConstantNotPositive(Double)
    /// A column was named both as a key and as a sensitive variable.
    case sensitiveIsKey(String)
    /// A key or sensitive variable was named more than once.
    case repeatedColumn(String)

    /// For an error about one cell: its 0-based table row, its column and what is wrong with it, so that a
    /// caller that knows the file can write `FILE:ROW:COLUMN: problem` with ROW as a spreadsheet shows it.
    public var cell: (row: Int, column: String, problem: String)? {
        switch self {
        case .invalidWeight(let row, let column): (row, column, Self.weightProblem)
        case .householdIdMissing(let row, let column): (row, column, Self.householdProblem)
        default: nil
        }
    }

    private static let weightProblem = "the weight must be a non-negative number and not empty"
    private static let householdProblem = "the household id is missing; every record needs one"

    public var description: String {
        switch self {
        case .unknownKey(let name, let available):
            "there is no key column \"\(name)\"; the columns are: \(available.joined(separator: ", "))"
        case .noKeys:
            "no key variables (quasi-identifiers) were given; name at least one key column"
        case .kBelowTwo(let k):
            "k-anonymity threshold \(k) is below 2; use k of 2 or more"
        case .thresholdNotPositive(let t):
            "threshold \(t) must be a positive number"
        case .emptyTable:
            "the table has no rows, so there is nothing to measure"
        case .unknownColumn(let name, let available):
            "there is no column \"\(name)\"; the columns are: \(available.joined(separator: ", "))"
        case .recursiveConstantNotPositive(let c):
            "the recursive l-diversity constant c is \(c); it must be a positive number"
        case .sensitiveIsKey(let name):
            "column \"\(name)\" is both a key and a sensitive variable; a sensitive variable must not be a key"
        case .repeatedColumn(let name):
            "column \"\(name)\" is named more than once; name each column once"
        case .invalidWeight(let row, let column):
            "row \(row + 1), column \"\(column)\": \(Self.weightProblem)"
        case .householdIdMissing(let row, let column):
            "row \(row + 1), column \"\(column)\": \(Self.householdProblem)"
        }
    }
}
