import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCore
import PIMServer
import PIMSQLite
import PIMStorage
import Testing

/// The web workspace's table by dimensions and export page (QA finding W9: those jobs needed the CLI or API).
@Suite struct AggregatePageTests {
    @Test func anOfficerMakesATableDownloadsItAndFindsTheExport() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            // The dataset page links to both
            let dataset = String(buffer: try await officer.get(client, "/datasets/\(TestWorld.datasetName)").body)
            #expect(dataset.contains("id=\"aggregate-link\""))
            #expect(dataset.contains("id=\"export-link\""))
            // The form alone, then a table by month (a recoding) and sex
            let form = try await officer.get(client, "/datasets/\(TestWorld.datasetName)/aggregate")
            #expect(form.status == .ok)
            #expect(String(buffer: form.body).contains("id=\"aggregate-form\""))
            let r = try await officer.get(client, "/datasets/\(TestWorld.datasetName)/aggregate?by=opened%3Dmonth%2Csex&min_cell=5")
            #expect(r.status == .ok)
            let html = String(buffer: r.body)
            #expect(html.contains("id=\"aggregate-table\""))
            #expect(html.contains("<th scope=\"col\">opened</th><th scope=\"col\">sex</th><th scope=\"col\">count</th>"), "\(html)")
            #expect(html.contains("suppressed (below 5"))
            // The CSV download has the same rows
            let csv = try await officer.get(client, "/datasets/\(TestWorld.datasetName)/aggregate/download?by=opened%3Dmonth,sex&min_cell=5")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = String(buffer: csv.body).split(whereSeparator: \.isNewline)
            #expect(lines.first == "opened,sex,count")
            #expect(lines.count - 1 == html.components(separatedBy: "<tr><td>").count - 1)
            // An identifier as a dimension is refused on the page, with the reason
            let schema = try #require(try await world.store.dataset(named: TestWorld.datasetName)).schema
            let identifier = try #require(schema.names(withRole: .directIdentifier).first)
            let bad = try await officer.get(client, "/datasets/\(TestWorld.datasetName)/aggregate?by=\(identifier)")
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("cannot be a dimension"))
            // The export page offers the versions and formats, submitting to the audited API export
            let export = String(buffer: try await officer.get(client, "/datasets/\(TestWorld.datasetName)/export").body)
            #expect(export.contains("action=\"/api/v1/datasets/\(TestWorld.datasetName)/export\""))
            #expect(export.contains("<option value=\"xlsx\">"))
        }
    }

    // QA10 Q3: a CSV download is an export and is audited (the page view is not); its file name is ASCII.
    @Test func aTableDownloadIsAuditedAsAnExport() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let exported = { try await world.store.auditEvents(AuditFilter(action: .datasetExported)) }
            let before = try await exported().count
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            #expect(try await officer.get(client, "/datasets/\(TestWorld.datasetName)/aggregate?by=sex&min_cell=1").status == .ok)
            #expect(try await exported().count == before)
            let csv = try await officer.get(client, "/datasets/\(TestWorld.datasetName)/aggregate/download?by=adm1_code,sex&min_cell=1")
            #expect(csv.status == .ok)
            let events = try await exported()
            #expect(events.count == before + 1)
            let event = try #require(events.last)
            #expect(event.draft.actor == (try await world.user(.pimOfficer)).id.rawValue)
            #expect(event.draft.details["kind"] == "aggregate")
            #expect(event.draft.details["by"] == "adm1_code,sex")
            #expect(event.draft.details["min_cell"] == "1")
            #expect(event.draft.details["via"] == "web")
            // The analyst's (perturbed) download too
            let analyst = try await Browser.signedIn(client, as: .analyst)
            #expect(try await analyst.get(client, "/datasets/\(TestWorld.datasetName)/aggregate/download?by=sex").status == .ok)
            #expect(try await exported().count == before + 2)
            #expect(csv.headers[.contentDisposition] == "attachment; filename=\"\(TestWorld.datasetName)-by-adm1_code-sex.csv\"")
        }
    }

    @Test func anAnalystsTableIsPerturbedAndTheyHaveNoExport() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let r = try await analyst.get(client, "/datasets/\(TestWorld.datasetName)/aggregate?by=adm1_code,sex")
            #expect(r.status == .ok)
            let html = String(buffer: r.body)
            #expect(html.contains("cell-key method"))
            #expect(!String(buffer: try await analyst.get(client, "/datasets/\(TestWorld.datasetName)").body).contains("id=\"export-link\""))
            #expect(try await analyst.get(client, "/datasets/\(TestWorld.datasetName)/export").status == .forbidden)
            // Below the floor is refused
            let low = try await analyst.get(client, "/datasets/\(TestWorld.datasetName)/aggregate?by=adm1_code&min_cell=2")
            #expect(low.status == .badRequest)
            #expect(String(buffer: low.body).contains("at least 5"))
        }
    }
}
