import PIMTable

/// What to do to a table before sharing it, step by step: drop direct identifiers, pseudonymise ids,
/// recode (generalise), then suppress key values locally until the keys are k-anonymous.
///
///     let plan = AnonymizationPlan(
///         drop: ["name", "phone"], pseudonymize: ["household_id"],
///         recodes: [.ageBands(column: "age"), .location(column: "adm2_code", hierarchy: .prefix(length: 4))],
///         keys: ["adm2_code", "sex", "age", "nationality", "legal_status"], k: 5,
///         importance: ["adm2_code", "sex", "age"])
public struct AnonymizationPlan: Sendable {
    /// Columns removed (direct identifiers).
    public var drop: [String]
    /// Columns whose values are replaced by ``pseudonymizer``'s pseudonyms.
    public var pseudonymize: [String]
    /// Required when ``pseudonymize`` is not empty.
    public var pseudonymizer: (any Pseudonymizer)?
    /// Recoding steps, applied in order (generalisations, top/bottom coding, merging rare categories).
    public var recodes: [Recode]
    /// Key variables (quasi-identifiers) that must be k-anonymous in the result.
    public var keys: [String]
    /// k for k-anonymity; nil skips local suppression (and gives no guarantee).
    public var k: Int?
    /// Key names, most important first; the least important key is suppressed first. See ``LocalSuppression``.
    public var importance: [String]

    public init(
        drop: [String] = [], pseudonymize: [String] = [], pseudonymizer: (any Pseudonymizer)? = nil,
        recodes: [Recode] = [], keys: [String] = [], k: Int? = nil, importance: [String] = []
    ) {
        self.drop = drop
        self.pseudonymize = pseudonymize
        self.pseudonymizer = pseudonymizer
        self.recodes = recodes
        self.keys = keys
        self.k = k
        self.importance = importance
    }
}

/// The outcome of ``Anonymizer/apply(_:to:)``.
public struct AnonymizationResult: Sendable {
    /// The anonymised table: k-anonymous on the plan's keys when the plan has a k.
    public var table: Table
    public var loss: InformationLoss
    /// Values set to missing by local suppression, per key in the order of the plan's keys (in released rows).
    public var suppressedPerVariable: [KeySuppression]
    /// Records removed to reach l-diversity (their keys all suppressed, their class still below l).
    public var recordsRemovedForL = 0
    /// Equivalence classes removed to reach l-diversity.
    public var classesRemovedForL = 0
}
