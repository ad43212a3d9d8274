/// The re-identification risk of a table on its key variables: k-anonymity, l-diversity of the sensitive
/// variables, individual and household risk. Holds counts and key-variable categories only, never direct
/// identifiers or sensitive values.
public struct RiskReport: Sendable, Hashable, Codable {
    public var recordCount: Int
    public var keys: [String]
    public var sensitive: [String]
    public var weight: String?
    public var household: String?
    /// Whether some key values are missing (they then match any category, as in sdcMicro).
    public var hasMissingKeys: Bool
    /// Number of equivalence classes (distinct key combinations, a missing value counting as one).
    public var classCount: Int
    /// Size of the smallest equivalence class.
    public var smallestClassSize: Int
    /// Smallest sample frequency fk of any record (equal to the smallest class without missing keys).
    public var minimumFk: Int
    /// For every class size, the number of classes of that size, ascending by size.
    public var classSizeHistogram: [ClassSizeCount]
    /// Records violating k-anonymity for every requested k.
    public var kAnonymity: [KAnonymityCount]
    /// The k used to list the riskiest key combinations (the largest requested k).
    public var combinationK: Int
    /// The key combinations with the most records violating `combinationK`-anonymity.
    public var riskiestCombinations: [KeyCombination]
    /// l-diversity of each sensitive variable.
    public var lDiversity: [LDiversitySummary]
    /// Individual risk (sdcMicro `indivRisk`) and global risk.
    public var individualRisk: IndividualRiskSummary
    /// Household risk, when a household id is given.
    public var householdRisk: HouseholdRiskSummary?
    /// With a sampling weight: records in classes whose weights sum to less than the class's sample frequency
    /// (Fk < fk, weights below 1), where sdcMicro's approx formula gives no probability (it can exceed 1);
    /// nil when there are none.
    public var recordsWithFkBelowfk: Int? = nil
}

/// Number of equivalence classes having a given size.
public struct ClassSizeCount: Sendable, Hashable, Codable {
    public var size: Int
    public var classes: Int

    public init(size: Int, classes: Int) {
        self.size = size
        self.classes = classes
    }
}

/// Records (and classes) with fk < k.
public struct KAnonymityCount: Sendable, Hashable, Codable {
    public var k: Int
    public var violatingRecords: Int
    public var violatingClasses: Int
    /// violatingRecords / recordCount.
    public var share: Double

    public init(k: Int, violatingRecords: Int, violatingClasses: Int, share: Double) {
        self.k = k
        self.violatingRecords = violatingRecords
        self.violatingClasses = violatingClasses
        self.share = share
    }
}

/// One key combination: quasi-identifier categories (nil where missing) with its class size and fk.
public struct KeyCombination: Sendable, Hashable, Codable {
    public var values: [String?]
    /// Records with exactly this combination (the violating records it accounts for).
    public var records: Int
    /// Sample frequency of these records (larger than `records` when missing values match them).
    public var fk: Int

    public init(values: [String?], records: Int, fk: Int) {
        self.values = values
        self.records = records
        self.fk = fk
    }
}

/// l-diversity of one sensitive variable over the equivalence classes.
public struct LDiversitySummary: Sendable, Hashable, Codable {
    public var sensitive: String
    /// The constant c of recursive (c, l)-diversity.
    public var c: Double
    public var minimumDistinctL: Int
    public var minimumEntropyL: Double
    public var minimumRecursiveL: Int
    /// For every distinct l, the classes and records having it, ascending by l.
    public var distinctHistogram: [LCount]
    /// Classes and records below each requested l under each measure.
    public var below: [LDiversityShortfall]
    /// The classes that fail the largest requested l under some measure, most records first (at most
    /// ``LFailingClass/listed``): their key combination and l under each measure. Nil when no l was requested.
    public var failingClasses: [LFailingClass]?
}

/// One equivalence class that fails l-diversity: its key categories (nil where missing), records and l values.
public struct LFailingClass: Sendable, Hashable, Codable {
    /// How many failing classes a report lists.
    public static let listed = 10
    public var values: [String?]
    public var records: Int
    public var distinctL: Int
    public var entropyL: Double
    public var recursiveL: Int
}

/// Classes and records with a given distinct l.
public struct LCount: Sendable, Hashable, Codable {
    public var l: Int
    public var classes: Int
    public var records: Int

    public init(l: Int, classes: Int, records: Int) {
        self.l = l
        self.classes = classes
        self.records = records
    }
}

/// Classes and records that fail l-diversity at level `l` under each measure.
public struct LDiversityShortfall: Sendable, Hashable, Codable {
    public var l: Int
    public var distinctClasses: Int
    public var distinctRecords: Int
    public var entropyClasses: Int
    public var entropyRecords: Int
    public var recursiveClasses: Int
    public var recursiveRecords: Int
}

/// Individual and global re-identification risk.
public struct IndividualRiskSummary: Sendable, Hashable, Codable {
    /// "1/fk" without weights, otherwise sdcMicro's `indivRisk` approximation.
    public var method: String
    /// Mean individual risk (sdcMicro's global risk).
    public var globalRisk: Double
    /// Sum of individual risks: the expected number of re-identifications.
    public var expectedReidentifications: Double
    public var maximumRisk: Double
    public var medianRisk: Double
    /// R's `mad` of the individual risks.
    public var madRisk: Double
    /// Records with a higher risk than the main part of the data (see `highRiskRule`).
    public var highRiskRecords: Int
    public var highRiskRule: String
}

/// Household (hierarchical) risk: 1 − Π(1 − r) over a household's members, given to each member.
public struct HouseholdRiskSummary: Sendable, Hashable, Codable {
    public var households: Int
    /// Sum of household risks over records (sdcMicro's hier_risk_ER).
    public var expectedReidentifications: Double
    /// Mean household risk over records.
    public var globalRisk: Double
    public var maximumRisk: Double
}
