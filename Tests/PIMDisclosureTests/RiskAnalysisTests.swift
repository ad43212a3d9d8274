import Foundation
import PIMDisclosure
import PIMTable
import Testing

@Suite struct RiskAnalysisTests {
    /// 10 synthetic records: (district, sex, age band), a sensitive need, a weight and a household id.
    func survey() throws -> Table {
        try Table(columns: [
            RiskFixtures.texts("district", ["D1", "D1", "D1", "D1", "D2", "D2", "D2", "D3", "D3", "D1"]),
            RiskFixtures.texts("sex", ["f", "f", "f", "m", "m", "m", "f", "f", "f", "f"]),
            RiskFixtures.integers("age_band", [1, 1, 1, 2, 3, 3, 3, 1, 2, 1]),
            RiskFixtures.texts("need", ["a", "b", "a", "a", "c", "c", "a", "b", "b", "a"]),
            RiskFixtures.decimals("weight", [10, 10, 10, 20, 5, 5, 5, 40, 40, 10]),
            RiskFixtures.texts("hh", ["h1", "h1", "h2", "h2", "h3", "h3", "h4", "h5", "h5", "h6"]),
        ])
    }

    @Test func kAnonymityCountsWorkedByHand() throws {
        // Classes: (D1,f,1) ×4, (D1,m,2), (D2,m,3) ×2, (D2,f,3), (D3,f,1), (D3,f,2)
        let r = try RiskAnalysis.analyze(survey(), spec: RiskSpec(keys: ["district", "sex", "age_band"]))
        #expect(r.classCount == 6)
        #expect(r.smallestClassSize == 1)
        #expect(r.classSizeHistogram == [ClassSizeCount(size: 1, classes: 4), ClassSizeCount(size: 2, classes: 1), ClassSizeCount(size: 4, classes: 1)])
        #expect(r.kAnonymity == [
            KAnonymityCount(k: 2, violatingRecords: 4, violatingClasses: 4, share: 0.4),
            KAnonymityCount(k: 3, violatingRecords: 6, violatingClasses: 5, share: 0.6),
            KAnonymityCount(k: 5, violatingRecords: 10, violatingClasses: 6, share: 1.0),
        ])
        // The combinations with the most violating records (k = 5): the class of 4 first, then the pair
        #expect(r.riskiestCombinations.prefix(2) == [
            KeyCombination(values: ["D1", "f", "1"], records: 4, fk: 4),
            KeyCombination(values: ["D2", "m", "3"], records: 2, fk: 2),
        ])
        #expect(r.combinationK == 5)
    }

    @Test func topCombinationsAreLimitedAndOrderedByFirstAppearanceOnTies() throws {
        let r = try RiskAnalysis.analyze(survey(), spec: RiskSpec(keys: ["district", "sex", "age_band"], kThresholds: [2], topCombinations: 3))
        #expect(r.riskiestCombinations == [
            KeyCombination(values: ["D1", "m", "2"], records: 1, fk: 1),
            KeyCombination(values: ["D2", "f", "3"], records: 1, fk: 1),
            KeyCombination(values: ["D3", "f", "1"], records: 1, fk: 1),
        ])
    }

    @Test func missingKeyValuesAreShownAsMissing() throws {
        let table = try Table(columns: [RiskFixtures.texts("a", ["x", nil, "y"]), RiskFixtures.texts("b", ["p", "q", "q"])])
        let r = try RiskAnalysis.analyze(table, spec: RiskSpec(keys: ["a", "b"], kThresholds: [3]))
        #expect(r.hasMissingKeys)
        #expect(r.riskiestCombinations.contains(KeyCombination(values: [nil, "q"], records: 1, fk: 2)))
        #expect(r.render(.text).contains("a=(missing), b=q"))
    }

    @Test func dateAndBooleanKeysAreShownReadably() throws {
        // 19,000 days after 1970-01-01 is 2022-01-08 (2022-01-01 is day 18,993); day −1 is 1969-12-31
        let table = try Table(columns: [
            Column(name: "day", data: .date(days: [19_000, -1], nulls: NullMask())),
            Column(name: "flag", data: .boolean(values: [true, false], nulls: NullMask())),
        ])
        let r = try RiskAnalysis.analyze(table, spec: RiskSpec(keys: ["day", "flag"]))
        #expect(r.riskiestCombinations.map(\.values) == [["2022-01-08", "true"], ["1969-12-31", "false"]])
    }

    @Test func aKeyOrSensitiveVariableNamedTwiceIsRefused() throws {
        // Given keys with sex twice (the report would list "sex=f, sex=f" and measure nothing new)
        let t = try survey()
        let key = #expect(throws: DisclosureError.self) {
            try RiskAnalysis.analyze(t, spec: RiskSpec(keys: ["sex", "district", "sex"]))
        }
        #expect(key?.description == "column \"sex\" is named more than once; name each column once")
        let sensitive = #expect(throws: DisclosureError.self) {
            try RiskAnalysis.analyze(t, spec: RiskSpec(keys: ["district"], sensitive: ["need", "need"]))
        }
        #expect(sensitive?.description == "column \"need\" is named more than once; name each column once")
    }

    @Test func validationNamesWhatIsWrong() throws {
        let t = try survey()
        let names = t.columnNames
        #expect(throws: DisclosureError.unknownKey("region", available: names)) {
            try RiskAnalysis.analyze(t, spec: RiskSpec(keys: ["district", "region"]))
        }
        #expect(throws: DisclosureError.noKeys) { try RiskAnalysis.analyze(t, spec: RiskSpec(keys: [])) }
        #expect(throws: DisclosureError.unknownColumn("needs", available: names)) {
            try RiskAnalysis.analyze(t, spec: RiskSpec(keys: ["district"], sensitive: ["needs"]))
        }
        #expect(throws: DisclosureError.sensitiveIsKey("sex")) {
            try RiskAnalysis.analyze(t, spec: RiskSpec(keys: ["sex"], sensitive: ["sex"]))
        }
        #expect(throws: DisclosureError.unknownColumn("wt", available: names)) {
            try RiskAnalysis.analyze(t, spec: RiskSpec(keys: ["district"], weight: "wt"))
        }
        #expect(throws: DisclosureError.kBelowTwo(1)) {
            try RiskAnalysis.analyze(t, spec: RiskSpec(keys: ["district"], kThresholds: [1, 2]))
        }
        #expect(throws: DisclosureError.recursiveConstantNotPositive(0)) {
            try RiskAnalysis.analyze(t, spec: RiskSpec(keys: ["district"], lDiversityC: 0))
        }
        #expect(throws: DisclosureError.invalidWeight(row: 0, column: "need")) {
            try RiskAnalysis.analyze(t, spec: RiskSpec(keys: ["district"], weight: "need"))
        }
        let empty = t.selectingRows([])
        #expect(throws: DisclosureError.emptyTable) { try RiskAnalysis.analyze(empty, spec: RiskSpec(keys: ["district"])) }
    }

    @Test func householdIdsMustBePresentOnEveryRecord() throws {
        let table = try Table(columns: [RiskFixtures.texts("k", ["a", "a", "b"]), RiskFixtures.texts("hh", ["h1", nil, "h2"])])
        #expect(throws: DisclosureError.householdIdMissing(row: 1, column: "hh")) {
            try RiskAnalysis.analyze(table, spec: RiskSpec(keys: ["k"], household: "hh"))
        }
    }

    @Test func rendersTextMarkdownAndJSON() throws {
        let r = try RiskAnalysis.analyze(
            survey(), spec: RiskSpec(keys: ["district", "sex", "age_band"], sensitive: ["need"], weight: "weight", household: "hh"))
        let text = r.render(.text)
        #expect(text.contains("Records: 10"))
        #expect(text.contains("k=2: 4 records (40.00%) in 4 classes violate"))
        #expect(text.contains("l-diversity of need"))
        #expect(text.contains("Household risk"))
        let md = r.render(.markdown)
        #expect(md.contains("| 2 | 4 | 40.00% | 4 |"))
        #expect(md.contains("| district | sex | age_band | records | fk |"))
        // JSON round-trips to the same report
        let decoded = try JSONDecoder().decode(RiskReport.self, from: Data(r.render(.json).utf8))
        #expect(decoded == r)
        // No sensitive values appear in any rendering
        for format in ReportFormat.allCases { #expect(!r.render(format).contains("\"b\"")) }
    }

    @Test func weightsSummingBelowTheSampleAreFlagged() throws {
        // Given weights below 1: class a (fk 2, Fk 0.75) and class b (fk 1, Fk 0.9)
        let table = try Table(columns: [
            RiskFixtures.texts("k", ["a", "a", "b"]), RiskFixtures.decimals("w", [0.5, 0.25, 0.9]),
        ])
        let r = try RiskAnalysis.analyze(table, spec: RiskSpec(keys: ["k"], weight: "w"))
        // Then sdcMicro's approx figures are kept (b: pk = 1/0.9, −10·ln 0.9 = 1.0536, above 1) and the report says
        // that the 3 records' risks are not probabilities
        #expect(abs(r.individualRisk.maximumRisk - 10 * log(1 / 0.9)) < 1e-9)
        #expect(r.recordsWithFkBelowfk == 3)
        #expect(r.render(.text).contains("warning: 3 records are in classes whose weights sum to less than their number of records"))
        #expect(r.render(.markdown).contains("**Warning:** 3 records are in classes"))
        #expect(try JSONDecoder().decode(RiskReport.self, from: Data(r.render(.json).utf8)) == r)
        // And weights of 1 or more raise no warning
        let fine = try RiskAnalysis.analyze(survey(), spec: RiskSpec(keys: ["district"], weight: "weight"))
        #expect(fine.recordsWithFkBelowfk == nil)
        #expect(!fine.render(.text).contains("warning"))
        #expect(!fine.render(.json).contains("recordsWithFkBelowfk"))
    }

    @Test func withMissingKeysTheReportSaysWhichSmallestFigureKIsMeasuredOn() throws {
        // Given a suppressed value: (x, −) is a class of one record, but it matches both (x, p) records (fk 3)
        let table = try Table(columns: [
            RiskFixtures.texts("a", ["x", "x", "x", "y", "y"]), RiskFixtures.texts("b", ["p", "p", nil, "q", "q"]),
        ])
        let r = try RiskAnalysis.analyze(table, spec: RiskSpec(keys: ["a", "b"]))
        #expect(r.smallestClassSize == 1)
        #expect(r.minimumFk == 2)
        let text = r.render(.text)
        #expect(text.contains("smallest class of identical keys 1; smallest fk 2, a missing value matching any category, "
            + "which k-anonymity is measured on"))
        #expect(r.render(.markdown).contains("smallest class of identical keys 1; smallest fk 2"))
        // And one record or class is written in the singular
        #expect(text.contains("k=3: 2 records (40.00%) in 1 class violate"), "\(text)")
        #expect(text.contains("a=y, b=q: 2 records (fk 2)"))
        let single = try RiskAnalysis.analyze(table.selectingRows([0, 1, 3]), spec: RiskSpec(keys: ["a", "b"]))
        #expect(single.render(.text).contains("k=2: 1 record (33.33%) in 1 class violate"))
    }

    @Test func peerCanonicalTextsFollowTheBenchmarkFormat() throws {
        let r = try RiskAnalysis.analyze(
            survey(), spec: RiskSpec(keys: ["district", "sex", "age_band"], sensitive: ["need"], weight: "weight", household: "hh"))
        #expect(PeerDigest.kAnonymityText(r) == "task=kanon;qi=district,sex,age_band;n=10;classes=6;min_k=1;lt2=4;lt3=6;lt5=10\n1,4\n2,1\n4,1\n")
        // distinct l per class: (D1,f,1) {a,b} 2; (D2,m,3) {c} 1; the four singletons 1
        #expect(PeerDigest.lDiversityText(r, sensitive: "need")
            == "task=ldiv;qi=district,sex,age_band;sa=need;n=10;classes=6;min_l=1;classes_l1=5;records_l_lt2=6;records_l_lt3=10\n1,5\n2,1\n")
        #expect(PeerDigest.lDiversityText(r, sensitive: "other") == nil)
        let risk = try #require(PeerDigest.riskText(r, weightsLabel: "weight"))
        let er = String(format: "%.4f", r.individualRisk.expectedReidentifications)
        #expect(risk.hasPrefix("task=risk;qi=district,sex,age_band;weights=weight;n=10;classes=6;ER=\(er);hier_ER="))
    }
}
