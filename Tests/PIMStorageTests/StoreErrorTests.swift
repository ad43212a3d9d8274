import Foundation
import PIMStorage
import Testing

@Suite struct StoreErrorTests {
    @Test func conflictMessagesUseTheRightArticle() {
        // "An" before a vowel sound, "A" otherwise (a user, a dataset)
        #expect(StoreError.conflict(kind: "organisation", key: "DRC").description == "An organisation \"DRC\" already exists.")
        #expect(StoreError.conflict(kind: "agreement", key: "ISP-1").description == "An agreement \"ISP-1\" already exists.")
        #expect(StoreError.conflict(kind: "user", key: "amina").description == "A user \"amina\" already exists.")
        #expect(StoreError.conflict(kind: "dataset", key: "pm").description == "A dataset \"pm\" already exists.")
    }
}

@Suite struct AuditQueryDateTests {
    @Test func anInstantToTheSecondEndsAtTheLastMillisecondOfThatSecond() throws {
        // Given an event stored at 10:00:05.300 and listed as 10:00:05
        let event = try #require(AuditQuery.instant("2026-03-01T10:00:05Z")).addingTimeInterval(0.3)
        // Then --to with the instant shown includes it, and a day covers the whole day
        let end = try #require(AuditQuery.end("2026-03-01T10:00:05Z"))
        #expect(event <= end)
        #expect(end < AuditQuery.instant("2026-03-01T10:00:06Z") ?? .distantPast)
        #expect(try #require(AuditQuery.end("2026-03-01")) > event)
        // An instant given to the millisecond is taken as it is
        let exact = try #require(AuditQuery.end("2026-03-01T10:00:05.100Z"))
        let second = try #require(AuditQuery.instant("2026-03-01T10:00:05Z"))
        #expect(abs(exact.timeIntervalSince(second) - 0.1) < 0.0005)
    }
}
