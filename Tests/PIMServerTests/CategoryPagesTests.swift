import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCategories
import PIMCore
import PIMFramework
import PIMServer
import PIMSQLite
import PIMStorage
import PIMTable
import PIMTesting
import Testing

@Suite struct CategoryPagesTests {
    /// Stores the synthetic demo table of `category` as a dataset named `demo-<category>`.
    static func addDemo(_ category: PIMCategory.ID, to store: SQLiteStore, purpose: String? = nil) async throws {
        let table = DemoGenerator(seed: 3, scale: .small).table(for: category)
        let schema = templateRoleSchema(of: table, category: category)
        let dataset = Dataset(name: "demo-\(category.rawValue)", category: category.rawValue, schema: schema, sensitivity: .moderate,
                              purpose: purpose ?? "Synthetic \(category.rawValue)", createdAt: Fixtures.epoch)
        _ = try await store.addVersion(of: dataset.id, table: table, schema: schema,
                                       provenance: Fixtures.provenance(sha: String(repeating: "b", count: 63) + String(category.rawValue.count % 10)),
                                       audit: AuditDraft(at: Fixtures.epoch, actor: "test", action: .datasetImported), creating: dataset)
    }

    @Test(arguments: PIMCategory.ID.allCases)
    func everyCategorysDatasetPageAndOutputRender(_ category: PIMCategory.ID) async throws {
        let world = try await TestWorld.make()
        try await Self.addDemo(category, to: world.store)
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let page = try await officer.get(client, "/datasets/demo-\(category.rawValue)")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(!html.contains("class=\"alert\""), "output error on \(category)")
            #expect(html.contains("<table"))
            for view in ["shareable", "internal"] {
                let api = try await officer.get(client, "/api/v1/datasets/demo-\(category.rawValue)/output?view=\(view)")
                #expect(api.status == .ok, "\(category) \(view)")
            }
        }
    }

    @Test func textFromUsersIsEscapedInPages() async throws {
        let world = try await TestWorld.make()
        try await Self.addDemo(.populationData, to: world.store, purpose: "<script>alert('x')</script> & more")
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let html = String(buffer: try await officer.get(client, "/datasets/demo-population-data").body)
            #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"))
            #expect(!html.contains("<script>"))
        }
    }
}
