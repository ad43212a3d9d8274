import Foundation
import PIMDisclosure
import PIMTable
import Testing

@Suite struct ReduceAnonymizerTests {
    typealias F = ReduceFixtures

    func microdata() throws -> Table {
        try Table(columns: [
            F.texts("name", ["n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8"]),
            F.texts("hh", ["H1", "H1", "H2", "H2", "H3", "H3", "H4", "H5"]),
            F.texts("adm2", ["XY0101", "XY0102", "XY0101", "XY0201", "XY0202", "XY0201", "XY0101", "XY0301"]),
            F.texts("sex", ["f", "m", "f", "f", "m", "m", "f", "m"]),
            F.integers("age", [3, 34, 7, 40, 45, 52, 61, 29]),
            F.texts("need", ["a", "b", "a", "c", "b", "a", "c", "b"]),
        ])
    }

    @Test func planRunsEveryStepAndReachesK() throws {
        // Given a plan that drops names, pseudonymises households, bands ages, lifts adm2 to adm1, k = 2
        let plan = AnonymizationPlan(
            drop: ["name"], pseudonymize: ["hh"], pseudonymizer: ReversingPseudonymizer(),
            recodes: [.ageBands(column: "age"), .location(column: "adm2", hierarchy: .prefix(length: 4))],
            keys: ["adm2", "sex", "age"], k: 2, importance: ["adm2", "sex", "age"])
        // When it is applied
        let r = try Anonymizer.apply(plan, to: microdata())
        // Then the result is 2-anonymous on the keys, names are gone, ids are pseudonyms
        let f = try KeyFrequencies(table: r.table, keys: plan.keys, missingMatchesAny: true)
        #expect(f.fk.allSatisfy { Int($0) >= 2 })
        #expect(r.table["name"] == nil)
        #expect(F.strings(r.table, "hh").allSatisfy { $0?.hasPrefix("P-") == true })
        #expect(F.strings(r.table, "need") == F.strings(try microdata(), "need"))
        // And the loss lists every touched column
        #expect(r.loss.droppedColumns == ["name"])
        #expect(r.loss.variables.map(\.name) == ["hh", "age", "adm2", "sex"])
        let age = try #require(r.loss.variables.first { $0.name == "age" })
        #expect(age.changed == 8)
        #expect(age.categoriesBefore == 8)
        #expect(r.loss.totalSuppressed == r.suppressedPerVariable.reduce(0) { $0 + $1.count })
        // And the loss is Codable for the report
        let json = try JSONEncoder().encode(r.loss)
        #expect(try JSONDecoder().decode(InformationLoss.self, from: json) == r.loss)
    }

    @Test func categoriesAreCountedInTheInputAndInTheReleasedTable() throws {
        // Given 193 records: ages 0…95 twice each in adm2 XY0101/XY0102/XY0201 and sex f/m, plus one record of
        // sex "x" (unique, so local suppression must touch it) and one negative age
        var ages: [Int?] = (0..<96).flatMap { [$0, $0] }
        var adm2: [String?] = ages.indices.map { ["XY0101", "XY0102", "XY0201"][$0 / 2 % 3] }
        var sex: [String?] = ages.indices.map { ["f", "m"][$0 / 6 % 2] }
        ages.append(30)
        adm2.append("XY0101")
        sex.append("x")
        ages[0] = -1
        let table = try Table(columns: [F.texts("adm2", adm2), F.texts("sex", sex), F.integers("age", ages)])
        let plan = AnonymizationPlan(
            recodes: [.ageBands(column: "age"), .location(column: "adm2", hierarchy: .prefix(length: 4))],
            keys: ["adm2", "sex", "age"], k: 2, importance: ["adm2", "sex", "age"])
        // When it is anonymised to k = 2
        let r = try Anonymizer.apply(plan, to: table)
        func loss(_ name: String) throws -> InformationLoss.Variable { try #require(r.loss.variables.first { $0.name == name }) }
        func distinct(_ name: String) -> Int { Set(F.strings(r.table, name).compactMap { $0 }).count }
        // Then "before" is the input's distinct values: 97 ages (−1, 0…95), 3 codes, 3 sexes (f, m, x)
        #expect(try loss("age").categoriesBefore == 97)
        #expect(try loss("adm2").categoriesBefore == 3)
        #expect(try loss("sex").categoriesBefore == 3)
        // And "after" is the released table's, counted here from the table itself
        for name in ["age", "adm2", "sex"] { #expect(try loss(name).categoriesAfter == distinct(name), "\(name)") }
        // And merged is what recoding made into fewer: 97 distinct ages → 5 bands = 92, 3 codes → 2 areas = 1
        #expect(try loss("age").categoriesMerged == 92)
        #expect(try loss("adm2").categoriesMerged == 1)
        #expect(try loss("sex").categoriesMerged == 0)
        // And the negative age is counted as set to missing by recoding
        #expect(try loss("age").suppressedByRecoding == 1)
        #expect(try loss("age").suppressed >= 1)
    }

    @Test func badPlansAreRejected() throws {
        let t = try microdata()
        #expect(throws: ReductionError.disclosure(.kBelowTwo(1))) {
            try Anonymizer.apply(AnonymizationPlan(keys: ["sex"], k: 1), to: t)
        }
        #expect(throws: ReductionError.disclosure(.noKeys)) { try Anonymizer.apply(AnonymizationPlan(k: 2), to: t) }
        #expect(throws: ReductionError.missingPseudonymizer) {
            try Anonymizer.apply(AnonymizationPlan(pseudonymize: ["hh"]), to: t)
        }
        #expect(throws: ReductionError.self) { try Anonymizer.apply(AnonymizationPlan(drop: ["nom"]), to: t) }
        #expect(throws: ReductionError.cannotReachK(k: 9, rows: 8)) {
            try Anonymizer.apply(AnonymizationPlan(keys: ["sex"], k: 9), to: t)
        }
        let empty = try Table(columns: [F.texts("sex", [])])
        #expect(throws: ReductionError.disclosure(.emptyTable)) {
            try Anonymizer.apply(AnonymizationPlan(keys: ["sex"], k: 2), to: empty)
        }
    }

    @Test func aKeyThatIsAlsoDroppedIsNamedAsSuch() throws {
        // Given sex as a key and as a column to drop
        let e = #expect(throws: ReductionError.self) {
            try Anonymizer.apply(AnonymizationPlan(drop: ["name", "sex"], keys: ["adm2", "sex"], k: 2), to: try microdata())
        }
        // Then the error says so, instead of "there is no key column sex" (it exists; it was dropped)
        #expect(e?.description.hasPrefix("column \"sex\" is both a key variable and a column to drop") == true, "\(String(describing: e))")
    }

    @Test func errorMessagesReadAsSentencesWithoutValues() {
        let errors: [ReductionError] = [
            .disclosure(.thresholdNotPositive(0)), .unsupportedColumnType(column: "sex", found: .text, expected: [.integer]),
            .cannotReachK(k: 5, rows: 3), .invalidRoundingBase(0), .tableTooLarge(cells: 100, limit: 10),
            .unmappedLocations(column: "adm2", codes: 3), .missingPseudonymizer,
            .lUnreachable(l: 3, sensitive: "need", distinct: 2), .lLeavesTooFewRecords(l: 2, k: 5, removed: 3, left: 4),
        ]
        for e in errors {
            #expect(!e.description.isEmpty)
            #expect(e.description.first?.isLowercase == true || e.description.first?.isNumber == true || e.description.hasPrefix("row"))
        }
    }
}
