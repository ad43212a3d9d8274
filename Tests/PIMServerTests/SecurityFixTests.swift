import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCore
import PIMDisclosure
import PIMSQLite
@testable import PIMServer
import PIMStorage
import PIMTable
import PIMTesting
import Testing

/// Regression tests for the findings of the web server's security review.
@Suite struct SecurityFixTests {
    // MARK: 1. Partner viewers' live outputs honour the agreement's consent purpose and dimensions

    /// Adds dataset `consented` (10 records r0…r9, all adm1 SD01, sex f, district D1, household hN; r9 refused
    /// disclosure, r0…r8 granted it) and dataset `noids` (no record id field), both shared with DRC under
    /// agreement `ISP-CONSENT` (consent basis, purpose disclosure, dimensions adm1_code and sex).
    static func installConsentWorld(_ world: TestWorld) async throws {
        _ = try await SharingFixture.install(in: world, twoPartners: true)
        let admin = try await world.user(.administrator).id.rawValue
        let n = 10
        func text(_ name: String, _ values: [String]) -> Column {
            var dictionary: [String] = []
            var codes: [Int32] = []
            for v in values {
                if let i = dictionary.firstIndex(of: v) { codes.append(Int32(i)) } else { dictionary.append(v); codes.append(Int32(dictionary.count - 1)) }
            }
            return Column(name: name, data: .text(codes: codes, dictionary: dictionary))
        }
        let roles: [String: DisclosureRole] = ["record_id": .directIdentifier, "adm1_code": .quasiIdentifier, "sex": .quasiIdentifier,
                                               "hh": .householdID, "district": .other]
        for (name, withID) in [("consented", true), ("noids", false)] {
            var columns = [text("adm1_code", Array(repeating: "SD01", count: n)), text("sex", Array(repeating: "f", count: n)),
                           text("district", Array(repeating: "D1", count: n)), text("hh", (0..<n).map { "h\($0 / 2)" })]
            if withID { columns.insert(text("record_id", (0..<n).map { "r\($0)" }), at: 0) }
            let table = try Table(columns: columns)
            let schema = Schema(fields: table.columns.map { Field(name: $0.name, type: $0.type, role: roles[$0.name] ?? .other) })
            let d = Dataset(name: name, category: "case-management", schema: schema, sensitivity: .high,
                            purpose: "Consent test", createdAt: Fixtures.epoch)
            _ = try await world.store.addVersion(of: d.id, table: table, schema: schema,
                                                 provenance: Fixtures.provenance(sha: String(repeating: withID ? "c" : "d", count: 64)),
                                                 audit: AuditDraft(at: Fixtures.epoch, actor: admin, action: .datasetImported), creating: d)
            if withID {
                let entries = (0..<n).map { ConsentEntry(recordID: "r\($0)", purpose: "disclosure", granted: $0 != 9, at: Fixtures.epoch) }
                try await world.store.recordConsent(datasetID: d.id, entries: entries,
                                                    audit: AuditDraft(at: Fixtures.epoch, actor: admin, action: .consentChanged))
            }
        }
        let now = world.clock.now()
        let a = try Agreement(id: "ISP-CONSENT", parties: ["UNHCR", "DRC"], purpose: "Referrals", legalBasis: .consent,
                              covers: ["consented", "noids"], level: .aggregated, thresholds: .init(minimumCellSize: 5),
                              consentPurpose: .disclosure, validFrom: Fixtures.epoch, dimensions: ["adm1_code", "sex"],
                              createdAt: now, createdBy: admin)
        try await AgreementDocuments.create(a, in: world.store, actor: admin, at: now)
        try await AgreementDocuments.transition("ISP-CONSENT", to: .active, in: world.store, actor: admin, role: .administrator, at: now)
    }

    /// The count an analyst or partner is shown for a cell holding `rows` (0-based stored rows) of the latest
    /// version of `dataset`: the true count perturbed by the cell key of those rows (computed here from the
    /// workspace secret, as the server does).
    static func perturbedCount(_ world: TestWorld, dataset: String, rows: [Int], minCell: Int = 5) async throws -> Int {
        let d = try #require(try await world.store.dataset(named: dataset))
        let v = try #require(try await world.store.versions(of: d.id).last)
        let secret = try await world.store.secret(named: RecordKeys.secretName, orCreate: RecordKeys.newSecret)
        var keys = RecordKeys.keys(secret: secret, scope: v.id.rawValue, count: v.rowCount)
        // With a record id, keys by record (QA9 F7)
        if let field = ConsentFilter.recordIDField(in: v.schema), let ids = try await world.store.table(of: v, columns: [field])[field] {
            let values: [String?] = (0..<ids.count).map { r in if case .text(let t) = ids[r] { t } else { nil } }
            keys = RecordKeys.keys(secret: secret, dataset: d.id.rawValue, recordIDs: values, otherwise: keys)
        }
        let cellKey = rows.reduce(UInt32(0)) { $0 &+ keys[$1] }
        return CellKeyPerturbation(minCell: minCell).published(count: rows.count, cellKey: cellKey)
    }

    static func largestCount(_ r: TestResponse) throws -> Int {
        let d = try #require(try jsonObject(r) as? [String: Any])
        let rows = try #require(d["rows"] as? [[Any]])
        let count = try #require((d["columns"] as? [String])?.firstIndex(of: "count"))
        return rows.compactMap { $0[count] as? Int }.max() ?? 0
    }

    /// A case-management dataset `name` holding `table` (record_id a direct identifier, the `quasi` columns
    /// quasi-identifiers), its recorded consent `decisions`, and an active aggregated agreement `agreement` with
    /// DRC covering it that names no consent purpose.
    static func installCases(
        _ world: TestWorld, name: String, table: Table, quasi: [String], decisions: [ConsentEntry], agreement: String
    ) async throws {
        let admin = try await world.user(.administrator).id.rawValue
        let schema = Schema(fields: table.columns.map { c in
            Field(name: c.name, type: c.type, role: c.name == "record_id" ? .directIdentifier : quasi.contains(c.name) ? .quasiIdentifier : .other)
        })
        let d = Dataset(name: name, category: "case-management", schema: schema, sensitivity: .high,
                        purpose: "Consent test", createdAt: Fixtures.epoch)
        _ = try await world.store.addVersion(of: d.id, table: table, schema: schema,
                                             provenance: Fixtures.provenance(sha: String(repeating: "e", count: 64)),
                                             audit: AuditDraft(at: Fixtures.epoch, actor: admin, action: .datasetImported), creating: d)
        try await world.store.recordConsent(datasetID: d.id, entries: decisions,
                                            audit: AuditDraft(at: Fixtures.epoch, actor: admin, action: .consentChanged))
        let now = world.clock.now()
        let a = try Agreement(id: agreement, parties: ["UNHCR", "DRC"], purpose: "Trends", legalBasis: .publicInterest,
                              covers: [name], level: .aggregated, validFrom: Fixtures.epoch, createdAt: now, createdBy: admin)
        try await AgreementDocuments.create(a, in: world.store, actor: admin, at: now)
        try await AgreementDocuments.transition(agreement, to: .active, in: world.store, actor: admin, role: .administrator, at: now)
    }

    /// Under an agreement that names no consent purpose, a partner's live tables still leave out the records
    /// whose consent to disclosure was refused or withdrawn (as share packages do); the producer's do not.
    @Test func partnerAggregatesLeaveOutWithdrawnRecordsWithoutAConsentPurpose() async throws {
        let world = try await TestWorld.make()
        _ = try await SharingFixture.install(in: world, twoPartners: true)
        let n = 10
        let table = try Table(columns: [
            Column(name: "record_id", data: .text(codes: (0..<n).map(Int32.init), dictionary: (0..<n).map { "w\($0)" })),
            Column(name: "adm1_code", data: .text(codes: Array(repeating: 0, count: n), dictionary: ["SD01"])),
            Column(name: "sex", data: .text(codes: Array(repeating: 0, count: n), dictionary: ["f"])),
        ])
        try await Self.installCases(world, name: "withdrawn", table: table, quasi: ["adm1_code", "sex"],
                                    decisions: [ConsentEntry(recordID: "w3", purpose: "disclosure", granted: false, at: Fixtures.epoch)],
                                    agreement: "ISP-NOPURPOSE")
        try await world.application().test(.router) { client in
            let partner = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            let analyst = try await Browser.signedIn(client, as: .analyst)
            // (Both see counts perturbed by the cell key of the records counted: record w3's key is left out of the partner's.)
            let theirs = try await Self.perturbedCount(world, dataset: "withdrawn", rows: (0..<n).filter { $0 != 3 })
            let ours = try await Self.perturbedCount(world, dataset: "withdrawn", rows: Array(0..<n))
            #expect(try Self.largestCount(try await partner.get(client, "/api/v1/datasets/withdrawn/aggregate?by=sex&min_cell=5")) == theirs)
            #expect(try Self.largestCount(try await analyst.get(client, "/api/v1/datasets/withdrawn/aggregate?by=sex&min_cell=5")) == ours)
            // The producer's officer sees the true count
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            #expect(try Self.largestCount(try await officer.get(client, "/api/v1/datasets/withdrawn/aggregate?by=sex&min_cell=5")) == 10)
        }
    }

    /// The same for consent refused when it was collected (the template's consent_disclosure column): the
    /// partner's tables leave those records out, unless a decision recorded since grants them.
    @Test func partnerAggregatesLeaveOutRefusalsAtCollection() async throws {
        let world = try await TestWorld.make()
        _ = try await SharingFixture.install(in: world, twoPartners: true)
        let n = 12
        let table = try Table(columns: [
            Column(name: "record_id", data: .text(codes: (0..<n).map(Int32.init), dictionary: (0..<n).map { "c\($0)" })),
            Column(name: "sex", data: .text(codes: Array(repeating: 0, count: n), dictionary: ["f"])),
            // c1, c2 and c5 said no at collection
            Column(name: "consent_disclosure", data: .text(codes: (0..<n).map { [1, 2, 5].contains($0) ? 1 : 0 }, dictionary: ["yes", "no"])),
        ])
        // c5 granted disclosure since
        try await Self.installCases(world, name: "collected", table: table, quasi: ["sex"],
                                    decisions: [ConsentEntry(recordID: "c5", purpose: "disclosure", granted: true, at: Fixtures.epoch)],
                                    agreement: "ISP-COLLECTED")
        try await world.application().test(.router) { client in
            let partner = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            let theirs = try await Self.perturbedCount(world, dataset: "collected", rows: (0..<n).filter { $0 != 1 && $0 != 2 })
            #expect(try Self.largestCount(try await partner.get(client, "/api/v1/datasets/collected/aggregate?by=sex&min_cell=5")) == theirs)
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            #expect(try Self.largestCount(try await officer.get(client, "/api/v1/datasets/collected/aggregate?by=sex&min_cell=5")) == 12)
        }
    }

    @Test func partnerAggregatesLeaveOutRecordsWithoutConsentAndStayWithinTheAgreementsDimensions() async throws {
        let world = try await TestWorld.make()
        try await Self.installConsentWorld(world)
        try await world.application().test(.router) { client in
            let partner = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            let analyst = try await Browser.signedIn(client, as: .analyst)
            // The analyst counts all 10 records; the partner only the 9 that granted disclosure (both perturbed by
            // the cell key of the records they count)
            let all = try await Self.perturbedCount(world, dataset: "consented", rows: Array(0..<10))
            let granted = try await Self.perturbedCount(world, dataset: "consented", rows: Array(0..<9))
            let ours = try await analyst.get(client, "/api/v1/datasets/consented/aggregate?by=sex&min_cell=5")
            #expect(ours.status == .ok)
            #expect(try Self.largestCount(ours) == all)
            let theirs = try await partner.get(client, "/api/v1/datasets/consented/aggregate?by=sex&min_cell=5")
            #expect(theirs.status == .ok)
            #expect(try Self.largestCount(theirs) == granted)
            // Asked again (a cached answer would be the analyst's), the same
            #expect(try Self.largestCount(try await partner.get(client, "/api/v1/datasets/consented/aggregate?by=sex&min_cell=5")) == granted)
            // Each table a partner fetches is audited (ids and parameters only); the analyst's are not
            let viewed = try await world.store.auditEvents(AuditFilter(action: .outputViewed))
            #expect(viewed.count == 2)
            #expect(viewed.allSatisfy { $0.draft.details["kind"] == "aggregate" && $0.draft.details["by"] == "sex" })
            // Row counts too: 9 for the partner, 10 for the analyst; none for a dataset where consent cannot be matched
            #expect(try await CaseAccessTests.rowCount(client, partner, "consented") == 9)
            #expect(try await CaseAccessTests.rowCount(client, analyst, "consented") == 10)
            #expect(try await CaseAccessTests.rowCount(client, partner, "noids") == 0)
            // A dimension outside the agreement is refused for the partner, allowed for the analyst
            let outside = try await partner.get(client, "/api/v1/datasets/consented/aggregate?by=district&min_cell=5")
            #expect(outside.status == .badRequest)
            #expect(String(buffer: outside.body).contains("not a dimension of your agreement"))
            // The messages name the agreement that sets the limit (W26)
            #expect(String(buffer: outside.body).contains("agreement ISP-CONSENT"))
            let low = try await partner.get(client, "/api/v1/datasets/consented/aggregate?by=sex&min_cell=2")
            #expect(low.status == .badRequest)
            #expect(String(buffer: low.body).contains("the minimum cell of agreement ISP-CONSENT"), "\(String(buffer: low.body))")
            #expect(try await analyst.get(client, "/api/v1/datasets/consented/aggregate?by=district&min_cell=5").status == .ok)
            // Household ids and direct identifiers are never dimensions, for anyone
            #expect(try await analyst.get(client, "/api/v1/datasets/consented/aggregate?by=hh&min_cell=5").status == .badRequest)
            #expect(try await analyst.get(client, "/api/v1/datasets/consented/aggregate?by=record_id&min_cell=5").status == .badRequest)
            // Without a record id field consent cannot be applied: the partner gets no live output at all
            let noIDs = try await partner.get(client, "/api/v1/datasets/noids/aggregate?by=sex&min_cell=5")
            #expect(noIDs.status == .unprocessableContent)
            #expect(String(buffer: noIDs.body).contains("share packages"))
            let output = try await partner.get(client, "/api/v1/datasets/noids/output")
            #expect(output.status == .unprocessableContent)
            #expect(String(buffer: output.body).contains("share packages"))
            let page = String(buffer: try await partner.get(client, "/datasets/noids").body)
            #expect(page.contains("share packages"))
            // The analyst's outputs of the same dataset are unaffected
            #expect(try await analyst.get(client, "/api/v1/datasets/noids/aggregate?by=sex&min_cell=5").status == .ok)
        }
    }

    // MARK: 2. Share packages: downloadable by partners only under an agreement in force, within retention

    @Test func partnersCannotDownloadAfterRevocationOrRetention() async throws {
        // Revoked
        let world = try await TestWorld.make()
        let fixture = try await SharingFixture.install(in: world, twoPartners: true)
        try await world.application().test(.router) { client in
            let partner = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            #expect(try await partner.get(client, "/api/v1/shares/\(fixture.shareA)/download").status == .ok)
            let listed = try #require(try jsonObject(try await partner.get(client, "/api/v1/shares/\(fixture.shareA)")) as? [String: Any])
            #expect(listed["download"] as? String != nil)
            let admin = try await Browser.signedIn(client, as: .administrator)
            #expect(try await admin.postJSON(client, "/api/v1/agreements/ISP-A/status", #"{"status":"revoked"}"#).status == .ok)
            #expect(try await partner.get(client, "/api/v1/shares/\(fixture.shareA)/download").status == .notFound)
            #expect(try await partner.get(client, "/shares/\(fixture.shareA)/download").status == .notFound)
            let after = try #require(try jsonObject(try await partner.get(client, "/api/v1/shares/\(fixture.shareA)")) as? [String: Any])
            #expect(after["download"] == nil)
            // Staff still download it (their own records)
            #expect(try await admin.get(client, "/api/v1/shares/\(fixture.shareA)/download").status == .ok)
        }
        // Retention (90 days by default) passed while the agreement is still active
        let later = try await TestWorld.make()
        let f2 = try await SharingFixture.install(in: later, twoPartners: true)
        try await later.application().test(.router) { client in
            later.clock.advance(by: 89 * 86_400)
            let partner = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            #expect(try await partner.get(client, "/api/v1/shares/\(f2.shareA)/download").status == .ok)
            later.clock.advance(by: 2 * 86_400)
            let again = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            #expect(try await again.get(client, "/api/v1/shares/\(f2.shareA)/download").status == .notFound)
            #expect(try await again.get(client, "/shares/\(f2.shareA)/download").status == .notFound)
        }
    }

    // MARK: 3. Anonymous sessions never evict signed-in ones

    @Test func aFloodOfAnonymousLoginFormsDoesNotSignAnyoneOut() async throws {
        let world = try await TestWorld.make {
            $0.sessionCapacity = 10
            $0.anonymousSessionCapacity = 10
        }
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            // Many more anonymous visits than either pool holds
            for _ in 0..<60 { #expect(try await client.execute(uri: "/login", method: .get).status == .ok) }
            // Still signed in
            let home = try await analyst.get(client, "/")
            #expect(home.status == .ok)
            #expect(String(buffer: home.body).contains("logout-form"))
            // And a fresh anonymous visitor can still sign in
            let late = try await Browser.signedIn(client, as: .pimOfficer)
            #expect(try await late.get(client, "/api/v1/datasets").status == .ok)
        }
    }

    // MARK: 5. Behind a trusted proxy the client address is the LAST X-Forwarded-For entry

    @Test func forgedLeadingForwardedForEntriesDoNotEscapeTheAddressLimit() async throws {
        let world = try await TestWorld.make {
            $0.loginAttemptsPerAddress = 2
            $0.trustForwardedFor = true
        }
        try await world.application().test(.router) { client in
            let browser = try await Browser.atLoginForm(client)
            let name = try #require(HTTPField.Name("X-Forwarded-For"))
            // The client forges a new first entry each time; the proxy appends the real address 192.0.2.7
            for (i, user) in ["analyst", "supervisor"].enumerated() {
                let (r, _) = try await browser.postLogin(client, user: user, password: "wrong password!",
                                                         extraHeaders: [name: "203.0.113.\(i), 192.0.2.7"])
                #expect(r.status == .unauthorized)
            }
            let (limited, _) = try await browser.postLogin(client, user: "case-worker", extraHeaders: [name: "203.0.113.99, 192.0.2.7"])
            #expect(limited.status == .tooManyRequests)
            // Another real client (last entry) is not limited, whatever its forged first entry
            let (other, _) = try await browser.postLogin(client, user: "case-worker", extraHeaders: [name: "192.0.2.7, 192.0.2.8"])
            #expect(other.status == .seeOther)
        }
    }

    // MARK: 8. Login timing and HSTS

    @Test func disabledAccountsFailNoFasterThanOneBcryptVerification() async throws {
        let world = try await TestWorld.make()
        let hasher = PasswordHasher(cost: 10)
        let hash = try hasher.hash(newPassword: TestWorld.password)
        try await world.store.add(User(userName: "gone", displayName: "Disabled", role: .analyst, passwordHash: hash,
                                       isDisabled: true, createdAt: Fixtures.epoch))
        let clock = ContinuousClock()
        // The fastest of three (load on a shared machine only makes a verification slower, never faster)
        let oneVerification = (0..<3).map { _ in clock.measure { _ = hasher.verify("wrong password!", against: hash) } }.min() ?? .zero
        try await world.application().test(.router) { client in
            let browser = try await Browser.atLoginForm(client)
            let start = clock.now
            let (r, _) = try await browser.postLogin(client, user: "gone", password: "wrong password!")
            let elapsed = clock.now - start
            #expect(r.status == .unauthorized)
            // Without the verification the refusal takes a few milliseconds; with it, about one verification.
            #expect(elapsed >= oneVerification / 2)
        }
    }

    @Test func hstsIsSentOnlyWhenReachedOverTLS() async throws {
        let plain = try await TestWorld.make()
        try await plain.application().test(.router) { client in
            let r = try await client.execute(uri: "/login", method: .get)
            #expect(r.headers[.strictTransportSecurity] == nil)
        }
        let secure = try await TestWorld.make { $0.secureCookies = true }
        try await secure.application().test(.router) { client in
            let r = try await client.execute(uri: "/login", method: .get)
            #expect(r.headers[.strictTransportSecurity] == "max-age=31536000")
            let css = try await client.execute(uri: "/static/pim.css", method: .get)
            #expect(css.headers[.strictTransportSecurity] == "max-age=31536000")
        }
    }

    // MARK: 4. Disclosure-role changes through the web import are audited; lowering needs data protection

    @Test func loweringADisclosureRoleNeedsTheFocalPointOrAnAdministratorAndIsAudited() async throws {
        let dir = DataFixtures.tempDir()
        let world = try await TestWorld.make { $0.uploadDirectory = dir }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            // First import: `notes` is proposed (and stored) as a direct identifier
            let first = try #require(try await officer.upload(client, file: "people.csv", bytes: DataFixtures.peopleBytes,
                                                               dataset: "incidents", extra: [("purpose", "Incident monitoring")]).headers[.location])
            // (confirming a new dataset's roles is the importer's; a role other than the proposal is audited)
            _ = try await officer.waitForJob(client, try #require(try await officer.post(client, first + "/commit",
                                                                                         fields: [("role.incident_type", "weight")]).headers[.location]))
            let before = try #require(try await world.store.dataset(named: "incidents"))
            #expect(before.schema.field(named: "notes")?.role == .directIdentifier)
            // A pim officer may not lower it
            let second = try #require(try await officer.upload(client, file: "people2.csv",
                                                                bytes: DataFixtures.peopleBytes + Array("SD02,male,60,theft,\n".utf8),
                                                                dataset: "incidents", extra: [("purpose", "Incident monitoring")]).headers[.location])
            let refused = try await officer.post(client, second + "/commit", fields: [("role.notes", "other")])
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body).contains("data protection focal point"))
            #expect(try await world.store.dataset(named: "incidents")?.schema.field(named: "notes")?.role == .directIdentifier)
            // An administrator may, and the change is audited with field names and roles only
            let admin = try await Browser.signedIn(client, as: .administrator)
            let third = try #require(try await admin.upload(client, file: "people3.csv",
                                                             bytes: DataFixtures.peopleBytes + Array("SD01,male,61,theft,\n".utf8),
                                                             dataset: "incidents", extra: [("purpose", "Incident monitoring")]).headers[.location])
            let done = try await admin.waitForJob(client, try #require(try await admin.post(client, third + "/commit",
                                                                                             fields: [("role.notes", "other")]).headers[.location]))
            #expect(done.contains("id=\"job-result\""))
        }
        let after = try #require(try await world.store.dataset(named: "incidents"))
        #expect(after.schema.field(named: "notes")?.role == .other)
        let events = try await world.store.auditEvents(AuditFilter(action: .datasetSchemaChanged, datasetID: after.id.rawValue))
        #expect(events.count == 2)
        let created = events.filter { $0.draft.details["role.incident_type"] != nil }
        #expect(created.count == 1)
        #expect(created.first?.draft.details["role.incident_type"]?.hasSuffix("->weight") == true)
        #expect(created.first?.draft.actor == (try await world.user(.pimOfficer).id.rawValue))
        let lowered = events.filter { $0.draft.details["role.notes"] != nil }
        #expect(lowered.count == 1)
        #expect(lowered.first?.draft.details["role.notes"] == "direct-identifier->other")
        #expect(lowered.first?.draft.actor == (try await world.user(.administrator).id.rawValue))
        // No personal data in them: only field names and roles
        #expect(events.allSatisfy { $0.draft.details.values.allSatisfy { !$0.contains("calm") && !$0.contains("SD0") } })
    }

    // MARK: 6. Uploads are private: folders 0700, files 0600, foreign directories refused

    static func mode(_ url: URL) throws -> Int {
        try #require((try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue) & 0o777
    }

    @Test func uploadsArePrivateAndKeepOnlyTheSanitisedFileName() async throws {
        let dir = DataFixtures.tempDir()
        let world = try await TestWorld.make { $0.uploadDirectory = dir }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let up = try await officer.upload(client, file: "C:\\Users\\somebody\\Desktop\\people.csv", bytes: DataFixtures.peopleBytes,
                                              dataset: "incidents", extra: [("purpose", "Incident monitoring")])
            #expect(up.status == .seeOther)
            let preview = try #require(up.headers[.location])
            // While it waits for confirmation: directory and folder 0700, file 0600
            #expect(try Self.mode(dir) == 0o700)
            let folders = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            #expect(folders.count == 1)
            for folder in folders {
                #expect(try Self.mode(folder) == 0o700)
                for file in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) {
                    #expect(try Self.mode(file) == 0o600)
                    #expect(file.lastPathComponent == "people.csv")
                }
            }
            _ = try await officer.waitForJob(client, try #require(try await officer.post(client, preview + "/commit", fields: []).headers[.location]))
        }
        // Provenance keeps the file name, not the client's path
        let d = try #require(try await world.store.dataset(named: "incidents"))
        #expect(try await world.store.versions(of: d.id).first?.provenance.fileName == "people.csv")
    }

    /// QA11 S10: a file uploaded and never confirmed is raw personal data outside the audited store: it goes when
    /// its owner signs out (and, by the sweep, when they are disabled, idle past the timeout, or a day has passed).
    @Test func anAbandonedUploadIsDeletedWhenItsOwnerSignsOut() async throws {
        let dir = DataFixtures.tempDir()
        let world = try await TestWorld.make { $0.uploadDirectory = dir }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let up = try await officer.upload(client, file: "people.csv", bytes: DataFixtures.peopleBytes, dataset: "incidents",
                                              extra: [("purpose", "Incident monitoring")])
            #expect(up.status == .seeOther)
            func folders() throws -> [URL] { try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil) }
            #expect(try folders().count == 1)
            // Another user signing out leaves it
            #expect(try await analyst.post(client, "/logout", fields: []).status == .seeOther)
            #expect(try folders().count == 1)
            // Its owner signing out deletes it
            #expect(try await officer.post(client, "/logout", fields: []).status == .seeOther)
            #expect(try folders().isEmpty)
        }
    }

    @Test func theSweepRemovesUploadsOfUsersWithoutASessionAndOldOnes() async throws {
        let dir = DataFixtures.tempDir()
        let state = ImportState()
        let owner = User.ID("officer-1")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var files: [String: URL] = [:]
        func upload(_ id: String, owner: User.ID, at: Date) throws -> ImportState.Upload {
            let f = try UploadSettings(directory: dir).newFolder().appendingPathComponent("u.csv")
            try Data("a\n1\n".utf8).write(to: f)
            files[id] = f
            return ImportState.Upload(id: id, owner: owner, file: UploadedFile(url: f, fileName: "u.csv", size: 4), originalName: "u.csv",
                                      sha256: "", read: try TableReader.read(url: f), datasetName: "d", category: nil, purpose: nil,
                                      sensitivity: .high, provenance: .init(), createdAt: at)
        }
        // (The day-old one last: adding an upload forgets those a day older than it.)
        await state.add(try upload("kept", owner: owner, at: now))
        await state.add(try upload("signed-out", owner: User.ID("someone-else"), at: now))
        await state.add(try upload("old", owner: owner, at: now.addingTimeInterval(-ImportState.uploadLifetime - 60)))
        // When the sweep runs with only the officer signed in
        #expect(await state.sweep(now: now, signedIn: [owner]) == 2)
        // Then the day-old upload and the one of a user without a session are gone, files and all
        #expect(await state.upload("kept", owner: owner) != nil)
        #expect(await state.upload("old", owner: owner) == nil)
        #expect(await state.pendingUploads == 1)
        #expect(FileManager.default.fileExists(atPath: try #require(files["kept"]).path))
        #expect(!FileManager.default.fileExists(atPath: try #require(files["old"]).path))
        #expect(!FileManager.default.fileExists(atPath: try #require(files["signed-out"]).path))
    }

    /// The timed sweep takes a user disabled in the store (by `pim user` while the server runs, which ends no
    /// session of the server's) as signed out: their upload goes although their session lives on.
    @Test func theTimedSweepTakesAUserDisabledInTheStoreAsSignedOut() async throws {
        let world = try await TestWorld.make()
        let dir = DataFixtures.tempDir()
        var officer = try await world.user(.pimOfficer)
        let analyst = try await world.user(.analyst)
        let sessions = SessionStore(idleTimeout: 3600)
        let now = Date()
        _ = await sessions.create(for: officer, now: now)
        _ = await sessions.create(for: analyst, now: now)
        let state = ImportState()
        for (id, owner) in [("officer's", officer.id), ("analyst's", analyst.id)] {
            let f = try UploadSettings(directory: dir).newFolder().appendingPathComponent("u.csv")
            try Data("a\n1\n".utf8).write(to: f)
            await state.add(ImportState.Upload(
                id: id, owner: owner, file: UploadedFile(url: f, fileName: "u.csv", size: 4), originalName: "u.csv", sha256: "",
                read: try TableReader.read(url: f), datasetName: "d", category: nil, purpose: nil, sensitivity: .high,
                provenance: .init(), createdAt: now.addingTimeInterval(-1)))
        }
        officer.isDisabled = true
        try await world.store.update(officer)
        state.startSweeping(every: 0.05, sessions: sessions, store: world.store, now: { Date() })
        for _ in 0..<100 where await state.pendingUploads > 1 { try await Task.sleep(nanoseconds: 20_000_000) }
        #expect(await state.upload("officer's", owner: officer.id) == nil)
        #expect(await state.upload("analyst's", owner: analyst.id) != nil)
    }

    @Test func theDefaultUploadDirectoryIsPrivateToTheProcessAndForeignOnesAreRefused() throws {
        // No directory configured: a private folder of this process, not the shared /tmp/pim-uploads
        let settings = ServerConfiguration().uploads
        #expect(settings.directory.lastPathComponent.hasPrefix("pim-uploads-"))
        #expect(settings.directory.lastPathComponent != "pim-uploads")
        let folder = try settings.newFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try Self.mode(settings.directory) == 0o700)
        #expect(try Self.mode(folder) == 0o700)
        // A pre-existing directory open to others is tightened; a symbolic link is refused
        let open = DataFixtures.tempDir()
        try FileManager.default.createDirectory(at: open, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        defer { try? FileManager.default.removeItem(at: open) }
        _ = try UploadSettings(directory: open).newFolder()
        #expect(try Self.mode(open) == 0o700)
        let link = DataFixtures.tempDir()
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: open)
        defer { try? FileManager.default.removeItem(at: link) }
        #expect(throws: ServerError.self) { try UploadSettings(directory: link).newFolder() }
        // Another user's directory is refused (only checkable when the tests may change owners)
        let foreign = DataFixtures.tempDir()
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: foreign) }
        if (try? FileManager.default.setAttributes([.ownerAccountID: 65_534], ofItemAtPath: foreign.path)) != nil {
            #expect(throws: ServerError.self) { try UploadSettings(directory: foreign).newFolder() }
        }
        // Stale folders of an earlier run are swept at start
        let stale = try UploadSettings(directory: open).newFolder()
        let old = Date().addingTimeInterval(-2 * 60 * 60)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: stale.path)
        let fresh = try UploadSettings(directory: open).newFolder()
        #expect(UploadSettings(directory: open).sweepStale() >= 1)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: fresh.path))
    }

    // MARK: 7. Internal metadata stays internal

    @Test func partnersAndCaseWorkersDoNotSeeImportersFileNamesOrStaffNames() async throws {
        let world = try await TestWorld.make()
        _ = try await SharingFixture.install(in: world, twoPartners: true)
        try await world.addAssignedCases()
        let hash = try PasswordHasher(cost: 4).hash(newPassword: TestWorld.password)
        try await world.store.add(User(userName: "cw3", displayName: "Unassigned", role: .caseWorker, passwordHash: hash,
                                       createdAt: Fixtures.epoch))
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let partner = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            let worker = try await Browser.signedIn(client, as: .caseWorker)
            func provenance(_ b: Browser, _ name: String) async throws -> [String: Any] {
                let d = try #require(try jsonObject(try await b.get(client, "/api/v1/datasets/\(name)")) as? [String: Any])
                let versions = try #require(d["versions"] as? [[String: Any]])
                return try #require(versions.last?["provenance"] as? [String: Any])
            }
            // Staff see who imported which file, with the quality notes
            let ours = try await provenance(analyst, "cases")
            #expect(ours["importedBy"] as? String == "admin")
            #expect(ours["fileName"] as? String == "survey.csv")
            #expect(ours["qualityNotes"] as? String == "synthetic")
            // Partners and case workers do not, in the API or on the page
            for (b, name) in [(partner, "cases"), (worker, TestWorld.assignedDatasetName)] {
                let p = try await provenance(b, name)
                #expect(p["importedBy"] as? String == "withheld")
                #expect(p["fileName"] as? String == "withheld")
                #expect(p["qualityNotes"] == nil)
                let page = String(buffer: try await b.get(client, "/datasets/\(name)").body)
                #expect(!page.contains("survey.csv"))
            }
            #expect(String(buffer: try await analyst.get(client, "/datasets/cases").body).contains("survey.csv"))
            // A case worker with no assigned row does not see the dataset at all
            let (r, unassigned) = try await Browser.atLoginForm(client).postLogin(client, user: "cw3")
            #expect(r.status == .seeOther)
            #expect(try await unassigned.get(client, "/api/v1/datasets/\(TestWorld.assignedDatasetName)").status == .notFound)
            #expect(try await unassigned.get(client, "/datasets/\(TestWorld.assignedDatasetName)").status == .notFound)
            #expect(!String(buffer: try await unassigned.get(client, "/api/v1/datasets").body).contains(TestWorld.assignedDatasetName))
            // Partners see organisations, not staff user names, on agreement and share pages
            let agreement = String(buffer: try await partner.get(client, "/agreements/ISP-A").body)
            #expect(agreement.contains("by workspace staff"))
            #expect(!agreement.contains("by admin"))
            #expect(String(buffer: try await analyst.get(client, "/agreements/ISP-A").body).contains("by admin"))
        }
    }
}
