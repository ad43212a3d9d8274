import Foundation
import Synchronization
import PIMCore
import PIMStorage
import PIMTable
import Testing

/// A storage backend under test: how to make a fresh, empty store and how to run raw SQL on it
/// (raw SQL is only for simulating an attacker who edits the database behind pim's back).
public protocol StoreTestBackend: Sendable {
    var name: String { get }
    func makeStore() async throws -> any Store
    /// Executes statements directly, bypassing pim (e.g. to tamper with the audit table).
    func executeRaw(_ statements: [String], on store: any Store) async throws
    /// SQL that lets `executeRaw` edit `audit_events` despite the append-only trigger.
    var disableAuditTriggerSQL: [String] { get }
}

/// One conformance check: every backend must pass every check.
public struct StoreCheck: Sendable, CustomTestStringConvertible {
    public let name: String
    public let run: @Sendable (any Store, any StoreTestBackend) async throws -> Void
    public var testDescription: String { name }
}

/// The same behaviour, asserted against every backend (SQLite, PostgreSQL).
public enum StoreConformanceSuite {
    public static let checks: [StoreCheck] = [
        StoreCheck(name: "an empty store has no workspace and migrating twice is harmless") { store, _ in
            try await store.migrate()
            #expect(try await store.workspace() == nil)
        },
        StoreCheck(name: "init stores the workspace and refuses a second init unless replacing") { store, _ in
            let ws = Fixtures.workspace()
            try await store.initialize(workspace: ws, administrator: Fixtures.user(), replacingExisting: false, at: Fixtures.epoch)
            #expect(try await store.workspace() == ws)
            await #expect(throws: StoreError.alreadyInitialized(workspace: ws.name)) {
                try await store.initialize(workspace: Fixtures.workspace(), administrator: Fixtures.user("other"),
                                           replacingExisting: false, at: Fixtures.epoch)
            }
            try await store.create(Fixtures.dataset())
            var ws2 = Fixtures.workspace()
            ws2.name = "Replaced"
            try await store.initialize(workspace: ws2, administrator: Fixtures.user("admin2"), replacingExisting: true, at: Fixtures.epoch)
            #expect(try await store.workspace()?.name == "Replaced")
            #expect(try await store.datasets().isEmpty)
            #expect(try await store.users().map(\.userName) == ["admin2"])
            #expect(try await store.verifyAuditChain() == .intact(events: 1))
        },
        StoreCheck(name: "organisations are unique by acronym") { store, _ in
            try await store.add(Fixtures.organization("UNHCR", kind: .un))
            try await store.add(Fixtures.organization("DRC"))
            #expect(try await store.organizations().map(\.acronym) == ["DRC", "UNHCR"])
            #expect(try await store.organization(acronym: "UNHCR")?.kind == .un)
            #expect(try await store.organization(acronym: "nope") == nil)
            await #expect(throws: StoreError.conflict(kind: "organisation", key: "DRC")) {
                try await store.add(Fixtures.organization("DRC"))
            }
            // Unique without case: "drc" would be another organisation for agreements that name "DRC".
            await #expect(throws: StoreError.conflict(kind: "organisation", key: "drc")) {
                try await store.add(Fixtures.organization("drc"))
            }
            #expect(try await store.organizations().count == 2)
            // In every script, not only ASCII (SQLite's lower() and a C-locale PostgreSQL fold ASCII only).
            try await store.add(Fixtures.organization("ÉCHO"))
            await #expect(throws: StoreError.conflict(kind: "organisation", key: "écho")) {
                try await store.add(Fixtures.organization("écho"))
            }
            try await store.add(Fixtures.organization("ДРК"))
            await #expect(throws: StoreError.conflict(kind: "organisation", key: "дрк")) {
                try await store.add(Fixtures.organization("дрк"))
            }
            #expect(try await store.organizations().count == 4)
        },
        StoreCheck(name: "users round-trip, update and are unique by name") { store, _ in
            let org = Fixtures.organization()
            try await store.add(org)
            var u = Fixtures.user("officer", role: .pimOfficer)
            u.organizationID = org.id
            try await store.add(u)
            #expect(try await store.user(named: "officer") == u)
            u.failedLogins = 6
            u.lockedUntil = Fixtures.epoch.addingTimeInterval(1800)
            u.isDisabled = true
            try await store.update(u)
            #expect(try await store.user(named: "officer") == u)
            await #expect(throws: StoreError.conflict(kind: "user", key: "officer")) { try await store.add(Fixtures.user("officer")) }
            // "Officer" beside "officer" would read as one person in the audit trail.
            await #expect(throws: StoreError.conflict(kind: "user", key: "officer")) { try await store.add(Fixtures.user("Officer")) }
            await #expect(throws: StoreError.notFound(kind: "user", key: "ghost")) { try await store.update(Fixtures.user("ghost")) }
        },
        StoreCheck(name: "signing in finds a user by name regardless of case") { store, _ in
            let u = Fixtures.user("Officer.Amina", role: .pimOfficer)
            try await store.add(u)
            try await store.add(Fixtures.user("Ébène", role: .analyst))
            // The exact lookup stays exact; the sign-in lookup folds case (beyond ASCII too) and gives the stored user.
            #expect(try await store.user(named: "officer.amina") == nil)
            #expect(try await store.user(signingInAs: "officer.amina") == u)
            #expect(try await store.user(signingInAs: "OFFICER.AMINA")?.userName == "Officer.Amina")
            #expect(try await store.user(signingInAs: "Officer.Amina") == u)
            #expect(try await store.user(signingInAs: "éBÈNE")?.userName == "Ébène")
            #expect(try await store.user(signingInAs: "officer") == nil)
        },
        StoreCheck(name: "failed sign-ins are counted atomically and lock at the limit") { store, _ in
            var u = Fixtures.user("counted", role: .analyst)
            u.displayName = "Counted"
            try await store.add(u)
            let until = Fixtures.epoch.addingTimeInterval(1800)
            let id = u.id
            // Concurrent failures are all counted (no lost update)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { _ = try await store.recordFailedLogin(of: id, lockAfter: 100, lockUntil: until) } }
                try await group.waitForAll()
            }
            #expect(try await store.user(named: "counted")?.failedLogins == 8)
            #expect(try await store.user(named: "counted")?.lockedUntil == nil)
            // Reaching the limit locks and resets the count; other columns are untouched
            let locked = try await store.recordFailedLogin(of: u.id, lockAfter: 9, lockUntil: until)
            #expect(locked.failedLogins == 0)
            #expect(locked.lockedUntil == until)
            #expect(locked.displayName == "Counted" && locked.role == .analyst)
            try await store.clearFailedLogins(of: u.id)
            let cleared = try #require(try await store.user(named: "counted"))
            #expect(cleared.failedLogins == 0 && cleared.lockedUntil == nil)
            await #expect(throws: StoreError.self) {
                _ = try await store.recordFailedLogin(of: User.ID("ghost"), lockAfter: 6, lockUntil: until)
            }
        },
        StoreCheck(name: "datasets round-trip with their schema and are unique by name") { store, _ in
            var d = Fixtures.dataset()
            try await store.create(d)
            #expect(try await store.dataset(named: d.name) == d)
            #expect(try await store.dataset(id: d.id) == d)
            d.sensitivity = .severe
            d.purpose = "Changed"
            try await store.update(d)
            #expect(try await store.dataset(named: d.name) == d)
            await #expect(throws: StoreError.conflict(kind: "dataset", key: d.name)) { try await store.create(Fixtures.dataset()) }
            // A name that differs only in case is the same name, beyond ASCII too; the stored one is named.
            await #expect(throws: StoreError.conflict(kind: "dataset", key: d.name)) {
                try await store.create(Fixtures.dataset(d.name.uppercased()))
            }
            let accented = Fixtures.dataset("Écoles-Région")
            try await store.create(accented)
            await #expect(throws: StoreError.conflict(kind: "dataset", key: accented.name)) {
                try await store.create(Fixtures.dataset("écoles-région"))
            }
            #expect(try await store.datasets().count == 2)
        },
        StoreCheck(name: "a decimal negative zero comes back as zero, the same on every backend") { store, _ in
            // (SQLite keeps a REAL that is a whole number as an integer, which has no sign: every backend
            // stores zero, so a version reads back the same wherever it is kept.)
            let d = Fixtures.dataset()
            try await store.create(d)
            var table = Fixtures.mixedTable()
            var nulls = NullMask()
            nulls.setNull(3)
            try table.setColumn(Column(name: "weight", data: .decimal(values: [-0.0, 0.0, -1.5, 0], nulls: nulls)))
            let v = try await store.addVersion(of: d.id, table: table, schema: d.schema, provenance: Fixtures.provenance(),
                                               audit: AuditDraft(at: Fixtures.epoch, actor: "admin", action: .datasetImported, datasetID: d.id.rawValue))
            let back = try await store.table(of: v)
            guard case .decimal(let values, let backNulls) = try back.column(named: "weight").data else {
                Issue.record("weight is not a decimal column")
                return
            }
            #expect(values[0] == 0 && values[0].sign == .plus)
            #expect(values[1] == 0 && values[1].sign == .plus)
            #expect(values[2] == -1.5)
            #expect(backNulls.isNull(3))
        },
        StoreCheck(name: "a version's rows come back exactly, every type, nulls and awkward text") { store, _ in
            let d = Fixtures.dataset()
            try await store.create(d)
            let table = Fixtures.mixedTable()
            let v = try await store.addVersion(of: d.id, table: table, schema: d.schema, provenance: Fixtures.provenance(),
                                               audit: AuditDraft(at: Fixtures.epoch, actor: "admin", action: .datasetImported, datasetID: d.id.rawValue))
            #expect(v.number == 1)
            #expect(v.rowCount == 4)
            let back = try await store.table(of: v)
            #expect(back.rowCount == table.rowCount)
            for (a, b) in zip(back.columns, table.columns) {
                #expect(a.name == b.name)
                for r in 0..<table.rowCount { #expect(a[r] == b[r], "column \(a.name) row \(r)") }
            }
            #expect(try await store.versions(of: d.id) == [v])
            let events = try await store.auditEvents(AuditFilter(action: .datasetImported))
            #expect(events.count == 1)
            #expect(events.first?.draft.recordCount == 4)
            #expect(events.first?.draft.details["version"] == "1")
        },
        StoreCheck(name: "re-importing the same file is refused and numbering continues") { store, _ in
            let d = Fixtures.dataset()
            try await store.create(d)
            let audit = AuditDraft(at: Fixtures.epoch, actor: "admin", action: .datasetImported, datasetID: d.id.rawValue)
            _ = try await store.addVersion(of: d.id, table: Fixtures.mixedTable(), schema: d.schema, provenance: Fixtures.provenance(), audit: audit)
            await #expect(throws: StoreError.duplicateFile(version: 1)) {
                _ = try await store.addVersion(of: d.id, table: Fixtures.mixedTable(), schema: d.schema, provenance: Fixtures.provenance(), audit: audit)
            }
            let v2 = try await store.addVersion(of: d.id, table: Fixtures.mixedTable().selectingRows([0, 1]), schema: d.schema,
                                                provenance: Fixtures.provenance(sha: String(repeating: "b", count: 64)), audit: audit)
            #expect(v2.number == 2)
            #expect(try await store.table(of: v2).rowCount == 2)
        },
        StoreCheck(name: "a deleted version is gone with its rows, its number is never reused, and its file may come again") { store, _ in
            let d = Fixtures.dataset()
            try await store.create(d)
            let audit = AuditDraft(at: Fixtures.epoch, actor: "admin", action: .datasetImported, datasetID: d.id.rawValue)
            let v1 = try await store.addVersion(of: d.id, table: Fixtures.mixedTable(), schema: d.schema, provenance: Fixtures.provenance(),
                                                audit: audit)
            let v2 = try await store.addVersion(of: d.id, table: Fixtures.mixedTable().selectingRows([0, 1]), schema: d.schema,
                                                provenance: Fixtures.provenance(sha: String(repeating: "b", count: 64)), audit: audit)
            let deletion = AuditDraft(at: Fixtures.epoch, actor: "dpo", action: .datasetDeleted, datasetID: d.id.rawValue,
                                      details: ["reason": "wrong file"])
            let gone = try await store.deleteVersion(number: 2, of: d.id, audit: deletion)
            #expect(gone.id == v2.id)
            #expect(try await store.versions(of: d.id).map(\.number) == [1])
            #expect(try await store.table(of: v1).rowCount == Fixtures.mixedTable().rowCount)
            await #expect(throws: StoreError.self) { _ = try await store.table(of: v2) }
            await #expect(throws: StoreError.notFound(kind: "version", key: "2")) {
                _ = try await store.deleteVersion(number: 2, of: d.id, audit: deletion)
            }
            // The deleted file may be imported again, as version 3 (2 names the deleted one in the audit trail)
            let v3 = try await store.addVersion(of: d.id, table: Fixtures.mixedTable().selectingRows([0, 1]), schema: d.schema,
                                                provenance: Fixtures.provenance(sha: String(repeating: "b", count: 64)), audit: audit)
            #expect(v3.number == 3)
            let events = try await store.auditEvents(AuditFilter(action: .datasetDeleted))
            #expect(events.map { $0.draft.details["version"] } == ["2"])
            #expect(events.first?.draft.recordCount == 2)
            #expect(try await store.verifyAuditChain() == .intact(events: 4))
        },
        StoreCheck(name: "a deleted dataset takes its versions and consent with it, and its name is free again") { store, _ in
            let d = Fixtures.dataset()
            try await store.create(d)
            let audit = AuditDraft(at: Fixtures.epoch, actor: "admin", action: .datasetImported, datasetID: d.id.rawValue)
            let v1 = try await store.addVersion(of: d.id, table: Fixtures.mixedTable(), schema: d.schema, provenance: Fixtures.provenance(),
                                                audit: audit)
            _ = try await store.addVersion(of: d.id, table: Fixtures.mixedTable().selectingRows([0]), schema: d.schema,
                                           provenance: Fixtures.provenance(sha: String(repeating: "c", count: 64)), audit: audit)
            _ = try await store.deleteVersion(number: 2, of: d.id,
                                              audit: AuditDraft(at: Fixtures.epoch, actor: "dpo", action: .datasetDeleted, datasetID: d.id.rawValue))
            try await store.recordConsent(datasetID: d.id, entries: [ConsentEntry(recordID: "r1", purpose: "disclosure", granted: true, at: Fixtures.epoch)],
                                          audit: AuditDraft(at: Fixtures.epoch, actor: "admin", action: .consentChanged, datasetID: d.id.rawValue))
            // A stored package of a share of it goes with it; other documents stay
            try await store.putDocument(kind: .sharePackage, id: "SHR-1", json: "{}", audit: nil)
            try await store.putDocument(kind: .sharePackage, id: "SHR-2", json: "{}", audit: nil)
            try await store.deleteDataset(d.id, removing: [DocumentKey(kind: .sharePackage, id: "SHR-1")],
                                          audit: AuditDraft(at: Fixtures.epoch, actor: "dpo", action: .datasetDeleted,
                                                            datasetID: d.id.rawValue, details: ["reason": "retention period over"]))
            #expect(try await store.document(kind: .sharePackage, id: "SHR-1") == nil)
            #expect(try await store.document(kind: .sharePackage, id: "SHR-2") == "{}")
            #expect(try await store.dataset(named: d.name) == nil)
            #expect(try await store.versions(of: d.id).isEmpty)
            #expect(try await store.consent(datasetID: d.id).isEmpty)
            await #expect(throws: StoreError.self) { _ = try await store.table(of: v1) }
            await #expect(throws: StoreError.notFound(kind: "dataset", key: d.id.rawValue)) {
                try await store.deleteDataset(d.id, removing: [], audit: AuditDraft(at: Fixtures.epoch, actor: "dpo", action: .datasetDeleted))
            }
            let last = try #require(try await store.auditEvents(AuditFilter(action: .datasetDeleted)).last)
            #expect(last.draft.details["versions"] == "1")
            #expect(last.draft.recordCount == Fixtures.mixedTable().rowCount)
            // The name can be used again, by a new dataset
            try await store.create(Fixtures.dataset())
            #expect(try await store.dataset(named: d.name) != nil)
            #expect(try await store.verifyAuditChain() == .intact(events: 5))
        },
        StoreCheck(name: "a failed import stores nothing: no version, no rows, no audit event") { store, _ in
            let d = Fixtures.dataset()
            try await store.create(d)
            var wrong = d.schema
            wrong.fields[1].type = .text
            let before = try await store.auditEvents(.all).count
            await #expect(throws: StoreError.self) {
                _ = try await store.addVersion(of: d.id, table: Fixtures.mixedTable(), schema: wrong, provenance: Fixtures.provenance(),
                                               audit: AuditDraft(at: Fixtures.epoch, actor: "admin", action: .datasetImported))
            }
            await #expect(throws: StoreError.notFound(kind: "dataset", key: "missing")) {
                _ = try await store.addVersion(of: Dataset.ID("missing"), table: Fixtures.mixedTable(), schema: d.schema,
                                               provenance: Fixtures.provenance(), audit: AuditDraft(at: Fixtures.epoch, actor: "admin", action: .datasetImported))
            }
            #expect(try await store.versions(of: d.id).isEmpty)
            // A first import that fails after its dataset was inserted leaves no dataset behind.
            let fresh = Fixtures.dataset("fresh")
            await #expect(throws: StoreError.notFound(kind: "dataset", key: "missing")) {
                _ = try await store.addVersion(of: Dataset.ID("missing"), table: Fixtures.mixedTable(), schema: fresh.schema,
                                               provenance: Fixtures.provenance(), audit: AuditDraft(at: Fixtures.epoch, actor: "admin", action: .datasetImported),
                                               creating: fresh)
            }
            #expect(try await store.dataset(named: "fresh") == nil)
            #expect(try await store.auditEvents(.all).count == before)
        },
        StoreCheck(name: "audit events chain, filter, and verify intact") { store, _ in
            for i in 0..<5 {
                try await store.append(AuditDraft(at: Fixtures.epoch.addingTimeInterval(Double(i) * 60), actor: i % 2 == 0 ? "ana" : "ben",
                                                  action: i == 4 ? .shareCreated : .login, datasetID: i == 4 ? "ds1" : nil,
                                                  recordCount: i, details: ["n": String(i)]))
            }
            let all = try await store.auditEvents(.all)
            #expect(all.map(\.sequence) == [1, 2, 3, 4, 5])
            #expect(all[1].previousHash == all[0].hash)
            #expect(try await store.auditEvents(AuditFilter(actor: "ana")).count == 3)
            #expect(try await store.auditEvents(AuditFilter(action: .shareCreated)).map(\.sequence) == [5])
            #expect(try await store.auditEvents(AuditFilter(datasetID: "ds1")).count == 1)
            #expect(try await store.auditEvents(AuditFilter(from: Fixtures.epoch.addingTimeInterval(120))).map(\.sequence) == [3, 4, 5])
            #expect(try await store.auditEvents(AuditFilter(limit: 2)).count == 2)
            #expect(try await store.verifyAuditChain() == .intact(events: 5))
            // An organisation's events include those of its agreements, which carry the agreement and not the
            // organisation (QA11 S20)
            try await store.append(AuditDraft(at: Fixtures.epoch, actor: "dpfp", action: .agreementChanged, agreementID: "ISP-1"))
            try await store.append(AuditDraft(at: Fixtures.epoch, actor: "dpfp", action: .agreementChanged, agreementID: "ISP-2"))
            try await store.append(AuditDraft(at: Fixtures.epoch, actor: "ana", action: .shareCreated, organizationID: "org-1", agreementID: "ISP-3"))
            var byOrganization = AuditFilter(organizationID: "org-1")
            #expect(try await store.auditEvents(byOrganization).map(\.sequence) == [8])
            byOrganization.organizationAgreements = ["ISP-2", "ISP-9"]
            #expect(try await store.auditEvents(byOrganization).map(\.sequence) == [7, 8])
            byOrganization.action = .agreementChanged
            #expect(try await store.auditEvents(byOrganization).map(\.sequence) == [7])
        },
        StoreCheck(name: "documents are stored by kind and id, replaced, and audited with the change") { store, _ in
            let before = try await store.auditEvents(.all).count
            try await store.putDocument(kind: .agreement, id: "ISP-2", json: #"{"v":1}"#,
                                        audit: AuditDraft(at: Fixtures.epoch, actor: "dpfp", action: .agreementChanged, agreementID: "ISP-2"))
            try await store.putDocument(kind: .agreement, id: "ISP-1", json: #"{"v":1}"#, audit: nil)
            try await store.putDocument(kind: .agreement, id: "ISP-2", json: #"{"v":2}"#, audit: nil)
            try await store.putDocument(kind: .informationSystem, id: "ISP-1", json: "{}", audit: nil)
            #expect(try await store.document(kind: .agreement, id: "ISP-2") == #"{"v":2}"#)
            #expect(try await store.document(kind: .agreement, id: "none") == nil)
            #expect(try await store.documents(kind: .agreement).map(\.id) == ["ISP-1", "ISP-2"])
            #expect(try await store.documents(kind: .informationSystem).count == 1)
            #expect(try await store.auditEvents(.all).count == before + 1)
        },
        StoreCheck(name: "consent keeps the latest decision per record and purpose") { store, _ in
            let d = Fixtures.dataset()
            try await store.create(d)
            let t0 = Fixtures.epoch, t1 = Fixtures.epoch.addingTimeInterval(60)
            let audit = AuditDraft(at: t1, actor: "cw", action: .consentChanged, datasetID: d.id.rawValue)
            try await store.recordConsent(datasetID: d.id, entries: [
                ConsentEntry(recordID: "R-1", purpose: "disclosure", granted: true, at: t0),
                ConsentEntry(recordID: "R-2", purpose: "disclosure", granted: true, at: t0),
                ConsentEntry(recordID: "R-1", purpose: "tracing", granted: true, at: t0),
            ], audit: audit)
            // A withdrawal wins; an older decision arriving late does not overwrite a newer one.
            try await store.recordConsent(datasetID: d.id, entries: [
                ConsentEntry(recordID: "R-1", purpose: "disclosure", granted: false, at: t1),
                ConsentEntry(recordID: "R-2", purpose: "disclosure", granted: false, at: t0.addingTimeInterval(-60)),
                ConsentEntry(recordID: "R-1", purpose: "tracing", granted: false, at: t0),
            ], audit: audit)
            // At the same instant a withdrawal stays in force over a grant.
            try await store.recordConsent(datasetID: d.id, entries: [
                ConsentEntry(recordID: "R-1", purpose: "tracing", granted: true, at: t0),
            ], audit: audit)
            let all = try await store.consent(datasetID: d.id)
            #expect(all.count == 3)
            #expect(all.first { $0.recordID == "R-1" && $0.purpose == "disclosure" }?.granted == false)
            #expect(all.first { $0.recordID == "R-2" }?.granted == true)
            #expect(all.first { $0.recordID == "R-1" && $0.purpose == "tracing" }?.granted == false)
            #expect(try await store.auditEvents(AuditFilter(action: .consentChanged)).count == 3)
            // The split the commands report agrees with what the store kept.
            let (applied, superseded) = ConsentEntry.split([
                ConsentEntry(recordID: "R-2", purpose: "disclosure", granted: false, at: t0.addingTimeInterval(-1)),
                ConsentEntry(recordID: "R-2", purpose: "disclosure", granted: false, at: t1),
                ConsentEntry(recordID: "R-9", purpose: "disclosure", granted: true, at: t0),
            ], over: all)
            #expect(applied.map(\.recordID) == ["R-2", "R-9"])
            #expect(superseded.count == 1)
        },
        StoreCheck(name: "exclusive sections of one key never overlap, and a body's error comes through") { store, _ in
            // Six sections at once, three per key, each holding on a moment: never two of a key at once.
            final class Tally: Sendable {
                let state = Mutex((inside: [String: Int](), most: [String: Int]()))
                func enter(_ key: String) {
                    state.withLock { s in
                        s.inside[key, default: 0] += 1
                        s.most[key] = max(s.most[key] ?? 0, s.inside[key] ?? 0)
                    }
                }
                func leave(_ key: String) { state.withLock { $0.inside[key, default: 0] -= 1 } }
            }
            let tally = Tally()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<6 {
                    let key = i % 2 == 0 ? "share:a" : "share:b"
                    group.addTask {
                        try await store.exclusively(key) {
                            tally.enter(key)
                            try await Task.sleep(for: .milliseconds(30))
                            tally.leave(key)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(tally.state.withLock { $0.most } == ["share:a": 1, "share:b": 1])
            // A body's own error comes through as it is, and the key is free again after it.
            struct BodyFailed: Error, Equatable {}
            await #expect(throws: BodyFailed()) { try await store.exclusively("share:a") { throw BodyFailed() } }
            #expect(try await store.exclusively("share:a") { 7 } == 7)
        },
        StoreCheck(name: "a workspace secret is created once and then always returned") { store, _ in
            let a = try await store.secret(named: "k") { Data([1, 2, 3]) }
            let b = try await store.secret(named: "k") { Data([9, 9, 9]) }
            #expect(a == Data([1, 2, 3]))
            #expect(b == a)
            #expect(try await store.secret(named: "other") { Data([7]) } == Data([7]))
        },
        StoreCheck(name: "the append-only trigger blocks edits through SQL") { store, backend in
            try await store.append(AuditDraft(at: Fixtures.epoch, actor: "ana", action: .login))
            await #expect(throws: (any Error).self) {
                try await backend.executeRaw(["UPDATE audit_events SET actor = 'eve' WHERE seq = 1"], on: store)
            }
            #expect(try await store.verifyAuditChain() == .intact(events: 1))
        },
        StoreCheck(name: "audit verify names the first edited event") { store, backend in
            for i in 0..<4 { try await store.append(AuditDraft(at: Fixtures.epoch, actor: "a\(i)", action: .login)) }
            try await backend.executeRaw(backend.disableAuditTriggerSQL + ["UPDATE audit_events SET actor = 'eve' WHERE seq = 3"], on: store)
            #expect(try await store.verifyAuditChain() == .broken(atSequence: 3, reason: .hashMismatch))
        },
        StoreCheck(name: "audit verify catches a deleted event, in the middle or at the end") { store, backend in
            for i in 0..<4 { try await store.append(AuditDraft(at: Fixtures.epoch, actor: "a\(i)", action: .login)) }
            try await backend.executeRaw(backend.disableAuditTriggerSQL + ["DELETE FROM audit_events WHERE seq = 4"], on: store)
            #expect(try await store.verifyAuditChain() == .broken(atSequence: 4, reason: .headMismatch))
            try await backend.executeRaw(["DELETE FROM audit_events WHERE seq = 2"], on: store)
            #expect(try await store.verifyAuditChain() == .broken(atSequence: 3, reason: .sequenceGap))
        },
        StoreCheck(name: "a workspace's emptied audit trail does not verify as intact") { store, backend in
            try await store.initialize(workspace: Fixtures.workspace(), administrator: Fixtures.user(), replacingExisting: false,
                                       at: Fixtures.epoch)
            try await store.append(AuditDraft(at: Fixtures.epoch, actor: "ana", action: .login))
            #expect(try await store.verifyAuditChain() == .intact(events: 2))
            // Every event and the chain head removed: an empty chain, but the workspace's first event is missing
            try await backend.executeRaw(backend.disableAuditTriggerSQL + ["DELETE FROM audit_events", "DELETE FROM audit_head"], on: store)
            #expect(try await store.verifyAuditChain() == .broken(atSequence: 1, reason: .missingStart))
        },
    ]
}
