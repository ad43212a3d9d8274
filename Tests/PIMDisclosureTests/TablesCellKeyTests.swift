import PIMDisclosure
import PIMTable
import PropertyBased
import Testing

/// The cell-key method: the perturbation table, cell keys that depend only on a cell's records, and tables
/// that cannot be differenced.
@Suite struct TablesCellKeyTests {
    typealias F = ReduceFixtures

    /// Keys spread evenly over `UInt32` from a seed (a stand-in for the producer's secret keys).
    static func keys(_ n: Int, seed: UInt64) -> [UInt32] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in UInt32(truncatingIfNeeded: g.next()) }
    }

    @Test func perturbationTableWorkedExample() {
        let p = CellKeyPerturbation(minCell: 5, maxChange: 2)
        // n = 10: 8…12 with weights 1, 2, 3, 2, 1 (of 9)
        #expect(p.outcomes(count: 10).map(\.published) == [8, 9, 10, 11, 12])
        #expect(p.outcomes(count: 10).map(\.weight) == [1, 2, 3, 2, 1])
        #expect(p.outcomes(count: 10).allSatisfy { $0.total == 9 })
        // The key's position picks the outcome: [0, 1/9) → 8, [1/9, 3/9) → 9, [3/9, 6/9) → 10, …
        let ninth = (UInt64(1) << 32) / 9  // 477,218,588.4…
        #expect(p.published(count: 10, cellKey: 0) == 8)
        #expect(p.published(count: 10, cellKey: UInt32(ninth)) == 8)
        #expect(p.published(count: 10, cellKey: UInt32(ninth + 1)) == 9)
        #expect(p.published(count: 10, cellKey: UInt32(3 * ninth + 1)) == 9)  // 3/9 · 2^32 = 1,431,655,765.3
        #expect(p.published(count: 10, cellKey: UInt32(3 * ninth + 2)) == 10)
        #expect(p.published(count: 10, cellKey: UInt32.max) == 12)
        // n = 3 (below 5): 0 with probability 2/5, else 5
        #expect(p.outcomes(count: 3).map(\.published) == [0, 5])
        #expect(p.published(count: 3, cellKey: UInt32((UInt64(2) << 32) / 5 - 1)) == 0)
        #expect(p.published(count: 3, cellKey: UInt32((UInt64(2) << 32) / 5 + 1)) == 5)
        // n = 6: only 5, 6, 7 (never below 5); n = 5 and n = 0 unchanged
        #expect(p.outcomes(count: 6).map(\.published) == [5, 6, 7])
        #expect(p.outcomes(count: 5).map(\.published) == [5])
        #expect(p.published(count: 0, cellKey: 12345) == 0)
    }

    @Test func everyRowOfThePerturbationTableIsUnbiasedAndSafe() async {
        // Property: for every count, threshold and largest change, the outcomes' probabilities sum to 1, their
        // mean is exactly the count, no outcome lies between 1 and minCell − 1, and counts of at least minCell
        // change by at most maxChange and never fall below minCell.
        await propertyCheck(count: 300, input: Gen.int(in: 0...200), Gen.int(in: 1...20), Gen.int(in: 1...5)) { n, minCell, change in
            let p = CellKeyPerturbation(minCell: minCell, maxChange: change)
            let outcomes = p.outcomes(count: n)
            let total = outcomes[0].total
            #expect(outcomes.allSatisfy { $0.total == total && $0.weight > 0 })
            #expect(outcomes.reduce(0) { $0 + $1.weight } == total)
            #expect(outcomes.reduce(0) { $0 + $1.weight * $1.published } == n * total)
            #expect(!outcomes.contains { (1..<minCell).contains($0.published) })
            if n >= minCell { #expect(outcomes.allSatisfy { abs($0.published - n) <= change && $0.published >= minCell }) }
            if n == 0 { #expect(outcomes.map(\.published) == [0]) }
        }
    }

    @Test func keysSpreadEvenlyGiveTheTablesProbabilities() {
        // 9,000 keys at the middles of equal steps over UInt32: each outcome of n = 20 (18…22) is drawn
        // weight/9 of the time.
        let p = CellKeyPerturbation(minCell: 5, maxChange: 2)
        var seen: [Int: Int] = [:]
        for i in 0..<9_000 {
            let key = UInt32((UInt64(2 * i + 1) << 32) / 18_000)
            seen[p.published(count: 20, cellKey: key), default: 0] += 1
        }
        #expect(seen == [18: 1_000, 19: 2_000, 20: 3_000, 21: 2_000, 22: 1_000])
    }

    @Test func aCellShowsTheSameCountInEveryTable() async throws {
        // Property: over random tables and keys, a margin of a finer table equals the same cell of a coarser
        // table (same records, same key, same count), and no published count lies in 1…minCell − 1.
        await propertyCheck(count: 40, input: Gen.int(in: 0...1_000_000), Gen.int(in: 20...600)) { seed, rows in
            let table = try F.randomKeys(rows: rows, cardinalities: [3, 4, 2], seed: UInt64(seed))
            let keys = Self.keys(rows, seed: UInt64(seed) &+ 1)
            let rule = CellRule.cellKey(minCell: 5, maxChange: 2)
            let fine = try Aggregation.aggregate(table, by: ["k0", "k1", "k2"], rule: rule, recordKeys: keys)
            let coarse = try Aggregation.aggregate(table, by: ["k0", "k2"], rule: rule, recordKeys: keys)
            for cell in coarse.cells + coarse.marginals {
                // The fine table's cell with k1 as its total and the same k0, k2.
                let labels = coarse.labels(of: cell)
                let match = (fine.cells + fine.marginals).first { c in
                    let l = fine.labels(of: c)
                    return c.coordinates[1] == nil && l[0] == labels[0] && l[2] == labels[1]
                        && (c.coordinates[0] == nil) == (cell.coordinates[0] == nil)
                        && (c.coordinates[2] == nil) == (cell.coordinates[1] == nil)
                }
                #expect(match?.count == cell.count)
                #expect(match?.publishedCount == cell.publishedCount)
            }
            for c in fine.cells + fine.marginals {
                let p = try #require(c.publishedCount)
                #expect(!(1..<5).contains(p))
                if c.count >= 5 { #expect(abs(p - c.count) <= 2) }
            }
            #expect(fine.loss.cells?.primarySuppressed == 0)
        }
    }

    @Test func differencingTwoTablesNoLongerGivesTheSmallCell() throws {
        // QA finding W31: female GBV survivors are 15 in a table by sex, 12 adults and 3 children in a table by
        // sex and age group; with suppression the 3 was hidden in the second table and recovered as 15 − 12.
        // With cell keys the children's cell shows 0 or 5, and 15 − 12 is computed from perturbed counts: over
        // many draws of the secret keys, the difference is not a fixed number, and is 3 only sometimes.
        var sex: [String] = []
        var age: [String] = []
        for _ in 0..<12 { sex.append("f"); age.append("adult") }
        for _ in 0..<3 { sex.append("f"); age.append("child") }
        for _ in 0..<9 { sex.append("m"); age.append("adult") }
        let table = try Table(columns: [F.texts("sex", sex), F.texts("age", age)])
        var differences: [Int: Int] = [:]
        var childCounts = Set<Int>()
        let draws = 400
        for seed in 0..<draws {
            let keys = Self.keys(table.rowCount, seed: UInt64(seed))
            let rule = CellRule.cellKey(minCell: 5, maxChange: 2)
            let bySex = try Aggregation.aggregate(table, by: ["sex"], rule: rule, recordKeys: keys)
            let bySexAge = try Aggregation.aggregate(table, by: ["sex", "age"], rule: rule, recordKeys: keys)
            let female = try #require(bySex.cells.first { bySex.labels(of: $0) == ["f"] }?.publishedCount)
            let adults = try #require(bySexAge.cells.first { bySexAge.labels(of: $0) == ["f", "adult"] }?.publishedCount)
            let children = try #require(bySexAge.cells.first { bySexAge.labels(of: $0) == ["f", "child"] }?.publishedCount)
            childCounts.insert(children)
            differences[female - adults, default: 0] += 1
            // The published table has no row for a cell perturbed to 0 and says how it was protected.
            let rendered = try bySexAge.table()
            #expect(rendered.rowCount == (bySexAge.cells + bySexAge.marginals).filter { $0.publishedCount != 0 }.count)
            #expect(rendered[AggregateTable.noteColumn] != nil)
        }
        #expect(childCounts == [0, 5])
        // The difference 15 − 12 takes many values; 3 is the most common but far from certain (19/81 when the
        // two changes are independent draws of the same triangle).
        #expect(differences.count >= 5)
        #expect((differences[3] ?? 0) < draws / 2)
    }

    @Test func theCellKeyRuleRefusesWhatItCannotProtect() throws {
        let table = try Table(columns: [F.texts("sex", ["f", "m", "f"]), Column(name: "n", data: .integer(values: [1, 2, 3], nulls: NullMask()))])
        let rule = CellRule.cellKey(minCell: 5, maxChange: 2)
        #expect(throws: ReductionError.recordKeysMissing(rows: 3, keys: 0)) { try Aggregation.aggregate(table, by: ["sex"], rule: rule) }
        #expect(throws: ReductionError.recordKeysMissing(rows: 3, keys: 2)) {
            try Aggregation.aggregate(table, by: ["sex"], rule: rule, recordKeys: [1, 2])
        }
        #expect(throws: ReductionError.cellKeyWithSums) {
            try Aggregation.aggregate(table, by: ["sex"], sum: ["n"], rule: rule, recordKeys: [1, 2, 3])
        }
        #expect(throws: ReductionError.parameterNotPositive(name: "the largest change of a count", value: 0)) {
            try Aggregation.aggregate(table, by: ["sex"], rule: .cellKey(minCell: 5, maxChange: 0), recordKeys: [1, 2, 3])
        }
        #expect(throws: ReductionError.disclosure(.thresholdNotPositive(0))) {
            try Aggregation.aggregate(table, by: ["sex"], rule: .cellKey(minCell: 0, maxChange: 2), recordKeys: [1, 2, 3])
        }
    }
}
