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

/// Every route × every role, against a hand-written expectation (not derived from the server's own table).
@Suite struct RouteAccessTests {
    static let all = Set(Role.allCases)
    static let datasetRoles: Set<Role> = [.administrator, .pimOfficer, .dataProtectionFocalPoint, .analyst]
    static let microdataRoles: Set<Role> = [.administrator, .pimOfficer, .dataProtectionFocalPoint]
    static let auditRoles: Set<Role> = [.administrator, .dataProtectionFocalPoint]
    static let importRoles: Set<Role> = [.administrator, .pimOfficer]
    // Sharing (the test world's partner viewer belongs to no organisation, so sees no agreement or share)
    static let sharingReaders: Set<Role> = [.administrator, .pimOfficer, .dataProtectionFocalPoint, .analyst, .partnerViewer]
    static let sharingObjectReaders: Set<Role> = [.administrator, .pimOfficer, .dataProtectionFocalPoint, .analyst]
    static let sharingManagers: Set<Role> = [.administrator, .pimOfficer, .dataProtectionFocalPoint]

    /// Roles that get the route's data; everyone else gets 403 or 404 and no data.
    static let allowed: [Route: Set<Role>] = [
        .health: all, .stylesheet: all, .apiOpenAPI: all,
        .home: all, .frameworkMatrix: all, .frameworkCategory: all, .apiCategories: all, .apiCategory: all,
        .datasetPage: datasetRoles, .apiDataset: datasetRoles, .apiDatasetAggregate: datasetRoles, .apiDatasetOutput: datasetRoles,
        .apiDatasets: all,  // answers every role, listing only what the role may see
        .apiDatasetRisk: microdataRoles,
        .auditPage: auditRoles, .apiAudit: auditRoles, .apiAuditVerify: auditRoles,
        // Data (web-data): import pages, jobs, risk, anonymisation, export
        .importForm: importRoles, .importPreview: importRoles, .jobPage: importRoles,
        .datasetRisk: microdataRoles, .datasetAnonymize: microdataRoles, .apiDatasetExport: microdataRoles,
        .datasetAggregate: datasetRoles, .datasetAggregateDownload: datasetRoles, .datasetExport: microdataRoles,
        // Accounts and access
        .adminHome: [.administrator], .adminUsers: [.administrator], .adminOrganizations: [.administrator],
        .adminRoles: [.administrator], .apiUsers: [.administrator], .apiUser: [.administrator],
        .apiOrganizations: [.administrator],
        .accountTokens: all, .apiTokens: all,  // everyone manages their own tokens
        .accountPassword: all,  // and changes their own password
        // Sharing
        .agreementsPage: sharingReaders, .sharesPage: sharingReaders, .apiAgreements: sharingReaders, .apiShares: sharingReaders,
        .agreementPage: sharingObjectReaders, .sharePage: sharingObjectReaders, .apiAgreement: sharingObjectReaders,
        .apiShare: sharingObjectReaders,
        .agreementForm: sharingManagers, .shareForm: sharingManagers,
        .shareDownload: sharingManagers, .apiShareDownload: sharingManagers, .consentForm: sharingManagers,
    ]

    /// Routes of objects owned by a user (uploads, jobs): with an unknown id, allowed roles pass the route
    /// guard and get 404; the others are stopped by it with 403. Owners get 200 (ImportPageTests).
    static let ownedObjectRoutes: Set<Route> = [.importPreview, .jobPage]

    /// POST routes × roles: roles outside the route's permission get 403 before the body is read.
    static let postAllowed: [Route: Set<Role>] = [
        .importUpload: importRoles, .importCommit: importRoles, .apiDatasetVersions: importRoles,
        .datasetAnonymizeDownload: microdataRoles,
    ]

    /// A concrete request for each GET route.
    static func uri(_ route: Route, share: String = "SHR-20260102-00000000") -> String {
        let id = switch route {
        case .agreementPage, .apiAgreement: "ISP-A"
        case .sharePage, .shareDownload, .apiShare, .apiShareDownload: share
        default: "case-management"
        }
        let path = route.path(["name": TestWorld.datasetName, "id": id])
        switch route {
        case .apiDatasetRisk: return path + "?keys=adm1_code,sex"
        case .apiDatasetAggregate, .datasetAggregate, .datasetAggregateDownload: return path + "?by=adm1_code,sex&min_cell=5"
        case .importPreview: return route.path(["upload": "no-such-upload"])
        case .importCommit: return route.path(["upload": "no-such-upload"])
        case .jobPage: return route.path(["job": "no-such-job"])
        case .apiDatasetExport: return path + "?format=csv"
        case .apiDatasetVersions: return path + "?format=csv"
        case .apiUser: return route.path(["name": "analyst"])
        default: return path
        }
    }

    /// Text that only appears when dataset contents or audit entries are shown.
    static let dataMarkers = ["ZZ0", "\"fields\"", "\"sections\"", "auth.login", "\"rows\"", "id=\"risk-report\"",
                              "id=\"anonymize-preview\"", "id=\"preview\"", "adm1_code,", "\"displayName\"", "\"acronym\"",
                              "id=\"users\"", "id=\"role-matrix\"", "id=\"user-form\"", "Monthly trends", "\"sha256\"",
                              "PK\u{03}\u{04}"]

    /// Every state-changing route is exercised × every role by exactly one suite: this table's ``postAllowed``,
    /// ``AccountRouteAccessTests`` or ``SharingRouteAccessTests``.
    @Test func everyWriteRouteIsCoveredByARoleTest() {
        let writes = Set(Route.allCases.filter { $0.method != .get && $0 != .login && $0 != .logout })
        let suites = [Set(Self.postAllowed.keys), AccountRouteAccessTests.adminOnly.union(AccountRouteAccessTests.everyone),
                      SharingRouteAccessTests.routes]
        #expect(suites.reduce(Set<Route>()) { $0.union($1) } == writes)
        for (i, a) in suites.enumerated() { for b in suites[(i + 1)...] { #expect(a.isDisjoint(with: b)) } }
    }

    @Test func everyGetRouteAnswersEachRoleAsThePermissionMatrixSays() async throws {
        let world = try await TestWorld.make()
        let sharing = try await SharingFixture.install(in: world)
        let getRoutes = Route.allCases.filter { $0.method == .get && $0 != .loginForm }
        #expect(Set(getRoutes) == Set(Self.allowed.keys))
        try await world.application().test(.router) { client in
            for role in Role.allCases {
                let browser = try await Browser.signedIn(client, as: role)
                for route in getRoutes {
                    let r = try await browser.get(client, Self.uri(route, share: sharing.shareA))
                    let body = String(buffer: r.body)
                    if Self.allowed[route]?.contains(role) == true {
                        let expected: HTTPResponse.Status = Self.ownedObjectRoutes.contains(route) ? .notFound : .ok
                        #expect(r.status == expected, "\(route) as \(role.rawValue): \(r.status)")
                    } else {
                        #expect([.forbidden, .notFound].contains(r.status), "\(route) as \(role.rawValue): \(r.status)")
                        for marker in Self.dataMarkers {
                            #expect(!body.contains(marker), "\(route) as \(role.rawValue) leaked \(marker)")
                        }
                    }
                }
                // The dataset list shows the dataset only to roles that may see it
                let list = String(buffer: try await browser.get(client, "/api/v1/datasets").body)
                #expect(list.contains("\"cases\"") == Self.datasetRoles.contains(role), "list as \(role.rawValue)")
            }
        }
    }

    @Test func everyDataPostRouteAnswersEachRoleAsThePermissionMatrixSays() async throws {
        let world = try await TestWorld.make { $0.uploadDirectory = DataFixtures.tempDir() }
        try await world.application().test(.router) { client in
            for role in Role.allCases {
                let b = try await Browser.signedIn(client, as: role)
                for (route, roles) in Self.postAllowed {
                    let r: TestResponse = switch route {
                    case .importUpload:
                        try await b.upload(client, file: "people.csv", bytes: DataFixtures.peopleBytes, dataset: "p-\(role.rawValue)",
                                           extra: [("purpose", "x")])
                    case .apiDatasetVersions:
                        try await b.postRaw(client, "/api/v1/datasets/api-\(role.rawValue)/versions?format=csv&category=protection-monitoring&purpose=x",
                                            bytes: DataFixtures.peopleBytes)
                    case .datasetAnonymizeDownload:
                        try await b.post(client, route.path(["name": TestWorld.datasetName]), fields: [("k", "2"), ("keys", "adm1_code,sex")])
                    default:
                        try await b.post(client, Self.uri(route), fields: [])
                    }
                    let body = String(buffer: r.body)
                    if roles.contains(role) {
                        let expected: HTTPResponse.Status = switch route {
                        case .importUpload: .seeOther
                        case .apiDatasetVersions: .created
                        case .importCommit: .notFound  // no such upload
                        default: .ok
                        }
                        #expect(r.status == expected, "\(route) as \(role.rawValue): \(r.status) \(body.prefix(300))")
                    } else {
                        #expect(r.status == .forbidden, "\(route) as \(role.rawValue): \(r.status)")
                        #expect(!body.contains("SD01") && !body.contains("adm1_code"), "\(route) as \(role.rawValue) leaked data")
                    }
                }
            }
        }
        #expect(try await world.store.dataset(named: "api-analyst") == nil)
        #expect(try await world.store.dataset(named: "api-pim-officer") != nil)
    }

    @Test func dataPostRoutesNeedASessionBeforeTheBodyIsRead() async throws {
        let dir = DataFixtures.tempDir()
        let world = try await TestWorld.make { $0.uploadDirectory = dir }
        try await world.application().test(.router) { client in
            let anonymous = Browser(cookie: nil, csrf: nil)
            for route in Self.postAllowed.keys {
                let r = try await route == .importUpload
                    ? anonymous.upload(client, file: "people.csv", bytes: DataFixtures.peopleBytes, dataset: "x")
                    : anonymous.postRaw(client, Self.uri(route).replacingOccurrences(of: "{name}", with: "cases"), bytes: DataFixtures.peopleBytes)
                if route.kind == .api {
                    #expect(r.status == .unauthorized, "\(route)")
                } else {
                    #expect(r.status == .seeOther, "\(route)")
                    #expect(r.headers[.location] == "/login")
                }
            }
        }
        #expect(DataFixtures.files(in: dir).isEmpty)
        #expect(try await world.store.dataset(named: "x") == nil)
    }

    @Test func aHiddenDatasetLooksExactlyLikeAMissingOne() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let partner = try await Browser.signedIn(client, as: .partnerViewer)
            let hidden = try await partner.get(client, "/api/v1/datasets/cases")
            let missing = try await partner.get(client, "/api/v1/datasets/no-such-dataset")
            #expect(hidden.status == .notFound)
            #expect(missing.status == .notFound)
            let strip = { (s: String) in s.replacingOccurrences(of: "no-such-dataset", with: "cases") }
            #expect(String(buffer: hidden.body) == strip(String(buffer: missing.body)))
        }
    }

    @Test func everyRouteNeedsASessionExceptThePublicOnes() async throws {
        let world = try await TestWorld.make()
        let publicRoutes: Set<Route> = [.health, .stylesheet, .loginForm, .apiOpenAPI]
        try await world.application().test(.router) { client in
            for route in Route.allCases where route.method == .get {
                let r = try await client.execute(uri: Self.uri(route), method: .get)
                if publicRoutes.contains(route) {
                    #expect(r.status == .ok, "\(route)")
                } else if route.kind == .api {
                    #expect(r.status == .unauthorized, "\(route)")
                    #expect(r.headers[.contentType] == "application/problem+json")
                } else {
                    #expect(r.status == .seeOther, "\(route)")
                    #expect(r.headers[.location] == "/login")
                }
            }
        }
    }

    @Test func internalOutputsNeedMicrodataPermission() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            for role in Self.datasetRoles {
                let browser = try await Browser.signedIn(client, as: role)
                let api = try await browser.get(client, "/api/v1/datasets/cases/output?view=internal")
                let page = try await browser.get(client, "/datasets/cases?view=internal")
                let expected: HTTPResponse.Status = Self.microdataRoles.contains(role) ? .ok : .forbidden
                #expect(api.status == expected, "\(role)")
                #expect(page.status == expected, "\(role)")
            }
        }
    }
}
