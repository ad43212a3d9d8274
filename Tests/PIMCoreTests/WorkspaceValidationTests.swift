import Foundation
import PIMCore
import Testing

@Suite struct WorkspaceValidationTests {
    static func workspace(name: String = "Sudan response", country: String = "SDN", levels: [String] = ["State", "Locality"]) -> Workspace {
        Workspace(name: name, country: country, adminLevels: levels, createdAt: Date(timeIntervalSince1970: 0))
    }

    static func reason(_ ws: Workspace) -> String? {
        do { try ws.validate(); return nil } catch { return error.description }
    }

    @Test func acceptsAssignedCountryCodesAndKosovo() {
        for code in ["SDN", "UKR", "SSD", "COD", "PSE", "XKX"] {
            #expect(Self.reason(Self.workspace(country: code)) == nil, "\(code)")
        }
        #expect(CountryCodes.all.count == 250)  // 249 assigned codes + XKX
    }

    @Test func refusesThreeLettersThatAreNoCountry() {
        for code in ["QQQ", "ZZZ", "ABC", "XXX", "SUD"] {
            #expect(Self.reason(Self.workspace(country: code)) == "The country must be an ISO 3166-1 alpha-3 code such as SDN or UKR.", "\(code)")
        }
    }

    @Test func refusesDuplicateOrEmptyAdminLevels() {
        #expect(Self.reason(Self.workspace(levels: ["State", "state"])) == "The admin levels must each have a different name.")
        #expect(Self.reason(Self.workspace(levels: ["", "State"])) == "The admin levels must not include an empty name.")
        #expect(Self.reason(Self.workspace(levels: ["State", " "])) == "The admin levels must not include an empty name.")
        #expect(Self.reason(Self.workspace(levels: ["State", "Locality"])) == nil)
    }

    @Test func refusesControlCharactersAndOverlongNames() {
        #expect(Self.reason(Self.workspace(name: "X\nY")) != nil)
        #expect(Self.reason(Self.workspace(name: "X\u{1B}[31m")) != nil)
        #expect(Self.reason(Self.workspace(name: "abc\u{202E}fed")) != nil)
        #expect(Self.reason(Self.workspace(name: String(repeating: "x", count: 201))) == "The workspace name must have at most 200 characters.")
        #expect(Self.reason(Self.workspace(name: String(repeating: "x", count: 200))) == nil)
        #expect(Self.reason(Self.workspace(name: "مجموعة الحماية")) == nil)
        #expect(Self.reason(Self.workspace(levels: ["State\tX"])) != nil)
    }

    @Test func organisationAcronymsCompareWithoutCaseInEveryScript() {
        #expect(Organization.sameAcronym("ÉCHO", "écho"))
        #expect(Organization.sameAcronym("UNHCR", "unhcr"))
        #expect(!Organization.sameAcronym("DRC", "NRC"))
    }

    @Test func weakPasswordIsNamedBeforeHashing() {
        #expect(PasswordHasher.weakness(of: "short") == .weakPassword(minimumLength: 12))
        #expect(PasswordHasher.weakness(of: "correct horse battery") == nil)
        #expect(PasswordHasher.weakness(of: String(repeating: "a", count: 80)) != nil)
    }
}
