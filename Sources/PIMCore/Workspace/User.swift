import Foundation

/// What a user may do. Checked on every command and route.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    case administrator
    case pimOfficer = "pim-officer"
    case dataProtectionFocalPoint = "data-protection-focal-point"
    /// Aggregated outputs only.
    case analyst
    /// Only what agreements shared with their organisation.
    case partnerViewer = "partner-viewer"
    /// Case management: their own cases.
    case caseWorker = "case-worker"
    /// Case management: their team's cases.
    case supervisor

    /// Whether the ad-hoc tables this role asks of a stored dataset are perturbed by the cell-key method, on
    /// the web, the API and the command line alike: analysts and partner viewers, who may ask for any table by
    /// the allowed dimensions but may not see the records. Suppressed tables asked twice (by adm1 and by adm2)
    /// would give a small cell by subtraction, and roundings under seeds of their choosing would average to it.
    public var perturbsAggregates: Bool {
        switch self {
        case .analyst, .partnerViewer: true
        case .administrator, .pimOfficer, .dataProtectionFocalPoint, .caseWorker, .supervisor: false
        }
    }
}

/// A person who signs in to pim. The password is kept only as a bcrypt hash.
public struct User: Sendable, Hashable, Codable {
    public typealias ID = Identifier<User>
    public var id: ID
    public var userName: String
    public var displayName: String
    public var role: Role
    public var organizationID: Organization.ID?
    /// bcrypt hash (`$2b$…`); never the password itself.
    public var passwordHash: String
    public var isDisabled: Bool
    public var failedLogins: Int
    public var lockedUntil: Date?
    public var createdAt: Date

    public init(
        id: ID = .random(), userName: String, displayName: String, role: Role, organizationID: Organization.ID? = nil,
        passwordHash: String, isDisabled: Bool = false, failedLogins: Int = 0, lockedUntil: Date? = nil, createdAt: Date
    ) {
        self.id = id
        self.userName = userName
        self.displayName = displayName
        self.role = role
        self.organizationID = organizationID
        self.passwordHash = passwordHash
        self.isDisabled = isDisabled
        self.failedLogins = failedLogins
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
    }

    /// User names are 2–64 characters of ASCII letters and digits, `.`, `_`, `-`, `@`: a name is typed at
    /// sign-in and in addresses (`/admin/users/NAME`), and must not pass for another (a Cyrillic `а` looks
    /// like a Latin `a`). The display name carries any script.
    public static func validateUserName(_ name: String) throws(DomainError) {
        let ok = (2...64).contains(name.count)
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-@".unicodeScalars.contains($0)) }
        guard ok else {
            throw .invalidField("user name", "must be 2 to 64 Latin letters (a–z, without accents), digits, '.', '_', '-' or '@'; the display name may be in any script")
        }
    }
}
