import Foundation
import PIMCore
import PIMTable
import Testing

/// Checks across the fields of a row: date order and values required or forbidden by another field's value.
@Suite struct SchemaRuleTests {
    static let schema = Schema(fields: [
        Field(name: "id", type: .text, role: .directIdentifier, required: true),
        Field(name: "opened", type: .date, required: true),
        Field(name: "closed", type: .date),
        Field(name: "status", type: .text, allowedValues: ["open", "referred", "closed"]),
    ], rules: [
        .dateNotAfter(field: "opened", other: "closed"),
        .requiredWhen(field: "closed", when: "status", values: ["closed"]),
        .emptyWhen(field: "closed", when: "status", values: ["open", "referred"]),
    ])

    @Test func rowsWhoseDatesDisagreeWithTheirStatusAreLocated() {
        // Given data from spreadsheet row 2 (header only):
        //   row 2 c1: opened 01-05, closed 01-15, closed  -> fine
        //   row 3 c2: opened 03-10, closed 03-05, closed  -> closed before opened (at "closed")
        //   row 4 c3: no closed date, status closed       -> closed date required (at "closed")
        //   row 5 c4: closed 03-20, status open           -> closed date while open (at "closed")
        //   row 6 c5: closed 03-20, status referred       -> the same, for an active referred case
        //   row 7 c6: opened = closed, closed             -> fine (same day)
        //   row 8 c7: closed date "soon" (not a date), closed -> only the type issue, not a second one
        let t = textTable([
            ("id", ["c1", "c2", "c3", "c4", "c5", "c6", "c7"]),
            ("opened", ["2026-01-05", "2026-03-10", "2026-03-12", "2026-03-15", "2026-03-15", "2026-04-01", "2026-04-02"]),
            ("closed", ["2026-01-15", "2026-03-05", nil, "2026-03-20", "2026-03-20", "2026-04-01", "soon"]),
            ("status", ["closed", "closed", "closed", "open", "referred", "closed", "closed"]),
        ])
        let r = Validator(schema: Self.schema, fileName: "cm.csv", firstDataRow: 2).validate(t)
        #expect(r.issues.map { "\($0.row):\($0.column):\($0.rule.rawValue)" } == [
            "3:closed:date-order", "4:closed:conditional", "5:closed:conditional", "6:closed:conditional", "8:closed:type",
        ])
        #expect(r.issues[0].description
            == "cm.csv:3:closed: the date is before opened in the same row; expected closed on or after opened (rule: opened is not after closed)")
        #expect(r.issues[1].description == "cm.csv:4:closed: the value is empty while status is closed; expected a value (rule: closed is required when status is closed)")
        #expect(r.issues[3].problem == "a value is given while status is referred")
        // And no rule issue quotes a date of the row
        #expect(!r.issues.filter { $0.rule != .type }.contains { $0.description.contains("2026-") })
        #expect(r.countsByRule[.dateOrder] == 1 && r.countsByRule[.conditional] == 3)
        #expect(r.rowsRejected == 5)
    }

    @Test func rulesRoundTripThroughASchemaFileAndOldFilesStillRead() throws {
        let data = try JSONEncoder().encode(Self.schema)
        #expect(try JSONDecoder().decode(Schema.self, from: data) == Self.schema)
        let json = #"{"fields":[{"name":"a","type":"date"},{"name":"b","type":"date"}],"#
            + #""rules":[{"rule":"date-not-after","field":"a","other":"b"}]}"#
        #expect(try JSONDecoder().decode(Schema.self, from: Data(json.utf8)).rules == [.dateNotAfter(field: "a", other: "b")])
        // A schema without rules (every file written before rules existed) reads with none, and writes none
        let old = try JSONDecoder().decode(Schema.self, from: Data(#"{"fields":[{"name":"a","type":"text"}]}"#.utf8))
        #expect(old.rules.isEmpty)
        #expect(!String(decoding: try JSONEncoder().encode(old), as: UTF8.self).contains("rules"))
    }

    @Test func aRuleThatCannotBeCheckedIsRefused() {
        let fields = [Field(name: "a", type: .date), Field(name: "s", type: .text)]
        #expect(throws: DomainError.self) { try Schema(fields: fields, rules: [.dateNotAfter(field: "a", other: "nope")]).validate() }
        #expect(throws: DomainError.self) { try Schema(fields: fields, rules: [.dateNotAfter(field: "a", other: "s")]).validate() }
        #expect(throws: DomainError.self) { try Schema(fields: fields, rules: [.requiredWhen(field: "a", when: "s", values: [])]).validate() }
        #expect(throws: Never.self) { try Schema(fields: fields, rules: [.emptyWhen(field: "a", when: "s", values: ["x"])]).validate() }
    }

    /// QA10 F8: a case's age could contradict its age group (9 and "adults", 70 and "children") unnoticed, while
    /// the caseload counts by age group.
    @Test func anAgeOutsideItsAgeGroupIsLocatedWithoutQuotingIt() throws {
        let schema = Schema(fields: [
            Field(name: "age", type: .integer, role: .quasiIdentifier),
            Field(name: "age_group", type: .text, role: .quasiIdentifier),
        ], rules: [
            .rangeWhen(field: "age", when: "age_group", values: ["children"], minimum: 0, maximum: 17),
            .rangeWhen(field: "age", when: "age_group", values: ["adults"], minimum: 18, maximum: 59),
            .rangeWhen(field: "age", when: "age_group", values: ["elderly"], minimum: 60, maximum: nil),
        ])
        try schema.validate()
        // Given rows 2-7: 9 adults (wrong), 70 children (wrong), 17 children, 18 adults, 60 Elderly (case differs), no age
        let t = textTable([
            ("age", ["9", "70", "17", "18", "60", nil]),
            ("age_group", ["adults", "children", "children", "adults", "Elderly", "adults"]),
        ])
        let r = Validator(schema: schema, fileName: "cm.csv", firstDataRow: 2).validate(t)
        #expect(r.issues.map { "\($0.row):\($0.column):\($0.rule.rawValue)" } == ["2:age:conditional", "3:age:conditional"])
        #expect(r.issues.first?.description
            == "cm.csv:2:age: the value is out of range (18 to 59) while age_group is adults; expected 18 to 59, or age_group changed (rule: age is 18 to 59 when age_group is adults)")
        #expect(r.issues.count == 2 && !r.issues[1].description.contains("70"))
        // And the rule round-trips through a schema file; bounds that cannot be checked are refused
        #expect(try JSONDecoder().decode(Schema.self, from: try JSONEncoder().encode(schema)) == schema)
        let text = [Field(name: "a", type: .text), Field(name: "g", type: .text)]
        #expect(throws: DomainError.self) { try Schema(fields: text, rules: [.rangeWhen(field: "a", when: "g", values: ["x"], minimum: 0, maximum: 1)]).validate() }
        let number = [Field(name: "a", type: .integer), Field(name: "g", type: .text)]
        #expect(throws: DomainError.self) { try Schema(fields: number, rules: [.rangeWhen(field: "a", when: "g", values: ["x"], minimum: 5, maximum: 1)]).validate() }
        #expect(throws: DomainError.self) { try Schema(fields: number, rules: [.rangeWhen(field: "a", when: "g", values: ["x"], minimum: nil, maximum: nil)]).validate() }
    }

    /// QA11 I25: a conditional rule on a sensitive field (a GBV type, an HIV status) does not quote the row's value:
    /// the report is pasted into e-mails to get a file corrected.
    @Test func aRuleOnASensitiveFieldDoesNotQuoteTheRowsValue() throws {
        let schema = Schema(fields: [
            Field(name: "gbv_type", type: .text, role: .sensitive),
            Field(name: "referral_date", type: .text),
            Field(name: "status", type: .text),
        ], rules: [
            .requiredWhen(field: "referral_date", when: "gbv_type", values: ["rape", "sexual assault"]),
            .requiredWhen(field: "referral_date", when: "status", values: ["referred"]),
        ])
        try schema.validate()
        let t = textTable([("gbv_type", ["Rape", "none"]), ("referral_date", [nil, nil]), ("status", ["open", "referred"])])
        let r = Validator(schema: schema, fileName: "g.csv", firstDataRow: 2).validate(t)
        #expect(r.issues.map(\.problem) == ["the value is empty while gbv_type holds one of the rule's values",
                                           "the value is empty while status is referred"])
        #expect(!r.issues[0].description.contains("Rape"))
    }
}
