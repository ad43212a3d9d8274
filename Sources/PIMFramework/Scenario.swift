/// One of the four scenarios of §11, with examples of "must have" and "nice to have" data and information and the
/// categories that produce them.
///
/// The seed names the scenarios and the method (responses ranked and matched to producing categories) but its
/// annex with the responses is not part of it, so the items and their producers are pim's judgement
/// (source `.pimProject`), anchored at §11.
public struct Scenario: Sendable, Hashable, Codable, Identifiable {
    /// The closed set of §11 scenarios.
    public enum ID: String, Sendable, Hashable, Codable, CaseIterable {
        case suddenOnsetEmergency = "sudden-onset-emergency"
        case protractedEmergency = "protracted-emergency"
        case protractedNonEmergency = "protracted-non-emergency"
        case comprehensiveSolutions = "comprehensive-solutions"
    }

    public let id: ID
    /// The scenario's name as in §11.
    public let name: String
    public let summary: Statement
    public let mustHave: [DataNeed]
    public let niceToHave: [DataNeed]
    public let section: SectionReference

    public init(
        id: ID, name: String, summary: Statement, mustHave: [DataNeed], niceToHave: [DataNeed],
        section: SectionReference = SectionReference(11)
    ) {
        self.id = id
        self.name = name
        self.summary = summary
        self.mustHave = mustHave
        self.niceToHave = niceToHave
        self.section = section
    }
}

/// A data or information item needed in a scenario, with the categories that produce it.
public struct DataNeed: Sendable, Hashable, Codable {
    public let text: String
    /// Categories producing the item; the first is the main producer.
    public let producers: [PIMCategory.ID]
    public let section: SectionReference
    public let source: Source

    public init(
        _ text: String, producers: [PIMCategory.ID], section: SectionReference = SectionReference(11),
        source: Source = .pimProject
    ) {
        self.text = text
        self.producers = producers
        self.section = section
        self.source = source
    }
}

/// The priority of a data need in a scenario (§11).
public enum DataPriority: String, Sendable, Hashable, Codable, CaseIterable {
    case mustHave = "must-have"
    case niceToHave = "nice-to-have"

    public var title: String {
        switch self {
        case .mustHave: "Must have"
        case .niceToHave: "Nice to have"
        }
    }
}

extension Scenario {
    /// The four scenarios of §11.
    public static let all: [Scenario] = [
        Scenario(
            id: .suddenOnsetEmergency, name: "Sudden-onset emergency",
            summary: Statement(
                "First days and weeks of a new crisis: who is affected, where, what the risks are and whether "
                    + "responders can reach people.", section: SectionReference(11), source: .pimProject),
            mustHave: [
                DataNeed("Population figures or estimates by age, sex and location", producers: [.populationData]),
                DataNeed(
                    "Contextual risk analysis: security situation and humanitarian access",
                    producers: [.securitySituationalAwareness],
                    section: SectionReference(7, 1), source: .seed(SectionReference(7, 1))),
                DataNeed(
                    "Priority protection risks and needs (rapid protection assessment)",
                    producers: [.protectionNeedsAssessment, .protectionMonitoring]),
                DataNeed(
                    "Urgent cases of persons with specific needs, for referral",
                    producers: [.caseManagement, .sectoralIMSystemsOther]),
                DataNeed(
                    "Who does what where (3W) and contact lists",
                    producers: [.protectionResponseMonitoringEvaluation, .sectoralIMSystemsOther],
                    section: SectionReference(11, 1), source: .seed(SectionReference(11, 1))),
            ],
            niceToHave: [
                DataNeed(
                    "Trusted information sources and communication channels of the affected population",
                    producers: [.communicatingWithAffectedCommunities]),
                DataNeed("Pre-crisis baseline and sectoral secondary data", producers: [.sectoralIMSystemsOther]),
                DataNeed("Locations of mines, UXO and ERW", producers: [.securitySituationalAwareness]),
            ]),
        Scenario(
            id: .protractedEmergency, name: "Protracted emergency",
            summary: Statement(
                "A crisis that lasts: trends over time, changing needs and whether the response reaches people.",
                section: SectionReference(11), source: .pimProject),
            mustHave: [
                DataNeed(
                    "Protection trends, incidents and violations over time", producers: [.protectionMonitoring]),
                DataNeed(
                    "Updated population figures and movements", producers: [.populationData]),
                DataNeed(
                    "Caseload figures and referral status of persons with specific needs",
                    producers: [.caseManagement]),
                DataNeed(
                    "Output and outcome indicators and gaps of the protection response",
                    producers: [.protectionResponseMonitoringEvaluation]),
                DataNeed(
                    "Access constraints and security incidents", producers: [.securitySituationalAwareness]),
            ],
            niceToHave: [
                DataNeed(
                    "Community feedback on the response",
                    producers: [.communicatingWithAffectedCommunities, .protectionResponseMonitoringEvaluation]),
                DataNeed(
                    "Coping mechanisms of the population", producers: [.protectionMonitoring, .protectionNeedsAssessment]),
                DataNeed("Proxy protection indicators from other sectors", producers: [.sectoralIMSystemsOther]),
            ]),
        Scenario(
            id: .protractedNonEmergency, name: "Protracted non-emergency",
            summary: Statement(
                "A stable, long-lasting displacement: detailed profiles, specific needs and the quality of services.",
                section: SectionReference(11), source: .pimProject),
            mustHave: [
                DataNeed(
                    "Registration or profiling data disaggregated by age, sex, location and diversity",
                    producers: [.populationData]),
                DataNeed(
                    "Persons with specific needs and their access to assistance", producers: [.caseManagement]),
                DataNeed("Protection trends and risks", producers: [.protectionMonitoring]),
                DataNeed(
                    "Evaluation of the protection response's impact, gaps and best practices",
                    producers: [.protectionResponseMonitoringEvaluation]),
            ],
            niceToHave: [
                DataNeed(
                    "Livelihoods, education and other sectoral indicators", producers: [.sectoralIMSystemsOther]),
                DataNeed(
                    "Community capacities, resources and skills", producers: [.communicatingWithAffectedCommunities]),
                DataNeed(
                    "Camp or location profiles",
                    producers: [.populationData, .sectoralIMSystemsOther],
                    section: SectionReference(11, 1), source: .seed(SectionReference(11, 1))),
            ]),
        Scenario(
            id: .comprehensiveSolutions, name: "Comprehensive solutions",
            summary: Statement(
                "Planning return, local integration or resettlement: intentions, conditions and obstacles.",
                section: SectionReference(11), source: .pimProject),
            mustHave: [
                DataNeed(
                    "Intentions and preferences for durable solutions",
                    producers: [.protectionNeedsAssessment, .populationData, .communicatingWithAffectedCommunities]),
                DataNeed(
                    "Population profiles incl. documentation and housing, land and property",
                    producers: [.populationData, .caseManagement]),
                DataNeed(
                    "Safety, security and access in areas of return or integration",
                    producers: [.securitySituationalAwareness, .protectionMonitoring]),
                DataNeed(
                    "Availability of services in areas of return or integration", producers: [.sectoralIMSystemsOther]),
            ],
            niceToHave: [
                DataNeed("Return monitoring findings", producers: [.protectionMonitoring]),
                DataNeed(
                    "Community feedback on solution options", producers: [.communicatingWithAffectedCommunities]),
                DataNeed(
                    "Individual case files for resettlement or legal assistance", producers: [.caseManagement]),
            ]),
    ]
}
