/// One of the eight PIM categories of the PIM Matrix (§6): a kind of protection information management system,
/// with its definition, agreement status at the 2015 meetings and its six matrix elements (§8).
public struct PIMCategory: Sendable, Hashable, Codable, Identifiable {
    /// The closed set of PIM categories, with stable ids usable on the command line and in agreements.
    public enum ID: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case protectionMonitoring = "protection-monitoring"
        case protectionNeedsAssessment = "protection-needs-assessment"
        case caseManagement = "case-management"
        case populationData = "population-data"
        case protectionResponseMonitoringEvaluation = "protection-response-monitoring-evaluation"
        case communicatingWithAffectedCommunities = "communicating-with-affected-communities"
        case securitySituationalAwareness = "security-situational-awareness"
        case sectoralIMSystemsOther = "sectoral-im-systems-other"

        /// Order of the list in §6.
        public static func < (lhs: Self, rhs: Self) -> Bool {
            let order = allCases
            return (order.firstIndex(of: lhs) ?? 0) < (order.firstIndex(of: rhs) ?? 0)
        }
    }

    public let id: ID
    /// The name as listed in §6, verbatim.
    public let name: String
    /// Former names, merged categories and spelling variants that lead to this category.
    public let aliases: [Alias]
    /// The definition (the "definition and purpose" element, first part).
    public let definition: Statement
    /// The explanation of the category and its purpose, paraphrased.
    public let explanation: [Statement]
    /// Where the category stood after the 2015 meetings.
    public let status: AgreementStatus
    /// The seed section that records the status.
    public let statusSection: SectionReference
    /// "Sub-category examples" element.
    public let subCategoryExamples: [Statement]
    /// "Approaches/methods for collecting data" element.
    public let approaches: [Statement]
    /// "Tools" element.
    public let tools: [Statement]
    /// "Output (data and information)" element (§9).
    public let outputs: [Statement]
    /// "Shared data" element (§10): what should be shared and at what level.
    public let shares: [ShareRule]
    /// Notes that qualify the share rules of this category (§10.x notes).
    public let shareNotes: [Statement]

    public init(
        id: ID, name: String, aliases: [Alias], definition: Statement, explanation: [Statement],
        status: AgreementStatus, statusSection: SectionReference, subCategoryExamples: [Statement],
        approaches: [Statement], tools: [Statement], outputs: [Statement], shares: [ShareRule],
        shareNotes: [Statement]
    ) {
        self.id = id
        self.name = name
        self.aliases = aliases
        self.definition = definition
        self.explanation = explanation
        self.status = status
        self.statusSection = statusSection
        self.subCategoryExamples = subCategoryExamples
        self.approaches = approaches
        self.tools = tools
        self.outputs = outputs
        self.shares = shares
        self.shareNotes = shareNotes
    }

    /// Former names of the category (e.g. "Security, Access, Safety").
    public var formerNames: [String] { aliases.filter { $0.kind == .formerName }.map(\.name) }

    /// The entries of one matrix element for this category, never empty for a complete framework.
    public func entries(for element: MatrixElement) -> [Statement] {
        switch element {
        case .definitionAndPurpose: [definition] + explanation
        case .subCategoryExamples: subCategoryExamples
        case .approachesAndMethods: approaches
        case .tools: tools
        case .output: outputs
        case .sharedData: shares.map(\.statement)
        }
    }
}

/// Another name that leads to a category: a former title, a category merged into it, or a variant spelling.
public struct Alias: Sendable, Hashable, Codable {
    /// How the alias relates to the category.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The category used to have this title.
        case formerName = "former-name"
        /// A category of this name was merged into this one.
        case mergedCategory = "merged-category"
        /// A variant or short form of the name used in the seed or in the field.
        case variant
    }

    public let name: String
    public let kind: Kind
    public let section: SectionReference
    public let source: Source

    public init(_ name: String, kind: Kind, section: SectionReference, source: Source? = nil) {
        self.name = name
        self.kind = kind
        self.section = section
        self.source = source ?? .seed(section)
    }
}

/// Where a category stood after the second PIM Working Meeting (§6 outcome, §7).
public enum AgreementStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Category and definition agreed and endorsed at the first meeting, Copenhagen, May 2015; not revisited (§7).
    case endorsedMay2015 = "endorsed-may-2015"
    /// The spirit of the category agreed and endorsed; the explanation may be refined (§7.1).
    case spiritEndorsed = "spirit-endorsed"
    /// The larger objective agreed, but not the definition and explanation (§7.3).
    case objectiveAgreedDefinitionNot = "objective-agreed-definition-not"
    /// General agreement that it is a separate category, but the definition not agreed (§7.4).
    case separateCategoryAgreedDefinitionNot = "separate-category-agreed-definition-not"

    /// A one-line reading of the status.
    public var summary: String {
        switch self {
        case .endorsedMay2015: "Agreed and endorsed at the first PIM Working Meeting (May 2015); not revisited in December 2015."
        case .spiritEndorsed: "Spirit of the category agreed and endorsed (December 2015); explanation open to refinement."
        case .objectiveAgreedDefinitionNot: "Larger objective agreed, definition and explanation not agreed (December 2015)."
        case .separateCategoryAgreedDefinitionNot:
            "Agreed to be a separate category, definition not agreed (December 2015)."
        }
    }
}

/// The six elements each category has in the PIM Matrix (§6, §8).
public enum MatrixElement: String, Sendable, Hashable, Codable, CaseIterable {
    case definitionAndPurpose = "definition-and-purpose"
    case subCategoryExamples = "sub-category-examples"
    case approachesAndMethods = "approaches-and-methods"
    case tools
    case output
    case sharedData = "shared-data"

    /// The element's title as listed in §6.
    public var title: String {
        switch self {
        case .definitionAndPurpose: "Definition and purpose"
        case .subCategoryExamples: "Sub-category examples"
        case .approachesAndMethods: "Approaches/methods for collecting data"
        case .tools: "Tools"
        case .output: "Output (data and information)"
        case .sharedData: "Shared data"
        }
    }
}
