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

    /// Under an agreement that names no consent purpose, a refusal or withdrawal still counts: consent to
    /// disclosure withdrawn leaves a record out of any share, consent to reporting withdrawn out of a shared
    /// table; records without a decision stay. The package says how many were left out.
    @Test func withdrawnConsentLeavesRecordsOutOfSharesWithoutAConsentPurpose() throws {
        let d = F.dataset(category: "protection-needs-assessment")
        let entries = [entry("R2", false), entry("R3", false, .reporting), entry("R4", true)]
        let aggregated = try F.agreement(level: .aggregated)
        guard case .allowed(let plan) = SharingRules.decide(
            ShareRequest(dataset: d, recipient: "DRC", level: .aggregated, dimensions: ["adm1"]), agreement: aggregated, at: F.now)
        else { Issue.record("the share should be allowed"); return }
        let table = try ShareBuilder.build(plan, dataset: d, table: F.table(40), consent: entries)
        #expect(table.leftOutForConsent == 2)
        #expect(table.consent?.kept == 38)
        #expect(table.consent?.summary.contains("refused or withdrawn") == true)
        let anonymised = try F.agreement(level: .anonymised, thresholds: .init(k: 3, maximumGlobalRisk: 0.2))
        guard case .allowed(let microPlan) = SharingRules.decide(
            ShareRequest(dataset: d, recipient: "DRC", level: .anonymised), agreement: anonymised, at: F.now)
        else { Issue.record("the share should be allowed"); return }
        // Microdata is not a report: only the withdrawal of disclosure counts.
        let micro = try ShareBuilder.build(microPlan, dataset: d, table: F.table(40), consent: entries)
        #expect(micro.leftOutForConsent == 1)
        // No decision at all: nothing is left out and nothing is said.
        let none = try ShareBuilder.build(plan, dataset: d, table: F.table(40), consent: [])
        #expect(none.leftOutForConsent == 0)
        #expect(none.consent == nil)
    }

    /// QA11 S16: an agreement that asks for consent to services still leaves out the records whose consent to
    /// disclosure was withdrawn (naming a purpose used to skip the refusals, so it shared more, not less).
    @Test func anAgreementWithAConsentPurposeStillHonoursWithdrawnDisclosure() throws {
        let d = F.dataset(category: "protection-needs-assessment")
        // Given 40 records that all granted services, of which R1, R2 and R3 withdrew disclosure and R4 reporting
        let entries = (1...40).map { entry("R\($0)", true, .services) }
            + [entry("R1", false), entry("R2", false), entry("R3", false), entry("R4", false, .reporting)]
        let agreement = try F.agreement(level: .aggregated, basis: .consent, consentPurpose: .services)
        guard case .allowed(let plan) = SharingRules.decide(
            ShareRequest(dataset: d, recipient: "DRC", level: .aggregated, dimensions: ["adm1"]), agreement: agreement, at: F.now)
        else { Issue.record("the share should be allowed"); return }
        // When a table is shared under it
        let table = try ShareBuilder.build(plan, dataset: d, table: F.table(40), consent: entries)
        // Then the four refusals are left out, and the metadata says so beside the purpose's own count
        #expect(table.consent?.purpose == .services)
        #expect(table.consent?.kept == 36)
        #expect(table.leftOutForConsent == 4)
        #expect(table.consent?.summary.contains("4 more left out because their consent to disclosure or reporting was refused or withdrawn.") == true,
                "\(table.consent?.summary ?? "")")
    }

    /// QA11 S14: withdrawals recorded for a dataset whose version has no record id column cannot be honoured:
    /// the share is refused rather than counting those people again. A withdrawal granted again since does not count.
    @Test func withdrawalsThatCannotBeMatchedToRecordsRefuseTheShare() throws {
        let table = try F.table(10).selectingColumns(["adm1", "sex"])
        #expect(throws: ConsentError.refusalsUnmatched(decisions: 2)) {
            _ = try ConsentFilter.leavingOutRefusals(
                table, recordColumn: nil, entries: [entry("R1", false), entry("R2", false), entry("R3", true)], purposes: [.disclosure])
        }
        let regranted = try ConsentFilter.leavingOutRefusals(
            table, recordColumn: "record_id", entries: [entry("R1", false), entry("R1", true, at: 10)], purposes: [.disclosure])
        #expect(regranted.leftOut == 0)
        // And through the builder: an agreement without a consent purpose refuses the share
        let d = F.dataset(category: "protection-needs-assessment")
        guard case .allowed(let plan) = SharingRules.decide(
            ShareRequest(dataset: d, recipient: "DRC", level: .aggregated, dimensions: ["adm1"]), agreement: try F.agreement(level: .aggregated), at: F.now)
        else { Issue.record("the share should be allowed"); return }
        #expect(throws: ShareBuildError.consent(.refusalsUnmatched(decisions: 1))) {
            _ = try ShareBuilder.build(plan, dataset: d, table: table, consent: [entry("R4", false)])
        }
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

    /// QA11 C8/S1: consent as collected is read whatever the column's type and however the answer is written.
    /// A refusal written "n", "No", "false", "0", a boolean false or an integer 0 is a refusal; an answer that
    /// cannot be read as consent ("refused", "unsure", 2) is too; an empty answer is no decision.
    @Test func consentRefusedAtCollectionIsReadInEveryEncoding() throws {
        func refused(_ data: ColumnData) throws -> [Bool] {
            let t = try Table(columns: [Column(name: "consent_reporting", data: data)])
            return ConsentFilter.refusedAtCollection(t, purpose: .reporting) ?? Array(repeating: false, count: t.rowCount)
        }
        let answers = ["yes", " Y ", "TRUE", "1", "oui", "n", "No", "false", "0", "refused", "unsure", ""]
        let text = try refused(.text(codes: answers.indices.map { Int32($0) }, dictionary: answers))
        #expect(text == [false, false, false, false, false, true, true, true, true, true, true, false])
        func nulls(_ rows: Int...) -> NullMask {
            var m = NullMask()
            for r in rows { m.setNull(r) }
            return m
        }
        #expect(try refused(.boolean(values: [true, false, false], nulls: nulls(2))) == [false, true, false])
        #expect(try refused(.integer(values: [1, 0, 2, 0], nulls: nulls(3))) == [false, true, true, false])
        // A column where every answer consents refuses nothing.
        #expect(ConsentFilter.refusedAtCollection(
            try Table(columns: [Column(name: "consent_reporting", data: .boolean(values: [true, true], nulls: NullMask()))]),
            purpose: .reporting) == nil)
    }
}
