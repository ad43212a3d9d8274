/// A PIM principle. The seed says every category shares the PIM principles endorsed at the first meeting (§6,
/// Annex 2) but does not list them; these are the published PIM Principles (source `.pimPrinciples`), explained in
/// pim's own words.
public struct Principle: Sendable, Hashable, Codable, Identifiable {
    public let id: String
    public let name: String
    public let summary: String
    public let section: SectionReference
    public let source: Source

    public init(id: String, name: String, summary: String) {
        self.id = id
        self.name = name
        self.summary = summary
        self.section = SectionReference(6)
        self.source = .pimPrinciples
    }
}

extension Principle {
    /// The eight published PIM principles.
    public static let all: [Principle] = [
        Principle(
            id: "people-centred-and-inclusive", name: "People-centred and inclusive",
            summary: "Information work serves the affected people, involves them and accounts for age, gender and diversity, so that all groups are seen and heard."),
        Principle(
            id: "do-no-harm", name: "Do no harm",
            summary: "Weigh the risks of collecting, holding and sharing data against its benefits, and do not put people, or those who give information, at greater risk."),
        Principle(
            id: "defined-purpose", name: "Defined purpose",
            summary: "Collect and process only the data needed for a specific, stated protection purpose, and use it only for that purpose."),
        Principle(
            id: "informed-consent-and-confidentiality", name: "Informed consent and confidentiality",
            summary: "Personal data is collected with the informed consent of the person, who knows why and how it will be used, and it is kept confidential."),
        Principle(
            id: "data-responsibility-protection-and-security", name: "Data responsibility, protection and security",
            summary: "Handle data according to data protection standards, with safeguards against loss, misuse and unauthorized access throughout its life."),
        Principle(
            id: "competency-and-capacity", name: "Competency and capacity",
            summary: "Those who manage protection information have the skills for it, and organizations build that capacity."),
        Principle(
            id: "impartiality", name: "Impartiality",
            summary: "Collect, analyse and report data objectively and without bias, reflecting needs rather than interests."),
        Principle(
            id: "coordination-and-collaboration", name: "Coordination and collaboration",
            summary: "Work with other actors, avoid duplicate collection and share data and analysis responsibly to support a coordinated response."),
    ]
}
