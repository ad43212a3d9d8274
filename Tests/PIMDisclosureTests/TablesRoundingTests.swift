import PIMDisclosure
import PIMTable
import PropertyBased
import Testing

/// Random rounding of aggregate tables: controlled (Cox 1987) for one and two dimensions, additive beyond.
@Suite struct TablesRoundingTests {
    typealias F = ReduceFixtures

    /// The published count of every interior cell whose coordinates agree with `margin`'s non-nil ones,
    /// summed: what the margin must equal when the table adds up.
    static func sumOfCells(under margin: AggregateTable.Cell, in t: AggregateTable) -> Int {
        t.cells.filter { cell in
            zip(cell.coordinates, margin.coordinates).allSatisfy { c, m in m == nil || c == m }
        }.reduce(0) { $0 + ($1.publishedCount ?? 0) }
    }

    @Test(arguments: [3, 5, 10])
    func oneAndTwoWayTablesAddUpAndStayWithinTheBase(base: Int) async throws {
        // Property: for random tables of one or two dimensions (up to 40 × 3 categories) and any seed, every
        // published count is a multiple of the base less than `base` from the truth, every margin equals the
        // sum of its published cells, and the same seed gives the same table.
        await propertyCheck(count: 30, input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...2), Gen.int(in: 1...2_000)) {
            seed, dims, rows in
            let cards = Array([40, 3].prefix(dims))
            let table = try F.randomKeys(rows: rows, cardinalities: cards, seed: UInt64(seed))
            let keys = (0..<dims).map { "k\($0)" }
            let rule = CellRule.round(base: base, seed: UInt64(seed))
            let t = try Aggregation.aggregate(table, by: keys, rule: rule)
            #expect(t.rounding == .controlled)
            for c in t.cells + t.marginals {
                let p = try #require(c.publishedCount)
                #expect(p % base == 0)
                #expect(abs(p - c.count) <= base - 1)
            }
            for m in t.marginals { #expect(m.publishedCount == Self.sumOfCells(under: m, in: t)) }
            #expect(t.grandTotal?.count == rows)
            #expect(try Aggregation.aggregate(table, by: keys, rule: rule) == t)
        }
    }

    @Test func oneWayRoundingIsUnbiasedForCellsAndTotal() throws {
        // Given categories of 3 and 4 records (total 7), rounded to base 5 under 2,000 seeds
        let table = try Table(columns: [F.texts("a", ["x", "x", "x", "y", "y", "y", "y"])])
        var sums = [0, 0, 0]
        for seed in 0..<2000 {
            let t = try Aggregation.aggregate(table, by: ["a"], rule: .round(base: 5, seed: UInt64(seed)))
            let x = try #require(t.cells.first { $0.coordinates == [0] }?.publishedCount)
            let y = try #require(t.cells.first { $0.coordinates == [1] }?.publishedCount)
            let total = try #require(t.grandTotal?.publishedCount)
            // Then each is the multiple of 5 just below or above (3 → 0|5, 4 → 0|5, 7 → 5|10) and they add up
            #expect([0, 5].contains(x) && [0, 5].contains(y) && [5, 10].contains(total))
            #expect(x + y == total)
            sums[0] += x
            sums[1] += y
            sums[2] += total
        }
        // And the means are the true counts: E = 5·3/5 = 3, 5·4/5 = 4, 5 + 5·2/5 = 7 (standard error ≈ 0.06)
        #expect(abs(Double(sums[0]) / 2000 - 3) < 0.3)
        #expect(abs(Double(sums[1]) / 2000 - 4) < 0.3)
        #expect(abs(Double(sums[2]) / 2000 - 7) < 0.3)
    }

    @Test func multiplesOfTheBaseAreLeftAsTheyAre() throws {
        // Given a 2 × 2 table of 5, 10 / 15, 20 (margins 15, 35 / 20, 30, total 50), every value a multiple of 5
        let t = try Aggregation.aggregate(
            TablesAggregationTests.records([[5, 10], [15, 20]]), by: ["R", "C"], rule: .round(base: 5, seed: 9))
        // Then nothing moves
        for c in t.cells + t.marginals { #expect(c.publishedCount == c.count) }
        #expect(t.loss.cells?.rounded == 0)
    }

    @Test func largerTablesAddUpWithMarginsAsSumsOfRoundedCells() throws {
        // Given a three-way table, rounded to base 5
        let table = try F.randomKeys(rows: 600, cardinalities: [4, 3, 2], seed: 11)
        let t = try Aggregation.aggregate(table, by: ["k0", "k1", "k2"], rule: .round(base: 5, seed: 42))
        // Then interior cells are within 4 of the truth, and every margin is the sum of its rounded cells
        #expect(t.rounding == .additive)
        for c in t.cells {
            let p = try #require(c.publishedCount)
            #expect(p % 5 == 0 && abs(p - c.count) <= 4)
        }
        for m in t.marginals { #expect(m.publishedCount == Self.sumOfCells(under: m, in: t)) }
        // And the note says that totals may be further off
        #expect(t.roundingNote?.contains("may differ from the true total") == true)
    }

    @Test func theBaseAndMethodButNotTheSeedAreWrittenInTheTable() throws {
        let t = try Aggregation.aggregate(
            TablesAggregationTests.records([[12, 7], [3, 9]]), by: ["R", "C"], rule: .round(base: 5, seed: 42))
        let out = try t.table()
        #expect(out.columnNames == ["R", "C", "count", "flag", "note"])
        let notes = F.strings(out, "note")
        let first = try #require(notes.first ?? nil)
        #expect(first.contains("base 5") && first.contains("controlled"))
        // The seed would let anyone replay the random choices: it is not published
        #expect(!first.contains("42"))
        #expect(notes.dropFirst().allSatisfy { $0 == nil })
        // A suppressed table has no note column
        let suppressed = try Aggregation.aggregate(TablesAggregationTests.records([[12, 7], [6, 9]]), by: ["R", "C"])
        #expect(try suppressed.table().columnNames == ["R", "C", "count", "flag"])
    }
}
