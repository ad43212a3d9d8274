import PIMTable

extension Validator {
    /// Rows whose admin codes contradict the gazetteer's hierarchy: an `adm2_code` that the gazetteer puts under
    /// another admin 1 than the row's `adm1_code`, and so on for each level against the nearest higher level in
    /// the schema.
    ///
    /// Codes unknown to the gazetteer are reported by the per-field check (``ValidationRule/adminCode``) and are
    /// skipped here. P-codes name places, not people, so both codes are quoted, unless either column is marked
    /// identifying or sensitive.
    /// - Parameter columns: the converted columns, named as the schema's fields.
    func adminHierarchyIssues(_ columns: [Column]) -> [FieldChecker.Located] {
        guard let gazetteer else { return [] }
        let byName = Dictionary(columns.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let levels = schema.fields.compactMap { f in f.checkedAdminLevel.flatMap { level in byName[f.name].map { (level, f.name, $0) } } }
        // Each admin column is checked against the nearest higher level before it in the schema, so that
        // several groups (origin_adm1, origin_adm2, current_adm1, current_adm2) pair within their group.
        var pairs: [(child: (Int, String, Column), parent: (Int, String, Column))] = []
        var latest: [Int: (Int, String, Column)] = [:]
        for entry in levels {
            if let parent = (1..<max(1, entry.0)).reversed().lazy.compactMap({ latest[$0] }).first {
                pairs.append((entry, parent))
            }
            latest[entry.0] = entry
        }
        let protected = Set(schema.fields.filter { FieldChecker.protectsValues($0.role) }.map(\.name))
        var out: [FieldChecker.Located] = []
        for (child, parent) in pairs {
            // Judged once per distinct (code, parent code) pair, through the columns' codes: a row costs a
            // dictionary lookup, not two strings and two gazetteer lookups.
            let childCells = Self.coded(child.2), parentCells = Self.coded(parent.2)
            var verdicts: [Int64: String?] = [:]
            for row in 0..<min(childCells.codes.count, parentCells.codes.count) {
                let c = childCells.codes[row], p = parentCells.codes[row]
                guard c >= 0, p >= 0, let code = childCells.values[Int(c)], let up = parentCells.values[Int(p)] else { continue }
                let key = Int64(c) << 32 | Int64(UInt32(bitPattern: p))
                let expected: String?
                if let known = verdicts[key] { expected = known } else {
                    // Codes unknown to the gazetteer are the per-field check's to report.
                    expected = gazetteer.contains(code, level: child.0) && gazetteer.contains(up, level: parent.0)
                        ? Self.hierarchyExpectation(gazetteer, code: code, level: child.0, parent: up, parentLevel: parent.0) : nil
                    verdicts[key] = expected
                }
                guard let expected else { continue }
                // Codes of a column marked identifying or sensitive are not quoted, nor the areas they imply.
                let issue = protected.contains(child.1) || protected.contains(parent.1)
                    ? ValidationIssue(file: fileName, row: rowNumber(row), column: child.1, rule: .adminHierarchy,
                                      problem: "the admin\(child.0) code is not in the row's admin\(parent.0) area (\(parent.1))",
                                      expected: "an admin\(child.0) code of that admin\(parent.0) area in the gazetteer")
                    : ValidationIssue(file: fileName, row: rowNumber(row), column: child.1, rule: .adminHierarchy,
                                      problem: "\(code) is not in admin\(parent.0) \(up)", expected: expected)
                out.append(FieldChecker.Located(row: row, issue: issue))
            }
        }
        return out
    }

    /// Nil when `code` lies under `parent`; otherwise what the row should hold instead.
    static func hierarchyExpectation(_ g: Gazetteer, code: String, level: Int, parent: String, parentLevel: Int) -> String? {
        guard g.ancestor(of: code, atLevel: parentLevel) != parent else { return nil }
        let siblings = g.codes(atLevel: level).filter { g.ancestor(of: $0, atLevel: parentLevel) == parent }
        guard !siblings.isEmpty else { return "admin\(parentLevel) \(parent) has no admin\(level) areas in the gazetteer" }
        let list = siblings.prefix(12).joined(separator: ", ") + (siblings.count > 12 ? ", …" : "")
        return "expected one of \(list)"
    }

    /// A converted admin-code column as codes into its distinct values (a value nil when empty); a null is -1.
    static func coded(_ c: Column) -> (codes: [Int32], values: [String?]) {
        if case .text(let codes, let dict) = c.data { return (codes, dict.map { $0.isEmpty ? nil : $0 }) }
        var index: [String: Int32] = [:]
        var values: [String?] = []
        let codes = (0..<c.count).map { row -> Int32 in
            guard case .text(let s) = c[row], !s.isEmpty else { return -1 }
            if let k = index[s] { return k }
            let k = Int32(values.count)
            index[s] = k
            values.append(s)
            return k
        }
        return (codes, values)
    }
}
