import Crypto
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

/// Agreements and shares through the web: the same domain rules and audit trail as `pim agreement` and `pim share`.
@Suite struct SharingWebTests {
    static func json(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as? [String: Any])
    }

    static func location(_ r: TestResponse) -> String { r.headers[.location] ?? "" }

    @Test func createAgreementRefuseThenShareDownloadVerifiesAndAuditsIdsOnly() async throws {
        // Given a workspace with organisations
        let world = try await TestWorld.make()
        for acr in ["UNHCR", "DRC"] {
            try await world.store.add(Organization(name: "Org \(acr)", acronym: acr, kind: .ingo, createdAt: world.clock.now()))
        }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            // The form is offered with its fields
            let form = String(buffer: try await officer.get(client, "/agreements/new").body)
            #expect(form.contains("id=\"agreement-form\""))
            #expect(form.contains("name=\"csrf_token\""))
            #expect(form.contains("<label for=\"parties\">"))
            // When the officer records an agreement
            let created = try await officer.post(client, "/agreements", [
                ("id", "ISP-9"), ("parties", "UNHCR,DRC"), ("purpose", "Monthly trends"), ("legal_basis", "public-interest"),
                ("covers", "cases"), ("level", "aggregated"), ("min_cell", "5"), ("dimensions", "adm1_code,sex"),
                ("valid_from", "2026-01-01"),
            ])
            #expect(created.status == .seeOther)
            #expect(Self.location(created) == "/agreements/ISP-9")
            let page = String(buffer: try await officer.get(client, "/agreements/ISP-9").body)
            #expect(page.contains("draft"))
            // A draft refuses: the refusal is shown at its own address with the reason
            var r = try await officer.post(client, "/shares", [("agreement", "ISP-9"), ("dataset", "cases"), ("level", "aggregated")])
            #expect(r.status == .seeOther)
            var body = String(buffer: try await officer.get(client, Self.location(r)).body)
            #expect(body.contains("id=\"share-refusal\""))
            #expect(body.contains("Agreement ISP-9 is draft, not active"))
            // The DPFP approves it
            let dpfp = try await Browser.signedIn(client, as: .dataProtectionFocalPoint)
            r = try await dpfp.post(client, "/agreements/ISP-9/status", [("status", "active")])
            #expect(r.status == .seeOther)
            #expect(String(buffer: try await officer.get(client, "/agreements/ISP-9").body).contains("id=\"agreement-status\" class=\"tag status-active\""))
            // A disallowed level is refused with the §10 / agreement reason
            r = try await officer.post(client, "/shares", [("agreement", "ISP-9"), ("dataset", "cases"), ("level", "anonymised")])
            #expect(r.status == .seeOther)
            #expect(Self.location(r).hasPrefix("/shares/REF-"))
            body = String(buffer: try await officer.get(client, Self.location(r)).body)
            #expect(body.contains("id=\"share-refusal\""))
            #expect(body.contains("Agreement ISP-9 allows aggregated tables only; anonymised microdata was requested."))
            #expect(!body.contains("id=\"share-package\""))
            // An allowed one (defaults: first recipient, level allowed, agreement's dimensions) gives a package
            r = try await officer.post(client, "/shares", [("agreement", "ISP-9"), ("dataset", "cases")])
            #expect(r.status == .seeOther)
            let sharePath = Self.location(r)
            #expect(sharePath.hasPrefix("/shares/SHR-"))
            body = String(buffer: try await officer.get(client, sharePath).body)
            #expect(body.contains("id=\"share-package\""))
            #expect(body.contains("id=\"share-download\" href=\"\(sharePath)/download\""))
            // Then the download is a package whose signatures verify with the workspace key
            let download = try await officer.get(client, sharePath + "/download")
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/zip")
            let data = Data(download.body.readableBytesView)
            let raw = try await world.store.secret(named: PackageKeys.signingSecretName, orCreate: PackageKeys.newSigningKey)
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw).publicKey
            let verified = try SharePackage.verify(data, publicKey: key)
            // The share page shows the same public key, so a recipient can verify without a terminal on our side
            #expect(body.contains("id=\"share-public-key\">" + PackageKeys.pem(key)))
            let csv = String(decoding: try #require(verified.contents["data.csv"]), as: UTF8.self)
            #expect(csv.hasPrefix("adm1_code,sex,count,flag"))
            // The package names its producer by user name, not by the internal user id (QA W22)
            let metadata = String(decoding: try #require(verified.contents["metadata.json"]), as: UTF8.self)
            let officerName = try await world.user(.pimOfficer).userName
            let officerUUID = try await world.user(.pimOfficer).id.rawValue
            #expect(metadata.contains("\"produced_by\" : \"\(officerName)\"") || metadata.contains("\"produced_by\":\"\(officerName)\""), "\(metadata)")
            #expect(!metadata.contains(officerUUID))
            let readme = String(decoding: try #require(verified.contents["README.txt"] ?? verified.contents["README.md"]), as: UTF8.self)
            #expect(!readme.contains(officerUUID))
            // A changed byte fails verification
            var tampered = data
            tampered[tampered.count / 2] ^= 0x20
            #expect(throws: PackageError.self) { try SharePackage.verify(tampered, publicKey: key) }
            // And the audit trail holds the refusals, the share and the download, with ids and counts only
            let events = try await world.store.auditEvents(.all)
            let officerID = try await world.user(.pimOfficer).id.rawValue
            let shareID = String(sharePath.dropFirst("/shares/".count))
            #expect(events.filter { $0.draft.action == .shareRefused }.count == 2)
            let made = try #require(events.first { $0.draft.action == .shareCreated })
            #expect(made.draft.actor == officerID)
            #expect(made.draft.details["share"] == shareID)
            let downloaded = try #require(events.first { $0.draft.action == .shareDownloaded })
            #expect(downloaded.draft.details["share"] == shareID)
            #expect(downloaded.draft.recordCount == made.draft.recordCount)
            #expect(try await world.store.verifyAuditChain() == .intact(events: events.count))
            // No record value of the dataset appears in any audit event
            let cases = try #require(try await world.store.dataset(named: "cases"))
            let version = try #require(try await world.store.versions(of: cases.id).last)
            let table = try await world.store.table(of: version)
            let identifiers = version.schema.names(withRole: .directIdentifier)
            #expect(!identifiers.isEmpty)
            let auditText = events.map { "\($0.draft.details) \($0.draft.actor)" }.joined(separator: "\n")
            for name in identifiers {
                guard let column = table[name] else { continue }
                for row in 0..<min(table.rowCount, 200) {
                    if let v = ValueFormatting.text(column[row]), v.count > 2 { #expect(!auditText.contains(v), "audit leaked \(name)") }
                }
            }
        }
    }

    @Test func invalidAgreementsShowTheirProblemsOnTheForm() async throws {
        let world = try await TestWorld.make()
        try await world.store.add(Organization(name: "Org UNHCR", acronym: "UNHCR", kind: .un, createdAt: world.clock.now()))
        try await world.application().test(.router) { client in
            let admin = try await Browser.signedIn(client, as: .administrator)
            // Field problems are listed together, and what was typed is kept
            var r = try await admin.post(client, "/agreements", [
                ("id", "bad id!"), ("parties", "UNHCR"), ("purpose", "Trends"), ("legal_basis", "public-interest"),
                ("covers", "cases"), ("level", "everything"), ("k", "x"),
            ])
            #expect(r.status == .unprocessableContent)
            var body = String(buffer: r.body)
            #expect(body.contains("id=\"agreement-errors\""))
            #expect(body.contains("Level must be one of aggregated, anonymised, pseudonymised, personal."))
            #expect(body.contains("k must be a whole number."))
            #expect(body.contains("value=\"Trends\""))
            // The domain's own check names the id rule
            r = try await admin.post(client, "/agreements", [
                ("id", "bad id!"), ("parties", "UNHCR"), ("purpose", "Trends"), ("legal_basis", "public-interest"),
                ("covers", "cases"), ("level", "aggregated"),
            ])
            #expect(String(buffer: r.body).contains("The agreement id must be 1 to 64 letters"))
            // An unknown party and unknown coverage are refused, naming them
            r = try await admin.post(client, "/agreements", [
                ("id", "ISP-1"), ("parties", "UNHCR,NOPE"), ("purpose", "Trends"), ("legal_basis", "public-interest"),
                ("covers", "cases"), ("level", "aggregated"),
            ])
            body = String(buffer: r.body)
            #expect(r.status == .unprocessableContent)
            #expect(body.contains("There is no organisation &quot;NOPE&quot;"))
            // Nothing was stored
            #expect(try await world.store.documents(kind: .agreement).isEmpty)
            // Through the API, the same problems are a problem+json 422
            r = try await admin.postJSON(client, "/api/v1/agreements", #"{"id":"ISP-2","parties":["UNHCR"],"purpose":"x","legalBasis":"public-interest","covers":["nothing-like-this"],"level":"aggregated"}"#)
            #expect(r.status == .unprocessableContent)
            #expect(r.headers[.contentType] == "application/problem+json")
            #expect((try Self.json(r)["detail"] as? String)?.contains("neither a dataset nor a PIM category id") == true)
        }
    }

    @Test func agreementIdsWithAnyLettersRoundTripThroughTheirAddress() async throws {
        let world = try await TestWorld.make()
        _ = try await SharingFixture.install(in: world)
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let r = try await officer.post(client, "/agreements", [
                ("id", "ISP-é1"), ("parties", "UNHCR,DRC"), ("purpose", "Tendances"), ("legal_basis", "public-interest"),
                ("covers", "cases"), ("level", "aggregated"),
            ])
            #expect(r.status == .seeOther)
            #expect(Self.location(r) == "/agreements/ISP-%C3%A91")
            let page = try await officer.get(client, Self.location(r))
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("Agreement ISP-é1"))
            #expect(try await officer.get(client, "/api/v1/agreements/ISP-%C3%A91").status == .ok)
        }
    }

    @Test func sharesMadeByTheCommandLineAreListedButHaveNoCopyToDownload() async throws {
        let world = try await TestWorld.make()
        _ = try await SharingFixture.install(in: world)
        // Given a share delivered as a file (the package is not kept in the store)
        let service = ShareService(store: world.store, actor: "cli:amina")
        let prepared = try await service.prepare(dataset: "cases", to: "DRC", agreement: "ISP-A", level: .aggregated,
                                                 dimensions: ["sex"], at: world.clock.now())
        let record = try await service.commit(prepared, storingPackage: false)
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let page = String(buffer: try await officer.get(client, "/shares/\(record.id)").body)
            #expect(page.contains("id=\"share-package\""))
            #expect(page.contains("pim keeps no copy to download"))
            #expect(!page.contains("id=\"share-download\""))
            #expect(try await officer.get(client, "/shares/\(record.id)/download").status == .notFound)
            let dto = try Self.json(try await officer.get(client, "/api/v1/shares/\(record.id)"))
            #expect(dto["download"] == nil)
            #expect(dto["actor"] as? String == "cli:amina")
        }
        // And no download was audited
        #expect(try await world.store.auditEvents(AuditFilter(action: .shareDownloaded)).isEmpty)
    }

    @Test func everySharingPostRejectsAMissingOrWrongCSRFToken() async throws {
        let world = try await TestWorld.make()
        let fixture = try await SharingFixture.install(in: world)
        try await world.application().test(.router) { client in
            let admin = try await Browser.signedIn(client, as: .administrator)
            let posts: [(String, [(String, String)])] = [
                ("/agreements", [("id", "ISP-X"), ("parties", "UNHCR"), ("purpose", "x"), ("legal_basis", "public-interest"),
                                 ("covers", "cases"), ("level", "aggregated")]),
                ("/agreements/ISP-A/status", [("status", "revoked")]),
                ("/shares", [("agreement", "ISP-A"), ("dataset", "cases")]),
            ]
            for (uri, fields) in posts {
                for token in [String?.none, "0123456789abcdef"] {
                    let r = try await admin.post(client, uri, fields, csrf: .some(token))
                    #expect(r.status == .forbidden, "\(uri) with token \(token ?? "none")")
                    #expect(String(buffer: r.body).contains("Form expired or forged"))
                }
            }
            for uri in ["/api/v1/agreements", "/api/v1/agreements/ISP-A/status", "/api/v1/shares"] {
                let r = try await admin.postJSON(client, uri, #"{"status":"revoked","agreement":"ISP-A","dataset":"cases"}"#, withCSRF: false)
                #expect(r.status == .forbidden, "\(uri)")
                #expect(r.headers[.contentType] == "application/problem+json")
            }
            // Nothing changed
            #expect(try await world.store.documents(kind: .agreement).map(\.id) == ["ISP-A"])
            #expect(try await AgreementDocuments.load("ISP-A", from: world.store).status == .active)
            #expect(try await ShareDocuments.all(in: world.store).map(\.id) == [fixture.shareA])
        }
    }

    @Test func partnerViewersSeeOnlyWhatAgreementsShareWithTheirOrganisation() async throws {
        let world = try await TestWorld.make()
        let fixture = try await SharingFixture.install(in: world, twoPartners: true)
        let shareB = try #require(fixture.shareB)
        try await world.application().test(.router) { client in
            let a = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            // Datasets: `cases` is covered by ISP-A (DRC); `pm` only by ISP-B (NRC)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: try await a.get(client, "/api/v1/datasets").body).utf8)) as? [[String: Any]])
            #expect(list.compactMap { $0["name"] as? String } == ["cases"])
            #expect(try await a.get(client, "/datasets/cases").status == .ok)
            #expect(try await a.get(client, "/api/v1/datasets/cases/output").status == .ok)
            let hidden = try await a.get(client, "/api/v1/datasets/pm")
            let missing = try await a.get(client, "/api/v1/datasets/no-such")
            #expect(hidden.status == .notFound)
            #expect(String(buffer: hidden.body) == String(buffer: missing.body).replacingOccurrences(of: "no-such", with: "pm"))
            #expect(try await a.get(client, "/datasets/pm").status == .notFound)
            // Never microdata
            #expect(try await a.get(client, "/api/v1/datasets/cases/output?view=internal").status == .forbidden)
            #expect(try await a.get(client, "/api/v1/datasets/cases/risk?keys=adm1_code,sex").status == .forbidden)
            #expect(try await a.get(client, "/api/v1/datasets/cases/aggregate?by=adm1_code&min_cell=2").status == .badRequest)
            // Shares and agreements: only DRC's
            let shares = try #require(try Self.json(try await a.get(client, "/api/v1/shares"))["shares"] as? [[String: Any]])
            #expect(shares.compactMap { $0["id"] as? String } == [fixture.shareA])
            #expect(shares.first?["download"] as? String == "/api/v1/shares/\(fixture.shareA)/download")
            #expect(try await a.get(client, "/shares/\(shareB)").status == .notFound)
            #expect(try await a.get(client, "/api/v1/shares/\(shareB)").status == .notFound)
            #expect(try await a.get(client, "/shares/\(shareB)/download").status == .notFound)
            #expect(try await a.get(client, "/api/v1/shares/\(shareB)/download").status == .notFound)
            #expect(try await a.get(client, "/shares/\(fixture.shareA)/download").status == .ok)
            #expect(!String(buffer: try await a.get(client, "/shares").body).contains(shareB))
            let agreements = try #require(try Self.json(try await a.get(client, "/api/v1/agreements"))["agreements"] as? [[String: Any]])
            #expect(agreements.compactMap { $0["id"] as? String } == ["ISP-A"])
            #expect(try await a.get(client, "/agreements/ISP-B").status == .notFound)
            // Partners cannot create agreements or shares
            #expect(try await a.get(client, "/shares/new").status == .forbidden)
            #expect(try await a.post(client, "/shares", [("agreement", "ISP-A"), ("dataset", "cases")]).status == .forbidden)
            // The other partner sees its own share, and `pm`
            let b = try await Browser.signedIn(client, userName: SharingFixture.partnerB)
            #expect(try await b.get(client, "/api/v1/shares/\(shareB)").status == .ok)
            #expect(try await b.get(client, "/api/v1/shares/\(fixture.shareA)").status == .notFound)
            #expect(try await b.get(client, "/api/v1/datasets/pm").status == .ok)
            // When ISP-A is revoked, DRC's partner no longer sees `cases`
            let admin = try await Browser.signedIn(client, as: .administrator)
            #expect(try await admin.postJSON(client, "/api/v1/agreements/ISP-A/status", #"{"status":"revoked"}"#).status == .ok)
            #expect(try await a.get(client, "/api/v1/datasets/cases").status == .notFound)
            #expect(try await a.get(client, "/datasets/cases").status == .notFound)
        }
    }

    @Test func partnerOutputsHonourTheLargestMinimumCellOfTheirAgreements() async throws {
        let world = try await TestWorld.make()
        _ = try await SharingFixture.install(in: world, twoPartners: true)
        // Given a second agreement with DRC asking for cells of at least 20
        let admin = try await world.user(.administrator).id.rawValue
        let strict = try Agreement(id: "ISP-C", parties: ["UNHCR", "DRC"], purpose: "Strict", legalBasis: .publicInterest,
                                   covers: ["case-management"], level: .aggregated, thresholds: .init(minimumCellSize: 20),
                                   validFrom: Fixtures.epoch, createdAt: world.clock.now(), createdBy: admin)
        try await AgreementDocuments.create(strict, in: world.store, actor: admin, at: world.clock.now())
        try await AgreementDocuments.transition("ISP-C", to: .active, in: world.store, actor: admin, role: .administrator, at: world.clock.now())
        try await world.application().test(.router) { client in
            let partner = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let theirs = try Self.json(try await partner.get(client, "/api/v1/datasets/cases/output"))
            let ours = try Self.json(try await analyst.get(client, "/api/v1/datasets/cases/output"))
            let partnerNotes = (theirs["notes"] as? [String] ?? []).joined(separator: " ")
            let analystNotes = (ours["notes"] as? [String] ?? []).joined(separator: " ")
            #expect(partnerNotes.contains("fewer than 20"))
            #expect(analystNotes.contains("fewer than 5"))
            #expect(String(buffer: try await partner.get(client, "/datasets/cases").body).contains("fewer than 20"))
            // The page's output is a disclosure to the partner, audited as the API's is; the analyst's view is not
            _ = try await analyst.get(client, "/datasets/cases")
            let onPage = try await world.store.auditEvents(AuditFilter(action: .outputViewed)).filter { $0.draft.details["via"] == "web" }
            #expect(onPage.count == 1)
            #expect(onPage.first?.draft.details["kind"] == "category-output")
            #expect(onPage.first?.draft.details["min_cell"] == "20")
            #expect(try await partner.get(client, "/api/v1/datasets/cases/aggregate?by=adm1_code&min_cell=10").status == .badRequest)
            #expect(try await partner.get(client, "/api/v1/datasets/cases/aggregate?by=adm1_code&min_cell=20").status == .ok)
            // Without min_cell, the agreements' largest minimum cell applies (not a default that is then refused)
            #expect(try await partner.get(client, "/api/v1/datasets/cases/aggregate?by=adm1_code").status == .ok)
            let low = try await partner.get(client, "/api/v1/datasets/cases/aggregate?by=adm1_code&min_cell=10")
            #expect(String(buffer: low.body).contains("at least 20 for you (the minimum cell of agreement ISP-C, the largest of the agreements"))
        }
    }

    /// QA9 review F1's residual: the perturbation used to start from each viewer's floor, so a partner whose
    /// agreements ask for cells of 20 had every cell perturbed under another table than an analyst's (and again
    /// whenever the agreements changed); the two answers together narrowed each count. Every viewer now gets the
    /// one table that starts at 5, and a higher floor only leaves out published counts below it.
    @Test func aPartnersPerturbedCountsAreTheAnalystsWithSmallOnesLeftOut() async throws {
        let world = try await TestWorld.make()
        _ = try await SharingFixture.install(in: world, twoPartners: true)
        let admin = try await world.user(.administrator).id.rawValue
        // The two viewers count the same records: the cases that refused disclosure or reporting as collected
        // (which a partner never sees) granted it since.
        let dataset = try #require(try await world.store.dataset(named: TestWorld.datasetName))
        let stored = try await world.store.table(of: try #require(try await world.store.versions(of: dataset.id).last))
        var grants: [ConsentEntry] = []
        for purpose in ["disclosure", "reporting"] {
            let answers = try #require(stored["consent_" + purpose]), ids = try #require(stored["case_id"])
            for row in 0..<stored.rowCount where answers[row] == .text("no") {
                if case .text(let id) = ids[row] { grants.append(ConsentEntry(recordID: id, purpose: purpose, granted: true, at: world.clock.now())) }
            }
        }
        #expect(!grants.isEmpty)
        try await world.store.recordConsent(datasetID: dataset.id, entries: grants,
                                            audit: AuditDraft(at: world.clock.now(), actor: "test", action: .consentChanged))
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let path = "/api/v1/datasets/cases/aggregate?by=adm1_code,sex&min_cell="
            let ours = try CellKeyAggregateTests.cells(try await analyst.get(client, path + "5"))
            #expect(ours.method == "cell-key")
            // Given a second agreement with DRC whose minimum cell is the analyst's largest count (so that the
            // partner sees some cells and not others)
            let floor = try #require(ours.rows.compactMap(\.1).max())
            let strict = try Agreement(id: "ISP-C", parties: ["UNHCR", "DRC"], purpose: "Strict", legalBasis: .publicInterest,
                                       covers: ["case-management"], level: .aggregated, thresholds: .init(minimumCellSize: floor),
                                       validFrom: Fixtures.epoch, createdAt: world.clock.now(), createdBy: admin)
            try await AgreementDocuments.create(strict, in: world.store, actor: admin, at: world.clock.now())
            try await AgreementDocuments.transition("ISP-C", to: .active, in: world.store, actor: admin, role: .administrator, at: world.clock.now())
            let partner = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            let theirs = try CellKeyAggregateTests.cells(try await partner.get(client, path + String(floor)))
            #expect(theirs.method == "cell-key")
            // Then the partner's counts are the analyst's, the ones below the floor left out
            let large = ours.rows.filter { ($0.1 ?? 0) >= floor }
            #expect(!large.isEmpty && large.count < ours.rows.count)
            #expect(theirs.rows.map(\.0) == large.map(\.0))
            #expect(theirs.rows.map(\.1) == large.map(\.1))
            // … and an agreement asking for smaller cells later changes none of them
            try await AgreementDocuments.transition("ISP-C", to: .suspended, in: world.store, actor: admin, role: .administrator, at: world.clock.now())
            let relaxed = try CellKeyAggregateTests.cells(try await partner.get(client, path + "5"))
            #expect(relaxed.rows.map(\.0) == ours.rows.map(\.0))
            #expect(relaxed.rows.map(\.1) == ours.rows.map(\.1))
        }
    }

    /// QA9 S13 through the web: a share of population figures without dimensions is counted in persons by
    /// adm1_code and sex (the figures' columns are no dimensions, and the schema names no quasi-identifiers).
    @Test func aWebShareOfPopulationFiguresCountsPersonsByDefault() async throws {
        let world = try await TestWorld.make()
        _ = try await SharingFixture.install(in: world)
        let admin = try await world.user(.administrator).id.rawValue
        let table = DemoGenerator(seed: 5, scale: .small).table(for: .populationData)
        let schema = templateRoleSchema(of: table, category: .populationData)
        let pop = Dataset(name: "pop", category: "population-data", schema: schema, sensitivity: .low,
                          purpose: "Synthetic figures for tests", createdAt: Fixtures.epoch)
        _ = try await world.store.addVersion(of: pop.id, table: table, schema: schema,
                                             provenance: Fixtures.provenance(sha: String(repeating: "c", count: 64)),
                                             audit: AuditDraft(at: Fixtures.epoch, actor: admin, action: .datasetImported), creating: pop)
        let a = try Agreement(id: "ISP-POP", parties: ["UNHCR", "DRC"], purpose: "Planning", legalBasis: .publicInterest,
                              covers: ["pop"], level: .aggregated, validFrom: Fixtures.epoch, createdAt: world.clock.now(), createdBy: admin)
        try await AgreementDocuments.create(a, in: world.store, actor: admin, at: world.clock.now())
        try await AgreementDocuments.transition("ISP-POP", to: .active, in: world.store, actor: admin, role: .administrator, at: world.clock.now())
        let expected = try PopulationFigures.personsInForce(table).table
        guard case .integer(let persons, _) = expected["persons"]?.data else { Issue.record("no persons"); return }
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let r = try await officer.post(client, "/shares", [("agreement", "ISP-POP"), ("dataset", "pop")])
            let path = Self.location(r)
            let page = String(buffer: try await officer.get(client, path).body)
            try #require(path.hasPrefix("/shares/SHR-"), "\(page)")
            let download = try await officer.get(client, path + "/download")
            let raw = try await world.store.secret(named: PackageKeys.signingSecretName, orCreate: PackageKeys.newSigningKey)
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw).publicKey
            let verified = try SharePackage.verify(Data(download.body.readableBytesView), publicKey: key)
            let csv = String(decoding: try #require(verified.contents["data.csv"]), as: UTF8.self)
            let lines = csv.components(separatedBy: "\r\n")
            #expect(lines.first == "adm1_code,sex,persons,flag")
            // The grand total is every person of the figures in force
            #expect(lines.contains("Total,Total,\(persons.reduce(0, +)),"))
            // An ad-hoc table of the figures counts rows, and says so
            let adHoc = try Self.json(try await officer.get(client, "/api/v1/datasets/pop/aggregate?by=adm1_code"))
            #expect((adHoc["note"] as? String)?.contains("population-figure rows") == true, "\(adHoc)")
            #expect((adHoc["note"] as? String)?.contains("not of persons") == true)
        }
    }

    @Test func theAPIRequestsSharesAndAnswersRefusalsWithTheirReason() async throws {
        let world = try await TestWorld.make()
        _ = try await SharingFixture.install(in: world)
        try await world.application().test(.router) { client in
            let dpfp = try await Browser.signedIn(client, as: .dataProtectionFocalPoint)
            var r = try await dpfp.postJSON(client, "/api/v1/shares", #"{"agreement":"ISP-A","dataset":"cases","level":"personal"}"#)
            #expect(r.status == .created)
            var body = try Self.json(r)
            #expect(body["outcome"] as? String == "refused")
            #expect(body["code"] as? String == "level-exceeds-agreement")
            #expect(r.headers[.location] == "/api/v1/shares/\(body["id"] as? String ?? "")")
            r = try await dpfp.postJSON(client, "/api/v1/shares", #"{"agreement":"ISP-A","dataset":"cases","dimensions":["sex"]}"#)
            #expect(r.status == .created)
            body = try Self.json(r)
            #expect(body["outcome"] as? String == "shared")
            #expect(body["level"] as? String == "aggregated")
            let download = try #require(body["download"] as? String)
            let file = try await dpfp.get(client, download)
            #expect(file.status == .ok)
            #expect(file.headers[.contentDisposition]?.contains(".zip") == true)
            // Analysts read share records but never download packages
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let seen = try Self.json(try await analyst.get(client, "/api/v1/shares/\(body["id"] as? String ?? "")"))
            #expect(seen["download"] == nil)
            #expect(try await analyst.get(client, download).status == .forbidden)
            // Unknown agreement or dataset, and a role that may not share: refused, and audited as refusals (QA20)
            r = try await dpfp.postJSON(client, "/api/v1/shares", #"{"agreement":"NOPE","dataset":"cases"}"#)
            #expect(r.status == .unprocessableContent)
            r = try await dpfp.postJSON(client, "/api/v1/shares", #"{"agreement":"ISP-A","dataset":"nothing"}"#)
            #expect(r.status == .unprocessableContent)
            #expect(try await analyst.postJSON(client, "/api/v1/shares", #"{"agreement":"ISP-A","dataset":"cases"}"#).status == .forbidden)
            let reasons = try await world.store.auditEvents(.all).filter { $0.draft.action == .shareRefused }.compactMap { $0.draft.details["reason"] }
            for reason in ["unknown-agreement", "unknown-dataset", "not-permitted"] {
                #expect(reasons.filter { $0 == reason }.count == 1, "\(reason): \(reasons)")
            }
            // Agreements through the API
            r = try await dpfp.postJSON(client, "/api/v1/agreements", #"{"id":"ISP-J","parties":["UNHCR","NRC"],"purpose":"Joint analysis","legalBasis":"public-interest","covers":["case-management"],"level":"anonymised","minimumCellSize":10}"#)
            #expect(r.status == .created)
            body = try Self.json(r)
            #expect(body["status"] as? String == "draft")
            #expect(body["minimumCellSize"] as? Int == 10)
            r = try await dpfp.postJSON(client, "/api/v1/agreements/ISP-J/status", #"{"status":"expired"}"#)
            #expect(r.status == .unprocessableContent)
            #expect((try Self.json(r)["detail"] as? String) == "An agreement that is draft cannot become expired.")
            r = try await dpfp.postJSON(client, "/api/v1/agreements/ISP-J/status", #"{"status":"active"}"#)
            #expect(try Self.json(r)["approvedBy"] as? String == (try await world.user(.dataProtectionFocalPoint)).id.rawValue)
        }
    }

    /// An agreement that lowers the default thresholds (here a minimum cell of 1) may be drafted by a PIM
    /// officer, but only a data-protection focal point may activate it; one with the defaults, the officer may.
    @Test func onlyAFocalPointActivatesAnAgreementThatLowersTheThresholds() async throws {
        let world = try await TestWorld.make()
        _ = try await SharingFixture.install(in: world, twoPartners: true)
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            var r = try await officer.postJSON(client, "/api/v1/agreements", #"{"id":"ISP-LOW","parties":["UNHCR","NRC"],"purpose":"Trends","legalBasis":"public-interest","covers":["case-management"],"level":"aggregated","minimumCellSize":1}"#)
            #expect(r.status == .created)
            r = try await officer.postJSON(client, "/api/v1/agreements/ISP-LOW/status", #"{"status":"active"}"#)
            #expect(r.status == .unprocessableContent)
            let detail = try Self.json(r)["detail"] as? String ?? ""
            #expect(detail.contains("minimum cell 1 (the default is 5)"), "\(detail)")
            #expect(detail.contains("only a data-protection focal point may activate it"))
            #expect(try Self.json(try await officer.get(client, "/api/v1/agreements/ISP-LOW"))["status"] as? String == "draft")
            let dpfp = try await Browser.signedIn(client, as: .dataProtectionFocalPoint)
            r = try await dpfp.postJSON(client, "/api/v1/agreements/ISP-LOW/status", #"{"status":"active"}"#)
            #expect(r.status == .ok)
            #expect(try Self.json(r)["approvedBy"] as? String == (try await world.user(.dataProtectionFocalPoint)).id.rawValue)
            // The defaults need no focal point.
            r = try await officer.postJSON(client, "/api/v1/agreements", #"{"id":"ISP-STD","parties":["UNHCR","NRC"],"purpose":"Trends","legalBasis":"public-interest","covers":["case-management"],"level":"aggregated"}"#)
            #expect(r.status == .created)
            #expect(try await officer.postJSON(client, "/api/v1/agreements/ISP-STD/status", #"{"status":"active"}"#).status == .ok)
        }
    }

    @Test func auditFiltersReturnTheRightSubsetsWithPaging() async throws {
        let world = try await TestWorld.make()
        let fixture = try await SharingFixture.install(in: world, twoPartners: true)
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            // A refusal by the officer
            _ = try await officer.post(client, "/shares", [("agreement", "ISP-A"), ("dataset", "cases"), ("level", "personal")])
            let admin = try await Browser.signedIn(client, as: .administrator)
            let all = try await world.store.auditEvents(.all)
            func events(_ query: String) async throws -> [[String: Any]] {
                let r = try await admin.get(client, "/api/v1/audit?limit=1000" + query)
                #expect(r.status == .ok, "\(query)")
                let events = try Self.json(r)["events"] as? [[String: Any]]
                #expect(events != nil, "\(query)")
                return events ?? []
            }
            // By action
            let created = try await events("&action=share.created")
            #expect(created.count == 2)
            #expect(created.allSatisfy { $0["action"] as? String == "share.created" })
            // By actor (user name → the id the web records)
            let officerID = try await world.user(.pimOfficer).id.rawValue
            let byOfficer = try await events("&actor=pim-officer")
            #expect(byOfficer.count == all.filter { $0.draft.actor == officerID }.count)
            #expect(byOfficer.contains { $0["action"] as? String == "share.refused" })
            #expect(byOfficer.allSatisfy { $0["actor"] as? String == officerID })
            // By dataset
            let pmID = try #require(try await world.store.dataset(named: "pm")).id.rawValue
            let pm = try await events("&dataset=pm")
            #expect(pm.count == all.filter { $0.draft.datasetID == pmID }.count)
            #expect(pm.count >= 1)
            #expect(pm.allSatisfy { $0["datasetID"] as? String == pmID })
            // By date range: the fixture's events are on day 2, the workspace's on day 1
            let day1 = try await events("&from=2026-01-01&to=2026-01-01")
            #expect(day1.count == all.filter { $0.draft.at < Fixtures.epochPlusOneDay }.count)
            let day2 = try await events("&from=2026-01-02")
            #expect(day1.count + day2.count == all.count)
            #expect(day1.count > 0 && day2.count > 0)
            // Combined, with paging
            let r = try await admin.get(client, "/api/v1/audit?action=share.created&limit=1&offset=1")
            let page = try Self.json(r)
            #expect(page["total"] as? Int == 2)
            #expect((page["events"] as? [[String: Any]])?.first?["details"].flatMap { ($0 as? [String: String])?["share"] } != nil)
            // Bad filters are 400 naming the filter
            let bad = try await admin.get(client, "/api/v1/audit?action=share.eaten")
            #expect(bad.status == .badRequest)
            #expect(try await admin.get(client, "/api/v1/audit?from=yesterday").status == .badRequest)
            #expect(try await admin.get(client, "/api/v1/audit?dataset=nope").status == .badRequest)
            // The page filters too, and keeps the filters in its paging links
            let html = String(buffer: try await admin.get(client, "/audit?action=share.created").body)
            #expect(html.contains("id=\"audit-filter\""))
            #expect(html.contains(fixture.shareA))
            #expect(!html.contains("<td class=\"nowrap\">auth.login</td>"))
            #expect(html.contains("Events 1–2 of 2"))
            let pageHTML = String(buffer: try await admin.get(client, "/audit?action=auth.login&page=1").body)
            #expect(pageHTML.contains("<option value=\"auth.login\" selected>"))
            let errorHTML = try await admin.get(client, "/audit?from=2026-13-45")
            #expect(errorHTML.status == .badRequest)
            #expect(String(buffer: errorHTML.body).contains("id=\"audit-filter-error\""))
        }
    }
}

extension Fixtures {
    static var epochPlusOneDay: Date { epoch.addingTimeInterval(86_400) }
}
