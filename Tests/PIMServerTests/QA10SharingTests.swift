import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCore
import PIMSQLite
import PIMServer
import PIMStorage
import PIMTesting
import Testing

/// Findings of the QA10 web/sharing pass (see /work/dev/qa10-web-findings.md).
@Suite struct QA10SharingTests {
    /// Records a consent decision for one record of `cases`, audited as `pim consent` does.
    static func recordConsent(_ world: TestWorld, granted: Bool) async throws {
        let dataset = try #require(try await world.store.dataset(named: TestWorld.datasetName))
        let at = world.clock.now()
        try await world.store.recordConsent(
            datasetID: dataset.id, entries: [ConsentEntry(recordID: "C-0001", purpose: "disclosure", granted: granted, at: at)],
            audit: AuditDraft(at: at, actor: "cli:qa", action: .consentChanged, datasetID: dataset.id.rawValue, recordCount: 1,
                              details: ["purpose": "disclosure", "decision": granted ? "granted" : "withdrawn"]))
    }

    // Q13: a package made before a withdrawal is not delivered afterwards (the download is the disclosure).
    @Test func aPackageIsNotDeliveredAfterConsentWasWithdrawnForItsDataset() async throws {
        let world = try await TestWorld.make()
        let fixture = try await SharingFixture.install(in: world, twoPartners: true)
        try await world.application().test(.router) { client in
            let partner = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            #expect(try await partner.get(client, "/api/v1/shares/\(fixture.shareA)/download").status == .ok)
            // A later grant changes nothing
            world.clock.advance(by: 60)
            try await Self.recordConsent(world, granted: true)
            #expect(try await partner.get(client, "/api/v1/shares/\(fixture.shareA)/download").status == .ok)
            // A later withdrawal: no delivery, with the reason, on the API and the web
            world.clock.advance(by: 60)
            try await Self.recordConsent(world, granted: false)
            let refused = try await partner.get(client, "/api/v1/shares/\(fixture.shareA)/download")
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("Consent was withdrawn"))
            #expect(try await partner.get(client, "/shares/\(fixture.shareA)/download").status == .unprocessableContent)
            let admin = try await Browser.signedIn(client, as: .administrator)
            #expect(try await admin.get(client, "/api/v1/shares/\(fixture.shareA)/download").status == .unprocessableContent)
            // Another dataset's package is unaffected
            let other = try await Browser.signedIn(client, userName: SharingFixture.partnerB)
            #expect(try await other.get(client, "/api/v1/shares/\(try #require(fixture.shareB))/download").status == .ok)
            // Only the downloads that happened are audited
            let downloads = try await world.store.auditEvents(AuditFilter(action: .shareDownloaded))
            #expect(downloads.count == 3)
        }
    }
    // Q2: a partner viewer of the agreement's producer (its first party) is not shared with.
    @Test func aPartnerViewerOfTheProducerSeesNoDatasetOfTheAgreement() async throws {
        let world = try await TestWorld.make()
        let fixture = try await SharingFixture.install(in: world)
        let hash = try PasswordHasher(cost: 4).hash(newPassword: TestWorld.password)
        try await world.store.add(User(userName: "partner-unhcr", displayName: "Partner UNHCR", role: .partnerViewer,
                                       organizationID: fixture.orgs["UNHCR"]?.id, passwordHash: hash, createdAt: Fixtures.epoch))
        try await world.store.add(User(userName: "partner-drc", displayName: "Partner DRC", role: .partnerViewer,
                                       organizationID: fixture.orgs["DRC"]?.id, passwordHash: hash, createdAt: Fixtures.epoch))
        try await world.application().test(.router) { client in
            // The recipient (DRC) sees the covered dataset
            let recipient = try await Browser.signedIn(client, userName: "partner-drc")
            #expect(try await recipient.get(client, "/api/v1/datasets/cases").status == .ok)
            // The producer's partner viewer (UNHCR, ISP-A's first party) does not: no list entry, 404 everywhere
            let producer = try await Browser.signedIn(client, userName: "partner-unhcr")
            let list = try #require(try jsonObject(try await producer.get(client, "/api/v1/datasets")) as? [Any])
            #expect(list.isEmpty)
            for path in ["/api/v1/datasets/cases", "/api/v1/datasets/cases/output", "/api/v1/datasets/cases/aggregate?by=sex",
                         "/datasets/cases", "/datasets/cases/aggregate?by=sex"] {
                #expect(try await producer.get(client, path).status == .notFound, "\(path)")
            }
            // It still sees the agreement it is a party to
            #expect(try await producer.get(client, "/api/v1/agreements/ISP-A").status == .ok)
        }
    }
    // Q5: shares made through the API and the web can be encrypted for the recipient.
    @Test func sharesThroughTheAPIAndTheWebCanBeEncryptedForTheRecipient() async throws {
        let world = try await TestWorld.make()
        _ = try await SharingFixture.install(in: world, twoPartners: true)
        let identityRaw = Curve25519.KeyAgreement.PrivateKey().rawRepresentation
        let raw = try await world.store.secret(named: PackageKeys.signingSecretName, orCreate: PackageKeys.newSigningKey)
        try await world.application().test(.router) { client in
            let identity = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: identityRaw)
            let signer = try Curve25519.Signing.PrivateKey(rawRepresentation: raw).publicKey
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            func body(_ extra: String) -> String {
                #"{"agreement":"ISP-A","dataset":"cases","recipient":"DRC","level":"aggregated","dimensions":["adm1_code","sex"]"# + extra + "}"
            }
            // To the recipient's public key: only their private key opens it, and the signature verifies inside
            let pem = PackageKeys.pem(identity.publicKey).replacingOccurrences(of: "\n", with: "\\n")
            let made = try await officer.postJSON(client, "/api/v1/shares", body(#","recipientPublicKey":""# + pem + #"""#))
            #expect(made.status == .created)
            let share = try #require(try jsonObject(made) as? [String: Any])
            #expect(share["encrypted"] as? Bool == true)
            let id = try #require(share["id"] as? String)
            let file = try await officer.get(client, "/api/v1/shares/\(id)/download")
            #expect(file.status == .ok)
            #expect(file.headers[.contentDisposition] == "attachment; filename=\"\(id).pimenc\"")
            let sealed = Data(file.body.readableBytesView)
            #expect(PackageEncryption.isEncrypted(sealed))
            let opened = try PackageEncryption.decrypt(sealed, identity: identity)
            #expect(try SharePackage.verify(opened, publicKey: signer).contents["data.csv"] != nil)
            #expect(throws: PackageError.self) { try PackageEncryption.decrypt(sealed, identity: Curve25519.KeyAgreement.PrivateKey()) }
            // With a passphrase, through the web form
            let posted = try await officer.post(client, "/shares", [
                ("agreement", "ISP-A"), ("dataset", "cases"), ("recipient", "DRC"), ("level", "aggregated"),
                ("dimensions", "adm1_code,sex"), ("passphrase", "correct horse 42"),
            ])
            #expect(posted.status == .seeOther)
            let path = try #require(posted.headers[.location])
            let page = String(buffer: try await officer.get(client, path).body)
            #expect(!page.contains("correct horse 42"))
            let web = Data(try await officer.get(client, path + "/download").body.readableBytesView)
            let unlocked = try PackageEncryption.decrypt(web, passphrase: "correct horse 42")
            #expect(try SharePackage.verify(unlocked, publicKey: signer).contents["metadata.json"] != nil)
            // Refused before anything is made: both at once, a short passphrase, a key that is not one
            let shares = try await world.store.auditEvents(AuditFilter(action: .shareCreated)).count
            for extra in [#","passphrase":"long enough 1","recipientPublicKey":""# + pem + #"""#, #","passphrase":"short""#,
                          #","recipientPublicKey":"not a key""#] {
                let r = try await officer.postJSON(client, "/api/v1/shares", body(extra))
                #expect(r.status == .unprocessableContent, "\(extra)")
            }
            #expect(try await world.store.auditEvents(AuditFilter(action: .shareCreated)).count == shares)
            // The audit never holds the passphrase
            let all = try await world.store.auditEvents(.all).map { $0.draft.details.values.joined(separator: " ") }.joined()
            #expect(!all.contains("correct horse 42"))
        }
    }
    // Q9: a HEAD of a package answers like a GET without the bytes, and is not audited as a download.
    @Test func aHeadOfAPackageIsNotAuditedAsADownload() async throws {
        let world = try await TestWorld.make()
        let fixture = try await SharingFixture.install(in: world, twoPartners: true)
        try await world.application().test(.router) { client in
            let partner = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            for uri in ["/api/v1/shares/\(fixture.shareA)/download", "/shares/\(fixture.shareA)/download"] {
                let head = try await client.execute(uri: uri, method: .head, headers: partner.headers)
                #expect(head.status == .ok, "\(uri)")
                #expect(head.headers[.contentType] == "application/zip")
            }
            #expect(try await world.store.auditEvents(AuditFilter(action: .shareDownloaded)).isEmpty)
            #expect(try await partner.get(client, "/api/v1/shares/\(fixture.shareA)/download").status == .ok)
            #expect(try await world.store.auditEvents(AuditFilter(action: .shareDownloaded)).count == 1)
        }
    }
    // QA11 S12: a package made from a version since deleted (a wrong file) is no longer delivered.
    @Test func aPackageOfADeletedVersionIsNoLongerDelivered() async throws {
        let world = try await TestWorld.make()
        let fixture = try await SharingFixture.install(in: world, twoPartners: true)
        try await world.application().test(.router) { client in
            let partner = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            #expect(try await partner.get(client, "/api/v1/shares/\(fixture.shareA)/download").status == .ok)
            let dataset = try #require(try await world.store.dataset(named: "cases"))
            let record = try #require(try await ShareDocuments.find(fixture.shareA, in: world.store))
            _ = try await world.store.deleteVersion(
                number: record.version, of: dataset.id,
                audit: AuditDraft(at: world.clock.now(), actor: "admin", action: .datasetDeleted, datasetID: dataset.id.rawValue))
            let refused = try await partner.get(client, "/api/v1/shares/\(fixture.shareA)/download")
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("was deleted after share"))
        }
    }
    // Consent through the running server (the CLI cannot write while it serves): recorded, audited with counts,
    // refused for roles that do not manage sharing, and a withdrawal stops the delivery of an earlier package.
    @Test func consentIsRecordedAndWithdrawnThroughTheAPI() async throws {
        let world = try await TestWorld.make()
        let fixture = try await SharingFixture.install(in: world, twoPartners: true)
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let partner = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            let granted = try await officer.postJSON(client, "/api/v1/datasets/cases/consent",
                                                     #"{"purpose":"disclosure","decision":"granted","records":["C-1","C-2"," C-2 "],"at":"2026-01-01"}"#)
            #expect(granted.status == .ok, "\(String(buffer: granted.body))")
            let g = try #require(try jsonObject(granted) as? [String: Any])
            #expect(g["applied"] as? Int == 2)
            #expect(try await partner.get(client, "/api/v1/shares/\(fixture.shareA)/download").status == .ok)
            world.clock.advance(by: 60)
            let withdrawn = try await officer.postJSON(client, "/api/v1/datasets/cases/consent",
                                                       #"{"purpose":"disclosure","decision":"withdrawn","records":["C-2"]}"#)
            #expect(withdrawn.status == .ok)
            let dataset = try #require(try await world.store.dataset(named: "cases"))
            let latest = try await world.store.consent(datasetID: dataset.id).filter { $0.purpose == "disclosure" }
            #expect(latest.first { $0.recordID == "C-2" }?.granted == false)
            #expect(latest.first { $0.recordID == "C-1" }?.granted == true)
            let events = try await world.store.auditEvents(AuditFilter(action: .consentChanged))
            #expect(events.map(\.draft.recordCount) == [2, 1])
            #expect(events.last?.draft.details["decision"] == "withdrawn")
            #expect(!events.map { $0.draft.details.values.joined() }.joined().contains("C-2"))
            // The package made before the withdrawal is no longer delivered
            #expect(try await partner.get(client, "/api/v1/shares/\(fixture.shareA)/download").status == .unprocessableContent)
            // Refusals: bad purpose, bad decision, no ids, a future date, an unknown dataset, roles outside sharing
            for body in [#"{"purpose":"marketing","decision":"granted","records":["C-1"]}"#,
                         #"{"purpose":"disclosure","decision":"maybe","records":["C-1"]}"#,
                         #"{"purpose":"disclosure","decision":"granted","records":[" "]}"#,
                         #"{"purpose":"disclosure","decision":"granted","records":["C-1"],"at":"2999-01-01"}"#] {
                #expect(try await officer.postJSON(client, "/api/v1/datasets/cases/consent", body).status == .unprocessableContent, "\(body)")
            }
            #expect(try await officer.postJSON(client, "/api/v1/datasets/nope/consent",
                                               #"{"purpose":"disclosure","decision":"granted","records":["C-1"]}"#).status == .notFound)
            for role in [Role.analyst, .caseWorker] {
                let b = try await Browser.signedIn(client, as: role)
                #expect(try await b.postJSON(client, "/api/v1/datasets/cases/consent",
                                             #"{"purpose":"disclosure","decision":"granted","records":["C-1"]}"#).status == .forbidden)
            }
            #expect(try await partner.postJSON(client, "/api/v1/datasets/cases/consent",
                                               #"{"purpose":"disclosure","decision":"granted","records":["C-1"]}"#).status == .forbidden)
            #expect(try await world.store.auditEvents(AuditFilter(action: .consentChanged)).count == 2)
        }
    }
    // The consent page: the dataset page links to it, a withdrawal recorded there stops an earlier package.
    @Test func consentIsRecordedOnTheWebPage() async throws {
        let world = try await TestWorld.make()
        let fixture = try await SharingFixture.install(in: world, twoPartners: true)
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            #expect(String(buffer: try await officer.get(client, "/datasets/cases").body).contains("id=\"consent-link\" href=\"/datasets/cases/consent\""))
            let form = String(buffer: try await officer.get(client, "/datasets/cases/consent").body)
            #expect(form.contains("id=\"consent-form\""))
            let recorded = try await officer.post(client, "/datasets/cases/consent", [
                ("purpose", "disclosure"), ("decision", "withdrawn"), ("records", "C-7\nC-8, C-9"), ("at", ""),
            ])
            #expect(recorded.status == .ok)
            #expect(String(buffer: recorded.body).contains("Recorded the withdrawal for disclosure of 3 records."), "\(String(buffer: recorded.body))")
            let partner = try await Browser.signedIn(client, userName: SharingFixture.partnerA)
            #expect(try await partner.get(client, "/api/v1/shares/\(fixture.shareA)/download").status == .unprocessableContent)
            // A bad submission is shown with its reason, nothing stored
            let bad = try await officer.post(client, "/datasets/cases/consent", [("purpose", "disclosure"), ("decision", "withdrawn"), ("records", " ")])
            #expect(bad.status == .unprocessableContent)
            #expect(String(buffer: bad.body).contains("id=\"consent-errors\""))
            #expect(try await world.store.auditEvents(AuditFilter(action: .consentChanged)).count == 1)
            // Roles outside sharing management see no form
            let analyst = try await Browser.signedIn(client, as: .analyst)
            #expect(try await analyst.get(client, "/datasets/cases/consent").status == .forbidden)
        }
    }
}
