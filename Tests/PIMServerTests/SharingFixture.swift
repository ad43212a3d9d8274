import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCategories
import PIMCore
import PIMFramework
import PIMSQLite
import PIMServer
import PIMStorage
import PIMTable
import PIMTesting
import Testing

/// Sharing on top of a ``TestWorld``: organisations UNHCR (producer), DRC and NRC; agreement `ISP-A`
/// (UNHCR, DRC; covers `cases`; aggregated; active) with one aggregated share `shareA` to DRC made through
/// the same ``ShareService`` the web uses. With `twoPartners`, also dataset `pm` (protection monitoring),
/// agreement `ISP-B` (UNHCR, NRC; covers `cases` and `pm`; active), a share `shareB` to NRC, and partner
/// viewers `partner-drc` and `partner-nrc`.
struct SharingFixture {
    var shareA: String
    var shareB: String?
    var orgs: [String: Organization]

    static let partnerA = "partner-drc"
    static let partnerB = "partner-nrc"

    static func install(in world: TestWorld, twoPartners: Bool = false) async throws -> SharingFixture {
        let store = world.store
        var orgs: [String: Organization] = [:]
        for (acr, kind) in [("UNHCR", Organization.Kind.un), ("DRC", .ingo), ("NRC", .ingo)] {
            let o = Organization(name: "Org \(acr)", acronym: acr, kind: kind, createdAt: Fixtures.epoch)
            try await store.add(o)
            orgs[acr] = o
        }
        let admin = try await world.user(.administrator).id.rawValue
        if twoPartners {
            let table = DemoGenerator(seed: 11, scale: .small).table(for: .protectionMonitoring)
            let schema = templateRoleSchema(of: table, category: .protectionMonitoring)
            let pm = Dataset(name: "pm", category: "protection-monitoring", schema: schema, sensitivity: .high,
                             purpose: "Synthetic monitoring for tests", createdAt: Fixtures.epoch)
            _ = try await store.addVersion(of: pm.id, table: table, schema: schema,
                                           provenance: Fixtures.provenance(sha: String(repeating: "b", count: 64)),
                                           audit: AuditDraft(at: Fixtures.epoch, actor: admin, action: .datasetImported), creating: pm)
        }
        let now = world.clock.now()
        try await Self.agreement("ISP-A", parties: ["UNHCR", "DRC"], covers: ["cases"], in: store, actor: admin, at: now)
        let shareA = try await Self.share("ISP-A", dataset: "cases", to: "DRC", in: store, actor: admin, at: now)
        var shareB: String?
        if twoPartners {
            try await Self.agreement("ISP-B", parties: ["UNHCR", "NRC"], covers: ["cases", "pm"], in: store, actor: admin, at: now)
            shareB = try await Self.share("ISP-B", dataset: "pm", to: "NRC", in: store, actor: admin, at: now)
            let hash = try PasswordHasher(cost: 4).hash(newPassword: TestWorld.password)
            for (name, acr) in [(partnerA, "DRC"), (partnerB, "NRC")] {
                try await store.add(User(userName: name, displayName: "Partner \(acr)", role: .partnerViewer,
                                         organizationID: orgs[acr]?.id, passwordHash: hash, createdAt: Fixtures.epoch))
            }
        }
        return SharingFixture(shareA: shareA, shareB: shareB, orgs: orgs)
    }

    /// An active aggregated agreement (minimum cell 5) by adm1_code and sex.
    static func agreement(_ id: String, parties: [String], covers: [String], in store: any Store, actor: String, at now: Date) async throws {
        let a = try Agreement(id: id, parties: parties, purpose: "Monthly trends", legalBasis: .publicInterest, covers: covers,
                              level: .aggregated, validFrom: Fixtures.epoch, dimensions: ["adm1_code", "sex"], createdAt: now, createdBy: actor)
        try await AgreementDocuments.create(a, in: store, actor: actor, at: now)
        try await AgreementDocuments.transition(id, to: .active, in: store, actor: actor, role: nil, at: now)
    }

    static func share(_ agreement: String, dataset: String, to recipient: String, in store: any Store, actor: String,
                      at now: Date) async throws -> String {
        let service = ShareService(store: store, actor: actor, recordingRefusals: true)
        let share = try await service.prepare(dataset: dataset, to: recipient, agreement: agreement, level: .aggregated,
                                              dimensions: ["adm1_code", "sex"], at: now)
        return try await service.commit(share, storingPackage: true).id
    }
}

extension Browser {
    /// Signs in as a named user and loads the home page for the CSRF token.
    static func signedIn(_ client: some TestClientProtocol, userName: String) async throws -> Browser {
        let (r, b) = try await atLoginForm(client).postLogin(client, user: userName)
        #expect(r.status == .seeOther)
        let home = try await client.execute(uri: "/", method: .get, headers: b.headers)
        return Browser(cookie: b.cookie, csrf: csrfToken(String(buffer: home.body)))
    }

    /// Posts a URL-encoded form with the session's CSRF token (unless `csrf` overrides it; `.some(nil)` omits it).
    func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)],
              csrf overrideCSRF: String?? = nil) async throws -> TestResponse {
        var h = headers
        h[.contentType] = "application/x-www-form-urlencoded"
        var all = fields
        if let token = overrideCSRF ?? csrf { all.append(("csrf_token", token)) }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        let body = all.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: body))
    }

    /// Posts JSON to the API with the CSRF token in the `X-CSRF-Token` header (unless `withCSRF` is false).
    func postJSON(_ client: some TestClientProtocol, _ uri: String, _ json: String, withCSRF: Bool = true) async throws -> TestResponse {
        var h = headers
        h[.contentType] = "application/json"
        if withCSRF, let csrf, let name = HTTPField.Name("X-CSRF-Token") { h[name] = csrf }
        return try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: json))
    }
}
