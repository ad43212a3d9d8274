/// A term of the common PIM vocabulary used in the seed, with a short definition.
///
/// The seed refers to the Common PIM Terminology (§5) but does not reproduce it; definitions come from the seed
/// where it defines the term, otherwise they are pim's short paraphrase of common PIM usage (source
/// `.pimTerminology`).
public struct Term: Sendable, Hashable, Codable, Identifiable {
    public var id: String { name.lowercased() }
    public let name: String
    public let definition: String
    public let section: SectionReference
    public let source: Source

    public init(_ name: String, _ definition: String, section: SectionReference, source: Source? = nil) {
        self.name = name
        self.definition = definition
        self.section = section
        self.source = source ?? .pimTerminology
    }
}

extension Term {
    private static func seed(_ name: String, _ definition: String, _ section: SectionReference) -> Term {
        Term(name, definition, section: section, source: .seed(section))
    }

    /// The glossary, sorted by name.
    public static let all: [Term] = [
        seed(
            "Protection Information Management (PIM)",
            "Principled, systematized, and collaborative approaches to collect, process, store, analyze, share, and use data and information to enable evidence-informed action for quality protection outcomes.",
            SectionReference(2)),
        seed(
            "PIM Matrix",
            "The framework that sets out the PIM categories and their elements, giving a standard understanding of protection information systems across the response.",
            SectionReference(6)),
        seed(
            "PIM Category",
            "A set of protection information management systems with its purposes, processes and illustrative tools; together the categories deliver an effective response.",
            SectionReference(6)),
        seed(
            "Element",
            "A characteristic described for every category in the PIM Matrix: definition and purpose, sub-category examples, approaches, tools, output and shared data.",
            SectionReference(8)),
        seed(
            "Output",
            "The data and information a category produces; it is the category's objective or purpose.",
            SectionReference(9)),
        seed(
            "Contextual risk analysis",
            "An analysis of risks and of what response is possible, needed before any protection work or humanitarian response starts.",
            SectionReference(7, 1)),
        seed(
            "Proxy indicator",
            "An indicator from another sector's data (e.g. health) used to signal a protection concern where direct protection data is lacking.",
            SectionReference(7, 3)),
        seed(
            "Data ownership",
            "Control of data collection and processing; the sector that controls them owns the data.",
            SectionReference(9, 7)),
        seed(
            "Fundamental Operational Data Sets (FODS)",
            "Core datasets needed to support operations across a response, such as population figures and administrative boundaries.",
            SectionReference(10, 7)),
        Term("Data", "Raw facts, such as numbers, words or observations, before they are organized or analysed.", section: SectionReference(1)),
        Term("Information", "Data that has been processed, organized and put in context so that it has meaning.", section: SectionReference(1)),
        Term("Personal data", "Any information relating to an identified or identifiable individual.", section: SectionReference(10, 4)),
        Term("Anonymisation", "Removing or changing information so that a person can no longer be identified, directly or indirectly.", section: SectionReference(10, 2)),
        Term("Aggregated data", "Data combined into totals or summaries about groups, so that no record describes one person.", section: SectionReference(10, 7)),
        Term("Disaggregated data", "Data broken down by characteristics such as age, sex, location or diversity.", section: SectionReference(9, 1)),
        Term("Informed consent", "A person's voluntary agreement to the collection and use of their data, given with an understanding of the purpose, use and risks.", section: SectionReference(10, footnote: 7)),
        Term("Confidentiality", "Keeping information entrusted by a person from anyone not authorized to receive it.", section: SectionReference(10, footnote: 7)),
        Term("Data-sharing protocol", "An agreement between parties on what data is shared, how, at what level and under what safeguards.", section: SectionReference(10, 7)),
        Term("Standard operating procedures (SOPs)", "Agreed step-by-step procedures between partners, e.g. for referral or for exchanging personal data.", section: SectionReference(10, 4)),
        Term("Referral", "Passing an individual's case, with consent, to another actor who can provide the needed service.", section: SectionReference(10, 7)),
        Term("Secondary data", "Data collected by others or for another purpose, reused for analysis.", section: SectionReference(9, 7)),
        Term("Metadata", "Data about data: its source, method, date, coverage, quality and limits.", section: SectionReference(12)),
        Term("Humanitarian access", "The ability of humanitarian actors to reach affected people, and of affected people to reach assistance and services.", section: SectionReference(7, 1)),
        Term("UXO / ERW", "Unexploded ordnance and explosive remnants of war.", section: SectionReference(7, 1), source: .seed(SectionReference(7, 1))),
        Term("3W / 4W / 5W", "Who does what where (and when, for whom): a coordination tool mapping activities of responders.", section: SectionReference(11, 1)),
        Term("Must have / nice to have", "Priority levels of data and information needed in a scenario: essential to respond, or useful but not essential.", section: SectionReference(11), source: .seed(SectionReference(11))),
        Term("Protection outcome", "A change in the risks faced by affected people, reducing threats or vulnerabilities or increasing capacities.", section: SectionReference(2)),
        Term("Evidence-informed action", "Decisions and responses grounded in analysed data and information.", section: SectionReference(2)),
    ].sorted { $0.name.lowercased() < $1.name.lowercased() }
}
