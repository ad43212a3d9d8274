import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCore
import PIMFramework
import PIMSQLite
@testable import PIMServer
import PIMStorage
import Testing

@Suite struct PageTests {
    @Test func theDatasetPageDrawsAnAccessibleSVGChart() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let r = try await officer.get(client, "/datasets/cases")
            #expect(r.status == .ok)
            let html = String(buffer: r.body)
            // An SVG with a role, a title and a description, and bars
            #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(html.contains("role=\"img\""))
            #expect(html.contains("<title id=\"chart-title\">"))
            #expect(html.contains("<desc id=\"chart-desc\">"))
            #expect(html.contains("<rect class=\"bar\""))
            // The text alternative: the chart's data as a table
            #expect(html.contains("Data of the chart"))
            let chartTable = try #require(html.range(of: "Data of the chart").map { String(html[$0.upperBound...].prefix(1500)) })
            #expect(chartTable.contains(#/<td class="num">\d+</td>/#))
            // Schema roles and provenance
            #expect(html.contains("direct-identifier"))
            #expect(html.contains("KoboToolbox"))
            // No scripts anywhere
            #expect(!html.lowercased().contains("<script"))
        }
    }

    @Test func theHomePageListsTheEightCategoriesAndTheDataset() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let html = String(buffer: try await analyst.get(client, "/").body)
            #expect(html.components(separatedBy: "<section class=\"category\"").count - 1 == 8)
            #expect(html.contains("href=\"/datasets/cases\""))
            #expect(html.contains("name=\"csrf_token\""))
        }
    }

    @Test func theHomePageShowsFreshnessGapsAndScenarioCoverage() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            func count(_ html: String, _ s: String) -> Int { html.components(separatedBy: s).count - 1 }
            let admin = try await Browser.signedIn(client, as: .administrator)
            var html = String(buffer: try await admin.get(client, "/").body)
            // The case data (up to 2026-01-31) is current; the seven categories without data are gaps
            #expect(count(html, "data-status=\"current\"") == 1)
            #expect(count(html, "data-status=\"gap\"") == 7)
            #expect(html.contains("7 of the eight categories have no current data"))
            #expect(html.contains("<td>2026-01-31</td>"))
            // §11 coverage: one row per scenario, the first in detail; another chosen by the query
            #expect(count(html, "href=\"/?scenario=") == PIMFramework.standard.scenarios.count)
            #expect(html.contains("id=\"scenario-detail\""))
            let last = try #require(PIMFramework.standard.scenarios.last)
            html = String(buffer: try await admin.get(client, "/?scenario=\(last.id.rawValue)").body)
            #expect(html.contains("<caption>\(last.name): data needs</caption>"))
            // Coverage names systems and datasets: not for a partner viewer, who also sees no dataset here
            let partner = try await Browser.signedIn(client, as: .partnerViewer)
            let theirs = String(buffer: try await partner.get(client, "/").body)
            #expect(!theirs.contains("scenario-coverage"))
            #expect(count(theirs, "data-status=\"gap\"") == 8)
            // 120 days later the case data is stale
            world.clock.advance(by: 120 * 86_400)
            let later = try await Browser.signedIn(client, as: .administrator)
            html = String(buffer: try await later.get(client, "/").body)
            #expect(count(html, "data-status=\"stale\"") == 1)
            #expect(html.contains("days old (more than 90)"))
            #expect(html.contains("8 of the eight categories"))
        }
    }

    @Test func pagesCarrySecurityHeaders() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let r = try await client.execute(uri: "/login", method: .get)
            #expect(r.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(r.headers[.xContentTypeOptions] == "nosniff")
            #expect(r.headers[.cacheControl] == "no-store")
            let css = try await client.execute(uri: "/static/pim.css", method: .get)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(String(buffer: css.body).contains("--accent"))
        }
    }

    @Test func largeTablesPaginate() async throws {
        let world = try await TestWorld.make { $0.pageSize = 5 }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let first = String(buffer: try await officer.get(client, "/datasets/cases").body)
            #expect(first.contains("rel=\"next\" href=\"?page=2\""))
            let second = String(buffer: try await officer.get(client, "/datasets/cases?page=2").body)
            #expect(second.contains("rel=\"prev\" href=\"?page=1\""))
            #expect(second.contains("rows 6–10"))
        }
    }

    @Test func theAuditPageShowsTheChainCheck() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let dpfp = try await Browser.signedIn(client, as: .dataProtectionFocalPoint)
            let html = String(buffer: try await dpfp.get(client, "/audit").body)
            #expect(html.contains("The audit chain is intact"))
            #expect(html.contains("auth.login"))
        }
    }

    @Test func theFrameworkBrowserShowsTheMatrixAndACategory() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let viewer = try await Browser.signedIn(client, as: .partnerViewer)
            let matrix = String(buffer: try await viewer.get(client, "/framework").body)
            #expect(matrix.contains("Sub-category examples"))
            #expect(matrix.contains("href=\"/framework/case-management\""))
            let category = try await viewer.get(client, "/framework/case-management")
            #expect(category.status == .ok)
            #expect(String(buffer: category.body).contains("What may be shared"))
            #expect(try await viewer.get(client, "/framework/unknown").status == .notFound)
            // The matrix page searches the framework: the same hits, in the same order, as PIMFramework.search
            let expected = PIMFramework.standard.search("population figures").hits.map(\.category.rawValue)
            #expect(!expected.isEmpty)
            let html = String(buffer: try await viewer.get(client, "/framework?q=population+figures").body)
            #expect(html.contains("id=\"search-results\""))
            let shown = expected.compactMap { id in html.range(of: "<h3><a href=\"/framework/\(id)\"")?.lowerBound }
            #expect(shown.count == expected.count)
            #expect(shown == shown.sorted())
            let none = String(buffer: try await viewer.get(client, "/framework?q=zzqx+blorp").body)
            #expect(none.contains("No category's entries match these words."))
        }
    }

    @Test func chartSVGEscapesLabels() {
        let chart = BarChart(title: "Cases by area", unit: "cases", bars: [.init(label: "<script>&", value: 12), .init(label: "B", value: nil)])
        let svg = chart.svg()
        #expect(svg.contains("suppressed"))
        #expect(chart.summary.contains("largest is <script>& with 12 cases; 1 suppressed"))
        #expect(svg.contains("&lt;script&gt;&amp;"))
        #expect(!svg.contains("<script>"))
    }
}
