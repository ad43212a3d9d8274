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
        let offsets: [Int32] = codes.map { col in col.codes.contains { $0 < 0 } ? 1 : 0 }
        let radices: [UInt64] = codes.indices.map { UInt64(codes[$0].cardinality) + UInt64(offsets[$0]) }
        multipliers = Self.mixedRadixMultipliers(codes.map { UInt64($0.cardinality) + 1 })
        hasMissing = offsets.contains(1)
        var classes = [Int32](repeating: 0, count: n)
        var sizes = [Int32](repeating: 0, count: n)
        var firsts = [Int32](repeating: 0, count: n)
        var count = 0
        if let space = Self.mixedRadixMultipliers(radices).map({ _ in radices.reduce(1, &*) }) {
            // Combined mixed-radix keys, computed a block of rows at a time, counted in a direct table
            // (small key spaces) or an open-addressing hash table.
            let direct = space <= UInt64(min(1 << 26, 16 * n + 65_536))
            var table = direct ? DirectTable(space: Int(space)) : nil
            var hashed = direct ? nil : HashTable(rows: n)
            var block = [UInt64](repeating: 0, count: Self.blockSize)
            var start = 0
            while start < n {
                let end = min(n, start + Self.blockSize)
                Self.combine(codes, radices: radices, offsets: offsets, rows: start..<end, into: &block)
                if table != nil {
                    table?.add(block, rows: start..<end, classes: &classes, sizes: &sizes, firsts: &firsts, count: &count)
                } else {
                    hashed?.add(block, rows: start..<end, classes: &classes, sizes: &sizes, firsts: &firsts, count: &count)
                }
                start = end
            }
        } else {
            // Very wide key spaces: fall back to hashing the code vectors.
            var index: [[Int32]: Int32] = [:]
            var row = [Int32](repeating: 0, count: codes.count)
            for i in 0..<n {
                for j in codes.indices { row[j] = codes[j].codes[i] }
                if let c = index[row] {
                    classes[i] = c
                    sizes[Int(c)] += 1
                } else {
                    index[row] = Int32(count)
                    classes[i] = Int32(count)
                    firsts[count] = Int32(i)
                    sizes[count] = 1
                    count += 1
                }
            }
        }
        sizes.removeLast(n - count)
        firsts.removeLast(n - count)
        var digits: [Int32] = []
        if hasMissing {
            digits.reserveCapacity(count * codes.count)
            for c in 0..<count {
                let row = Int(firsts[c])
                for col in codes { digits.append(col.codes[row] + 1) }  // code + 1; 0 = missing
            }
        }
        classDigits = digits
        classOfRecord = classes
        classCount = count
        classSizes = sizes
        firstRecordOfClass = firsts
    }

    private static let blockSize = 4096

    /// Mixed-radix keys of `rows` into `block` (column by column, so each pass streams one column).
    private static func combine(
        _ codes: [KeyCodes], radices: [UInt64], offsets: [Int32], rows: Range<Int>, into block: inout [UInt64]
    ) {
        block.withUnsafeMutableBufferPointer { kb in
            for i in 0..<rows.count { kb[i] = 0 }
            for j in codes.indices {
                let r = radices[j]
                let off = offsets[j]
                codes[j].codes.withUnsafeBufferPointer { cb in
                    for i in rows { kb[i - rows.lowerBound] = kb[i - rows.lowerBound] &* r &+ UInt64(UInt32(bitPattern: cb[i] &+ off)) }
                }
            }
        }
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

    /// Class ids (+ 1, 0 = unseen) indexed by the combined key, for small key spaces.
    private struct DirectTable {
        var slots: [Int32]
        init(space: Int) { slots = [Int32](repeating: 0, count: space) }

        mutating func add(
            _ block: [UInt64], rows: Range<Int>, classes: inout [Int32], sizes: inout [Int32], firsts: inout [Int32], count: inout Int
        ) {
            var next = count
            slots.withUnsafeMutableBufferPointer { sb in
                classes.withUnsafeMutableBufferPointer { cb in
                    sizes.withUnsafeMutableBufferPointer { zb in
                        firsts.withUnsafeMutableBufferPointer { fb in
                            block.withUnsafeBufferPointer { kb in
                                for i in rows {
                                    let k = Int(truncatingIfNeeded: kb[i - rows.lowerBound])
                                    var s = sb[k]
                                    if s == 0 {
                                        fb[next] = Int32(i)
                                        next += 1
                                        s = Int32(next)
                                        sb[k] = s
                                    }
                                    cb[i] = s - 1
                                    zb[Int(s - 1)] += 1
                                }
                            }
                        }
                    }
                }
            }
            count = next
        }
    }

    /// Open-addressing (linear probing) hash of combined keys to class ids, for large key spaces.
    private struct HashTable {
        var keys: [UInt64]
        var ids: [Int32]
        let shift: UInt64
        let mask: Int

        init(rows: Int) {
            var capacity = 16
            while capacity < 2 * rows { capacity <<= 1 }
            keys = [UInt64](repeating: 0, count: capacity)
            ids = [Int32](repeating: 0, count: capacity)
            shift = UInt64(64 - capacity.trailingZeroBitCount)
            mask = capacity - 1
        }

        mutating func add(
            _ block: [UInt64], rows: Range<Int>, classes: inout [Int32], sizes: inout [Int32], firsts: inout [Int32], count: inout Int
        ) {
            var next = count
            let shift = shift
            let mask = mask
            keys.withUnsafeMutableBufferPointer { sk in
                ids.withUnsafeMutableBufferPointer { sc in
                    classes.withUnsafeMutableBufferPointer { cb in
                        sizes.withUnsafeMutableBufferPointer { zb in
                            firsts.withUnsafeMutableBufferPointer { fb in
                                block.withUnsafeBufferPointer { kb in
                                    for i in rows {
                                        let k = kb[i - rows.lowerBound]
                                        var h = Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> shift)
                                        while sc[h] != 0 && sk[h] != k { h = (h + 1) & mask }
                                        var s = sc[h]
                                        if s == 0 {
                                            fb[next] = Int32(i)
                                            next += 1
                                            s = Int32(next)
                                            sc[h] = s
                                            sk[h] = k
                                        }
                                        cb[i] = s - 1
                                        zb[Int(s - 1)] += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            count = next
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
