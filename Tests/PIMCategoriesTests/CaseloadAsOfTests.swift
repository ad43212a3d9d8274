import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable
import Testing

@testable import PIMCategories

/// The caseload as of a date uses the status of that date, and time to close never averages negative durations.
@Suite struct CaseloadAsOfTests {
    static let header = "case_id,opened,closed,adm1_code,adm2_code,sex,age_group,specific_need,gbv_incident_type,status,referral_service,org"

    @Test func statusIsAsOfTheDateNotTheLatestRecorded() throws {
        // Given three cases recorded closed: one in January, two in May; and one open case
        let t = fixture(Self.header, [
            "C1,2026-01-05,2026-01-20,A1,A101,female,adults,disability,,closed,,O",
            "C2,2026-01-10,2026-05-02,A1,A101,male,adults,disability,,closed,,O",
            "C3,2026-02-01,2026-05-10,A1,A101,female,children,disability,,closed,,O",
            "C4,2026-02-15,,A1,A101,male,children,disability,,open,,O",
        ])
        // When the caseload is computed as of 2026-03-31
        let r = try Caseload.report(t, asOf: CivilDays.parseISO("2026-03-31"))
        let status = try #require(r.section("by-status"))
        // Then only C1 was closed then; C2 and C3 were still open, as the active count says
        #expect(status.value("cases", where: ["closed"]) == .integer(1))
        #expect(status.value("cases", where: ["open"]) == .integer(3))
        #expect(r.section("active-by-sex-age")?.value("active_cases", where: ["Total"]) == .integer(3))
        // And as of the latest date all three are closed
        let latest = try #require(Caseload.report(t).section("by-status"))
        #expect(latest.value("cases", where: ["closed"]) == .integer(3))
        #expect(latest.value("cases", where: ["open"]) == .integer(1))
    }

    @Test func aCaseClosedBeforeItWasOpenedIsLeftOutOfTimeToClose() throws {
        // Given durations of 10 and 20 days and one case closed 30 days before it was opened
        let t = fixture(Self.header, [
            "C1,2026-01-01,2026-01-11,A1,A101,female,adults,disability,,closed,,O",
            "C2,2026-01-01,2026-01-21,A1,A101,female,adults,disability,,closed,,O",
            "C3,2026-03-01,2026-01-30,A1,A101,female,adults,disability,,closed,,O",
        ])
        let close = try #require(Caseload.report(t).section("time-to-close"))
        // Then the mean and median are over the two valid durations only, and the note counts the one left out
        #expect(close.rows[0][0] == .integer(2))
        #expect(close.rows[0][1] == .number(15))
        #expect(close.rows[0][2] == .number(15))
        #expect(close.notes.contains("1 cases closed before they were opened are left out (a data error)."))
    }

    @Test func theShareableCaseloadUsesTheStatusAsOfTheDateToo() throws {
        // Given six cases opened in January and closed in May, and one opened in April
        let rows = (1...6).map { "C\($0),2026-01-0\($0),2026-05-0\($0),A1,A101,female,adults,disability,,closed,,O" }
            + ["C7,2026-04-01,,A1,A101,female,adults,disability,,open,,O"]
        let t = fixture(Self.header, rows)
        // When shared as of 2026-03-31
        let r = try CategoryOutputs.shareableReport(for: .caseManagement, table: t, options: .init(asOf: CivilDays.parseISO("2026-03-31")))
        let s = try #require(r.section("shareable"))
        // Then the six were open then, none closed, and C7 (opened later) is not counted
        #expect(s.value("cases", where: ["A1", "female", "adults", "open"]) == .integer(6))
        #expect(s.value("cases", where: ["A1", "female", "adults", "closed"]) == nil)
        #expect(s.value("cases", where: ["Total", "Total", "Total", "Total"]) == .integer(6))
        // And the table says which day its statuses are of (QA11 C13), with or without --as-of
        #expect(r.referenceDate == "2026-03-31")
        #expect(r.title.hasSuffix(" as of 2026-03-31"))
        #expect(r.notes.contains("Reference date 2026-03-31: the cases opened on or before it, with their status on that day."))
        #expect(try CategoryOutputs.shareableReport(for: .caseManagement, table: t).referenceDate == "2026-05-06")
        // A day before any case was opened is refused with the reason (QA11 C25), not "no rows to analyse"
        #expect(throws: CategoryDataError.nothingByReferenceDate("2020-01-01")) {
            try CategoryOutputs.shareableReport(for: .caseManagement, table: t, options: .init(asOf: CivilDays.parseISO("2020-01-01")))
        }
    }

    /// QA14: the shareable caseload's default reference day is the stored data's, not the latest day left once the
    /// refusals are out: an earlier day would show that the latest records refused.
    @Test func theShareableDefaultDayDoesNotMoveWithRefusals() throws {
        let header = Self.header + ",consent_reporting"
        let rows = (1...8).map { "K\($0),2026-02-0\($0),,A1,A101,female,adults,disability,,open,,O,yes" }
            + ["K9,2026-05-20,,A1,A101,female,adults,disability,,open,,O,no"]
        let t = fixture(header, rows)
        let r = try CategoryOutputs.shareableReport(for: .caseManagement, table: t)
        #expect(r.leftOutForConsent == 1)
        #expect(r.referenceDate == "2026-05-20")
    }
}
