import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCategories
import PIMCore
import PIMFramework
import PIMSQLite
import PIMServer
import PIMTable
import PIMStorage
import PIMTesting
import Testing

extension TestWorld {
    static let assignedDatasetName = "assigned-cases"
    /// Who the synthetic assigned rows belong to, by row index modulo 4.
    static let assignees = ["case-worker", "cw2", "supervisor", "someone-else"]

    /// Adds a second case worker `cw2` and a case-management dataset `assigned-cases` whose `caseworker`
    /// field assigns row i to ``assignees``[i % 4]. Returns the number of rows of each assignee.
    @discardableResult
    func addAssignedCases() async throws -> [String: Int] {
        let hash = try PasswordHasher(cost: 4).hash(newPassword: Self.password)
        try await store.add(User(userName: "cw2", displayName: "Second case worker", role: .caseWorker, passwordHash: hash,
                                 createdAt: Fixtures.epoch))
        let demo = DemoGenerator(seed: 11, scale: .small).table(for: .caseManagement)
        let codes = (0..<demo.rowCount).map { Int32($0 % Self.assignees.count) }
        let table = try Table(columns: demo.columns + [Column(name: "caseworker", data: .text(codes: codes, dictionary: Self.assignees))])
        let schema = templateRoleSchema(of: table, category: .caseManagement)
        let dataset = Dataset(name: Self.assignedDatasetName, category: "case-management", schema: schema, sensitivity: .high,
                              purpose: "Synthetic assigned cases for tests", createdAt: Fixtures.epoch)
        let admin = try await user(.administrator)
        _ = try await store.addVersion(of: dataset.id, table: table, schema: schema, provenance: Fixtures.provenance(),
                                       audit: AuditDraft(at: Fixtures.epoch, actor: admin.id.rawValue, action: .datasetImported),
                                       creating: dataset)
        var counts: [String: Int] = [:]
        for c in codes { counts[Self.assignees[Int(c)], default: 0] += 1 }
        return counts
    }

    /// The rows of ``addAssignedCases()`` that tables of counts count (consent to reporting not refused as
    /// collected), and how many of them each assignee has.
    static func assignedCasesReported() -> (rows: [Int], counts: [String: Int]) {
        let demo = DemoGenerator(seed: 11, scale: .small).table(for: .caseManagement)
        let answers = demo["consent_reporting"]
        let rows = (0..<demo.rowCount).filter { answers?[$0] != .text("no") }
        var counts: [String: Int] = [:]
        for r in rows { counts[assignees[r % assignees.count], default: 0] += 1 }
        return (rows, counts)
    }
}

extension Browser {
    /// Posts a URL-encoded form with this browser's cookie and (unless `csrf` is false) its CSRF token.
    func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [String: String], csrf withToken: Bool = true) async throws
        -> TestResponse {
        var h = headers
        h[.contentType] = "application/x-www-form-urlencoded"
        var all = fields
        if withToken, let csrf { all["csrf_token"] = csrf }
        let body = all.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: body))
    }

    /// Sends JSON to the API with the cookie and the `X-CSRF-Token` header (unless `csrf` is false).
    func json(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ body: String = "",
              csrf withToken: Bool = true) async throws -> TestResponse {
        var h = headers
        h[.contentType] = "application/json"
        if withToken, let csrf, let name = HTTPField.Name("X-CSRF-Token") { h[name] = csrf }
        return try await client.execute(uri: uri, method: method, headers: h, body: ByteBuffer(string: body))
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

/// Requests authenticated by an API token only (no cookie).
enum Bearer {
    static func request(_ client: some TestClientProtocol, _ token: String, _ method: HTTPRequest.Method = .get, _ uri: String,
                        body: String = "") async throws -> TestResponse {
        var h = HTTPFields()
        h[.authorization] = "Bearer \(token)"
        h[.contentType] = "application/json"
        return try await client.execute(uri: uri, method: method, headers: h, body: ByteBuffer(string: body))
    }
}

/// Decodes a JSON body into a dictionary or array for assertions.
func jsonObject(_ r: TestResponse) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8))
}
