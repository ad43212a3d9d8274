import PIMTable

extension Column {
    /// Whether the column has a different value in nearly every row that has one (at least 90 % of its
    /// non-null cells, and at least 10 of them): a column like that singles out records, whatever its name
    /// says. Text and integer columns, and decimal columns with `decimals` (a schema proposal leaves
    /// measurements alone; a release must not keep exact coordinates or incomes that tell records apart).
    ///
    /// Cheap when it cannot be so: a text column's dictionary, or an integer column's range, too small for it
    /// answers without counting.
    func isNearlyUniquePerRecord(decimals: Bool) -> Bool {
        if decimals, case .decimal = data {
            let nonNull = count - nullCount
            return nonNull >= 10 && (distinctValueCount ?? 0) >= (nonNull * 9 + 9) / 10
        }
        return isNearlyUniquePerRecord
    }

    var isNearlyUniquePerRecord: Bool {
        let nonNull = count - nullCount
        guard nonNull >= 10 else { return false }
        let needed = (nonNull * 9 + 9) / 10
        switch data {
        case .text(_, let dictionary):
            guard dictionary.count >= needed else { return false }
            return (distinctValueCount ?? 0) >= needed
        case .integer(let values, let nulls):
            var lo = Int64.max
            var hi = Int64.min
            for (r, v) in values.enumerated() where !nulls.isNull(r) {
                lo = min(lo, v)
                hi = max(hi, v)
            }
            // (More distinct values than the range holds cannot be.)
            guard hi.subtractingReportingOverflow(lo).overflow || hi - lo + 1 >= Int64(needed) else { return false }
            return (distinctValueCount ?? 0) >= needed
        case .decimal, .date, .boolean: return false
        }
    }

    /// The number of distinct non-null values (text, integer and decimal columns; others: nil).
    var distinctValueCount: Int? {
        switch data {
        case .text(let codes, let dictionary):
            var used = [Bool](repeating: false, count: dictionary.count)
            var distinct = 0
            for c in codes where c >= 0 && !used[Int(c)] {
                used[Int(c)] = true
                distinct += 1
            }
            return distinct
        case .integer(let values, let nulls):
            var seen = Set<Int64>()
            for (r, v) in values.enumerated() where !nulls.isNull(r) { seen.insert(v) }
            return seen.count
        case .decimal(let values, let nulls):
            var seen = Set<Double>()
            for (r, v) in values.enumerated() where !nulls.isNull(r) { seen.insert(v) }
            return seen.count
        case .date, .boolean: return nil
        }
    }
}
