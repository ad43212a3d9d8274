import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable
import Testing

@testable import PIMCategories

@Suite struct ShareableTests {
    @Test func smallCaseCellsAreSuppressedWithTheirComplement() throws {
        // Given 12 open cases of adult women and 3 of adult men in A1
        let rows = (0..<15).map { i in "C\(i),2026-01-0\(1 + i % 9),,A1,A101,\(i < 12 ? "female" : "male"),adults,woman-at-risk,,open,,O" }
        let t = fixture("case_id,opened,closed,adm1_code,adm2_code,sex,age_group,specific_need,gbv_incident_type,status,referral_service,org", rows)
        // When the shareable output is built
        let r = try CategoryOutputs.shareableReport(for: .caseManagement, table: t)
        let s = try #require(r.section("shareable"))
        // Then the 3 is suppressed (primary) and the 12 too (secondary), since the line total would reveal it;
        // neither is listed, so that they look like combinations without cases
        #expect(s.columns == ["adm1_code", "sex", "age_group", "status", "cases", "flag"])
        #expect(s.value("cases", where: ["A1", "male", "adults", "open"]) == nil)
        #expect(s.value("cases", where: ["A1", "female", "adults", "open"]) == nil)
        #expect(s.rows.allSatisfy { $0.last == .missing })
        // And no published count is below 5, and no case number appears
        for row in s.rows {
            if case .integer(let n) = row[4] { #expect(n == 0 || n >= 5) }
            #expect(!row.contains { $0.description.hasPrefix("C") })
        }
        #expect(r.shareable)
    }

    /// Cut down to the dimensions an agreement allows, a shareable report keeps the margin rows of the others
    /// (protected with the full table), leaves out sections it cannot cut, and says so.
    @Test func aReportProjectedOntoAllowedDimensionsKeepsMarginsOnly() throws {
        let report = CategoryReport(category: "x", title: "t", shareable: true, sections: [
            ReportSection(name: "cube", title: "c", columns: ["adm1_code", "risk", "cases", "flag"], rows: [
                [.text("A1"), .text("theft"), .integer(7), .missing],
                [.text("A1"), .text("Total"), .integer(12), .missing],
                [.text("A2"), .text("theft"), .missing, .text("suppressed")],
                [.text("A2"), .text("Total"), .integer(9), .missing],
                [.text("Total"), .text("Total"), .integer(21), .missing],
            ]),
            ReportSection(name: "list", title: "l", columns: ["question", "households"], rows: [
                [.text("q1"), .integer(40)],
            ]),
        ])
        let p = report.projected(onto: ["adm1_code", "sex"])
        #expect(p.sections.map(\.name) == ["cube"])
        #expect(p.sections[0].columns == ["adm1_code", "cases", "flag"])
        #expect(p.sections[0].rows == [
            [.text("A1"), .integer(12), .missing], [.text("A2"), .integer(9), .missing], [.text("Total"), .integer(21), .missing],
        ])
        #expect(p.notes.last?.contains("adm1_code, sex") == true)
        // Its title and notes say what it is shown by now (QA W24: it still named "risk")
        #expect(p.sections[0].title == "c — shown by adm1_code")
        #expect(p.sections[0].notes.last?.contains("Totals over risk") == true)
        // Everything allowed: unchanged
        #expect(report.projected(onto: ["adm1_code", "risk", "question"]) == report)
    }

    @Test func populationFiguresAreExpandedToPersonsBeforeSuppression() throws {
        let r = try CategoryOutputs.shareableReport(for: .populationData, table: OutputTests.population)
        let s = try #require(r.section("shareable"))
        // A2 has 1 girl (female children): a cell of one person is suppressed
        #expect(s.value("persons", where: ["A2", "female", "children"]) == nil)
        #expect(s.value("persons", where: ["Total", "Total", "Total"]) == .integer(541))
        for row in s.rows { if case .integer(let n) = row[3] { #expect(n == 0 || n >= 5) } }
    }

    @Test func needsSharesArePublishedOnlyWhereBothWeightsAre() throws {
        // Given 6 "yes" (weight 10 each) and 2 "no" (weight 20 each) to one question in A1
        let rows = (0..<8).map { i in "H\(i),2026-03-01,A1,A101,idps,female,\(i < 6 ? 10 : 20),\(i < 6 ? "yes" : "no")" }
        let t = fixture("household_id,date,adm1_code,adm2_code,population_group,respondent_sex,weight,feels_unsafe", rows)
        let s = try #require(try CategoryOutputs.shareableReport(for: .protectionNeedsAssessment, table: t).section("shareable"))
        #expect(s.columns == ["adm1_code", "question", "answer", "households", "weighted_households", "weighted_percent", "flag"])
        // Then the 2 "no" are suppressed, so are their weights, and "yes" is secondary (else no = total - yes)
        #expect(s.value("weighted_percent", where: ["A1", "feels_unsafe", "no"]) == nil)
        #expect(s.value("households", where: ["A1", "feels_unsafe", "yes"]) == nil)
        #expect(s.value("weighted_households", where: ["A1", "feels_unsafe", "Total"]) == .number(100))
    }

    @Test func feedbackIsSharedWithoutSexOrAgeDisaggregation() throws {
        let rows = (0..<7).map { "F\($0),2026-01-01,,A1,A101,hotline,information-request,open,female,adults" }
        let r = try CategoryOutputs.shareableReport(for: .communicatingWithAffectedCommunities, table: fixture(
            "feedback_id,received,responded,adm1_code,adm2_code,channel,topic,status,sex,age_group", rows))
        let s = try #require(r.section("shareable"))
        #expect(s.columns == ["adm1_code", "topic", "feedback_entries", "flag"])
        #expect(s.value("feedback_entries", where: ["A1", "information-request"]) == .integer(7))
    }

    @Test func feedbackIsSharedByPriorityAndByMonthAsSection10Point8Asks() throws {
        // Given, in A1, 6 urgent and 7 high-priority complaints in January and 7 low-priority requests in February
        var rows: [String] = []
        for i in 0..<6 { rows.append("F\(i),2026-01-0\(1 + i),,A1,A101,hotline,complaint-access,open,female,adults,urgent") }
        for i in 6..<13 { rows.append("F\(i),2026-01-1\(i - 6),,A1,A101,hotline,complaint-access,open,female,adults,high") }
        for i in 13..<20 { rows.append("F\(i),2026-02-1\(i - 13),,A1,A101,hotline,information-request,open,male,adults,low") }
        let r = try CategoryOutputs.shareableReport(for: .communicatingWithAffectedCommunities, table: fixture(
            "feedback_id,received,responded,adm1_code,adm2_code,channel,topic,status,sex,age_group,priority", rows))
        // Then the table by location and topic is by priority too, its totals by location and topic protected
        // with the cells by priority
        let p = try #require(r.section("shareable"))
        #expect(p.columns == ["adm1_code", "topic", "priority", "feedback_entries", "flag"])
        #expect(p.value("feedback_entries", where: ["A1", "complaint-access", "urgent"]) == .integer(6))
        #expect(p.value("feedback_entries", where: ["A1", "complaint-access", "high"]) == .integer(7))
        #expect(p.value("feedback_entries", where: ["A1", "complaint-access", "Total"]) == .integer(13))
        #expect(p.value("feedback_entries", where: ["A1", "information-request", "low"]) == .integer(7))
        #expect(p.value("feedback_entries", where: ["Total", "Total", "urgent"]) == .integer(6))
        // Feedback without a priority is counted as "unknown" (QA16), not under a blank label
        var unset = rows
        for i in 0..<6 { unset.append("U\(i),2026-03-0\(1 + i),,A1,A101,hotline,complaint-access,open,female,adults,") }
        let withUnset = try CategoryOutputs.shareableReport(for: .communicatingWithAffectedCommunities, table: fixture(
            "feedback_id,received,responded,adm1_code,adm2_code,channel,topic,status,sex,age_group,priority", unset))
        #expect(withUnset.section("shareable")?.value("feedback_entries", where: ["A1", "complaint-access", "unknown"]) == .integer(6))
        #expect(r.section("by-priority") == nil)
        // And a trend by month received (without the topic: its topic totals would be the main table's)
        let m = try #require(r.section("by-month"))
        #expect(m.columns == ["month", "feedback_entries", "flag"])
        #expect(m.value("feedback_entries", where: ["2026-01"]) == .integer(13))
        #expect(m.value("feedback_entries", where: ["2026-02"]) == .integer(7))
        #expect(m.value("feedback_entries", where: ["Total"]) == .integer(20))
        // Without a priority column the table is by location and topic, and the trend is still there
        let plain = try CategoryOutputs.shareableReport(for: .communicatingWithAffectedCommunities, table: fixture(
            "feedback_id,received,responded,adm1_code,adm2_code,channel,topic,status,sex,age_group",
            rows.map { String($0.split(separator: ",").dropLast().joined(separator: ",")) }))
        #expect(plain.section("shareable")?.columns == ["adm1_code", "topic", "feedback_entries", "flag"])
        #expect(plain.section("by-month") != nil)
    }

    /// QA15 HIGH-1: the main table hid the topic totals that protect a single information request, and a trend by
    /// month and topic listed them, so 39 − 38 gave the 1 away. The trend has no topic now, and when one table
    /// hides the grand total the other does not list it.
    @Test func noSectionListsATotalAnotherHides() throws {
        // Given 38 entries over six topics in A1 and A2 (each topic ≥ 5) and a single information request in A3
        var rows: [String] = []
        var n = 0
        for (topic, count) in [("appreciation", 7), ("assistance-request", 6), ("complaint-access", 5), ("complaint-quality", 7),
                               ("sensitive", 6), ("other", 7)] {
            for k in 0..<count {
                n += 1
                rows.append("F\(n),2026-0\(1 + k % 3)-01,,A\(1 + k % 2),A101,hotline,\(topic),open,female,adults")
            }
        }
        rows.append("F99,2026-01-05,,A3,A301,hotline,information-request,open,female,adults")
        let r = try CategoryOutputs.shareableReport(for: .communicatingWithAffectedCommunities, table: fixture(
            "feedback_id,received,responded,adm1_code,adm2_code,channel,topic,status,sex,age_group", rows))
        let main = try #require(r.section("shareable"))
        // Then the lone request is not listed, and no topic total appears outside the main table
        #expect(main.value("feedback_entries", where: ["A3", "information-request"]) == nil)
        #expect(main.value("feedback_entries", where: ["Total", "information-request"]) == nil)
        let mainTotal = main.value("feedback_entries", where: ["Total", "Total"])
        if let trend = r.section("by-month") {
            #expect(!trend.columns.contains("topic"))
            // And a trend is there only when both list the grand total (its months add up to it)
            #expect(mainTotal != nil && trend.value("feedback_entries", where: ["Total"]) == mainTotal)
        } else {
            #expect(main.notes.contains { $0.contains("trend by month is left out") })
        }
        // And what the main table lists cannot give the 1 back: its listed topic totals and region totals never
        // account for all 39 entries but one
        let listed = main.rows.filter { $0[0].description == "Total" && $0[1].description != "Total" }
            .compactMap { if case .integer(let v) = $0[2] { v } else { nil } }.reduce(0, +)
        if case .integer(let all) = mainTotal ?? .missing { #expect(all - listed != 1 || listed == 0) }
    }

    @Test func everyDemoDatasetHasAShareableOutputWithoutSmallCells() throws {
        let g = DemoGenerator(seed: 3, scale: .small)
        for c in CategoryTemplate.all.map(\.category) {
            let r = try CategoryOutputs.shareableReport(for: c, table: g.table(for: c))
            let s = try #require(r.section("shareable"))
            // Every other protected table of the output (feedback by priority and by month, …) has no small cell either
            let unit = SharingPolicyTables.unit(c).replacingOccurrences(of: " ", with: "_")
            for other in r.sections where other.name != "shareable" {
                guard let i = other.columns.firstIndex(of: unit) else { continue }
                for row in other.rows { if case .integer(let n) = row[i] { #expect(n == 0 || n >= 5, "\(c) \(other.name)") } }
            }
            let countIndex = try #require(s.columns.firstIndex(of: SharingPolicyTables.unit(c).replacingOccurrences(of: " ", with: "_")))
            // (Feedback with a priority is by priority too: §10.8)
            #expect(countIndex == SharingPolicyTables.dimensions(for: c).count + (c == .communicatingWithAffectedCommunities ? 1 : 0))
            for row in s.rows {
                switch row[countIndex] {
                case .integer(let n): #expect(n == 0 || n >= 5, "\(c)")
                case .missing: #expect(row.last != .missing, "\(c): a blank count must be flagged")
                default: Issue.record("\(c): the count column holds \(row[countIndex])")
                }
            }
            #expect(!s.rows.isEmpty)
        }
    }

    /// A shareable output never publishes cells below the policy's floor: asking for less is refused, not labelled shareable.
    @Test func aMinimumCellBelowThePolicyFloorIsRefused() throws {
        // Given one open case (a count of 1 in every cell it touches)
        let t = fixture("case_id,opened,closed,adm1_code,adm2_code,sex,age_group,specific_need,gbv_incident_type,status,referral_service,org",
                        ["C1,2026-01-01,,A1,A101,female,adults,woman-at-risk,,open,,O"])
        // When a shareable output with --min-cell 1 .. 4 is asked for, Then it is refused naming the floor
        for below in 1..<SharingPolicyTables.minimumCell {
            #expect(throws: CategoryDataError.minimumCellBelowPolicy(requested: below, floor: 5)) {
                try CategoryOutputs.shareableReport(for: .caseManagement, table: t, options: .init(minCell: below))
            }
        }
        // And at the floor the single case is suppressed
        let r = try CategoryOutputs.shareableReport(for: .caseManagement, table: t, options: .init(minCell: 5))
        #expect(r.section("shareable")?.value("cases", where: ["A1", "female", "adults", "open"]) == nil)
    }

    /// §10.1 lists the date among what population data shares: the shareable output states its reference date.
    @Test func shareablePopulationOutputStatesItsReferenceDate() throws {
        // Given figures of 2026-01-01 to 2026-03-01, When shared as of 2026-01-31 and as of the latest date
        let asOf = try CategoryOutputs.shareableReport(for: .populationData, table: OutputTests.population,
                                                       options: .init(asOf: CivilDays.parseISO("2026-01-31")))
        let latest = try CategoryOutputs.shareableReport(for: .populationData, table: OutputTests.population)
        // Then the date is in the title, the notes and the JSON
        #expect(asOf.referenceDate == "2026-01-31")
        #expect(asOf.title.hasSuffix("as of 2026-01-31"))
        #expect(asOf.notes.contains { $0.contains("2026-01-31") })
        #expect(ReportFormat.json.render(asOf).contains("\"referenceDate\" : \"2026-01-31\""))
        #expect(latest.referenceDate == "2026-03-01")
        // And an output that is not of a day has none (a caseload's statuses are of a day: QA11 C13)
        #expect(try CategoryOutputs.shareableReport(for: .communicatingWithAffectedCommunities, table: fixture(
            "feedback_id,received,responded,adm1_code,adm2_code,channel,topic,status,sex,age_group",
            ["F1,2026-01-01,2026-01-03,A1,A101,hotline,information-request,closed,female,adults"])).referenceDate == nil)
    }
}

@Suite struct ResponseShareableTests {
    static let header = "date,org,adm1_code,adm2_code,indicator,"
        + "targeted_f_children,targeted_f_adults,targeted_f_elderly,targeted_m_children,targeted_m_adults,targeted_m_elderly,"
        + "reached_f_children,reached_f_adults,reached_f_elderly,reached_m_children,reached_m_adults,reached_m_elderly"

    @Test func personsReachedAreNotAddedAcrossIndicatorsAndEachRowHasItsTarget() throws {
        // Given one organisation in A1 reporting two indicators for adults:
        //   legal-assistance: women 10 reached of 20 targeted, men 6 of 12
        //   pss:              women 8 of 10, men 3 of 10
        let t = fixture(Self.header, [
            "2026-03-01,O,A1,A101,legal-assistance,0,20,0,0,12,0,0,10,0,0,6,0",
            "2026-03-01,O,A1,A101,pss,0,10,0,0,10,0,0,8,0,0,3,0",
        ])
        // When the shareable output is built
        let s = try #require(try CategoryOutputs.shareableReport(for: .protectionResponseMonitoringEvaluation, table: t).section("shareable"))
        #expect(s.columns == ["indicator", "org", "adm1_code", "sex", "age_group", "persons", "targeted", "percent_of_target", "flag"])
        // Then each indicator has its own rows with its target: legal assistance women 10 of 20 = 50.0 %,
        // men 6 of 12 = 50.0 %, all adults 16 of 32 = 50.0 %
        #expect(s.value("persons", where: ["legal-assistance", "O", "A1", "female", "adults"]) == .integer(10))
        #expect(s.value("targeted", where: ["legal-assistance", "O", "A1", "female", "adults"]) == .integer(20))
        #expect(s.value("percent_of_target", where: ["legal-assistance", "O", "A1", "female", "adults"]) == .number(50))
        #expect(s.value("persons", where: ["legal-assistance", "O", "A1", "Total", "adults"]) == .integer(16))
        #expect(s.value("targeted", where: ["legal-assistance", "Total", "Total", "Total", "Total"]) == .integer(32))
        // And pss men (3) are suppressed, with women (8) as their complement, but the target stays (10 each,
        // 20 in all); the pss total is 8 + 3 = 11 of 20 = 55.0 %
        #expect(s.value("persons", where: ["pss", "O", "A1", "male", "adults"]) == nil)
        #expect(s.value("persons", where: ["pss", "O", "A1", "female", "adults"]) == nil)
        #expect(s.value("persons", where: ["pss", "Total", "Total", "Total", "Total"]) == .integer(11))
        #expect(s.value("percent_of_target", where: ["pss", "Total", "Total", "Total", "Total"]) == .number(55))
        // And no row adds the two indicators (women 10 + 8 = 18, everyone 16 + 11 = 27) or drops the indicator
        #expect(!s.rows.contains { $0[0] == .text("Total") || $0[0] == .missing })
        #expect(!s.rows.contains { $0[5] == .integer(18) || $0[5] == .integer(27) })
    }
}
