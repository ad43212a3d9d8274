import PIMTable

extension XLSXReadResult {
    /// The XLSX result in the shape the CSV reader gives, with per-column profiles from the typed cells.
    func asReadResult(fileName: String) -> ReadResult {
        var report = ReadReport(fileName: fileName, encoding: .utf8, headerRows: [headerRow],
                                firstDataRow: headerRow + (table.columns.contains { $0.tag != nil } ? 2 : 1),
                                warnings: [], profiles: table.columns.map(Profiling.profile))
        report.hxlRow = table.columns.contains { $0.tag != nil } ? headerRow + 1 : nil
        return ReadResult(table: table, report: report)
    }
}

enum Profiling {
    /// Counts, nulls, distinct values and range of a typed column (no example values: safe to print).
    static func profile(_ c: Column) -> ColumnProfile {
        let nonNull = c.count - c.nullCount
        var distinct = 0
        var lo: Value?
        var hi: Value?
        switch c.data {
        case .text(let codes, let dict):
            var seen = [Bool](repeating: false, count: dict.count)
            for code in codes where code >= 0 && !seen[Int(code)] { seen[Int(code)] = true; distinct += 1 }
        case .integer(let v, let n):
            var s = Set<Int64>()
            for i in v.indices where !n.isNull(i) { s.insert(v[i]) }
            distinct = s.count
            if let a = s.min(), let b = s.max() { lo = .integer(a); hi = .integer(b) }
        case .decimal(let v, let n):
            var s = Set<Double>()
            for i in v.indices where !n.isNull(i) { s.insert(v[i]) }
            distinct = s.count
            if let a = s.min(), let b = s.max() { lo = .decimal(a); hi = .decimal(b) }
        case .date(let v, let n):
            var s = Set<Int32>()
            for i in v.indices where !n.isNull(i) { s.insert(v[i]) }
            distinct = s.count
            if let a = s.min(), let b = s.max() { lo = .date(a); hi = .date(b) }
        case .boolean(let v, let n):
            var s = Set<Bool>()
            for i in v.indices where !n.isNull(i) { s.insert(v[i]) }
            distinct = s.count
        }
        return ColumnProfile(name: c.name, tag: c.tag, inferredType: c.type, evidence: nonNull > 0 ? [c.type: nonNull] : [:],
                             nullCount: c.nullCount, distinctCount: distinct, minimum: lo, maximum: hi)
    }
}
