import PIMTable

/// Measures re-identification risk the way sdcMicro does (`freqCalc`, `indivRisk`, `measure_risk`,
/// `ldiversity`), fast enough for millions of records.
public struct RiskAnalysis {
    /// The report for `table` under `spec`.
    /// - Throws: ``DisclosureError`` when the table is empty or the specification names columns that do
    ///   not exist, invalid weights, missing household ids or invalid thresholds.
    public static func analyze(_ table: Table, spec: RiskSpec) throws(DisclosureError) -> RiskReport {
        try compute(table, spec: spec, perRecord: false).report
    }

    /// The report together with the per-record measures behind it, for callers that act on records
    /// (local suppression of risky records, for instance).
    public static func measure(_ table: Table, spec: RiskSpec) throws(DisclosureError) -> RiskMeasures {
        try compute(table, spec: spec, perRecord: true)
    }

    /// The analysis; per-record risk arrays are filled only when `perRecord` (the sums are the same).
    private static func compute(_ table: Table, spec: RiskSpec, perRecord: Bool) throws(DisclosureError) -> RiskMeasures {
        try validate(table, spec)
        let freq = try KeyFrequencies(
            table: table, keys: spec.keys, weight: spec.weight, missingMatchesAny: spec.missingMatchesAny, perRecord: perRecord)
        let n = table.rowCount

        // Individual risk per class, then per record.
        var riskOfClass = [Double](repeating: 0, count: freq.classCount)
        for c in 0..<freq.classCount {
            riskOfClass[c] = IndividualRisk.risk(fk: Int(freq.fkOfClass[c]), Fk: freq.FkOfClass[c], weighted: freq.isWeighted)
        }
        var risk = [Double](repeating: 0, count: perRecord ? n : 0)
        var expected = 0.0
        riskOfClass.withUnsafeBufferPointer { rc in
            freq.classOfRecord.withUnsafeBufferPointer { cls in
                if perRecord {
                    for i in 0..<n {
                        let r = rc[Int(cls[i])]
                        risk[i] = r
                        expected += r
                    }
                } else {
                    for i in 0..<n { expected += rc[Int(cls[i])] }
                }
            }
        }
        let (median, mad) = IndividualRisk.medianAndMAD(values: riskOfClass, counts: freq.classSizes)
        var high = 0
        var maxRisk = 0.0
        for c in 0..<freq.classCount {
            let r = riskOfClass[c]
            maxRisk = max(maxRisk, r)
            if r > median + IndividualRisk.highRiskMADs * mad && r > 0.1 { high += Int(freq.classSizes[c]) }
        }
        var belowSample = 0
        if freq.isWeighted {
            for c in 0..<freq.classCount where freq.FkOfClass[c] < Double(freq.fkOfClass[c]) { belowSample += Int(freq.classSizes[c]) }
        }
        let individual = IndividualRiskSummary(
            method: freq.isWeighted ? "sdcMicro indivRisk approx (Benedetti-Franconi)" : "1/fk",
            globalRisk: expected / Double(n), expectedReidentifications: expected, maximumRisk: maxRisk,
            medianRisk: median, madRisk: mad, highRiskRecords: high, highRiskRule: IndividualRisk.highRiskRule)

        var householdRisk: [Double]?
        var household: HouseholdRiskSummary?
        if let name = spec.household {
            let (members, summary) = try Self.householdRisk(
                table: table, column: name, classOfRecord: freq.classOfRecord, riskOfClass: riskOfClass, perRecord: perRecord)
            householdRisk = perRecord ? members : nil
            household = summary
        }

        let lDiversity = try spec.sensitive.map { (name) throws(DisclosureError) -> LDiversitySummary in
            guard let column = table[name] else { throw .unknownColumn(name, available: table.columnNames) }
            let l = LDiversity(
                classOfRecord: freq.classOfRecord, classSizes: freq.classSizes,
                sensitive: KeyCodes(column: column), c: spec.lDiversityC)
            var summary = Self.summarize(l, name: name, c: spec.lDiversityC, sizes: freq.classSizes, thresholds: spec.lThresholds)
            summary.failingClasses = spec.lThresholds.max().map { Self.failing(l, freq, table: table, below: $0) }
            return summary
        }

        let report = RiskReport(
            recordCount: n, keys: spec.keys, sensitive: spec.sensitive, weight: spec.weight, household: spec.household,
            hasMissingKeys: freq.hasMissingKeys, classCount: freq.classCount,
            smallestClassSize: Int(freq.classSizes.min() ?? 0), minimumFk: Int(freq.fkOfClass.min() ?? 0),
            classSizeHistogram: Self.sizeHistogram(freq.classSizes),
            kAnonymity: spec.kThresholds.map { Self.kCount(freq, k: $0, n: n) },
            combinationK: spec.kThresholds.max() ?? 2,
            riskiestCombinations: Self.riskiest(freq, table: table, k: spec.kThresholds.max() ?? 2, limit: spec.topCombinations),
            lDiversity: lDiversity, individualRisk: individual, householdRisk: household,
            recordsWithFkBelowfk: belowSample > 0 ? belowSample : nil)
        return RiskMeasures(frequencies: freq, risk: risk, householdRisk: householdRisk, report: report)
    }

    private static func validate(_ table: Table, _ spec: RiskSpec) throws(DisclosureError) {
        guard !spec.keys.isEmpty else { throw .noKeys }
        for k in spec.keys where table[k] == nil { throw .unknownKey(k, available: table.columnNames) }
        for list in [spec.keys, spec.sensitive] {
            for (i, name) in list.enumerated() where list[..<i].contains(name) { throw .repeatedColumn(name) }
        }
        for s in spec.sensitive {
            guard table[s] != nil else { throw .unknownColumn(s, available: table.columnNames) }
            if spec.keys.contains(s) { throw .sensitiveIsKey(s) }
        }
        for c in [spec.weight, spec.household].compactMap({ $0 }) where table[c] == nil {
            throw .unknownColumn(c, available: table.columnNames)
        }
        for k in spec.kThresholds where k < 2 { throw .kBelowTwo(k) }
        for l in spec.lThresholds where l < 1 { throw .thresholdNotPositive(l) }
        if spec.topCombinations < 0 { throw .thresholdNotPositive(spec.topCombinations) }
        guard spec.lDiversityC > 0, spec.lDiversityC.isFinite else { throw .recursiveConstantNotPositive(spec.lDiversityC) }
        guard table.rowCount > 0 else { throw .emptyTable }
    }

    /// 1 − Π(1 − r) over each household's members, per record (when `perRecord`), and its summary.
    private static func householdRisk(
        table: Table, column name: String, classOfRecord: [Int32], riskOfClass: [Double], perRecord: Bool
    ) throws(DisclosureError) -> ([Double], HouseholdRiskSummary) {
        guard let column = table[name] else { throw .unknownColumn(name, available: table.columnNames) }
        let ids = KeyCodes(column: column)
        let n = classOfRecord.count
        var survive = [Double](repeating: 1, count: ids.cardinality)
        var members = [Int32](repeating: 0, count: ids.cardinality)
        for i in 0..<n {
            let h = Int(ids.codes[i])
            guard h >= 0 else { throw .householdIdMissing(row: i, column: name) }
            survive[h] *= 1 - riskOfClass[Int(classOfRecord[i])]
            members[h] += 1
        }
        var out = [Double](repeating: 0, count: perRecord ? n : 0)
        var total = 0.0
        var maxRisk = 0.0
        for h in survive.indices where members[h] > 0 { maxRisk = max(maxRisk, 1 - survive[h]) }
        ids.codes.withUnsafeBufferPointer { hb in
            survive.withUnsafeBufferPointer { sv in
                if perRecord {
                    for i in 0..<n {
                        let r = 1 - sv[Int(hb[i])]
                        out[i] = r
                        total += r
                    }
                } else {
                    for i in 0..<n { total += 1 - sv[Int(hb[i])] }
                }
            }
        }
        let households = members.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        return (out, HouseholdRiskSummary(
            households: households, expectedReidentifications: total, globalRisk: total / Double(n), maximumRisk: maxRisk))
    }

    private static func sizeHistogram(_ sizes: [Int32]) -> [ClassSizeCount] {
        var counts = [Int](repeating: 0, count: Int(sizes.max() ?? 0) + 1)
        for s in sizes { counts[Int(s)] += 1 }
        return counts.indices.filter { counts[$0] > 0 }.map { ClassSizeCount(size: $0, classes: counts[$0]) }
    }

    private static func kCount(_ f: KeyFrequencies, k: Int, n: Int) -> KAnonymityCount {
        var records = 0
        var classes = 0
        for c in 0..<f.classCount where Int(f.fkOfClass[c]) < k {
            records += Int(f.classSizes[c])
            classes += 1
        }
        return KAnonymityCount(k: k, violatingRecords: records, violatingClasses: classes, share: Double(records) / Double(n))
    }

    /// The `limit` violating classes with the most records (ties: smaller fk, then first appearance).
    private static func riskiest(_ f: KeyFrequencies, table: Table, k: Int, limit: Int) -> [KeyCombination] {
        guard limit > 0 else { return [] }
        func before(_ a: Int, _ b: Int) -> Bool {
            if f.classSizes[a] != f.classSizes[b] { return f.classSizes[a] > f.classSizes[b] }
            if f.fkOfClass[a] != f.fkOfClass[b] { return f.fkOfClass[a] < f.fkOfClass[b] }
            return a < b
        }
        var top: [Int] = []
        for c in 0..<f.classCount where Int(f.fkOfClass[c]) < k {
            if top.count == limit {
                guard let last = top.last, before(c, last) else { continue }
                top.removeLast()
            }
            let at = top.firstIndex { before(c, $0) } ?? top.count
            top.insert(c, at: at)
        }
        let columns = f.keys.compactMap { table[$0] }
        return top.map { c in
            let row = Int(f.firstRecordOfClass[c])
            return KeyCombination(
                values: columns.map { $0.isNull(row) ? nil : $0.riskReportText(row) },
                records: Int(f.classSizes[c]), fk: Int(f.fkOfClass[c]))
        }
    }

    /// The classes below `t` under some measure, most records first (ties: first appearance), at most
    /// ``LFailingClass/listed``, with their key categories as the report shows them.
    private static func failing(_ l: LDiversity, _ f: KeyFrequencies, table: Table, below t: Int) -> [LFailingClass] {
        // (One pass keeping the few largest: a million-record file has hundreds of thousands of classes.)
        var top: [Int] = []
        for i in 0..<f.classCount
        where Int(l.distinct[i]) < t || l.entropy[i] < Double(t) * (1 - 1e-12) || Int(l.recursive[i]) < t {
            if top.count == LFailingClass.listed {
                guard let last = top.last, f.classSizes[i] > f.classSizes[last] else { continue }
                top.removeLast()
            }
            let at = top.firstIndex { f.classSizes[i] > f.classSizes[$0] } ?? top.count
            top.insert(i, at: at)
        }
        let columns = f.keys.compactMap { table[$0] }
        return top.map { c in
            let row = Int(f.firstRecordOfClass[c])
            return LFailingClass(
                values: columns.map { $0.isNull(row) ? nil : $0.riskReportText(row) }, records: Int(f.classSizes[c]),
                distinctL: Int(l.distinct[c]), entropyL: l.entropy[c], recursiveL: Int(l.recursive[c]))
        }
    }

    private static func summarize(_ l: LDiversity, name: String, c: Double, sizes: [Int32], thresholds: [Int]) -> LDiversitySummary {
        let maxL = Int(l.distinct.max() ?? 0)
        var histClasses = [Int](repeating: 0, count: maxL + 1)
        var histRecords = [Int](repeating: 0, count: maxL + 1)
        for i in sizes.indices {
            let d = Int(l.distinct[i])
            histClasses[d] += 1
            histRecords[d] += Int(sizes[i])
        }
        let below = thresholds.map { t in
            var s = LDiversityShortfall(
                l: t, distinctClasses: 0, distinctRecords: 0, entropyClasses: 0, entropyRecords: 0,
                recursiveClasses: 0, recursiveRecords: 0)
            for i in sizes.indices {
                let size = Int(sizes[i])
                // exp(ln l) may round just below l, hence the tolerance on entropy l
                if Int(l.distinct[i]) < t { s.distinctClasses += 1; s.distinctRecords += size }
                if l.entropy[i] < Double(t) * (1 - 1e-12) { s.entropyClasses += 1; s.entropyRecords += size }
                if Int(l.recursive[i]) < t { s.recursiveClasses += 1; s.recursiveRecords += size }
            }
            return s
        }
        return LDiversitySummary(
            sensitive: name, c: c, minimumDistinctL: Int(l.distinct.min() ?? 0),
            minimumEntropyL: l.entropy.min() ?? 0, minimumRecursiveL: Int(l.recursive.min() ?? 0),
            distinctHistogram: histClasses.indices.filter { histClasses[$0] > 0 }.map {
                LCount(l: $0, classes: histClasses[$0], records: histRecords[$0])
            },
            below: below)
    }
}

/// A risk report with the per-record measures it summarises.
public struct RiskMeasures: Sendable {
    public var frequencies: KeyFrequencies
    /// Individual risk of every record.
    public var risk: [Double]
    /// Household risk of every record, when a household id was given.
    public var householdRisk: [Double]?
    public var report: RiskReport
}
