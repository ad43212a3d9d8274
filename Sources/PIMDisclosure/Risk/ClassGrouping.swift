/// Groups records into classes of identical key codes (a missing value is a code of its own) and, on
/// request, computes sdcMicro's wildcard frequencies where a missing value matches any category.
struct ClassGrouping {
    var classOfRecord: [Int32]
    var classCount: Int
    var classSizes: [Int32]
    var firstRecordOfClass: [Int32]
    var hasMissing: Bool
    /// Digits of every class (code + 1, so 0 means missing), flattened `classCount × keyCount`.
    private var classDigits: [Int32]
    private var keyCount: Int
    /// Multipliers of the digits (code + 1, radix cardinality + 1) used to project classes in the wildcard
    /// matching, or nil when that key space does not fit in 64 bits.
    private var multipliers: [UInt64]?

    init(codes: [KeyCodes], rowCount n: Int) {
        keyCount = codes.count
        // A column without missing values needs no digit for "missing": radix = cardinality (+ 1 with nulls).
        let offsets: [UInt64] = codes.map { col in col.codes.contains { $0 < 0 } ? 1 : 0 }
        let radices: [UInt64] = codes.indices.map { UInt64(codes[$0].cardinality) + offsets[$0] }
        multipliers = Self.mixedRadixMultipliers(codes.map { UInt64($0.cardinality) + 1 })
        var space: UInt64 = 1
        var fits = true
        for r in radices {
            let (p, o) = space.multipliedReportingOverflow(by: r)
            if o { fits = false; break }
            space = p
        }
        var firsts: [Int32] = []
        var sizes: [Int32] = []
        var classes = [Int32](repeating: 0, count: n)
        var missing = false
        if fits {
            let mult = Self.mixedRadixMultipliers(radices) ?? []
            missing = offsets.contains(1)
            var combined = [UInt64](repeating: 0, count: n)
            combined.withUnsafeMutableBufferPointer { kb in
                for j in codes.indices {
                    let r = radices[j]
                    let off = Int32(offsets[j])
                    codes[j].codes.withUnsafeBufferPointer { cb in
                        for i in 0..<n { kb[i] = kb[i] &* r &+ UInt64(UInt32(bitPattern: cb[i] &+ off)) }
                    }
                }
            }
            var classKeys: [UInt64] = []
            if space <= UInt64(min(1 << 26, 16 * n + 65_536)) {
                Self.groupDirect(combined, space: Int(space), classes: &classes, firsts: &firsts, sizes: &sizes, keys: &classKeys)
            } else {
                Self.groupHashed(combined, classes: &classes, firsts: &firsts, sizes: &sizes, keys: &classKeys)
            }
            var digits: [Int32] = []
            if missing {
                digits.reserveCapacity(classKeys.count * codes.count)
                for key in classKeys {
                    for j in codes.indices {
                        let raw = Int32(truncatingIfNeeded: (key / mult[j]) % radices[j]) - Int32(offsets[j])
                        digits.append(raw + 1)  // code + 1; 0 = missing
                    }
                }
            }
            classDigits = digits
        } else {
            // Very wide key spaces: fall back to hashing the digit vectors.
            var index: [[Int32]: Int32] = [:]
            var digits: [Int32] = []
            var row = [Int32](repeating: 0, count: codes.count)
            for i in 0..<n {
                for j in codes.indices {
                    row[j] = codes[j].codes[i] &+ 1
                    missing = missing || row[j] == 0
                }
                if let c = index[row] {
                    classes[i] = c
                    sizes[Int(c)] += 1
                } else {
                    let c = Int32(firsts.count)
                    index[row] = c
                    classes[i] = c
                    firsts.append(Int32(i))
                    sizes.append(1)
                    digits.append(contentsOf: row)
                }
            }
            classDigits = digits
        }
        classOfRecord = classes
        classCount = firsts.count
        classSizes = sizes
        firstRecordOfClass = firsts
        hasMissing = missing
    }

    /// Horner multipliers of a mixed-radix number with the given radices, or nil when it overflows 64 bits.
    private static func mixedRadixMultipliers(_ radices: [UInt64]) -> [UInt64]? {
        var mult = [UInt64](repeating: 1, count: radices.count)
        var m: UInt64 = 1
        for j in radices.indices.reversed() {
            mult[j] = m
            let (p, o) = m.multipliedReportingOverflow(by: radices[j])
            if o { return nil }
            m = p
        }
        return mult
    }

    /// Counting through a table indexed by the combined key (small key spaces).
    private static func groupDirect(
        _ combined: [UInt64], space: Int, classes: inout [Int32], firsts: inout [Int32], sizes: inout [Int32], keys: inout [UInt64]
    ) {
        var slots = [Int32](repeating: 0, count: space)
        slots.withUnsafeMutableBufferPointer { sb in
            combined.withUnsafeBufferPointer { kb in
                classes.withUnsafeMutableBufferPointer { cb in
                    for i in 0..<kb.count {
                        let k = Int(truncatingIfNeeded: kb[i])
                        var s = sb[k]
                        if s == 0 {
                            firsts.append(Int32(i))
                            sizes.append(0)
                            keys.append(kb[i])
                            s = Int32(firsts.count)
                            sb[k] = s
                        }
                        cb[i] = s - 1
                        sizes[Int(s - 1)] += 1
                    }
                }
            }
        }
    }

    /// Counting through an open-addressing hash table of combined keys (large key spaces).
    private static func groupHashed(
        _ combined: [UInt64], classes: inout [Int32], firsts: inout [Int32], sizes: inout [Int32], keys: inout [UInt64]
    ) {
        var capacity = 16
        while capacity < 2 * combined.count { capacity <<= 1 }
        let shift = UInt64(64 - capacity.trailingZeroBitCount)
        let mask = capacity - 1
        var slotKeys = [UInt64](repeating: 0, count: capacity)
        var slotClass = [Int32](repeating: 0, count: capacity)
        slotKeys.withUnsafeMutableBufferPointer { sk in
            slotClass.withUnsafeMutableBufferPointer { sc in
                combined.withUnsafeBufferPointer { kb in
                    classes.withUnsafeMutableBufferPointer { cb in
                        for i in 0..<kb.count {
                            let k = kb[i]
                            var h = Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> shift)
                            while true {
                                let s = sc[h]
                                if s == 0 {
                                    firsts.append(Int32(i))
                                    sizes.append(1)
                                    keys.append(k)
                                    let c = Int32(firsts.count)
                                    sc[h] = c
                                    sk[h] = k
                                    cb[i] = c - 1
                                    break
                                }
                                if sk[h] == k {
                                    cb[i] = s - 1
                                    sizes[Int(s - 1)] += 1
                                    break
                                }
                                h = (h + 1) & mask
                            }
                        }
                    }
                }
            }
        }
    }

    /// sdcMicro's frequencies where a missing key value matches any category: the count (and weight sum)
    /// of all records agreeing with each class on every key present in both.
    ///
    /// Classes are grouped by their pattern of missing keys; for each pair of patterns, the classes are
    /// matched on the keys present in both through a hash of the projected key.
    func wildcardFrequencies(classWeight: [Double]) -> (fk: [Int32], Fk: [Double]) {
        var fk = classSizes
        var bigF = classWeight
        var groupOfPattern: [[Bool]: Int] = [:]
        var patterns: [[Bool]] = []
        var members: [[Int]] = []
        for c in 0..<classCount {
            let p = (0..<keyCount).map { classDigits[c * keyCount + $0] == 0 }
            if let g = groupOfPattern[p] {
                members[g].append(c)
            } else {
                groupOfPattern[p] = patterns.count
                patterns.append(p)
                members.append([c])
            }
        }
        let allMissing = [Bool](repeating: true, count: keyCount)
        let complete = [Bool](repeating: false, count: keyCount)
        for a in patterns.indices {
            for b in patterns.indices where b > a {
                // sdcMicro (freqCalc) does not add records whose keys are all missing to complete records
                // when there are several keys; their own fk/Fk are set to the totals below.
                if keyCount > 1 && Set([patterns[a], patterns[b]]) == Set([allMissing, complete]) { continue }
                let ignored = zip(patterns[a], patterns[b]).map { $0 || $1 }
                let (small, big) = members[a].count <= members[b].count ? (members[a], members[b]) : (members[b], members[a])
                if let mult = multipliers {
                    matchPair(small: small, big: big, fk: &fk, Fk: &bigF, weight: classWeight) { c in
                        var key: UInt64 = 0
                        for j in 0..<keyCount where !ignored[j] { key &+= UInt64(classDigits[c * keyCount + j]) &* mult[j] }
                        return key
                    }
                } else {
                    matchPair(small: small, big: big, fk: &fk, Fk: &bigF, weight: classWeight) { c in
                        (0..<keyCount).map { ignored[$0] ? 0 : classDigits[c * keyCount + $0] }
                    }
                }
            }
        }
        if let g = groupOfPattern[allMissing] {
            let total = Int32(classSizes.reduce(0, +))
            let totalWeight = classWeight.reduce(0, +)
            for c in members[g] {
                fk[c] = total
                bigF[c] = totalWeight
            }
        }
        return (fk, bigF)
    }

    private struct Match {
        var count: Int32 = 0
        var weight: Double = 0
        var receivedCount: Int32 = 0
        var receivedWeight: Double = 0
    }

    /// Adds to every class of `small` the matching classes of `big`, and the other way round.
    private func matchPair<K: Hashable>(
        small: [Int], big: [Int], fk: inout [Int32], Fk: inout [Double], weight: [Double], project: (Int) -> K
    ) {
        var table: [K: Match] = [:]
        for c in small {
            let k = project(c)
            table[k, default: Match()].count += classSizes[c]
            table[k, default: Match()].weight += weight[c]
        }
        for c in big {
            guard let i = table.index(forKey: project(c)) else { continue }
            fk[c] += table.values[i].count
            Fk[c] += table.values[i].weight
            table.values[i].receivedCount += classSizes[c]
            table.values[i].receivedWeight += weight[c]
        }
        for c in small {
            guard let m = table[project(c)] else { continue }
            fk[c] += m.receivedCount
            Fk[c] += m.receivedWeight
        }
    }
}
