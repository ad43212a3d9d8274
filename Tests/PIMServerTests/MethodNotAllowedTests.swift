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
        // (HEAD wherever GET)
        #expect(Route.methods(answering: "/login") == ["GET", "HEAD", "POST"])
        #expect(Route.methods(answering: "/logout") == ["POST"])
        #expect(Route.methods(answering: "/api/v1/datasets/pm-2026/risk") == ["GET", "HEAD"])
        #expect(Route.methods(answering: "/api/v1/datasets/pm-2026/risk/extra").isEmpty)
        #expect(Route.methods(answering: "/nowhere").isEmpty)
    }

    @Test func anErrorPageKnowsWhoIsSignedIn() async throws {
        // QA19 F6: the error page is drawn outside the session middleware; it must still offer a signed-in user the
        // workspace, not the sign-in form
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let admin = try await Browser.signedIn(client, as: .administrator)
            let missing = try await admin.get(client, "/datasets/no-such-dataset")
            #expect(missing.status == .notFound)
            let html = String(buffer: missing.body)
            #expect(html.contains("Back to the workspace"), "\(html)")
            #expect(!html.contains(">Sign in</a>"))
            // Signed out, the same address offers the sign-in form
            let anonymous = try await client.execute(uri: "/nowhere", method: .get)
            #expect(String(buffer: anonymous.body).contains("Sign in"))
        }
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
            #expect(api.headers[.allow] == "GET, HEAD")
            #expect(String(buffer: api.body).contains("\"status\":405") || String(buffer: api.body).contains("\"status\" : 405"))
            // HEAD answers wherever GET does (QA W23), with the same status and headers and no body
            let head = try await client.execute(uri: "/login", method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(try await client.execute(uri: "/health", method: .head).status == .ok)
            // and with the same checks: a page needing a session sends to the sign-in form, an API address is a 401
            #expect(try await client.execute(uri: "/audit", method: .head).status == .seeOther)
            #expect(try await client.execute(uri: "/api/v1/audit", method: .head).status == .unauthorized)
            // An address no route has stays a 404
            #expect(try await client.execute(uri: "/api/v1/nowhere", method: .get).status == .notFound)
            // A dataset the user may not see stays a 404 with the right method (its existence is not revealed)
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            #expect(try await officer.get(client, "/api/v1/datasets/no-such-dataset").status == .notFound)
        }
    }
}
