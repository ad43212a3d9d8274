import PIMFramework

/// The default sharing policy of a PIM category, derived from the §10 share rules of the framework.
///
/// - ``maximumLevel`` is the most detailed level any of the category's non-personal rules allows
///   (§10 levels mapped by ``DetailLevel/init(_:)``): protection monitoring, population data, response
///   monitoring, communication with communities and security → aggregated; needs assessment (§10.2.1) and
///   sectoral data not owned by protection (§10.7.6) → anonymised.
/// - ``personalWithConsent`` is true where a rule allows personal data only through a referral or under
///   SOPs with express informed consent (§10.4.2 case management, §10.7.5 referrals). Levels above the
///   maximum (pseudonymised, personal) are then allowed only when every shared record has granted consent
///   for one of ``consentPurposes``.
public struct SharePolicy: Sendable, Hashable, Codable {
    public var category: String
    public var maximumLevel: DetailLevel
    public var personalWithConsent: Bool
    /// Consent purposes that satisfy the consent condition.
    public var consentPurposes: [ConsentPurpose]
    /// The §10 rules it was derived from.
    public var ruleIDs: [String]

    public init(category: String, maximumLevel: DetailLevel, personalWithConsent: Bool,
                consentPurposes: [ConsentPurpose] = [.disclosure, .tracing], ruleIDs: [String] = []) {
        self.category = category
        self.maximumLevel = maximumLevel
        self.personalWithConsent = personalWithConsent
        self.consentPurposes = consentPurposes
        self.ruleIDs = ruleIDs
    }

    /// The most detailed level allowed, given whether the share is filtered on an accepted consent purpose.
    public func bound(consentPurpose: ConsentPurpose?) -> DetailLevel {
        if personalWithConsent, let p = consentPurpose, consentPurposes.contains(p) { return .personal }
        return maximumLevel
    }

    /// The policy of `category` (a PIM category id). Unknown categories get the most protective policy:
    /// aggregated only, no personal data.
    public static func `default`(for category: String, framework: PIMFramework = .standard) -> SharePolicy {
        let rules = framework.shareRules.filter { $0.category.rawValue == category }
        guard !rules.isEmpty else { return SharePolicy(category: category, maximumLevel: .aggregated, personalWithConsent: false) }
        let levels = rules.map { DetailLevel($0.level) }
        let nonPersonal = levels.filter { $0 != .personal }.max() ?? .aggregated
        return SharePolicy(category: category, maximumLevel: nonPersonal, personalWithConsent: levels.contains(.personal),
                           ruleIDs: rules.map(\.id))
    }
}

extension Agreement {
    /// The PIM category ids an agreement may cover besides dataset names.
    public static var categoryIDs: Set<String> { Set(PIMCategory.ID.allCases.map(\.rawValue)) }
}
