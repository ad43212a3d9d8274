import Foundation
import PIMCore
import PIMTable
import Testing

@Suite struct AuditChainTests {
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)

    func chain(_ n: Int) -> [AuditEvent] {
        var events: [AuditEvent] = []
        var prev = AuditEvent.genesisHash
        for i in 0..<n {
            let e = AuditEvent(sequence: Int64(i + 1), draft: AuditDraft(at: Self.t0, actor: "u\(i)", action: .login, recordCount: i), previousHash: prev)
            events.append(e)
            prev = e.hash
        }
        return events
    }

    @Test func hashIsSHA256OfTheCanonicalText() {
        // Given a draft, when hashed, then the hash is 64 hex chars and changes with any field.
        let d = AuditDraft(at: Self.t0, actor: "ana", action: .shareCreated, datasetID: "ds", recordCount: 10, details: ["b": "2", "a": "1"])
        let h = AuditEvent.computeHash(sequence: 1, draft: d, previousHash: AuditEvent.genesisHash)
        #expect(h.count == 64 && h.allSatisfy(\.isHexDigit))
        var d2 = d
        d2.recordCount = 11
        #expect(AuditEvent.computeHash(sequence: 1, draft: d2, previousHash: AuditEvent.genesisHash) != h)
        #expect(AuditEvent.computeHash(sequence: 2, draft: d, previousHash: AuditEvent.genesisHash) != h)
        // Details order does not matter: canonical text sorts keys.
        let text = AuditEvent.canonicalText(sequence: 1, draft: d, previousHash: AuditEvent.genesisHash)
        #expect(text.contains("d.a=1\nd.b=2"))
        #expect(text.contains("at=1767225600000"))
    }

    @Test func aWorkspacesTrailMustStartWithItsInitialisation() {
        // An emptied trail (events and head gone) is an intact chain of nothing, unless a workspace exists
        #expect(AuditChainStatus.verify([], head: nil) == .intact(events: 0))
        #expect(AuditChainStatus.verify([], head: nil, workspaceExists: true) == .broken(atSequence: 1, reason: .missingStart))
        // A consistent chain of logins, with its head, that does not begin with workspace.initialized
        let logins = chain(3)
        let head = logins.last.map { ($0.sequence, $0.hash) }
        #expect(AuditChainStatus.verify(logins, head: head) == .intact(events: 3))
        #expect(AuditChainStatus.verify(logins, head: head, workspaceExists: true) == .broken(atSequence: 1, reason: .missingStart))
        // One that does, verifies
        let first = AuditEvent(sequence: 1, draft: AuditDraft(at: Self.t0, actor: "cli:admin", action: .workspaceInitialized),
                               previousHash: AuditEvent.genesisHash)
        #expect(AuditChainStatus.verify([first], head: (first.sequence, first.hash), workspaceExists: true) == .intact(events: 1))
    }

    @Test func intactChainVerifies() {
        #expect(AuditChainStatus.verify(chain(5)) == .intact(events: 5))
        #expect(AuditChainStatus.verify([AuditEvent]()) == .intact(events: 0))
    }

    @Test func editedEventIsNamed() {
        var events = chain(5)
        let e = events[2]
        var draft = e.draft
        draft.actor = "eve"
        events[2] = AuditEvent(sequence: e.sequence, draft: draft, previousHash: e.previousHash, storedHash: e.hash)
        #expect(AuditChainStatus.verify(events) == .broken(atSequence: 3, reason: .hashMismatch))
    }

    @Test func rehashedEditBreaksTheNextLink() {
        // An attacker who recomputes the edited event's hash still breaks its successor's link.
        var events = chain(5)
        var draft = events[1].draft
        draft.recordCount = 999
        events[1] = AuditEvent(sequence: 2, draft: draft, previousHash: events[1].previousHash)
        #expect(AuditChainStatus.verify(events) == .broken(atSequence: 3, reason: .linkMismatch))
    }

    @Test func removedEventsAreFound() {
        var events = chain(5)
        events.remove(at: 1)
        #expect(AuditChainStatus.verify(events) == .broken(atSequence: 3, reason: .sequenceGap))
        let truncated = Array(chain(5).prefix(3))
        let head = chain(5)[4]
        #expect(AuditChainStatus.verify(truncated, head: (head.sequence, head.hash)) == .broken(atSequence: 5, reason: .headMismatch))
        #expect(AuditChainStatus.verify(truncated, head: (truncated[2].sequence, truncated[2].hash)) == .intact(events: 3))
    }

    @Test func aMissingChainHeadIsNamedAsSuch() {
        // Given five intact events whose stored head was deleted
        let events = chain(5)
        let status = AuditChainStatus.verify(events, head: nil)
        // Then the report blames the missing head, not a link of event 5
        #expect(status == .broken(atSequence: 5, reason: .headMissing))
        #expect(status.description.contains("chain head is missing"))
    }
}

@Suite struct PasswordAndValidationTests {
    @Test func shortPasswordsAreRefused() {
        #expect(throws: DomainError.weakPassword(minimumLength: 12)) { try PasswordHasher(cost: 4).hash(newPassword: "elevenchars") }
    }

    @Test func bcryptHashVerifiesOnlyTheRightPassword() throws {
        let h = PasswordHasher(cost: 4)
        let hash = try h.hash(newPassword: "correct horse battery")
        #expect(hash.hasPrefix("$2"))
        #expect(!hash.contains("correct"))
        #expect(h.verify("correct horse battery", against: hash))
        #expect(!h.verify("correct horse batterx", against: hash))
    }

    @Test(arguments: [("SDN", true), ("sdn", false), ("SD", false), ("SUDN", false), ("S1N", false)])
    func countryMustBeISO3(code: String, valid: Bool) {
        let ws = Workspace(name: "W", country: code, adminLevels: ["A1"], createdAt: Date())
        #expect(((try? ws.validate()) != nil) == valid)
    }

    @Test func schemaRejectsDuplicateFieldNames() {
        let s = Schema(fields: [Field(name: "a", type: .text), Field(name: "a", type: .integer)])
        #expect(throws: DomainError.self) { try s.validate() }
    }

    @Test func fieldJSONUsesSnakeCaseAndDefaults() throws {
        let json = #"{"name":"adm2","type":"text","role":"quasi-identifier","admin_level":2,"allowed_values":["X"]}"#
        let f = try JSONDecoder().decode(Field.self, from: Data(json.utf8))
        #expect(f.role == .quasiIdentifier)
        #expect(f.adminLevel == 2)
        #expect(f.allowedValues == ["X"])
        #expect(f.required == false)
    }
}
