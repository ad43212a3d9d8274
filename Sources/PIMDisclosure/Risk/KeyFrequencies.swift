import PIMTable

/// Equivalence classes of records on key variables (quasi-identifiers), with sdcMicro's sample
/// frequency `fk` and estimated population frequency `Fk` for every record.
///
/// A class is a set of records with identical key codes, a missing value being a code of its own.
/// Without missing key values `fk` is the size of the record's class. With `missingMatchesAny` (sdcMicro's
/// `freqCalc` rule), a missing value matches any category: two records match when they agree on every key
/// that is present in both, so `fk` counts every record matching this one (itself included) and may
/// exceed the class size. `Fk` is the sum of the weights of the same records (`fk` without a weight).
///
/// The complete-key path is one pass over integer codes combined into a mixed-radix `UInt64`; the
/// missing-value path works on classes grouped by their pattern of missing keys, so it costs
/// O(patterns × classes) rather than O(records²).
public struct KeyFrequencies: Sendable {
    /// The key columns, in the order given.
    public var keys: [String]
    /// Equivalence-class id (`0..<classCount`) of every record; classes are numbered by first appearance.
    public var classOfRecord: [Int32]
    /// Number of equivalence classes.
    public var classCount: Int
    /// Sample frequency of every record: records sharing (or, with missing keys, matching) its key combination.
    public var fk: [Int32]
    /// Estimated population frequency of every record: the weight sum over the same records; `fk` without weight.
    public var Fk: [Double]
    /// Number of records in every class.
    public var classSizes: [Int32]
    /// `fk` of the members of every class (all members of a class share it).
    public var fkOfClass: [Int32]
    /// `Fk` of the members of every class.
    public var FkOfClass: [Double]
    /// The first record of every class, to show its key values.
    public var firstRecordOfClass: [Int32]
    /// Whether any record has a missing key value.
    public var hasMissingKeys: Bool
    /// Whether `Fk` comes from a weight column.
    public var isWeighted: Bool

    /// Computes the classes and frequencies.
    /// - Parameters:
    ///   - keys: key column names; at least one.
    ///   - weight: optional sampling-weight column (numbers, or text holding numbers), non-negative and never empty.
    ///   - missingMatchesAny: sdcMicro's rule (a missing key value matches any category); when `false`, a
    ///     missing value is one more category and `fk` is the class size.
    /// - Throws: ``DisclosureError/noKeys``, ``DisclosureError/unknownKey(_:available:)``,
    ///   ``DisclosureError/unknownColumn(_:available:)``, ``DisclosureError/invalidWeight(row:column:)``.
    public init(table: Table, keys: [String], weight: String? = nil, missingMatchesAny: Bool = true) throws(DisclosureError) {
        try self.init(table: table, keys: keys, weight: weight, missingMatchesAny: missingMatchesAny, perRecord: true)
    }

    /// As the public initializer; without `perRecord`, `fk` and `Fk` are left empty (callers that only need
    /// the per-class figures save two record-length arrays).
    init(table: Table, keys: [String], weight: String?, missingMatchesAny: Bool, perRecord: Bool) throws(DisclosureError) {
        guard !keys.isEmpty else { throw .noKeys }
        var columns: [Column] = []
        for name in keys {
            guard let c = table[name] else { throw .unknownKey(name, available: table.columnNames) }
            columns.append(c)
        }
        let weights: [Double]? = if let weight { try WeightColumn.values(table: table, column: weight) } else { nil }
        let codes = columns.map(KeyCodes.init(column:))
        self.keys = keys
        isWeighted = weights != nil
        let grouping = ClassGrouping(codes: codes, rowCount: table.rowCount)
        classOfRecord = grouping.classOfRecord
        classCount = grouping.classCount
        classSizes = grouping.classSizes
        firstRecordOfClass = grouping.firstRecordOfClass
        hasMissingKeys = grouping.hasMissing

        var classWeight: [Double]
        if let weights {
            classWeight = [Double](repeating: 0, count: classCount)
            for i in 0..<table.rowCount { classWeight[Int(classOfRecord[i])] += weights[i] }
        } else {
            classWeight = classSizes.map(Double.init)
        }
        if hasMissingKeys && missingMatchesAny {
            (fkOfClass, FkOfClass) = grouping.wildcardFrequencies(classWeight: classWeight)
        } else {
            fkOfClass = classSizes
            FkOfClass = classWeight
        }
        let records = perRecord ? table.rowCount : 0
        var fk = [Int32](repeating: 0, count: records)
        var bigF = [Double](repeating: 0, count: records)
        let fc = fkOfClass
        let Fc = FkOfClass
        let cls = classOfRecord
        for i in 0..<records {
            let c = Int(cls[i])
            fk[i] = fc[c]
            bigF[i] = Fc[c]
        }
        self.fk = fk
        self.Fk = bigF
    }
}
