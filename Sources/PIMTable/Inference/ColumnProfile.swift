/// What type inference found in one column: the chosen type and the evidence for it.
///
/// Holds counts and, for numbers and dates, the range; never example values, so a profile can be shown
/// or logged without revealing anyone's data.
public struct ColumnProfile: Sendable, Hashable {
    public var name: String
    public var tag: HXLTagSpec?
    public var inferredType: ColumnType
    /// How many non-null cells parsed as each type (each cell counted once, under its most specific type).
    public var evidence: [ColumnType: Int]
    public var nullCount: Int
    /// Number of distinct non-null values.
    public var distinctCount: Int
    /// Smallest value, for integer, decimal and date columns.
    public var minimum: Value?
    /// Largest value, for integer, decimal and date columns.
    public var maximum: Value?

    public init(
        name: String, tag: HXLTagSpec? = nil, inferredType: ColumnType, evidence: [ColumnType: Int],
        nullCount: Int, distinctCount: Int, minimum: Value? = nil, maximum: Value? = nil
    ) {
        self.name = name
        self.tag = tag
        self.inferredType = inferredType
        self.evidence = evidence
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.minimum = minimum
        self.maximum = maximum
    }
}
