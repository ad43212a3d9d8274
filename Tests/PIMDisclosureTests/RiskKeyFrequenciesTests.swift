import PIMDisclosure
import PIMTable
import Testing

@Suite struct RiskKeyFrequenciesTests {
    let francKeys = ["Key1", "Key2", "Key3", "Key4"]

    @Test func francdatWithoutMissingValuesGivesClassSizesAndWeightSums() throws {
        // Given sdcMicro's francdat: rows 1 and 8 share (1,2,5,1), rows 2 and 3 share (1,2,1,1), the rest are unique
        let f = try KeyFrequencies(table: RiskFixtures.francdat(), keys: francKeys, weight: "w")
        // Then fk is the class size and Fk the weight sum of the class, as freqCalc(francdat, c(2,4,5,6), w=8)
        #expect(f.fk == [2, 2, 2, 1, 1, 1, 1, 2])
        #expect(f.Fk == [26, 84.5, 84.5, 17, 541, 8, 5, 26])
        #expect(f.classCount == 6)
        #expect(f.classSizes == [2, 2, 1, 1, 1, 1])
        #expect(f.classOfRecord == [0, 1, 1, 2, 3, 4, 5, 0])
        #expect(!f.hasMissingKeys)
    }

    @Test func francdatWithMissingValuesCountsWildcardMatches() throws {
        // Given freqCalc's documented NAs: x[3,5], x[4,2], x[4,4], x[5,6], x[6,2]
        let f = try KeyFrequencies(table: RiskFixtures.francdat(missing: true), keys: francKeys, weight: "w")
        // Then (worked by hand) row 3 (1,2,NA,1) matches rows 1, 2, 8; row 4 (NA,NA,1,5) matches rows 5 and 7;
        // row 5 (4,3,1,NA) matches 4 and 6; row 6 (NA,3,1,1) matches 5; complete rows gain their NA matches
        #expect(f.fk == [3, 2, 4, 3, 3, 2, 2, 3])
        #expect(f.Fk == [65, 84.5, 110.5, 563, 566, 549, 22, 65])
        #expect(f.hasMissingKeys)
        // Classes stay those of identical codes (a missing value being a code of its own)
        #expect(f.classCount == 7)
    }

    @Test func francdatWithoutWeightHasFkEqualToFk() throws {
        let f = try KeyFrequencies(table: RiskFixtures.francdat(missing: true), keys: francKeys)
        #expect(f.Fk == f.fk.map(Double.init))
        #expect(!f.isWeighted)
    }

    @Test func sdcMicroTestExampleWithMissingValues() throws {
        // Given the data of sdcMicro's test_indivRisk.R with NAs (unweighted risks 1/3, 1, 1/4, 1/2, 1/3, 1/3, 1, 1/5)
        let f = try KeyFrequencies(table: RiskFixtures.sdcMicroIndivRiskExample(missing: true), keys: ["A", "B", "C"], weight: "weight")
        #expect(f.fk == [3, 1, 4, 2, 3, 3, 1, 5])
        #expect(f.Fk == [108, 45.5, 125, 56, 151, 151, 123.5, 208])
    }

    @Test func missingValuesCanBeTheirOwnCategory() throws {
        let f = try KeyFrequencies(
            table: RiskFixtures.francdat(missing: true), keys: francKeys, weight: "w", missingMatchesAny: false)
        #expect(f.fk == [2, 1, 1, 1, 1, 1, 1, 2])
        #expect(f.Fk == [26, 45.5, 39, 17, 541, 8, 5, 26])
    }

    @Test func recordsMissingEveryKeyMatchAllButDoNotCountForCompleteRecords() throws {
        // Given two keys; row 3 misses both, row 2 misses one
        let table = try Table(columns: [
            RiskFixtures.texts("a", ["x", "x", nil, "y"]),
            RiskFixtures.texts("b", ["p", nil, nil, "p"]),
        ])
        let f = try KeyFrequencies(table: table, keys: ["a", "b"])
        // Then (sdcMicro freqCalc): the all-missing row has fk = n; the partial row counts rows 1 and 3;
        // complete rows are not increased by the all-missing row
        #expect(f.fk == [2, 3, 4, 1])
    }

    @Test func oneKeyWithMissingValuesAddsThemToEveryCategory() throws {
        // Given one key (sdcMicro's special case): every NA record counts for every category
        let table = try Table(columns: [RiskFixtures.texts("a", ["x", "x", nil, "y"])])
        let f = try KeyFrequencies(table: table, keys: ["a"])
        #expect(f.fk == [3, 3, 4, 2])
    }

    @Test func keysOfEveryColumnTypeAreGrouped() throws {
        var flags = NullMask()
        flags.setNull(3)
        let table = try Table(columns: [
            Column(name: "flag", data: .boolean(values: [true, true, false, false], nulls: flags)),
            Column(name: "day", data: .date(days: [19_000, 19_000, 19_000, 19_001], nulls: NullMask())),
            RiskFixtures.decimals("x", [0.5, 0.5, -0.0, 0.0]),
            RiskFixtures.integers("big", [1 << 40, 1 << 40, -(1 << 40), -(1 << 40)]),
        ])
        let f = try KeyFrequencies(table: table, keys: ["flag", "day", "x", "big"], missingMatchesAny: false)
        #expect(f.fk == [2, 2, 1, 1])
        #expect(f.classCount == 3)
    }

    @Test func hugeKeySpacesFallBackWithoutOverflow() throws {
        // Given 5 keys of 10,000 distinct values each: 10,001^5 does not fit in 64 bits
        let n = 10_000
        let columns = (0..<5).map { k in RiskFixtures.integers("k\(k)", (0..<n).map { ($0 * (k + 1) * 7919) % n }) }
        var table = try Table(columns: columns)
        // Duplicate the first two records so that one class has three members
        table = table.selectingRows(Array(0..<n) + [0, 0])
        let f = try KeyFrequencies(table: table, keys: (0..<5).map { "k\($0)" })
        #expect(f.classCount == n)
        #expect(f.fk[0] == 3)
        #expect(f.fk[1] == 1)
        #expect(f.classSizes.reduce(0, +) == Int32(n + 2))
    }

    @Test func largeCardinalitiesUseTheHashedPath() throws {
        // Given two keys whose product (about 10^10) is far larger than the record count
        let n = 5_000
        let table = try Table(columns: [
            RiskFixtures.integers("a", (0..<n).map { $0 % 100_000 * 3 }),
            RiskFixtures.integers("b", (0..<n).map { ($0 / 2) * 11 }),
        ])
        let f = try KeyFrequencies(table: table, keys: ["a", "b"])
        #expect(f.classCount == n)
        #expect(f.fk.allSatisfy { $0 == 1 })
    }

    @Test func rejectsUnknownKeysNamingTheColumns() throws {
        #expect(throws: DisclosureError.unknownKey("Key9", available: ["Key1", "Key2", "Key3", "Key4", "w"])) {
            try KeyFrequencies(table: RiskFixtures.francdat(), keys: ["Key1", "Key9"])
        }
        #expect(throws: DisclosureError.noKeys) { try KeyFrequencies(table: RiskFixtures.francdat(), keys: []) }
    }

    @Test func rejectsInvalidWeightsAtTheFirstBadRow() throws {
        let table = try Table(columns: [
            RiskFixtures.texts("k", ["a", "a", "b", "b"]),
            RiskFixtures.texts("w_text", ["1.5", " 2 ", "n/a", "3"]),
            RiskFixtures.decimals("w_negative", [1, 2, 3, -1]),
            RiskFixtures.integers("w_null", [1, nil, 1, 1]),
            RiskFixtures.texts("w_ok", ["1.5", " 2 ", "0", "3"]),
        ])
        #expect(throws: DisclosureError.invalidWeight(row: 2, column: "w_text")) {
            try KeyFrequencies(table: table, keys: ["k"], weight: "w_text")
        }
        #expect(throws: DisclosureError.invalidWeight(row: 3, column: "w_negative")) {
            try KeyFrequencies(table: table, keys: ["k"], weight: "w_negative")
        }
        #expect(throws: DisclosureError.invalidWeight(row: 1, column: "w_null")) {
            try KeyFrequencies(table: table, keys: ["k"], weight: "w_null")
        }
        let f = try KeyFrequencies(table: table, keys: ["k"], weight: "w_ok")
        #expect(f.Fk == [3.5, 3.5, 3, 3])
    }

    @Test func errorMessagesNameColumnsAndRowsButNoValues() {
        #expect(DisclosureError.invalidWeight(row: 2, column: "w").description
            == "row 3, column \"w\": the weight must be a non-negative number and not empty")
        #expect(DisclosureError.unknownKey("age", available: ["sex", "adm1"]).description
            == "there is no key column \"age\"; the columns are: sex, adm1")
    }
}
