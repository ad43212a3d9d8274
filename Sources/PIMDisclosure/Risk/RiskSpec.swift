/// What to measure: the key variables (quasi-identifiers) and the optional sensitive variables, sampling
/// weight and household id of a table, with the thresholds of the report.
public struct RiskSpec: Sendable, Hashable, Codable {
    /// Key variables (quasi-identifiers): the columns an intruder could match on.
    public var keys: [String]
    /// Sensitive variables whose l-diversity is measured within each equivalence class.
    public var sensitive: [String]
    /// Sampling-weight column; without it the table is treated as the population and the risk is 1/fk.
    public var weight: String?
    /// Household id column; when given, the household risk 1 − Π(1 − r) is reported.
    public var household: String?
    /// k-anonymity thresholds: records in classes with fk < k violate k-anonymity.
    public var kThresholds: [Int]
    /// The constant c of recursive (c, l)-diversity.
    public var lDiversityC: Double
    /// l-diversity levels to check: the classes and records below each are reported.
    public var lThresholds: [Int]
    /// How many of the key combinations with the most violating records to list.
    public var topCombinations: Int
    /// sdcMicro's treatment of missing key values (a missing value matches any category); when false,
    /// a missing value is a category of its own.
    public var missingMatchesAny: Bool

    public init(
        keys: [String], sensitive: [String] = [], weight: String? = nil, household: String? = nil,
        kThresholds: [Int] = [2, 3, 5], lDiversityC: Double = 2, lThresholds: [Int] = [2, 3],
        topCombinations: Int = 10, missingMatchesAny: Bool = true
    ) {
        self.keys = keys
        self.sensitive = sensitive
        self.weight = weight
        self.household = household
        self.kThresholds = kThresholds
        self.lDiversityC = lDiversityC
        self.lThresholds = lThresholds
        self.topCombinations = topCombinations
        self.missingMatchesAny = missingMatchesAny
    }
}
