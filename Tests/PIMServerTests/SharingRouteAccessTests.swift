import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCore
import PIMSQLite
import PIMServer
import PIMStorage
import Testing

/// The sharing POST routes × every role (the GET routes are in ``RouteAccessTests``' table), and what the
/// sharing pages show.
@Suite struct SharingRouteAccessTests {
    static let managers: Set<Role> = [.administrator, .pimOfficer, .dataProtectionFocalPoint]
    static let routes: Set<Route> = [.agreementCreate, .agreementStatus, .shareCreate, .apiAgreementCreate, .apiAgreementStatus,
                                     .apiShareCreate, .apiDatasetConsent, .consentRecord]

    @Test func everySharingPostAnswersEachRoleAsThePermissionMatrixSays() async throws {
        let world = try await TestWorld.make()
        _ = try await SharingFixture.install(in: world)
        let postRoutes = Route.allCases.filter { $0.method == .post && ![.login, .logout].contains($0) }
        #expect(Self.routes.isSubset(of: Set(postRoutes)))
        try await world.application().test(.router) { client in
            for role in Role.allCases {
                let browser = try await Browser.signedIn(client, as: role)
                let before = try await world.store.auditEvents(.all).count
                let agreementID = "ISP-\(role.rawValue)"
                let responses = [
                    (Route.agreementCreate, try await browser.post(client, "/agreements", [
                        ("id", agreementID), ("parties", "UNHCR,DRC"), ("purpose", "x"), ("legal_basis", "public-interest"),
                        ("covers", "cases"), ("level", "aggregated")])),
                    (.agreementStatus, try await browser.post(client, "/agreements/\(agreementID)/status", [("status", "active")])),
                    (.shareCreate, try await browser.post(client, "/shares", [("agreement", agreementID), ("dataset", "cases")])),
                    (.apiAgreementCreate, try await browser.postJSON(client, "/api/v1/agreements",
                        #"{"id":"API-\#(role.rawValue)","parties":["UNHCR"],"purpose":"x","legalBasis":"public-interest","covers":["cases"],"level":"aggregated"}"#)),
                    (.apiAgreementStatus, try await browser.postJSON(client, "/api/v1/agreements/API-\(role.rawValue)/status", #"{"status":"revoked"}"#)),
                    (.apiShareCreate, try await browser.postJSON(client, "/api/v1/shares", #"{"agreement":"ISP-A","dataset":"cases"}"#)),
                    (.apiDatasetConsent, try await browser.postJSON(client, "/api/v1/datasets/cases/consent",
                        #"{"purpose":"reporting","decision":"granted","records":["R-\#(role.rawValue)"]}"#)),
                    (.consentRecord, try await browser.post(client, "/datasets/cases/consent", [
                        ("purpose", "reporting"), ("decision", "granted"), ("records", "P-\(role.rawValue)")])),
                ]
                for (route, r) in responses {
                    if Self.managers.contains(role) {
                        let expected: [HTTPResponse.Status] = route.kind == .api || route == .consentRecord ? [.created, .ok] : [.seeOther]
                        #expect(expected.contains(r.status), "\(route) as \(role.rawValue): \(r.status)")
                    } else {
                        #expect(r.status == .forbidden, "\(route) as \(role.rawValue): \(r.status)")
                    }
                }
                let after = try await world.store.auditEvents(.all).count
                // Managers' requests are audited (2 creations, 2 status changes, 2 shares, 2 consent decisions); others
                // change nothing, and their two share requests are audited as refusals (not-permitted, QA20).
                #expect(after - before == (Self.managers.contains(role) ? 8 : 2), "\(role.rawValue)")
                if !Self.managers.contains(role) {
                    let refused = try await world.store.auditEvents(.all).suffix(2)
                    #expect(refused.allSatisfy { $0.draft.action == .shareRefused && $0.draft.details["reason"] == "not-permitted" })
                }
            }
        }
    }

    @Test func thePagesShowAgreementsSharesAndTheNavigation() async throws {
        let world = try await TestWorld.make()
        let fixture = try await SharingFixture.install(in: world)
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let home = String(buffer: try await officer.get(client, "/").body)
            #expect(home.contains("<a href=\"/agreements\">Agreements</a>"))
            #expect(home.contains("<a href=\"/shares\">Shares</a>"))
            #expect(home.contains("id=\"logout-form\""))
            let list = String(buffer: try await officer.get(client, "/agreements").body)
            #expect(list.contains("id=\"new-agreement\" href=\"/agreements/new\""))
            for text in ["<a href=\"/agreements/ISP-A\">ISP-A</a>", "status-active", "UNHCR, DRC", "Monthly trends", "<td>cases</td>",
                         "<td>aggregated</td>", "<td class=\"num\">5</td>", "2026-01-01 to open"] {
                #expect(list.contains(text), "\(text)")
            }
            let detail = String(buffer: try await officer.get(client, "/agreements/ISP-A").body)
            #expect(detail.contains("id=\"agreement-status-form\""))
            #expect(detail.contains("<option value=\"revoked\">"))
            #expect(detail.contains("/shares/\(fixture.shareA)"))
            let shares = String(buffer: try await officer.get(client, "/shares").body)
            #expect(shares.contains("id=\"new-share\" href=\"/shares/new\""))
            #expect(shares.contains(fixture.shareA))
            let form = String(buffer: try await officer.get(client, "/shares/new").body)
            #expect(form.contains("id=\"share-form\""))
            #expect(form.contains("<select id=\"agreement\" name=\"agreement\"><option value=\"ISP-A\" selected>"))
            #expect(form.contains("<select id=\"dataset\" name=\"dataset\"><option value=\"cases\""))
            #expect(form.contains("id=\"share-submit\""))
            // Analysts read but do not manage: no links to the forms, no download
            let analyst = try await Browser.signedIn(client, as: .analyst)
            #expect(!String(buffer: try await analyst.get(client, "/agreements").body).contains("id=\"new-agreement\""))
            let share = String(buffer: try await analyst.get(client, "/shares/\(fixture.shareA)").body)
            #expect(share.contains("id=\"share-package\""))
            #expect(!share.contains("id=\"share-download\""))
            // Case workers have no sharing links
            let worker = try await Browser.signedIn(client, as: .caseWorker)
            #expect(!String(buffer: try await worker.get(client, "/").body).contains("href=\"/agreements\""))
        }
    }

    @Test func theOpenAPIDocumentDescribesTheSharingRoutes() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let r = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as? [String: Any])
            let paths = try #require(doc["paths"] as? [String: [String: [String: Any]]])
            // Every sharing operation has a summary and its tag; POSTs have a JSON request body
            for (path, method, tag) in [
                ("/api/v1/agreements", "get", "agreements"), ("/api/v1/agreements", "post", "agreements"),
                ("/api/v1/agreements/{id}", "get", "agreements"), ("/api/v1/agreements/{id}/status", "post", "agreements"),
                ("/api/v1/shares", "get", "shares"), ("/api/v1/shares", "post", "shares"), ("/api/v1/shares/{id}", "get", "shares"),
                ("/api/v1/shares/{id}/download", "get", "shares"),
            ] {
                let op = try #require(paths[path]?[method], "\(method) \(path)")
                #expect((op["summary"] as? String)?.isEmpty == false)
                #expect(op["tags"] as? [String] == [tag])
                if method == "post" {
                    let body = try #require(op["requestBody"] as? [String: Any], "\(path)")
                    #expect((body["content"] as? [String: Any])?["application/json"] != nil)
                }
            }
            let create = try #require(paths["/api/v1/shares"]?["post"]?["responses"] as? [String: Any])
            #expect(create["201"] != nil && create["422"] != nil)
            // The audit filters are declared
            let audit = try #require(paths["/api/v1/audit"]?["get"]?["parameters"] as? [[String: Any]])
            let names = Set(audit.compactMap { $0["name"] as? String })
            #expect(names.isSuperset(of: ["actor", "action", "dataset", "from", "to", "offset", "limit"]))
            let schemas = try #require((doc["components"] as? [String: Any])?["schemas"] as? [String: Any])
            for name in ["Agreement", "AgreementList", "NewAgreement", "Share", "ShareList", "ShareRequest", "StatusChange"] {
                #expect(schemas[name] != nil, "\(name)")
            }
        }
    }
}
