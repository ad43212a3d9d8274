import Foundation
import PIMTable

/// A column named on the command line: by its name, or by an HXL tag pattern (`#adm1+code`, `#affected-m`,
/// `#affected+f!`) that must match exactly one column, or in a list option, any number of them.
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
        let (pattern, matches) = try matching(text, in: table, option: option)
        guard matches.count == 1 else {
            throw CLIError("\(option): \(pattern) matches \(matches.count) columns (\(matches.map(described).joined(separator: ", "))); "
                           + "give one column name, or a pattern that matches only one (add +attribute or -attribute, or end it with ! for exactly those attributes).")
        }
        return matches[0].name
    }

    /// The columns a tag pattern matches, at least one: errors name the option, the pattern and the table's columns.
    private static func matching(_ text: String, in table: Table, option: String) throws -> (HXLTagPattern, [Column]) {
        guard let pattern = HXLTagPattern(parse: text) else {
            throw CLIError("\(option): \"\(text)\" is not a column name or an HXL tag pattern; write a pattern as #tag+attribute-attribute, e.g. #adm1+code.")
        }
        let matches = table.columns(matching: pattern)
        guard !matches.isEmpty else { throw CLIError("\(option): no column is tagged \(pattern); the columns are: \(known(table)).") }
        return (pattern, matches)
    }

    /// `text` as a column name of `table`: the one column a tag pattern matches (see ``resolve(_:in:option:)``);
    /// the text itself when `table` has a column of that name or it is not a pattern, so that a missing name
    /// is reported by the caller in its own words.
    static func resolvePattern(_ text: String, in table: Table, option: String) throws -> String {
        guard table[text] == nil, isPattern(text) else { return text }
        return try resolve(text, in: table, option: option)
    }

    /// The columns `text` names in a list option (`--keys`, `--sensitive`, `--drop`, …): a column of that name, or
    /// every column a tag pattern matches, in table order (as `hxl cut --include #affected` selects them).
    static func resolveAll(_ text: String, in table: Table, option: String) throws -> [String] {
        guard table[text] == nil, isPattern(text) else { return [text] }
        return try matching(text, in: table, option: option).1.map(\.name)
    }

    /// Every column of a list option's entries (``resolveAll(_:in:option:)``), each once, in the order named.
    static func resolveList(_ list: [String], in table: Table, option: String) throws -> [String] {
        var out: [String] = []
        for text in list { for name in try resolveAll(text, in: table, option: option) where !out.contains(name) { out.append(name) } }
        return out
    }

    /// `COL=SPEC` (or `COL→SPEC`, `COL->SPEC`) with COL resolved by ``resolvePattern(_:in:option:)``; the rest
    /// is left as written.
    static func resolveAssignment(_ text: String, in table: Table, option: String) throws -> String {
        for separator in ["=", "→", "->"] {
            guard let r = text.range(of: separator) else { continue }
            let column = text[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
            return try resolvePattern(column, in: table, option: option) + text[r.lowerBound...]
        }
        return text
    }

    /// Every column as `name (#tag+attrs)`, or `(none)` for a table without columns.
    static func known(_ table: Table) -> String {
        table.columns.isEmpty ? "(none)" : table.columns.map(described).joined(separator: ", ")
    }

    private static func described(_ c: Column) -> String {
        c.tag.map { "\(c.name) (\($0))" } ?? c.name
    }
}
