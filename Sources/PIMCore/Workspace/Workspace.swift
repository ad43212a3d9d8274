import Foundation

/// One humanitarian response's pim installation: a country operation with its admin levels.
public struct Workspace: Sendable, Hashable, Codable {
    public typealias ID = Identifier<Workspace>
    public var id: ID
    public var name: String
    /// ISO 3166-1 alpha-3 country code, upper case.
    public var country: String
    /// Names of the admin levels in use, from level 1 down (e.g. `["Governorate", "District"]`).
    public var adminLevels: [String]
    public var createdAt: Date

    public init(id: ID = .random(), name: String, country: String, adminLevels: [String], createdAt: Date) {
        self.id = id
        self.name = name
        self.country = country
        self.adminLevels = adminLevels
        self.createdAt = createdAt
    }

    /// The longest workspace name accepted, in characters.
    public static let maximumNameLength = 200
    /// The longest admin level name accepted, in characters.
    public static let maximumLevelNameLength = 64

    /// Checks the fields a user typed.
    /// - Throws: ``DomainError`` naming the field and what is expected.
    public func validate() throws(DomainError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidField("workspace name", "must not be empty") }
        guard name.count <= Self.maximumNameLength else {
            throw .invalidField("workspace name", "must have at most \(Self.maximumNameLength) characters")
        }
        guard !Self.hasControlCharacters(name) else {
            throw .invalidField("workspace name", "must not contain control characters such as line breaks or tabs")
        }
        guard country.count == 3, country.allSatisfy({ $0.isASCII && $0.isUppercase }), CountryCodes.isKnown(country) else {
            throw .invalidField("country", "must be an ISO 3166-1 alpha-3 code such as SDN or UKR")
        }
        guard (1...5).contains(adminLevels.count) else {
            throw .invalidField("admin levels", "must name between 1 and 5 levels")
        }
        var seen: Set<String> = []
        for level in adminLevels {
            let trimmed = level.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { throw .invalidField("admin levels", "must not include an empty name") }
            guard trimmed.count <= Self.maximumLevelNameLength, !Self.hasControlCharacters(trimmed) else {
                throw .invalidField("admin levels", "must each be at most \(Self.maximumLevelNameLength) characters, without control characters")
            }
            guard seen.insert(trimmed.lowercased()).inserted else {
                throw .invalidField("admin levels", "must each have a different name")
            }
        }
    }

    /// Control characters (line breaks, tabs, terminal escapes) and bidirectional overrides, which would let a
    /// name rewrite what a terminal shows; joiners and marks used in Arabic or Persian names stay allowed.
    public static func hasControlCharacters(_ s: String) -> Bool {
        s.unicodeScalars.contains { u in
            u.properties.generalCategory == .control || (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value)
        }
    }
}
