import PIMTable

/// Small dense integer codes for one key column: `codes[row]` is in `0..<cardinality`, or `-1` when missing.
///
/// Text columns are already dictionary-encoded and are used as they are. Integers and dates with a small
/// range are offset by their minimum; other values are numbered in order of first appearance.
struct KeyCodes {
    var codes: [Int32]
    var cardinality: Int

    init(column: Column) {
        switch column.data {
        case .text(let codes, let dictionary):
            self.codes = codes
            cardinality = dictionary.count
        case .integer(let values, let nulls):
            (codes, cardinality) = Self.encode(values, nulls: nulls)
        case .date(let days, let nulls):
            (codes, cardinality) = Self.encode(days.map(Int64.init), nulls: nulls)
        case .boolean(let values, let nulls):
            var out = [Int32](repeating: 0, count: values.count)
            for i in values.indices { out[i] = nulls.isNull(i) ? -1 : (values[i] ? 1 : 0) }
            codes = out
            cardinality = 2
        case .decimal(let values, let nulls):
            var out = [Int32](repeating: -1, count: values.count)
            var seen: [UInt64: Int32] = [:]
            for i in values.indices where !nulls.isNull(i) && !values[i].isNaN {
                let v = values[i] == 0 ? 0 : values[i]  // -0 and 0 are one category
                let next = Int32(seen.count)
                out[i] = seen[v.bitPattern, default: next]
                if out[i] == next { seen[v.bitPattern] = next }
            }
            codes = out
            cardinality = seen.count
        }
    }

    /// Offsets by the minimum when the range is small, otherwise numbers values by first appearance.
    private static func encode(_ values: [Int64], nulls: NullMask) -> ([Int32], Int) {
        var lo = Int64.max
        var hi = Int64.min
        for i in values.indices where !nulls.isNull(i) {
            lo = min(lo, values[i])
            hi = max(hi, values[i])
        }
        guard lo <= hi else { return ([Int32](repeating: -1, count: values.count), 0) }
        let range = UInt64(bitPattern: hi &- lo)
        var out = [Int32](repeating: -1, count: values.count)
        if range < UInt64(max(1 << 16, 2 * values.count)) {
            for i in values.indices where !nulls.isNull(i) { out[i] = Int32(truncatingIfNeeded: values[i] &- lo) }
            return (out, Int(range) + 1)
        }
        var seen: [Int64: Int32] = [:]
        for i in values.indices where !nulls.isNull(i) {
            let next = Int32(seen.count)
            out[i] = seen[values[i], default: next]
            if out[i] == next { seen[values[i]] = next }
        }
        return (out, seen.count)
    }
}

extension Column {
    /// The cell at `row` as display text for reports (empty for null).
    func riskReportText(_ row: Int) -> String {
        switch self[row] {
        case .null: ""
        case .integer(let v): String(v)
        case .decimal(let v): String(v)
        case .date(let d): Self.riskReportISODate(days: Int(d))
        case .boolean(let b): b ? "true" : "false"
        case .text(let s): s
        }
    }

    /// `YYYY-MM-DD` for days since 1970-01-01.
    static func riskReportISODate(days: Int) -> String { ValueFormatting.date(Int32(truncatingIfNeeded: days)) }
}
