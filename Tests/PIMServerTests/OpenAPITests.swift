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

@Suite struct OpenAPITests {
    /// `METHOD path` of every operation in the served document.
    static func documentedOperations(_ json: Data) throws -> Set<String> {
        let doc = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(doc["openapi"] as? String == "3.1.0")
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        return Set(paths.flatMap { path, ops in ops.keys.map { "\($0.uppercased()) \(path)" } })
    }

    @Test func everyAPIRouteOfTheRouterIsDocumentedAndViceVersa() async throws {
        let world = try await TestWorld.make()
        // Given the routes the router really serves under /api/v1
        let router = try buildRouter(world.configuration, store: world.store)
        // (HEAD mirrors every GET and is not an operation of its own.)
        let served = Set(router.routes.filter { $0.path.description.hasPrefix("/api/v1") && $0.method != .head }
            .map { "\($0.method.rawValue) \($0.path.description)" })
        #expect(served.count == Route.allCases.filter { $0.kind == .api }.count)
        // When the document is fetched
        try await world.application().test(.router) { client in
            let r = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            #expect(r.status == .ok)
            let documented = try Self.documentedOperations(Data(String(buffer: r.body).utf8))
            // Then both sets are equal
            #expect(documented == served)
        }
    }

    /// QA10: the share routes document what they answer: the encryption fields of a request, a refusal as a
    /// recorded outcome (201), and 422 when consent was withdrawn after a package was made.
    @Test func theShareRoutesDocumentEncryptionRefusalsAndWithdrawnConsent() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let r = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as? [String: Any])
            let paths = try #require(doc["paths"] as? [String: [String: [String: Any]]])
            let download = try #require(paths["/api/v1/shares/{id}/download"]?["get"]?["responses"] as? [String: Any])
            #expect(download["422"] != nil)
            let create = try #require(paths["/api/v1/shares"]?["post"]?["responses"] as? [String: [String: Any]])
            #expect((create["201"]?["description"] as? String)?.contains("refused") == true)
            let schemas = try #require((doc["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
            let request = try #require(schemas["ShareRequest"]?["properties"] as? [String: Any])
            #expect(request["recipientPublicKey"] != nil && request["passphrase"] != nil)
            let share = try #require(schemas["Share"]?["properties"] as? [String: Any])
            #expect(share["recordsShared"] != nil)
        }
    }

    @Test func theRouterServesExactlyTheRouteTable() async throws {
        let world = try await TestWorld.make()
        let router = try buildRouter(world.configuration, store: world.store)
        let served = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        // Every route of the table, and HEAD wherever GET
        let table = Set(Route.allCases.map { "\($0.method.rawValue) \($0.path)" })
            .union(Route.allCases.filter { $0.method == .get }.map { "HEAD \($0.path)" })
        #expect(served == table)
    }

    @Test func pathParametersAreDeclared() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let r = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as? [String: Any])
            let paths = try #require(doc["paths"] as? [String: [String: [String: Any]]])
            let op = try #require(paths["/api/v1/datasets/{name}/aggregate"]?["get"])
            let params = try #require(op["parameters"] as? [[String: Any]])
            #expect(params.contains { $0["name"] as? String == "name" && $0["in"] as? String == "path" })
            #expect(params.contains { $0["name"] as? String == "by" && $0["required"] as? Bool == true })
            // The upload takes its format from the query or the Content-Type (TSV too), as the server does (QA19 F5)
            let upload = try #require(paths["/api/v1/datasets/{name}/versions"]?["post"])
            let uploadParams = try #require(upload["parameters"] as? [[String: Any]])
            #expect(uploadParams.contains { $0["name"] as? String == "format" && $0["required"] as? Bool == false })
            let body = try #require(upload["requestBody"] as? [String: Any])
            let content = try #require(body["content"] as? [String: Any])
            for type in ["text/csv", "text/tab-separated-values", "application/json"] {
                #expect(content[type] != nil && DataAPIController.format(mediaType: type) != nil, "\(type)")
            }
        }
    }
}
