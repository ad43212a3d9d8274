import PIMCore
import Testing

/// User names are typed at sign-in and in addresses: ASCII only, so that every user that can be created
/// can be found again, and no name passes for another.
@Suite struct UserNameTests {
    @Test(arguments: ["amina", "farah.k", "case_worker-2", "a@ngo.org", "AB"])
    func asciiNamesAreAccepted(name: String) throws {
        try User.validateUserName(name)
    }

    @Test(arguments: [
        "ädmin",  // an accent
        "\u{0430}dmin",  // a Cyrillic а, which looks like a Latin a
        "فرح",  // another script (the display name may carry it)
        "a b",  // a space
        "x",  // too short
        String(repeating: "a", count: 65),  // too long
    ])
    func otherNamesAreRefused(name: String) {
        #expect(throws: DomainError.self) { try User.validateUserName(name) }
    }
}
