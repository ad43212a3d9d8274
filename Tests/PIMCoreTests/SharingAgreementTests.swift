import Foundation
import PIMCore
import Testing

@Suite struct SharingAgreementTests {
    typealias F = SharingFixtures

    @Test func lifeCycleAllowsOnlyItsTransitions() throws {
        var a = try F.agreement(activate: false)
        #expect(a.status == .draft)
        #expect(throws: AgreementError.invalidTransition(from: .draft, to: .suspended)) { try a.transition(to: .suspended, by: "u", at: F.now) }
        try a.transition(to: .active, by: "dpfp", at: F.now)
        #expect(a.approvedBy == "dpfp")
        try a.transition(to: .suspended, by: "u", at: F.now)
        try a.transition(to: .active, by: "other", at: F.now)
        #expect(a.approvedBy == "dpfp")  // the first approver stays on record
        try a.transition(to: .revoked, by: "u", at: F.now)
        #expect(throws: AgreementError.invalidTransition(from: .revoked, to: .active)) { try a.transition(to: .active, by: "u", at: F.now) }
        #expect(a.history.map(\.to) == [.active, .suspended, .active, .revoked])
    }

    @Test func anAgreementPastItsEndCannotBeActivatedAndReadsExpired() throws {
        var a = try F.agreement(validUntil: F.now.addingTimeInterval(-F.day), activate: false)
        #expect(throws: AgreementError.expiredCannotActivate) { try a.transition(to: .active, by: "u", at: F.now) }
        let b = try F.agreement(validUntil: F.now.addingTimeInterval(-F.day))
        #expect(b.status == .active)
        #expect(b.status(at: F.now) == .expired)
    }

    @Test func invalidAgreementsAreRejectedWithASentence() {
        #expect(throws: AgreementError.invalidID) {
            _ = try Agreement(id: "bad id", parties: ["A"], purpose: "p", legalBasis: .consent, covers: ["x"], level: .aggregated,
                              validFrom: F.now, createdAt: F.now)
        }
        #expect(throws: AgreementError.coversNothing) {
            _ = try Agreement(id: "A1", parties: ["A"], purpose: "p", legalBasis: .consent, covers: [], level: .aggregated,
                              validFrom: F.now, createdAt: F.now)
        }
        #expect(throws: AgreementError.impossibleThresholds(.kBelowTwo(1))) {
            _ = try Agreement(id: "A1", parties: ["A"], purpose: "p", legalBasis: .consent, covers: ["x"], level: .aggregated,
                              thresholds: .init(k: 1), validFrom: F.now, createdAt: F.now)
        }
        #expect(AgreementError.validityReversed.description == "The agreement ends before it starts.")
    }

    @Test func scheduledSharesFallDueWeeklyOrMonthly() throws {
        var a = try F.agreement()
        #expect(!a.isDue(at: F.now))  // no schedule
        a.frequency = .weekly
        #expect(a.isDue(at: F.now))  // never shared
        a.lastShared = F.now.addingTimeInterval(-6 * F.day)
        #expect(!a.isDue(at: F.now))
        a.lastShared = F.now.addingTimeInterval(-7 * F.day)
        #expect(a.isDue(at: F.now))
        a.frequency = .monthly
        // 2026-03-01 → due 2026-04-01, which is F.now
        a.lastShared = F.now.addingTimeInterval(-31 * F.day)
        #expect(a.isDue(at: F.now))
        a.lastShared = F.now.addingTimeInterval(-30 * F.day)  // 2026-03-02 → due 2026-04-02
        #expect(!a.isDue(at: F.now))
        try a.transition(to: .suspended, by: "u", at: F.now)
        a.lastShared = nil
        #expect(!a.isDue(at: F.now))
    }

    @Test func agreementsRoundTripThroughJSON() throws {
        var a = try F.agreement(consentPurpose: .disclosure)
        a.frequency = .monthly
        a.dimensions = ["adm1"]
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        let back = try d.decode(Agreement.self, from: try e.encode(a))
        #expect(back == a)
    }
}
