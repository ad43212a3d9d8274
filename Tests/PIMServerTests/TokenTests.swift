import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCore
import PIMFramework
import PIMSQLite
import PIMServer
import PIMTable
import PIMStorage
import Testing

@Suite struct TokenTests {
    /// The secret shown in the `new-token` region of the tokens page.
    static func secret(in html: String) -> String? {
        guard let r = html.range(of: "id=\"token-value\" readonly size=\"70\" value=\"") else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }

    static func sha256(_ s: String) -> String { SHA256.hash(data: Data(s.utf8)).map { String(format: "%02x", $0) }.joined() }

    @Test func aPasswordResetRevokesTheUsersTokensAndALockedAccountsTokensAreRefused() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let page = String(buffer: try await analyst.post(client, "/account/tokens", ["name": "sync"]).body)
            let secret = try #require(Self.secret(in: page))
            #expect(try await Bearer.request(client, secret, .get, "/api/v1/datasets").status == .ok)
            // When the account is locked (failed logins), its token is refused too
            var user = try #require(try await world.store.user(named: "analyst"))
            user.lockedUntil = Date().addingTimeInterval(3600)
            try await world.store.update(user)
            #expect(try await Bearer.request(client, secret, .get, "/api/v1/datasets").status == .unauthorized)
            user.lockedUntil = nil
            try await world.store.update(user)
            #expect(try await Bearer.request(client, secret, .get, "/api/v1/datasets").status == .ok)
            // When an administrator resets the password, the token is revoked for good (audited)
            let admin = try await Browser.signedIn(client, as: .administrator)
            #expect(try await admin.post(client, "/admin/users/analyst", ["change": "password", "password": "a brand new long password"]).status
                == .seeOther)
            #expect(try await Bearer.request(client, secret, .get, "/api/v1/datasets").status == .unauthorized)
            let revocations = try await world.store.auditEvents(.all).filter { $0.draft.action == .tokenRevoked }
            #expect(revocations.count == 1)
        }
    }

    /// A token of scope read answers GET and HEAD and refuses anything that changes data, whatever its user's
    /// role allows; the scope is listed, audited, and a scope pim does not know is refused.
    @Test func aReadTokenOnlyReads() async throws {
        let world = try await TestWorld.make { $0.uploadDirectory = DataFixtures.tempDir() }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let page = String(buffer: try await officer.post(client, "/account/tokens", ["name": "dashboard", "scope": "read"]).body)
            #expect(page.contains("<td>read</td>"), "\(page)")
            let reader = try #require(Self.secret(in: page))
            let writerPage = String(buffer: try await officer.post(client, "/account/tokens", ["name": "loader"]).body)
            let writer = try #require(Self.secret(in: writerPage))
            #expect(try await Bearer.request(client, reader, .get, "/api/v1/datasets").status == .ok)
            #expect(try await Bearer.request(client, reader, .head, "/api/v1/datasets").status == .ok)
            // An upload the officer may make is refused with the read token, and stores nothing
            let path = "/api/v1/datasets/scoped/versions?format=csv&category=protection-monitoring&purpose=Test&file_name=s.csv"
            let refused = try await Bearer.request(client, reader, .post, path, body: "site,count\nNorth,4\n")
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body).contains("may only read (scope read)"), "\(String(buffer: refused.body))")
            #expect(try await world.store.dataset(named: "scoped") == nil)
            #expect(try await Bearer.request(client, reader, .delete, "/api/v1/tokens/0000000000000000").status == .forbidden)
            // The same upload with the read-write token is made
            #expect(try await Bearer.request(client, writer, .post, path, body: "site,count\nNorth,4\n").status == .created)
            // The list says each token's scope, the audit trail the scope it was made with
            let rows = try #require(try jsonObject(try await Bearer.request(client, writer, .get, "/api/v1/tokens")) as? [[String: Any]])
            #expect(Set(rows.compactMap { r in (r["name"] as? String).map { "\($0)=\(r["scope"] as? String ?? "")" } })
                == ["dashboard=read", "loader=read-write"])
            let created = try await world.store.auditEvents(.all).filter { $0.draft.action == .tokenCreated }
            #expect(created.map { $0.draft.details["scope"] ?? "" }.sorted() == ["read", "read-write"])
            // A scope pim does not know, or an empty one, is refused (never widened to read-write)
            let bad = try await officer.post(client, "/account/tokens", ["name": "odd", "scope": "admin"])
            #expect(String(buffer: bad.body).contains("scope must be read"))
            let empty = try await officer.post(client, "/account/tokens", ["name": "odd", "scope": " "])
            #expect(String(buffer: empty.body).contains("scope must be read"))
            // A name with a control character or a direction override is refused (QA19 F11)
            for name in ["night\u{0}ly", "export \u{202E}txt.exe"] {
                let odd = try await officer.post(client, "/account/tokens", ["name": name, "scope": "read"])
                #expect(String(buffer: odd.body).contains("must not hold control characters"), "\(name)")
            }
            let names = try await world.store.auditEvents(.all).filter { $0.draft.action == .tokenCreated }.count
            #expect(names == 2)
            // A JSON body over the 64 KiB limit is refused as too large, 413 (QA19 F9)
            let huge = try await officer.json(client, .post, "/api/v1/tokens", "{\"name\": \"" + String(repeating: "x", count: 70_000) + "\"}")
            #expect(huge.status == .contentTooLarge, "\(huge.status)")
        }
    }

    @Test func aTokenIsShownOnceStoredAsAHashUsableAndRevocable() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            // When the analyst creates a token
            let created = try await analyst.post(client, "/account/tokens", ["name": "nightly export", "expires_in_days": "30"])
            #expect(created.status == .ok)
            #expect(created.headers[.cacheControl] == "no-store")
            let html = String(buffer: created.body)
            #expect(html.contains("id=\"new-token\""))
            let secret = try #require(Self.secret(in: html))
            #expect(secret.hasPrefix("pim_") && secret.count == 68)
            // Then it is shown once: the list never shows it again
            let list = String(buffer: try await analyst.get(client, "/account/tokens").body)
            #expect(list.contains("nightly export"))
            #expect(!list.contains(secret))
            #expect(!list.contains("id=\"new-token\""))
            // It authenticates API calls without a cookie, and without a CSRF token for writes
            let datasets = try await Bearer.request(client, secret, .get, "/api/v1/datasets")
            #expect(datasets.status == .ok)
            #expect(String(buffer: datasets.body).contains("\"cases\""))
            // but it cannot mint another token (a leaked short-lived token must not become a lasting one)
            let another = try await Bearer.request(client, secret, .post, "/api/v1/tokens", body: #"{"name": "second"}"#)
            #expect(another.status == .badRequest)
            // It acts with the user's role: an analyst's token cannot administer
            #expect(try await Bearer.request(client, secret, .get, "/api/v1/users").status == .forbidden)
            // The token list API shows name and status, never the secret
            let tokens = try await Bearer.request(client, secret, .get, "/api/v1/tokens")
            #expect(!String(buffer: tokens.body).contains(secret))
            let rows = try #require(try jsonObject(tokens) as? [[String: Any]])
            let id = try #require(rows.first { $0["name"] as? String == "nightly export" }?["id"] as? String)
            #expect(rows.first { $0["id"] as? String == id }?["lastUsedAt"] != nil)
            // When revoked from the page
            #expect(try await analyst.post(client, "/account/tokens/\(id)/revoke", [:]).status == .seeOther)
            // Then it gets a 401 problem
            let after = try await Bearer.request(client, secret, .get, "/api/v1/datasets")
            #expect(after.status == .unauthorized)
            #expect(after.headers[.contentType] == "application/problem+json")
            #expect(after.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            // A made-up token too
            #expect(try await Bearer.request(client, "pim_" + String(repeating: "ab", count: 32), .get, "/api/v1/datasets").status
                == .unauthorized)
            // Only the hash is stored
            let docs = try await world.store.documents(kind: .apiToken)
            #expect(docs.count == 1)
            #expect(docs.contains { $0.id == Self.sha256(secret) })
            #expect(docs.allSatisfy { !$0.json.contains(secret) && !$0.id.contains(secret) })
        }
        // Creation and revocation are audited with ids
        let analyst = try await world.user(.analyst)
        let created = try await world.store.auditEvents(AuditFilter(action: .tokenCreated))
        #expect(created.count == 1 && created.allSatisfy { $0.draft.actor == analyst.id.rawValue })
        #expect(try await world.store.auditEvents(AuditFilter(action: .tokenRevoked)).count == 1)
    }

    @Test func expiredTokensAndDisabledUsersTokensAreRefused() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let shortLived = try #require(try jsonObject(
                try await officer.json(client, .post, "/api/v1/tokens", #"{"name": "short", "expiresInDays": 1}"#)) as? [String: Any])
            let lasting = try #require(try jsonObject(
                try await officer.json(client, .post, "/api/v1/tokens", #"{"name": "lasting"}"#)) as? [String: Any])
            let short = try #require(shortLived["token"] as? String)
            let long = try #require(lasting["token"] as? String)
            #expect(try await Bearer.request(client, short, .get, "/api/v1/datasets").status == .ok)
            // After the expiry, the short one is refused and the lasting one still works
            world.clock.advance(by: 2 * 86_400)
            #expect(try await Bearer.request(client, short, .get, "/api/v1/datasets").status == .unauthorized)
            #expect(try await Bearer.request(client, long, .get, "/api/v1/datasets").status == .ok)
            // When the user is disabled, their tokens stop working
            let admin = try await Browser.signedIn(client, as: .administrator)
            #expect(try await admin.json(client, .patch, "/api/v1/users/pim-officer", #"{"disabled": true}"#).status == .ok)
            #expect(try await Bearer.request(client, long, .get, "/api/v1/datasets").status == .unauthorized)
            // And work again when re-enabled (the token itself was not revoked)
            #expect(try await admin.json(client, .patch, "/api/v1/users/pim-officer", #"{"disabled": false}"#).status == .ok)
            #expect(try await Bearer.request(client, long, .get, "/api/v1/datasets").status == .ok)
        }
    }

    @Test func administratorsRevokeAnyTokenOthersOnlyTheirOwn() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let body = try #require(try jsonObject(try await analyst.json(client, .post, "/api/v1/tokens", #"{"name": "mine"}"#)) as? [String: Any])
            let secret = try #require(body["token"] as? String)
            let id = try #require((body["details"] as? [String: Any])?["id"] as? String)
            // Another user neither sees nor revokes it (404, as if missing)
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            #expect(!String(buffer: try await officer.get(client, "/api/v1/tokens").body).contains(id))
            #expect(try await officer.json(client, .delete, "/api/v1/tokens/\(id)").status == .notFound)
            #expect(try await officer.post(client, "/account/tokens/\(id)/revoke", [:]).status == .notFound)
            #expect(try await Bearer.request(client, secret, .get, "/api/v1/datasets").status == .ok)
            // An administrator sees everyone's tokens and revokes it
            let admin = try await Browser.signedIn(client, as: .administrator)
            let page = String(buffer: try await admin.get(client, "/account/tokens").body)
            #expect(page.contains("id=\"revoke-\(id)\""))
            #expect(try await admin.json(client, .delete, "/api/v1/tokens/\(id)").status == .noContent)
            #expect(try await Bearer.request(client, secret, .get, "/api/v1/datasets").status == .unauthorized)
        }
    }

    @Test func theOpenAPIDocumentDeclaresBearerTokensAndRequestBodies() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let r = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            let doc = try #require(try jsonObject(r) as? [String: Any])
            let components = try #require(doc["components"] as? [String: Any])
            let schemes = try #require(components["securitySchemes"] as? [String: [String: Any]])
            #expect(schemes["bearerToken"]?["scheme"] as? String == "bearer")
            let paths = try #require(doc["paths"] as? [String: [String: [String: Any]]])
            let create = try #require(paths["/api/v1/tokens"]?["post"])
            #expect(create["requestBody"] != nil)
            #expect((create["responses"] as? [String: Any])?["201"] != nil)
            let security = try #require(create["security"] as? [[String: [String]]])
            #expect(security.contains { $0["bearerToken"] != nil })
            #expect((paths["/api/v1/tokens/{id}"]?["delete"]?["responses"] as? [String: Any])?["204"] != nil)
            #expect(paths["/api/v1/users/{name}"]?["patch"]?["requestBody"] != nil)
        }
    }

    @Test func cookieSessionsStillNeedTheCSRFTokenForAPIWrites() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let r = try await analyst.json(client, .post, "/api/v1/tokens", #"{"name": "x"}"#, csrf: false)
            #expect(r.status == .forbidden)
            #expect(try await analyst.json(client, .post, "/api/v1/tokens", #"{"name": "x"}"#).status == .created)
        }
        #expect(try await world.store.documents(kind: .apiToken).count == 1)
    }
}
