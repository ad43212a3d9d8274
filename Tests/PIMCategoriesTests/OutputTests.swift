import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable
import Testing

@testable import PIMCategories

/// Each output against figures computed by hand on a tiny fixture.
@Suite struct OutputTests {
    static let popHeader = "date,adm1_code,adm2_code,population_group,source_org,population_f_children,population_f_adults,population_f_elderly,population_m_children,population_m_adults,population_m_elderly,population_total"
    static let population = fixture(popHeader, [
        "2026-01-01,A1,A101,idps,ORG-A,10,20,5,12,18,3,68",
        "2026-03-01,A1,A101,idps,ORG-A,20,30,5,22,28,5,110",
        "2026-03-01,A1,A101,idps,ORG-B,10,10,2,10,10,2,44",
        "2026-03-01,A1,A102,host-community,ORG-A,100,100,10,100,90,10,400",
        "2026-02-01,A2,A201,idps,ORG-A,1,2,3,4,5,6,21",
    ])

    @Test func populationTotalsAddUpAndDisagreementsAreFlagged() throws {
        // When computed as of the latest date (2026-03-01)
        let r = try PopulationFigures.report(Self.population)
        let adm1 = try #require(r.section("by-adm1"))
        // Then A1 = 110 (ORG-A, the larger of two sources) + 410 (parts, not the reported 400)
        #expect(adm1.value("total", where: ["A1"]) == .integer(520))
        #expect(adm1.value("female", where: ["A1"]) == .integer(265))
        #expect(adm1.value("male", where: ["A1"]) == .integer(255))
        #expect(adm1.value("children", where: ["A1"]) == .integer(242))
        #expect(adm1.value("elderly", where: ["A2"]) == .integer(9))
        #expect(adm1.value("total", where: ["Total"]) == .integer(541))
        let sexAge = try #require(r.section("by-sex-age"))
        #expect(sexAge.value("persons", where: ["female", "children"]) == .integer(121))
        #expect(sexAge.value("persons", where: ["male", "elderly"]) == .integer(21))
        let loc = try #require(r.section("by-location"))
        #expect(loc.value("flags", where: ["A1", "A101"]) == .text("sources-disagree"))
        #expect(loc.value("source_org", where: ["A1", "A101"]) == .text("ORG-A"))
        #expect(loc.value("flags", where: ["A1", "A102"]) == .text("total-mismatch"))
        #expect(loc.value("flags", where: ["A2", "A201"]) == .text(""))
        #expect(r.section("disagreements")?.rows.count == 2)
    }

    /// QA10 F5: a source's second report of the same place, group and date replaced its first (the last row won,
    /// whatever it held) and nothing was flagged.
    @Test func aSourceReportingTheSameFigureTwiceIsFlaggedWhateverTheRowOrder() throws {
        // Given ORG-A reporting A101 idps on 2026-04-01 twice: 65 and 650 persons, in both row orders
        let low = "2026-04-01,A1,A101,idps,ORG-A,10,20,3,12,18,2,65"
        let high = "2026-04-01,A1,A101,idps,ORG-A,100,200,30,120,180,20,650"
        for rows in [[low, high], [high, low]] {
            let r = try PopulationFigures.report(fixture(Self.popHeader, rows))
            let loc = try #require(r.section("by-location"))
            // Then the larger is used as for two sources, the place is flagged, and both reports are listed
            #expect(loc.value("total", where: ["A1", "A101"]) == .integer(650))
            #expect(loc.value("flags", where: ["A1", "A101"]) == .text("sources-disagree,source-repeated"))
            #expect(r.section("disagreements")?.rows.count == 2)
        }
        // And an exact duplicate is flagged as repeated, not as a disagreement
        let twice = try PopulationFigures.report(fixture(Self.popHeader, [low, low]))
        #expect(twice.section("by-location")?.value("flags", where: ["A1", "A101"]) == .text("source-repeated"))
        #expect(twice.section("by-location")?.value("total", where: ["A1", "A101"]) == .integer(65))
    }

    /// QA11 C4: sources seldom publish on the same day. Another source's figure of the month before the date used
    /// is compared too: ORG-A's 1,000 of 1 March beside ORG-B's 2,000 of 2 March is flagged, and both are listed
    /// with their dates; a figure older than the window is not.
    @Test func sourcesThatDisagreeDaysApartAreFlagged() throws {
        let a = "2026-03-01,A1,A101,idps,ORG-A,100,200,50,100,200,350,1000"
        let b = "2026-03-02,A1,A101,idps,ORG-B,200,400,100,200,400,700,2000"
        let r = try PopulationFigures.report(fixture(Self.popHeader, [a, b]))
        let loc = try #require(r.section("by-location"))
        #expect(loc.value("total", where: ["A1", "A101"]) == .integer(2000))
        #expect(loc.value("flags", where: ["A1", "A101"]) == .text("sources-disagree"))
        let listed = try #require(r.section("disagreements")).rows.map { $0.map(\.description) }
        #expect(listed.contains { $0.contains("2026-03-01") && $0.contains("ORG-A") && $0.contains("not used") })
        #expect(listed.contains { $0.contains("2026-03-02") && $0.contains("ORG-B") && $0.contains("used") })
        let old = "2026-01-15,A1,A101,idps,ORG-A,100,200,50,100,200,350,1000"
        let apart = try PopulationFigures.report(fixture(Self.popHeader, [old, b]))
        #expect(apart.section("by-location")?.value("flags", where: ["A1", "A101"]) == .text(""))
    }

    @Test func populationAsOfAnEarlierDateUsesTheFiguresKnownThen() throws {
        let r = try PopulationFigures.report(Self.population, asOf: CivilDays.parseISO("2026-01-31"))
        #expect(r.section("by-adm1")?.value("total", where: ["Total"]) == .integer(68))
    }

    @Test func theFiguresInForceGiveOneRowOfPersonsPerLocationGroupSexAndAge() throws {
        // When the fixture's figures in force on 2026-03-01 are turned into persons
        let (t, asOf) = try PopulationFigures.personsInForce(Self.population)
        #expect(asOf == CivilDays.parseISO("2026-03-01"))
        // Then each of the three location-group figures used gives six rows (sex x age)
        #expect(t.rowCount == 18)
        #expect(t.columnNames == ["adm1_code", "adm2_code", "population_group", "date", "source_org", "sex", "age_group", "persons"])
        func persons(_ adm2: String, _ sex: String, _ age: String) -> Value? {
            (0..<t.rowCount).first { r in
                t["adm2_code"]?[r] == .text(adm2) && t["sex"]?[r] == .text(sex) && t["age_group"]?[r] == .text(age)
            }.flatMap { t["persons"]?[$0] }
        }
        // A101: ORG-A's figure of 2026-03-01 (the larger source), not its January one nor ORG-B's
        #expect(persons("A101", "female", "children") == .integer(20))
        #expect(persons("A101", "male", "elderly") == .integer(5))
        // A201: its latest figure, of February
        #expect(persons("A201", "male", "elderly") == .integer(6))
        // and the persons add up to the report's grand total, computed from the parts (541)
        guard case .integer(let values, _) = t["persons"]?.data else { Issue.record("persons is not integer"); return }
        #expect(values.reduce(0, +) == 541)
        // As of January only A101's January figure was known
        let january = try PopulationFigures.personsInForce(Self.population, asOf: CivilDays.parseISO("2026-01-31")).table
        guard case .integer(let early, _) = january["persons"]?.data else { Issue.record("persons is not integer"); return }
        #expect(january.rowCount == 6)
        #expect(early.reduce(0, +) == 68)
    }

    @Test func spikeRuleNeedsBothTwoSDsAndFiveIncidents() {
        let rule = SpikeRule.standard
        #expect(rule.isSpike([5, 5, 5, 10], at: 3))      // sd 0, +5
        #expect(!rule.isSpike([0, 0, 0, 4], at: 3))      // +4 < 5
        #expect(!rule.isSpike([4, 6, 5, 9], at: 3))      // > mean + 2 sd but only +4
        #expect(!rule.isSpike([3, 1, 2, 10], at: 2))     // fewer than 3 previous periods
        #expect(rule.isSpike([3, 1, 2, 10], at: 3))      // mean 2, sd 0.82: 10 > 3.63 and +8
    }

    @Test func monitoringCountsByRiskAndMonthAndFlagsTheMaySpike() throws {
        // Given GBV incidents Jan 2, Feb 3, Mar 1, Apr 2, May 10 in A1 and two attacks in March in A2
        var rows: [String] = []
        for (month, n) in [(1, 2), (2, 3), (3, 1), (4, 2), (5, 10)] {
            for d in 0..<n { rows.append("2026-0\(month)-\(10 + d),A1,A101,gbv,1") }
        }
        rows += ["2026-03-05,A2,A201,attacks-on-civilians,3", "2026-03-06,A2,A201,attacks-on-civilians,3"]
        let t = fixture("date,adm1_code,adm2_code,protection_risk,affected", rows)
        let r = try MonitoringTrends.report(t)
        let byPeriod = try #require(r.section("by-period"))
        #expect(byPeriod.value("incidents", where: ["2026-03"]) == .integer(3))
        #expect(byPeriod.value("persons_affected", where: ["2026-03"]) == .integer(7))
        #expect(byPeriod.value("flag", where: ["2026-05"]) == .text("spike"))
        #expect(byPeriod.value("flag", where: ["2026-04"]) == .text(""))
        let byRisk = try #require(r.section("by-risk"))
        #expect(byRisk.value("incidents", where: ["gbv"]) == .integer(18))
        #expect(byRisk.value("percent", where: ["gbv"]) == .number(90))
        #expect(r.section("by-risk-period")?.value("flag", where: ["gbv", "2026-05"]) == .text("spike"))
        // Totals Feb-Apr 3, 3, 2 (mean 2.7, sd 0.5), May 10: a spike of the total too, listed with gbv, A1 and
        // gbv in A101 (QA11 C29: where the risk spiked)
        let spikes = try #require(r.section("spikes"))
        #expect(spikes.rows.count == 4)
        #expect(spikes.value("incidents", where: ["protection_risk in adm2_code", "gbv in A101", "2026-05"]) == .integer(10))
        let located = try #require(r.section("by-risk-area-period"))
        #expect(located.value("flag", where: ["gbv", "A101", "2026-05"]) == .text("spike"))
        #expect(located.value("incidents", where: ["attacks-on-civilians", "A201", "2026-03"]) == .integer(2))
        #expect(spikes.value("incidents", where: ["total", "all incidents", "2026-05"]) == .integer(10))
    }

    /// QA11 C1: a year typed 1026 for 2026 made the series 10,000 months long, cut it there, and dropped
    /// every real incident without a word. Dates further apart than a trend covers are refused, naming the
    /// data rows of the two ends; the caseload's months likewise.
    @Test func aMistypedCenturyIsRefusedNamingItsRowNotDroppingTheOtherRows() throws {
        var rows = (1...20).map { "2026-0\(1 + $0 % 5)-10,A1,A101,gbv,1" }
        rows.insert("1026-05-10,A1,A101,gbv,1", at: 7)
        let t = fixture("date,adm1_code,adm2_code,protection_risk,affected", rows)
        #expect(throws: CategoryDataError.dateSpanTooLong(column: "date", firstRow: 8, lastRow: 4, first: "1026-05", last: "2026-05")) {
            _ = try MonitoringTrends.report(t)
        }
        let error = CategoryDataError.dateSpanTooLong(column: "date", firstRow: 8, lastRow: 4, first: "1026-05", last: "2026-05")
        #expect(error.description.hasPrefix("Column \"date\" spans from 1026-05 (data row 8) to 2026-05 (data row 4)"))
        // A century apart is still a trend (the limit is not hit by real data).
        rows[7] = "1926-05-10,A1,A101,gbv,1"
        #expect(try MonitoringTrends.report(fixture("date,adm1_code,adm2_code,protection_risk,affected", rows))
            .section("by-risk")?.value("incidents", where: ["gbv"]) == .integer(21))
        let header = "case_id,opened,closed,adm1_code,adm2_code,sex,age_group,specific_need,gbv_incident_type,status,referral_service,org"
        let cases = fixture(header, ["C1,2026-01-05,,A1,A101,female,adults,woman-at-risk,,open,,O",
                                     "C2,1026-03-01,,A1,A101,male,adults,disability,,open,,O"])
        #expect(throws: CategoryDataError.self) { _ = try Caseload.report(cases) }
        // The templates' dates start in 1900, so validation finds the row at import.
        let date = try #require(CategoryTemplate.protectionMonitoring.schema.field(named: "date"))
        #expect(date.minimum == Double(CivilDays.days(year: 1900, month: 1, day: 1)))
    }

    @Test func aWeeklySpikeOfTheTotalAloneIsListedAmongTheSpikes() throws {
        // Given one incident in each of the weeks of 5, 12 and 19 January 2026 (Mondays), then 8 in the week
        // of 26 January spread over four risks and four areas (2 each: no risk or area rises by 5)
        var rows = ["2026-01-05,A1,A101,r1,1", "2026-01-13,A1,A101,r1,1", "2026-01-21,A1,A101,r1,1"]
        for k in 1...4 { rows += ["2026-01-26,A\(k),A\(k)01,r\(k),1", "2026-01-28,A\(k),A\(k)01,r\(k),1"] }
        let r = try MonitoringTrends.report(fixture("date,adm1_code,adm2_code,protection_risk,affected", rows), period: .week)
        // Then the week of 26 January is a spike of the total (8 against a mean of 1, sd 0; 7 >= 5)
        #expect(r.section("by-period")?.value("flag", where: ["2026-01-26"]) == .text("spike"))
        // And the spikes table lists it, as the only spike
        let spikes = try #require(r.section("spikes"))
        #expect(spikes.rows.count == 1)
        #expect(spikes.value("incidents", where: ["total", "all incidents", "2026-01-26"]) == .integer(8))
        #expect(spikes.value("previous_mean", where: ["total", "all incidents", "2026-01-26"]) == .number(1))
    }

    @Test func weeksStartOnMonday() {
        let thursday = CivilDays.days(year: 2026, month: 1, day: 1)
        #expect(CivilDays.iso(TrendPeriod.week.start(of: thursday)) == "2025-12-29")
        #expect(TrendPeriod.month.range(thursday, CivilDays.days(year: 2026, month: 3, day: 2)).map(TrendPeriod.month.label) == ["2026-01", "2026-02", "2026-03"])
    }

    static let cases = fixture("case_id,opened,closed,adm1_code,adm2_code,sex,age_group,specific_need,gbv_incident_type,status,referral_service,org", [
        "C1,2026-01-10,2026-01-20,A1,A101,female,adults,woman-at-risk,,closed,health,O",
        "C2,2026-01-15,2026-02-14,A1,A101,female,children,child-at-risk,,closed,mhpss,O",
        "C3,2026-02-01,,A1,A101,male,children,child-at-risk,,open,,O",
        "C4,2026-02-10,2026-03-10,A2,A201,female,adults,gbv-survivor,rape,closed,mhpss,O",
        "C5,2026-03-05,,A2,A201,male,elderly,older-person-at-risk,,referred,legal,O",
        "C6,2026-04-02,,A2,A201,female,adults,disability,,open,,O",
    ])

    @Test func caseloadByStatusMonthServiceAndMedianTimeToClose() throws {
        let r = try Caseload.report(Self.cases, asOf: CivilDays.parseISO("2026-03-31"))
        let status = try #require(r.section("by-status"))
        #expect(status.value("cases", where: ["closed"]) == .integer(3))
        #expect(status.value("cases", where: ["Total"]) == .integer(5))
        let active = try #require(r.section("active-by-sex-age"))
        #expect(active.value("active_cases", where: ["Total"]) == .integer(2))
        #expect(active.value("active_cases", where: ["male", "elderly"]) == .integer(1))
        let months = try #require(r.section("by-month"))
        #expect(months.rows.map { $0.map(\.description) } == [["2026-01", "2", "1"], ["2026-02", "2", "1"], ["2026-03", "1", "1"]])
        let referrals = try #require(r.section("referrals"))
        #expect(referrals.value("referrals", where: ["mhpss"]) == .integer(2))
        #expect(referrals.value("percent", where: ["mhpss"]) == .number(50))
        let close = try #require(r.section("time-to-close"))
        #expect(close.rows[0][0] == .integer(3))
        #expect(close.rows[0][1] == .number(28))  // durations 10, 30, 28
        // Without a date, the latest event (2026-04-02) is used: C6 is active too
        #expect(try Caseload.report(Self.cases).section("active-by-sex-age")?.value("active_cases", where: ["Total"]) == .integer(3))
    }

    @Test func needsSharesAreWeighted() throws {
        let t = fixture("household_id,date,adm1_code,adm2_code,population_group,respondent_sex,weight,feels_unsafe,lacks_documents,separated_child,main_risk,priority_need", [
            "H1,2026-03-01,A1,A101,idps,female,10,yes,no,no,gbv,food",
            "H2,2026-03-01,A1,A101,idps,male,30,no,no,no,gbv,food",
            "H3,2026-03-01,A2,A201,host-community,female,20,yes,yes,,discrimination,shelter",
            "H4,2026-03-01,A2,A201,host-community,female,40,no,yes,no,gbv,food",
        ])
        let r = try NeedsShares.report(t)
        let overall = try #require(r.section("overall"))
        #expect(overall.value("weighted_percent", where: ["feels_unsafe", "yes"]) == .number(30))
        #expect(overall.value("n", where: ["feels_unsafe", "yes"]) == .integer(2))
        #expect(overall.value("weighted_percent", where: ["lacks_documents", "yes"]) == .number(60))
        #expect(overall.value("weighted_percent", where: ["separated_child", "no"]) == .number(100))  // blank left out
        #expect(overall.value("n", where: ["separated_child", "no"]) == .integer(3))
        let area = try #require(r.section("by-adm1"))
        let a2Unsafe = try #require(area.value("weighted_percent", where: ["A2", "feels_unsafe", "yes"]))
        guard case .number(let share) = a2Unsafe else { Issue.record("expected a number"); return }
        #expect(abs(share - 100.0 / 3) < 1e-9)
    }

    static let needsHeader = "household_id,date,adm1_code,adm2_code,population_group,respondent_sex,weight,feels_unsafe,lacks_documents,separated_child,main_risk,priority_need"

    @Test(arguments: ["1e300", "1.797e308", "inf", "nan", "-2"])
    func anAbsurdOrNonFiniteWeightIsRefusedWithItsRow(_ weight: String) throws {
        // Given a sound first household and the weight under test in data row 2
        let t = fixture(Self.needsHeader, [
            "H1,2026-03-01,A1,A101,idps,female,10,yes,no,no,gbv,food",
            "H2,2026-03-01,A1,A101,idps,male,\(weight),no,no,no,gbv,food",
        ])
        // Then neither output gives silent 0.0 or blank shares: both name row 2 and the limit
        let expected = CategoryDataError.weightOutOfRange(row: 2, limit: 10_000_000_000)
        #expect(throws: expected) { try NeedsShares.report(t) }
        #expect(throws: expected) { try CategoryOutputs.shareableReport(for: .protectionNeedsAssessment, table: t) }
        #expect(expected.description.hasPrefix("Column \"weight\", data row 2: a sampling weight must be a finite number from 0 to 10000000000"))
        // And validation against the template locates it first (FILE:ROW:COLUMN): data row 2 is spreadsheet row 3 after the header
        let issues = Validator(schema: CategoryTemplate.protectionNeedsAssessment.schema, fileName: "na.csv", firstDataRow: 2)
            .validate(t).issues.filter { $0.column == "weight" }
        #expect(issues.map(\.row) == [3])
    }

    @Test func blankSharesOfAnAreaWhoseHouseholdsAllWeighNothingAreExplained() throws {
        // Given A2's only household has weight 0
        let t = fixture(Self.needsHeader, [
            "H1,2026-03-01,A1,A101,idps,female,10,yes,no,no,gbv,food",
            "H2,2026-03-01,A2,A201,idps,male,0,no,no,no,gbv,food",
        ])
        let area = try #require(try NeedsShares.report(t).section("by-adm1"))
        // Then its shares are blank (0 / 0) and a note says why: 5 questions answered in A2 -> 5 blank rows
        #expect(area.value("weighted_percent", where: ["A2", "feels_unsafe", "no"]) == .missing)
        #expect(area.value("weighted_percent", where: ["A1", "feels_unsafe", "yes"]) == .number(100))
        #expect(area.notes == [NeedsShares.zeroWeightNote(5)])
        #expect(area.notes.first?.contains("weight 0") == true)
    }

    @Test func responseProgressAgainstTargets() throws {
        let header = ResponseShareableTests.header
        let t = fixture(header, [
            "2026-01-01,O1,A1,A101,pss,10,10,0,10,10,0,5,10,0,5,5,0",
            "2026-01-01,O2,A2,A201,legal-assistance,0,20,5,0,20,5,0,25,5,0,10,5",
        ])
        let r = try ResponseProgress.report(t)
        #expect(r.section("by-indicator")?.value("percent_of_target", where: ["pss"]) == .number(62.5))
        #expect(r.section("by-org")?.value("reached", where: ["legal-assistance", "O2"]) == .integer(45))
        #expect(r.section("by-adm1")?.value("targeted", where: ["pss", "Total"]) == .integer(40))
        let sa = try #require(r.section("by-sex-age"))
        #expect(sa.value("reached", where: ["legal-assistance", "female", "adults"]) == .integer(25))
        #expect(sa.value("reached", where: ["pss", "female", "adults"]) == .integer(10))
        #expect(sa.value("percent_of_target", where: ["legal-assistance", "male", "elderly"]) == .number(100))
        #expect(sa.value("percent_of_target", where: ["pss", "female", "children"]) == .number(50))
    }

    /// QA10 F9: two monthly reports of one activity (target 40 each) gave "targeted 80" without saying that
    /// reports are added over time.
    @Test func responseProgressShowsEachMonthAndSaysReportsAreAdded() throws {
        let header = ResponseShareableTests.header
        let t = fixture(header, [
            "2026-01-31,O1,A1,A101,pss,10,10,0,10,10,0,5,12,0,3,10,0",
            "2026-02-28,O1,A1,A101,pss,10,10,0,10,10,0,6,8,0,4,9,0",
        ])
        let r = try ResponseProgress.report(t)
        // Then the total adds both reports (80 targeted, 30 + 27 reached) and each month is shown on its own
        #expect(r.section("by-indicator")?.value("targeted", where: ["pss"]) == .integer(80))
        let month = try #require(r.section("by-month"))
        #expect(month.value("targeted", where: ["pss", "2026-01"]) == .integer(40))
        #expect(month.value("reached", where: ["pss", "2026-01"]) == .integer(30))
        #expect(month.value("reached", where: ["pss", "2026-02"]) == .integer(27))
        #expect(month.value("percent_of_target", where: ["pss", "2026-02"]) == .number(67.5))
        #expect(r.notes.contains(ResponseProgress.periodNote))
    }

    /// QA10 F13: 57 of 80 = 71.25 % printed as 71.2 (printf rounds a binary half to even).
    @Test func percentagesRoundHalvesUpInText() {
        #expect(ReportValue.number(71.25).description == "71.3")
        #expect(ReportValue.number(1.15).description == "1.2")
        #expect(ReportValue.number(-2.25).description == "-2.3")
        #expect(ReportValue.number(30.349).description == "30.3")
        #expect(ReportValue.number(100).description == "100.0")
        #expect(ReportValue.number(.nan).description == "")
    }

    /// QA11 C27: a sum of normalised survey weights (0.0055) showed as 0.0 in text, JSON and CSV, and a share computed
    /// from them (68.7499… in binary) rounded otherwise than the same survey's weights rescaled (68.75).
    @Test func smallNumbersKeepThreeSignificantDigitsAndRescaledSharesAgree() throws {
        #expect(ReportValue.number(0.0055).description == "0.0055")
        #expect(ReportValue.number(0.000_123_4).description == "0.000123")
        #expect(ReportValue.number(0.5).description == "0.5")
        #expect(ReportValue.number(0.15).description == "0.15")
        #expect(ReportValue.number(-0.0045).description == "-0.0045")
        #expect(ReportValue.number(1.234_5e-10).description == "0.000000000123")
        #expect(ReportValue.number(-0.04).description == "-0.04")
        #expect(ReportValue.number(-0.000_000_000_000_01).description == "0.0")
        #expect(ReportValue.number(1e308).description.hasPrefix("1000000"))
        let small = try #require(Statistics.percent(0.0055, of: 0.008))
        let large = try #require(Statistics.percent(5.5, of: 8))
        #expect(ReportValue.number(small).description == "68.8")
        #expect(ReportValue.number(small).description == ReportValue.number(large).description)
        // JSON and the table for CSV and XLSX carry the same figures
        let data = try JSONEncoder().encode([ReportValue.number(0.0055), .number(small)])
        #expect(String(decoding: data, as: UTF8.self) == "[0.0055,68.8]")
        let section = ReportSection(name: "s", title: "S", columns: ["w"], rows: [[.number(0.0055)]])
        #expect(section.table()["w"]?[0] == .decimal(0.0055))
    }

    @Test func responseProgressNeverAddsPersonsAcrossIndicators() throws {
        // Given two indicators reported by the same organisation in the same area (the same people may be in both)
        let header = ResponseShareableTests.header
        let t = fixture(header, [
            "2026-01-01,O1,A1,A101,pss,10,10,0,10,10,0,5,10,0,5,5,0",
            "2026-01-01,O1,A1,A101,legal-assistance,0,20,5,0,20,5,0,25,5,0,10,5",
        ])
        let r = try ResponseProgress.report(t)
        // Then no row sums the two: no grand total by indicator, and O1 / A1 / female-adults appear once per indicator
        #expect(r.section("by-indicator")?.value("reached", where: ["Total"]) == nil)
        #expect(r.section("by-org")?.value("reached", where: ["pss", "O1"]) == .integer(25))
        #expect(r.section("by-org")?.value("reached", where: ["legal-assistance", "O1"]) == .integer(45))
        #expect(r.section("by-org")?.value("reached", where: ["Total"]) == nil)
        #expect(r.section("by-adm1")?.value("targeted", where: ["legal-assistance", "Total"]) == .integer(50))
        #expect(r.section("by-sex-age")?.value("reached", where: ["Total", "Total"]) == nil)
        #expect(r.notes.contains(ResponseProgress.perIndicatorNote))
    }

    @Test func accessSeverityFormula() {
        func overall(_ sum: Int) -> Int {
            // spread `sum` over the variables, at most 3 each
            var left = sum
            var scores: [String: Int] = [:]
            for v in AccessSeverity.variables { let s = min(3, left); scores[v] = s; left -= s }
            return AccessSeverity(area: "A", scores: scores).overall
        }
        #expect(overall(0) == 0)
        #expect(overall(24) == 5)
        #expect(overall(12) == 3)  // 2.5 rounds half up
        #expect(overall(7) == 1)   // 1.46
        #expect(overall(8) == 2)   // 1.67
        #expect(AccessSeverity(area: "A", scores: ["1a": 9]).sum == 3)  // a score is capped at 3
    }

    @Test func securityIncidentsAndAccessSeverityPerArea() throws {
        let t = fixture("incident_id,date,adm1_code,adm2_code,incident_type,access_variable,severity,casualties,org", [
            "S1,2026-03-01,A1,A101,armed-clash,3a,3,2,O",
            "S2,2026-03-15,A1,A101,checkpoint-obstruction,1b,2,,O",
            "S3,2026-03-20,A1,A101,armed-clash,3a,1,0,O",
            "S4,2025-12-01,A1,A101,bureaucratic-impediment,1a,3,,O",
            "S5,2026-02-10,A2,A201,natural-hazard,3c,1,,O",
        ])
        let r = try SecurityAccess.report(t)
        let months = try #require(r.section("by-adm1-month"))
        #expect(months.value("incidents", where: ["A1", "2026-03"]) == .integer(3))
        #expect(months.value("casualties", where: ["A1", "2026-03"]) == .integer(2))
        #expect(months.value("incidents", where: ["A1", "2025-12"]) == .integer(1))
        let access = try #require(r.section("access-severity"))
        // A101 in the 90 days to 2026-03-20: 3a = 3 (max of 3 and 1), 1b = 2; 1a is older and left out
        #expect(access.value("3a", where: ["A1", "A101"]) == .integer(3))
        #expect(access.value("1a", where: ["A1", "A101"]) == .integer(0))
        #expect(access.value("sum", where: ["A1", "A101"]) == .integer(5))
        #expect(access.value("overall_0_5", where: ["A1", "A101"]) == .integer(1))
        // A201: one constraint of severity 1 (3c), sum 1, overall round(5/24) = 0: recorded, so not "no constraints"
        #expect(access.value("overall_0_5", where: ["A2", "A201"]) == .integer(0))
        #expect(access.value("level", where: ["A2", "A201"]) == .text("constraints recorded, below low"))
        // QA11 C6: shared, an area's scores resting on fewer incidents than the minimum cell are not listed (A201's
        // one incident; A101's three recent ones at a minimum of 4), and the note says how many areas were left out
        let shared = try #require(try SecurityAccess.report(t, minimumIncidents: 3).section("access-severity"))
        #expect(shared.rows.count == 1)
        #expect(shared.value("sum", where: ["A1", "A101"]) == .integer(5))
        #expect(shared.notes.contains("1 area with fewer than 3 incidents is not listed: its scores would point to single incidents."))
        #expect(try #require(try SecurityAccess.report(t, minimumIncidents: 4).section("access-severity")).rows.isEmpty)
    }

    /// QA11 C30: a security incident or hazard location that is not an access constraint (no OCHA variable) is
    /// counted as an incident, but neither scores access nor makes its area's access data recent.
    @Test func onlyAccessConstraintsScoreAccess() throws {
        let t = fixture("incident_id,date,adm1_code,adm2_code,incident_type,access_variable,severity,casualties,org", [
            "S1,2026-03-01,A1,A101,armed-clash,3a,2,1,O",
            "S2,2026-03-10,A1,A102,looting,,,,O",
            "S3,2026-03-12,A1,A102,armed-clash,,,3,O",
        ])
        let r = try SecurityAccess.report(t)
        #expect(r.section("by-adm1-month")?.value("incidents", where: ["A1", "2026-03"]) == .integer(3))
        let access = try #require(r.section("access-severity"))
        #expect(access.rows.map { $0[1].description } == ["A101"])
        #expect(access.value("3a", where: ["A1", "A101"]) == .integer(2))
        // The template leaves the coding out of a plain incident, and asks a severity of every access constraint
        let schema = CategoryTemplate.template(for: .securitySituationalAwareness).schema
        #expect(schema.field(named: "access_variable")?.required == false)
        #expect(schema.field(named: "severity")?.required == false)
        #expect(schema.rules.contains(.requiredWhen(field: "severity", when: "access_variable", values: Taxonomy.accessVariable.codes)))
    }

    @Test func anAreaWithOnlyOldRecordsHasNoRecentDataRatherThanNoConstraints() throws {
        // Given A301's only record (severity 3, 2025-10-01) is 170 days before the latest (2026-03-20),
        // A401 has a record in the window with severity 0, A501 one of severity 2 (sum 2, overall 0)
        let t = fixture("incident_id,date,adm1_code,adm2_code,incident_type,access_variable,severity,casualties,org", [
            "S1,2026-03-20,A1,A101,armed-clash,3a,3,,O",
            "S2,2025-10-01,A3,A301,armed-clash,1a,3,,O",
            "S3,2026-03-01,A4,A401,checkpoint-obstruction,1b,0,,O",
            "S4,2026-03-01,A5,A501,checkpoint-obstruction,1b,2,,O",
        ])
        let access = try #require(try SecurityAccess.report(t).section("access-severity"))
        // Then A301 says "no recent data" with no scores, never 0
        #expect(access.value("level", where: ["A3", "A301"]) == .text("no recent data"))
        #expect(access.value("overall_0_5", where: ["A3", "A301"]) == .missing)
        #expect(access.value("1a", where: ["A3", "A301"]) == .missing)
        // And only A401 (recent data, severity 0) reads "no constraints"; A501 a recorded constraint
        #expect(access.value("level", where: ["A4", "A401"]) == .text("no constraints"))
        #expect(access.value("level", where: ["A5", "A501"]) == .text("constraints recorded, below low"))
        // And A101 (3a = 3, sum 3, overall round(15/24) = 1) is low
        #expect(access.value("level", where: ["A1", "A101"]) == .text("low"))
    }

    /// QA11 C5: the shareable sectoral table counts each location's latest value (not every survey round) and
    /// never averages different indicators together.
    @Test func theShareableSectoralTableUsesLatestValuesAndNoMeanAcrossIndicators() throws {
        var rows: [String] = []
        for k in 1...6 {
            rows.append("2026-02-01,A1,A10\(k),protection,child-labour-pct,10,EDU,sector")
            rows.append("2026-05-01,A1,A10\(k),protection,child-labour-pct,20,EDU,sector")
            rows.append("2026-05-01,A1,A10\(k),protection,eviction-threat-pct,50,EDU,sector")
        }
        let t = fixture("date,adm1_code,adm2_code,sector,indicator,value,owner_org,ownership", rows)
        let shared = try #require(try CategoryOutputs.shareableReport(for: .sectoralIMSystemsOther, table: t).section("shareable"))
        #expect(shared.value("mean_value", where: ["sector", "child-labour-pct", "A1"]) == .number(20))
        #expect(shared.value("location_measurements", where: ["sector", "child-labour-pct", "A1"]) == .integer(6))
        #expect(!shared.rows.contains { $0[1].description == "Total" })
    }

    @Test func sectoralReportsOfTheSameDayThatDisagreeAreFlaggedNotPickedSilently() throws {
        // Given two owners reporting A101's indicator on the same latest day, 30 (WASH) and 45 (EDU); A102 has
        // two reports of one owner and one value (not a disagreement)
        let rows = [
            "2026-05-01,A1,A101,education,children-out-of-school-pct,30,WASH,sector",
            "2026-05-01,A1,A101,education,children-out-of-school-pct,45,EDU,sector",
            "2026-04-01,A1,A101,education,children-out-of-school-pct,10,EDU,sector",
            "2026-05-01,A1,A102,education,children-out-of-school-pct,20,EDU,sector",
            "2026-05-01,A1,A102,education,children-out-of-school-pct,20,EDU,sector",
        ]
        let header = "date,adm1_code,adm2_code,sector,indicator,value,owner_org,ownership"
        let r = try SectoralIndicators.report(fixture(header, rows))
        let loc = try #require(r.section("by-location"))
        // Then A101 uses EDU's 45 (EDU before WASH), flagged; A102 is not flagged
        #expect(loc.value("value", where: ["A1", "A101"]) == .number(45))
        #expect(loc.value("owner_org", where: ["A1", "A101"]) == .text("EDU"))
        #expect(loc.value("flag", where: ["A1", "A101"]) == .text("reports-disagree"))
        #expect(loc.value("flag", where: ["A1", "A102"]) == .text(""))
        // And both reports of 2026-05-01 are listed (not the older 10), one used
        let d = try #require(r.section("disagreements"))
        #expect(d.rows.map { [$0[4].description, $0[5].description, $0[6].description] } == [["EDU", "45.0", "used"], ["WASH", "30.0", "not used"]])
        // And the choice does not depend on row order
        let reversed = try SectoralIndicators.report(fixture(header, rows.reversed()))
        #expect(reversed.section("by-location")?.value("value", where: ["A1", "A101"]) == .number(45))
        #expect(reversed.section("by-adm1")?.value("mean_value", where: ["A1", "children-out-of-school-pct"]) == .number(32.5))  // (45 + 20) / 2
    }

    @Test func sectoralLatestValuesAndAdm1Means() throws {
        let t = fixture("date,adm1_code,adm2_code,sector,indicator,value,owner_org,ownership", [
            "2026-02-01,A1,A101,education,children-out-of-school-pct,40,EDU,sector",
            "2026-05-01,A1,A101,education,children-out-of-school-pct,30,EDU,sector",
            "2026-05-01,A1,A102,education,children-out-of-school-pct,20,EDU,sector",
        ])
        let r = try SectoralIndicators.report(t)
        #expect(r.section("by-location")?.value("value", where: ["A1", "A101"]) == .number(30))
        #expect(r.section("by-location")?.value("owner_org", where: ["A1", "A101"]) == .text("EDU"))
        #expect(r.section("by-adm1")?.value("mean_value", where: ["A1", "children-out-of-school-pct"]) == .number(25))
        #expect(r.section("by-adm1")?.value("locations", where: ["A1"]) == .integer(2))
    }

    @Test func feedbackByTopicChannelAndResponseTime() throws {
        let t = fixture("feedback_id,received,responded,adm1_code,adm2_code,channel,topic,status,sex,age_group", [
            "F1,2026-01-01,2026-01-03,A1,A101,hotline,information-request,closed,female,adults",
            "F2,2026-01-05,2026-01-15,A1,A101,hotline,complaint-quality,closed,male,adults",
            "F3,2026-01-07,,A2,A201,help-desk,information-request,open,female,elderly",
            "F4,2026-01-09,2026-01-13,A2,A201,sms,information-request,closed,male,children",
        ])
        let r = try FeedbackSummary.report(t)
        let topic = try #require(r.section("by-topic"))
        #expect(topic.value("received", where: ["information-request"]) == .integer(3))
        #expect(topic.value("open", where: ["information-request"]) == .integer(1))
        #expect(topic.value("closed", where: ["Total"]) == .integer(3))
        #expect(r.section("by-channel")?.value("open", where: ["hotline"]) == .integer(0))
        let time = try #require(r.section("response-time"))
        #expect(time.rows[0][0] == .integer(3))
        #expect(time.rows[0][1] == .number(4))   // 2, 10, 4 days
        #expect(time.rows[0][2] == .integer(2))
        // F3, unanswered since 2026-01-07, has waited 8 days by the latest date in the data (2026-01-15): late
        #expect(time.value("waiting", where: []) == .integer(1))
        #expect(time.value("waiting_over_7_days", where: []) == .integer(1))
        #expect(time.value("oldest_waiting_days", where: []) == .integer(8))
        #expect(time.value("percent_within_7_days", where: []) == .number(50))  // 2 of the 3 answered and 1 late
    }

    /// QA11 C24: feedback still waiting for an answer counts against the 7-day rate once it is late, by priority
    /// too, aged to --as-of when given; before, the more feedback went unanswered, the better the rate looked.
    @Test func feedbackWaitingPastTheTargetCountsAsLate() throws {
        let t = fixture("feedback_id,received,responded,adm1_code,adm2_code,channel,topic,status,sex,age_group,priority", [
            "F1,2026-03-01,2026-03-03,ZZ01,ZZ0101,hotline,complaint-access,closed,female,adults,high",
            "F2,2026-03-01,2026-03-20,ZZ01,ZZ0101,hotline,complaint-access,closed,female,adults,high",
            "F3,2026-03-02,,ZZ01,ZZ0101,sms,sensitive,open,female,adults,urgent",
            "F4,2026-03-02,2026-03-09,ZZ02,ZZ0201,sms,other,closed,male,adults,low",
            "F5,2026-03-05,2026-03-06,ZZ02,ZZ0201,hotline,other,open,male,adults,low",
        ])
        let r = try FeedbackSummary.report(t)
        let time = try #require(r.section("response-time"))
        #expect(time.value("answered", where: []) == .integer(4))
        #expect(time.value("within_7_days", where: []) == .integer(3))
        #expect(time.value("oldest_waiting_days", where: []) == .integer(18))  // 2026-03-02 to 2026-03-20
        #expect(time.value("percent_within_7_days", where: []) == .number(60))  // 3 of 4 answered + 1 late
        let byPriority = try #require(r.section("response-time-by-priority"))
        #expect(byPriority.value("waiting_over_7_days", where: ["urgent"]) == .integer(1))
        #expect(byPriority.value("percent_within_7_days", where: ["urgent"]) == .number(0))
        #expect(byPriority.value("percent_within_7_days", where: ["low"]) == .number(100))
        #expect(byPriority.value("percent_within_7_days", where: ["high"]) == .number(50))
        // As of 2026-03-07: F1 and F5 were answered; F2 and F4 (answered later) and F3 were waiting, none yet 7 days
        let early = try FeedbackSummary.report(t, asOf: CivilDays.parseISO("2026-03-07"))
        let earlyTime = try #require(early.section("response-time"))
        #expect(earlyTime.value("answered", where: []) == .integer(2))
        #expect(earlyTime.value("waiting", where: []) == .integer(3))
        #expect(earlyTime.value("oldest_waiting_days", where: []) == .integer(6))
        #expect(earlyTime.value("waiting_over_7_days", where: []) == .integer(0))
        #expect(earlyTime.value("percent_within_7_days", where: []) == .number(100))
        // Feedback closed without a response date is not waiting
        let closedUnanswered = fixture("feedback_id,received,responded,adm1_code,adm2_code,channel,topic,status,sex,age_group", [
            "F1,2026-03-01,,ZZ01,ZZ0101,hotline,other,closed,female,adults",
            "F2,2026-03-20,2026-03-21,ZZ01,ZZ0101,hotline,other,closed,female,adults",
        ])
        #expect(try FeedbackSummary.report(closedUnanswered).section("response-time")?.value("waiting", where: []) == .integer(0))
    }
}
