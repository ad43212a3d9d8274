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
        // (Ids of dots alone would be path segments a browser drops from the agreement's address: QA19 F4.)
        for id in ["bad id", ".", "..", "-x", ""] {
            #expect(throws: AgreementError.invalidID, "\(id)") {
                _ = try Agreement(id: id, parties: ["A"], purpose: "p", legalBasis: .consent, covers: ["x"], level: .aggregated,
                                  validFrom: F.now, createdAt: F.now)
            }
        }
        #expect(throws: Never.self) {
            _ = try Agreement(id: "ISP-2026.03_b", parties: ["A", "B"], purpose: "p", legalBasis: .publicInterest, covers: ["x"],
                              level: .aggregated, validFrom: F.now, createdAt: F.now)
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

    @Test func scheduledSharesFallDueOncePerCalendarWeekOrMonth() throws {
        // F.now is Wednesday 2026-04-01T00:00:00Z, in the ISO week that starts on Monday 2026-03-30.
        var a = try F.agreement()
        #expect(!a.isDue(at: F.now))  // no schedule
        a.frequency = .weekly
        #expect(a.isDue(at: F.now))  // never shared
        a.lastShared = F.now.addingTimeInterval(-2 * F.day)  // Monday 2026-03-30 00:00: this week
        #expect(!a.isDue(at: F.now))
        a.lastShared = F.now.addingTimeInterval(-2 * F.day - 1)  // Sunday 2026-03-29 23:59:59: last week
        #expect(a.isDue(at: F.now))
        // A weekly job that ran last Wednesday one second later in the day is due again this Wednesday
        a.lastShared = F.now.addingTimeInterval(-7 * F.day + 1)
        #expect(a.isDue(at: F.now))
        #expect(Agreement.Frequency.weekly.next(after: F.now.addingTimeInterval(-7 * F.day + 1))
                == F.now.addingTimeInterval(-2 * F.day))
        a.frequency = .monthly
        // 2026-03-02 → due from 2026-04-01 (a month counted from the instant would wait until 2026-04-02)
        a.lastShared = F.now.addingTimeInterval(-30 * F.day)
        #expect(a.isDue(at: F.now))
        a.lastShared = F.now  // shared at 2026-04-01T00:00:00Z: not again before May
        #expect(!a.isDue(at: F.now.addingTimeInterval(29 * F.day)))
        #expect(a.isDue(at: F.now.addingTimeInterval(30 * F.day)))  // 2026-05-01
        // From January 31st: due on February 1st, March 1st — no drift to the 28th
        let jan31 = F.now.addingTimeInterval(-60 * F.day)  // 2026-01-31
        #expect(Agreement.Frequency.monthly.next(after: jan31) == F.now.addingTimeInterval(-59 * F.day))  // 2026-02-01
        try a.transition(to: .suspended, by: "u", at: F.now)
        a.lastShared = nil
        #expect(!a.isDue(at: F.now))
    }

    @Test func anAgreementPastItsEndDateIsJudgedExpiredWhenItsStatusChanges() throws {
        // Given an active agreement that ended yesterday (its stored status is still active)
        var a = try F.agreement(validUntil: F.now.addingTimeInterval(-F.day))
        #expect(a.status(at: F.now) == .expired)
        // Then it can be neither activated nor suspended, and the message names its real status
        #expect(throws: AgreementError.invalidTransition(from: .expired, to: .active)) {
            try a.transition(to: .active, by: "u", at: F.now)
        }
        #expect(throws: AgreementError.invalidTransition(from: .expired, to: .suspended)) {
            try a.transition(to: .suspended, by: "u", at: F.now)
        }
        #expect(AgreementError.invalidTransition(from: .expired, to: .active).description
                == "An agreement that is expired cannot become active.")
    }

    @Test func aScheduleOfAggregatedTablesNeedsDimensions() throws {
        // Given a weekly schedule of aggregated tables without dimensions, it is refused when recorded
        #expect(throws: AgreementError.scheduleWithoutDimensions) {
            _ = try Agreement(id: "S-1", parties: ["UNHCR", "DRC"], purpose: "p", legalBasis: .publicInterest, covers: ["pm"],
                              level: .aggregated, validFrom: F.now, frequency: .weekly, createdAt: F.now)
        }
        // with dimensions, or for microdata, or without a schedule, it is accepted
        _ = try Agreement(id: "S-2", parties: ["UNHCR", "DRC"], purpose: "p", legalBasis: .publicInterest, covers: ["pm"],
                          level: .aggregated, validFrom: F.now, frequency: .weekly, dimensions: ["adm1"], createdAt: F.now)
        _ = try Agreement(id: "S-3", parties: ["UNHCR", "DRC"], purpose: "p", legalBasis: .publicInterest, covers: ["pm"],
                          level: .anonymised, validFrom: F.now, frequency: .monthly, createdAt: F.now)
        _ = try Agreement(id: "S-4", parties: ["UNHCR", "DRC"], purpose: "p", legalBasis: .publicInterest, covers: ["pm"],
                          level: .aggregated, validFrom: F.now, createdAt: F.now)
        #expect(AgreementError.scheduleWithoutDimensions.description.contains("--by"))
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
