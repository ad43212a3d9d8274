import Foundation
import PIMDisclosure
import PIMTable
import PropertyBased
import Testing

@Suite struct TablesAggregationTests {
    typealias F = ReduceFixtures

    /// Records for a two-way table given as rows of counts; every record has amount 2.
    static func records(_ counts: [[Int]]) throws -> Table {
        var r: [String?] = []
        var c: [String?] = []
        for (i, row) in counts.enumerated() {
            for (j, n) in row.enumerated() {
                r += Array(repeating: "r\(i + 1)", count: n)
                c += Array(repeating: "c\(j + 1)", count: n)
            }
        }
        return try Table(columns: [F.texts("R", r), F.texts("C", c), F.integers("amount", r.map { _ in 2 })])
    }

    func cell(_ t: AggregateTable, _ r: Int?, _ c: Int?) -> AggregateTable.Cell? {
        (t.cells + t.marginals).first { $0.coordinates == [r, c] }
    }

    @Test func oneSmallCellIsProtectedByAComplementaryRectangle() throws {
        // Given the 3×3 table        c1 c2 c3 | T
        //                       r1   20 30  3 | 53
        //                       r2   25 15 40 | 80
        //                       r3   10 50 35 | 95
        //                       T    55 95 78 | 228
        let t = try Aggregation.aggregate(
            Self.records([[20, 30, 3], [25, 15, 40], [10, 50, 35]]), by: ["R", "C"], sum: ["amount"])
        // Then marginals are the sums
        #expect(cell(t, 0, nil)?.count == 53)
        #expect(cell(t, nil, 2)?.count == 78)
        #expect(t.grandTotal?.count == 228)
        #expect(t.grandTotal?.sums == [456])
        // And (r1,c3) = 3 is primary; column c3's smallest other cell 35 (r3,c3), then row r1's 20 (r1,c1),
        // then row r3's 10 (r3,c1) are the complements: a rectangle, every line with 0 or 2 suppressed
        #expect(cell(t, 0, 2)?.status == .primary)
        let secondary = t.cells.filter { $0.status == .secondary }.map(\.coordinates)
        #expect(Set(secondary) == [[2, 2], [0, 0], [2, 0]])
        #expect(t.marginals.allSatisfy { !$0.isSuppressed })
        #expect(F.lineRuleViolations(t) == 0)
        #expect(t.loss.cells == .init(cells: 16, primarySuppressed: 1, secondarySuppressed: 3))
        // (Publishing one complement again would break row r3 and column c1: the checker sees both.)
        var broken = t
        let i = try #require(broken.cells.firstIndex { $0.coordinates == [2, 0] })
        broken.cells[i].status = .published
        #expect(F.lineRuleViolations(broken) == 2)
        // And the published view hides the suppressed counts and sums
        #expect(cell(t, 0, 2)?.publishedCount == nil)
        #expect(cell(t, 0, 2)?.publishedSums == nil)
        #expect(cell(t, 1, 1)?.publishedSums == [30])
    }

    /// The same two-way table as figures: one row per cell standing for `counts[i][j]` units (split over
    /// two rows where the count allows, plus a row of null frequency that counts nothing).
    static func figures(_ counts: [[Int]]) throws -> Table {
        var r: [String?] = [], c: [String?] = [], n: [Int?] = []
        for (i, row) in counts.enumerated() {
            for (j, k) in row.enumerated() {
                let parts = k > 3 ? [k - 3, 3] : [k]
                for p in parts {
                    r.append("r\(i + 1)"); c.append("c\(j + 1)"); n.append(p)
                }
                r.append("r\(i + 1)"); c.append("c\(j + 1)"); n.append(nil)
            }
        }
        return try Table(columns: [F.texts("R", r), F.texts("C", c), F.integers("persons", n)])
    }

    @Test func rowsStandingForSeveralPersonsAreCountedAsThatManyAndProtectedAlike() throws {
        // Given the tables above as figures (rows standing for several persons) and as one record per person
        for counts in [[[20, 30, 3], [25, 15, 40], [10, 50, 35]], [[2, 1], [10, 10]], [[0, 8], [6, 9]], [[7, 1, 0], [0, 4, 12]]] {
            let records = try Aggregation.aggregate(Self.records(counts), by: ["R", "C"])
            let figures = try Aggregation.aggregate(Self.figures(counts), by: ["R", "C"], frequency: "persons")
            // Then every cell and margin has the same count and the same protection
            let a = (records.cells + records.marginals).map { [$0.coordinates.description, "\($0.count)", "\($0.status)"] }
            let b = (figures.cells + figures.marginals).map { [$0.coordinates.description, "\($0.count)", "\($0.status)"] }
            #expect(a == b, "\(counts)")
            #expect(try records.table() == figures.table())
        }
        // A negative frequency is named by its row; a text one, or one with the cell-key method, is refused
        let negative = try Table(columns: [F.texts("R", ["a", "b"]), F.integers("persons", [4, -1])])
        #expect(throws: ReductionError.negativeFrequency(column: "persons", row: 1)) {
            _ = try Aggregation.aggregate(negative, by: ["R"], frequency: "persons")
        }
        #expect(throws: ReductionError.self) { _ = try Aggregation.aggregate(negative, by: ["R"], frequency: "R") }
        #expect(throws: ReductionError.cellKeyWithSums) {
            _ = try Aggregation.aggregate(negative, by: ["R"], rule: .cellKey(minCell: 5, maxChange: 2), recordKeys: [1, 2], frequency: "persons")
        }
    }

    /// QA10 F10: r1 = (20, 1, 2) published (20) and its total 23, so the two suppressed cells held 3 together:
    /// a group as small as a small cell, and the one record of (r1,c2) knew that (r1,c3) was 2.
    @Test func suppressedCellsOfALineWithAPublishedTotalHoldAtLeastTheThresholdTogether() throws {
        // Given                c1 c2 c3 | T
        //                 r1   20  1  2 | 23
        //                 r2   20 20 20 | 60
        let t = try Aggregation.aggregate(Self.records([[20, 1, 2], [20, 20, 20]]), by: ["R", "C"])
        // Then in every line whose total is published, the suppressed cells hold 0 or at least 5 records
        let all = t.cells + t.marginals
        func count(_ r: Int?, _ c: Int?) -> Int { all.first { $0.coordinates == [r, c] }?.count ?? 0 }
        func suppressed(_ r: Int?, _ c: Int?) -> Bool { all.first { $0.coordinates == [r, c] }?.isSuppressed ?? false }
        for r in 0..<2 where !suppressed(r, nil) {
            let group = (0..<3).filter { suppressed(r, $0) }.map { count(r, $0) }.reduce(0, +)
            #expect(group == 0 || group >= 5, "row \(r): \(group)")
        }
        for c in 0..<3 where !suppressed(nil, c) {
            let group = (0..<2).filter { suppressed($0, c) }.map { count($0, c) }.reduce(0, +)
            #expect(group == 0 || group >= 5, "column \(c): \(group)")
        }
        // r1's 20 goes with its two small cells, and column c1 then needs r2's 20: r1 = 23 and r2 = 60 stay
        #expect(suppressed(0, 0) && suppressed(1, 0))
        #expect(!suppressed(0, nil) && !suppressed(1, nil))
        #expect(F.lineRuleViolations(t) == 0)
        // And in one dimension: a 10, b 1, c 2 publishes only the total 13 (not a = 10, which gave b + c = 3)
        let one = try Table(columns: [F.texts("g", Array(repeating: "a", count: 10) + ["b"] + ["c", "c"])])
        let o = try Aggregation.aggregate(one, by: ["g"])
        #expect(o.cells.allSatisfy { $0.isSuppressed })
        #expect(o.grandTotal?.isSuppressed == false)
    }

    @Test func smallMarginsArePrimaryToo() throws {
        // Given r1 = (2, 1) with total 3, and r2 = (10, 10)
        let t = try Aggregation.aggregate(Self.records([[2, 1], [10, 10]]), by: ["R", "C"])
        // Then the row total 3 is primary, and the complements leave no line with one unknown
        #expect(cell(t, 0, nil)?.status == .primary)
        #expect(cell(t, 0, 0)?.status == .primary)
        #expect(cell(t, 1, 0)?.status == .secondary)
        #expect(cell(t, 1, 1)?.status == .secondary)
        #expect(cell(t, 1, nil)?.status == .secondary)
        #expect(cell(t, nil, 0)?.status == .published)
        #expect(F.lineRuleViolations(t) == 0)
    }

    @Test func zerosAreNotSensitive() throws {
        // Given a 2×2 table with an empty cell and no small cell
        let t = try Aggregation.aggregate(Self.records([[0, 8], [6, 9]]), by: ["R", "C"])
        #expect(t.cells.count == 3)
        #expect((t.cells + t.marginals).allSatisfy { $0.status == .published })
    }

    @Test func publishedTableHasOneRowPerCellAndAFlag() throws {
        let t = try Aggregation.aggregate(
            Self.records([[20, 30, 3], [25, 15, 40], [10, 50, 35]]), by: ["R", "C"], sum: ["amount"])
        // Published: suppressed cells are not listed, so that they look like empty ones (listing one would
        // say its combination holds records): 16 cells and margins, 4 of them suppressed.
        let published = try t.table()
        #expect(published.rowCount == 12)
        #expect(F.strings(published, "flag").allSatisfy { $0 == nil })
        #expect(F.strings(published, "count").allSatisfy { $0 != nil })
        let out = try t.table(listSuppressed: true)
        #expect(out.columnNames == ["R", "C", "count", "amount", "flag"])
        #expect(out.rowCount == 16)
        let flags = F.strings(out, "flag")
        let counts = F.strings(out, "count")
        // Listed: one marker, which does not tell the small cell from those hidden to protect it
        #expect(flags.compactMap { $0 } == ["suppressed", "suppressed", "suppressed", "suppressed"])
        // The producer's own report may tell them apart
        let report = F.strings(try t.table(distinguishSuppression: true), "flag")
        #expect(report.compactMap { $0 }.sorted() == ["primary", "secondary", "secondary", "secondary"])
        for (f, c) in zip(flags, counts) { #expect((f == nil) == (c != nil)) }
        #expect(F.strings(out, "R").last == "Total")
        #expect(counts.last == "228")
        #expect(try t.table(includeMarginals: false, listSuppressed: true).rowCount == 9)
        // A category spelled like the margin label would make a margin pass for a cell: refused
        let totals = try Aggregation.aggregate(
            try Table(columns: [Column(name: "region", data: .text(codes: [0, 1, 1, 0], dictionary: ["North", " total"]))]),
            by: ["region"])
        #expect(throws: ReductionError.categoryIsTotalLabel(column: "region", label: "Total")) { try totals.table() }
        #expect(try totals.table(includeMarginals: false, listSuppressed: true).rowCount == 2)
        #expect(try totals.table(totalLabel: "All", listSuppressed: true).rowCount == 3)
        // A dimension named like an output column keeps its values under a suffixed name; pim's columns keep theirs
        // (QA19 F1: a partner cannot rename the producer's column)
        let clash = try Aggregation.aggregate(
            Table(columns: [F.texts("count", ["a", "a", "b"]), F.texts("flag", ["x", "y", "y"])]), by: ["count", "flag"])
        let renamed = try clash.table(listSuppressed: true)
        #expect(renamed.columnNames == ["count_value", "flag_value", "count", "flag"])
        #expect(F.strings(renamed, "count_value").contains("a") && F.strings(renamed, "flag_value").contains("y"))
    }

    @Test func suppressedTablesNeverPublishSmallCellsNorLinesWithOneUnknown() async throws {
        // Property: for random tables of 2 or 3 dimensions and thresholds 1...8, no published cell holds
        // 0 < n < T, every line has 0 or ≥ 2 suppressed cells, and the grand total is the row count.
        await propertyCheck(count: 40, input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...8), Gen.int(in: 5...400)) {
            seed, threshold, rows in
            let dims = 2 + seed % 2
            let table = try F.randomKeys(rows: rows, cardinalities: Array([3, 4, 2].prefix(dims)), seed: UInt64(seed))
            let keys = (0..<dims).map { "k\($0)" }
            let t = try Aggregation.aggregate(table, by: keys, rule: .suppress(minCell: threshold))
            for c in t.cells + t.marginals where !c.isSuppressed {
                #expect(c.count >= threshold)
                #expect(c.publishedCount == c.count)
            }
            for c in t.cells + t.marginals where c.count < threshold { #expect(c.status == .primary) }
            #expect(F.lineRuleViolations(t) == 0)
            #expect(t.grandTotal?.count == rows)
            #expect(t.cells.reduce(0) { $0 + $1.count } == rows)
        }
    }

    @Test(arguments: [3, 5, 10])
    func randomRoundingGivesNearbyMultiplesReproducibly(base: Int) async throws {
        await propertyCheck(count: 25, input: Gen.int(in: 0...1_000_000)) { seed in
            let table = try F.randomKeys(rows: 300, cardinalities: [4, 5], seed: UInt64(seed))
            let rule = CellRule.round(base: base, seed: UInt64(seed))
            let t = try Aggregation.aggregate(table, by: ["k0", "k1"], rule: rule)
            for c in t.cells + t.marginals {
                let p = try #require(c.publishedCount)
                #expect(p % base == 0)
                #expect(abs(p - c.count) < base)
                #expect(c.status == .published)
            }
            // Same seed, same table
            #expect(try Aggregation.aggregate(table, by: ["k0", "k1"], rule: rule) == t)
        }
    }

    @Test func randomRoundingIsUnbiased() throws {
        // Given one cell of 7 rounded to base 5 under 4,000 seeds, it becomes 10 with probability 2/5
        let table = try Table(columns: [F.texts("a", Array(repeating: "x", count: 7))])
        var sum = 0
        for seed in 0..<4000 {
            let t = try Aggregation.aggregate(table, by: ["a"], rule: .round(base: 5, seed: UInt64(seed)))
            let p = try #require(t.cells.first?.publishedCount)
            #expect(p == 5 || p == 10)
            sum += p
        }
        // Mean 7 with standard error about 2.45 / √4000 ≈ 0.04
        #expect(abs(Double(sum) / 4000 - 7) < 0.2)
    }

    @Test func roundedZerosAreLeftOutOfThePublishedTable() throws {
        let table = try Table(columns: [F.texts("a", ["x", "y", "y", "y", "y", "y", "y"])])
        for seed in UInt64(0)..<20 {
            let t = try Aggregation.aggregate(table, by: ["a"], rule: .round(base: 5, seed: seed))
            let out = try t.table()
            #expect(!F.strings(out, "count").contains("0"))
            #expect(F.strings(out, "flag").allSatisfy { $0 == nil })
        }
    }

    @Test func badInputIsRejected() throws {
        let t = try Self.records([[5, 5], [5, 5]])
        #expect(throws: ReductionError.disclosure(.unknownColumn("X", available: ["R", "C", "amount"]))) {
            try Aggregation.aggregate(t, by: ["R", "X"])
        }
        #expect(throws: ReductionError.disclosure(.thresholdNotPositive(0))) {
            try Aggregation.aggregate(t, by: ["R"], rule: .suppress(minCell: 0))
        }
        #expect(throws: ReductionError.invalidRoundingBase(0)) {
            try Aggregation.aggregate(t, by: ["R"], rule: .round(base: 0, seed: 1))
        }
        // QA11 S18: rounding protects counts only; a sum beside them would give a one-person cell's value
        #expect(throws: ReductionError.roundingWithSums) {
            try Aggregation.aggregate(t, by: ["R"], sum: ["C"], rule: .round(base: 5, seed: 1))
        }
        #expect(throws: ReductionError.unsupportedColumnType(column: "C", found: .text, expected: [.integer, .decimal])) {
            try Aggregation.aggregate(t, by: ["R"], sum: ["C"])
        }
        let empty = try Table(columns: [F.texts("R", [])])
        #expect(throws: ReductionError.disclosure(.emptyTable)) { try Aggregation.aggregate(empty, by: ["R"]) }
        #expect(throws: ReductionError.disclosure(.noKeys)) { try Aggregation.aggregate(t, by: []) }
        #expect(throws: ReductionError.repeatedColumn("R")) { try Aggregation.aggregate(t, by: ["R", "R"]) }
    }

    @Test func categoriesAreSortedAndMissingIsLast() throws {
        let table = try Table(columns: [
            F.texts("s", ["b", nil, "a", "b"]), F.integers("n", [10, 9, 10, nil]), F.dates("d", [20785, 0, 0, 0]),
        ])
        let t = try Aggregation.aggregate(table, by: ["s", "n", "d"], rule: .suppress(minCell: 1))
        #expect(t.dimensions[0].categories == ["a", "b", nil])
        #expect(t.dimensions[1].categories == ["9", "10", nil])
        #expect(t.dimensions[2].categories == ["1970-01-01", "2026-11-28"])
        let json = try JSONEncoder().encode(t)
        #expect(try JSONDecoder().decode(AggregateTable.self, from: json) == t)
    }

    /// Large tables take the fast paths (dimensions encoded on two threads, counts on two threads, more
    /// than four dimensions in two passes); every interior cell's count and sum still equals one
    /// computed here record by record, with missing values as their own category.
    @Test(arguments: [2, 5, 6])
    func largeTablesCountEveryRecordOnce(dimensions: Int) throws {
        var rng = SeededGenerator(seed: UInt64(dimensions))
        let rows = 70_000
        var columns: [Column] = []
        var keys = [[String]](repeating: [], count: rows)
        for d in 0..<dimensions {
            switch d % 3 {
            case 0:
                let v: [String?] = (0..<rows).map { _ in rng.next() % 9 == 0 ? nil : "v\(rng.next() % 4)" }
                columns.append(F.texts("d\(d)", v))
                for r in 0..<rows { keys[r].append(v[r] ?? "-") }
            case 1:
                let v: [Int?] = (0..<rows).map { _ in rng.next() % 11 == 0 ? nil : Int(rng.next() % 3) * 10 }
                columns.append(F.integers("d\(d)", v))
                for r in 0..<rows { keys[r].append(v[r].map(String.init) ?? "-") }
            default:
                let v: [Int32?] = (0..<rows).map { _ in Int32(20_000 + rng.next() % 3) }
                columns.append(F.dates("d\(d)", v))
                for r in 0..<rows { keys[r].append(String(v[r] ?? 0)) }
            }
        }
        let amounts: [Int?] = (0..<rows).map { _ in Int(rng.next() % 100) }
        columns.append(F.integers("amount", amounts))
        let table = try Table(columns: columns)
        let names = (0..<dimensions).map { "d\($0)" }
        var expected: [[String]: Int] = [:]
        var expectedSums: [[String]: Double] = [:]
        for r in 0..<rows {
            expected[keys[r], default: 0] += 1
            expectedSums[keys[r], default: 0] += Double(amounts[r] ?? 0)
        }
        for sums in [[], ["amount"]] {
            let t = try Aggregation.aggregate(table, by: names, sum: sums, rule: .suppress(minCell: 1))
            #expect(t.cells.reduce(0) { $0 + $1.count } == rows)
            var seen = 0
            for cell in t.cells where cell.count > 0 {
                // The cell's key in the form used above: a date category back to its day number.
                let key = cell.coordinates.enumerated().map { d, c -> String in
                    guard let c, let label = t.dimensions[d].categories[c] else { return "-" }
                    // Day 20000 is 2024-10-04.
                    let days = ["2024-10-04": "20000", "2024-10-05": "20001", "2024-10-06": "20002"]
                    return d % 3 == 2 ? days[label] ?? label : label
                }
                #expect(expected[key] == cell.count, "\(key)")
                if !sums.isEmpty { #expect(expectedSums[key] == cell.sums.first) }
                seen += 1
            }
            #expect(seen == expected.count)
        }
    }

    @Test func seededGeneratorIsReproducible() {
        var a = SeededGenerator(seed: 7)
        var b = SeededGenerator(seed: 7)
        var c = SeededGenerator(seed: 8)
        let xs = (0..<5).map { _ in a.next() }
        #expect(xs == (0..<5).map { _ in b.next() })
        #expect(xs != (0..<5).map { _ in c.next() })
        for _ in 0..<1000 {
            let u = a.nextUnitInterval()
            #expect(u >= 0 && u < 1)
        }
    }
}
