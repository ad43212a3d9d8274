import PIMTable

/// A column named on the command line: by its name, or by an HXL tag pattern (`#adm1+code`, `#affected-m`)
/// that must match exactly one column.
enum ColumnReference {
    /// Whether `text` is written as a tag pattern (it starts with `#`).
    static func isPattern(_ text: String) -> Bool { text.hasPrefix("#") }

    /// The name of the column `text` refers to in `table`: a column of that name, else the one column whose
    /// tag matches the pattern. Errors name the option, the reference and the table's columns (names and
    /// tags only).
    static func resolve(_ text: String, in table: Table, option: String) throws -> String {
        if table[text] != nil { return text }
        guard isPattern(text) else {
            throw CLIError("\(option): there is no column \"\(text)\"; the columns are: \(known(table)).")
        }
        guard let pattern = HXLTagPattern(parse: text) else {
            throw CLIError("\(option): \"\(text)\" is not a column name or an HXL tag pattern; write a pattern as #tag+attribute-attribute, e.g. #adm1+code.")
        }
        let matches = table.columns(matching: pattern)
        switch matches.count {
        case 1: return matches[0].name
        case 0: throw CLIError("\(option): no column is tagged \(pattern); the columns are: \(known(table)).")
        default:
            throw CLIError("\(option): \(pattern) matches \(matches.count) columns (\(matches.map(described).joined(separator: ", "))); "
                           + "give one column name, or a pattern that matches only one (add +attribute or -attribute).")
        }
    }

    /// Every column as `name (#tag+attrs)`, or `(none)` for a table without columns.
    static func known(_ table: Table) -> String {
        table.columns.isEmpty ? "(none)" : table.columns.map(described).joined(separator: ", ")
    }

    private static func described(_ c: Column) -> String {
        c.tag.map { "\(c.name) (\($0))" } ?? c.name
    }
}
