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
    /// Mixed-radix multipliers of the digits, or nil when the key space does not fit in 64 bits.
    private var multipliers: [UInt64]?

    init(codes: [KeyCodes], rowCount n: Int) {
        keyCount = codes.count
        var radices: [UInt64] = codes.map { UInt64($0.cardinality) + 1 }
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
            var mult = [UInt64](repeating: 1, count: codes.count)
            var m: UInt64 = 1
            for j in codes.indices.reversed() { mult[j] = m; m &*= radices[j] }
            multipliers = mult
            var combined = [UInt64](repeating: 0, count: n)
            combined.withUnsafeMutableBufferPointer { kb in
                for col in codes {
                    let r = UInt64(col.cardinality) + 1
                    col.codes.withUnsafeBufferPointer { cb in
                        var anyMissing = false
                        for i in 0..<n {
                            let c = cb[i]
                            anyMissing = anyMissing || c < 0
                            kb[i] = kb[i] &* r &+ UInt64(UInt32(bitPattern: c &+ 1))
                        }
                        missing = missing || anyMissing
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
                    for j in codes.indices { digits.append(Int32(truncatingIfNeeded: (key / mult[j]) % radices[j])) }
                }
            }
            classDigits = digits
        } else {
            // Very wide key spaces: fall back to hashing the digit vectors.
            multipliers = nil
            radices = []
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
        for a in patterns.indices {
            for b in patterns.indices where b > a {
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
