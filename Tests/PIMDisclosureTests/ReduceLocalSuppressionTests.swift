import PIMDisclosure
import PIMTable
import PropertyBased
import Testing

@Suite struct ReduceLocalSuppressionTests {
    typealias F = ReduceFixtures

    /// Two pairs and one record that differs from each pair in one key.
    func pairsAndOneUnique() throws -> Table {
        try Table(columns: [
            F.texts("A", ["a1", "a1", "a2", "a2", "a1"]), F.texts("B", ["b1", "b1", "b2", "b2", "b2"]),
            F.integers("other", [1, 2, 3, 4, 5]),
        ])
    }

    @Test func theLeastImportantSufficientKeyIsSuppressed() throws {
        // Given record 5 (a1, b2) alone in its class, and either key's suppression enough for k = 2
        let t = try pairsAndOneUnique()
        // When A is the more important key (the default: order of keys)
        let r = try LocalSuppression.apply(to: t, keys: ["A", "B"], k: 2)
        // Then B of record 5 is suppressed, once, and nothing else changes
        #expect(F.strings(r.table, "B") == ["b1", "b1", "b2", "b2", nil])
        #expect(F.strings(r.table, "A") == ["a1", "a1", "a2", "a2", "a1"])
        #expect(r.suppressedPerVariable.map(\.count) == [0, 1])
        #expect(r.recordsAtRisk == 1)
        #expect(r.table["other"] == t["other"])
        // When B is declared more important, A is suppressed instead
        let s = try LocalSuppression.apply(to: t, keys: ["A", "B"], k: 2, importance: ["B", "A"])
        #expect(F.strings(s.table, "A") == ["a1", "a1", "a2", "a2", nil])
        #expect(s.suppressedPerVariable.map(\.count) == [1, 0])
    }

    @Test func aMoreImportantKeyIsSuppressedWhenTheLessImportantOneCannotHelp() throws {
        // Given (a1,b1)×2, (a2,b1)×2 and (a1,b3): suppressing B gives (a1,*) which matches 3 records,
        // suppressing A gives (*,b3) which matches only itself
        let t = try Table(columns: [
            F.texts("A", ["a1", "a1", "a2", "a2", "a1"]), F.texts("B", ["b1", "b1", "b1", "b1", "b3"]),
        ])
        // When B is the more important key
        let r = try LocalSuppression.apply(to: t, keys: ["A", "B"], k: 2, importance: ["B"])
        // Then B is still the one suppressed: one value instead of two
        #expect(F.strings(r.table, "B") == ["b1", "b1", "b1", "b1", nil])
        #expect(r.totalSuppressed == 1)
    }

    @Test func existingMissingValuesMatchAnyCategory() throws {
        // Given a record with a missing B that matches both a1 records
        let t = try Table(columns: [F.texts("A", ["a1", "a1", "a1"]), F.texts("B", ["b1", "b2", nil])])
        // Then k = 2 holds already (fk = 2, 2, 3) and nothing is suppressed
        let r = try LocalSuppression.apply(to: t, keys: ["A", "B"], k: 2)
        #expect(r.totalSuppressed == 0)
        #expect(r.table == t)
    }

    @Test func everyKeyIsSuppressedWhenNothingElseReachesK() throws {
        // Given three records that share nothing, and k = 3
        let t = try Table(columns: [F.texts("A", ["x", "y", "z"]), F.integers("B", [1, 2, 3])])
        let r = try LocalSuppression.apply(to: t, keys: ["A", "B"], k: 3)
        let f = try KeyFrequencies(table: r.table, keys: ["A", "B"], missingMatchesAny: true)
        #expect(f.fk.allSatisfy { Int($0) >= 3 })
        // Records 1 and 2 lose both keys (no single key helps). Record 3 is complete, and (sdcMicro's rule, as
        // KeyFrequencies) a complete record does not count records missing every key: it loses B, and
        // (z, *) then matches both blank records.
        #expect(F.strings(r.table, "A") == [nil, nil, "z"])
        #expect(F.strings(r.table, "B") == [nil, nil, nil])
        #expect(r.totalSuppressed == 5)
    }

    @Test func badInputIsRejected() throws {
        let t = try pairsAndOneUnique()
        #expect(throws: ReductionError.disclosure(.kBelowTwo(1))) { try LocalSuppression.apply(to: t, keys: ["A"], k: 1) }
        #expect(throws: ReductionError.disclosure(.noKeys)) { try LocalSuppression.apply(to: t, keys: [], k: 2) }
        #expect(throws: ReductionError.disclosure(.unknownKey("C", available: ["A", "B", "other"]))) {
            try LocalSuppression.apply(to: t, keys: ["A", "C"], k: 2)
        }
        #expect(throws: ReductionError.cannotReachK(k: 6, rows: 5)) { try LocalSuppression.apply(to: t, keys: ["A"], k: 6) }
        let empty = try Table(columns: [F.texts("A", [])])
        #expect(throws: ReductionError.disclosure(.emptyTable)) { try LocalSuppression.apply(to: empty, keys: ["A"], k: 2) }
        #expect(throws: ReductionError.repeatedColumn("A")) { try LocalSuppression.apply(to: t, keys: ["A", "A"], k: 2) }
    }

    @Test func resultIsAlwaysKAnonymous() async throws {
        // Property: for random skewed tables with missing values, every record of the result has at least
        // k matches by KeyFrequencies (missing matches any), only key values were blanked, and the counts add up.
        await propertyCheck(
            count: 60, input: Gen.int(in: 0...1_000_000), Gen.int(in: 2...5), Gen.int(in: 10...400)
        ) { seed, k, rows in
            let cards = [2 + seed % 4, 3 + seed % 7, 2 + seed % 11]
            let t = try F.randomKeys(rows: rows, cardinalities: cards, missingRate: Double(seed % 4) * 0.05, seed: UInt64(seed))
            let keys = ["k0", "k1", "k2"]
            let r = try LocalSuppression.apply(to: t, keys: keys, k: k, importance: ["k1"])
            let f = try KeyFrequencies(table: r.table, keys: keys, missingMatchesAny: true)
            #expect(f.fk.allSatisfy { Int($0) >= k })
            // The records it found at risk are those KeyFrequencies finds below k in the input.
            let before = try KeyFrequencies(table: t, keys: keys, missingMatchesAny: true)
            #expect(r.recordsAtRisk == before.fk.filter { Int($0) < k }.count)
            var blanked = 0
            for key in keys {
                let before = F.strings(t, key)
                let after = F.strings(r.table, key)
                for (b, a) in zip(before, after) where a != b {
                    #expect(a == nil)
                    blanked += 1
                }
            }
            #expect(blanked == r.totalSuppressed)
        }
    }

    @Test func numericAndDateKeysAreSuppressedToNull() throws {
        let t = try Table(columns: [
            F.integers("n", [1, 1, 2]), F.dates("d", [10, 10, 10]), F.decimals("x", [0.5, 0.5, 0.5]),
        ])
        let r = try LocalSuppression.apply(to: t, keys: ["d", "x", "n"], k: 2)
        #expect(F.strings(r.table, "n") == ["1", "1", nil])
        #expect(r.suppressedPerVariable.map(\.key) == ["d", "x", "n"])
        #expect(r.suppressedPerVariable.map(\.count) == [0, 0, 1])
    }
}
