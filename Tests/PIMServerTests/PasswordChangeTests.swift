import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCore
import PIMServer
import PIMSQLite
import PIMStorage
import Testing

/// A signed-in user changes their own password (QA finding W10): on `/account/password` and through the API.
@Suite struct PasswordChangeTests {
    static let newPassword = "a brand new passphrase"

    @Test func aUserChangesTheirOwnPasswordAndEveryOtherWayInEnds() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let here = try await Browser.signedIn(client, as: .analyst)
            let elsewhere = try await Browser.signedIn(client, as: .analyst)
            // An API token of theirs
            let created = try await here.json(client, .post, "/api/v1/tokens", #"{"name": "script"}"#)
            #expect(created.status == .created)
            let secret = try #require((try jsonObject(created) as? [String: Any])?["token"] as? String)
            var bearer = HTTPFields()
            bearer[.authorization] = "Bearer \(secret)"
            #expect(try await client.execute(uri: "/api/v1/datasets", method: .get, headers: bearer).status == .ok)
            // The page has the form
            let form = try await here.get(client, "/account/password")
            #expect(form.status == .ok)
            #expect(String(buffer: form.body).contains("id=\"password-form\""))
            // Refused: a wrong current password, two different new ones, a short one, the same one
            let wrong = try await here.post(client, "/account/password", [
                "current_password": "not my password at all", "new_password": Self.newPassword, "repeat_password": Self.newPassword])
            #expect(wrong.status == .badRequest)
            #expect(String(buffer: wrong.body).contains("current password is not right"))
            let differ = try await here.post(client, "/account/password", [
                "current_password": TestWorld.password, "new_password": Self.newPassword, "repeat_password": Self.newPassword + "x"])
            #expect(String(buffer: differ.body).contains("differ"))
            let short = try await here.post(client, "/account/password", [
                "current_password": TestWorld.password, "new_password": "short", "repeat_password": "short"])
            #expect(short.status == .badRequest)
            let same = try await here.post(client, "/account/password", [
                "current_password": TestWorld.password, "new_password": TestWorld.password, "repeat_password": TestWorld.password])
            #expect(String(buffer: same.body).contains("is the current one"))
            // The wrong attempt counted as a failed sign-in
            #expect(try await world.store.user(named: TestWorld.userName(.analyst))?.failedLogins == 1)
            // Changed
            let ok = try await here.post(client, "/account/password", [
                "current_password": TestWorld.password, "new_password": Self.newPassword, "repeat_password": Self.newPassword])
            #expect(ok.status == .seeOther)
            // The user goes on in a new session (QA9 F4: the old session id, which may be what leaked, ends
            // with the others); the other session and the API token are gone
            let renewed = try await here.renewed(by: ok, client)
            #expect(renewed.cookie != here.cookie)
            #expect(try await renewed.get(client, "/account/password?done=changed").status == .ok)
            #expect(try await here.get(client, "/").status == .seeOther)
            #expect(try await elsewhere.get(client, "/").status == .seeOther)
            #expect(try await client.execute(uri: "/api/v1/datasets", method: .get, headers: bearer).status == .unauthorized)
            // The new password signs in, the old one does not
            let (old, _) = try await Browser.atLoginForm(client).postLogin(client, user: TestWorld.userName(.analyst))
            #expect(old.status != .seeOther)
            let (new, _) = try await Browser.atLoginForm(client).postLogin(client, user: TestWorld.userName(.analyst), password: Self.newPassword)
            #expect(new.status == .seeOther)
            #expect(try await world.store.user(named: TestWorld.userName(.analyst))?.failedLogins == 0)
        }
        // One audit event says the password was changed, and holds no password
        let events = try await world.store.auditEvents(AuditFilter(action: .userUpdated))
        let change = try #require(events.last)
        #expect(change.draft.details["password"] == "changed")
        let text = String(describing: change)
        #expect(!text.contains(Self.newPassword) && !text.contains(TestWorld.password))
    }

    @Test func theAPIChangesAPasswordWithASessionButNeverWithAToken() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let b = try await Browser.signedIn(client, as: .pimOfficer)
            let created = try await b.json(client, .post, "/api/v1/tokens", #"{"name": "script"}"#)
            let secret = try #require((try jsonObject(created) as? [String: Any])?["token"] as? String)
            var h = HTTPFields()
            h[.authorization] = "Bearer \(secret)"
            h[.contentType] = "application/json"
            let body = #"{"current": "\#(TestWorld.password)", "new": "\#(Self.newPassword)"}"#
            let byToken = try await client.execute(uri: "/api/v1/account/password", method: .post, headers: h, body: ByteBuffer(string: body))
            #expect(byToken.status == .badRequest)
            #expect(String(buffer: byToken.body).contains("not with an API token"))
            // A malformed body says what is expected
            let malformed = try await b.json(client, .post, "/api/v1/account/password", #"{"password": "x"}"#)
            #expect(malformed.status == .badRequest)
            let changed = try await b.json(client, .post, "/api/v1/account/password", body)
            #expect(changed.status == .noContent)
            // A new session cookie; the one that asked has ended (QA9 F4)
            let renewed = try await b.renewed(by: changed, client)
            #expect(renewed.cookie != b.cookie)
            #expect(try await renewed.get(client, "/api/v1/datasets").status == .ok)
            #expect(try await b.get(client, "/api/v1/datasets").status == .unauthorized)
            let (r, _) = try await Browser.atLoginForm(client).postLogin(client, user: TestWorld.userName(.pimOfficer), password: Self.newPassword)
            #expect(r.status == .seeOther)
        }
    }

    @Test func wrongCurrentPasswordsLockTheAccountAsWrongSignInsDo() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let b = try await Browser.signedIn(client, as: .analyst)
            for _ in 0..<6 {
                _ = try await b.post(client, "/account/password", [
                    "current_password": "a wrong guess of it", "new_password": Self.newPassword, "repeat_password": Self.newPassword])
            }
            // Locked: the session that guessed ends, and the right password no longer signs in for now
            let user = try #require(try await world.store.user(named: TestWorld.userName(.analyst)))
            #expect(user.lockedUntil != nil)
            #expect(try await b.get(client, "/").status == .seeOther)
            let (r, _) = try await Browser.atLoginForm(client).postLogin(client, user: TestWorld.userName(.analyst))
            #expect(r.status != .seeOther)
        }
    }
}

extension Browser {
    /// After a password change (QA9 F4): the new session's cookie from `r`, and its CSRF token from the home page.
    func renewed(by r: TestResponse, _ client: some TestClientProtocol) async throws -> Browser {
        let cookie = try #require(Browser.sessionCookie(r))
        var next = self
        next.cookie = cookie
        let home = try await next.get(client, "/")
        next.csrf = Browser.csrfToken(String(buffer: home.body))
        return next
    }
}
