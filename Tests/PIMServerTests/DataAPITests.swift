import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCategories
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMSQLite
@testable import PIMServer
import PIMStorage
import PIMTable
import Testing

@Suite struct DataAPITests {
    static func json(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as? [String: Any])
    }

    static let create = "/api/v1/datasets/incidents/versions?format=csv&category=protection-monitoring&purpose=Monitoring&file_name=january.csv&source_org=DRC"

    /// QA10 Q7: without `format=`, the body's Content-Type (text/csv here) says which reader to use.
    @Test func anUploadWithoutFormatIsReadByItsContentType() async throws {
        let world = try await TestWorld.make { $0.uploadDirectory = DataFixtures.tempDir() }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let made = try await officer.postRaw(
                client, "/api/v1/datasets/bytype/versions?category=protection-monitoring&purpose=Test&file_name=t.csv",
                bytes: Array("site,count\nNorth,4\nSouth,5\n".utf8))
            #expect(made.status == .created, "\(String(buffer: made.body))")
            let d = try #require(try await world.store.dataset(named: "bytype"))
            #expect(d.schema.fields.map(\.name) == ["site", "count"])
        }
    }

    /// The API takes the CLI's reading choices (QA W14): a delimiter, and padding of short rows.
    @Test func uploadsTakeADelimiterAndMayPadShortRows() async throws {
        let world = try await TestWorld.make { $0.uploadDirectory = DataFixtures.tempDir() }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let base = "/api/v1/datasets/ragged/versions?format=csv&category=protection-monitoring&purpose=Test&file_name=r.csv"
            // A row with a field missing is refused, at its row
            let ragged = Array("site;count;note\nNorth;4;a\nSouth;5\nEast;6;c\n".utf8)
            let refused = try await officer.postRaw(client, base, bytes: ragged)
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("r.csv:3"), "\(String(buffer: refused.body))")
            // Padded when asked, and said
            let padded = try await officer.postRaw(client, base + "&allow_ragged=true&delimiter=%3B", bytes: ragged)
            #expect(padded.status == .created, "\(String(buffer: padded.body))")
            #expect((try Self.json(padded)["warnings"] as? [String])?.contains { $0.contains("padded") || $0.contains("fewer") } == true,
                    "\(String(buffer: padded.body))")
            let d = try #require(try await world.store.dataset(named: "ragged"))
            #expect(d.schema.fields.map(\.name) == ["site", "count", "note"])
            // A delimiter pim does not know is refused with the ones it does
            let bad = try await officer.postRaw(client, base + "&delimiter=x", bytes: ragged)
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("delimiter must be one of"))
        }
    }

    /// QA11 I18 through the API: a hashtag neither core, extension nor known to pim refuses the upload (422,
    /// with the located issue), and `allow_unknown_tags=true` accepts it.
    @Test func anUnknownHashtagRefusesAnUploadUnlessAllowed() async throws {
        let world = try await TestWorld.make { $0.uploadDirectory = DataFixtures.tempDir() }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let base = "/api/v1/datasets/tags/versions?format=csv&category=protection-monitoring&purpose=Test&file_name=u.csv"
            let file = Array("site,count\n#loc+name,#foo\nNorth,4\nSouth,5\n".utf8)
            let refused = try await officer.postRaw(client, base, bytes: file)
            #expect(refused.status == .unprocessableContent)
            let body = String(buffer: refused.body)
            #expect(body.contains("u.csv:2:count") && body.contains("unknown-hxl-tag"), "\(body)")
            #expect(try await world.store.dataset(named: "tags") == nil)
            let allowed = try await officer.postRaw(client, base + "&allow_unknown_tags=true", bytes: file)
            #expect(allowed.status == .created, "\(String(buffer: allowed.body))")
            #expect(try await world.store.dataset(named: "tags")?.schema.fields.map(\.hxl) == ["#loc+name", "#foo"])
        }
    }

    /// QA14: rows dated outside the period an upload declares are said in the answer's warnings, as pim import says them.
    @Test func rowsOutsideTheDeclaredPeriodAreSaidByTheAPI() async throws {
        let world = try await TestWorld.make { $0.uploadDirectory = DataFixtures.tempDir() }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let path = "/api/v1/datasets/dated/versions?format=csv&category=protection-monitoring&purpose=Test&file_name=d.csv"
                + "&period_start=2026-01-01&period_end=2026-01-31"
            let made = try await officer.postRaw(client, path, bytes: Array("date,site\n2026-01-05,A\n2025-06-06,B\n".utf8))
            #expect(made.status == .created, "\(String(buffer: made.body))")
            let warnings = (try Self.json(made)["warnings"] as? [String]) ?? []
            #expect(warnings.contains { $0.hasPrefix("d.csv:3:date: this row is dated outside the declared period 2026-01-01..2026-01-31") },
                    "\(warnings)")
        }
    }

    /// QA10 F20 through the API: a dataset's text field keeps the file's own text when a new file's column
    /// looks numeric (4.50 stayed 4.5 and 1.10 became 1.1, the same code as 1.1).
    @Test func aTextFieldKeepsTheFilesOwnTextThroughTheAPI() async throws {
        let world = try await TestWorld.make { $0.uploadDirectory = DataFixtures.tempDir() }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let path = "/api/v1/datasets/codes/versions?format=csv&category=protection-monitoring&purpose=Test&file_name="
            // Given a dataset whose code field is text (its first file has a code with letters)
            let first = try await officer.postRaw(client, path + "a.csv", bytes: Array("site,code\nNorth,A7\nSouth,4.50\n".utf8))
            #expect(first.status == .created, "\(String(buffer: first.body))")
            // When a file whose codes all look like numbers comes
            let second = try await officer.postRaw(client, path + "b.csv", bytes: Array("site,code\nNorth,4.50\nSouth,1.10\nEast,1.1\n".utf8))
            #expect(second.status == .created, "\(String(buffer: second.body))")
            // Then the codes are stored as the file writes them
            let d = try #require(try await world.store.dataset(named: "codes"))
            let v = try #require(try await world.store.versions(of: d.id).last)
            let t = try await world.store.table(of: v)
            #expect((0..<t.rowCount).map { t["code"]?[$0] } == [.text("4.50"), .text("1.10"), .text("1.1")])
        }
    }

    @Test func uploadingAFileCreatesAVersionWithItsValidation() async throws {
        let world = try await TestWorld.make { $0.uploadDirectory = DataFixtures.tempDir() }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            // Without the CSRF header a session cannot post
            var noCSRF = officer
            noCSRF.csrf = nil
            #expect(try await noCSRF.postRaw(client, Self.create, bytes: DataFixtures.peopleBytes).status == .forbidden)
            let r = try await officer.postRaw(client, Self.create, bytes: DataFixtures.peopleBytes)
            #expect(r.status == .created)
            let body = try Self.json(r)
            #expect(body["created"] as? Bool == true)
            #expect((body["version"] as? [String: Any])?["number"] as? Int == 1)
            #expect((body["validation"] as? [String: Any])?["valid"] as? Bool == true)
            #expect((body["warnings"] as? [String])?.isEmpty == true)
            // A file that is not UTF-8 is read as Windows-1252, and the answer says so
            let legacy = Array("site,count\nCaf".utf8) + [0xE9] + Array(",3\nNorth,4\n".utf8)
            let converted = try await officer.postRaw(
                client, "/api/v1/datasets/legacy/versions?format=csv&category=protection-monitoring&purpose=Test&file_name=legacy.csv",
                bytes: legacy)
            #expect(converted.status == .created)
            #expect((try Self.json(converted)["warnings"] as? [String])?.contains { $0.contains("Windows-1252") } == true)
            // A sensitivity that is not one is refused (a typo must not lower it to the default); case is ignored.
            let typo = try await officer.postRaw(
                client, "/api/v1/datasets/typo/versions?format=csv&category=protection-monitoring&purpose=Test&sensitivity=sever",
                bytes: DataFixtures.peopleBytes)
            #expect(typo.status == .badRequest)
            #expect(String(buffer: typo.body).contains("sensitivity must be one of low, moderate, high, severe"))
            #expect(try await world.store.dataset(named: "typo") == nil)
            let severe = try await officer.postRaw(
                client, "/api/v1/datasets/grave/versions?format=csv&category=protection-monitoring&purpose=Test&sensitivity=Severe",
                bytes: DataFixtures.peopleBytes)
            #expect(severe.status == .created)
            #expect(try await world.store.dataset(named: "grave")?.sensitivity == .severe)
            // A column the dataset's schema does not have is not stored, and the answer says so
            let extra = Array("adm1_code,sex,age,incident_type,notes,phone_2\nSD01,female,30,theft,x,0790\n".utf8)
            let minimised = try await officer.postRaw(
                client, "/api/v1/datasets/grave/versions?format=csv&file_name=extra.csv", bytes: extra)
            #expect(minimised.status == .created)
            #expect((try Self.json(minimised)["warnings"] as? [String])?.contains(
                "1 column is not in the schema and was not stored (data minimisation): phone_2.") == true)
            // Several first imports of one new dataset at once: one creates it, the others are told so (409), never a 500
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for k in 0..<4 {
                    group.addTask {
                        let bytes = Array("name,n\nrow\(k),\(k)\n".utf8)
                        return try await officer.postRaw(
                            client, "/api/v1/datasets/raced/versions?format=csv&category=protection-monitoring&purpose=Race&file_name=r\(k).csv",
                            bytes: bytes
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .created || $0 == .conflict }, "\(statuses)")
            #expect(statuses.contains(.created))
            // The same file again is a conflict
            let again = try await officer.postRaw(client, Self.create, bytes: DataFixtures.peopleBytes)
            #expect(again.status == .conflict)
            #expect((try Self.json(again)["detail"] as? String)?.contains("already imported as version 1") == true)
            // A second file with a located type error: 422 problem+json with the issues, nothing stored
            let bad = Array("adm1_code,sex,age,incident_type,notes\nSD01,female,34,theft,\nSD02,male,old,theft,\n".utf8)
            let refused = try await officer.postRaw(client, "/api/v1/datasets/incidents/versions?format=csv&file_name=february.csv", bytes: bad)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let problem = try Self.json(refused)
            #expect(problem["title"] as? String == "Validation failed")
            let validation = try #require(problem["validation"] as? [String: Any])
            let issues = try #require(validation["issues"] as? [[String: Any]])
            #expect(issues.first?["location"] as? String == "february.csv:3:age")
            #expect((validation["countsByRule"] as? [String: Int])?["type"] == 1)
            // valid-rows stores the good row
            let partial = try await officer.postRaw(client, "/api/v1/datasets/incidents/versions?format=csv&file_name=february.csv&mode=valid-rows", bytes: bad)
            #expect(partial.status == .created)
            #expect((try Self.json(partial)["version"] as? [String: Any])?["rowCount"] as? Int == 1)
            // Unreadable and empty bodies
            let xlsx = try await officer.postRaw(client, "/api/v1/datasets/incidents/versions?format=xlsx", bytes: Array("nope".utf8))
            #expect(xlsx.status == .unprocessableContent)
            #expect((try Self.json(xlsx)["detail"] as? String)?.contains("incidents.xlsx") == true)
            #expect(try await officer.postRaw(client, "/api/v1/datasets/incidents/versions?format=csv", bytes: []).status == .unprocessableContent)
            // A new dataset needs a category
            let noCategory = try await officer.postRaw(client, "/api/v1/datasets/other/versions?format=csv&purpose=x", bytes: DataFixtures.peopleBytes)
            #expect(noCategory.status == .badRequest)
            #expect((try Self.json(noCategory)["detail"] as? String)?.contains("category") == true)
        }
        let d = try #require(try await world.store.dataset(named: "incidents"))
        let versions = try await world.store.versions(of: d.id)
        #expect(versions.map(\.rowCount) == [5, 1])
        #expect(versions.first?.provenance.fileName == "january.csv")
        #expect(versions.first?.provenance.sourceOrganization == "DRC")
        #expect(try await world.store.dataset(named: "other") == nil)
    }

    @Test func exportsNeutraliseFormulasAreAuditedAndOnlyForMicrodataRoles() async throws {
        let world = try await TestWorld.make { $0.uploadDirectory = DataFixtures.tempDir() }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let notes = "/api/v1/datasets/incidents/versions?format=csv&category=protection-monitoring&purpose=Monitoring"
            // Keep the formula cell: confirm notes as "other" is not possible through the API, the proposed schema keeps it
            #expect(try await officer.postRaw(client, notes, bytes: DataFixtures.peopleBytes).status == .created)
            let csv = try await officer.get(client, "/api/v1/datasets/incidents/export?format=csv")
            #expect(csv.status == .ok)
            let text = String(buffer: csv.body)
            #expect(text.contains("'=HYPERLINK"))
            #expect(!text.contains(",=HYPERLINK"))
            #expect(csv.headers[.contentDisposition]?.contains("incidents-v1.csv") == true)
            let hxl = String(buffer: try await officer.get(client, "/api/v1/datasets/incidents/export?format=hxl&version=1").body)
            #expect(hxl.contains("'=HYPERLINK"))
            let json = try await officer.get(client, "/api/v1/datasets/incidents/export?format=json")
            #expect(json.headers[.contentType] == "application/json")
            let xlsx = try await officer.get(client, "/api/v1/datasets/incidents/export?format=xlsx")
            #expect(Array(xlsx.body.readableBytesView.prefix(2)) == Array("PK".utf8))
            #expect(try await officer.get(client, "/api/v1/datasets/incidents/export?format=pdf").status == .badRequest)
            #expect(try await officer.get(client, "/api/v1/datasets/incidents/export?version=9").status == .badRequest)
            for role in [Role.analyst, .partnerViewer, .caseWorker, .supervisor] {
                let b = try await Browser.signedIn(client, as: role)
                let r = try await b.get(client, "/api/v1/datasets/incidents/export?format=csv")
                #expect(r.status == .forbidden, "\(role)")
                #expect(!String(buffer: r.body).contains("SD01"))
            }
        }
        let d = try #require(try await world.store.dataset(named: "incidents"))
        let exports = try await world.store.auditEvents(AuditFilter(action: .datasetExported, datasetID: d.id.rawValue))
        #expect(exports.count == 4)
        #expect(exports.allSatisfy { $0.draft.recordCount == 5 })
        #expect(exports.map { $0.draft.details["format"] } == ["csv", "hxl", "json", "xlsx"])
    }
}

@Suite struct DisclosurePageTests {
    @Test func theRiskPageShowsTheNumbersOfRiskAnalysis() async throws {
        let world = try await TestWorld.make()
        let d = try #require(try await world.store.dataset(named: TestWorld.datasetName))
        let v = try #require(try await world.store.versions(of: d.id).last)
        let table = try await world.store.table(of: v)
        let expected = try RiskAnalysis.analyze(table, spec: SchemaDisclosure(schema: v.schema).riskSpec(keys: ["adm1_code", "sex", "age_group"]))
        try await world.application().test(.router) { client in
            let dpfp = try await Browser.signedIn(client, as: .dataProtectionFocalPoint)
            // Default: the schema's quasi-identifiers are checked
            let first = String(buffer: try await dpfp.get(client, "/datasets/cases/risk").body)
            #expect(first.contains("<form id=\"risk-form\" method=\"get\""))
            for key in SchemaDisclosure(schema: v.schema).keys {
                #expect(first.contains("name=\"keys\" value=\"\(key)\" checked"), "\(key)")
            }
            #expect(first.contains("id=\"risk-submit\""))
            let r = try await dpfp.get(client, "/datasets/cases/risk?submitted=1&keys=adm1_code&keys=sex&keys=age_group")
            #expect(r.status == .ok)
            let html = String(buffer: r.body)
            #expect(html.contains("<section id=\"risk-report\""))
            #expect(html.contains("\(expected.recordCount) records"))
            #expect(html.contains("\(expected.classCount) equivalence classes"))
            for k in expected.kAnonymity {
                #expect(html.contains("<tr><td class=\"num\">\(k.k)</td><td class=\"num\">\(k.violatingRecords)</td><td class=\"num\">\(k.violatingClasses)</td>"), "k=\(k.k)")
            }
            #expect(expected.kAnonymity.map(\.k) == [2, 3, 5])
            #expect(html.contains(String(format: "%.4f", expected.individualRisk.globalRisk)))
            for c in expected.riskiestCombinations.prefix(3) {
                #expect(html.contains("<td class=\"num\">\(c.records)</td><td class=\"num\">\(c.fk)</td>"))
            }
            // An unknown key is reported, not a crash
            let bad = try await dpfp.get(client, "/datasets/cases/risk?keys=nope")
            #expect(bad.status == .unprocessableContent)
            #expect(String(buffer: bad.body).contains("There is no column &quot;nope&quot;"))
            // A GET form's query is decoded as a browser sends it: "+" is a space (column names have spaces).
            let spaced = try await dpfp.get(client, "/datasets/cases/risk?submitted=1&keys=no+such%2Bcolumn")
            #expect(String(buffer: spaced.body).contains("There is no column &quot;no such+column&quot;"))
            // The dataset page links to it
            #expect(String(buffer: try await dpfp.get(client, "/datasets/cases").body).contains("id=\"risk-link\" href=\"/datasets/cases/risk\""))
            let analyst = try await Browser.signedIn(client, as: .analyst)
            #expect(!String(buffer: try await analyst.get(client, "/datasets/cases").body).contains("risk-link"))
        }
    }

    @Test func theAnonymisationPreviewStoresNothingAndTheDownloadIsAudited() async throws {
        let world = try await TestWorld.make()
        let d = try #require(try await world.store.dataset(named: TestWorld.datasetName))
        let eventsBefore = try await world.store.auditEvents(.all).count
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let r = try await officer.get(client, "/datasets/cases/anonymize?submitted=1&keys=adm1_code&keys=sex&keys=age_group&k=5")
            let html = String(buffer: r.body)
            #expect(r.status == .ok, "\(html.prefix(500))")
            #expect(html.contains("<form id=\"anonymize-form\""))
            #expect(html.contains("<section id=\"anonymize-preview\""))
            #expect(html.contains("Records in classes smaller than 5"))
            #expect(html.contains("<table id=\"information-loss\">"))
            #expect(try await world.store.auditEvents(.all).count == eventsBefore + 1)  // only the login
            // Generalising adm2 to adm1 is described in words
            let general = String(buffer: try await officer.get(client, "/datasets/cases/anonymize?submitted=1&keys=adm2_code&keys=sex&k=5&generalize=adm2_code%3Dadm1").body)
            #expect(general.contains("Recoding: adm2_code: generalised to the parent area"))
            // A bad recoding is explained
            let bad = try await officer.get(client, "/datasets/cases/anonymize?submitted=1&keys=sex&recode=sex=wobble")
            #expect(bad.status == .unprocessableContent)
            #expect(String(buffer: bad.body).contains("unknown recoding"))
            // Download: CSV without the direct identifiers, audited as an export
            let download = try await officer.post(client, "/datasets/cases/anonymize/download",
                                                  fields: [("k", "5"), ("keys", "adm1_code,sex,age_group"), ("recode", ""), ("generalize", ""), ("pseudonymize", "")])
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "text/csv; charset=utf-8")
            let csv = String(buffer: download.body)
            let header = csv.split(separator: "\n").first.map(String.init) ?? ""
            for identifier in d.schema.names(withRole: .directIdentifier) { #expect(!header.contains(identifier)) }
            // An emptied drop field does not bring the direct identifiers back
            let cleared = try await officer.post(client, "/datasets/cases/anonymize/download",
                                                 fields: [("k", "5"), ("keys", "adm1_code,sex,age_group"), ("drop", ""), ("recode", ""),
                                                          ("generalize", ""), ("pseudonymize", "")])
            #expect(cleared.status == .ok)
            let clearedHeader = String(buffer: cleared.body).split(separator: "\n").first.map(String.init) ?? ""
            for identifier in d.schema.names(withRole: .directIdentifier) { #expect(!clearedHeader.contains(identifier)) }
            // QA14: keyed on the district, the downloaded file is k-anonymous with the region released beside it counted too
            let district = try await officer.post(client, "/datasets/cases/anonymize/download",
                                                  fields: [("k", "5"), ("keys", "adm2_code,sex"), ("recode", ""), ("generalize", ""), ("pseudonymize", "")])
            #expect(district.status == .ok)
            let released = try CSVReader.read(bytes: Array(String(buffer: district.body).utf8), fileName: "d.csv").table
            #expect(released["adm1_code"] != nil && released["adm2_code"] != nil)
            let measured = try RiskAnalysis.analyze(released, spec: RiskSpec(keys: ["adm1_code", "adm2_code", "sex"], kThresholds: [5]))
            #expect(measured.kAnonymity.first { $0.k == 5 }?.violatingRecords == 0)
        }
        let exports = try await world.store.auditEvents(AuditFilter(action: .datasetExported))
        #expect(exports.count == 3)
        #expect(exports.first?.draft.details["anonymised"] == "k=5")
        #expect(try await world.store.versions(of: d.id).count == 1)
    }
}

@Suite struct DataChartTests {
    static func report(columns: [String], rows: [[ReportValue]]) -> CategoryReport {
        CategoryReport(category: "x", title: "t", shareable: true, sections: [ReportSection(name: "s", title: "s", columns: columns, rows: rows)], notes: [])
    }

    @Test func aTrendHasOneColumnAndPointPerPublishedMonth() throws {
        let T = ReportValue.text("Total")
        let rows: [[ReportValue]] = [
            [T, T, .text("2026-01"), .integer(12), .text("")],
            [T, T, .text("2026-02"), .missing, .text("suppressed")],
            [T, T, .text("2026-03"), .integer(30), .text("")],
            [.text("SD01"), T, .text("2026-01"), .integer(7), .text("")],  // not a margin of month alone
            [T, T, T, .integer(45), .text("")],
        ]
        let report = Self.report(columns: ["adm1_code", "protection_risk", "month", "incidents", "flag"], rows: rows)
        let chart = try #require(DataChart.trend(report, category: .protectionMonitoring))
        #expect(chart.rows.map(\.cells) == [["2026-01", "12"], ["2026-02", "suppressed"], ["2026-03", "30"]])
        #expect(chart.svg.components(separatedBy: "<rect class=\"column\"").count - 1 == 2)
        #expect(chart.svg.components(separatedBy: "<circle class=\"point\"").count - 1 == 2)
        #expect(chart.svg.contains("<title id=\"trend-title\">"))
        #expect(chart.svg.contains("the highest is 2026-03 with 30 incidents; 1 suppressed."))
        #expect(DataChart.pyramid(report, category: .protectionMonitoring) == nil)
    }

    @Test func aPyramidHasABarPerSexAndAgeGroup() throws {
        let T = ReportValue.text("Total")
        var rows: [[ReportValue]] = []
        for (sex, n) in [("female", 10), ("male", 20)] {
            for (i, age) in ["children", "adults", "elderly"].enumerated() {
                rows.append([T, .text(sex), .text(age), T, i == 2 && sex == "male" ? .missing : .integer(n + i), .text("")])
            }
        }
        rows.append([.text("SD01"), .text("female"), .text("adults"), T, .integer(5), .text("")])
        let report = Self.report(columns: ["adm1_code", "sex", "age_group", "status", "cases", "flag"], rows: rows)
        let chart = try #require(DataChart.pyramid(report, category: .caseManagement))
        #expect(chart.header == ["Age group", "female", "male"])
        #expect(chart.rows.map(\.cells) == [["Children (0-17)", "10", "20"], ["Adults (18-59)", "11", "21"], ["Older persons (60+)", "12", "suppressed"]])
        #expect(chart.svg.components(separatedBy: "<rect class=\"bar left\"").count - 1 == 3)
        #expect(chart.svg.components(separatedBy: "<rect class=\"bar right\"").count - 1 == 2)
        // Oldest at the top
        let elderly = try #require(chart.svg.range(of: "Older persons")).lowerBound
        let children = try #require(chart.svg.range(of: "Children (0-17)")).lowerBound
        #expect(elderly < children)
        #expect(chart.svg.contains("<desc id=\"pyramid-desc\">"))
        #expect(DataChart.trend(report, category: .caseManagement) == nil)
    }

    @Test func theDatasetPageDrawsThePyramidFromTheShareableOutput() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let html = String(buffer: try await analyst.get(client, "/datasets/cases").body)
            #expect(html.contains("class=\"pyramid-chart\""))
            #expect(html.contains("<figure class=\"chart\">"))
            #expect(html.contains("Data of the chart: Cases by age group and sex"))
            // Shareable: no published count between 1 and 4 in the pyramid's data table
            let table = try #require(html.range(of: "Data of the chart: Cases by age group and sex").map { String(html[$0.upperBound...].prefix(2000)) })
            let body = String(table.prefix { $0 != "§" }.components(separatedBy: "</table>").first ?? "")
            for n in 1...4 { #expect(!body.contains("<td>\(n)</td>")) }
        }
    }
}
