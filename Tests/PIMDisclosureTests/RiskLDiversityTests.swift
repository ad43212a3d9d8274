import Foundation
import PIMDisclosure
import PIMTable
import Testing

@Suite struct RiskLDiversityTests {
    /// The 4-anonymous inpatient table of Machanavajjhala et al. (2007), Figure 2: three classes of four.
    func inpatients() throws -> Table {
        try Table(columns: [
            RiskFixtures.texts("zip", Array(repeating: "130**", count: 4) + Array(repeating: "1485*", count: 4) + Array(repeating: "130**", count: 4)),
            RiskFixtures.texts("age", Array(repeating: "<30", count: 4) + Array(repeating: ">=40", count: 4) + Array(repeating: "3*", count: 4)),
            RiskFixtures.texts("condition", [
                "heart disease", "heart disease", "viral infection", "viral infection",
                "cancer", "heart disease", "viral infection", "viral infection",
                "cancer", "cancer", "cancer", "cancer",
            ]),
        ])
    }

    @Test func homogeneousClassHasDistinctLOne() throws {
        // Given the paper's table, whose third class is all "cancer" (the homogeneity attack)
        let report = try RiskAnalysis.analyze(inpatients(), spec: RiskSpec(keys: ["zip", "age"], sensitive: ["condition"]))
        let l = try #require(report.lDiversity.first)
        // Then distinct l is 2, 3 and 1: one class of four records is below l = 2
        #expect(l.distinctHistogram == [LCount(l: 1, classes: 1, records: 4), LCount(l: 2, classes: 1, records: 4), LCount(l: 3, classes: 1, records: 4)])
        #expect(l.minimumDistinctL == 1)
        #expect(l.minimumEntropyL == 1)
        #expect(l.minimumRecursiveL == 1)
        let below2 = try #require(l.below.first { $0.l == 2 })
        #expect(below2.distinctClasses == 1 && below2.distinctRecords == 4)
        // entropy l: class 1 is exp(ln 2) = 2 (not below 2); class 2 is exp(1.0397) = 2.83; class 3 is 1
        #expect(below2.entropyClasses == 1)
        let below3 = try #require(l.below.first { $0.l == 3 })
        #expect(below3.distinctClasses == 2 && below3.distinctRecords == 8)
        // entropy l of class 2: counts 2,1,1 → H = ln 4 · 1/2 + ln 2 · 1/2; exp(H) = 2√2 < 3
        #expect(below3.entropyClasses == 3)
        // recursive (2, l): class 1 (2,2): 2 < 2·2 → l = 2; class 2 (2,1,1): l = 2 (2 < 2·(1+1)), not 3 (2 < 2·1 fails)
        #expect(below3.recursiveClasses == 3 && below2.recursiveClasses == 1)
    }

    /// QA14 (#4: "with the classes that fail"): the report lists the failing classes, most records first, with their
    /// key categories and l under each measure, in every format.
    @Test func theClassesThatFailAreListed() throws {
        let report = try RiskAnalysis.analyze(inpatients(), spec: RiskSpec(keys: ["zip", "age"], sensitive: ["condition"], lThresholds: [2]))
        let failing = try #require(report.lDiversity.first?.failingClasses)
        // At l = 2 only the all-cancer class fails (class 1's entropy l is exactly 2)
        #expect(failing.count == 1)
        #expect(failing.first?.values == ["130**", "3*"])
        #expect(failing.first?.records == 4 && failing.first?.distinctL == 1 && failing.first?.recursiveL == 1)
        let text = report.render(.text)
        #expect(text.contains("classes failing l=2 (most records first):"), "\(text)")
        #expect(text.contains("zip=130**, age=3*: 4 records (distinct l 1, entropy l 1.000, recursive l 1)"), "\(text)")
        #expect(report.render(.markdown).contains("Classes failing l = 2, most records first:"))
        #expect(report.render(.json).contains("\"failingClasses\""))
        // At l = 3 all three classes fail (class 2: entropy l 2.83), the largest first, then in order of appearance
        let three = try RiskAnalysis.analyze(inpatients(), spec: RiskSpec(keys: ["zip", "age"], sensitive: ["condition"], lThresholds: [2, 3]))
        #expect(three.lDiversity.first?.failingClasses?.map { $0.values } == [["130**", "<30"], ["1485*", ">=40"], ["130**", "3*"]])
    }

    @Test func largerConstantCAllowsHigherRecursiveL() throws {
        // With c = 3, class 2 (counts 2,1,1) is recursive (3,3)-diverse: 2 < 3·1
        let report = try RiskAnalysis.analyze(
            inpatients(), spec: RiskSpec(keys: ["zip", "age"], sensitive: ["condition"], lDiversityC: 3))
        let below3 = try #require(report.lDiversity.first?.below.first { $0.l == 3 })
        #expect(below3.recursiveClasses == 2)
    }

    @Test(arguments: [
        ([3], 2.0, 1), ([3, 1], 2.0, 1), ([3, 1], 4.0, 2), ([1, 1], 2.0, 2), ([2, 1, 1], 2.0, 2),
        ([2, 1, 1], 3.0, 3), ([5, 4, 3, 2, 1], 1.0, 3), ([], 2.0, 0),
    ])
    func recursiveLWorkedExamples(counts: [Int], c: Double, expected: Int) throws {
        // Given one class with these sensitive-value counts
        var values: [String] = []
        for (i, n) in counts.enumerated() { values += Array(repeating: "v\(i)", count: n) }
        if values.isEmpty { values = ["placeholder"] }
        let sensitive: [String?] = counts.isEmpty ? [nil] : values
        let table = try Table(columns: [
            RiskFixtures.texts("k", Array(repeating: "a", count: sensitive.count)), RiskFixtures.texts("s", sensitive),
        ])
        let l = try #require(try RiskAnalysis.analyze(table, spec: RiskSpec(keys: ["k"], sensitive: ["s"], lDiversityC: c)).lDiversity.first)
        // [5,4,3,2,1], c = 1: l = 2: 5 < 10 ✓; l = 3: 5 < 6 ✓; l = 4: 5 < 3 ✗ → 3
        #expect(l.minimumRecursiveL == expected)
    }

    @Test func missingSensitiveValuesCountAsOneMoreValueWhenOthersExist() throws {
        // Given class a: {x, x, missing}; class b: {missing}
        let table = try Table(columns: [
            RiskFixtures.texts("k", ["a", "a", "a", "b"]), RiskFixtures.texts("s", ["x", "x", nil, nil]),
        ])
        let l = try #require(try RiskAnalysis.analyze(table, spec: RiskSpec(keys: ["k"], sensitive: ["s"])).lDiversity.first)
        // Then (sdcMicro's rule) class a has distinct l 2, class b 0; entropy l of a = exp(−(2/3 ln 2/3 + 1/3 ln 1/3))
        #expect(l.distinctHistogram == [LCount(l: 0, classes: 1, records: 1), LCount(l: 2, classes: 1, records: 3)])
        #expect(l.minimumRecursiveL == 0)
        #expect(l.minimumEntropyL == 1)
    }

    @Test func entropyLOfAUniformClassIsItsSize() throws {
        let table = try Table(columns: [
            RiskFixtures.texts("k", Array(repeating: "a", count: 5)), RiskFixtures.texts("s", ["p", "q", "r", "s", "t"]),
        ])
        let l = try #require(try RiskAnalysis.analyze(table, spec: RiskSpec(keys: ["k"], sensitive: ["s"])).lDiversity.first)
        #expect(abs(l.minimumEntropyL - 5) < 1e-12)
        #expect(l.minimumDistinctL == 5)
        #expect(l.minimumRecursiveL == 5)
    }
}
