/// A dimension of OCHA's humanitarian access framework, quoted in §7.1 as a key issue for Security and
/// Situational Awareness.
public struct AccessDimension: Sendable, Hashable, Codable, Identifiable {
    /// 1, 2 or 3.
    public let id: Int
    public let title: String
    public let variables: [AccessVariable]
    public let section: SectionReference
}

/// A variable of an access dimension, with a stable id such as `1a` or `3c` (§7.1).
public struct AccessVariable: Sendable, Hashable, Codable, Identifiable {
    public let id: String
    public let title: String
    public let detail: String?
    public let section: SectionReference
}

extension AccessDimension {
    private static let section = SectionReference(7, 1)

    private static func variable(_ id: String, _ title: String, _ detail: String? = nil) -> AccessVariable {
        AccessVariable(id: id, title: title, detail: detail, section: section)
    }

    /// The three dimensions and eight variables of §7.1.
    public static let all: [AccessDimension] = [
        AccessDimension(
            id: 1, title: "Humanitarian access of actors to affected population",
            variables: [
                variable("1a", "Impediments to entry into country", "bureaucratic and administrative"),
                variable(
                    "1b", "Restriction of movement",
                    "impediments to freedom of movement and/or administrative restrictions"),
                variable("1c", "Violence against personnel, facilities, and assets"),
            ], section: section),
        AccessDimension(
            id: 2, title: "Access of affected populations to humanitarian actors",
            variables: [
                variable("2a", "Denial of needs or entitlements"),
                variable("2b", "Restriction and obstruction of access to aid"),
            ], section: section),
        AccessDimension(
            id: 3, title: "Physical/security-related constraints",
            variables: [
                variable(
                    "3a", "Active hostilities",
                    "impeding humanitarian operations and movement/access of affected population to aid"),
                variable("3b", "Presence of mines and improvised explosive devices"),
                variable("3c", "Physical environment", "obstacles related to terrain, climate, lack of infrastructure"),
            ], section: section),
    ]
}
