import PIMTable

/// Applies ``Recode`` steps (global recoding) to a table.
public enum Recoding {
    /// Applies one recoding step and reports what it changed.
    ///
    ///     let r = try Recoding.apply(.ageBands(column: "age"), to: table)   // 34 → "18-59"
    ///
    /// - Returns: the recoded table (the column keeps its name and tag; recoded columns become text,
    ///   except top/bottom coding which keeps the numeric type) and the loss on that column.
    /// - Throws: ``ReductionError`` for an unknown column, a column of the wrong type, unreadable values,
    ///   invalid bands or bounds, or unmapped locations when the fallback is `.fail`.
    public static func apply(
        _ recode: Recode, to table: Table
    ) throws(ReductionError) -> (table: Table, loss: InformationLoss.Variable) {
        let column = try table.reductionColumn(recode.column)
        // The categories before (for the loss report) are counted on a second thread on large columns.
        let before: Int
        let result: (data: ColumnData, changed: Int, suppressed: Int)
        if column.count >= 1 << 16 {
            let outcome = ParallelSlots<Result<(ColumnData, Int, Int), ReductionError>>(count: 1)
            let distinct = ParallelSlots<Int>(count: 1)
            ParallelWork.run(2) { k in
                if k == 1 {
                    distinct.set(0, column.distinctCount)
                } else {
                    outcome.set(0, Result { () throws(ReductionError) in try recoded(column, recode) })
                }
            }
            result = try (outcome.values[0] ?? Result { () throws(ReductionError) in try recoded(column, recode) }).get()
            before = distinct.values[0] ?? column.distinctCount
        } else {
            before = column.distinctCount
            result = try recoded(column, recode)
        }
        let out = Column(name: column.name, tag: column.tag, data: result.data)
        let after = out.distinctCount
        // Categories merged: the distinct values the recoding made into fewer (96 ages into 5 bands: 91).
        let loss = InformationLoss.Variable(
            name: column.name, changed: result.changed, suppressed: result.suppressed, categoriesBefore: before,
            categoriesAfter: after, categoriesMerged: max(0, before - after), suppressedByRecoding: result.suppressed,
            rows: table.rowCount)
        return (table.replacing(out), loss)
    }

    private static func recoded(_ column: Column, _ recode: Recode) throws(ReductionError) -> (ColumnData, Int, Int) {
        switch recode {
        case .ageBands(_, let bands): try ageBands(column, bands: bands.validated())
        case .location(_, let hierarchy): try location(column, hierarchy: hierarchy)
        case .datePeriod(_, let period): try datePeriod(column, period: period)
        case .topBottomCode(_, let bottom, let top): try topBottom(column, bottom: bottom, top: top)
        case .mergeRare(_, let minCount, let other): try mergeRare(column, minCount: minCount, other: other)
        }
    }

    // MARK: - Ages

    private static func ageBands(
        _ column: Column, bands: AgeBands
    ) throws(ReductionError) -> (ColumnData, Int, Int) {
        let labels = bands.bands.map(\.label)
        func bandIndex(_ age: Int64) -> Int32 {
            for (i, b) in bands.bands.enumerated() where age >= Int64(b.lower) && (b.upper.map { age <= Int64($0) } ?? true) {
                return Int32(i)
            }
            return -1
        }
        var codes: [Int32]
        switch column.data {
        case .integer(let values, let nulls):
            codes = [Int32](repeating: -1, count: values.count)
            // Ages span a small range: look bands up in a table built once over that range.
            let lo = values.min() ?? 0
            let hi = values.max() ?? 0
            if hi &- lo >= 0 && hi &- lo < 100_000 {
                let lookup = (lo...hi).map(bandIndex)
                codes.withUnsafeMutableBufferPointer { out in
                    values.withUnsafeBufferPointer { v in
                        lookup.withUnsafeBufferPointer { table in
                            for i in 0..<v.count where !nulls.isNull(i) { out[i] = table[Int(v[i] &- lo)] }
                        }
                    }
                }
            } else {
                for i in values.indices where !nulls.isNull(i) { codes[i] = bandIndex(values[i]) }
            }
        case .decimal(let values, let nulls):
            codes = [Int32](repeating: -1, count: values.count)
            for i in values.indices where !nulls.isNull(i) && values[i].isFinite {
                codes[i] = floorInteger(values[i]).map(bandIndex) ?? -1
            }
        case .text(let textCodes, let dictionary):
            var map = [Int32](repeating: -1, count: dictionary.count)
            for (j, s) in dictionary.enumerated() {
                let t = s.trimmingSpaces
                if t.isEmpty { continue }
                if let v = Int64(t) {
                    map[j] = bandIndex(v)
                } else if let d = Double(t), let v = floorInteger(d) {
                    map[j] = bandIndex(v)
                } else if let row = textCodes.firstIndex(of: Int32(j)) {
                    throw .unreadableValue(row: row, column: column.name, expected: .integer)
                }
            }
            codes = textCodes.map { $0 >= 0 ? map[Int($0)] : -1 }
        default:
            throw .unsupportedColumnType(column: column.name, found: column.type, expected: [.integer, .decimal, .text])
        }
        let nonNull = column.count - column.nullCount
        let mapped = codes.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        // Distinct labels need no remapping (the default bands' are).
        if Set(labels).count == labels.count { return (.text(codes: codes, dictionary: labels), mapped, nonNull - mapped) }
        return (Pseudonymization.remap(codes: codes, dictionary: labels), mapped, nonNull - mapped)
    }

    // MARK: - Locations

    private static func location(
        _ column: Column, hierarchy: LocationHierarchy
    ) throws(ReductionError) -> (ColumnData, Int, Int) {
        guard case .text(let codes, let dictionary) = column.data else {
            throw .unsupportedColumnType(column: column.name, found: column.type, expected: [.text])
        }
        if case .prefix(let n) = hierarchy.fallback, n < 1 { throw .parameterNotPositive(name: "prefix length", value: n) }
        let used = column.usedCodes
        var parents = [String?](repeating: nil, count: dictionary.count)
        var unmapped = 0
        for (j, s) in dictionary.enumerated() {
            if let p = hierarchy.parents[s] {
                parents[j] = p
                continue
            }
            switch hierarchy.fallback {
            case .prefix(let n): parents[j] = String(s.prefix(n))
            case .null: parents[j] = nil
            case .keep: parents[j] = s
            case .fail: if used[j] { unmapped += 1 }
            }
        }
        if unmapped > 0 { throw .unmappedLocations(column: column.name, codes: unmapped) }
        var map = [Int32](repeating: -1, count: dictionary.count)
        var newDictionary: [String] = []
        var index: [String: Int32] = [:]
        for j in dictionary.indices where used[j] {
            guard let p = parents[j] else { continue }
            if let c = index[p] {
                map[j] = c
            } else {
                map[j] = Int32(newDictionary.count)
                index[p] = map[j]
                newDictionary.append(p)
            }
        }
        var changed = 0
        var suppressed = 0
        var out = [Int32](repeating: -1, count: codes.count)
        for i in codes.indices where codes[i] >= 0 {
            let j = Int(codes[i])
            out[i] = map[j]
            if map[j] < 0 { suppressed += 1 } else if parents[j] != dictionary[j] { changed += 1 }
        }
        return (.text(codes: out, dictionary: newDictionary), changed, suppressed)
    }

    // MARK: - Dates

    private static func datePeriod(
        _ column: Column, period: DatePeriod
    ) throws(ReductionError) -> (ColumnData, Int, Int) {
        var days: [Int32]
        var nulls: NullMask
        switch column.data {
        case .date(let d, let n):
            days = d
            nulls = n
        case .text(let codes, let dictionary):
            var parsed = [Int32?](repeating: nil, count: dictionary.count)
            for (j, s) in dictionary.enumerated() {
                let t = s.trimmingSpaces
                if t.isEmpty { continue }
                guard let v = PeriodCalendar.parse(t) else {
                    let row = codes.firstIndex(of: Int32(j)) ?? 0
                    if codes.contains(Int32(j)) { throw .unreadableValue(row: row, column: column.name, expected: .date) }
                    continue
                }
                parsed[j] = v
            }
            days = codes.map { $0 >= 0 ? (parsed[Int($0)] ?? 0) : 0 }
            nulls = NullMask()
            for (i, c) in codes.enumerated() where c < 0 || parsed[Int(c)] == nil { nulls.setNull(i) }
        default:
            throw .unsupportedColumnType(column: column.name, found: column.type, expected: [.date, .text])
        }
        // Dates span a small range: label each day of the range once.
        var lo = Int32.max
        var hi = Int32.min
        days.withUnsafeBufferPointer { d in
            for i in 0..<d.count where !nulls.isNull(i) {
                lo = min(lo, d[i])
                hi = max(hi, d[i])
            }
        }
        var codes = [Int32](repeating: -1, count: days.count)
        var dictionary: [String] = []
        var index: [String: Int32] = [:]
        func code(_ d: Int32) -> Int32 {
            let label = period.label(days: d)
            if let c = index[label] { return c }
            let c = Int32(dictionary.count)
            index[label] = c
            dictionary.append(label)
            return c
        }
        var changed = 0
        if lo <= hi && Int(hi) - Int(lo) < 1_000_000 {
            // Each day of the range labelled once, then one lookup per row.
            var lookup = [Int32](repeating: -2, count: Int(hi) - Int(lo) + 1)
            for i in days.indices where !nulls.isNull(i) {
                let k = Int(days[i] &- lo)
                if lookup[k] == -2 { lookup[k] = code(days[i]) }
            }
            codes.withUnsafeMutableBufferPointer { out in
                days.withUnsafeBufferPointer { d in
                    lookup.withUnsafeBufferPointer { table in
                        for i in 0..<d.count where !nulls.isNull(i) {
                            out[i] = table[Int(d[i] &- lo)]
                            changed &+= 1
                        }
                    }
                }
            }
        } else {
            for i in days.indices where !nulls.isNull(i) {
                codes[i] = code(days[i])
                changed += 1
            }
        }
        return (.text(codes: codes, dictionary: dictionary), changed, 0)
    }

    // MARK: - Top and bottom coding

    private static func topBottom(
        _ column: Column, bottom: Double?, top: Double?
    ) throws(ReductionError) -> (ColumnData, Int, Int) {
        if let b = bottom, let t = top, b > t { throw .invalidBounds(column: column.name) }
        var changed = 0
        switch column.data {
        case .integer(var values, let nulls):
            // Bounds rounded inwards, so replaced values stay within them.
            let lo = bottom.map { b in floorInteger(-b).map { -$0 } ?? (b < 0 ? Int64.min : Int64.max) }
            let hi = top.map { t in floorInteger(t) ?? (t < 0 ? Int64.min : Int64.max) }
            for i in values.indices where !nulls.isNull(i) {
                if let hi, values[i] > hi {
                    values[i] = hi
                    changed += 1
                } else if let lo, values[i] < lo {
                    values[i] = lo
                    changed += 1
                }
            }
            return (.integer(values: values, nulls: nulls), changed, 0)
        case .decimal(var values, let nulls):
            for i in values.indices where !nulls.isNull(i) {
                if let top, values[i] > top {
                    values[i] = top
                    changed += 1
                } else if let bottom, values[i] < bottom {
                    values[i] = bottom
                    changed += 1
                }
            }
            return (.decimal(values: values, nulls: nulls), changed, 0)
        default:
            throw .unsupportedColumnType(column: column.name, found: column.type, expected: [.integer, .decimal])
        }
    }

    // MARK: - Rare categories

    private static func mergeRare(
        _ column: Column, minCount: Int, other: String
    ) throws(ReductionError) -> (ColumnData, Int, Int) {
        guard minCount >= 1 else { throw .parameterNotPositive(name: "minimum category count", value: minCount) }
        guard case .text(let codes, let dictionary) = column.data else {
            throw .unsupportedColumnType(column: column.name, found: column.type, expected: [.text])
        }
        var counts = [Int](repeating: 0, count: dictionary.count)
        for c in codes where c >= 0 { counts[Int(c)] += 1 }
        let rare = dictionary.indices.map { counts[$0] > 0 && counts[$0] < minCount && dictionary[$0] != other }
        let merged = rare.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard merged > 0 else { return (column.data, 0, 0) }
        let labels = dictionary.indices.map { rare[$0] ? other : dictionary[$0] }
        let changed = codes.reduce(0) { $0 + ($1 >= 0 && rare[Int($1)] ? 1 : 0) }
        return (Pseudonymization.remap(codes: codes, dictionary: labels), changed, 0)
    }
}

extension Column {
    /// Number of distinct non-null values.
    var distinctCount: Int {
        switch data {
        case .text(let codes, let dictionary):
            var seen = [Bool](repeating: false, count: dictionary.count)
            var n = 0
            seen.withUnsafeMutableBufferPointer { s in
                codes.withUnsafeBufferPointer { c in
                    for x in c where x >= 0 && !s[Int(x)] {
                        s[Int(x)] = true
                        n &+= 1
                    }
                }
            }
            return n
        case .integer(let v, let nulls): return Self.distinctIntegers(v, nulls)
        case .decimal(let v, let nulls): return Set(v.indices.lazy.filter { !nulls.isNull($0) }.map { v[$0] }).count
        case .date(let v, let nulls): return Self.distinctIntegers(v, nulls)
        case .boolean(let v, let nulls): return Set(v.indices.lazy.filter { !nulls.isNull($0) }.map { v[$0] }).count
        }
    }

    /// Distinct non-null values of an integer or date column: ages and day numbers span a small range,
    /// so a table over that range counts them without hashing; wide ranges fall back to a set.
    private static func distinctIntegers<T: FixedWidthInteger & Hashable>(_ v: [T], _ nulls: NullMask) -> Int {
        var lo = T.max
        var hi = T.min
        var any = false
        v.withUnsafeBufferPointer { b in
            for i in 0..<b.count where !nulls.isNull(i) {
                any = true
                lo = Swift.min(lo, b[i])
                hi = Swift.max(hi, b[i])
            }
        }
        guard any else { return 0 }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        guard !overflow, span >= 0, span < 1 << 22 else {
            return Set(v.indices.lazy.filter { !nulls.isNull($0) }.map { v[$0] }).count
        }
        var seen = [Bool](repeating: false, count: Int(span) + 1)
        var n = 0
        seen.withUnsafeMutableBufferPointer { s in
            v.withUnsafeBufferPointer { b in
                for i in 0..<b.count where !nulls.isNull(i) {
                    let k = Int(b[i] &- lo)
                    if !s[k] {
                        s[k] = true
                        n &+= 1
                    }
                }
            }
        }
        return n
    }

    /// For text columns, which dictionary entries some row uses.
    var usedCodes: [Bool] {
        guard case .text(let codes, let dictionary) = data else { return [] }
        var used = [Bool](repeating: false, count: dictionary.count)
        used.withUnsafeMutableBufferPointer { u in
            codes.withUnsafeBufferPointer { c in
                for x in c where x >= 0 { u[Int(x)] = true }
            }
        }
        return used
    }
}

/// The largest integer not above `x`, or nil when `x` is not finite or out of Int64's range.
/// (Written out so that the module needs no libm.)
func floorInteger(_ x: Double) -> Int64? {
    guard x.isFinite, x > -9.2e18, x < 9.2e18 else { return nil }
    let t = Int64(x)  // truncates towards zero
    return Double(t) > x ? t - 1 : t
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let u = utf8
        guard let first = u.firstIndex(where: { $0 != 32 && $0 != 9 }) else { return "" }
        guard let last = u.lastIndex(where: { $0 != 32 && $0 != 9 }) else { return "" }
        return String(self[first...last])
    }
}
