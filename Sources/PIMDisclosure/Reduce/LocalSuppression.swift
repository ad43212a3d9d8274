import PIMTable

/// How many values of one key variable local suppression set to missing.
public struct KeySuppression: Sendable, Hashable, Codable {
    public var key: String
    public var count: Int

    public init(key: String, count: Int) {
        self.key = key
        self.count = count
    }
}

/// The outcome of ``LocalSuppression/apply(to:keys:k:importance:)``.
public struct LocalSuppressionResult: Sendable {
    /// The table with suppressed key values set to null.
    public var table: Table
    /// Values suppressed per key variable, in the order of the keys (every key is listed, 0 when untouched).
    public var suppressedPerVariable: [KeySuppression]
    /// Records that had fewer than k matches before suppression.
    public var recordsAtRisk: Int

    /// Total values suppressed.
    public var totalSuppressed: Int { suppressedPerVariable.reduce(0) { $0 + $1.count } }
}

/// Local suppression to reach k-anonymity: key values of rare records are set to missing.
///
/// A missing key value matches every category (sdcMicro's convention), so a record with a suppressed
/// value joins each class it could belong to. The result is k-anonymous as measured by
/// ``KeyFrequencies`` with `missingMatchesAny: true`: every record has at least k matching records
/// (itself included). This is checked with ``KeyFrequencies`` before returning; should that check find a
/// record below k, more values are suppressed until it passes.
///
/// The algorithm is greedy, in the spirit of sdcMicro's `localSuppression`/`kAnon` but not the same:
/// records below k are visited in row order; for each, the least important key whose suppression alone
/// would give the record k matches is suppressed; if no single key suffices, the least important
/// remaining key is suppressed and the record is looked at again. Suppression almost always only adds
/// matches, so a record once safe stays safe; the exception (sdcMicro's rule that complete records do not
/// count records missing every key) is handled by recomputing all frequencies after the pass and
/// repeating it for any record that fell below k. Each round suppresses at least one more value, so it ends.
///
/// Privacy effect: suppression reveals which values were suppressed (they are null) but not what they were.
public enum LocalSuppression {
    /// Suppresses key values until every record has at least `k` matches.
    /// - Parameters:
    ///   - keys: the key variables (quasi-identifiers); any column type.
    ///   - k: at least 2.
    ///   - importance: key names, most important first. The least important key is suppressed first. Keys
    ///     not listed are less important than listed ones, and among themselves later keys are less important.
    ///     Empty (the default) means the order of `keys`.
    /// - Throws: ``ReductionError/disclosure(_:)`` for no keys, unknown keys, k below 2 or an empty table;
    ///   ``ReductionError/cannotReachK(k:rows:)`` when the table has fewer than k rows.
    public static func apply(
        to table: Table, keys: [String], k: Int, importance: [String] = []
    ) throws(ReductionError) -> LocalSuppressionResult {
        guard !keys.isEmpty else { throw .disclosure(.noKeys) }
        guard k >= 2 else { throw .disclosure(.kBelowTwo(k)) }
        var columns: [Column] = []
        for key in keys {
            guard let c = table[key] else { throw .disclosure(.unknownKey(key, available: table.columnNames)) }
            guard !columns.contains(where: { $0.name == key }) else { throw .repeatedColumn(key) }
            columns.append(c)
        }
        guard keys.count <= 16 else { throw .tooManyKeyCombinations(keys: keys.count) }
        guard table.rowCount > 0 else { throw .disclosure(.emptyTable) }
        guard table.rowCount >= k else { throw .cannotReachK(k: k, rows: table.rowCount) }
        let order = try suppressionOrder(keys: keys, importance: importance, available: table.columnNames)

        let encoded = columns.map(KeyEncoding.init(column:))
        var engine = try SuppressionEngine(codes: encoded.map(\.codes), cardinality: encoded.map(\.cardinality))
        var counts = [Int](repeating: 0, count: keys.count)
        var atRisk: [Int] = []
        for i in 0..<table.rowCount where engine.frequency(of: i) < k { atRisk.append(i) }
        var pending = atRisk
        // Usually one pass; another when blanking a record's last key lowered a complete record's fk.
        while !pending.isEmpty {
            for i in pending { protect(i, k: k, order: order, engine: &engine, counts: &counts) }
            pending = (0..<table.rowCount).filter { engine.frequency(of: $0) < k }
        }

        // Verify with the risk module's measure; suppress further if it disagrees (it should not).
        var out = write(engine, into: table, columns: columns)
        for _ in 0...keys.count {
            let frequencies: KeyFrequencies
            do {
                frequencies = try KeyFrequencies(table: out, keys: keys, weight: nil, missingMatchesAny: true)
            } catch {
                throw .disclosure(error)
            }
            let failing = frequencies.fk.indices.filter { Double(frequencies.fk[$0]) < Double(k) }
            if failing.isEmpty {
                return LocalSuppressionResult(
                    table: out, suppressedPerVariable: keys.indices.map { KeySuppression(key: keys[$0], count: counts[$0]) },
                    recordsAtRisk: atRisk.count)
            }
            for i in failing {
                guard let d = order.first(where: { !engine.isMissing(i, $0) }) else { continue }
                engine.suppress(i, key: d)
                counts[d] += 1
            }
            out = write(engine, into: table, columns: columns)
        }
        throw .cannotReachK(k: k, rows: table.rowCount)
    }

    /// Suppresses values of record `i` until it has `k` matches.
    private static func protect(
        _ i: Int, k: Int, order: [Int], engine: inout SuppressionEngine, counts: inout [Int]
    ) {
        while engine.frequency(of: i) < k {
            let candidates = order.filter { !engine.isMissing(i, $0) }
            guard let fallback = candidates.first else { return }  // all missing: matches every row
            let d = candidates.first { engine.frequency(of: i, extra: 1 << UInt32($0)) >= k } ?? fallback
            engine.suppress(i, key: d)
            counts[d] += 1
        }
    }

    /// Key indices, least important first.
    static func suppressionOrder(
        keys: [String], importance: [String], available: [String]
    ) throws(ReductionError) -> [Int] {
        var mostImportantFirst: [Int] = []
        for name in importance {
            guard let i = keys.firstIndex(of: name) else { throw .disclosure(.unknownKey(name, available: keys)) }
            guard !mostImportantFirst.contains(i) else { throw .repeatedColumn(name) }
            mostImportantFirst.append(i)
        }
        for i in keys.indices where !mostImportantFirst.contains(i) { mostImportantFirst.append(i) }
        return mostImportantFirst.reversed()
    }

    /// `table` with the key columns' values nulled where `codes` is -1 and the original was not null.
    private static func write(_ engine: SuppressionEngine, into table: Table, columns: [Column]) -> Table {
        var out = table
        for (d, column) in columns.enumerated() { out = out.replacing(Self.column(column, codes: engine.column(d))) }
        return out
    }

    /// `column` with its values nulled where `codes` is -1 (its other values kept as they are).
    static func column(_ column: Column, codes: [Int32]) -> Column {
        let data: ColumnData
        switch column.data {
        case .text(_, let dictionary): data = .text(codes: codes, dictionary: dictionary)
        case .integer(let v, let nulls): data = .integer(values: v, nulls: nulls.adding(codes))
        case .decimal(let v, let nulls): data = .decimal(values: v, nulls: nulls.adding(codes))
        case .date(let v, let nulls): data = .date(days: v, nulls: nulls.adding(codes))
        case .boolean(let v, let nulls): data = .boolean(values: v, nulls: nulls.adding(codes))
        }
        return Column(name: column.name, tag: column.tag, data: data)
    }
}

extension NullMask {
    /// This mask with the rows whose code is negative also marked null.
    func adding(_ codes: [Int32]) -> NullMask {
        var out = self
        for i in codes.indices where codes[i] < 0 { out.setNull(i) }
        return out
    }
}

/// Dense integer codes of one key column (-1 = missing), for local suppression.
struct KeyEncoding {
    var codes: [Int32]
    var cardinality: Int

    init(column: Column) {
        switch column.data {
        case .text(let c, let dictionary):
            codes = c
            cardinality = dictionary.count
        case .integer(let v, let nulls): (codes, cardinality) = Self.number(v, nulls)
        case .date(let v, let nulls): (codes, cardinality) = Self.number(v, nulls)
        case .decimal(let v, let nulls): (codes, cardinality) = Self.number(v.map { $0 == 0 ? 0 : $0 }, nulls)
        case .boolean(let v, let nulls): (codes, cardinality) = Self.number(v, nulls)
        }
    }

    /// Numbers distinct values in order of first appearance.
    private static func number<T: Hashable>(_ values: [T], _ nulls: NullMask) -> ([Int32], Int) {
        var index: [T: Int32] = [:]
        var out = [Int32](repeating: -1, count: values.count)
        for i in values.indices where !nulls.isNull(i) {
            if let c = index[values[i]] {
                out[i] = c
            } else {
                let c = Int32(index.count)
                index[values[i]] = c
                out[i] = c
            }
        }
        return (out, index.count)
    }
}
