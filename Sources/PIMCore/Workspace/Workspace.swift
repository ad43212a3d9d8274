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

    /// Checks the fields a user typed.
    /// - Throws: ``DomainError`` naming the field and what is expected.
    public func validate() throws(DomainError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidField("workspace name", "must not be empty") }
        guard country.count == 3, country.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw .invalidField("country", "must be an ISO 3166-1 alpha-3 code such as SDN or UKR")
        }
        guard (1...5).contains(adminLevels.count) else {
            throw .invalidField("admin levels", "must name between 1 and 5 levels")
        }
    }
}
