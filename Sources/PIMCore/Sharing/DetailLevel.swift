import PIMFramework

/// How much detail a share carries, from least to most: the axis along which agreements, category
/// policies and dataset sensitivity are compared. `aggregated < anonymised < pseudonymised < personal`.
///
/// - `aggregated`: counts by dimensions with small cells suppressed; no row is a person.
/// - `anonymised`: microdata without direct identifiers or household ids, ages banded, key variables
///   locally suppressed until k-anonymous and under the agreement's maximum global risk.
/// - `pseudonymised`: as anonymised, but the record id and household id are replaced by keyed pseudonyms
///   (HMAC under the workspace key) so the recipient can link records across shares. Still personal data.
/// - `personal`: the records as stored (only with consent for the share's purpose, see ``SharePolicy``).
public enum DetailLevel: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case aggregated, anonymised, pseudonymised, personal

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    /// The words used in refusals: "aggregated tables only", "anonymised microdata".
    public var phrase: String {
        switch self {
        case .aggregated: "aggregated tables"
        case .anonymised: "anonymised microdata"
        case .pseudonymised: "pseudonymised microdata"
        case .personal: "personal data"
        }
    }

    /// True for levels whose rows are records about people (everything but aggregated tables).
    public var isMicrodata: Bool { self != .aggregated }

    /// True for levels that remain personal data (a keyed pseudonym still points to one person).
    public var isPersonalData: Bool { self >= .pseudonymised }

    /// The §10 share level mapped onto this axis. Narrative and non-disaggregated outputs carry no more
    /// than aggregated tables; "per agreement" (§10.7) is held at anonymised, the level §10.7.6 sets for data
    /// the protection sector does not own; the two personal levels become `personal`.
    public init(_ level: ShareLevel) {
        switch level {
        case .aggregated, .nonDisaggregated, .narrative: self = .aggregated
        case .anonymised, .perAgreement: self = .anonymised
        case .personalForReferralWithConsent, .personalUnderSOPWithConsent: self = .personal
        }
    }
}

extension Sensitivity {
    /// The most detailed level a dataset of this sensitivity may leave pim at, unless a data-protection
    /// focal point records a ``PolicyException``:
    ///
    /// | sensitivity | bound |
    /// |---|---|
    /// | severe | aggregated |
    /// | high | anonymised |
    /// | moderate | pseudonymised |
    /// | low | personal |
    ///
    /// The bound is one of three: agreement and category policy narrow further (see ``SharingRules``).
    public var maximumLevel: DetailLevel {
        switch self {
        case .severe: .aggregated
        case .high: .anonymised
        case .moderate: .pseudonymised
        case .low: .personal
        }
    }
}
