import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCore
@testable import PIMServer
import Testing

@Suite struct MethodNotAllowedTests {
    @Test func routeTableListsTheMethodsOfAnAddress() {
        // /login is a GET (the form) and a POST (signing in); /logout a POST only; parameters match any segment
        #expect(Route.methods(answering: "/login") == ["GET", "POST"])
        #expect(Route.methods(answering: "/logout") == ["POST"])
        #expect(Route.methods(answering: "/api/v1/datasets/pm-2026/risk") == ["GET"])
        #expect(Route.methods(answering: "/api/v1/datasets/pm-2026/risk/extra").isEmpty)
        #expect(Route.methods(answering: "/nowhere").isEmpty)
    }

    @Test func aWrongMethodIsA405WithAllowAndAnUnknownAddressA404() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            // A page address answered with the wrong method
            let page = try await client.execute(uri: "/logout", method: .get)
            #expect(page.status == .methodNotAllowed)
            #expect(page.headers[.allow] == "POST")
            // An API address: problem+json with the status and the methods
            let api = try await client.execute(uri: "/api/v1/datasets", method: .delete)
            #expect(api.status == .methodNotAllowed)
            #expect(api.headers[.contentType] == "application/problem+json")
            #expect(api.headers[.allow] == "GET")
            #expect(String(buffer: api.body).contains("\"status\":405") || String(buffer: api.body).contains("\"status\" : 405"))
            // An address no route has stays a 404
            #expect(try await client.execute(uri: "/api/v1/nowhere", method: .get).status == .notFound)
            // A dataset the user may not see stays a 404 with the right method (its existence is not revealed)
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            #expect(try await officer.get(client, "/api/v1/datasets/no-such-dataset").status == .notFound)
        }
    }
}
