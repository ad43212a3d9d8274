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

@Suite struct AdminTests {
    @Test func anAdministratorCreatesAUserWhoCanSignIn() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let admin = try await Browser.signedIn(client, as: .administrator)
            // Given the users page with its form
            let page = String(buffer: try await admin.get(client, "/admin/users").body)
            #expect(page.contains("id=\"user-form\""))
            #expect(page.contains("<label for=\"user_name\">"))
            // When the administrator adds an analyst
            let r = try await admin.post(client, "/admin/users", [
                "user_name": "new.analyst", "display_name": "New Analyst", "role": "analyst", "organization": "",
                "password": "a long enough password",
            ])
            #expect(r.status == .seeOther)
            #expect(r.headers[.location] == "/admin/users?done=created")
            // Then the user exists with the role and can sign in
            let created = try #require(try await world.store.user(named: "new.analyst"))
            #expect(created.role == .analyst)
            let (login, _) = try await Browser.atLoginForm(client).postLogin(client, user: "new.analyst", password: "a long enough password")
            #expect(login.status == .seeOther)
        }
    }

    @Test func theDomainRulesOfTheCommandLineApply() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let admin = try await Browser.signedIn(client, as: .administrator)
            // A short password is refused with the reason
            let short = try await admin.post(client, "/admin/users", ["user_name": "bob", "role": "analyst", "password": "short"])
            #expect(short.status == .badRequest)
            #expect(String(buffer: short.body).contains("at least 12 characters"))
            // A partner viewer needs an organisation
            let noOrg = try await admin.post(client, "/admin/users", [
                "user_name": "viewer2", "role": "partner-viewer", "password": "a long enough password",
            ])
            #expect(noOrg.status == .badRequest)
            // A bad user name is refused
            let badName = try await admin.post(client, "/admin/users", ["user_name": "a b", "role": "analyst", "password": "a long enough password"])
            #expect(badName.status == .badRequest)
            // An existing name is a conflict
            let dup = try await admin.post(client, "/admin/users", ["user_name": "analyst", "role": "analyst", "password": "a long enough password"])
            #expect(dup.status == .conflict)
            // An administrator cannot disable themself
            let selfDisable = try await admin.post(client, "/admin/users/admin", ["change": "disable"])
            #expect(selfDisable.status == .badRequest)
            // A missing user is 404
            let missing = try await admin.post(client, "/admin/users/nobody", ["change": "unlock"])
            #expect(missing.status == .notFound)
        }
        #expect(try await world.store.user(named: "bob") == nil)
        #expect(try await world.store.user(named: "viewer2") == nil)
        #expect(try await world.store.user(named: "admin")?.isDisabled == false)
    }

    @Test func roleChangeUnlockAndPasswordResetTakeEffect() async throws {
        let world = try await TestWorld.make()
        var analyst = try await world.user(.analyst)
        analyst.failedLogins = 6
        analyst.lockedUntil = world.clock.now().addingTimeInterval(600)
        try await world.store.update(analyst)
        try await world.application().test(.router) { client in
            let admin = try await Browser.signedIn(client, as: .administrator)
            #expect(String(buffer: try await admin.get(client, "/admin/users").body).contains("id=\"unlock-analyst\""))
            #expect(try await admin.post(client, "/admin/users/analyst", ["change": "unlock"]).status == .seeOther)
            #expect(try await admin.post(client, "/admin/users/analyst", ["change": "role", "role": "pim-officer"]).status == .seeOther)
            #expect(try await admin.post(client, "/admin/users/analyst", ["change": "password", "password": "another long password"]).status
                == .seeOther)
            let (old, _) = try await Browser.atLoginForm(client).postLogin(client, user: "analyst")
            #expect(old.status == .unauthorized)
            let (new, _) = try await Browser.atLoginForm(client).postLogin(client, user: "analyst", password: "another long password")
            #expect(new.status == .seeOther)
        }
        let after = try await world.user(.analyst)
        #expect(after.role == .pimOfficer)
        #expect(after.lockedUntil == nil)
    }

    @Test func aPartnerViewerNeedsAnOrganisation() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let admin = try await Browser.signedIn(client, as: .administrator)
            #expect(try await admin.json(client, .post, "/api/v1/organizations", #"{"name": "Danish Refugee Council", "acronym": "DRC", "kind": "ingo"}"#)
                .status == .created)
            // Without an organisation, the role change is refused and nothing changes
            #expect(try await admin.json(client, .patch, "/api/v1/users/analyst", #"{"role": "partner-viewer"}"#).status == .badRequest)
            #expect(try await world.user(.analyst).role == .analyst)
            // With one, in the same request, it is accepted
            let r = try await admin.json(client, .patch, "/api/v1/users/analyst", #"{"organization": "DRC", "role": "partner-viewer"}"#)
            #expect(r.status == .ok)
            #expect((try jsonObject(r) as? [String: Any])?["organization"] as? String == "DRC")
            // The page shows the organisation selected, and refuses to remove it from a partner viewer
            #expect(String(buffer: try await admin.get(client, "/admin/users").body).contains("<option value=\"DRC\" selected>DRC</option>"))
            #expect(try await admin.post(client, "/admin/users/analyst", ["change": "organization", "organization": ""]).status == .badRequest)
            // An unknown acronym is refused
            #expect(try await admin.post(client, "/admin/users/pim-officer", ["change": "organization", "organization": "NOPE"]).status
                == .badRequest)
        }
        let analyst = try await world.user(.analyst)
        #expect(analyst.role == .partnerViewer)
        #expect(analyst.organizationID == (try await world.store.organization(acronym: "DRC"))?.id)
    }

    @Test func disablingAUserKillsTheirLiveSessionServerSide() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            // Given an analyst with a live session
            let analyst = try await Browser.signedIn(client, as: .analyst)
            #expect(try await analyst.get(client, "/").status == .ok)
            // When an administrator disables them
            let admin = try await Browser.signedIn(client, as: .administrator)
            #expect(try await admin.post(client, "/admin/users/analyst", ["change": "disable"]).status == .seeOther)
            // Then the analyst's next request is signed out
            #expect(try await analyst.get(client, "/").status == .seeOther)
            // And the session is gone on the server: re-enabling does not revive it
            #expect(try await admin.post(client, "/admin/users/analyst", ["change": "enable"]).status == .seeOther)
            #expect(try await analyst.get(client, "/").status == .seeOther)
            #expect(try await analyst.get(client, "/api/v1/datasets").status == .unauthorized)
        }
    }

    @Test func adminFormsRejectAMissingCSRFToken() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let admin = try await Browser.signedIn(client, as: .administrator)
            let create = try await admin.post(client, "/admin/users", [
                "user_name": "forged", "role": "administrator", "password": "a long enough password",
            ], csrf: false)
            #expect(create.status == .forbidden)
            let disable = try await admin.post(client, "/admin/users/analyst", ["change": "disable"], csrf: false)
            #expect(disable.status == .forbidden)
            let org = try await admin.post(client, "/admin/organizations", ["name": "Forged", "acronym": "FRG", "kind": "ngo"], csrf: false)
            #expect(org.status == .forbidden)
            var wrong = admin
            wrong.csrf = String(repeating: "0", count: 64)
            #expect(try await wrong.post(client, "/admin/users/analyst", ["change": "disable"]).status == .forbidden)
            // Cookie-authenticated API calls need the header too
            let api = try await admin.json(client, .patch, "/api/v1/users/analyst", #"{"disabled": true}"#, csrf: false)
            #expect(api.status == .forbidden)
            #expect(api.headers[.contentType] == "application/problem+json")
        }
        #expect(try await world.store.user(named: "forged") == nil)
        #expect(try await world.user(.analyst).isDisabled == false)
        #expect(try await world.store.organization(acronym: "FRG") == nil)
    }

    @Test func adminChangesAreAuditedWithIdsOnly() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let admin = try await Browser.signedIn(client, as: .administrator)
            #expect(try await admin.post(client, "/admin/organizations", [
                "name": "Danish Refugee Council", "acronym": "DRC", "kind": "ingo",
            ]).status == .seeOther)
            #expect(try await admin.post(client, "/admin/users", [
                "user_name": "drc.viewer", "display_name": "Viewer Person", "role": "partner-viewer", "organization": "DRC",
                "password": "a long enough password",
            ]).status == .seeOther)
            #expect(try await admin.post(client, "/admin/users/analyst", ["change": "disable"]).status == .seeOther)
            #expect(try await admin.post(client, "/admin/users/supervisor", ["change": "team", "members": "case-worker"]).status == .seeOther)
            #expect(try await admin.post(client, "/admin/users/analyst", ["change": "password", "password": "a secret new password"]).status
                == .seeOther)
        }
        let admin = try await world.user(.administrator)
        let actions: [AuditAction] = [.organizationAdded, .userCreated, .userUpdated, .teamChanged]
        let events = try await world.store.auditEvents(.all).filter { actions.contains($0.draft.action) }
        #expect(Set(events.map(\.draft.action)) == Set(actions))
        #expect(events.allSatisfy { $0.draft.actor == admin.id.rawValue })
        let personal = ["drc.viewer", "Viewer Person", "Danish Refugee Council", "DRC", "analyst", "case-worker", "supervisor",
                        "a secret new password", "a long enough password"]
        for e in events {
            let text = e.draft.details.values.joined(separator: " ")
            for p in personal { #expect(!text.contains(p), "\(e.draft.action) details hold \(p)") }
        }
        // The organisation and the user are named by id
        let org = try #require(try await world.store.organization(acronym: "DRC"))
        #expect(events.contains { $0.draft.action == .organizationAdded && $0.draft.organizationID == org.id.rawValue })
        let viewer = try #require(try await world.store.user(named: "drc.viewer"))
        #expect(viewer.organizationID == org.id)
        #expect(events.contains { $0.draft.action == .userCreated && $0.draft.details["user"] == viewer.id.rawValue })
    }

    @Test func theUsersAndOrganizationsAPIForAdministrators() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let admin = try await Browser.signedIn(client, as: .administrator)
            let org = try await admin.json(client, .post, "/api/v1/organizations", #"{"name": "Norwegian Refugee Council", "acronym": "NRC", "kind": "ingo"}"#)
            #expect(org.status == .created)
            let created = try await admin.json(client, .post, "/api/v1/users",
                                               #"{"name": "nrc.viewer", "role": "partner-viewer", "organization": "NRC", "password": "a long enough password"}"#)
            #expect(created.status == .created)
            let user = try #require(try jsonObject(created) as? [String: Any])
            #expect(user["organization"] as? String == "NRC")
            #expect(user["passwordHash"] == nil)
            #expect(!String(buffer: created.body).contains("$2"))
            let list = try #require(try jsonObject(try await admin.get(client, "/api/v1/users")) as? [[String: Any]])
            #expect(list.contains { $0["name"] as? String == "nrc.viewer" })
            let patched = try await admin.json(client, .patch, "/api/v1/users/nrc.viewer", #"{"disabled": true}"#)
            #expect(patched.status == .ok)
            #expect((try jsonObject(patched) as? [String: Any])?["disabled"] as? Bool == true)
            let team = try await admin.json(client, .patch, "/api/v1/users/supervisor", #"{"team": ["case-worker"]}"#)
            #expect((try jsonObject(team) as? [String: Any])?["team"] as? [String] == ["case-worker"])
            let badTeam = try await admin.json(client, .patch, "/api/v1/users/supervisor", #"{"team": ["analyst"]}"#)
            #expect(badTeam.status == .badRequest)
            // A refused request changes nothing, not even its valid parts
            let mixed = try await admin.json(client, .patch, "/api/v1/users/supervisor", #"{"disabled": true, "role": "partner-viewer"}"#)
            #expect(mixed.status == .badRequest)
            #expect(try await world.user(.supervisor).isDisabled == false)
            #expect(try await world.user(.supervisor).role == .supervisor)
            #expect(try await admin.json(client, .post, "/api/v1/users", "not json").status == .badRequest)
            #expect(try await admin.json(client, .post, "/api/v1/organizations", #"{"name": "Again", "acronym": "NRC", "kind": "ingo"}"#).status
                == .conflict)
            #expect(try await admin.get(client, "/api/v1/users/nobody").status == .notFound)
        }
    }

    @Test func theRoleMatrixPageIsGeneratedFromThePermissions() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let admin = try await Browser.signedIn(client, as: .administrator)
            let html = String(buffer: try await admin.get(client, "/admin/roles").body)
            #expect(html.contains("id=\"role-matrix\""))
            for p in Permission.allCases { #expect(html.contains("<code>\(p.rawValue)</code>")) }
            for r in Role.allCases { #expect(html.contains("<th scope=\"col\">\(r.rawValue)</th>")) }
            #expect(html.contains("#x_caseworker"))
            // The administer row: one ✓ (administrator) and six –
            let row = try #require(html.components(separatedBy: "<code>administer</code>").dropFirst().first?
                .components(separatedBy: "</tr>").first)
            #expect(row.components(separatedBy: "aria-label=\"yes\"").count - 1 == 1)
            #expect(row.components(separatedBy: "aria-label=\"no\"").count - 1 == Role.allCases.count - 1)
            // The admin overview links to every admin page
            let overview = String(buffer: try await admin.get(client, "/admin").body)
            for link in ["/admin/users", "/admin/organizations", "/admin/roles", "/account/tokens"] {
                #expect(overview.contains("href=\"\(link)\""))
            }
            // The layout shows the Admin link to administrators only
            #expect(overview.contains("<a href=\"/admin\">Admin</a>"))
            let analyst = try await Browser.signedIn(client, as: .analyst)
            #expect(!String(buffer: try await analyst.get(client, "/").body).contains("<a href=\"/admin\">"))
        }
    }

    @Test func concurrentFailedLoginsAreAllCounted() async throws {
        let world = try await TestWorld.make()
        let attempts = 5
        try await world.application().test(.router) { client in
            // Given five anonymous sessions at the login form
            var browsers: [Browser] = []
            for _ in 0..<attempts { browsers.append(try await Browser.atLoginForm(client)) }
            // When they all post a wrong password for the same user at once
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for b in browsers {
                    group.addTask { try await b.postLogin(client, user: "analyst", password: "wrong password here").0.status }
                }
                var out: [HTTPResponse.Status] = []
                for try await s in group { out.append(s) }
                return out
            }
            #expect(statuses.allSatisfy { $0 == .unauthorized })
        }
        // Then every failure was counted
        #expect(try await world.user(.analyst).failedLogins == attempts)
        #expect(try await world.store.auditEvents(AuditFilter(action: .loginFailed)).count == attempts)
    }
}
