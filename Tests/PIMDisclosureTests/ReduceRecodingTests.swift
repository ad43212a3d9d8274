import PIMDisclosure
import PIMTable
import PropertyBased
import Testing

@Suite struct ReduceRecodingTests {
    typealias F = ReduceFixtures

    // MARK: - Age bands

    @Test func agesBecomeProtectionBandsWithPeerLabels() throws {
        // Given ages on every band boundary, a negative age and a null
        let t = try Table(columns: [F.integers("age", [0, 4, 5, 11, 12, 17, 18, 59, 60, 101, -1, nil])])
        // When they are banded with the defaults
        let r = try Recoding.apply(.ageBands(column: "age"), to: t)
        // Then labels are the peers' (common.py BANDS), the negative age becomes null
        #expect(
            F.strings(r.table, "age") == [
                "00-04", "00-04", "05-11", "05-11", "12-17", "12-17", "18-59", "18-59", "60+", "60+", nil, nil,
            ])
        #expect(r.loss.changed == 10)
        #expect(r.loss.suppressed == 1)
        #expect(r.loss.suppressedByRecoding == 1)
        #expect(r.loss.categoriesBefore == 11)
        #expect(r.loss.categoriesAfter == 5)
        // 11 distinct ages (−1 included) became 5 bands: 6 categories merged
        #expect(r.loss.categoriesMerged == 6)
    }

    @Test func customBandsFromLowerBounds() throws {
        let bands = AgeBands(lowerBounds: [0, 18, 65])
        #expect(bands.bands.map(\.label) == ["00-17", "18-64", "65+"])
        #expect(AgeBands(lowerBounds: [0, 5, 12, 18, 60]) == .protection)
        let t = try Table(columns: [F.texts("age", ["3", "40", " 70 ", "17.9"])])
        let r = try Recoding.apply(.ageBands(column: "age", bands: bands), to: t)
        #expect(F.strings(r.table, "age") == ["00-17", "18-64", "65+", "00-17"])
    }

    @Test func overlappingBandsAreRejected() throws {
        let bad = AgeBands(bands: [.init(lower: 0, upper: 10, label: "a"), .init(lower: 5, upper: nil, label: "b")])
        let t = try Table(columns: [F.integers("age", [1])])
        #expect(throws: ReductionError.self) { try Recoding.apply(.ageBands(column: "age", bands: bad), to: t) }
        let open = AgeBands(bands: [.init(lower: 0, upper: nil, label: "a"), .init(lower: 5, upper: 9, label: "b")])
        #expect(throws: ReductionError.self) { try Recoding.apply(.ageBands(column: "age", bands: open), to: t) }
    }

    @Test func unreadableAgeTextNamesRowNotValue() throws {
        let t = try Table(columns: [F.texts("age", ["3", "three"])])
        #expect(throws: ReductionError.unreadableValue(row: 1, column: "age", expected: .integer)) {
            try Recoding.apply(.ageBands(column: "age"), to: t)
        }
        #expect(!ReductionError.unreadableValue(row: 1, column: "age", expected: .integer).description.contains("three"))
    }

    // MARK: - Locations

    @Test func locationsMoveUpTheHierarchyWithPrefixFallback() throws {
        let t = try Table(columns: [F.texts("adm2", ["XY0101", "XY0102", "XY0201", "ZZ9", nil])])
        let h = LocationHierarchy(parents: ["XY0101": "XY01", "XY0102": "XY01", "XY0201": "XY02"], fallback: .prefix(length: 2))
        let r = try Recoding.apply(.location(column: "adm2", hierarchy: h), to: t)
        #expect(F.strings(r.table, "adm2") == ["XY01", "XY01", "XY02", "ZZ", nil])
        #expect(r.loss.changed == 4)
        #expect(r.loss.categoriesAfter == 3)
        // 4 codes became 3 areas: XY0101 and XY0102 merged into XY01
        #expect(r.loss.categoriesBefore == 4)
        #expect(r.loss.categoriesMerged == 1)
    }

    @Test func unmappedLocationsFailOrBecomeNull() throws {
        let t = try Table(columns: [F.texts("adm2", ["XY0101", "QQ", "RR"])])
        let mapping = ["XY0101": "XY01"]
        #expect(throws: ReductionError.unmappedLocations(column: "adm2", codes: 2)) {
            try Recoding.apply(.location(column: "adm2", hierarchy: .init(parents: mapping)), to: t)
        }
        let r = try Recoding.apply(.location(column: "adm2", hierarchy: .init(parents: mapping, fallback: .null)), to: t)
        #expect(F.strings(r.table, "adm2") == ["XY01", nil, nil])
        #expect(r.loss.suppressed == 2)
        let kept = try Recoding.apply(.location(column: "adm2", hierarchy: .init(parents: mapping, fallback: .keep)), to: t)
        #expect(F.strings(kept.table, "adm2") == ["XY01", "QQ", "RR"])
    }

    // MARK: - Dates

    @Test(arguments: [
        (Int32(18630), "2020-W53", "2021-01", "2021-Q1"),  // 2021-01-03, a Sunday in ISO 2020's week 53
        (20087, "2025-W01", "2024-12", "2024-Q4"),  // 2024-12-30, a Monday in ISO 2025's week 1
        (20785, "2026-W48", "2026-11", "2026-Q4"),  // 2026-11-28
        (18321, "2020-W09", "2020-02", "2020-Q1"),  // 2020-02-29
        (-1, "1970-W01", "1969-12", "1969-Q4"),  // 1969-12-31
    ])
    func datesBecomeWeeksMonthsAndQuarters(days: Int32, week: String, month: String, quarter: String) {
        #expect(DatePeriod.week.label(days: days) == week)
        #expect(DatePeriod.month.label(days: days) == month)
        #expect(DatePeriod.quarter.label(days: days) == quarter)
    }

    @Test func dateColumnsOfBothKindsAreRecoded() throws {
        let t = try Table(columns: [
            F.dates("d", [18630, nil, 20785]), F.texts("s", ["2021-01-03", "2026-11-28", nil]),
        ])
        var r = try Recoding.apply(.datePeriod(column: "d", period: .month), to: t)
        r = try Recoding.apply(.datePeriod(column: "s", period: .week), to: r.table)
        #expect(F.strings(r.table, "d") == ["2021-01", nil, "2026-11"])
        #expect(F.strings(r.table, "s") == ["2020-W53", "2026-W48", nil])
        let bad = try Table(columns: [F.texts("s", ["2021-02-30"])])
        #expect(throws: ReductionError.unreadableValue(row: 0, column: "s", expected: .date)) {
            try Recoding.apply(.datePeriod(column: "s", period: .month), to: bad)
        }
    }

    // MARK: - Top and bottom coding, rare categories

    @Test func topAndBottomCodingReplaceOutliersByTheBound() throws {
        let t = try Table(columns: [
            F.integers("n", [1, 5, 9, 14, nil]), F.decimals("x", [-3.5, 0.5, 2.0, 99.25, 7]),
        ])
        var r = try Recoding.apply(.topBottomCode(column: "n", bottom: 2, top: 10), to: t)
        #expect(F.strings(r.table, "n") == ["2", "5", "9", "10", nil])
        #expect(r.loss.changed == 2)
        r = try Recoding.apply(.topBottomCode(column: "x", bottom: nil, top: 10), to: r.table)
        #expect(F.strings(r.table, "x") == ["-3.5", "0.5", "2.0", "10.0", "7.0"])
        #expect(throws: ReductionError.invalidBounds(column: "n")) {
            try Recoding.apply(.topBottomCode(column: "n", bottom: 5, top: 1), to: t)
        }
        #expect(throws: ReductionError.self) {
            try Recoding.apply(.topBottomCode(column: "s", bottom: 5, top: 1), to: Table(columns: [F.texts("s", ["a"])]))
        }
    }

    @Test func rareCategoriesMergeIntoOther() throws {
        let t = try Table(columns: [F.texts("nat", ["A", "A", "A", "B", "C", "C", "Other", nil])])
        let r = try Recoding.apply(.mergeRare(column: "nat", minCount: 2), to: t)
        // B (1 record) and the existing "Other" (1 record, already the target) → B merges; C stays.
        #expect(F.strings(r.table, "nat") == ["A", "A", "A", "Other", "C", "C", "Other", nil])
        #expect(r.loss.categoriesMerged == 1)
        #expect(r.loss.changed == 1)
        #expect(r.loss.categoriesAfter == 3)
        #expect(throws: ReductionError.parameterNotPositive(name: "minimum category count", value: 0)) {
            try Recoding.apply(.mergeRare(column: "nat", minCount: 0), to: t)
        }
    }

    // MARK: - Pseudonyms

    @Test func pseudonymsReplaceIdsAndKeepLinks() throws {
        let t = try Table(columns: [F.texts("hh", ["H1", "H2", "H1", nil]), F.integers("id", [12, 34, 12, nil])])
        var out = try Pseudonymization.apply(ReversingPseudonymizer(), column: "hh", in: t)
        out = try Pseudonymization.apply(ReversingPseudonymizer(), column: "id", in: out)
        #expect(F.strings(out, "hh") == ["P-1H", "P-2H", "P-1H", nil])
        #expect(F.strings(out, "id") == ["P-21", "P-43", "P-21", nil])
        // Collisions give one category, not a dictionary with duplicates.
        let c = try Pseudonymization.apply(ConstantPseudonymizer(), column: "hh", in: t)
        guard case .text(let codes, let dictionary) = try c.column(named: "hh").data else {
            Issue.record("expected text")
            return
        }
        #expect(dictionary == ["P"])
        #expect(codes == [0, 0, 0, -1])
    }

    @Test func unknownColumnSaysWhichExist() throws {
        let t = try Table(columns: [F.integers("age", [1]), F.texts("sex", ["f"])])
        let e = ReductionError.disclosure(.unknownColumn("agee", available: ["age", "sex"]))
        #expect(throws: e) { try Recoding.apply(.ageBands(column: "agee"), to: t) }
        #expect(e.description.contains("age, sex"))
    }

    @Test func isoWeekLabelsAgreeWithMonthsOnThursdays() async {
        // Property: the ISO week of a date's Thursday lies in that Thursday's calendar year.
        await propertyCheck(count: 200, input: Gen.int(in: -20_000...40_000)) { d in
            let days = Int32(d)
            let weekday = ((d + 3) % 7 + 7) % 7  // 0 = Monday
            let thursday = Int32(d - weekday + 3)
            let week = DatePeriod.week.label(days: days)
            let year = DatePeriod.month.label(days: thursday).prefix(4)
            #expect(week.prefix(4) == year)
        }
    }
}
