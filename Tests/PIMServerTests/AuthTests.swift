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

@Suite struct AuthTests {
    @Test func signInSetsAStrictHttpOnlySessionCookieAndOpensTheWorkspace() async throws {
        // Given a workspace with an analyst
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            // When the analyst signs in with the right password
            let (r, browser) = try await Browser.atLoginForm(client).postLogin(client, user: "analyst")
            // Then a new session cookie is set, HttpOnly and SameSite=Strict, and the home page opens
            #expect(r.status == .seeOther)
            #expect(r.headers[.location] == "/")
            let cookie = try #require(r.headers[.setCookie])
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"))
            let home = try await browser.get(client, "/")
            #expect(home.status == .ok)
            #expect(String(buffer: home.body).contains("Test response"))
        }
        // And the login is audited with the user's id only
        let analyst = try await world.user(.analyst)
        let logins = try await world.store.auditEvents(AuditFilter(action: .login))
        #expect(logins.map(\.draft.actor) == [analyst.id.rawValue])
    }

    /// User names are unique without case, so sign-in matches the stored name whatever the case typed.
    @Test func signInIgnoresTheCaseOfTheUserName() async throws {
        // Given a workspace with an analyst named "analyst"
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            // When they sign in as "ANALYST" with the right password
            let (r, browser) = try await Browser.atLoginForm(client).postLogin(client, user: "ANALYST")
            // Then they are signed in as the stored user
            #expect(r.status == .seeOther)
            #expect(r.headers[.location] == "/")
            let home = try await browser.get(client, "/")
            #expect(home.status == .ok)
            // and a wrong password for "Analyst" counts against that user
            _ = try await Browser.atLoginForm(client).postLogin(client, user: "Analyst", password: "not the right one")
        }
        let analyst = try await world.user(.analyst)
        let logins = try await world.store.auditEvents(AuditFilter(action: .login))
        #expect(logins.map(\.draft.actor) == [analyst.id.rawValue])
        #expect(analyst.failedLogins == 1)
    }

    @Test func secureCookiesUseTheHostPrefix() async throws {
        let world = try await TestWorld.make { $0.secureCookies = true }
        try await world.application().test(.router) { client in
            let r = try await client.execute(uri: "/login", method: .get)
            let cookie = try #require(r.headers[.setCookie])
            #expect(cookie.hasPrefix("__Host-pim_session="))
            #expect(cookie.contains("Secure"))
        }
    }

    @Test func aWrongPasswordIsRefusedAndAuditedWithoutTheUserName() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let (r, browser) = try await Browser.atLoginForm(client).postLogin(client, user: "analyst", password: "not the right one")
            #expect(r.status == .unauthorized)
            #expect(String(buffer: r.body).contains("role=\"alert\""))
            // Still anonymous: the home page redirects to the login form
            let home = try await browser.get(client, "/")
            #expect(home.status == .seeOther)
        }
        let failures = try await world.store.auditEvents(AuditFilter(action: .loginFailed))
        let analyst = try await world.user(.analyst)
        #expect(failures.count == 1)
        #expect(failures.first?.draft.actor == analyst.id.rawValue)
        #expect(failures.first?.draft.details == ["reason": "bad-password"])
        #expect(try await world.user(.analyst).failedLogins == 1)
    }

    @Test func anUnknownUserIsRefusedLikeAWrongPassword() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let (r, _) = try await Browser.atLoginForm(client).postLogin(client, user: "nobody", password: "whatever whatever")
            #expect(r.status == .unauthorized)
        }
        let failures = try await world.store.auditEvents(AuditFilter(action: .loginFailed))
        #expect(failures.map(\.draft.actor) == ["anonymous"])
        #expect(!failures.contains { $0.draft.details.values.contains("nobody") })
    }

    @Test func sixFailuresLockTheAccountForThirtyMinutes() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            var browser = try await Browser.atLoginForm(client)
            // When six wrong passwords are tried
            for _ in 1...6 {
                let (r, b) = try await browser.postLogin(client, user: "pim-officer", password: "wrong password!")
                #expect(r.status == .unauthorized)
                browser = b
            }
            // Then even the right password is refused
            let (locked, _) = try await browser.postLogin(client, user: "pim-officer")
            #expect(locked.status == .unauthorized)
            let user = try await world.user(.pimOfficer)
            #expect(user.lockedUntil == world.clock.now().addingTimeInterval(30 * 60))
            // And after 31 minutes the right password works again and clears the lock
            world.clock.advance(by: 31 * 60)
            let (r, _) = try await Browser.atLoginForm(client).postLogin(client, user: "pim-officer")
            #expect(r.status == .seeOther)
        }
        let user = try await world.user(.pimOfficer)
        #expect(user.lockedUntil == nil)
        #expect(user.failedLogins == 0)
        let failures = try await world.store.auditEvents(AuditFilter(action: .loginFailed))
        #expect(failures.filter { $0.draft.details["locked"] == "true" }.count == 1)
        #expect(failures.filter { $0.draft.details["reason"] == "locked" }.count == 1)
    }

    @Test func tooManyAttemptsForOneUserAnswer429() async throws {
        let world = try await TestWorld.make { $0.loginAttemptsPerUser = 3 }
        try await world.application().test(.router) { client in
            let browser = try await Browser.atLoginForm(client)
            for _ in 1...3 {
                let (r, _) = try await browser.postLogin(client, user: "analyst", password: "wrong password!")
                #expect(r.status == .unauthorized)
            }
            let (r, _) = try await browser.postLogin(client, user: "analyst")
            #expect(r.status == .tooManyRequests)
            #expect(r.headers[.retryAfter].flatMap(Int.init).map { $0 > 0 } == true)
            // The window passes
            world.clock.advance(by: 16 * 60)
            let (ok, _) = try await browser.postLogin(client, user: "analyst")
            #expect(ok.status == .seeOther)
        }
    }

    @Test func tooManyAttemptsFromOneAddressAnswer429() async throws {
        let world = try await TestWorld.make {
            $0.loginAttemptsPerAddress = 2
            $0.trustForwardedFor = true
        }
        try await world.application().test(.router) { client in
            let browser = try await Browser.atLoginForm(client)
            let from: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "192.0.2.7"]
            let other: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "192.0.2.8"]
            for user in ["analyst", "supervisor"] {
                let (r, _) = try await browser.postLogin(client, user: user, password: "wrong password!", extraHeaders: from)
                #expect(r.status == .unauthorized)
            }
            let (limited, _) = try await browser.postLogin(client, user: "case-worker", extraHeaders: from)
            #expect(limited.status == .tooManyRequests)
            let (elsewhere, _) = try await browser.postLogin(client, user: "case-worker", extraHeaders: other)
            #expect(elsewhere.status == .seeOther)
        }
    }

    /// Sign-ins that succeed do not count towards the address's limit: colleagues behind one address sign in
    /// as often as they need, while failures from it are still limited.
    @Test func successfulSignInsDoNotCountTowardsTheLimit() async throws {
        let world = try await TestWorld.make {
            $0.loginAttemptsPerAddress = 2
            $0.loginAttemptsPerUser = 2
            $0.trustForwardedFor = true
        }
        try await world.application().test(.router) { client in
            let from: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "192.0.2.9"]
            for user in ["analyst", "supervisor", "case-worker", "analyst", "supervisor"] {
                let (r, _) = try await Browser.atLoginForm(client).postLogin(client, user: user, extraHeaders: from)
                #expect(r.status == .seeOther, "\(user)")
            }
            let browser = try await Browser.atLoginForm(client)
            for user in ["analyst", "supervisor"] {
                let (r, _) = try await browser.postLogin(client, user: user, password: "wrong password!", extraHeaders: from)
                #expect(r.status == .unauthorized)
            }
            let (limited, _) = try await browser.postLogin(client, user: "case-worker", extraHeaders: from)
            #expect(limited.status == .tooManyRequests)
        }
    }

    /// bcrypt reads 72 bytes: a longer new password is refused, and at sign-in a longer one never matches
    /// (it would otherwise be accepted whatever followed its first 72 bytes).
    @Test func passwordsLongerThanBcryptReadsAreRefused() throws {
        let hasher = PasswordHasher(cost: 4)
        let long = String(repeating: "A", count: 72) + "-tail"
        #expect(throws: DomainError.passwordTooLong(maximumBytes: 72)) { try hasher.hash(newPassword: long) }
        // 36 two-byte letters are 72 bytes: accepted; one more is not.
        let arabic = String(repeating: "بتثجحخ", count: 6)
        let hash = try hasher.hash(newPassword: arabic)
        #expect(hasher.verify(arabic, against: hash))
        #expect(throws: DomainError.self) { try hasher.hash(newPassword: arabic + "ب") }
        #expect(!hasher.verify(arabic + "anything", against: hash))
    }

    @Test func postsWithoutTheCSRFTokenAreRejected() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            // A login form posted without its token, or with another one
            let browser = try await Browser.atLoginForm(client)
            let (none, _) = try await browser.postLogin(client, user: "analyst", csrf: .some(nil))
            #expect(none.status == .forbidden)
            let (forged, _) = try await browser.postLogin(client, user: "analyst", csrf: .some(String(repeating: "0", count: 64)))
            #expect(forged.status == .forbidden)
            // A login post with no session at all
            let (noSession, _) = try await Browser().postLogin(client, user: "analyst", csrf: .some("abc"))
            #expect(noSession.status == .forbidden)
            // A logout without the token leaves the session alive
            let signedIn = try await Browser.signedIn(client, as: .analyst)
            var h = signedIn.headers
            h[.contentType] = "application/x-www-form-urlencoded"
            let logout = try await client.execute(uri: "/logout", method: .post, headers: h, body: ByteBuffer(string: ""))
            #expect(logout.status == .forbidden)
            #expect(try await signedIn.get(client, "/").status == .ok)
        }
        #expect(try await world.store.auditEvents(AuditFilter(action: .login)).isEmpty == false)
    }

    @Test func logoutEndsTheSession() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let browser = try await Browser.signedIn(client, as: .dataProtectionFocalPoint)
            var h = browser.headers
            h[.contentType] = "application/x-www-form-urlencoded"
            let r = try await client.execute(uri: "/logout", method: .post, headers: h,
                                             body: ByteBuffer(string: "csrf_token=\(browser.csrf ?? "")"))
            #expect(r.status == .seeOther)
            #expect(r.headers[.location] == "/login")
            #expect(r.headers[.setCookie]?.contains("Max-Age=0") == true)
            // The old cookie no longer opens anything
            #expect(try await browser.get(client, "/").status == .seeOther)
            #expect(try await browser.get(client, "/api/v1/datasets").status == .unauthorized)
        }
    }

    @Test func sessionsExpireAfterSixtyIdleMinutes() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let browser = try await Browser.signedIn(client, as: .analyst)
            // Activity at 59 minutes keeps the session alive
            world.clock.advance(by: 59 * 60)
            #expect(try await browser.get(client, "/").status == .ok)
            // 61 idle minutes end it
            world.clock.advance(by: 61 * 60)
            let page = try await browser.get(client, "/")
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/login")
            let api = try await browser.get(client, "/api/v1/datasets")
            #expect(api.status == .unauthorized)
            #expect(api.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func disablingAUserEndsTheirSession() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let browser = try await Browser.signedIn(client, as: .supervisor)
            var user = try await world.user(.supervisor)
            user.isDisabled = true
            try await world.store.update(user)
            #expect(try await browser.get(client, "/").status == .seeOther)
            // And a disabled user cannot sign in again
            let (r, _) = try await Browser.atLoginForm(client).postLogin(client, user: "supervisor")
            #expect(r.status == .unauthorized)
        }
    }
}
