import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable
import Testing

@testable import PIMCategories

/// QA11 C3: protection monitoring's household and key-informant interviews (issue #6: "incidents and violations …
/// and household/key-informant monitoring responses"; §9.3 monitoring at the household and community level).
@Suite struct MonitoringResponsesTests {
    static let header = "interview_id,date,adm1_code,adm2_code,respondent_type,population_group,respondent_sex,feels_unsafe,"
        + "movement_restricted,main_risk,services_accessible,incidents_known,org"

    /// Twelve interviews in ZZ01 (8 households, 4 key informants) and six households in ZZ02, `times` over.
    static func interviews(times: Int = 1) -> Table {
        var rows: [String] = []
        for k in 0..<times * 18 {
            let i = k % 18
            let area = i < 12 ? "ZZ01" : "ZZ02"
            let type = i < 8 || i >= 12 ? "household" : "key-informant"
            // ZZ01 households: 6 of 8 unsafe; key informants: 1 of 4; ZZ02: 3 of 6 (one ZZ02 answer blank)
            let unsafe: String = i < 6 ? "yes" : i < 8 ? "no" : i == 8 ? "yes" : i < 12 ? "no" : i < 15 ? "yes" : i == 17 ? "" : "no"
            rows.append("I\(k),2026-03-0\(i % 9 + 1),\(area),\(area)01,\(type),idps,\(i % 2 == 0 ? "female" : "male"),\(unsafe),no,gbv,yes,1,ORG-A")
        }
        return fixture(header, rows)
    }

    @Test func aFileOfInterviewsGetsTheResponsesTemplateAndIncidentsTheIncidentsOne() {
        let schema = DatasetImport.proposedSchema(for: Self.interviews(), category: .protectionMonitoring)
        #expect(schema == CategoryTemplate.monitoringResponses.schema)
        #expect(schema.field(named: "interview_id")?.role == .directIdentifier)
        let incidents = DemoGenerator(seed: 2, scale: .small).table(for: .protectionMonitoring)
        #expect(DatasetImport.proposedSchema(for: incidents, category: .protectionMonitoring) == CategoryTemplate.protectionMonitoring.schema)
        #expect(CategoryTemplate.templates(for: .protectionMonitoring).map(\.variant) == [nil, "responses"])
        #expect(CategoryTemplate.template(for: .caseManagement, variant: "responses") == nil)
    }

    @Test func theOutputGivesEachAnswersShareByRespondentType() throws {
        let report = try CategoryOutputs.report(for: .protectionMonitoring, table: Self.interviews())
        let overall = try #require(report.section("overall"))
        // Households: 6 + 3 unsafe of 8 + 5 answering = 9 of 13; key informants 1 of 4; all 10 of 17 (one blank)
        #expect(overall.value("interviews", where: ["feels_unsafe", "household", "yes"]) == .integer(9))
        #expect(overall.value("percent", where: ["feels_unsafe", "household", "yes"])?.description == "69.2")
        #expect(overall.value("percent", where: ["feels_unsafe", "key-informant", "yes"])?.description == "25.0")
        #expect(overall.value("interviews", where: ["feels_unsafe", "all", "yes"]) == .integer(10))
        #expect(overall.value("percent", where: ["feels_unsafe", "all", "yes"])?.description == "58.8")
        let byArea = try #require(report.section("by-adm1"))
        #expect(byArea.value("percent", where: ["ZZ01", "feels_unsafe", "household", "yes"])?.description == "75.0")
        #expect(byArea.value("percent", where: ["ZZ02", "feels_unsafe", "household", "yes"])?.description == "60.0")
        #expect(report.notes.contains("18 interviews: 14 with households, 4 with key informants."))
    }

    /// QA14: interviews get a trend too: each answer's share per month (or week), with a rise flagged when the share
    /// jumps (households feeling unsafe: 10 % for three months, then 90 %).
    @Test func theOutputGivesEachAnswersShareOverTimeAndFlagsARise() throws {
        var rows: [String] = []
        var n = 0
        for (month, yes) in [(1, 1), (2, 1), (3, 1), (4, 9)] {
            for i in 0..<10 {
                n += 1
                rows.append("I\(n),2026-0\(month)-\(String(format: "%02d", i + 1)),ZZ01,ZZ0101,household,idps,female,"
                    + "\(i < yes ? "yes" : "no"),no,gbv,yes,0,ORG-A")
            }
        }
        let t = fixture(Self.header, rows)
        let report = try CategoryOutputs.report(for: .protectionMonitoring, table: t)
        let trend = try #require(report.section("trend"))
        #expect(trend.columns == ["question", "answer", "month", "interviews", "percent", "rise"])
        #expect(trend.value("percent", where: ["feels_unsafe", "yes", "2026-01"])?.description == "10.0")
        #expect(trend.value("percent", where: ["feels_unsafe", "yes", "2026-04"])?.description == "90.0")
        #expect(trend.value("rise", where: ["feels_unsafe", "yes", "2026-04"]) == .text("rise"))
        #expect(trend.value("rise", where: ["feels_unsafe", "yes", "2026-03"]) == .text(""))
        // (the share of "no" falls: not a rise)
        #expect(trend.value("rise", where: ["feels_unsafe", "no", "2026-04"]) == .text(""))
        #expect(report.notes.contains("1 rise flagged in the trend (see its note)."))
        // By week, the periods are the weeks
        let weekly = try CategoryOutputs.report(for: .protectionMonitoring, table: t, options: .init(period: .week))
        #expect(weekly.section("trend")?.columns.contains("week") == true)
        #expect(weekly.section("trend")?.value("interviews", where: ["feels_unsafe", "yes", "2025-12-29"]) == .integer(1))
    }

    @Test func theShareableTableSuppressesSmallCellsPerQuestion() throws {
        let report = try CategoryOutputs.shareableReport(for: .protectionMonitoring, table: Self.interviews(times: 4))
        let section = try #require(report.sections.first)
        #expect(section.columns == ["adm1_code", "question", "respondent_type", "answer", "interviews", "flag"])
        // Every published cell of a question is its true count; the key informant of ZZ01 who feels unsafe (1) is not
        // published (4 of them), nor is any count below 5
        let t = Self.interviews(times: 4)
        let areas = try t.texts("adm1_code"), types = try t.texts("respondent_type"), unsafe = try t.texts("feels_unsafe")
        var truth: [[String]: Int] = [:]
        for r in 0..<t.rowCount { if let a = unsafe[r] { truth[[areas[r] ?? "", types[r] ?? "", a], default: 0] += 1 } }
        let published = section.rows.filter { $0[1] == .text("feels_unsafe") && !$0[0...3].contains(.text("Total")) }
        #expect(!published.isEmpty)
        for row in published {
            #expect(row[4] == .integer(truth[[row[0].description, row[2].description, row[3].description]] ?? -1), "\(row)")
        }
        #expect(section.value("interviews", where: ["ZZ01", "feels_unsafe", "key-informant", "yes"]) == nil)
        let counts = section.rows.compactMap { row -> Int? in if case .integer(let n) = row[4] { n } else { nil } }
        #expect(counts.allSatisfy { $0 >= SharingPolicyTables.minimumCell })
        #expect(report.notes[1].hasPrefix("Cells with fewer than 5 interviews are suppressed"))
    }

    @Test func theResponsesFormIsAnXLSFormOfItsOwn() throws {
        let form = XLSForm(template: try #require(CategoryTemplate.template(for: .protectionMonitoring, variant: "responses")))
        let names = try form.survey.texts("name").map { $0 ?? "" }
        #expect(names.contains("respondent_type") && names.contains("movement_restricted"))
        #expect(try form.settings.texts("form_id") == ["pim_protection_monitoring_responses"])
        #expect(try form.choices.texts("list_name").filter { $0 == "respondent_type" }.count == 2)
    }
}
