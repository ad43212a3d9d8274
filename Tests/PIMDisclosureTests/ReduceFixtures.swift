import PIMDisclosure
import PIMTable

/// Small synthetic tables and helpers for the reduction and aggregate-table tests (no real people's data).
enum ReduceFixtures {
    static func texts(_ name: String, _ values: [String?]) -> Column {
        var dictionary: [String] = []
        var index: [String: Int32] = [:]
        let codes: [Int32] = values.map { v in
            guard let v else { return -1 }
            if let c = index[v] { return c }
            index[v] = Int32(dictionary.count)
            dictionary.append(v)
            return Int32(dictionary.count - 1)
        }
        return Column(name: name, data: .text(codes: codes, dictionary: dictionary))
    }

    static func integers(_ name: String, _ values: [Int?]) -> Column {
        var nulls = NullMask()
        for (i, v) in values.enumerated() where v == nil { nulls.setNull(i) }
        return Column(name: name, data: .integer(values: values.map { Int64($0 ?? 0) }, nulls: nulls))
    }

    static func decimals(_ name: String, _ values: [Double?]) -> Column {
        var nulls = NullMask()
        for (i, v) in values.enumerated() where v == nil { nulls.setNull(i) }
        return Column(name: name, data: .decimal(values: values.map { $0 ?? 0 }, nulls: nulls))
    }

    static func dates(_ name: String, _ days: [Int32?]) -> Column {
        var nulls = NullMask()
        for (i, v) in days.enumerated() where v == nil { nulls.setNull(i) }
        return Column(name: name, data: .date(days: days.map { $0 ?? 0 }, nulls: nulls))
    }

    /// The values of a column as optional strings (numbers printed), for comparisons.
    static func strings(_ table: Table, _ name: String) -> [String?] {
        guard let c = table[name] else { return [] }
        return (0..<table.rowCount).map { r in
            switch c[r] {
            case .null: nil
            case .text(let s): s
            case .integer(let v): String(v)
            case .decimal(let v): String(v)
            case .date(let d): String(d)
            case .boolean(let b): String(b)
            }
        }
    }

    /// A random microdata table: `rows` records with keys of the given cardinalities (text categories
    /// "c0", "c1", …, skewed so that rare combinations exist) and a share of missing values.
    static func randomKeys(
        rows: Int, cardinalities: [Int], missingRate: Double = 0, seed: UInt64
    ) throws -> Table {
        var g = SeededGenerator(seed: seed)
        var columns: [Column] = []
        for (d, card) in cardinalities.enumerated() {
            let values: [String?] = (0..<rows).map { _ in
                if missingRate > 0 && g.nextUnitInterval() < missingRate { return nil }
                // Skewed: squaring a uniform number favours low categories.
                let u = g.nextUnitInterval()
                return "c\(Int(u * u * Double(card)))"
            }
            columns.append(texts("k\(d)", values))
        }
        return try Table(columns: columns)
    }

    /// Checks the line rule on an aggregate table with marginals: for every dimension and every fixing of the
    /// other coordinates (categories or total), the cells along the line, its total included, hold zero or at
    /// least two suppressed cells (so the published cells never determine a single unknown).
    /// Returns the number of lines that break the rule.
    static func lineRuleViolations(_ table: AggregateTable) -> Int {
        var byCoordinates: [[Int?]: AggregateTable.Cell] = [:]
        for c in table.cells + table.marginals { byCoordinates[c.coordinates] = c }
        let dims = table.dimensions.count
        let extents = table.dimensions.map { $0.categories.count + 1 }
        var violations = 0
        func slot(_ v: Int, _ d: Int) -> Int? { v == extents[d] - 1 ? nil : v }
        for d in 0..<dims {
            // Enumerate every fixing of the other coordinates.
            var others = [Int](repeating: 0, count: dims)
            while true {
                // With exactly one unknown, it equals the line's total minus its published cells.
                var suppressed = 0
                for j in 0..<extents[d] {
                    var coords = (0..<dims).map { slot(others[$0], $0) }
                    coords[d] = slot(j, d)
                    if byCoordinates[coords]?.isSuppressed == true { suppressed += 1 }
                }
                if suppressed == 1 { violations += 1 }
                // Advance the odometer over the other dimensions.
                var a = 0
                while a < dims {
                    if a == d {
                        a += 1
                        continue
                    }
                    others[a] += 1
                    if others[a] < extents[a] { break }
                    others[a] = 0
                    a += 1
                }
                if a >= dims { break }
            }
        }
        return violations
    }
}

/// A deterministic stand-in for PIMCore's HMAC pseudonymizer: "P-" and the reversed id.
struct ReversingPseudonymizer: Pseudonymizer {
    func pseudonym(for id: String) -> String { "P-" + String(id.reversed()) }
}

/// Maps every id to the same pseudonym, to test collisions.
struct ConstantPseudonymizer: Pseudonymizer {
    func pseudonym(for id: String) -> String { "P" }
}
