/// One item of "data and information to share" for a category (§10): what is shared, at what level, under which
/// conditions. pim uses these as the default policies of a data-sharing agreement.
public struct ShareRule: Sendable, Hashable, Codable, Identifiable {
    /// Stable id: the section and the bullet number, e.g. `10.4.1`.
    public let id: String
    public let category: PIMCategory.ID
    /// What is shared, as the seed puts it (short phrases verbatim, longer ones paraphrased).
    public let what: String
    /// The most detailed level at which it may be shared.
    public let level: ShareLevel
    /// The conditions of footnote 7, which apply to every §10 rule.
    public let conditions: [SharingCondition]
    /// A qualification specific to this rule, if any.
    public let note: String?
    public let section: SectionReference
    public let source: Source

    public init(
        id: String, category: PIMCategory.ID, what: String, level: ShareLevel,
        conditions: [SharingCondition] = SharingCondition.allCases, note: String? = nil, section: SectionReference,
        source: Source? = nil
    ) {
        self.id = id
        self.category = category
        self.what = what
        self.level = level
        self.conditions = conditions
        self.note = note
        self.section = section
        self.source = source ?? .seed(section)
    }

    /// The rule as a matrix entry ("what — level").
    public var statement: Statement {
        Statement("\(what) [\(level.title)]", section: section, source: source)
    }
}

/// The level of detail at which a §10 item may be shared.
public enum ShareLevel: String, Sendable, Hashable, Codable, CaseIterable {
    /// Counts, figures or trends that describe groups; may be disaggregated (age, sex, location) but no record is a person.
    case aggregated
    /// Totals by priority and location, deliberately not disaggregated (§10.8).
    case nonDisaggregated = "non-disaggregated"
    /// Record-level data with identifying information removed (§10.2, §10.7).
    case anonymised
    /// Qualitative findings, analysis and narrative; no personal data.
    case narrative
    /// Individual-level data to named protection stakeholders, only through a referral and with informed consent (§10.7).
    case personalForReferralWithConsent = "personal-for-referral-with-consent"
    /// Personal data only where its use and the SOPs between partners allow it, with express informed consent (§10.4).
    case personalUnderSOPWithConsent = "personal-under-sop-with-consent"
    /// Governed by a data-sharing protocol agreed between the parties (§10.7).
    case perAgreement = "per-agreement"

    public var title: String {
        switch self {
        case .aggregated: "aggregated"
        case .nonDisaggregated: "non-disaggregated"
        case .anonymised: "anonymised"
        case .narrative: "narrative, no personal data"
        case .personalForReferralWithConsent: "personal, for referral, with consent"
        case .personalUnderSOPWithConsent: "personal, under SOPs, with express consent"
        case .perAgreement: "per data-sharing agreement"
        }
    }

    /// True when the level can carry data about an identifiable person.
    public var mayIdentifyPersons: Bool {
        switch self {
        case .personalForReferralWithConsent, .personalUnderSOPWithConsent: true
        case .aggregated, .nonDisaggregated, .anonymised, .narrative, .perAgreement: false
        }
    }
}

/// The conditions of footnote 7 under which §10 data and information are shared: in line with the protection
/// principles of confidentiality, informed consent, safety and non-discrimination, and without identifying a person.
public enum SharingCondition: String, Sendable, Hashable, Codable, CaseIterable {
    case confidentiality
    case informedConsent = "informed-consent"
    case safety
    case nonDiscrimination = "non-discrimination"
    case noIdentificationOfPersons = "no-identification-of-persons"

    public var title: String {
        switch self {
        case .confidentiality: "Confidentiality"
        case .informedConsent: "Informed consent"
        case .safety: "Safety"
        case .nonDiscrimination: "Non-discrimination"
        case .noIdentificationOfPersons: "No identification of a specific person"
        }
    }

    /// The seed section of the conditions (footnote 7, attached to §10).
    public static let section = SectionReference(10, footnote: 7)
}
