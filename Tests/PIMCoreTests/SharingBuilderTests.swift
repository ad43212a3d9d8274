import Foundation
@testable import PIMCore
import PIMDisclosure
import PIMTable
import Testing

@Suite struct SharingBuilderTests {
    typealias F = SharingFixtures

    func plan(_ a: Agreement, _ d: Dataset, _ level: DetailLevel, by: [String] = ["adm1", "sex"]) throws -> SharePlan {
        guard case .allowed(let p) = SharingRules.decide(ShareRequest(dataset: d, recipient: "DRC", level: level, dimensions: by),
                                                         agreement: a, at: F.now) else {
            throw ShareRefusal.noDimensions
        }
        return p
    }

    @Test func aggregatedShareSuppressesSmallCellsAndCarriesHXLTags() throws {
        // 12 records: XY01 has 6 (3 f, 3 m), XY02 has 6 → with min cell 4, every adm1×sex cell (3) is suppressed
        let d = F.dataset()
        let a = try F.agreement(thresholds: .init(minimumCellSize: 4))
        let out = try ShareBuilder.build(try plan(a, d, .aggregated), dataset: d, table: F.table(12), consent: [])
        #expect(out.disclosure.cellsSuppressedPrimary == 4)
        #expect(out.table.columnNames == ["adm1", "sex", "count", "flag"])
        #expect(out.table["adm1"]?.tag?.description == "#adm1+code")
        #expect(out.table["count"]?.tag?.description == "#indicator+records+num")
        // The grand total (12) is published
        let counts = try #require(out.table["count"])
        #expect((0..<out.table.rowCount).contains { counts[$0] == .integer(12) })
        #expect(!(0..<out.table.rowCount).contains { counts[$0] == .integer(3) })
    }

    /// A column the schema calls "other" (or sensitive) that has a different value in nearly every record
    /// would single the records out of anonymised microdata: the share is refused, naming it.
    @Test func anonymisedShareRefusesAColumnUniquePerRecord() throws {
        var d = F.dataset(category: "protection-needs-assessment")
        d.schema.fields.append(Field(name: "ref", type: .text, role: .other))
        var table = F.table(40)
        try table.setColumn(Column(name: "ref", data: textData((0..<40).map { "Q\(1000 + $0)" })))
        let a = try F.agreement(level: .anonymised, thresholds: .init(k: 3, maximumGlobalRisk: 0.2))
        #expect(throws: ShareBuildError.refused(.uniqueColumnKept(column: "ref", distinct: 40, records: 40))) {
            try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: table, consent: [])
        }
        // Marked as a direct identifier, it is left out and the share is made.
        d.schema.fields[d.schema.fields.count - 1].role = .directIdentifier
        let out = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: table, consent: [])
        #expect(out.table["ref"] == nil)
        #expect(out.disclosure.droppedColumns.contains("ref"))
        // QA11 S9: exact coordinates (a decimal column) are refused alike; a sampling weight is not
        d.schema.fields.append(Field(name: "latitude", type: .decimal, role: .other))
        d.schema.fields.append(Field(name: "weight", type: .decimal, role: .weight))
        try table.setColumn(Column(name: "latitude", data: .decimal(values: (0..<40).map { 12 + Double($0) / 997 }, nulls: NullMask())))
        try table.setColumn(Column(name: "weight", data: .decimal(values: (0..<40).map { 1 + Double($0) / 13 }, nulls: NullMask())))
        #expect(throws: ShareBuildError.refused(.uniqueColumnKept(column: "latitude", distinct: 40, records: 40))) {
            try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: table, consent: [])
        }
        d.schema.fields[d.schema.fields.count - 2].role = .directIdentifier
        #expect(try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: table, consent: []).table["weight"] != nil)
    }

    /// QA10 Q1: a worked example of the nesting rule. Rows: (adm1, adm2, adm1_name).
    /// r0 (–, XY0101, Alpha): adm1 missing → adm2 and the same-level name go; r1 (XY01, –, Alpha): a finer level
    /// missing leaves the coarser ones; r2 (XY01, XY0101, Alpha): untouched. 2 values suppressed.
    @Test func finerAdminLevelsGoWhereACoarserOneIsSuppressed() throws {
        let schema = Schema(fields: [
            Field(name: "adm1", hxl: "#adm1+code", type: .text, role: .quasiIdentifier),
            Field(name: "adm2", type: .text, role: .quasiIdentifier, adminLevel: 2),
            Field(name: "adm1_name", type: .text, role: .quasiIdentifier),
        ])
        let table = try Table(columns: [
            Column(name: "adm1", data: textData([nil, "XY01", "XY01"])),
            Column(name: "adm2", data: textData(["XY0101", nil, "XY0101"])),
            Column(name: "adm1_name", data: textData(["Alpha", "Alpha", "Alpha"])),
        ])
        #expect(AdminNesting.adminLevel(of: "adm1", in: schema) == 1)
        #expect(AdminNesting.adminLevel(of: "adm2", in: schema) == 2)
        #expect(AdminNesting.adminLevel(of: "adm1_name", in: schema) == 1)
        #expect(AdminNesting.adminLevel(of: "admin3", in: Schema(fields: [])) == 3)
        #expect(AdminNesting.adminLevel(of: "administration", in: Schema(fields: [])) == nil)
        #expect(AdminNesting.adminLevel(of: "adm12", in: Schema(fields: [])) == nil)
        let (out, suppressed) = AdminNesting.suppressingNestedAdminLevels(table, keys: ["adm1", "adm2", "adm1_name"], schema: schema)
        #expect(suppressed == 2)
        func row(_ r: Int) -> [String] { out.columns.map { $0.isNull(r) ? "–" : "\($0[r])" } }
        #expect(row(0) == ["–", "–", "–"])
        #expect(row(1) == ["text(\"XY01\")", "–", "text(\"Alpha\")"])
        #expect(row(2) == ["text(\"XY01\")", "text(\"XY0101\")", "text(\"Alpha\")"])
    }

    /// QA14: a coarser admin level released beside an admin key is a key too (it names the area a blank finer key
    /// lies in); not when it is itself a key, dropped, or finer.
    @Test func aReleasedCoarserAdminLevelIsAKey() throws {
        let schema = Schema(fields: [])
        let table = try Table(columns: [
            Column(name: "adm1_code", data: textData(["N", "S"])), Column(name: "adm1_name", data: textData(["North", "South"])),
            Column(name: "adm2_code", data: textData(["N-1", "S-1"])), Column(name: "adm3_code", data: textData(["N-1-1", "S-1-1"])),
            Column(name: "sex", data: textData(["m", "f"])),
        ])
        #expect(AdminNesting.coarserAdminColumns(of: ["adm2_code", "sex"], in: table, schema: schema, removed: []) == ["adm1_code", "adm1_name"])
        #expect(AdminNesting.coarserAdminColumns(of: ["adm2_code", "sex"], in: table, schema: schema, removed: ["adm1_name"]) == ["adm1_code"])
        #expect(AdminNesting.coarserAdminColumns(of: ["adm1_code", "adm2_code"], in: table, schema: schema, removed: []) == ["adm1_name"])
        #expect(AdminNesting.coarserAdminColumns(of: ["sex"], in: table, schema: schema, removed: []).isEmpty)
        // And a share keys on it: the only man of region S is not counted with the men of region N
        var d = F.dataset(category: "protection-needs-assessment")
        d.schema = Schema(fields: [
            Field(name: "adm1_code", type: .text), Field(name: "adm2_code", type: .text, role: .quasiIdentifier),
            Field(name: "sex", type: .text, role: .quasiIdentifier),
        ])
        let rows = [("N", "N-1", "m"), ("N", "N-1", "m"), ("S", "S-1", "f"), ("S", "S-1", "f"), ("S", "S-2", "m")]
        let small = try Table(columns: [
            Column(name: "adm1_code", data: textData(rows.map(\.0))), Column(name: "adm2_code", data: textData(rows.map(\.1))),
            Column(name: "sex", data: textData(rows.map(\.2))),
        ])
        let a = try F.agreement(level: .anonymised, thresholds: .init(k: 2, maximumGlobalRisk: 1))
        let out = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: small, consent: [])
        #expect(out.disclosure.keys.contains("adm1_code"))
        let measured = try RiskAnalysis.analyze(out.table, spec: RiskSpec(keys: ["adm1_code", "adm2_code", "sex"], kThresholds: [2]))
        #expect(measured.kAnonymity.first { $0.k == 2 }?.violatingRecords == 0)
    }

    /// QA10 Q1 end to end: 100 synthetic records with two nested admin levels. No published row keeps a finer
    /// area with its coarser one suppressed, and the stated risk is the risk of what is published.
    @Test func anonymisedShareNeverKeepsAFinerAreaUnderASuppressedCoarserOne() throws {
        let schema = Schema(fields: [
            Field(name: "record_id", type: .text, role: .directIdentifier, unique: true),
            Field(name: "adm1_code", type: .text, role: .quasiIdentifier),
            Field(name: "adm2_code", type: .text, role: .quasiIdentifier),
            Field(name: "sex", type: .text, role: .quasiIdentifier),
            Field(name: "age", type: .integer, role: .quasiIdentifier),
        ])
        let d = Dataset(name: "pm", category: "protection-needs-assessment", schema: schema, sensitivity: .moderate,
                        purpose: "Synthetic test data", createdAt: F.now)
        let table = try F.nestedAdminTable(100)
        let a = try F.agreement(level: .anonymised, thresholds: .init(k: 3, maximumGlobalRisk: 0.03))
        let out = try ShareBuilder.build(try plan(a, d, .anonymised, by: ["adm1_code", "sex"]), dataset: d, table: table, consent: [])
        let c1 = try #require(out.table["adm1_code"]), c2 = try #require(out.table["adm2_code"])
        #expect(!(0..<out.table.rowCount).contains { c1.isNull($0) && !c2.isNull($0) })
        let keys = ["adm1_code", "adm2_code", "sex", "age"]
        let measured = try RiskAnalysis.analyze(out.table, spec: RiskSpec(keys: keys, sensitive: [], kThresholds: [3]))
        let stated = try #require(out.disclosure.riskAfter)
        #expect(abs(stated.globalRisk - measured.individualRisk.globalRisk) < 1e-12)
        #expect(stated.globalRisk <= 0.03)
        #expect(measured.kAnonymity.first { $0.k == 3 }?.violatingRecords == 0)
    }

    @Test func anonymisedShareDropsIdentifiersAndMeetsKAndRisk() throws {
        let d = F.dataset(category: "protection-needs-assessment")
        let a = try F.agreement(level: .anonymised, thresholds: .init(k: 3, maximumGlobalRisk: 0.2))
        let out = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: F.table(40), consent: [])
        #expect(out.table.columnNames == ["adm1", "sex", "need"])
        #expect(out.disclosure.droppedColumns.sorted() == ["household_id", "record_id"])
        let after = try #require(out.disclosure.riskAfter)
        #expect(after.globalRisk <= 0.2)
        #expect(after.recordsBelowK == 0)
    }

    /// QA9 S10: the metadata said `smallest_class` 1 beside `records_below_k` 0: the smallest class was of
    /// identical keys, while k counts a suppressed (missing) value as matching any category. Both now count alike.
    @Test func theSmallestClassOfAnAnonymisedShareIsTheKItMeets() throws {
        // Given 40 records and one from a location no one else is from, whose location is suppressed
        let d = F.dataset(category: "protection-needs-assessment")
        var table = F.table(41)
        let adm1 = (0..<41).map { $0 == 40 ? "XY09" : ($0 < 20 ? "XY01" : "XY02") }
        try table.setColumn(Column(name: "adm1", tag: HXLTagSpec(parsing: "#adm1+code"), data: textData(adm1)))
        let a = try F.agreement(level: .anonymised, thresholds: .init(k: 3, maximumGlobalRisk: 0.2))
        let out = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: table, consent: [])
        #expect(out.table["adm1"]?.nullCount ?? 0 > 0)
        // Then the smallest class is at least k, as no record is below k
        let after = try #require(out.disclosure.riskAfter)
        #expect(after.recordsBelowK == 0)
        #expect(after.smallestClass >= 3)
        // And the figures say the convention, and the class of identical released values (QA11 S17): the record
        // whose location is blank is alone with its values, though it matches every record of its sex
        #expect(out.disclosure.method.contains("a suppressed value matching any category, as in sdcMicro)"))
        let identical = try #require(after.smallestClassOfIdenticalKeys)
        #expect(identical < after.smallestClass)
        let released = (0..<out.table.rowCount).map { r in ["adm1", "sex"].map { "\(out.table[$0]?[r] ?? .null)" } }
        #expect(identical == Dictionary(grouping: released, by: { $0 }).values.map(\.count).min())
    }

    /// Microdata rows leave in an order drawn from the seed, not the stored one (two releases matched row
    /// by row would undo suppression): the same rows, another order, the same order for the same seed.
    @Test func anonymisedRowsLeaveInADrawnOrder() throws {
        let d = F.dataset(category: "protection-needs-assessment")
        let a = try F.agreement(level: .anonymised, thresholds: .init(k: 3, maximumGlobalRisk: 0.2))
        let stored = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: F.table(40), consent: [])
        let drawn = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: F.table(40), consent: [], rowOrderSeed: 7)
        let again = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: F.table(40), consent: [], rowOrderSeed: 7)
        func rows(_ t: Table) -> [String] { (0..<t.rowCount).map { r in t.columns.map { "\($0[r])" }.joined(separator: "|") } }
        #expect(rows(drawn.table).sorted() == rows(stored.table).sorted())
        #expect(rows(drawn.table) != rows(stored.table))
        #expect(rows(again.table) == rows(drawn.table))
        // An aggregated table keeps its order (cells, then margins)
        let ag = try F.agreement(level: .aggregated)
        let t1 = try ShareBuilder.build(try plan(ag, d, .aggregated), dataset: d, table: F.table(40), consent: [])
        let t2 = try ShareBuilder.build(try plan(ag, d, .aggregated), dataset: d, table: F.table(40), consent: [], rowOrderSeed: 7)
        #expect(rows(t1.table) == rows(t2.table))
    }

    /// A date of role other leaves anonymised microdata as its month (exact days link records to events).
    @Test func anonymisedDatesKeepTheMonth() throws {
        var d = F.dataset(category: "protection-needs-assessment")
        d.schema.fields.append(Field(name: "visit", hxl: "#date", type: .date))
        var t = F.table(40)
        let days = (0..<40).map { Int32(20_544 + $0) }  // 2026-04-01 onward
        try t.setColumn(Column(name: "visit", tag: HXLTagSpec(tag: "date"), data: .date(days: days, nulls: NullMask())))
        let a = try F.agreement(level: .anonymised, thresholds: .init(k: 3, maximumGlobalRisk: 0.2))
        let out = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: t, consent: [])
        let months = Set((0..<out.table.rowCount).compactMap { r -> String? in
            if case .text(let s) = out.table["visit"]?[r] { return s }
            return nil
        })
        #expect(months == ["2026-04", "2026-05"])
        #expect(out.disclosure.method.contains("dates kept to the month"))
    }

    /// QA11 S2: the month a release keeps is a key like the declared ones. A share whose risk left it out said
    /// "global risk 0.016" of a file whose risk, the month counted, was 0.35.
    @Test func theMonthAReleaseKeepsIsAKey() throws {
        // Given 40 records in four classes of 10 on the declared keys, each visited in a month of its own
        var d = F.dataset(category: "protection-needs-assessment")
        d.schema.fields.append(Field(name: "visit", hxl: "#date", type: .date))
        var t = F.table(40)
        let days = (0..<40).map { Int32(20_544 + 31 * $0) }
        try t.setColumn(Column(name: "visit", tag: HXLTagSpec(tag: "date"), data: .date(days: days, nulls: NullMask())))
        let a = try F.agreement(level: .anonymised, thresholds: .init(k: 3, maximumGlobalRisk: 0.2))
        let out = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: t, consent: [])
        // Then the month is among the keys, blanked where it singles a record out
        #expect(out.disclosure.keys == ["adm1", "sex", "visit"])
        #expect((out.table["visit"]?.nullCount ?? 0) > 0)
        // And the published file, measured on the declared keys and the month, meets k with the risk the metadata states
        let measured = try RiskAnalysis.analyze(out.table, spec: RiskSpec(keys: ["adm1", "sex", "visit"], kThresholds: [3]))
        #expect(measured.kAnonymity.first { $0.k == 3 }?.violatingRecords == 0)
        let stated = try #require(out.disclosure.riskAfter)
        #expect(stated.recordsBelowK == 0)
        #expect(abs(stated.globalRisk - RiskFigures(measured, k: 3).globalRisk) < 1e-9)
    }

    /// Review 12 LOW-4: a date marked sensitive (the day of an incident) is released to the month too, so it is a
    /// key like any released month, not left out of k and the risk.
    @Test func aSensitiveDateReleasedToTheMonthIsAKey() throws {
        var d = F.dataset(category: "protection-needs-assessment")
        d.schema.fields.append(Field(name: "incident", hxl: "#date+incident+sensitive", type: .date, role: .sensitive))
        var t = F.table(40)
        let days = (0..<40).map { Int32(20_544 + 31 * $0) }
        try t.setColumn(Column(name: "incident", tag: HXLTagSpec(parsing: "#date+incident+sensitive"),
                               data: .date(days: days, nulls: NullMask())))
        let a = try F.agreement(level: .anonymised, thresholds: .init(k: 3, maximumGlobalRisk: 0.2))
        let out = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: t, consent: [])
        #expect(out.disclosure.keys == ["adm1", "sex", "incident"])
        // months that single records out are blanked, and what is published meets k on the keys with the month
        #expect((out.table["incident"]?.nullCount ?? 0) > 0)
        #expect(out.disclosure.riskAfter?.recordsBelowK == 0)
        let measured = try RiskAnalysis.analyze(out.table, spec: RiskSpec(keys: ["adm1", "sex", "incident"], kThresholds: [3]))
        #expect(measured.kAnonymity.first { $0.k == 3 }?.violatingRecords == 0)
    }

    @Test func kIsRaisedUntilTheMaximumRiskIsMet() throws {
        // 4 classes of 10: global risk 1/10 at k = 3, above 0.05, so k doubles (3→6→12→24) until classes merge
        let d = F.dataset(category: "protection-needs-assessment")
        let a = try F.agreement(level: .anonymised, thresholds: .init(k: 3, maximumGlobalRisk: 0.05))
        let out = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: F.table(40), consent: [])
        #expect((out.disclosure.kApplied ?? 0) > 3)
        #expect((out.disclosure.riskAfter?.globalRisk ?? 1) <= 0.05)
    }

    @Test func unreachableRiskIsARefusal() throws {
        let d = F.dataset(category: "protection-needs-assessment")
        let a = try F.agreement(level: .anonymised, thresholds: .init(k: 2, maximumGlobalRisk: 0.01))
        #expect {
            _ = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: F.table(8), consent: [])
        } throws: { e in
            guard case ShareBuildError.refused(.thresholdsImpossible(_, .riskNotReachable)) = e else { return false }
            return true
        }
    }

    @Test func fewerRecordsThanKIsARefusal() throws {
        let d = F.dataset(category: "protection-needs-assessment")
        let a = try F.agreement(level: .anonymised, thresholds: .init(k: 10))
        #expect(throws: ShareBuildError.refused(.thresholdsImpossible(agreement: a.id, problem: .fewerRecordsThanK(records: 4, k: 10)))) {
            _ = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: F.table(4), consent: [])
        }
    }

    @Test func consentFilterRunsBeforeDisclosureControlAndIsReported() throws {
        let d = F.dataset(category: "case-management", sensitivity: .low)
        let a = try F.agreement(level: .personal, basis: .consent, consentPurpose: .disclosure)
        let consent = [ConsentDecision(recordID: "R2", purpose: "disclosure", granted: true, at: F.now),
                       ConsentDecision(recordID: "R3", purpose: "disclosure", granted: false, at: F.now)]
        let out = try ShareBuilder.build(try plan(a, d, .personal), dataset: d, table: F.table(5), consent: consent)
        #expect(out.table.rowCount == 1)
        #expect(out.consent?.kept == 1)
        #expect(out.consent?.leftOut == ["no-decision": 3, "not-granted": 1])
        // Withdrawn later: the next share has nobody left, which is a refusal
        let later = consent + [ConsentDecision(recordID: "R2", purpose: "disclosure", granted: false, at: F.now.addingTimeInterval(60))]
        #expect(throws: ShareBuildError.refused(.noConsentingRecords(purpose: .disclosure, leftOut: 5))) {
            _ = try ShareBuilder.build(try plan(a, d, .personal), dataset: d, table: F.table(5), consent: later)
        }
    }

    @Test func aggregatedShareCoarsensADateToTheMonth() throws {
        // Given 40 records dated 2026-04-01 onward: 30 in April, 10 in May
        var d = F.dataset()
        d.schema.fields.append(Field(name: "visit", hxl: "#date", type: .date))
        var t = F.table(40)
        let days = (0..<40).map { Int32(20_544 + $0) }
        try t.setColumn(Column(name: "visit", tag: HXLTagSpec(tag: "date"), data: .date(days: days, nulls: NullMask())))
        // When shared by visit=month
        let out = try ShareBuilder.build(try plan(try F.agreement(), d, .aggregated, by: ["visit=month"]), dataset: d, table: t, consent: [])
        // Then the table counts months, not days, keeps the date's HXL tag, and names the column in its keys
        let counts = Dictionary(uniqueKeysWithValues: (0..<out.table.rowCount).compactMap { r -> (String, Int64)? in
            guard case .text(let m) = out.table["visit"]?[r], case .integer(let n) = out.table[AggregateTable.countColumn]?[r] else { return nil }
            return (m, n)
        })
        #expect(counts == ["2026-04": 30, "2026-05": 10, "Total": 40])
        #expect(out.table["visit"]?.tag == HXLTagSpec(tag: "date"))
        #expect(out.disclosure.keys == ["visit"])
        #expect(out.disclosure.method.contains("by visit=month"))
        // An unknown coarsening is a refusal that names no value
        #expect(throws: ShareBuildError.self) {
            _ = try ShareBuilder.build(try plan(try F.agreement(), d, .aggregated, by: ["visit=fortnight"]), dataset: d, table: t, consent: [])
        }
    }

    /// QA9 S13: an aggregated share of population figures counted figure rows, not persons. Its rows are now
    /// the persons each figure stands for (by location, group, sex and age), and its small cells are of few persons.
    @Test func aPopulationShareCountsPersonsAndSuppressesCellsOfFewPersons() throws {
        // Given population figures as persons (as PopulationFigures.personsInForce gives them): XY01 has 40 women
        // and 3 men, XY02 30 women and 9 men
        let d = F.dataset(category: "population-data", sensitivity: .low)
        let rows: [(String, String, Int64)] = [("XY01", "female", 25), ("XY01", "female", 15), ("XY01", "male", 3),
                                                ("XY02", "female", 30), ("XY02", "male", 9)]
        let t = try Table(columns: [
            Column(name: "adm1_code", tag: HXLTagSpec(parsing: "#adm1+code"), data: textData(rows.map(\.0))),
            Column(name: "sex", tag: HXLTagSpec(parsing: "#sex"), data: textData(rows.map(\.1))),
            Column(name: "persons", data: .integer(values: rows.map(\.2), nulls: NullMask())),
        ])
        let a = try F.agreement(covers: ["population-data"])
        let out = try ShareBuilder.build(try plan(a, d, .aggregated, by: ["adm1_code", "sex"]), dataset: d, table: t,
                                         consent: [], persons: "persons")
        // Then the table counts persons, in a column that says so
        #expect(out.table.columnNames == ["adm1_code", "sex", "persons", "flag"])
        #expect(out.table["persons"]?.tag?.description == "#population+num")
        func persons(_ adm1: String, _ sex: String) -> Value? {
            (0..<out.table.rowCount).first { out.table["adm1_code"]?[$0] == .text(adm1) && out.table["sex"]?[$0] == .text(sex) }
                .flatMap { out.table["persons"]?[$0] }
        }
        #expect(persons("Total", "Total") == .integer(82))
        #expect(persons("Total", "female") == .integer(70))
        #expect(persons("XY01", "Total") == .integer(43))
        #expect(persons("XY02", "Total") == .integer(39))
        // … and the 3 men of XY01 are a small cell: suppressed with its complements (here every sex of
        // every adm1), not listed
        for adm1 in ["XY01", "XY02"] { for sex in ["female", "male"] { #expect(persons(adm1, sex) == nil) } }
        #expect(out.disclosure.cellsSuppressedPrimary == 1)
        #expect(out.disclosure.method.contains("persons the population figures stand for"))
        #expect(!out.disclosure.method.contains("population-figure rows"))
    }

    @Test func aPopulationShareIsByTheFiguresDimensions() throws {
        let d = F.dataset(category: "population-data", sensitivity: .low)
        let a = try F.agreement(covers: ["population-data"])
        func decide(_ by: [String]) -> ShareDecision {
            SharingRules.decide(ShareRequest(dataset: d, recipient: "DRC", level: .aggregated, dimensions: by), agreement: a, at: F.now)
        }
        // sex and age group are dimensions of the persons, though not columns of the figures
        guard case .allowed = decide(["adm1_code", "sex", "age_group", "date=month"]) else { Issue.record("refused"); return }
        // a figure column is not a dimension; the refusal names those there are
        guard case .refused(.unknownDimension(let c, let available)) = decide(["population_f_children"]) else {
            Issue.record("allowed"); return
        }
        #expect(c == "population_f_children")
        #expect(available.contains("sex") && available.contains("age_group"))
    }

    /// Consent refused when collected (the template's consent_disclosure and consent_reporting columns) counts
    /// as a recorded refusal under an agreement without a consent purpose; a decision recorded since wins. Before,
    /// shares read recorded decisions only, so a case that said "no" at collection was shared.
    @Test func consentRefusedAtCollectionLeavesTheRecordOutOfShares() throws {
        // Given 40 records: R1 and R2 refused disclosure at collection, R3 refused reporting, R2 granted
        // disclosure later with pim consent
        let d = F.dataset()
        var table = F.table(40)
        let disclosure = (1...40).map { $0 == 1 || $0 == 2 ? "no" : "yes" }
        let reporting = (1...40).map { $0 == 3 ? "No " : "yes" }
        try table.setColumn(Column(name: "consent_disclosure", data: textData(disclosure)))
        try table.setColumn(Column(name: "consent_reporting", data: textData(reporting)))
        let grant = [ConsentDecision(recordID: "R2", purpose: "disclosure", granted: true, at: F.now)]
        // Then a table leaves out R1 (disclosure) and R3 (reporting), and counts R2
        let agg = try ShareBuilder.build(try plan(try F.agreement(), d, .aggregated, by: ["adm1"]), dataset: d, table: table, consent: grant)
        #expect(agg.consent?.considered == 40)
        #expect(agg.consent?.kept == 38)
        let counts = try #require(agg.table[AggregateTable.countColumn])
        #expect((0..<agg.table.rowCount).contains { agg.table["adm1"]?[$0] == .text("Total") && counts[$0] == .integer(38) })
        // … and anonymised microdata leaves out R1 only (reporting is not disclosure)
        let anon = try ShareBuilder.build(
            try plan(try F.agreement(level: .anonymised, thresholds: .init(k: 3, maximumGlobalRisk: 0.5)), F.dataset(category: "protection-needs-assessment"), .anonymised),
            dataset: F.dataset(category: "protection-needs-assessment"), table: table, consent: grant)
        #expect(anon.table.rowCount == 39)
        // … and without any recorded decision nor record id, the collected answers alone decide
        var noIDs = table
        noIDs.removeColumn(named: "record_id")
        let bare = try ShareBuilder.build(try plan(try F.agreement(), d, .aggregated, by: ["adm1"]), dataset: d, table: noIDs, consent: [])
        #expect(bare.consent?.kept == 37)
    }

    @Test func aTableWhoseEveryCellIsSuppressedIsRefused() throws {
        // Given 4 records (each adm1 × sex cell 1, each margin 2, the grand total 4) and a minimum cell of 5
        let d = F.dataset()
        let a = try F.agreement()
        // Then nothing could be published, and the share is refused instead of sending an empty table
        #expect(throws: ShareBuildError.refused(.everyCellSuppressed(dimensions: ["adm1", "sex"], minimumCell: 5))) {
            _ = try ShareBuilder.build(try plan(a, d, .aggregated), dataset: d, table: F.table(4), consent: [])
        }
        #expect(ShareRefusal.everyCellSuppressed(dimensions: ["adm1", "sex"], minimumCell: 5).code == "every-cell-suppressed")
        // while 10 records publish at least their grand total
        let out = try ShareBuilder.build(try plan(a, d, .aggregated), dataset: d, table: F.table(10), consent: [])
        #expect((out.disclosure.cellsPublished ?? 0) > 0)
    }

    @Test func personalShareMethodSaysWhichConsentWasChecked() throws {
        // Given personal data of a low-sensitivity protection-monitoring dataset, allowed by a focal point's exception
        let d = F.dataset(sensitivity: .low)
        let a = try F.agreement(level: .personal, basis: .vitalInterest)
        let e = try PolicyException(id: "x", agreementID: a.id, dataset: "pm", level: .personal, reason: "Evacuation list",
                                    approvedBy: "dpfp", approverRole: .dataProtectionFocalPoint, at: F.now.addingTimeInterval(-F.day))
        guard case .allowed(let p) = SharingRules.decide(ShareRequest(dataset: d, recipient: "DRC", level: .personal),
                                                         agreement: a, exceptions: [e], at: F.now) else {
            Issue.record("the exception should allow personal data")
            return
        }
        // When it is built without a consent purpose
        let out = try ShareBuilder.build(p, dataset: d, table: F.table(4), consent: [])
        // Then the method does not claim consent
        #expect(out.disclosure.method == "none: personal data shared under the agreement's legal basis and a focal point's exception; no record's consent was checked")
        // and with a consent purpose it names it
        let c = try F.agreement(level: .personal, basis: .consent, consentPurpose: .disclosure)
        let granted = (1...4).map { ConsentDecision(recordID: "R\($0)", purpose: "disclosure", granted: true, at: F.now) }
        let cm = F.dataset(category: "case-management", sensitivity: .low)
        let out2 = try ShareBuilder.build(try plan(c, cm, .personal), dataset: cm, table: F.table(4), consent: granted)
        #expect(out2.disclosure.method == "none: personal data of the records that granted consent for disclosure, under the agreement")
    }

    /// A case dataset of moderate sensitivity, an agreement for pseudonymised microdata at k = 2, the consent to
    /// disclosure of R1…R`records`, and a fixed key.
    func pseudonymised(records: Int, maximumRisk: Double = 0.5) throws
        -> (Dataset, Agreement, [ConsentDecision], HMACPseudonymizer)
    {
        let d = F.dataset(category: "case-management", sensitivity: .moderate)
        let a = try F.agreement(level: .pseudonymised, basis: .consent, consentPurpose: .disclosure,
                                thresholds: .init(k: 2, maximumGlobalRisk: maximumRisk))
        let consent = (1...records).map { ConsentDecision(recordID: "R\($0)", purpose: "disclosure", granted: true, at: F.now) }
        return (d, a, consent, HMACPseudonymizer(key: Data(repeating: 7, count: 32)))
    }

    /// Review of QA11 S5: files made outside a share (`pim anonymize`, the web's disclosure page) pseudonymise in a
    /// domain of their own, so that they cannot be joined with a share by pseudonyms; each stays stable.
    @Test func pseudonymsOfFilesAndOfSharesDiffer() {
        let key = Data(repeating: 7, count: 32)
        let share = HMACPseudonymizer(key: key), file = HMACPseudonymizer(key: key, domain: HMACPseudonymizer.files)
        #expect(share.pseudonym(for: "R1") != file.pseudonym(for: "R1"))
        #expect(file.pseudonym(for: "R1") == HMACPseudonymizer(key: key, domain: HMACPseudonymizer.files).pseudonym(for: "R1"))
        #expect(file.pseudonym(for: "R1").hasPrefix("P-") && file.pseudonym(for: "R1").count == 18)
    }

    @Test func pseudonymisedShareReplacesIdsWithStablePseudonyms() throws {
        let (d, a, consent, p) = try pseudonymised(records: 20)
        let out = try ShareBuilder.build(try plan(a, d, .pseudonymised), dataset: d, table: F.table(20), consent: consent, pseudonymizer: p)
        #expect(out.disclosure.pseudonymisedColumns == ["record_id", "household_id"])
        #expect(out.table["record_id"]?[0] == .text(p.pseudonym(for: "R1")))
    }

    /// QA11 S5: what an earlier pseudonymised release left blank is blank again, counted and said, and the output
    /// lists, by column, the pseudonym of every record whose stored value the release left blank.
    @Test func pseudonymisedShareLeavesBlankWhatAnEarlierReleaseLeftBlank() throws {
        let (d, a, consent, p) = try pseudonymised(records: 20)
        let plan = try plan(a, d, .pseudonymised)
        // Given a release with nothing to suppress (ten records in each class)
        let fresh = try ShareBuilder.build(plan, dataset: d, table: F.table(20), consent: consent, pseudonymizer: p)
        #expect(fresh.disclosure.suppressedAsBefore == 0)
        #expect(fresh.suppressedPseudonyms.isEmpty)
        // When an earlier release had left R3's area and R4's sex blank
        let earlier: [String: Set<String>] = ["adm1": [p.pseudonym(for: "R3")], "sex": [p.pseudonym(for: "R4"), "P-unknown"]]
        let out = try ShareBuilder.build(plan, dataset: d, table: F.table(20), consent: consent, pseudonymizer: p, suppressedBefore: earlier)
        // Then those two values are blank, and no other
        func row(_ id: String) -> Int? { (0..<out.table.rowCount).first { out.table["record_id"]?[$0] == .text(p.pseudonym(for: id)) } }
        let r3 = try #require(row("R3"))
        let r4 = try #require(row("R4"))
        #expect(out.table["adm1"]?.isNull(r3) == true)
        #expect(out.table["sex"]?.isNull(r4) == true)
        #expect(out.table["sex"]?.isNull(r3) == false)
        #expect(out.disclosure.suppressedAsBefore == 2)
        #expect(out.disclosure.suppressedValues == 2)
        #expect(out.disclosure.method.hasSuffix("2 key values left blank as an earlier release of the dataset left them, so that releases matched record by record restore none"))
        // and the output lists them for the next release
        #expect(out.suppressedPseudonyms == ["adm1": [p.pseudonym(for: "R3")], "sex": [p.pseudonym(for: "R4")]])
        // An anonymised share publishes no pseudonym, but its records could be matched with another release's on
        // the values they share: it blanks the same two values, by the pseudonyms it keeps to itself
        let anonymised = try ShareBuilder.build(try self.plan(a, d, .anonymised), dataset: d, table: F.table(20), consent: consent,
                                                pseudonymizer: p, suppressedBefore: earlier)
        #expect(anonymised.table["record_id"] == nil)
        #expect(anonymised.disclosure.suppressedAsBefore == 2)
        #expect(anonymised.suppressedPseudonyms == out.suppressedPseudonyms)
        let stored = F.table(20)
        for (column, id) in [("adm1", "R3"), ("sex", "R4")] {
            let r = try #require((0..<stored.rowCount).first { stored["record_id"]?[$0] == .text(id) })
            #expect(anonymised.table[column]?.isNull(r) == true, "\(column) of \(id)")
        }
        #expect(anonymised.table["sex"]?.isNull(try #require((0..<stored.rowCount).first { stored["record_id"]?[$0] == .text("R3") })) == false)
        // A record without an id is not remembered, and the others' earlier blanks still hold (for both kinds)
        var gap = F.table(20)
        try gap.setColumn(Column(name: "record_id", data: textData((1...20).map { $0 == 20 ? nil : "R\($0)" })))
        for level in [DetailLevel.pseudonymised, .anonymised] {
            let out = try ShareBuilder.build(try self.plan(a, d, level), dataset: d, table: gap, consent: consent,
                                             pseudonymizer: p, suppressedBefore: earlier)
            #expect(out.disclosure.suppressedAsBefore == 2, "\(level)")
        }
        // Without a pseudonymizer (nothing to remember records by) nothing is kept blank
        let untracked = try ShareBuilder.build(try self.plan(a, d, .anonymised), dataset: d, table: F.table(20), consent: consent,
                                               suppressedBefore: earlier)
        #expect(untracked.disclosure.suppressedAsBefore == nil)
        #expect(untracked.suppressedPseudonyms.isEmpty)
    }

    /// QA11 C23: a sectoral system's indicator values per area are not records of persons. An anonymised share keeps
    /// their locations (person-level k-anonymity blanked every one), and the package names the rows' owners.
    @Test func areaIndicatorsKeepTheirLocationsAndNameTheirOwners() throws {
        let schema = Schema(fields: [
            Field(name: "adm1_code", hxl: "#adm1+code", type: .text, role: .quasiIdentifier),
            Field(name: "indicator", hxl: "#indicator+code", type: .text),
            Field(name: "value", hxl: "#indicator+value+pct", type: .decimal),
            Field(name: "owner_org", hxl: "#org+owner", type: .text),
            Field(name: "ownership", hxl: "#x_ownership", type: .text),
        ])
        let d = Dataset(name: "sect", category: "sectoral-im-systems-other", schema: schema, sensitivity: .moderate,
                        purpose: "Synthetic test data", createdAt: F.now)
        // Six areas, each measured once: every area is unique
        let areas = (1...6).map { "XY0\($0)" }
        let table = try Table(columns: [
            Column(name: "adm1_code", data: textData(areas)),
            Column(name: "indicator", data: textData(Array(repeating: "unlit-sites-pct", count: 6))),
            Column(name: "value", data: .decimal(values: [12.5, 40, 3.25, 77, 51.5, 9], nulls: NullMask())),
            Column(name: "owner_org", data: textData(["ORG-CCCM", "ORG-CCCM", "ORG-CCCM", "ORG-CCCM", "UNPA", "UNPA"])),
            Column(name: "ownership", data: textData(["sector", "sector", "sector", "sector", "protection", "protection"])),
        ])
        #expect(ShareBuilder.holdsAreaFigures(d))
        let a = try F.agreement(level: .anonymised, covers: ["sect"], thresholds: .init(k: 5))
        let out = try ShareBuilder.build(try plan(a, d, .anonymised), dataset: d, table: table, consent: [])
        // Then every location and value is shared as it is
        #expect(out.table["adm1_code"].map { c in (0..<6).compactMap { if case .text(let v) = c[$0] { v } else { nil } } }?.sorted() == areas)
        #expect(out.table["value"]?.isNull(0) == false)
        #expect(out.disclosure.keys.isEmpty)
        #expect(out.disclosure.method.hasPrefix("indicator values per area and date, not records of persons"))
        // and the owners are counted, most rows first
        #expect(out.owners == [DataOwner(organization: "ORG-CCCM", ownership: "sector", rows: 4),
                               DataOwner(organization: "UNPA", ownership: "protection", rows: 2)])
        // which the package's metadata and README name, with the framework's note
        let version = DatasetVersion(id: .random(), datasetID: d.id, number: 1, rowCount: 6, schema: schema,
                                     provenance: Provenance(receivedAt: F.now, fileName: "s.csv", sha256: String(repeating: "c", count: 64), importedBy: "t"),
                                     createdAt: F.now)
        let metadata = ShareMetadata(
            shareID: "SHR-1", dataset: d, version: version, output: out, plan: try plan(a, d, .anonymised), agreement: a,
            producer: .init(acronym: "UNHCR", name: nil), producedBy: "t", recipient: .init(acronym: "DRC", name: nil), created: F.now,
            signerFingerprint: "f")
        #expect(metadata.dataOwners == out.owners)
        #expect(metadata.readme.contains("Owners:     ORG-CCCM (sector): 4 rows; UNPA (protection): 2 rows"))
        #expect(metadata.readme.contains("protocols of the sector providing it (PIM §10.7)"))
        // An owner's name from the data cannot forge a line of the README
        var forged = out
        forged.owners = [DataOwner(organization: "X\nForged: a line", ownership: nil, rows: 1)]
        let forgedReadme = ShareMetadata(
            shareID: "SHR-1", dataset: d, version: version, output: forged, plan: try plan(a, d, .anonymised), agreement: a,
            producer: .init(acronym: "UNHCR", name: nil), producedBy: "t", recipient: .init(acronym: "DRC", name: nil), created: F.now,
            signerFingerprint: "f").readme
        #expect(!forgedReadme.contains("\nForged: a line") && forgedReadme.contains("X Forged: a line: 1 row"))
        // A sectoral dataset with a field about a person is not area figures: its keys are suppressed as for records
        var personal = d
        personal.schema.fields.append(Field(name: "name", type: .text, role: .directIdentifier))
        #expect(!ShareBuilder.holdsAreaFigures(personal))
        var other = d
        other.category = "protection-monitoring"
        #expect(!ShareBuilder.holdsAreaFigures(other))
        // nor one with a field the indicator template does not have (a person's sex and age), whatever its role
        var people = d
        people.schema.fields += [Field(name: "sex", hxl: "#sex", type: .text, role: .quasiIdentifier),
                                 Field(name: "age", type: .integer)]
        #expect(!ShareBuilder.holdsAreaFigures(people))
        var other2 = d
        other2.schema.fields.append(Field(name: "remarks", type: .text))
        #expect(!ShareBuilder.holdsAreaFigures(other2))
    }

    /// QA11 S4: households linked by their pseudonym are re-identified together, so the household risk is held to
    /// the agreement's maximum as the record risk is, and both are in the metadata. Here two-person households of
    /// a man and a woman: each record's risk is within the maximum, the household's is not until k is raised.
    @Test func pseudonymisedShareHoldsTheHouseholdRiskToTheMaximum() throws {
        let maximum = 0.15
        let (d, a, consent, p) = try pseudonymised(records: 40, maximumRisk: maximum)
        let out = try ShareBuilder.build(try plan(a, d, .pseudonymised), dataset: d, table: F.table(40), consent: consent, pseudonymizer: p)
        let before = try #require(out.disclosure.riskBefore)
        let after = try #require(out.disclosure.riskAfter)
        #expect(before.globalRisk <= maximum)
        #expect(try #require(before.householdGlobalRisk) > maximum)
        #expect(try #require(after.householdGlobalRisk) <= maximum)
        #expect(after.boundedRisk <= maximum)
        #expect(out.disclosure.method.contains("the household risk of the linked households is held to the maximum risk too"))
    }
}
