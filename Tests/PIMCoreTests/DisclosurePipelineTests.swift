import PIMCore
import PIMDisclosure
import PIMTable
import Testing

@Suite struct DisclosurePipelineTests {
    static func texts(_ name: String, _ values: [String?]) -> Column {
        var dictionary: [String] = []
        let codes: [Int32] = values.map { v in
            guard let v else { return -1 }
            if let i = dictionary.firstIndex(of: v) { return Int32(i) }
            dictionary.append(v)
            return Int32(dictionary.count - 1)
        }
        return Column(name: name, data: .text(codes: codes, dictionary: dictionary))
    }

    @Test func lDiversityRemovesWhatRiskFlagsAndSaysHowMuch() throws {
        // Given three classes of three records on key a, with sensitive s:
        //   x: GBV, (missing), GBV  → distinct l = 2 under sdcMicro's rule (a missing value is one more value
        //                              when the class has others)
        //   y: food, health, food  → 2
        //   z: food, food, food    → 1
        let table = try Table(columns: [
            Self.texts("a", ["x", "x", "x", "y", "y", "y", "z", "z", "z"]),
            Self.texts("s", ["GBV", nil, "GBV", "food", "health", "food", "food", "food", "food"]),
        ])
        let spec = RiskSpec(keys: ["a"], sensitive: ["s"])
        // pim risk sees one class below l = 2 (z, 3 records)
        let risk = try RiskAnalysis.analyze(table, spec: spec)
        let below = try #require(risk.lDiversity.first?.below.first { $0.l == 2 })
        #expect(below.distinctClasses == 1)
        #expect(below.distinctRecords == 3)
        // When it is anonymised to k = 2, l = 2
        let outcome = try DisclosurePipeline.anonymize(
            table, plan: AnonymizationPlan(keys: ["a"], k: 2, importance: ["a"]), riskSpec: spec, l: 2, lSensitive: ["s"])
        // Then exactly that class goes, and the outcome says how many records and classes were removed
        #expect(outcome.recordsRemovedForL == 3)
        #expect(outcome.classesRemovedForL == 1)
        #expect(outcome.table.rowCount == 6)
        #expect(outcome.after.lDiversity.first?.minimumDistinctL == 2)
    }
}
