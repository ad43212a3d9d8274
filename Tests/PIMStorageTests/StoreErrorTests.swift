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
