import PIMTable

extension Validator {
    /// Rows whose value in a unique field repeats the value of an earlier row that is kept.
    ///
    /// Rows are taken in file order. A row already rejected (any other issue, in any field) keeps no value:
    /// it cannot make a later valid row a duplicate, though it is itself reported when it repeats a kept row.
    /// A valid row that repeats a kept row in any unique field is reported and rejected, and then keeps no
    /// value either. So the rows kept are unique in every unique field, and each duplicate names a kept row.
    /// The message names the earlier row, never the value. A row that repeats only a rejected row is kept, and
    /// said in a warning per column (QA11 I16: otherwise the repeat surfaced only after the first row was mended).
    /// - Parameters:
    ///   - columns: the converted columns, named as the schema's fields.
    ///   - rejected: per table row, whether it already has an issue; rows found duplicate are set.
    func uniquenessIssues(_ columns: [Column], rejected: inout [Bool], warnings: inout [ValidationWarning]) -> [FieldChecker.Located] {
        let unique = Set(schema.fields.filter(\.unique).map(\.name))
        let checked = columns.filter { unique.contains($0.name) }
        guard !checked.isEmpty else { return [] }
        // Per column, the first kept row of each value: text by dictionary code, other types by value.
        var seenCodes = [[Int32: Int]](repeating: [:], count: checked.count)
        var seenValues = [[Value: Int]](repeating: [:], count: checked.count)
        // The first row of each value among the rejected rows, and per column the repeats of one found so far.
        var rejectedCodes = [[Int32: Int]](repeating: [:], count: checked.count)
        var rejectedValues = [[Value: Int]](repeating: [:], count: checked.count)
        var repeats = [(first: (row: Int, earlier: Int)?, count: Int)](repeating: (nil, 0), count: checked.count)
        // Text columns compare dictionary codes (a code per distinct value); the codes are taken out once.
        let textCodes: [[Int32]?] = checked.map { c in
            if case .text(let codes, _) = c.data { codes } else { nil }
        }
        var out: [FieldChecker.Located] = []
        let n = checked.map(\.count).min() ?? 0
        for row in 0..<n {
            var firsts: [(column: Int, first: Int)] = []
            for (i, c) in checked.enumerated() {
                if let codes = textCodes[i] {
                    if codes[row] >= 0, let first = seenCodes[i][codes[row]] { firsts.append((i, first)) }
                } else {
                    let v = c[row]
                    if !v.isNull, let first = seenValues[i][v] { firsts.append((i, first)) }
                }
            }
            for (i, first) in firsts {
                out.append(FieldChecker.Located(row: row, issue: ValidationIssue(
                    file: fileName, row: rowNumber(row), column: checked[i].name, rule: .unique,
                    problem: "duplicates row \(rowNumber(first))", expected: "values in this column must be unique")))
            }
            if !firsts.isEmpty { rejected[row] = true }
            for (i, c) in checked.enumerated() where !firsts.contains(where: { $0.column == i }) {
                var earlier: Int?
                if let codes = textCodes[i] {
                    guard codes[row] >= 0 else { continue }
                    earlier = rejectedCodes[i][codes[row]]
                    if earlier == nil && rejected[row] { rejectedCodes[i][codes[row]] = row }
                } else {
                    let v = c[row]
                    guard !v.isNull else { continue }
                    earlier = rejectedValues[i][v]
                    if earlier == nil && rejected[row] { rejectedValues[i][v] = row }
                }
                if let earlier, !rejected[row] {
                    if repeats[i].first == nil { repeats[i].first = (row, earlier) }
                    repeats[i].count += 1
                }
            }
            guard !rejected[row] else { continue }
            for (i, c) in checked.enumerated() {
                if let codes = textCodes[i] {
                    if codes[row] >= 0 { seenCodes[i][codes[row]] = row }
                } else {
                    let v = c[row]
                    if !v.isNull { seenValues[i][v] = row }
                }
            }
        }
        for (i, r) in repeats.enumerated() {
            guard let first = r.first else { continue }
            warnings.append(.repeatsRejectedRow(
                file: fileName, row: rowNumber(first.row), column: checked[i].name, earlier: rowNumber(first.earlier), count: r.count))
        }
        return out
    }
}
