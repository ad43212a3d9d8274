import Foundation
import PIMCore
import PIMFramework
import PIMTable
import Testing

@testable import PIMCategories

@Suite struct ReportingConsentTests {
    static let header = "case_id,opened,closed,adm1_code,adm2_code,sex,age_group,specific_need,gbv_incident_type,status,referral_service,org"
    /// Seven open cases of adult women in A1: C0 … C6.
    static let cases = fixture(header, (0..<7).map { "C\($0),2026-01-0\($0 + 1),,A1,A101,female,adults,woman-at-risk,,open,,O" })

    static func at(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: 1_800_000_000 + seconds) }

    @Test func shareableOutputLeavesOutRecordsWhoseConsentToReportingWasWithdrawn() throws {
        // Given C0 withdrawn; C1 granted then withdrawn; C2 withdrawn then granted again; C3 withdrew another
        // purpose (disclosure) only; C4–C6 have no decision
        let decisions = [
            ConsentDecision(recordID: "C0", purpose: "reporting", granted: false, at: Self.at(10)),
            ConsentDecision(recordID: "C1", purpose: "reporting", granted: true, at: Self.at(0)),
            ConsentDecision(recordID: "C1", purpose: "reporting", granted: false, at: Self.at(10)),
            ConsentDecision(recordID: "C2", purpose: "reporting", granted: false, at: Self.at(0)),
            ConsentDecision(recordID: "C2", purpose: "reporting", granted: true, at: Self.at(10)),
            ConsentDecision(recordID: "C3", purpose: "disclosure", granted: false, at: Self.at(10)),
        ]
        let field = ConsentFilter.recordIDField(in: CategoryTemplate.caseManagement.schema)
        #expect(field == "case_id")
        let consent = ReportingConsent(recordColumn: field, decisions: decisions)
        #expect(consent.withdrawnRecordIDs == ["C0", "C1"])
        // When the shareable caseload is computed with and without the decisions
        let with = try CategoryOutputs.shareableReport(for: .caseManagement, table: Self.cases, consent: consent)
        let without = try CategoryOutputs.shareableReport(for: .caseManagement, table: Self.cases)
        // Then C0 and C1 are left out: 7 - 2 = 5 cases, and the report says 2 (a count, no ids)
        let key = ["A1", "female", "adults", "open"]
        #expect(try #require(with.section("shareable")).value("cases", where: key) == .integer(5))
        #expect(try #require(without.section("shareable")).value("cases", where: key) == .integer(7))
        #expect(with.leftOutForConsent == 2)
        #expect(without.leftOutForConsent == nil)
        #expect(with.notes.contains("Consent: 2 records left out because consent to reporting was withdrawn or refused."))
        #expect(!ReportFormat.json.render(with).contains("\"C0\"") && !ReportFormat.text.render(with).contains("C1"))
    }

    /// QA11 C25: when every record's consent to reporting is withdrawn, the refusal says so (a count only).
    @Test func aShareableOutputWithEveryRecordLeftOutForConsentSaysWhy() throws {
        let consent = ReportingConsent(recordColumn: "case_id", decisions: (0..<7).map {
            ConsentDecision(recordID: "C\($0)", purpose: "reporting", granted: false, at: Self.at(0))
        })
        #expect(throws: CategoryDataError.nothingLeftAfterConsent(leftOut: 7)) {
            try CategoryOutputs.shareableReport(for: .caseManagement, table: Self.cases, consent: consent)
        }
        #expect(CategoryDataError.nothingLeftAfterConsent(leftOut: 7).description
            == "Nothing to share: all 7 records were left out because their consent to reporting was withdrawn or refused.")
    }

    @Test func withdrawalsThatCannotBeMatchedToRecordsRefuseTheShareableOutput() throws {
        // Given a withdrawal, but no record id field to match it to
        let consent = ReportingConsent(recordColumn: nil, decisions: [
            ConsentDecision(recordID: "C0", purpose: "reporting", granted: false, at: Self.at(0)),
        ])
        // Then no shareable output is made (it could not leave C0 out)
        #expect(throws: CategoryDataError.consentUnmatched) {
            try CategoryOutputs.shareableReport(for: .caseManagement, table: Self.cases, consent: consent)
        }
        // And without any withdrawal there is nothing to match: all 7 are counted and 0 stated
        let none = try CategoryOutputs.shareableReport(for: .caseManagement, table: Self.cases,
                                                       consent: ReportingConsent(recordColumn: nil, decisions: []))
        #expect(none.leftOutForConsent == 0)
        #expect(try #require(none.section("shareable")).value("cases", where: ["A1", "female", "adults", "open"]) == .integer(7))
    }

    /// QA10 F1: the template's consent_reporting column, as collected, was never read.
    @Test func consentRefusedAtCollectionLeavesTheRecordOutUnlessALaterDecisionGrantsIt() throws {
        // Given nine open cases of adult women in A1: C0–C2 refused reporting at collection ("no", "No ", "no"),
        // C3–C5 said yes, C6–C8 were not asked; and a later recorded decision granting C2
        let answers = ["no", "No ", "no", "yes", "yes", "yes", "", "", ""]
        let table = fixture(Self.header + ",consent_reporting",
                            answers.enumerated().map { "C\($0),2026-01-0\($0 + 1),,A1,A101,female,adults,woman-at-risk,,open,,O,\($1)" })
        let granted = [ConsentDecision(recordID: "C2", purpose: "reporting", granted: true, at: Self.at(10))]
        // When the shareable caseload is computed without any recorded decision, and with the grant
        let plain = try CategoryOutputs.shareableReport(for: .caseManagement, table: table)
        let stored = try CategoryOutputs.shareableReport(
            for: .caseManagement, table: table, consent: ReportingConsent(recordColumn: "case_id", decisions: granted))
        // Then 9 - 3 = 6 cases are counted without decisions, 9 - 2 = 7 with C2 granted; each report says how many it left out
        let key = ["A1", "female", "adults", "open"]
        #expect(try #require(plain.section("shareable")).value("cases", where: key) == .integer(6))
        #expect(plain.leftOutForConsent == 3)
        #expect(plain.notes.contains("Consent: 3 records left out because consent to reporting was withdrawn or refused."))
        #expect(try #require(stored.section("shareable")).value("cases", where: key) == .integer(7))
        #expect(stored.leftOutForConsent == 2)
        // And the internal output still counts every case
        let inside = try CategoryOutputs.report(for: .caseManagement, table: table)
        #expect(try #require(inside.section("by-status")).value("cases", where: ["open"]) == .integer(9))
    }
}
