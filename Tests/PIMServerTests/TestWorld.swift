import Foundation
import HTTPTypes
import Hummingbird
import Logging
import HummingbirdTesting
import PIMCategories
import PIMCore
import PIMFramework
import PIMSQLite
import PIMServer
import PIMStorage
import PIMTable
import PIMTesting
import Synchronization
import Testing

/// The schema a test stores a demo table under: each column with its type, and its role from the category's template
/// (other for a column the template does not have).
func templateRoleSchema(of table: Table, category: PIMCategory.ID) -> Schema {
    let template = CategoryTemplate.template(for: category).schema
    return Schema(fields: table.columns.map { c in
        Field(name: c.name, type: c.type, role: template.field(named: c.name)?.role ?? .other)
    })
}

/// A clock the tests move by hand.
final class ManualClock: Sendable {
    private let value: Mutex<Date>
    init(_ start: Date) { value = Mutex(start) }
    func now() -> Date { value.withLock { $0 } }
    func advance(by seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A workspace in a temporary SQLite store: one user per role (all with ``password``) and one synthetic
/// case-management dataset named `cases`.
struct TestWorld {
    static let password = "correct horse battery staple"
    static let datasetName = "cases"
    let store: SQLiteStore
    let clock: ManualClock
    let configuration: ServerConfiguration

    static func userName(_ role: Role) -> String { role == .administrator ? "admin" : role.rawValue }

    static func make(_ tweak: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestWorld {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pim-server-tests-\(UUID().uuidString)")
        let store = try SQLiteStore(directory: dir, command: "pim serve (test)")
        try await store.migrate()
        let hash = try PasswordHasher(cost: 4).hash(newPassword: password)
        let admin = User(userName: "admin", displayName: "Test admin", role: .administrator, passwordHash: hash, createdAt: Fixtures.epoch)
        try await store.initialize(workspace: Fixtures.workspace(), administrator: admin, replacingExisting: false, at: Fixtures.epoch)
        for role in Role.allCases where role != .administrator {
            try await store.add(User(userName: userName(role), displayName: "Test \(role.rawValue)", role: role, passwordHash: hash,
                                     createdAt: Fixtures.epoch))
        }
        let table = DemoGenerator(seed: 7, scale: .small).table(for: .caseManagement)
        let schema = templateRoleSchema(of: table, category: .caseManagement)
        let dataset = Dataset(name: datasetName, category: "case-management", schema: schema, sensitivity: .high,
                              purpose: "Synthetic case management for tests", createdAt: Fixtures.epoch)
        _ = try await store.addVersion(of: dataset.id, table: table, schema: schema, provenance: Fixtures.provenance(),
                                       audit: AuditDraft(at: Fixtures.epoch, actor: admin.id.rawValue, action: .datasetImported),
                                       creating: dataset)
        let clock = ManualClock(Fixtures.epoch.addingTimeInterval(86_400))
        var configuration = ServerConfiguration(now: { clock.now() })
        configuration.passwordHashCost = 4
        tweak(&configuration)
        return TestWorld(store: store, clock: clock, configuration: configuration)
    }

    func application() throws -> some ApplicationProtocol {
        var logger = Logger(label: "pim.server.tests")
        logger.logLevel = .warning
        return try buildApplication(configuration, store: store, logger: logger)
    }

    func user(_ role: Role) async throws -> User {
        try #require(try await store.user(named: Self.userName(role)))
    }
}

/// A browser's state: the session cookie and the page's CSRF token.
struct Browser {
    var cookie: String?
    var csrf: String?

    var headers: HTTPFields {
        var h = HTTPFields()
        if let cookie { h[.cookie] = cookie }
        return h
    }

    /// Opens the login form, taking the anonymous session's cookie and CSRF token.
    static func atLoginForm(_ client: some TestClientProtocol) async throws -> Browser {
        let r = try await client.execute(uri: "/login", method: .get)
        #expect(r.status == .ok)
        return Browser(cookie: sessionCookie(r), csrf: csrfToken(String(buffer: r.body)))
    }

    /// Posts the login form; returns the response and the browser after it.
    func postLogin(_ client: some TestClientProtocol, user: String, password: String = TestWorld.password,
                   csrf overrideCSRF: String?? = nil, extraHeaders: HTTPFields = [:]) async throws -> (TestResponse, Browser) {
        var h = headers
        h[.contentType] = "application/x-www-form-urlencoded"
        for f in extraHeaders { h.append(f) }
        var fields = ["user_name=\(user)", "password=\(password.replacingOccurrences(of: " ", with: "+"))"]
        if let token = overrideCSRF ?? csrf { fields.append("csrf_token=\(token)") }
        let r = try await client.execute(uri: "/login", method: .post, headers: h, body: ByteBuffer(string: fields.joined(separator: "&")))
        var next = self
        if let c = Self.sessionCookie(r) { next.cookie = c }
        return (r, next)
    }

    /// Signs in as `role` and loads the home page to get the signed-in session's CSRF token.
    static func signedIn(_ client: some TestClientProtocol, as role: Role) async throws -> Browser {
        let (r, b) = try await atLoginForm(client).postLogin(client, user: TestWorld.userName(role))
        #expect(r.status == .seeOther)
        let home = try await client.execute(uri: "/", method: .get, headers: b.headers)
        #expect(home.status == .ok)
        return Browser(cookie: b.cookie, csrf: csrfToken(String(buffer: home.body)))
    }

    func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: headers)
    }

    static func sessionCookie(_ r: TestResponse) -> String? {
        guard let set = r.headers[.setCookie], let pair = set.split(separator: ";").first else { return nil }
        return String(pair)
    }

    static func csrfToken(_ html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf_token\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}
