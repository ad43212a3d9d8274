import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCore
import PIMFramework
import PIMSQLite
import PIMServer
import PIMStorage
import Testing

@Suite struct APITests {
    static func json(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as? [String: Any])
    }

    @Test func errorsAreProblemDetails() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            // Missing dataset
            let missing = try await analyst.get(client, "/api/v1/datasets/nothing-here")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/problem+json")
            let p = try Self.json(missing)
            #expect(p["status"] as? Int == 404)
            #expect(p["title"] as? String == "Not found")
            #expect((p["detail"] as? String)?.isEmpty == false)
            // Unknown route under the API
            let unknown = try await analyst.get(client, "/api/v1/no-such-route")
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.contentType] == "application/problem+json")
            // Analysts may not lower the threshold below 5
            let low = try await analyst.get(client, "/api/v1/datasets/cases/aggregate?by=adm1_code&min_cell=2")
            #expect(low.status == .badRequest)
            #expect((try Self.json(low)["detail"] as? String)?.contains("at least 5") == true)
            // Missing dimensions
            let noBy = try await analyst.get(client, "/api/v1/datasets/cases/aggregate")
            #expect(noBy.status == .badRequest)
            // Route-level denial
            let audit = try await analyst.get(client, "/api/v1/audit")
            #expect(audit.status == .forbidden)
            #expect(try Self.json(audit)["title"] as? String == "Forbidden")
        }
    }

    /// The API's dimensions take the recodings `pim aggregate` takes (QA W8): `opened=month` counts by month.
    @Test func aggregateDimensionsTakeRecodings() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let r = try await officer.get(client, "/api/v1/datasets/cases/aggregate?by=opened%3Dmonth,sex&min_cell=5")
            #expect(r.status == .ok, "\(String(buffer: r.body))")
            let body = try Self.json(r)
            let columns = try #require(body["columns"] as? [String])
            #expect(columns.prefix(2) == ["opened", "sex"])
            let rows = try #require(body["rows"] as? [[Any]])
            let months = Set(rows.compactMap { $0[0] as? String }.filter { $0 != "Total" })
            #expect(!months.isEmpty)
            // Every label is a month (yyyy-mm), not a day
            #expect(months.allSatisfy { $0.count == 7 && $0.dropFirst(4).first == "-" }, "\(months)")
            // The grand total is every case, as without the recoding
            let plain = try Self.json(try await officer.get(client, "/api/v1/datasets/cases/aggregate?by=sex&min_cell=5"))
            let count = try #require(columns.firstIndex(of: "count"))
            let total = rows.first { ($0[0] as? String) == "Total" && ($0[1] as? String) == "Total" }?[count] as? Int
            let plainTotal = (plain["rows"] as? [[Any]])?.first { ($0[0] as? String) == "Total" }?[1] as? Int
            #expect(total != nil)
            #expect(total == plainTotal)
            // An unknown recoding says which exist
            let bad = try await officer.get(client, "/api/v1/datasets/cases/aggregate?by=opened%3Ddecade")
            #expect(bad.status == .badRequest)
            #expect((try Self.json(bad)["detail"] as? String)?.contains("month") == true)
        }
    }

    @Test func directIdentifiersCannotBeAggregationDimensions() async throws {
        let world = try await TestWorld.make()
        let schema = try #require(try await world.store.dataset(named: TestWorld.datasetName)).schema
        let identifier = try #require(schema.names(withRole: .directIdentifier).first)
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let r = try await officer.get(client, "/api/v1/datasets/cases/aggregate?by=\(identifier)")
            #expect(r.status == .badRequest)
            #expect(r.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func aggregatesSuppressSmallCells() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let r = try await analyst.get(client, "/api/v1/datasets/cases/aggregate?by=adm1_code,sex&min_cell=5")
            #expect(r.status == .ok)
            let body = try Self.json(r)
            #expect(body["minCell"] as? Int == 5)
            let columns = try #require(body["columns"] as? [String])
            let rows = try #require(body["rows"] as? [[Any]])
            let count = try #require(columns.firstIndex(of: "count"))
            // No published count is between 1 and 4
            for row in rows {
                if let n = row[count] as? Int { #expect(n == 0 || n >= 5) }
            }
            #expect(!rows.isEmpty)
        }
    }

    @Test func riskUsesTheSchemaKeysOrTheGivenOnes() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let dpfp = try await Browser.signedIn(client, as: .dataProtectionFocalPoint)
            let r = try await dpfp.get(client, "/api/v1/datasets/cases/risk?keys=adm1_code,sex")
            #expect(r.status == .ok)
            let body = try Self.json(r)
            #expect(body["keys"] as? [String] == ["adm1_code", "sex"])
            #expect((body["recordCount"] as? Int ?? 0) > 0)
            let bad = try await dpfp.get(client, "/api/v1/datasets/cases/risk?keys=no_such_column")
            #expect(bad.status == .badRequest)
        }
    }

    @Test func outputsAreShareableByDefault() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let r = try await analyst.get(client, "/api/v1/datasets/cases/output")
            #expect(r.status == .ok)
            #expect(try Self.json(r)["shareable"] as? Bool == true)
        }
    }

    @Test func datasetsListOnlyMetadata() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let r = try await analyst.get(client, "/api/v1/datasets")
            let list = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as? [[String: Any]])
            #expect(list.count == 1)
            #expect(list.first?["name"] as? String == "cases")
            let latest = try #require(list.first?["latestVersion"] as? [String: Any])
            #expect(latest["number"] as? Int == 1)
            let detail = try Self.json(try await analyst.get(client, "/api/v1/datasets/cases"))
            #expect((detail["fields"] as? [Any])?.isEmpty == false)
        }
    }

    @Test func theAuditChainVerifies() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let admin = try await Browser.signedIn(client, as: .administrator)
            let r = try await admin.get(client, "/api/v1/audit/verify")
            #expect(try Self.json(r)["intact"] as? Bool == true)
            let events = try Self.json(try await admin.get(client, "/api/v1/audit?limit=2"))
            #expect((events["events"] as? [Any])?.count == 2)
            #expect((events["total"] as? Int ?? 0) >= 3)
        }
    }

    /// QA10 Q6: the chain's hashes are not keyed, so a rewritten and recomputed chain verifies; an anchor kept
    /// outside pim (the head shown by the page and the answer) does not move with it.
    @Test func anAnchorKeptOutsidePimShowsARewrittenLog() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let admin = try await Browser.signedIn(client, as: .administrator)
            let first = try Self.json(try await admin.get(client, "/api/v1/audit/verify"))
            let head = try #require(first["head"] as? [String: Any])
            let sequence = try #require(head["sequence"] as? Int)
            let hash = try #require(head["hash"] as? String)
            let stored = try await world.store.auditEvents(.all)
            #expect(sequence == stored.count && hash == stored.last?.hash)
            // The page shows the same anchor
            let page = String(buffer: try await admin.get(client, "/audit").body)
            #expect(page.contains("id=\"audit-head\"") && page.contains("\(sequence):\(hash)"))
            // Later (more events appended), the anchor still holds
            _ = try await Browser.signedIn(client, as: .analyst)
            let later = try Self.json(try await admin.get(client, "/api/v1/audit/verify?anchor=\(sequence):\(hash)"))
            #expect(later["intact"] as? Bool == true)
            #expect((later["anchor"] as? [String: Any])?["holds"] as? Bool == true)
            #expect(((later["head"] as? [String: Any])?["sequence"] as? Int ?? 0) > sequence)
            // An event whose hash is not the one kept (what a recomputed chain shows) is reported, at its sequence
            let other = String(hash.reversed())
            let rewritten = try Self.json(try await admin.get(client, "/api/v1/audit/verify?anchor=\(sequence):\(other)"))
            #expect(rewritten["intact"] as? Bool == false)
            #expect(rewritten["brokenAtSequence"] as? Int == sequence)
            #expect((rewritten["anchor"] as? [String: Any])?["holds"] as? Bool == false)
            // So is an anchor beyond the newest event (events removed), and a malformed anchor is refused
            let removed = try Self.json(try await admin.get(client, "/api/v1/audit/verify?anchor=\(sequence + 1000):\(hash)"))
            #expect(removed["intact"] as? Bool == false)
            #expect(try await admin.get(client, "/api/v1/audit/verify?anchor=12:abc").status == .badRequest)
        }
    }

    @Test func frameworkCategoriesAreServed() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let worker = try await Browser.signedIn(client, as: .caseWorker)
            let list = try Self.json(try await worker.get(client, "/api/v1/framework/categories"))
            #expect((list["rows"] as? [Any])?.count == 8)
            let one = try await worker.get(client, "/api/v1/framework/categories/human-rights")
            #expect(one.status == .ok)
            #expect(String(buffer: one.body).contains("protection-monitoring"))
            #expect(try await worker.get(client, "/api/v1/framework/categories/nope").status == .notFound)
        }
    }
}
