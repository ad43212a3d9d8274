import PIMTable

/// The state of a local-suppression run over integer key codes, with sample frequencies under the
/// convention that a missing key value matches any value (sdcMicro's).
///
/// For a record with missing-pattern `P` (bit set = key missing) and values `v`,
/// `fk = Σ_Q #{ records j with pattern Q that agree with v on every key outside P ∪ Q }`.
/// Records are grouped by pattern; for each pair (U = P ∪ Q, Q) a count table over the keys outside U is
/// built lazily and kept up to date as values are suppressed, so a run costs a few passes over the rows
/// plus a few lookups per rare record. Suppressing a value adds matches, with one exception copied from
/// sdcMicro: complete records do not count records missing every key, so blanking a record's last key can
/// lower the `fk` of complete records it matched.
struct SuppressionEngine {
    let n: Int
    let m: Int
    var codes: [[Int32]]
    let cardinality: [Int]
    let stride: [UInt64]
    let denseSize: Int?
    var pattern: [UInt32]
    var members: [[Int32]]
    var position: [Int32]
    /// The patterns that have at least one record.
    private var present: [UInt32] = []
    /// Count tables, all dense (when the key space is small) or all sparse.
    private var dense: [[Int32]] = []
    private var sparse: [[UInt64: Int32]] = []
    private var tableIndex: [UInt64: Int] = [:]
    /// For each pattern Q, the tables (U, Q) built so far: (U, index into `tables`).
    private var tablesOfPattern: [[(u: UInt32, t: Int)]]

    init(codes: [[Int32]], cardinality: [Int]) throws(ReductionError) {
        m = codes.count
        n = codes.first?.count ?? 0
        precondition(m >= 1 && m <= 16, "between 1 and 16 key variables")
        self.codes = codes
        self.cardinality = cardinality
        var s: [UInt64] = []
        var product: UInt64 = 1
        for c in cardinality {
            s.append(product)
            let (p, overflow) = product.multipliedReportingOverflow(by: UInt64(c + 1))
            guard !overflow else { throw .tooManyKeyCombinations(keys: cardinality.count) }
            product = p
        }
        stride = s
        denseSize = product <= 1 << 19 ? Int(product) : nil
        pattern = [UInt32](repeating: 0, count: n)
        members = Array(repeating: [], count: 1 << m)
        position = [Int32](repeating: 0, count: n)
        tablesOfPattern = Array(repeating: [], count: 1 << m)
        for i in 0..<n {
            var p: UInt32 = 0
            for d in 0..<m where codes[d][i] < 0 { p |= 1 << UInt32(d) }
            pattern[i] = p
            position[i] = Int32(members[Int(p)].count)
            members[Int(p)].append(Int32(i))
        }
        present = (0..<UInt32(members.count)).filter { !members[Int($0)].isEmpty }
    }

    /// The mixed-radix number of record `i`'s values with the keys in `u` (and its missing keys) blanked.
    @inline(__always) func project(_ i: Int, _ u: UInt32) -> UInt64 {
        var key: UInt64 = 0
        for d in 0..<m {
            let c = codes[d][i]
            let digit = (u >> UInt32(d)) & 1 == 1 || c < 0 ? UInt64(cardinality[d]) : UInt64(c)
            key &+= digit &* stride[d]
        }
        return key
    }

    /// The sample frequency of record `i` if the keys in `extra` were also missing.
    mutating func frequency(of i: Int, extra: UInt32 = 0) -> Int {
        let p = pattern[i] | extra
        let full: UInt32 = (1 << UInt32(m)) - 1
        // As sdcMicro's freqCalc (and KeyFrequencies): a record missing every key matches all records, but
        // with several keys complete records do not count records missing every key.
        if p == full { return n }
        var f = 0
        for q in present {
            if m > 1 && p == 0 && q == full { continue }
            let u = p | q
            let t = table(u: u, q: q)
            let key = project(i, u)
            f += denseSize != nil ? Int(dense[t][Int(key)]) : Int(sparse[t][key] ?? 0)
        }
        return f
    }

    /// Sets key `d` of record `i` to missing, keeping every built table current.
    mutating func suppress(_ i: Int, key d: Int) {
        let old = pattern[i]
        let new = old | (1 << UInt32(d))
        guard old != new else { return }
        for (u, t) in tablesOfPattern[Int(old)] { add(-1, at: project(i, u), in: t) }
        // Remove from the old pattern's members (swap with last).
        let pos = Int(position[i])
        let last = members[Int(old)].removeLast()
        if Int(last) != i {
            members[Int(old)][pos] = last
            position[Int(last)] = Int32(pos)
        }
        if members[Int(old)].isEmpty { present.removeAll { $0 == old } }
        if members[Int(new)].isEmpty { present.append(new) }
        codes[d][i] = -1
        pattern[i] = new
        position[i] = Int32(members[Int(new)].count)
        members[Int(new)].append(Int32(i))
        for (u, t) in tablesOfPattern[Int(new)] { add(1, at: project(i, u), in: t) }
    }

    private mutating func add(_ delta: Int32, at key: UInt64, in t: Int) {
        if denseSize != nil { dense[t][Int(key)] += delta } else { sparse[t][key, default: 0] += delta }
    }

    /// The index of the count table for (U, Q), building it on first use.
    private mutating func table(u: UInt32, q: UInt32) -> Int {
        let id = UInt64(u) << 32 | UInt64(q)
        if let t = tableIndex[id] { return t }
        let rows = members[Int(q)]
        let t: Int
        if let size = denseSize {
            var a = [Int32](repeating: 0, count: size)
            for r in rows { a[Int(project(Int(r), u))] += 1 }
            dense.append(a)
            t = dense.count - 1
        } else {
            var s: [UInt64: Int32] = [:]
            for r in rows { s[project(Int(r), u), default: 0] += 1 }
            sparse.append(s)
            t = sparse.count - 1
        }
        tableIndex[id] = t
        tablesOfPattern[Int(q)].append((u, t))
        return t
    }
}
