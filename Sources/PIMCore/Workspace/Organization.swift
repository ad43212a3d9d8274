import Foundation

/// A partner in the response: a UN agency, an NGO, a government body, a cluster or a donor.
public struct Organization: Sendable, Hashable, Codable {
    public typealias ID = Identifier<Organization>

    /// The kind of organisation, as agreements and policies distinguish them.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case un, ingo, nngo, government, cluster, donor, other
    }

    public var id: ID
    public var name: String
    /// Short name used on the command line and in agreements, e.g. `UNHCR`. Unique in a workspace.
    public var acronym: String
    public var kind: Kind
    public var createdAt: Date

    public init(id: ID = .random(), name: String, acronym: String, kind: Kind, createdAt: Date) {
        self.id = id
        self.name = name
        self.acronym = acronym
        self.kind = kind
        self.createdAt = createdAt
    }

    /// Whether two acronyms name the same organisation: equal without regard to case, in every script
    /// ("ÉCHO" and "écho" as well as "UNHCR" and "unhcr").
    public static func sameAcronym(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }
}
