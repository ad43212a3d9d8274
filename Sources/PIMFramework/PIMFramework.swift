import Foundation

/// The Protection Information Management framework as typed data: the PIM definition, vision and mission, the
/// eight categories with their matrix elements, outputs and share rules, the §11 scenarios, the §12 data-sharing
/// problems, the OCHA access framework, the PIM principles and a glossary.
///
/// Everything is built from the outcome document of the second PIM Working Meeting (Geneva, December 2015), and
/// every item carries the section it comes from and its `Source`.
///
/// ```swift
/// let framework = PIMFramework.standard
/// let category = try framework.category(named: "Human Rights") // Protection Monitoring (§7.2)
/// let results = framework.search("population figures")
/// ```
public struct PIMFramework: Sendable, Hashable, Codable {
    /// The PIM definition (§2), verbatim.
    public let definition: Statement
    /// The vision statement (§4).
    public let vision: Statement
    /// The mission statement (§4), paraphrased, one statement per point.
    public let mission: [Statement]
    /// The eight categories in the order of §6.
    public let categories: [PIMCategory]
    /// Categories that no longer stand alone.
    public let mergedCategories: [MergedCategory]
    public let scenarios: [Scenario]
    public let problems: [SharingProblem]
    public let accessDimensions: [AccessDimension]
    public let principles: [Principle]
    public let terms: [Term]

    public init(
        definition: Statement, vision: Statement, mission: [Statement], categories: [PIMCategory],
        mergedCategories: [MergedCategory], scenarios: [Scenario], problems: [SharingProblem],
        accessDimensions: [AccessDimension], principles: [Principle], terms: [Term]
    ) {
        self.definition = definition
        self.vision = vision
        self.mission = mission
        self.categories = categories
        self.mergedCategories = mergedCategories
        self.scenarios = scenarios
        self.problems = problems
        self.accessDimensions = accessDimensions
        self.principles = principles
        self.terms = terms
    }

    /// The framework as the seed and the published PIM products describe it.
    public static let standard = PIMFramework(
        definition: .seed(
            "Principled, systematized, and collaborative approaches to collect, process, store, analyze, share, "
                + "and use data and information to enable evidence-informed action for quality protection outcomes.",
            SectionReference(2)),
        vision: .seed(
            "Working with stakeholders in the international community, to facilitate the collective development of "
                + "a PIM framework to improve and enable evidence-informed action for quality protection outcomes.",
            SectionReference(4)),
        mission: [
            .seed(
                "Stakeholders develop together a framework for managing the data and information needed for "
                    + "evidence-informed, quality protection responses that meet the needs of displaced persons.",
                SectionReference(4)),
            .seed(
                "They close the gap between ideas and tools with principles, standards, guidance, definitions and "
                    + "common terminology, so that protection data, information and analysis can be shared and used "
                    + "across the humanitarian community.", SectionReference(4)),
            .seed(
                "So that colleagues have the structure, principles and standards for informed decisions; share data "
                    + "securely, timely and with confidence; have the information to plan, deliver and monitor "
                    + "protection responses; and keep a forum for learning and exchange.", SectionReference(4)),
        ],
        categories: [
            .protectionMonitoring, .protectionNeedsAssessment, .caseManagement, .populationData,
            .protectionResponseMonitoringEvaluation, .communicatingWithAffectedCommunities,
            .securitySituationalAwareness, .sectoralIMSystemsOther,
        ],
        mergedCategories: [
            MergedCategory(
                name: "Human Rights", mergedInto: .protectionMonitoring,
                explanation: .seed(
                    "Stakeholders agreed that human-rights work is a subset of Protection Monitoring; its matrix "
                        + "entries were merged into Protection Monitoring, and its case-management element into "
                        + "Case Management.", SectionReference(7, 2)))
        ],
        scenarios: Scenario.all,
        problems: SharingProblem.all,
        accessDimensions: AccessDimension.all,
        principles: Principle.all,
        terms: Term.all
    )

    // MARK: - Lookup

    /// The category with this id. Total for `standard`; precondition: `categories` holds every id.
    public func category(_ id: PIMCategory.ID) -> PIMCategory {
        guard let found = categories.first(where: { $0.id == id }) else {
            preconditionFailure("The framework lacks a category for every PIMCategory.ID.")
        }
        return found
    }

    /// Finds a category by id, name or alias, ignoring case, spaces and punctuation: `"human-rights"`,
    /// `"Human Rights"` and `"protection monitoring"` all lead to Protection Monitoring.
    public func category(named text: String) throws(FrameworkError) -> PIMCategory {
        let key = Self.slug(text)
        if let id = PIMCategory.ID(rawValue: key) { return category(id) }
        for candidate in categories {
            let names = [candidate.name] + candidate.aliases.map(\.name)
            if names.contains(where: { Self.slug($0) == key }) { return candidate }
        }
        for merged in mergedCategories where Self.slug(merged.name) == key { return category(merged.mergedInto) }
        throw .unknownCategory(validIDs: PIMCategory.ID.allCases.map(\.rawValue))
    }

    /// Finds a scenario by id or name, ignoring case and punctuation.
    public func scenario(named text: String) throws(FrameworkError) -> Scenario {
        let key = Self.slug(text)
        if let found = scenarios.first(where: { $0.id.rawValue == key || Self.slug($0.name) == key }) { return found }
        throw .unknownScenario(validIDs: Scenario.ID.allCases.map(\.rawValue))
    }

    /// Finds a matrix element by id, title, or a short word (`definition`, `examples`, `approaches`, `methods`,
    /// `tools`, `output`, `outputs`, `shares`, `shared`).
    public func element(named text: String) throws(FrameworkError) -> MatrixElement {
        let key = Self.slug(text)
        if let found = MatrixElement.allCases.first(where: { $0.rawValue == key || Self.slug($0.title) == key }) {
            return found
        }
        switch key {
        case "definition", "purpose": return .definitionAndPurpose
        case "examples", "sub-categories", "subcategories": return .subCategoryExamples
        case "approaches", "methods": return .approachesAndMethods
        case "tool": return .tools
        case "outputs": return .output
        case "shares", "shared", "share": return .sharedData
        default: throw .unknownElement(validIDs: MatrixElement.allCases.map(\.rawValue))
        }
    }

    /// All share rules (§10), in category order.
    public var shareRules: [ShareRule] { categories.flatMap(\.shares) }

    /// The share rule with this id (e.g. `10.4.1`).
    public func shareRule(id: String) -> ShareRule? { shareRules.first { $0.id == id } }

    /// Lower-cased, with every run of characters other than letters and digits turned into one hyphen.
    static func slug(_ text: String) -> String {
        var result = ""
        var pendingHyphen = false
        for character in text.lowercased().replacingOccurrences(of: "&", with: " and ") {
            if character.isLetter || character.isNumber {
                if pendingHyphen && !result.isEmpty { result.append("-") }
                pendingHyphen = false
                result.append(character)
            } else {
                pendingHyphen = true
            }
        }
        return result
    }
}

/// A former category that was merged into another (§7.2).
public struct MergedCategory: Sendable, Hashable, Codable {
    public let name: String
    public let mergedInto: PIMCategory.ID
    public let explanation: Statement
}

/// Errors of framework look-ups.
public enum FrameworkError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownCategory(validIDs: [String])
    case unknownScenario(validIDs: [String])
    case unknownElement(validIDs: [String])
    case formatNotAvailable(format: String, view: String)
    case encodingFailed(view: String)

    public var description: String {
        switch self {
        case .unknownCategory(let ids): "No PIM category has that id, name or alias; valid ids: \(ids.joined(separator: ", "))."
        case .unknownScenario(let ids): "No scenario has that id or name; valid ids: \(ids.joined(separator: ", "))."
        case .unknownElement(let ids): "No matrix element has that id or name; valid ids: \(ids.joined(separator: ", "))."
        case .formatNotAvailable(let format, let view): "The \(view) view cannot be rendered as \(format)."
        case .encodingFailed(let view): "The \(view) view could not be encoded as JSON."
        }
    }
}
