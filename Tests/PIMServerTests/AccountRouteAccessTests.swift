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

/// Every state-changing route of accounts and access × every role (the GET routes are in ``RouteAccessTests``).
@Suite struct AccountRouteAccessTests {
    static let adminOnly: Set<Route> = [.adminUserCreate, .adminUserUpdate, .adminOrganizationCreate, .apiUserCreate, .apiUserUpdate,
                                        .apiOrganizationCreate]
    static let everyone: Set<Route> = [.accountTokenCreate, .accountTokenRevoke, .apiTokenCreate, .apiTokenRevoke,
                                       .accountPasswordChange, .apiAccountPassword]

    @Test func everyWriteRouteAnswersEachRoleAsThePermissionMatrixSays() async throws {
        let world = try await TestWorld.make()
        let writes = Set(Route.allCases.filter { $0.method != .get && $0 != .login && $0 != .logout })
        #expect(Self.adminOnly.union(Self.everyone).isSubset(of: writes))
        try await world.application().test(.router) { client in
            for (i, role) in Role.allCases.enumerated() {
                var b = try await Browser.signedIn(client, as: role)
                let isAdmin = role == .administrator
                let denied: Set<HTTPResponse.Status> = [.forbidden, .notFound]
                func check(_ route: Route, _ r: TestResponse, success: HTTPResponse.Status) {
                    if isAdmin || Self.everyone.contains(route) {
                        #expect(r.status == success, "\(route) as \(role.rawValue): \(r.status)")
                    } else {
                        #expect(denied.contains(r.status), "\(route) as \(role.rawValue): \(r.status)")
                        #expect(!String(buffer: r.body).contains("\"displayName\""))
                    }
                }
                let password = "a long enough password"
                check(.adminUserCreate, try await b.post(client, "/admin/users", ["user_name": "page\(i)", "role": "analyst", "password": password]),
                      success: .seeOther)
                check(.adminUserUpdate, try await b.post(client, "/admin/users/analyst", ["change": "unlock"]), success: .seeOther)
                check(.adminOrganizationCreate, try await b.post(client, "/admin/organizations", ["name": "Org \(i)", "acronym": "ORG\(i)", "kind": "ingo"]),
                      success: .seeOther)
                check(.apiUserCreate, try await b.json(client, .post, "/api/v1/users",
                                                       #"{"name": "api\#(i)", "role": "analyst", "password": "\#(password)"}"#), success: .created)
                check(.apiUserUpdate, try await b.json(client, .patch, "/api/v1/users/analyst", #"{"unlock": true}"#), success: .ok)
                check(.apiOrganizationCreate, try await b.json(client, .post, "/api/v1/organizations",
                                                               #"{"name": "Api org \#(i)", "acronym": "API\#(i)", "kind": "ingo"}"#), success: .created)
                // Passwords: every role changes its own (on the page, then back through the API)
                let changed = "another long enough password"
                let onPage = try await b.post(client, "/account/password", [
                    "current_password": TestWorld.password, "new_password": changed, "repeat_password": changed])
                check(.accountPasswordChange, onPage, success: .seeOther)
                b = try await b.renewed(by: onPage, client)  // a new session after a password change
                let byAPI = try await b.json(client, .post, "/api/v1/account/password",
                                             #"{"current": "\#(changed)", "new": "\#(TestWorld.password)"}"#)
                check(.apiAccountPassword, byAPI, success: .noContent)
                b = try await b.renewed(by: byAPI, client)
                // Tokens: every role creates and revokes its own
                let page = try await b.post(client, "/account/tokens", ["name": "page token"])
                check(.accountTokenCreate, page, success: .ok)
                let html = String(buffer: page.body)
                let pageID = try #require(html.range(of: "id=\"revoke-").map { String(html[$0.upperBound...].prefix { $0 != "\"" }) })
                check(.accountTokenRevoke, try await b.post(client, "/account/tokens/\(pageID)/revoke", [:]), success: .seeOther)
                let api = try await b.json(client, .post, "/api/v1/tokens", #"{"name": "api token"}"#)
                check(.apiTokenCreate, api, success: .created)
                let apiID = try #require(((try jsonObject(api) as? [String: Any])?["details"] as? [String: Any])?["id"] as? String)
                check(.apiTokenRevoke, try await b.json(client, .delete, "/api/v1/tokens/\(apiID)"), success: .noContent)
            }
        }
        // Only the administrator's creations exist
        let users = try await world.store.users().map(\.userName)
        #expect(Set(users.filter { $0.hasPrefix("page") || $0.hasPrefix("api") }) == ["page0", "api0"])
        let acronyms = try await world.store.organizations().map(\.acronym)
        #expect(Set(acronyms.filter { $0.hasPrefix("ORG") || $0.hasPrefix("API") }) == ["ORG0", "API0"])
    }
}
