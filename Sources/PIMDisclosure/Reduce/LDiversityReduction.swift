import PIMTable

/// Distinct l-diversity asked of an anonymisation, on top of its k (see ``Anonymizer/apply(_:to:lDiversity:)``).
public struct LDiversityRequirement: Sendable, Hashable {
    /// The smallest number of distinct values of each sensitive variable every equivalence class must hold (≥ 2).
    public var l: Int
    /// The sensitive variables.
    public var sensitive: [String]
    /// Whether k is measured with sdcMicro's rule that a missing key value matches any category.
    public var missingMatchesAny: Bool

    public init(l: Int, sensitive: [String], missingMatchesAny: Bool = true) {
        self.l = l
        self.sensitive = sensitive
        self.missingMatchesAny = missingMatchesAny
    }
}

/// Reaches distinct l-diversity on a table that is already k-anonymous, losing as little as it can.
///
/// Distinct l is measured as `pim risk` measures it (``RiskAnalysis/rowsInClassesBelow(distinctL:sensitive:keys:missingMatchesAny:in:)``):
/// per class of identical key values, a missing sensitive value counting as one more value when the class has
/// others. A class below l is first generalised, not removed: each round suppresses, in every record of the
/// failing classes, the least important key still present (the same key for every member of a class, so the
/// class stays together and joins the records that already miss that key), then local suppression restores k.
/// Only when the failing records already miss every key (the class of fully suppressed records still lacks l
/// values) are they removed. Every round suppresses a value or removes a record, so it ends.
enum LDiversityReduction {
    struct Result {
        var table: Table
        /// For every row of ``table``, its row in the input.
        var origin: [Int]
        var recordsRemoved: Int
        var classesRemoved: Int
    }

    /// - Parameters:
    ///   - table: k-anonymous on `keys`.
    ///   - order: key indices, least important first (``LocalSuppression/suppressionOrder(keys:importance:available:)``).
    /// - Throws: ``ReductionError/lUnreachable(l:sensitive:distinct:)`` when a sensitive variable has fewer than
    ///   l distinct values in the whole table (no grouping can reach l), ``ReductionError/lLeavesTooFewRecords(l:k:removed:left:)``
    ///   when the records left after removals cannot be k-anonymous.
    static func apply(
        to table: Table, keys: [String], k: Int, importance: [String], order: [Int], requirement: LDiversityRequirement
    ) throws(ReductionError) -> Result {
        let l = requirement.l
        for name in requirement.sensitive {
            let column = try table.reductionColumn(name)
            let distinct = column.distinctCount + (column.nullCount > 0 && column.nullCount < column.count ? 1 : 0)
            if distinct < l { throw .lUnreachable(l: l, sensitive: name, distinct: distinct) }
        }
        var current = table
        var origin = Array(0..<table.rowCount)
        var removed = 0
        var removedClasses = 0
        while true {
            let failing: [Int]
            do {
                failing = try RiskAnalysis.rowsInClassesBelow(
                    distinctL: l, sensitive: requirement.sensitive, keys: keys,
                    missingMatchesAny: requirement.missingMatchesAny, in: current)
            } catch {
                throw .disclosure(error)
            }
            if failing.isEmpty { return Result(table: current, origin: origin, recordsRemoved: removed, classesRemoved: removedClasses) }
            var rowsOfKey = [[Int]](repeating: [], count: keys.count)
            var stuck: [Int] = []
            for i in failing {
                if let d = order.first(where: { current[keys[$0]]?.isNull(i) == false }) {
                    rowsOfKey[d].append(i)
                } else {
                    stuck.append(i)
                }
            }
            if stuck.count == failing.count {
                // Every failing record misses every key: they are one class, which no suppression can enlarge.
                removed += stuck.count
                removedClasses += 1
                let gone = Set(stuck)
                let kept = (0..<current.rowCount).filter { !gone.contains($0) }
                current = current.selectingRows(kept)
                origin = kept.map { origin[$0] }
                if current.rowCount < k {
                    throw .lLeavesTooFewRecords(l: l, k: k, removed: removed, left: current.rowCount)
                }
            } else {
                for d in keys.indices where !rowsOfKey[d].isEmpty {
                    guard let column = current[keys[d]] else { continue }
                    current = current.replacing(column.nulling(rows: rowsOfKey[d]))
                }
                // A more general record still matches every record it matched, so k can only fall when a
                // record now misses every key (complete records do not count those, as in sdcMicro).
                let columns = keys.compactMap { current[$0] }
                let emptied = rowsOfKey.joined().contains { i in columns.allSatisfy { $0.isNull(i) } }
                if !emptied { continue }
            }
            current = try LocalSuppression.apply(to: current, keys: keys, k: k, importance: importance).table
        }
    }
}

extension Column {
    /// This column with the values of `rows` set to missing.
    func nulling(rows: [Int]) -> Column {
        let data: ColumnData
        switch self.data {
        case .text(var codes, let dictionary):
            for i in rows { codes[i] = -1 }
            data = .text(codes: codes, dictionary: dictionary)
        case .integer(let values, var nulls):
            for i in rows { nulls.setNull(i) }
            data = .integer(values: values, nulls: nulls)
        case .decimal(let values, var nulls):
            for i in rows { nulls.setNull(i) }
            data = .decimal(values: values, nulls: nulls)
        case .date(let days, var nulls):
            for i in rows { nulls.setNull(i) }
            data = .date(days: days, nulls: nulls)
        case .boolean(let values, var nulls):
            for i in rows { nulls.setNull(i) }
            data = .boolean(values: values, nulls: nulls)
        }
        return Column(name: name, tag: tag, data: data)
    }
}
