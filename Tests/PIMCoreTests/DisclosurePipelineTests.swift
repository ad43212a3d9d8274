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

    /// QA10 Q1/Q15: `pim anonymize` and the web preview run this pipeline; a finer admin level is never kept
    /// under a suppressed coarser one, and the "after" figures are those of the released table. 100 synthetic
    /// records, k = 24 (local suppression alone leaves adm2 under a suppressed adm1 in many rows here).
    @Test func theReleaseNeverKeepsAFinerAreaUnderASuppressedCoarserOne() throws {
        let table = try SharingFixtures.nestedAdminTable(100)
        let schema = Schema(fields: [
            Field(name: "record_id", type: .text, role: .directIdentifier),
            Field(name: "adm1_code", type: .text, role: .quasiIdentifier), Field(name: "adm2_code", type: .text, role: .quasiIdentifier),
            Field(name: "sex", type: .text, role: .quasiIdentifier), Field(name: "age", type: .integer, role: .quasiIdentifier),
        ])
        let keys = ["adm1_code", "adm2_code", "sex", "age"]
        var plan = SchemaDisclosure(schema: schema).defaultPlan(k: 24, pseudonymizer: nil)
        plan.drop = ["record_id"]
        plan.keys = keys
        plan.importance = keys
        let outcome = try DisclosurePipeline.anonymize(table, plan: plan, riskSpec: RiskSpec(keys: keys, sensitive: []), l: nil,
                                                       lSensitive: [], schema: schema)
        let c1 = try #require(outcome.table["adm1_code"]), c2 = try #require(outcome.table["adm2_code"])
        #expect(!(0..<outcome.table.rowCount).contains { c1.isNull($0) && !c2.isNull($0) })
        #expect(outcome.nestedAdminSuppressed > 0)
        let measured = try RiskAnalysis.analyze(outcome.table, spec: RiskSpec(keys: keys, sensitive: [], kThresholds: [24]))
        #expect(abs(measured.individualRisk.globalRisk - outcome.after.individualRisk.globalRisk) < 1e-12)
        #expect(measured.kAnonymity.first { $0.k == 24 }?.violatingRecords == 0)
    }

    @Test func lDiversityFixesWhatRiskFlagsKeepingTheRecords() throws {
        // Given three classes of three records on key a, with sensitive s:
        //   x: GBV, (missing), GBV  → distinct l = 2 under sdcMicro's rule (a missing value is one more value
        //                              when the class has others), but one known value: each of its records
        //                              with a recorded s is known to be GBV (QA10 F3)
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
        // Then no record goes: the keys of x and z are suppressed (the release check counts known values only),
        // so their six records form one class holding GBV, GBV, food ×3 and a missing value: two known values
        #expect(outcome.recordsRemovedForL == 0)
        #expect(outcome.table.rowCount == 9)
        #expect(outcome.suppressedPerVariable == [KeySuppression(key: "a", count: 6)])
        #expect(outcome.after.lDiversity.first?.minimumDistinctL == 2)
        let a = try #require(outcome.table["a"])
        let s = try #require(outcome.table["s"])
        let merged = Set((0..<9).filter { a.isNull($0) }.compactMap { i -> String? in if case .text(let v) = s[i] { v } else { nil } })
        #expect(merged == ["GBV", "food"])
    }

    @Test func lDiversityJoinsAWholeClassWhenNoRecordCanBeSpared() throws {
        // Given classes x {a, b}, y {c, d} and z {e, e, e}: no class holds a value twice to spare for z
        let table = try Table(columns: [
            Self.texts("k", ["x", "x", "y", "y", "z", "z", "z"]),
            Self.texts("s", ["a", "b", "c", "d", "e", "e", "e"]),
        ])
        let outcome = try DisclosurePipeline.anonymize(
            table, plan: AnonymizationPlan(keys: ["k"], k: 2, importance: ["k"]),
            riskSpec: RiskSpec(keys: ["k"], sensitive: ["s"]), l: 2, lSensitive: ["s"])
        // Then nobody is removed: z's keys are suppressed and a whole class of two (x, the first of the
        // smallest) joins it, its keys suppressed too; y is untouched
        #expect(outcome.recordsRemovedForL == 0)
        #expect(outcome.classesRemovedForL == 0)
        #expect(outcome.table.rowCount == 7)
        #expect(outcome.suppressedPerVariable == [KeySuppression(key: "k", count: 5)])
        #expect(outcome.after.lDiversity.first?.minimumDistinctL == 2)
        let k = try #require(outcome.table["k"])
        #expect((0..<7).filter { k.isNull($0) } == [0, 1, 4, 5, 6])
    }

    @Test func lDiversitySuppressesEveryClassRatherThanRemovingMostRecords() throws {
        // Given QA14's case: region A holds only p (5 records), B holds p, q, r (3 records), k = 3, l = 2
        let table = try Table(columns: [
            Self.texts("region", ["A", "A", "A", "A", "A", "B", "B", "B"]),
            Self.texts("need", ["p", "p", "p", "p", "p", "p", "q", "r"]),
        ])
        let outcome = try DisclosurePipeline.anonymize(
            table, plan: AnonymizationPlan(keys: ["region"], k: 3, importance: ["region"]),
            riskSpec: RiskSpec(keys: ["region"], sensitive: ["need"]), l: 2, lSensitive: ["need"])
        // Then all eight records are kept in one class holding p, q and r (before: the five A records were
        // removed, "even with every key suppressed")
        #expect(outcome.recordsRemovedForL == 0)
        #expect(outcome.table.rowCount == 8)
        #expect(outcome.suppressedPerVariable == [KeySuppression(key: "region", count: 8)])
        #expect(outcome.after.lDiversity.first?.minimumDistinctL == 3)
        #expect(outcome.after.minimumFk >= 3)
    }

    @Test func lDiversityJoinsTheSmallestClassesThatBringTheMissingValues() throws {
        // Given z {e ×3}, which fails l = 3, and two classes that pass it but hold no value twice that z lacks:
        // w {f, g, e, e} (4 records) and v {f, h, e} (3 records)
        let table = try Table(columns: [
            Self.texts("k", ["z", "z", "z", "w", "w", "w", "w", "v", "v", "v"]),
            Self.texts("s", ["e", "e", "e", "f", "g", "e", "e", "f", "h", "e"]),
        ])
        let outcome = try DisclosurePipeline.anonymize(
            table, plan: AnonymizationPlan(keys: ["k"], k: 2, importance: ["k"]),
            riskSpec: RiskSpec(keys: ["k"], sensitive: ["s"]), l: 3, lSensitive: ["s"])
        // Then the smaller, v, joins z (both bring two new values), and w keeps its keys
        #expect(outcome.recordsRemovedForL == 0)
        #expect(outcome.table.rowCount == 10)
        let k = try #require(outcome.table["k"])
        #expect((0..<10).filter { k.isNull($0) } == [0, 1, 2, 7, 8, 9])
        #expect(outcome.after.lDiversity.first?.minimumDistinctL == 3)
    }

    @Test func lDiversityGeneralisesClassesBeforeRemovingRecords() throws {
        // Given three classes of two on keys a, b: (x,p) and (y,q) hold one sensitive value each, (z,r) two
        let table = try Table(columns: [
            Self.texts("a", ["x", "x", "y", "y", "z", "z"]),
            Self.texts("b", ["p", "p", "q", "q", "r", "r"]),
            Self.texts("s", ["1", "1", "2", "2", "1", "2"]),
        ])
        // When it is anonymised to k = 2, l = 2 (a more important than b)
        let outcome = try DisclosurePipeline.anonymize(
            table, plan: AnonymizationPlan(keys: ["a", "b"], k: 2, importance: ["a", "b"]),
            riskSpec: RiskSpec(keys: ["a", "b"], sensitive: ["s"]), l: 2, lSensitive: ["s"])
        // Then no record is removed: b, then a, of the four failing records are suppressed, so that they form
        // one class holding 1, 1, 2, 2; the (z, r) records are untouched
        #expect(outcome.recordsRemovedForL == 0)
        #expect(outcome.table.rowCount == 6)
        #expect(outcome.suppressedPerVariable == [KeySuppression(key: "a", count: 4), KeySuppression(key: "b", count: 4)])
        #expect(outcome.loss.variables.first { $0.name == "a" }?.suppressed == 4)
        #expect(outcome.after.lDiversity.first?.minimumDistinctL == 2)
        let a = try #require(outcome.table["a"])
        #expect((0..<6).filter { a.isNull($0) }.count == 4)
    }

    @Test func lDiversityJoinsAPartlySuppressedClassByTheKeysItMisses() throws {
        // Given QA15's case: (X, X1) holds only p; (X, X2) holds p, q, r; (Y, Y1) holds p, q; grp more important
        let table = try Table(columns: [
            Self.texts("grp", ["X", "X", "X", "X", "X", "X", "Y", "Y", "Y"]),
            Self.texts("sub", ["X1", "X1", "X1", "X2", "X2", "X2", "Y1", "Y1", "Y1"]),
            Self.texts("need", ["p", "p", "p", "p", "q", "r", "p", "q", "p"]),
        ])
        let outcome = try DisclosurePipeline.anonymize(
            table, plan: AnonymizationPlan(keys: ["grp", "sub"], k: 3, importance: ["grp", "sub"]),
            riskSpec: RiskSpec(keys: ["grp", "sub"], sensitive: ["need"]), l: 2, lSensitive: ["need"])
        // Then only sub is suppressed, in the six X records, which form (X, –) with p, q, r; grp is kept
        // everywhere (before: both keys of six records were suppressed)
        #expect(outcome.recordsRemovedForL == 0)
        #expect(outcome.suppressedPerVariable == [KeySuppression(key: "grp", count: 0), KeySuppression(key: "sub", count: 6)])
        let grp = try #require(outcome.table["grp"])
        let sub = try #require(outcome.table["sub"])
        #expect((0..<9).allSatisfy { !grp.isNull($0) })
        #expect((0..<9).filter { sub.isNull($0) } == [0, 1, 2, 3, 4, 5])
        #expect(outcome.after.lDiversity.first?.minimumDistinctL == 2)
    }

    @Test func suppressionCountsIncludeTheClassesJoinedForL() throws {
        // Given keys a with one unique record (y) and a class (w) with one sensitive value
        let table = try Table(columns: [
            Self.texts("a", ["x", "x", "w", "w", "y"]),
            Self.texts("s", ["1", "2", "3", "3", "3"]),
        ])
        // When it is anonymised to k = 2, l = 2: y's key is suppressed for k; for l the w records lose theirs
        // too, and the three fully suppressed records (all 3) are joined by the x class, which brings 1 and 2
        let outcome = try DisclosurePipeline.anonymize(
            table, plan: AnonymizationPlan(keys: ["a"], k: 2, importance: ["a"]),
            riskSpec: RiskSpec(keys: ["a"], sensitive: ["s"]), l: 2, lSensitive: ["s"])
        #expect(outcome.recordsRemovedForL == 0)
        #expect(outcome.classesRemovedForL == 0)
        #expect(outcome.table.rowCount == 5)
        // Then every suppressed value is counted, per variable and in the information loss
        #expect(outcome.suppressedPerVariable == [KeySuppression(key: "a", count: 5)])
        #expect(outcome.loss.variables.first { $0.name == "a" }?.suppressed == 5)
        #expect(outcome.after.lDiversity.first?.minimumDistinctL == 3)
    }

    @Test func unreachableLAndLWithoutSensitiveVariablesAreRefusedClearly() throws {
        let table = try Table(columns: [
            Self.texts("a", ["x", "x", "y", "y"]),
            Self.texts("s", ["1", "2", "1", nil]),
        ])
        let plan = AnonymizationPlan(keys: ["a"], k: 2, importance: ["a"])
        // l = 3 with two known values (1, 2; the missing one is not a value) in the whole table
        #expect(throws: ReductionError.lUnreachable(l: 3, sensitive: "s", distinct: 2)) {
            try DisclosurePipeline.anonymize(
                table, plan: plan, riskSpec: RiskSpec(keys: ["a"], sensitive: ["s"]), l: 3, lSensitive: ["s"])
        }
        // l without a sensitive variable is an error, not ignored
        #expect(throws: DisclosurePipeline.PipelineError.self) {
            try DisclosurePipeline.anonymize(table, plan: plan, riskSpec: RiskSpec(keys: ["a"]), l: 2, lSensitive: [])
        }
    }
}
