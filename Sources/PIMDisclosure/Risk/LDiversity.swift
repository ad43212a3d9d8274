import Foundation
import PIMTable

/// l-diversity of one sensitive variable in every equivalence class, as sdcMicro's `ldiversity` computes it
/// (Machanavajjhala et al. 2007):
/// - distinct l: the number of different values in the class;
/// - entropy l: exp(−Σ p·ln p) over the value shares p;
/// - recursive (c, l): the largest l such that r₁ < c·(r_l + … + r_m), r being the value counts in
///   descending order (1 when only one value occurs).
///
/// A missing sensitive value counts as one more value for distinct and entropy l when the class has other
/// values (sdcMicro's rule) and is left out of recursive l; a class with only missing values has distinct
/// and recursive l of 0 and entropy l of 1.
struct LDiversity {
    var distinct: [Int32]
    var entropy: [Double]
    var recursive: [Int32]

    init(classOfRecord: [Int32], classSizes: [Int32], sensitive: KeyCodes, c: Double) {
        let classCount = classSizes.count
        var distinct = [Int32](repeating: 0, count: classCount)
        var entropy = [Double](repeating: 1, count: classCount)
        var recursive = [Int32](repeating: 0, count: classCount)
        // Bucket the sensitive codes of classes with two or more records by class (counting sort);
        // single-record classes read their one value directly.
        var start = [Int32](repeating: 0, count: classCount + 1)
        for c in 0..<classCount { start[c + 1] = start[c] + (classSizes[c] > 1 ? classSizes[c] : 0) }
        var fill = start
        var bucket = [Int32](repeating: 0, count: Int(start[classCount]))
        sensitive.codes.withUnsafeBufferPointer { codes in
            classOfRecord.withUnsafeBufferPointer { cls in
                classSizes.withUnsafeBufferPointer { sizes in
                    fill.withUnsafeMutableBufferPointer { f in
                        bucket.withUnsafeMutableBufferPointer { b in
                            for i in 0..<cls.count {
                                let c = Int(cls[i])
                                if sizes[c] == 1 {
                                    let missing = codes[i] < 0
                                    distinct[c] = missing ? 0 : 1
                                    recursive[c] = missing ? 0 : 1
                                } else {
                                    b[Int(f[c])] = codes[i]
                                    f[c] += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        var counts = [Int32](repeating: 0, count: sensitive.cardinality)
        var touched: [Int32] = []
        var ranked: [Int32] = []
        for cls in 0..<classCount {
            let size = Int(classSizes[cls])
            if size == 1 { continue }
            touched.removeAll(keepingCapacity: true)
            var missing = 0
            for p in Int(start[cls])..<Int(start[cls + 1]) {
                let v = bucket[p]
                if v < 0 { missing += 1; continue }
                if counts[Int(v)] == 0 { touched.append(v) }
                counts[Int(v)] += 1
            }
            let m = touched.count
            guard m > 0 else { continue }  // only missing values: 0, 1, 0
            var h = 0.0
            ranked.removeAll(keepingCapacity: true)
            for v in touched {
                let n = counts[Int(v)]
                let p = Double(n) / Double(size)
                h -= p * log(p)
                ranked.append(n)
                counts[Int(v)] = 0
            }
            if missing > 0 {
                let p = Double(missing) / Double(size)
                h -= p * log(p)
            }
            distinct[cls] = Int32(m + (missing > 0 ? 1 : 0))
            entropy[cls] = exp(h)
            recursive[cls] = Int32(Self.recursiveL(sortedDescending: ranked.sorted(by: >), c: c))
        }
        self.distinct = distinct
        self.entropy = entropy
        self.recursive = recursive
    }

    /// The largest l with r₁ < c·(r_l + … + r_m) (1 when no l ≥ 2 satisfies it), counts in descending order.
    static func recursiveL(sortedDescending r: [Int32], c: Double) -> Int {
        guard r.count > 1 else { return r.isEmpty ? 0 : 1 }
        var tail = Double(r.dropFirst().reduce(0) { $0 + Int($1) })
        var j = 1
        while j < r.count && c * tail > Double(r[0]) {
            tail -= Double(r[j])
            j += 1
        }
        return j
    }
}

extension RiskAnalysis {
    /// The rows of equivalence classes whose distinct l-diversity is below `l` for some sensitive variable,
    /// measured exactly as ``analyze(_:spec:)`` measures it, so that what anonymisation removes is what the
    /// report would flag: sdcMicro's rule (`compute_group_ldiversity` in its `Measure_Risk.h`) counts a
    /// missing sensitive value as one more value when the class has other values, and a class with only
    /// missing values has distinct l of 0.
    /// - Throws: ``DisclosureError`` for unknown key or sensitive columns.
    ///
    /// With `countingMissing` false, only known values count (a release requirement): a class whose recorded
    /// values are all one value has distinct l 1 however many of its values are missing, since each of its
    /// members with a recorded value is known to hold that one.
    package static func rowsInClassesBelow(
        distinctL l: Int, sensitive: [String], keys: [String], missingMatchesAny: Bool, countingMissing: Bool = true, in table: Table
    ) throws(DisclosureError) -> [Int] {
        guard table.rowCount > 0 else { return [] }
        let freq = try KeyFrequencies(
            table: table, keys: keys, weight: nil, missingMatchesAny: missingMatchesAny, perRecord: false)
        var failing = [Bool](repeating: false, count: freq.classCount)
        for name in sensitive {
            guard let column = table[name] else { throw .unknownColumn(name, available: table.columnNames) }
            let distinct = countingMissing
                ? LDiversity(classOfRecord: freq.classOfRecord, classSizes: freq.classSizes, sensitive: KeyCodes(column: column), c: 2).distinct
                : knownDistinct(classOfRecord: freq.classOfRecord, classCount: freq.classCount, sensitive: KeyCodes(column: column))
            for c in 0..<freq.classCount where Int(distinct[c]) < l { failing[c] = true }
        }
        return (0..<table.rowCount).filter { failing[Int(freq.classOfRecord[$0])] }
    }

    /// The smallest number of distinct known (non-missing) values of each sensitive variable over the classes
    /// of identical keys: what an anonymisation's l is checked against before anything is written. A table
    /// without rows gives no entry.
    /// - Throws: ``DisclosureError`` for unknown key or sensitive columns.
    package static func minimumKnownDistinctL(
        sensitive: [String], keys: [String], missingMatchesAny: Bool, in table: Table
    ) throws(DisclosureError) -> [(sensitive: String, minimum: Int)] {
        guard table.rowCount > 0 else { return [] }
        let freq = try KeyFrequencies(
            table: table, keys: keys, weight: nil, missingMatchesAny: missingMatchesAny, perRecord: false)
        var out: [(sensitive: String, minimum: Int)] = []
        for name in sensitive {
            guard let column = table[name] else { throw .unknownColumn(name, available: table.columnNames) }
            let distinct = knownDistinct(classOfRecord: freq.classOfRecord, classCount: freq.classCount, sensitive: KeyCodes(column: column))
            out.append((name, Int(distinct.min() ?? 0)))
        }
        return out
    }

    /// Per class, the number of distinct non-missing codes.
    private static func knownDistinct(classOfRecord: [Int32], classCount: Int, sensitive: KeyCodes) -> [Int32] {
        var distinct = [Int32](repeating: 0, count: classCount)
        var seen = Set<Int64>()
        for (i, cls) in classOfRecord.enumerated() {
            let v = sensitive.codes[i]
            if v < 0 { continue }
            if seen.insert(Int64(cls) << 32 | Int64(v)).inserted { distinct[Int(cls)] += 1 }
        }
        return distinct
    }
}
