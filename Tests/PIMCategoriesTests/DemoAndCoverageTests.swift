import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable
import Testing

@testable import PIMCategories

@Suite struct DemoGeneratorTests {
    @Test func sameSeedGivesSameData() {
        let a = DemoGenerator(seed: 42, scale: .small), b = DemoGenerator(seed: 42, scale: .small), c = DemoGenerator(seed: 43, scale: .small)
        for id in PIMCategory.ID.allCases {
            #expect(a.table(for: id) == b.table(for: id))
        }
        #expect(a.table(for: .caseManagement) != c.table(for: .caseManagement))
        #expect(DemoGenerator(seed: 1, scale: .medium).world.areas.count == 20)
    }

    @Test func everyDemoFileValidatesAgainstItsTemplateAndGazetteer() throws {
        // Given the files written for seed 5
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pim-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try DemoGenerator(seed: 5, scale: .small).write(to: dir)
        // The gazetteer, one file per category, and one for protection monitoring's interviews (QA14: the demo had
        // no file for that template)
        #expect(files.count == 10)
        #expect(files.contains("protection-monitoring-responses.csv"))
        let interviews = try TableReader.read(url: dir.appendingPathComponent("protection-monitoring-responses.csv"))
        let checked = Validator(schema: CategoryTemplate.monitoringResponses.schema,
                                gazetteer: try Gazetteer(table: try TableReader.read(url: dir.appendingPathComponent("gazetteer.csv")).table),
                                report: interviews.report).validate(interviews.table)
        #expect(checked.issues.isEmpty, "\(checked.issues.prefix(3).map(\.description))")
        #expect(interviews.table.columns.allSatisfy { $0.nullCount < $0.count })
        // Its output is the interviews' shares, with June's movement restrictions in the first district
        let responses = try CategoryOutputs.report(for: .protectionMonitoring, table: interviews.table)
        #expect(!responses.sections.isEmpty)
        #expect(MonitoringResponses.isResponses(interviews.table))
        let gazetteer = try Gazetteer(table: try TableReader.read(url: dir.appendingPathComponent("gazetteer.csv")).table)
        #expect(gazetteer.codes(atLevel: 2).count == 9)
        for id in PIMCategory.ID.allCases {
            // When read back as an import would read it
            let read = try TableReader.read(url: dir.appendingPathComponent(id.rawValue + ".csv"))
            #expect(read.table.rowCount > 0, "\(id)")
            // Then it passes validation against the template schema and the gazetteer
            let result = Validator(schema: CategoryTemplate.template(for: id).schema, gazetteer: gazetteer, report: read.report).validate(read.table)
            #expect(result.issues.isEmpty, "\(id): \(result.issues.prefix(3).map(\.description))")
            // And its output can be computed
            _ = try CategoryOutputs.report(for: id, table: read.table)
            // And no column of the template is empty throughout (QA11 C7: consent, GBV types, perpetrators, actors,
            // impact, hazards and priorities were never generated)
            let empty = read.table.columns.filter { $0.nullCount == $0.count }.map(\.name)
            #expect(empty.isEmpty, "\(id): \(empty)")
        }
    }

    /// The demo's cases refuse consent now and then, as collected, so that shares and shareable outputs have
    /// refusals to honour; GBV incidents carry a GBVIMS type, and only they do.
    @Test func demoCasesRefuseConsentAndGBVIncidentsHaveTheirType() throws {
        let cases = DemoGenerator(seed: 3, scale: .small).table(for: .caseManagement)
        for purpose in ["consent_disclosure", "consent_reporting"] {
            let answers = try #require(cases[purpose])
            let no = (0..<cases.rowCount).filter { answers[$0] == .text("no") }.count
            #expect(no > 0 && no < cases.rowCount / 5, "\(purpose): \(no)")
        }
        let incidents = DemoGenerator(seed: 3, scale: .small).table(for: .protectionMonitoring)
        let risk = try #require(incidents["protection_risk"]), type = try #require(incidents["gbv_incident_type"])
        let typed = (0..<incidents.rowCount).filter { type[$0] != .null }
        #expect(!typed.isEmpty && typed.allSatisfy { risk[$0] == .text("gbv") })
        #expect((0..<incidents.rowCount).filter { risk[$0] == .text("gbv") }.count == typed.count)
    }

    @Test func demoMonitoringShowsThePlantedJuneSpike() throws {
        let r = try MonitoringTrends.report(DemoGenerator(seed: 9, scale: .small).table(for: .protectionMonitoring))
        #expect(r.section("by-risk-period")?.value("flag", where: ["movement-restrictions", "2026-06"]) == .text("spike"))
        // and where: the first admin 2, where the demo plants it (QA11 C29)
        let located = try #require(r.section("by-risk-area-period"))
        let flagged = located.rows.filter { $0[0] == .text("movement-restrictions") && $0[2] == .text("2026-06") && $0[4] == .text("spike") }
        #expect(flagged.map { $0[1].description } == ["ZZ0101"])
    }

    @Test func demoPopulationTotalsMatchTheWorld() throws {
        let g = DemoGenerator(seed: 11, scale: .small)
        let r = try PopulationFigures.report(g.table(for: .populationData))
        let total = try #require(r.section("by-adm1")?.value("total", where: ["Total"]))
        guard case .integer(let n) = total else { Issue.record("no total"); return }
        let world = g.world.areas.reduce(0) { $0 + $1.totalPopulation }
        #expect(n > world * 9 / 10 && n < world * 13 / 10)
    }

    /// QA14: before the first figure there is no population: said, for the internal and the shareable output, not
    /// a total of 0 (a wrong figure) or "the table has no rows".
    @Test func populationBeforeTheFirstFigureIsSaidToBeMissing() throws {
        let t = DemoGenerator(seed: 11, scale: .small).table(for: .populationData)
        let first = try #require(try t.days("date").compactMap { $0 }.min())
        let before = first - 1
        #expect(throws: CategoryDataError.nothingByReferenceDate(CivilDays.iso(before))) {
            try PopulationFigures.report(t, asOf: before)
        }
        #expect(throws: CategoryDataError.nothingByReferenceDate(CivilDays.iso(before))) {
            try CategoryOutputs.shareableReport(for: .populationData, table: t, options: .init(asOf: before))
        }
        #expect(try PopulationFigures.report(t, asOf: first).section("by-adm1") != nil)
    }
}

@Suite struct CoverageTests {
    @Test func needsAreCoveredPartialOrGaps() {
        // Given a population system and dataset, a security dataset without a system, and a stale case dataset
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let systems = [InformationSystem(name: "Site population tracking", owner: "ORG-A", category: .populationData, area: "ZZ", registeredAt: now),
                       InformationSystem(name: "Case files", owner: "ORG-C", category: .caseManagement, area: "ZZ", registeredAt: now)]
        let datasets = [CoverageReport.DatasetSummary(name: "pop", category: "population-data", latestDataAt: now.addingTimeInterval(-86_400)),
                        CoverageReport.DatasetSummary(name: "sec", category: "security-situational-awareness", latestDataAt: now),
                        CoverageReport.DatasetSummary(name: "cases", category: "case-management", latestDataAt: now.addingTimeInterval(-200 * 86_400))]
        let scenario = PIMFramework.standard.scenarios[0]
        let report = CoverageReport(scenario: scenario, systems: systems, datasets: datasets, now: now)
        // Then
        let byNeed = Dictionary(uniqueKeysWithValues: report.lines.map { ($0.need, $0) })
        #expect(byNeed["Population figures or estimates by age, sex and location"]?.status == .covered)
        #expect(byNeed["Contextual risk analysis: security situation and humanitarian access"]?.status == .partial)
        let urgent = byNeed["Urgent cases of persons with specific needs, for referral"]
        #expect(urgent?.status == .partial)  // a system, but its data is 200 days old
        #expect(urgent?.datasets == [])
        let needs = byNeed["Priority protection risks and needs (rapid protection assessment)"]
        #expect(needs?.status == .gap)
        #expect(needs?.fillWith == .protectionNeedsAssessment)
        #expect(report.lines.count == scenario.mustHave.count + scenario.niceToHave.count)
        // A system of one producing category and recent data of another do not cover a need together
        let mixed = CoverageReport(scenario: scenario, systems: [InformationSystem(name: "PM", owner: "O", category: .protectionMonitoring, area: "ZZ", registeredAt: now)],
                                   datasets: [.init(name: "na", category: "protection-needs-assessment", latestDataAt: now)], now: now)
        let mixedNeed = mixed.lines.first { $0.need.hasPrefix("Priority protection risks") }
        #expect(mixedNeed?.status == .partial)
        // QA11 C19: the gap is filled by the registered system's category (it lacks recent data), not the first producer
        #expect(mixedNeed?.fillWith == .protectionMonitoring)
        // and, without a system, by the category whose recent data is there (it lacks a registered system)
        let dataOnly = CoverageReport(scenario: scenario, systems: [],
                                      datasets: [.init(name: "pm", category: "protection-monitoring", latestDataAt: now)], now: now)
        #expect(dataOnly.lines.first { $0.need.hasPrefix("Priority protection risks") }?.fillWith == .protectionMonitoring)
        #expect(report.categoryReport().section("gaps")?.rows.count == report.gaps.count)
    }

    @Test func recentMeansTheDataIsRecentNotTheImport() throws {
        // Given cases opened up to 2026-02-10 and closed up to 2026-03-05
        let cases = fixture("case_id,opened,closed,status", [
            "C1,2026-01-05,2026-03-05,closed", "C2,2026-02-10,,open", "C3,2025-11-30,2026-01-02,closed",
        ])
        func day(_ iso: String) throws -> Date { try #require(CivilDays.startOfDay(iso: iso)) }
        // Then the latest data is the latest of both date columns; a recorded period end takes precedence
        #expect(CoverageReport.dateFields(of: "case-management") == ["opened", "closed"])
        let june = try day("2026-06-30")
        #expect(CoverageReport.latestData(periodEnd: nil, table: cases, category: "case-management", asOf: june) == (try day("2026-03-05")))
        #expect(CoverageReport.latestData(periodEnd: "2026-02-28", table: cases, category: "case-management", asOf: june) == (try day("2026-02-28")))
        // And data without dates of its category has no latest data (never recent)
        #expect(CoverageReport.latestData(periodEnd: nil, table: fixture("x", ["1"]), category: "case-management", asOf: june) == nil)
        // QA14: as of a past day, the data of that time counts: as of 2026-01-20 (horizon 2026-02-20) the latest is
        // the case opened on 2026-02-10, not the later closings; a recorded period end after the horizon gives way to
        // the dates up to it
        let january = try day("2026-01-20")
        #expect(CoverageReport.latestData(periodEnd: nil, table: cases, category: "case-management", asOf: january) == (try day("2026-02-10")))
        #expect(CoverageReport.needsDates(periodEnd: "2026-06-30", asOf: january))
        #expect(!CoverageReport.needsDates(periodEnd: "2026-02-01", asOf: january))
        #expect(CoverageReport.latestData(periodEnd: "2026-06-30", table: cases, category: "case-management", asOf: january) == (try day("2026-02-10")))
        // and with nothing dated up to the horizon, the period end is kept (beyond it: not recent)
        #expect(CoverageReport.latestData(periodEnd: "2026-06-30", table: cases, category: "case-management", asOf: try day("2025-01-01"))
            == (try day("2026-06-30")))
        // When coverage is judged on 2026-06-30 (90 days back: 2026-04-01), 2026-03-05 is 117 days old: not recent,
        // on 2026-05-31 (back to 2026-03-02) it is
        let system = InformationSystem(name: "Case files", owner: "ORG-C", category: .caseManagement, area: "ZZ", registeredAt: try day("2026-06-01"))
        let summary = CoverageReport.DatasetSummary(
            name: "cases", category: "case-management",
            latestDataAt: CoverageReport.latestData(periodEnd: nil, table: cases, category: "case-management", asOf: june))
        let urgent = "Urgent cases of persons with specific needs, for referral"
        let scenario = PIMFramework.standard.scenarios[0]
        let late = CoverageReport(scenario: scenario, systems: [system], datasets: [summary], now: try day("2026-06-30"))
        let early = CoverageReport(scenario: scenario, systems: [system], datasets: [summary], now: try day("2026-05-31"))
        #expect(late.lines.first { $0.need == urgent }?.status == .partial)
        #expect(early.lines.first { $0.need == urgent }?.status == .covered)
        #expect(late.categoryReport().notes.first?.contains("within 90 days of 2026-06-30") == true)
    }

    /// QA10 F4: a security log whose dates were typed as 2099 covered the sudden-onset must-have as "recent".
    @Test func dataDatedInTheFutureIsNotRecent() throws {
        func day(_ iso: String) throws -> Date { try #require(CivilDays.startOfDay(iso: iso)) }
        let now = try day("2026-11-28")
        let system = InformationSystem(name: "Security log", owner: "ORG-S", category: .securitySituationalAwareness, area: "ZZ", registeredAt: now)
        let need = "Contextual risk analysis: security situation and humanitarian access"
        func status(latest: String) throws -> CoverageReport.Status? {
            let d = CoverageReport.DatasetSummary(name: "sec", category: "security-situational-awareness", latestDataAt: try day(latest))
            return CoverageReport(scenario: PIMFramework.standard.scenarios[0], systems: [system], datasets: [d], now: now)
                .lines.first { $0.need == need }?.status
        }
        // A date 73 years ahead is an entry error: the need has a system but no recent data
        #expect(try status(latest: "2099-01-03") == .partial)
        // A period ending this month (2 days ahead) and data of last week are recent; 32 days ahead is not
        #expect(try status(latest: "2026-11-30") == .covered)
        #expect(try status(latest: "2026-11-20") == .covered)
        #expect(try status(latest: "2026-12-30") == .partial)
    }

    /// QA14: a security log covers "Locations of mines, UXO and ERW" only when some of its records are explosive-hazard
    /// locations (hazard_type); its other needs do not ask for that.
    @Test func mineLocationsNeedHazardRecords() throws {
        func day(_ iso: String) throws -> Date { try #require(CivilDays.startOfDay(iso: iso)) }
        let now = try day("2026-06-30")
        let system = InformationSystem(name: "Security log", owner: "ORG-S", category: .securitySituationalAwareness, area: "ZZ", registeredAt: now)
        let scenario = try PIMFramework.standard.scenario(named: "sudden-onset-emergency")
        let mines = "Locations of mines, UXO and ERW"
        let access = "Contextual risk analysis: security situation and humanitarian access"
        func report(_ fields: Set<String>?) -> CoverageReport {
            CoverageReport(scenario: scenario, systems: [system], datasets: [.init(
                name: "sec", category: "security-situational-awareness", latestDataAt: now, fieldsWithData: fields)], now: now)
        }
        let incidentsOnly = report([])
        #expect(incidentsOnly.lines.first { $0.need == mines }?.status == .partial)
        #expect(incidentsOnly.lines.first { $0.need == access }?.status == .covered)
        #expect(incidentsOnly.categoryReport().notes.contains("\(mines): a dataset counts only when some record has hazard_type."))
        #expect(report(["hazard_type"]).lines.first { $0.need == mines }?.status == .covered)
        // And the fields with data are those with a value in some row
        let t = fixture("incident_id,hazard_type", ["S1,", "S2,"])
        #expect(CoverageReport.fieldsWithData(in: t).isEmpty)
        #expect(CoverageReport.fieldsWithData(in: fixture("incident_id,hazard_type", ["S1,", "S2,uxo"])) == ["hazard_type"])
    }

    /// An empty systems or datasets cell reads "none" in every format; a bare "-" became `'-` in CSV
    /// (formula neutralisation), which looked like corrupted data.
    @Test func emptyCoverageCellsSayNoneAndSurviveCSV() {
        // Given no systems and no datasets: every need is a gap
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let report = CoverageReport(scenario: PIMFramework.standard.scenarios[0], systems: [], datasets: [], now: now)
        let csv = ReportFormat.csv.render(report.categoryReport())
        // Then the CSV has no neutralised placeholder, and each need's row ends with ",none,none,gap"
        #expect(!csv.contains("'-"))
        let needRows = csv.split(separator: "\n").filter { $0.hasSuffix(",gap") }
        #expect(needRows.count == report.lines.count)
        #expect(needRows.allSatisfy { $0.hasSuffix(",none,none,gap") })
    }

    @Test func systemsRoundTripThroughJSON() throws {
        let s = InformationSystem(name: "IDP Site Monitoring!", owner: "DRC", category: .protectionMonitoring, area: "ZZ01", tools: "KoboToolbox",
                                  registeredAt: Date(timeIntervalSince1970: 1_780_000_000))
        #expect(s.id == "idp-site-monitoring")
        #expect(try InformationSystem.decode(try s.json()) == s)
    }

    /// QA14: rows dated outside the period an import declares are said, at the first such row, with their number;
    /// cases (worked long after they are opened) are not checked.
    @Test func rowsOutsideTheDeclaredPeriodAreSaid() {
        let t = fixture("report_id,date,adm1_code", ["X1,2026-01-05,ZZ01", "X2,2025-06-06,ZZ01", "X3,2026-02-10,ZZ01"])
        let read = ReadResult(table: t, report: ReadReport(fileName: "pm.csv", firstDataRow: 3))
        let w = DatasetImport.outsidePeriod(read, category: "protection-monitoring", start: "2026-01-01", end: "2026-01-31")
        #expect(w == .outsideDeclaredPeriod(file: "pm.csv", row: 4, column: "date", count: 2, start: "2026-01-01", end: "2026-01-31"))
        #expect(w?.description.hasPrefix("pm.csv:4:date: 2 rows are (the first here) dated outside the declared period 2026-01-01..2026-01-31") == true)
        #expect(DatasetImport.outsidePeriod(read, category: "protection-monitoring", start: "2025-01-01", end: nil) == nil)
        #expect(DatasetImport.outsidePeriod(read, category: "protection-monitoring", start: nil, end: nil) == nil)
        let cases = fixture("case_id,opened", ["C1,2025-01-01"])
        #expect(DatasetImport.outsidePeriod(ReadResult(table: cases, report: ReadReport(fileName: "c.csv")),
                                            category: "case-management", start: "2026-01-01", end: nil) == nil)
    }
}
