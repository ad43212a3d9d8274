import Foundation
import PIMCore
import PIMTable
import Testing

@Suite struct SharingConsentTests {
    typealias F = SharingFixtures

    func entry(_ id: String, _ granted: Bool, _ purpose: ConsentPurpose = .disclosure, at offset: Double = 0) -> ConsentDecision {
        ConsentDecision(recordID: id, purpose: purpose.rawValue, granted: granted, at: F.now.addingTimeInterval(offset))
    }

    @Test func keepsOnlyRecordsWithGrantedConsentAndCountsTheRest() throws {
        // Given 6 records: R1, R2 granted; R3 refused; R4 granted for another purpose only; R5, R6 nothing
        let entries = [entry("R1", true), entry("R2", true), entry("R3", false), entry("R4", true, .services)]
        let r = try ConsentFilter.apply(to: F.table(6), recordColumn: "record_id", entries: entries, purpose: .disclosure)
        // Then only R1 and R2 remain
        #expect(r.kept == 2)
        #expect(r.table["record_id"].map { c in (0..<2).map { c[$0] } } == [.text("R1"), .text("R2")])
        #expect(r.leftOut == [.notGranted: 1, .noDecision: 3])
        #expect(r.summary == "4 of 6 records left out for lack of consent to disclosure: 3 with no decision, 1 refused or withdrawn.")
    }

    @Test func aLaterWithdrawalWinsOverAnEarlierGrant() throws {
        let entries = [entry("R1", true, at: -100), entry("R1", false, at: -10), entry("R2", false, at: -100), entry("R2", true, at: -1)]
        let r = try ConsentFilter.apply(to: F.table(2), recordColumn: "record_id", entries: entries, purpose: .disclosure)
        #expect(r.kept == 1)
        #expect(r.table["record_id"]?[0] == .text("R2"))
        #expect(r.leftOut[.notGranted] == 1)
    }

    @Test func recordsWithoutAnIdAreLeftOut() throws {
        let t = try Table(columns: [Column(name: "record_id", data: .text(codes: [0, -1, 1], dictionary: ["R1", ""]))])
        let r = try ConsentFilter.apply(to: t, recordColumn: "record_id", entries: [entry("R1", true)], purpose: .disclosure)
        #expect(r.kept == 1)
        #expect(r.leftOut == [.missingRecordID: 2])
    }

    @Test func integerRecordIdsMatchTheirDecimalText() throws {
        let t = try Table(columns: [Column(name: "id", data: .integer(values: [7, 8], nulls: NullMask()))])
        let r = try ConsentFilter.apply(to: t, recordColumn: "id", entries: [entry("8", true)], purpose: .disclosure)
        #expect(r.kept == 1)
        #expect(r.table["id"]?[0] == .integer(8))
    }

    @Test func recordIdFieldIsRecordIdOrTheFirstDirectIdentifier() {
        #expect(ConsentFilter.recordIDField(in: F.schema()) == "record_id")
        let s = Schema(fields: [Field(name: "x", type: .text), Field(name: "case_no", type: .text, role: .directIdentifier),
                                Field(name: "name", type: .text, role: .directIdentifier)])
        #expect(ConsentFilter.recordIDField(in: s) == "case_no")
        #expect(ConsentFilter.recordIDField(in: Schema(fields: [Field(name: "x", type: .text)])) == nil)
    }

    @Test func missingColumnIsAnError() {
        #expect(throws: ConsentError.recordIDColumnMissing("nope")) {
            _ = try ConsentFilter.apply(to: F.table(2), recordColumn: "nope", entries: [], purpose: .disclosure)
        }
    }
}
