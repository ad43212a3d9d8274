import Foundation
import PIMDisclosure
import PIMTable
import Testing

@Suite struct RiskIndividualRiskTests {
    /// Risks of sdcMicro's tests/testthat/test_indivRisk.R (method "approx", qual 1, survey TRUE).
    static let sdcMicroRisk = [0.01369863, 0.08579129, 0.01369863, 0.17707583, 0.01877883, 0.01877883, 0.03931625, 0.01369863]
    static let sdcMicroRiskWithMissing = [
        0.013698630, 0.085791288, 0.010554090, 0.032466112, 0.009836066, 0.009836066, 0.039316254, 0.005973716,
    ]

    @Test(arguments: [(false, sdcMicroRisk), (true, sdcMicroRiskWithMissing)])
    func reproducesSdcMicroIndivRiskTestValues(missing: Bool, expected: [Double]) throws {
        let measures = try RiskAnalysis.measure(
            RiskFixtures.sdcMicroIndivRiskExample(missing: missing), spec: RiskSpec(keys: ["A", "B", "C"], weight: "weight"))
        for (r, e) in zip(measures.risk, expected) { #expect(abs(r - e) < 5e-9) }
    }

    @Test func formulaCasesWorkedByHand() {
        // fk = 1, Fk = 5: pk = 0.2; 0.2/0.8 · ln 5 = 0.25 · 1.6094379 = 0.4023595 (francdat's riskiest record)
        #expect(abs(IndividualRisk.risk(fk: 1, Fk: 5, weighted: true) - 0.402359478) < 1e-8)
        // fk = 2, Fk = 26: pk = 1/13, odds = 1/12; 1/12 − (1/144) · ln 13 = 0.0833333 − 0.0178122 = 0.0655211
        #expect(abs(IndividualRisk.risk(fk: 2, Fk: 26, weighted: true) - 0.065521185) < 1e-8)
        // fk = 3, Fk = 108: pk = 1/36; (1/36) / (3 − 35/36) = 1/73 = 0.01369863
        #expect(abs(IndividualRisk.risk(fk: 3, Fk: 108, weighted: true) - 1.0 / 73) < 1e-12)
        // fk = Fk: the whole population is sampled, risk 1/fk
        #expect(IndividualRisk.risk(fk: 4, Fk: 4, weighted: true) == 0.25)
        // no weight: 1/fk
        #expect(IndividualRisk.risk(fk: 5, Fk: 900, weighted: false) == 0.2)
        // weights summing to zero give no population estimate: 1/fk
        #expect(IndividualRisk.risk(fk: 2, Fk: 0, weighted: true) == 0.5)
    }

    @Test func francdatRisksAndGlobalMeasures() throws {
        // Given francdat (fk = 2,2,2,1,1,1,1,2; Fk = 26, 84.5, 84.5, 17, 541, 8, 5, 26)
        let m = try RiskAnalysis.measure(RiskFixtures.francdat(), spec: RiskSpec(keys: ["Key1", "Key2", "Key3", "Key4"], weight: "w"))
        let odds = 2 / 82.5
        let expected = [
            0.065521185, odds - odds * odds * log(42.25), odds - odds * odds * log(42.25),
            log(17.0) / 16, log(541.0) / 540, log(8.0) / 7, log(5.0) / 4, 0.065521185,
        ]
        for (r, e) in zip(m.risk, expected) { #expect(abs(r - e) < 1e-8) }
        let sum = expected.reduce(0, +)
        #expect(abs(m.report.individualRisk.expectedReidentifications - sum) < 1e-8)
        #expect(abs(m.report.individualRisk.globalRisk - sum / 8) < 1e-9)
        #expect(abs(m.report.individualRisk.maximumRisk - log(5.0) / 4) < 1e-12)
        // median of the 8 risks = mean of the 4th and 5th smallest (0.0655211 twice)
        #expect(abs(m.report.individualRisk.medianRisk - 0.065521185) < 1e-8)
    }

    @Test func withoutWeightsRiskIsOneOverFk() throws {
        let m = try RiskAnalysis.measure(RiskFixtures.francdat(missing: true), spec: RiskSpec(keys: ["Key1", "Key2", "Key3", "Key4"]))
        #expect(m.risk == m.frequencies.fk.map { 1 / Double($0) })
        #expect(m.report.individualRisk.method == "1/fk")
    }

    @Test func highRiskRecordsFollowSdcMicrosRobustRule() throws {
        // Given 20 records in one class (r = 1/20), 10 in pairs (r = 1/2) and 2 unique (r = 1), unweighted
        let keys = Array(repeating: "a", count: 20) + (0..<10).map { "p\($0 / 2)" } + ["u1", "u2"]
        let table = try Table(columns: [RiskFixtures.texts("k", keys)])
        let report = try RiskAnalysis.analyze(table, spec: RiskSpec(keys: ["k"]))
        // median = 0.05 (20 of 32 records); |r − median| has 20 zeros, so MAD = 0 and every r > 0.1 is flagged
        #expect(report.individualRisk.medianRisk == 0.05)
        #expect(report.individualRisk.madRisk == 0)
        #expect(report.individualRisk.highRiskRecords == 12)
        #expect(abs(report.individualRisk.expectedReidentifications - (1 + 5 + 2)) < 1e-12)
    }

    @Test func highRiskRecordsLieMoreThanTwoMADsAboveTheMedian() throws {
        // Given 40 unweighted records: 4 classes of 5 (r = 0.2), 3 of 4 (r = 0.25), 2 of 3 (r = 1/3), 1 of 2 (r = 0.5)
        var keys: [String] = []
        for (size, classes) in [(5, 4), (4, 3), (3, 2), (2, 1)] {
            for c in 0..<classes { keys += Array(repeating: "s\(size)c\(c)", count: size) }
        }
        let report = try RiskAnalysis.analyze(try Table(columns: [RiskFixtures.texts("k", keys)]), spec: RiskSpec(keys: ["k"]))
        let r = report.individualRisk
        // median: the 20th and 21st of 40 sorted risks are 0.2 and 0.25 → 0.225
        #expect(abs(r.medianRisk - 0.225) < 1e-12)
        // |r − 0.225|: 0.025 for 32 records, 0.1083 for 6, 0.275 for 2 → median 0.025; MAD = 1.4826 · 0.025 = 0.037065
        #expect(abs(r.madRisk - 0.037065) < 1e-12)
        // median + 2·MAD = 0.29913 < 1/3 < 0.336195 = median + 3·MAD: the 6 records of r = 1/3 are flagged under
        // sdcMicro's 2·MAD rule (with the 2 of r = 0.5), and would not be under 3·MAD
        #expect(r.highRiskRecords == 8)
        #expect(r.highRiskRule.contains("2 × MAD"))
    }

    @Test func householdRiskCombinesMembers() throws {
        // Given unweighted records in households A (rows 1-2), B (rows 3-5) and C (rows 6-8)
        let table = try Table(columns: [
            RiskFixtures.texts("k", ["x", "y", "z", "y", "w", "w", "w", "w"]),
            RiskFixtures.texts("hh", ["A", "A", "B", "B", "B", "C", "C", "C"]),
        ])
        // k: x unique (r 1); y twice (r 1/2); z unique (r 1); w four times (r 1/4)
        let m = try RiskAnalysis.measure(table, spec: RiskSpec(keys: ["k"], household: "hh"))
        // A: 1 − 0·(1/2) = 1; B: 1 − 0·(1/2)·(3/4) = 1; C: 1 − (3/4)³ = 37/64
        let h = try #require(m.householdRisk)
        let c: Double = 37.0 / 64
        let expected: [Double] = [1, 1, 1, 1, 1, c, c, c]
        #expect(h == expected)
        let summary = try #require(m.report.householdRisk)
        #expect(summary.households == 3)
        #expect(abs(summary.expectedReidentifications - (5 + 3 * 37.0 / 64)) < 1e-12)
    }

    @Test func medianAndMADMatchR() throws {
        // R: x <- c(1, 2, 3, 4, 100); median(x) = 3; mad(x) = 1.4826 · median(2, 1, 0, 1, 97) = 1.4826
        let odd = try Table(columns: [RiskFixtures.texts("k", ["a"] + Array(repeating: "b", count: 2) + Array(repeating: "c", count: 3))])
        // risks 1, 1/2 ×2, 1/3 ×3 → median of (1/3,1/3,1/3,1/2,1/2,1) = (1/3 + 1/2)/2
        let r = try RiskAnalysis.analyze(odd, spec: RiskSpec(keys: ["k"])).individualRisk
        #expect(abs(r.medianRisk - 5.0 / 12) < 1e-12)
        // deviations: 1/12 ×5 (three 1/3s and two 1/2s), 7/12 once → median 1/12
        #expect(abs(r.madRisk - 1.4826 / 12) < 1e-12)
    }
}
