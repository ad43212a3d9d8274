import Foundation
import PIMTable

extension Validator {
    /// Rows that break one of the schema's ``SchemaRule``s, located at the field the rule is about.
    ///
    /// Only values that converted are compared: a cell with a type (or other) issue in a field the rule reads
    /// already has its issue, and is not reported again. Dates are not quoted (only the fields' names), so
    /// the message holds no record values.
    /// - Parameters:
    ///   - columns: the converted columns, named as the schema's fields.
    ///   - flagged: per field name, the table rows that already have an issue in that field.
    func schemaRuleIssues(_ columns: [Column], flagged: [String: Set<Int>]) -> [FieldChecker.Located] {
        let byName = Dictionary(columns.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var out: [FieldChecker.Located] = []
        func report(_ row: Int, _ column: String, _ rule: ValidationRule, _ problem: String, _ expected: String) {
            out.append(FieldChecker.Located(row: row, issue: ValidationIssue(
                file: fileName, row: rowNumber(row), column: column, rule: rule, problem: problem, expected: expected)))
        }
        /// The condition as the message says it: the `when` cell's value, unless the field's role protects its
        /// values (an identifier, a sensitive field such as a GBV type or an HIV status: QA11 I25).
        func condition(_ when: String, _ value: String) -> String {
            guard let role = schema.field(named: when)?.role, !FieldChecker.protectsValues(role) else {
                return "\(when) holds one of the rule's values"
            }
            return "\(when) is \(value.trimmingCharacters(in: .whitespaces))"
        }
        for rule in schema.rules {
            let names = rule.fields
            guard let a = byName[names[0]], let b = byName[names[1]] else { continue }
            let n = min(a.count, b.count)
            let skip = names.reduce(into: Set<Int>()) { $0.formUnion(flagged[$1] ?? []) }
            switch rule {
            case .dateNotAfter(let first, let second):
                for row in 0..<n where !skip.contains(row) {
                    guard case .date(let x) = a[row], case .date(let y) = b[row], x > y else { continue }
                    report(row, second, .dateOrder, "the date is before \(first) in the same row",
                           "expected \(second) on or after \(first) (rule: \(rule))")
                }
            case .requiredWhen(let field, let when, let values):
                for row in 0..<n where !skip.contains(row) {
                    guard let value = Self.text(b[row]), SchemaRule.matches(value, values), Self.isEmpty(a[row]) else { continue }
                    report(row, field, .conditional, "the value is empty while \(condition(when, value))",
                           "expected a value (rule: \(rule))")
                }
            case .emptyWhen(let field, let when, let values):
                for row in 0..<n where !skip.contains(row) {
                    guard let value = Self.text(b[row]), SchemaRule.matches(value, values), !Self.isEmpty(a[row]) else { continue }
                    report(row, field, .conditional, "a value is given while \(condition(when, value))",
                           "expected it empty, or \(when) changed (rule: \(rule))")
                }
            case .rangeWhen(let field, let when, let values, let lo, let hi):
                for row in 0..<n where !skip.contains(row) {
                    guard let value = Self.text(b[row]), SchemaRule.matches(value, values) else { continue }
                    let x: Double
                    switch a[row] {
                    case .integer(let v): x = Double(v)
                    case .decimal(let v): x = v
                    default: continue
                    }
                    guard (lo.map { x < $0 } ?? false) || (hi.map { x > $0 } ?? false) else { continue }
                    // (The number is not quoted: such fields are often quasi-identifiers, like an age.)
                    report(row, field, .conditional, "the value is out of range (\(SchemaRule.bounds(lo, hi))) while \(condition(when, value))",
                           "expected \(SchemaRule.bounds(lo, hi)), or \(when) changed (rule: \(rule))")
                }
            }
        }
        return out
    }

    /// A cell as text (rules compare the `when` field's values as written); nil when null.
    static func text(_ v: Value) -> String? {
        if case .null = v { return nil }
        if case .text(let s) = v { return s }
        return v.plainText
    }

    /// Null, or text of spaces only.
    static func isEmpty(_ v: Value) -> Bool {
        if case .null = v { return true }
        if case .text(let s) = v { return s.allSatisfy(\.isWhitespace) }
        return false
    }
}
