import Foundation
import PIMCore
import PIMTable
import Testing

/// Builds small text tables as a CSV reader would before the schema's types are applied.
/// A text column tagged with `spec` (a tagspec such as `#adm2+code`).
func taggedTextColumn(_ name: String, _ spec: String, _ values: [String?]) -> Column {
    var c = textTable([(name, values)]).columns[0]
    c.tag = HXLTagSpec(parsing: spec)
    return c
}

func textTable(_ columns: [(String, [String?])]) -> Table {
    let cols = columns.map { name, values -> Column in
        var dict: [String] = []
        var index: [String: Int32] = [:]
        let codes = values.map { v -> Int32 in
            guard let v else { return -1 }
            if let c = index[v] { return c }
            let c = Int32(dict.count); dict.append(v); index[v] = c; return c
        }
        return Column(name: name, data: .text(codes: codes, dictionary: dict))
    }
    return (try? Table(columns: cols)) ?? .empty
}

@Suite struct ValidationTests {
    let schema = Schema(fields: [
        Field(name: "id", type: .text, role: .directIdentifier, required: true, unique: true),
        Field(name: "age", type: .integer, role: .quasiIdentifier, required: true, minimum: 0, maximum: 120),
        Field(name: "sex", type: .text, role: .quasiIdentifier, allowedValues: ["f", "m"]),
        Field(name: "visit", type: .date),
        Field(name: "adm2", type: .text, adminLevel: 2),
        Field(name: "phone", type: .text, role: .directIdentifier, pattern: "\\+?[0-9]{8,15}"),
    ])

    let gazetteer = Gazetteer(areas: [
        Gazetteer.Area(code: "SD01", name: "North", level: 1, parent: nil),
        Gazetteer.Area(code: "SD0101", name: "A", level: 2, parent: "SD01"),
        Gazetteer.Area(code: "SD0102", name: "B", level: 2, parent: "SD01"),
    ])

    /// QA11 I24: a value in a P-code column is quoted (with the nearest codes) only when it has the shape of the
    /// gazetteer's codes of that level; a phone or case number shifted into the column is described by length.
    @Test func onlyValuesShapedLikeTheGazetteersCodesAreQuoted() {
        let t = textTable([("adm2", ["SD0103", "0912345679", "123-17C01234", "SD01019"])])
        let schema = Schema(fields: [Field(name: "adm2", hxl: "#adm2+code", type: .text, role: .quasiIdentifier, adminLevel: 2)])
        let r = Validator(schema: schema, gazetteer: gazetteer, fileName: "d.csv", firstDataRow: 2).validate(t)
        #expect(r.issues.map(\.problem) == [
            "unknown admin2 P-code \"SD0103\"", "unknown admin2 P-code (found a 10-character value not shaped like its P-codes)",
            "unknown admin2 P-code (found a 12-character value not shaped like its P-codes)", "unknown admin2 P-code \"SD01019\"",
        ])
        #expect(r.issues[1].expected == "expected a P-code of admin level 2 from the gazetteer")
        #expect(gazetteer.isShaped("SD0199", likeCodesOf: 2) && !gazetteer.isShaped("KE0101", likeCodesOf: 2))
        // A gazetteer code written in small letters is named as such, with the code to write instead
        let lower = Validator(schema: schema, gazetteer: gazetteer, fileName: "d.csv", firstDataRow: 2).validate(textTable([("adm2", ["sd0101", "Sd0102"])]))
        #expect(lower.issues.map(\.problem) == ["admin2 P-code \"sd0101\" is not in capital letters", "admin2 P-code \"Sd0102\" is not in capital letters"])
        #expect(lower.issues.map(\.expected) == ["write it as the gazetteer does: SD0101", "write it as the gazetteer does: SD0102"])
    }

    /// QA11 C10, C14: a date of something that has happened may not be after the day the file is checked (one
    /// day's grace); without a day given it is not checked, and a date that is not `past` may be ahead.
    @Test func aPastDateInTheFutureIsAnIssueWithoutQuotingIt() throws {
        var occurred = Field(name: "date", type: .date)
        occurred.past = true
        let schema = Schema(fields: [occurred, Field(name: "planned", type: .date)])
        let today = CivilDays.days(year: 2026, month: 11, day: 29)
        let t = textTable([("date", ["2026-11-29", "2026-11-30", "2026-12-01", "2062-11-12"]),
                           ("planned", ["2027-01-01", nil, nil, nil])])
        var validator = Validator(schema: schema, fileName: "s.csv", firstDataRow: 2)
        validator.today = today
        let r = validator.validate(t)
        #expect(r.issues.map(\.row) == [4, 5])
        #expect(r.issues.first?.description
            == "s.csv:4:date: the date is in the future, for something that has happened; expected a date on or before 2026-11-29 (a mistyped year?)")
        #expect(Validator(schema: schema, fileName: "s.csv", firstDataRow: 2).validate(t).issues.isEmpty)
        // The flag round-trips through a schema file, and the templates' event dates carry it
        #expect(try JSONDecoder().decode(Schema.self, from: try JSONEncoder().encode(schema)) == schema)
    }

    @Test func everyProblemIsLocatedAsASpreadsheetShowsIt() {
        // Given a file with a header and an HXL row (data from spreadsheet row 3) and one problem per row
        let t = textTable([
            ("id", ["a1", "a2", "a1", "a4", "a5", nil]),
            ("age", ["34", "n/a", "200", "7", "40", "5"]),
            ("sex", ["f", "m", "x", "f", "m", "f"]),
            ("visit", ["2026-01-31", "2026-02-30", "2026-03-01", "31/01/2026", "2026-01-01", "2026-01-01"]),
            ("adm2", ["SD0101", "SD0102", "SD0101", "SD0103", "SD0102", "SD0101"]),
            ("phone", ["+24991234567", "12345678", "123", "99999999", "88888888", "77777777"]),
        ])
        let r = Validator(schema: schema, gazetteer: gazetteer, fileName: "pm.csv", firstDataRow: 3).validate(t)
        let lines = r.issues.map(\.description)
        // Then each is FILE:ROW:COLUMN: what; expected
        // (age is a quasi-identifier: the value is described by its length, not quoted)
        #expect(lines.contains("pm.csv:4:age: not an integer (found a 3-character value); expected a whole number such as 42"))
        #expect(r.issues.contains { $0.row == 4 && $0.column == "age" && $0.rule == .type })
        #expect(r.issues.contains { $0.row == 4 && $0.column == "visit" && $0.rule == .type })  // 30 February
        #expect(r.issues.contains { $0.row == 5 && $0.column == "id" && $0.rule == .unique && $0.problem == "duplicates row 3" })
        #expect(r.issues.contains { $0.row == 5 && $0.column == "age" && $0.rule == .range })
        // (sex is a quasi-identifier: its value is described, not quoted)
        #expect(r.issues.contains { $0.row == 5 && $0.column == "sex" && $0.rule == .allowedValues && $0.problem.contains("1-character value") })
        #expect(r.issues.contains { $0.row == 5 && $0.column == "phone" && $0.rule == .pattern })
        #expect(r.issues.contains { $0.row == 6 && $0.column == "adm2" && $0.rule == .adminCode && $0.expected.contains("SD0102") })
        #expect(r.issues.contains { $0.row == 8 && $0.column == "id" && $0.rule == .required })
        #expect(r.issues.allSatisfy { $0.description.hasPrefix("pm.csv:\($0.row):\($0.column): ") })
        // dd/mm/yyyy is not taken as a date (day and month could be either way round)
        #expect(r.issues.contains { $0.row == 6 && $0.column == "visit" && $0.rule == .type && $0.expected.contains("dd/mm/yyyy") })
        #expect(r.countsByRule[.unique] == 1)
        #expect(r.rowsRejected == 4)  // rows 4, 5, 6 and 8
        #expect(r.table.rowCount == 2)  // rows 3 and 7 are clean
    }

    /// A rejected row keeps no value for uniqueness: a later valid row with the same id is not a duplicate of
    /// it (and in import-valid mode is kept), while a row repeating a kept row is still one.
    @Test func uniquenessIsJudgedAmongTheRowsThatAreKept() {
        // Given rows 2–5: a1 with a bad age, a1 valid, a1 valid again, b2 valid, and b2 with a bad age
        let t = textTable([
            ("id", ["a1", "a1", "a1", "b2", "b2"]),
            ("age", ["n/a", "30", "31", "40", "-1"]),
            ("sex", [nil, nil, nil, nil, nil]), ("visit", [nil, nil, nil, nil, nil]),
            ("adm2", [nil, nil, nil, nil, nil]), ("phone", [nil, nil, nil, nil, nil]),
        ])
        let r = Validator(schema: schema, fileName: "f.csv", firstDataRow: 2).validate(t)
        // Then row 3 is kept (row 2 was rejected), row 4 duplicates row 3, and row 6 (itself rejected) is
        // reported as repeating the kept row 5
        let unique = r.issues.filter { $0.rule == .unique }
        #expect(unique.map(\.row) == [4, 6])
        #expect(unique.map(\.problem) == ["duplicates row 3", "duplicates row 5"])
        #expect(!r.issues.contains { $0.row == 3 })
        #expect(r.rowsRejected == 3)
        #expect(r.table.rowCount == 2)
        #expect(r.table["age"].map { [$0[0], $0[1]] } == [.integer(30), .integer(40)])
        // And the repeat of the rejected row 2 is said (QA11 I16), once for the column, with how many there are
        // (A row itself rejected is no repeat to warn of: rows 2 and 3 both rejected for their age say nothing)
        let bothBad = Validator(schema: schema, fileName: "f.csv", firstDataRow: 2).validate(textTable([
            ("id", ["z9", "z9"]), ("age", ["n/a", "-1"]), ("sex", [nil, nil]), ("visit", [nil, nil]), ("adm2", [nil, nil]), ("phone", [nil, nil]),
        ]))
        #expect(!bothBad.warnings.contains { if case .repeatsRejectedRow = $0 { true } else { false } })
        let repeats = r.warnings.filter { if case .repeatsRejectedRow = $0 { true } else { false } }
        #expect(repeats == [.repeatsRejectedRow(file: "f.csv", row: 3, column: "id", earlier: 2, count: 1)])
        #expect(repeats.first?.description
            == "f.csv:3:id: repeats the value of row 2, which has other issues; once row 2 is mended, the two are duplicates and one must go")
    }

    /// A row dropped as a duplicate in one unique field keeps no value in another: it cannot make a later row
    /// a duplicate there.
    @Test func aRowDroppedAsADuplicateMakesNoLaterDuplicate() {
        let s = Schema(fields: [Field(name: "id", type: .text, unique: true), Field(name: "code", type: .integer, unique: true)])
        // rows 2–4: (a, 1), (a, 2) dropped as a duplicate id, (b, 2) kept: its code repeats only a dropped row
        let t = textTable([("id", ["a", "a", "b"]), ("code", ["1", "2", "2"])])
        let r = Validator(schema: s, fileName: "f.csv", firstDataRow: 2).validate(t)
        #expect(r.issues.map(\.description) == ["f.csv:3:id: duplicates row 2; values in this column must be unique"])
        #expect(r.table.rowCount == 2)
    }

    /// Only yyyy-mm-dd is a date: dd/mm/yyyy and mm/dd/yyyy cannot be told apart for days up to 12, and a
    /// date with a time would lose the time.
    @Test func onlyUnambiguousDatesConvert() {
        let t = textTable([("visit", ["2026-03-04", "04/03/2026", "03/04/2026", "2026-03-04T10:15:00", "2026-03-04 10:15", " 2026-03-05 "])])
        let r = Validator(schema: Schema(fields: [Field(name: "visit", type: .date)]), fileName: "f.csv", firstDataRow: 2).validate(t)
        #expect(r.issues.map(\.row) == [3, 4, 5, 6])
        #expect(r.issues.allSatisfy { $0.rule == .type })
        #expect(r.table.rowCount == 2)
        #expect(r.table["visit"]?[0] == .date(CivilDays.days(year: 2026, month: 3, day: 4)))
        #expect(r.table["visit"]?[1] == .date(CivilDays.days(year: 2026, month: 3, day: 5)))
    }

    /// A pattern applies to numbers and dates as written (not only to text), and a required value of only
    /// spaces is empty.
    @Test func patternsApplyToEveryTypeAndBlankIsEmpty() {
        let schema = Schema(fields: [
            Field(name: "year", type: .integer, pattern: "20[0-9]{2}"),
            Field(name: "name", type: .text, required: true),
        ])
        let t = textTable([("year", ["2024", "1", "99999", nil, "2025"]), ("name", ["a", "   ", "b", "", "\u{200B}\u{00A0}"])])
        let r = Validator(schema: schema, fileName: "f.csv", firstDataRow: 2).validate(t)
        #expect(r.issues.filter { $0.rule == .pattern }.map(\.row) == [3, 4])
        #expect(r.issues.filter { $0.rule == .required }.map(\.row) == [3, 5, 6])
        #expect(r.table.rowCount == 1)
    }

    /// A schema whose pattern is not a regular expression, whose range is empty or whose list of allowed
    /// values is empty is refused when read; a validator given one anyway fails every value instead of
    /// skipping the check.
    @Test func aConstraintThatCannotBeCheckedIsRefused() {
        let bad = Schema(fields: [Field(name: "code", type: .text, pattern: "[A-Z")])
        #expect(throws: DomainError.self) { try bad.validate() }
        #expect(throws: DomainError.self) { try Schema(fields: [Field(name: "n", type: .integer, minimum: 5, maximum: 1)]).validate() }
        #expect(throws: DomainError.self) { try Schema(fields: [Field(name: "s", type: .text, allowedValues: [])]).validate() }
        #expect(throws: Never.self) { try Schema(fields: [Field(name: "code", type: .text, pattern: "[A-Z]+")]).validate() }
        let r = Validator(schema: bad, fileName: "f.csv", firstDataRow: 2).validate(textTable([("code", ["anything goes", nil])]))
        #expect(r.issues.count == 1)
        #expect(r.issues.first?.rule == .pattern)
        #expect(r.issues.first?.expected.contains("not a valid regular expression") == true)
    }

    /// P-code columns checked against no gazetteer are said to be unchecked (no values), once per column; with
    /// a gazetteer they are checked and nothing is said.
    @Test func adminCodesCheckedAgainstNoGazetteerAreSaidToBeUnchecked() {
        // Given a schema with an admin_level field and a field tagged #adm1+code, and codes no gazetteer has
        let schema = Schema(fields: [
            Field(name: "a1", hxl: "#adm1+code", type: .text),
            Field(name: "a2", type: .text, adminLevel: 2),
            Field(name: "n", type: .text),
        ])
        let t = textTable([("a1", ["XX99", "XX98"]), ("a2", ["XX9901", nil]), ("n", ["x", "y"])])
        // When the file is validated without a gazetteer
        let r = Validator(schema: schema, fileName: "f.csv", firstDataRow: 2).validate(t)
        // Then it is valid, and each P-code column is said not to have been checked
        #expect(r.isValid)
        #expect(r.warnings == [
            .adminCodesNotChecked(file: "f.csv", column: "a1", level: 1), .adminCodesNotChecked(file: "f.csv", column: "a2", level: 2),
        ])
        #expect(r.warnings[1].description
            == "f.csv: the admin2 P-codes of column \"a2\" were not checked, as no gazetteer was given (pim: --gazetteer FILE)")
        // And with a gazetteer the codes are checked, and nothing is said about it
        let checked = Validator(schema: schema, gazetteer: gazetteer, fileName: "f.csv", firstDataRow: 2).validate(t)
        #expect(checked.warnings.isEmpty)
        #expect(checked.countsByRule[.adminCode] == 3)
    }

    /// A range on a text or boolean field (never checked), an allowed value that no value of the field's type
    /// could equal, and a date bound that is no whole day are refused when the schema is read.
    @Test(arguments: [
        Field(name: "t", type: .text, minimum: 5),
        Field(name: "b", type: .boolean, maximum: 1),
        Field(name: "n", type: .integer, allowedValues: ["1", "x"]),
        Field(name: "d", type: .date, allowedValues: ["31/01/2026"]),
        Field(name: "ok", type: .boolean, allowedValues: ["maybe"]),
        Field(name: "d", type: .date, minimum: 0.5),
    ])
    func aConstraintThatNoValueCouldMeetIsRefused(_ field: Field) {
        #expect(throws: DomainError.self) { try Schema(fields: [field]).validate() }
    }

    /// Allowed values of a typed field are compared as values of that type: "01" allows 1, "yes" allows true.
    @Test func allowedValuesOfATypedFieldAreComparedAsThatType() throws {
        // Given integer and boolean fields whose allowed values are written as people write them
        let schema = Schema(fields: [
            Field(name: "n", type: .integer, allowedValues: ["01", "2"]),
            Field(name: "ok", type: .boolean, allowedValues: ["yes"]),
        ])
        #expect(throws: Never.self) { try schema.validate() }
        // When 1, 2, 3 and yes, true, no are checked
        let t = textTable([("n", ["1", "2", "3"]), ("ok", ["yes", "true", "no"])])
        let r = Validator(schema: schema, fileName: "f.csv", firstDataRow: 2).validate(t)
        // Then only 3 (row 4) and no (row 4) are refused
        #expect(r.issues.map { "\($0.row):\($0.column):\($0.rule.rawValue)" } == ["4:n:allowed-values", "4:ok:allowed-values"])
    }

    /// A date field's bounds are written and shown as dates; a schema file may give them as yyyy-mm-dd.
    @Test func dateBoundsAreReadWrittenAndReportedAsDates() throws {
        // Given a schema file with a date range written as dates
        let json = #"{"fields":[{"name":"d","type":"date","minimum":"2026-01-01","maximum":"2026-12-31"}]}"#
        let schema = try SchemaKeys.strictDecoder().decode(Schema.self, from: Data(json.utf8))
        try schema.validate()
        #expect(schema.fields[0].minimum == Double(CivilDays.days(year: 2026, month: 1, day: 1)))
        // When a date before the range is checked
        let r = Validator(schema: schema, fileName: "f.csv", firstDataRow: 2).validate(textTable([("d", ["2025-12-31", "2026-06-01"])]))
        // Then the issue gives the bound as a date (and the value only by its length)
        #expect(r.issues.map(\.description) == ["f.csv:2:d: below the minimum (a 10-character value); expected at least 2026-01-01"])
        // And the schema is written back with dates, and reads back equal
        let encoded = String(decoding: try JSONEncoder().encode(schema), as: UTF8.self)
        #expect(encoded.contains(#""minimum":"2026-01-01""#), "\(encoded)")
        #expect(try JSONDecoder().decode(Schema.self, from: Data(encoded.utf8)) == schema)
        // A number is still read as days (schemas stored before), and a text bound of a number field is refused
        let days = try JSONDecoder().decode(Schema.self, from: Data(#"{"fields":[{"name":"d","type":"date","minimum":20454}]}"#.utf8))
        #expect(days.fields[0].minimum == 20454)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Schema.self, from: Data(#"{"fields":[{"name":"n","type":"integer","minimum":"2026-01-01"}]}"#.utf8))
        }
    }

    @Test func identifiersAreNeverQuotedInMessages() {
        let t = textTable([("id", ["a1"]), ("age", ["1"]), ("sex", ["f"]), ("visit", [nil]), ("adm2", [nil]),
                           ("phone", ["call-me-amina"])])
        let r = Validator(schema: schema, fileName: "f.csv", firstDataRow: 2).validate(t)
        #expect(r.issues.count == 1)
        #expect(!r.issues[0].description.contains("amina"))
        #expect(r.issues[0].description.contains("13-character value"))
    }

    @Test func validRowsConvertToTheSchemaTypes() throws {
        let t = textTable([("id", ["a1", "a2"]), ("age", ["34", " 7 "]), ("sex", ["f", "m"]), ("visit", ["2026-01-31", nil]),
                           ("adm2", ["SD0101", nil]), ("phone", [nil, nil])])
        let r = Validator(schema: schema, gazetteer: gazetteer, fileName: "f.csv", firstDataRow: 2).validate(t)
        #expect(r.isValid)
        let age = try r.table.column(named: "age")
        #expect(age.type == .integer)
        #expect(age[1] == .integer(7))
        #expect(try r.table.column(named: "visit")[0] == .date(CivilDays.days(year: 2026, month: 1, day: 31)))
        #expect(r.table.columnNames == schema.fields.map(\.name))
    }

    @Test func aMissingRequiredColumnRejectsEveryRow() {
        // Given a file without the required age column
        let t = textTable([("id", ["a1"]), ("sex", ["f"]), ("visit", [nil]), ("adm2", [nil]), ("phone", [nil])])
        let r = Validator(schema: schema, fileName: "f.csv", firstDataRow: 2).validate(t)
        // Then it is one missing-column issue on the header row, and no row is kept
        #expect(r.countsByRule[.missingColumn] == 1)
        #expect(r.issues.map(\.description) == ["f.csv:1:age: the column is missing; the schema requires a column named \"age\""])
        #expect(r.table.rowCount == 0)
        #expect(r.rowsRejected == 1)
        // (The only warning is that adm2's P-codes were not checked: there is no gazetteer.)
        #expect(r.warnings == [.adminCodesNotChecked(file: "f.csv", column: "adm2", level: 2)])
    }

    @Test func aMissingOptionalColumnIsAWarningAndStoredEmpty() throws {
        // Given a file with the required columns but without the optional sex, visit and phone
        let t = textTable([("id", ["a1", "a2"]), ("age", ["3", "40"]), ("adm2", ["SD0101", nil])])
        let r = Validator(schema: schema, fileName: "f.csv", firstDataRow: 3).validate(t)
        // Then the file is valid, each missing optional column is a warning naming it (no values)
        #expect(r.isValid)
        #expect(r.rowsRejected == 0)
        #expect(r.warnings == [
            .missingOptionalColumn(file: "f.csv", row: 2, column: "sex"),
            .missingOptionalColumn(file: "f.csv", row: 2, column: "visit"),
            .adminCodesNotChecked(file: "f.csv", column: "adm2", level: 2),
            .missingOptionalColumn(file: "f.csv", row: 2, column: "phone"),
        ])
        #expect(r.warnings[0].description.hasPrefix("f.csv:2:sex: the column is missing; the schema does not require it"))
        // and the table keeps the schema's columns and types, the missing ones empty
        #expect(r.table.columnNames == schema.fields.map(\.name))
        #expect(r.table.rowCount == 2)
        let visit = try r.table.column(named: "visit")
        #expect(visit.type == .date)
        #expect(visit.isNull(0) && visit.isNull(1))
    }

    @Test func rowNumbersFollowTheReaderAcrossBlankLines() {
        let t = textTable([("id", ["a1", "a2"]), ("age", ["x", "y"]), ("sex", [nil, nil]), ("visit", [nil, nil]),
                           ("adm2", [nil, nil]), ("phone", [nil, nil])])
        let v = Validator(schema: schema, fileName: "f.csv", firstDataRow: 2, rowNumber: { $0 == 0 ? 2 : 5 })
        #expect(v.validate(t).issues.map(\.row) == [2, 5])
    }
}

@Suite struct GazetteerAndProposalTests {
    @Test func gazetteerReadsHXLColumnsAndWalksUp() throws {
        let t = Table(unchecked: [
            Column(name: "a1", tag: HXLTagSpec(tag: "adm1", attributes: ["code"]), data: .text(codes: [0, 0, 1], dictionary: ["SD01", "SD02"])),
            Column(name: "n1", tag: HXLTagSpec(tag: "adm1", attributes: ["name"]), data: .text(codes: [0, 0, 1], dictionary: ["North", "South"])),
            Column(name: "a2", tag: HXLTagSpec(tag: "adm2", attributes: ["code"]), data: .text(codes: [0, 1, 2], dictionary: ["SD0101", "SD0102", "SD0201"])),
        ], rowCount: 3)
        let g = try Gazetteer(table: t)
        #expect(g.codes(atLevel: 1) == ["SD01", "SD02"])
        #expect(g.areas["SD01"]?.name == "North")
        #expect(g.ancestor(of: "SD0201", atLevel: 1) == "SD02")
        #expect(g.suggestions(for: "SD0103", level: 2).first == "SD0101")
        #expect(g.suggestions(for: "ZZZZZZZZ", level: 2).isEmpty)
        #expect(throws: GazetteerError.noCodeColumns) { try Gazetteer(table: textTable([("x", ["1"])])) }
    }

    /// Two groups of admin columns (origin and current place) are each checked within their group: the current
    /// admin 2 against the current admin 1, not against the origin's.
    @Test func adminColumnsPairWithinTheirGroup() throws {
        let g = try Gazetteer(table: Table(columns: [
            taggedTextColumn("a1", "#adm1+code", ["SD01", "SD02"]), taggedTextColumn("a2", "#adm2+code", ["SD01001", "SD02001"]),
        ]))
        let schema = Schema(fields: [
            Field(name: "origin_adm1", type: .text, adminLevel: 1), Field(name: "origin_adm2", type: .text, adminLevel: 2),
            Field(name: "current_adm1", type: .text, adminLevel: 1), Field(name: "current_adm2", type: .text, adminLevel: 2),
        ])
        // Row 2 is consistent within each group; row 3's current admin 2 is not in its current admin 1.
        let t = textTable([("origin_adm1", ["SD01", "SD01"]), ("origin_adm2", ["SD01001", "SD01001"]),
                           ("current_adm1", ["SD02", "SD02"]), ("current_adm2", ["SD02001", "SD01001"])])
        let r = Validator(schema: schema, gazetteer: g, fileName: "m.csv", firstDataRow: 2).validate(t)
        #expect(r.issues.map { "\($0.row):\($0.column)" } == ["3:current_adm2"])
    }

    /// A decimal field takes only numbers a double holds: more than 17 significant digits, a value so small
    /// it would become 0, or hexadecimal are issues, never silently rounded values.
    @Test func aDecimalFieldRefusesWhatADoubleCannotHold() {
        let schema = Schema(fields: [Field(name: "w", type: .decimal)])
        let t = textTable([("w", ["2.5", "0.12345678901234567891", "1e-400", "0x10", "123456789.123456789", "0.000", "1.5e3",
                                  "-7.312715117751976"])])
        let r = Validator(schema: schema, fileName: "d.csv", firstDataRow: 2).validate(t)
        #expect(r.issues.map(\.row) == [3, 4, 5, 6])
        #expect(r.table.rowCount == 4)
    }

    /// A file whose column for a field has another name but the field's HXL tag (a partner's own column
    /// names) is read by the tag, and said; two such columns, or a column named as another field, are not.
    @Test func aFieldIsFoundByItsHXLTagWhenTheNameDiffers() throws {
        let schema = Schema(fields: [
            Field(name: "adm2_code", hxl: "#adm2+code", type: .text, required: true),
            Field(name: "affected_f", hxl: "#affected+f+children", type: .integer),
        ])
        let file = try Table(columns: [
            taggedTextColumn("Locality", "#adm2+code", ["SD0101", "SD0102"]), taggedTextColumn("Girls", "#affected+children+f", ["3", "4"]),
            taggedTextColumn("Notes", "#description", ["a", "b"]),
        ])
        let r = Validator(schema: schema, fileName: "p.csv", firstDataRow: 3).validate(file)
        #expect(r.issues.isEmpty, "\(r.issues)")
        #expect(r.table.columnNames == ["adm2_code", "affected_f"])
        #expect(r.table["affected_f"].map { c in (0..<c.count).map { c[$0] } } == [.integer(3), .integer(4)])
        #expect(r.warnings.contains(.matchedByTag(file: "p.csv", column: "Locality", field: "adm2_code", tag: "#adm2+code")))
        #expect(schema.unusedColumns(of: file) == ["Notes"])
        // Two columns with the tag: neither is chosen, and the required field is missing.
        let two = try Table(columns: [taggedTextColumn("A", "#adm2+code", ["x"]), taggedTextColumn("B", "#adm2+code", ["y"])])
        #expect(Validator(schema: schema, fileName: "p.csv", firstDataRow: 3).validate(two).countsByRule[.missingColumn] == 1)
        // A column named as another field is that field's, not this one's.
        let named = Schema(fields: [
            Field(name: "adm2_code", hxl: "#adm2+code", type: .text), Field(name: "Locality", type: .text),
        ])
        #expect(named.column(for: named.fields[0], in: file) == nil)
    }

    /// Gazetteer messages never quote a value of a column marked identifying or sensitive, nor suggest codes
    /// near it; in a quasi-identifier column P-codes are quoted (places, and the typo must be findable). A
    /// field tagged #admN+code is checked at that level without `admin_level`.
    @Test func gazetteerMessagesQuoteNoProtectedValue() throws {
        let g = try Gazetteer(table: Table(columns: [
            taggedTextColumn("a1", "#adm1+code", ["SD01", "SD02"]), taggedTextColumn("a2", "#adm2+code", ["SD01001", "SD02001"]),
        ]))
        let data = textTable([("st", ["SD01", "SD03", "SD02"]), ("loc", ["SD01001", "SD01003", "SD01001"])])
        func issues(_ role: DisclosureRole, levels: Bool) -> [ValidationIssue] {
            let schema = Schema(fields: [
                Field(name: "st", hxl: "#adm1+code", type: .text, role: role, adminLevel: levels ? 1 : nil),
                Field(name: "loc", hxl: "#adm2+code", type: .text, role: role, adminLevel: levels ? 2 : nil),
            ])
            return Validator(schema: schema, gazetteer: g, fileName: "f.csv", firstDataRow: 2).validate(data).issues
        }
        for role in [DisclosureRole.directIdentifier, .sensitive, .householdID] {
            let found = issues(role, levels: true)
            // The unknown SD03 and SD01003 (row 3), and SD01001 under SD02 (row 4), are all found …
            #expect(found.map(\.row).sorted() == [3, 3, 4], "\(role)")
            // … and no code of the data or of the gazetteer is printed.
            #expect(!found.contains { ($0.problem + " " + $0.expected).contains("SD0") }, "\(role)")
        }
        let quasi = issues(.quasiIdentifier, levels: true)
        #expect(quasi.contains { $0.problem.contains("\"SD03\"") })
        #expect(quasi.contains { $0.problem == "SD01001 is not in admin1 SD02" })
        // Without admin_level, the #admN+code tags say the levels.
        #expect(issues(.quasiIdentifier, levels: false).map(\.problem) == quasi.map(\.problem))
    }

    /// A gazetteer that skips a level, holds no code, or lacks the level a column is checked at is said to be
    /// so, once, instead of every row's code being called unknown.
    @Test func gazetteerProblemsAreSaidOnce() throws {
        let gap = try Table(columns: [taggedTextColumn("a1", "#adm1+code", ["SD01"]), taggedTextColumn("a3", "#adm3+code", ["SD010101"])])
        #expect(throws: GazetteerError.missingLevel(2, present: [1, 3])) { try Gazetteer(table: gap) }
        let empty = try Table(columns: [taggedTextColumn("a1", "#adm1+code", [nil, nil])])
        #expect(throws: GazetteerError.noAreas(rows: 2)) { try Gazetteer(table: empty) }
        let twoParents = try Table(columns: [
            taggedTextColumn("a1", "#adm1+code", ["SD01", "SD02"]), taggedTextColumn("a2", "#adm2+code", ["SD01001", "SD01001"]),
        ])
        #expect(throws: GazetteerError.conflictingParent(code: "SD01001", first: "SD01", second: "SD02")) {
            try Gazetteer(table: twoParents)
        }
        let orphan = try Table(columns: [
            taggedTextColumn("a1", "#adm1+code", ["SD01", nil]), taggedTextColumn("a2", "#adm2+code", ["SD01001", "SD03001"]),
        ])
        #expect(throws: GazetteerError.missingParent(code: "SD03001", level: 2, row: 2)) { try Gazetteer(table: orphan) }
        // Rows of the upper level alone, and the same area listed again under the same parent, are fine.
        let tidy = try Gazetteer(table: Table(columns: [
            taggedTextColumn("a1", "#adm1+code", ["SD01", "SD01", "SD01"]), taggedTextColumn("a2", "#adm2+code", [nil, "SD01001", "SD01001"]),
        ]))
        #expect(tidy.ancestor(of: "SD01001", atLevel: 1) == "SD01")
        // A code named twice differently is refused; the same name again is fine.
        func named(_ names: [String?]) -> Table {
            var n = textTable([("n1", names)]).columns[0]
            n.tag = HXLTagSpec(tag: "adm1", attributes: ["name"])
            return Table(unchecked: [taggedTextColumn("a1", "#adm1+code", ["SD01", "SD01"]), n], rowCount: 2)
        }
        #expect(throws: GazetteerError.conflictingName(code: "SD01", row: 2)) { try Gazetteer(table: named(["North", "Nord"])) }
        #expect(try Gazetteer(table: named(["North", "North"])).areas["SD01"]?.name == "North")
        #expect(try Gazetteer(table: named([nil, "North"])).areas["SD01"]?.name == "North")
        // Spaces around codes, as spreadsheets keep them, are not part of the codes.
        let spaced = try Gazetteer(table: Table(columns: [
            taggedTextColumn("a1", "#adm1+code", [" SD01 "]), taggedTextColumn("a2", "#adm2+code", ["SD01001 "]),
        ]))
        #expect(spaced.contains("SD01001", level: 2))
        #expect(spaced.ancestor(of: "SD01001", atLevel: 1) == "SD01")

        let onlyAdmin1 = try Gazetteer(table: Table(columns: [taggedTextColumn("a1", "#adm1+code", ["SD01", "SD02"])]))
        #expect(onlyAdmin1.levels == [1])
        let schema = Schema(fields: [
            Field(name: "adm1", type: .text, adminLevel: 1), Field(name: "adm2", type: .text, adminLevel: 2),
        ])
        let data = textTable([("adm1", ["SD01", "SD02", "SD09"]), ("adm2", ["SD0101", "SD0201", "SD0901"])])
        let r = Validator(schema: schema, gazetteer: onlyAdmin1, fileName: "f.csv", firstDataRow: 2).validate(data)
        // One issue for the adm2 column (on the header row), one for the unknown admin1 code; no row accepted.
        #expect(r.issues.filter { $0.column == "adm2" }.count == 1)
        #expect(r.issues.first { $0.column == "adm2" }?.row == 1)
        #expect(r.issues.first { $0.column == "adm2" }?.problem.contains("no admin level 2") == true)
        #expect(r.issues.filter { $0.column == "adm1" }.map(\.row) == [4])
        #expect(r.rowsRejected == 3)
        // With a gazetteer that has both levels, the same rows are judged per code.
        let both = try Gazetteer(table: Table(columns: [
            taggedTextColumn("a1", "#adm1+code", ["SD01", "SD02"]), taggedTextColumn("a2", "#adm2+code", ["SD0101", "SD0201"]),
        ]))
        let judged = Validator(schema: schema, gazetteer: both, fileName: "f.csv", firstDataRow: 2).validate(data)
        #expect(judged.rowsRejected == 1)
        #expect(judged.issues.filter { $0.column == "adm2" }.map(\.row) == [4])
    }

    @Test(arguments: [
        ("record_id", "#meta+id", DisclosureRole.directIdentifier), ("household_id", "#household+id", .householdID),
        ("adm2_code", "#adm2+code", .quasiIdentifier), ("sex", "#sex", .quasiIdentifier), ("age", "#age", .quasiIdentifier),
        ("specific_needs", "#need+code+sensitive", .sensitive), ("notes", "#description+notes", .directIdentifier),
        ("w", "", .weight), ("phone_number", "", .directIdentifier), ("household_size", "#household+size", .quasiIdentifier),
        ("hh_size", "", .quasiIdentifier), ("Number of household members", "", .quasiIdentifier), ("hhsize", "", .quasiIdentifier),
        ("size", "#household+size", .quasiIdentifier), ("family_size", "", .quasiIdentifier), ("shelter_size", "", .other),
        ("household_member_no", "", .householdID), ("hh_member_id", "", .householdID),
        ("dob", "", .directIdentifier), ("date_of_birth", "", .directIdentifier), ("unhcr_id", "", .directIdentifier),
        ("_geolocation", "", .directIdentifier), ("tent_number", "", .directIdentifier), ("signature", "", .directIdentifier),
        ("photo", "", .directIdentifier), ("_id", "", .directIdentifier), ("year_of_birth", "", .quasiIdentifier),
        ("village", "", .quasiIdentifier), ("camp", "", .quasiIdentifier), ("_submission_time", "", .other),
        // Names by their words: a person's, a place's, an organisation's.
        ("surname", "", .directIdentifier), ("Name of respondent", "", .directIdentifier),
        ("head of household name", "", .directIdentifier), ("nombre", "", .directIdentifier),
        ("prenom", "", .directIdentifier), ("telephone", "", .directIdentifier), ("camp_name", "", .quasiIdentifier),
        ("partner_name", "", .other), ("respondent_age", "", .quasiIdentifier), ("sex_of_respondent", "", .quasiIdentifier),
        ("age_yrs", "", .quasiIdentifier), ("page_count", "", .other),
        ("Phone Number", "", .directIdentifier), ("Date of Birth", "", .directIdentifier), ("tel", "", .directIdentifier),
        ("Registration Number", "", .directIdentifier), ("household_no", "", .householdID), ("Last Name", "", .directIdentifier),
        ("birth", "#date+birth", .directIdentifier), ("dob", "#date+dob", .directIdentifier),
        ("date", "#date+reported", .other),
        // QA11 I17: special categories, positions, ID numbers, device meta columns and Arabic headers.
        ("rape", "", .sensitive), ("sexual_violence", "", .sensitive), ("hiv_status", "", .sensitive), ("detention", "", .sensitive),
        ("pregnant", "", .sensitive), ("child_recruitment", "", .sensitive), ("specific_need", "", .sensitive),
        ("separated_child", "", .sensitive), ("lat", "", .directIdentifier), ("lng", "", .directIdentifier),
        ("id_no", "", .directIdentifier), ("nid", "", .directIdentifier), ("imei", "", .directIdentifier),
        ("phonenumber", "", .directIdentifier), ("_attachments", "", .directIdentifier),
        ("اسم_رب_الاسرة", "", .directIdentifier), ("رقم_الهاتف", "", .directIdentifier), ("الجنس", "", .quasiIdentifier),
        ("العمر", "", .quasiIdentifier), ("latrine_access", "", .other),
    ])
    func proposesProtectiveRoles(name: String, tag: String, role: DisclosureRole) {
        let spec: HXLTagSpec? = tag.isEmpty ? nil : HXLTagSpec(tag: String(tag.dropFirst().split(separator: "+")[0]),
                                                               attributes: tag.split(separator: "+").dropFirst().map(String.init))
        #expect(SchemaProposal.role(name: name, tag: spec) == role)
    }

    /// A column its name leaves as "other" but with a different value in nearly every record (a reference,
    /// names under an unexpected heading, a serial number) is proposed as a direct identifier; categories,
    /// counts with repeats, and columns of fewer than ten values stay "other".
    @Test func aColumnUniquePerRecordIsProposedAsADirectIdentifier() throws {
        func text(_ name: String, _ values: [String?]) -> Column {
            Column(name: name, data: textData(values))
        }
        let n = 60
        let table = try Table(columns: [
            text("ref", (0..<n).map { "Q\(100_000 + $0 * 7919 % 900_000)" }),
            text("respondent", (0..<n).map { $0 == 5 ? nil : "Person \($0) Testa" }),
            text("colour", (0..<n).map { ["red", "green", "blue"][$0 % 3] }),
            // 54 distinct of 60: 90 %, still single-out.
            text("almost", (0..<n).map { "v\($0 < 54 ? $0 : 0)" }),
            // 53 of 60: below 90 %.
            text("fewer", (0..<n).map { "v\($0 < 53 ? $0 : 0)" }),
            Column(name: "serial", data: .integer(values: (0..<n).map { Int64(5000 + $0) }, nulls: NullMask())),
            Column(name: "members", data: .integer(values: (0..<n).map { Int64($0 % 9) }, nulls: NullMask())),
        ])
        let roles = Dictionary(uniqueKeysWithValues: SchemaProposal.propose(for: table).fields.map { ($0.name, $0.role) })
        #expect(roles == [
            "ref": .directIdentifier, "respondent": .directIdentifier, "colour": .other, "almost": .directIdentifier,
            "fewer": .other, "serial": .directIdentifier, "members": .other,
        ])
        // Nine records are too few to tell.
        let small = try Table(columns: [text("ref", (0..<9).map { "Q\($0)" })])
        #expect(SchemaProposal.propose(for: small).fields[0].role == .other)
    }

    @Test func aColumnWithAnUnknownHashtagRefusesTheFileUnlessTheSchemaDeclaresIt() {
        let t = (try? Table(columns: [
            taggedTextColumn("code", "#amd1+code", ["XY01", "XY02"]), taggedTextColumn("sex", "#sex", ["f", "m"]),
        ])) ?? .empty
        let declared = Schema(fields: [Field(name: "code", hxl: "#amd1+code", type: .text), Field(name: "sex", type: .text)])
        var v = Validator(schema: declared, fileName: "f.csv", firstDataRow: 3)
        v.hashtagRow = 2
        // The schema declares #amd1: accepted; #sex is a tag pim knows.
        #expect(v.validate(t).issues.isEmpty)
        // A schema that echoes the file's tags vouches for none of them.
        let refused = v.vouchingForNoTags().validate(t)
        #expect(refused.issues.map(\.description) == [
            "f.csv:2:code: the column's hashtag #amd1 (in #amd1+code) is neither in the HXL core dictionary nor an extension tag; "
                + "a core hashtag (#adm1 if that is what is meant, see hxlstandard.org), a local tag written #x_amd1, a schema that "
                + "declares #amd1+code (pim import --schema FILE), or the tag accepted as it is (--allow-unknown-tags; "
                + "allow_unknown_tags on the web and in the API)",
        ])
        #expect(refused.unknownTags == ["#amd1"])
        #expect(refused.rowsRejected == 2)
        var any = v.vouchingForNoTags()
        any.localTags = nil
        #expect(any.validate(t).issues.isEmpty)
        // A schema of other tags does not vouch for it either.
        let other = Schema(fields: [Field(name: "code", hxl: "#adm1+code", type: .text)])
        var w = Validator(schema: other, fileName: "f.csv", firstDataRow: 2)
        w.hashtagRow = nil
        #expect(w.validate(t).issues.map(\.row) == [1])
        #expect(w.validate(t).countsByRule[.unknownHXLTag] == 1)
    }

    @Test func misspelledHashtagsSuggestTheCoreOne() {
        #expect(HXLCoreDictionary.nearestCoreTag(to: "amd1") == "adm1")
        #expect(HXLCoreDictionary.nearestCoreTag(to: "secter") == "sector")
        #expect(HXLCoreDictionary.nearestCoreTag(to: "affectd") == "affected")
        #expect(HXLCoreDictionary.nearestCoreTag(to: "foo") == nil)
        // Two core tags as close (adm1, adm2): no guess.
        #expect(HXLCoreDictionary.nearestCoreTag(to: "adm9") == nil)
        #expect(HXLCoreDictionary.nearestCoreTag(to: "sex") == nil)
        #expect(HXLCoreDictionary.isRecognised("household") && !HXLCoreDictionary.isKnown("household"))
    }
}
