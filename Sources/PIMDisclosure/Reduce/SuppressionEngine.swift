import PIMTable

/// The state of a local-suppression run over integer key codes, with sample frequencies under the
/// convention that a missing key value matches any value (sdcMicro's).
///
/// For a record with missing-pattern `P` (bit set = key missing) and values `v`,
/// `fk = Σ_Q #{ records j with pattern Q that agree with v on every key outside P ∪ Q }`.
/// Records are grouped by pattern; for each pair (U = P ∪ Q, Q) a count table over the keys outside U is
/// built lazily and kept up to date as values are suppressed, so a run costs a few passes over the rows
/// plus a few lookups per rare record. A table (U, Q) is indexed by the keys outside U only (all present
/// in records of pattern Q ⊆ U), so the tables of one pattern together hold at most Π(cardinality + 1)
/// entries. Suppressing a value adds matches, with one exception copied from sdcMicro: complete records
/// do not count records missing every key, so blanking a record's last key can lower the `fk` of
/// complete records it matched.
struct SuppressionEngine {
    let n: Int
    let m: Int
    /// Key codes, row-major (`m` per record); -1 = missing.
    private(set) var codes: [Int32]
    let cardinality: [Int]
    private var pattern: [UInt32]
    private var members: [[Int32]]
    private var position: [Int32]
    /// The patterns that have at least one record.
    private var present: [UInt32] = []
    /// Per table: its index strides (`m` per table, 0 for keys in U) and its counts, dense or sparse.
    private var strides: [Int] = []
    private var dense: [[Int32]] = []
    private var sparse: [[Int: Int32]] = []
    private var isDense: [Bool] = []
    /// Table of (U, Q): in `tableSlot[U << m | Q]` (-1 = not built) when m ≤ 8, else in `tableIndex`.
    private var tableSlot: [Int32]
    private var tableIndex: [UInt64: Int] = [:]
    /// For each pattern Q, the tables (U, Q) built so far: (U, table).
    private var tablesOfPattern: [[(u: UInt32, t: Int)]]

    /// Tables with more cells than this are hash tables.
    static let denseLimit = 1 << 24

    init(codes columns: [[Int32]], cardinality: [Int]) throws(ReductionError) {
        m = columns.count
        n = columns.first?.count ?? 0
        precondition(m >= 1 && m <= 16, "between 1 and 16 key variables")
        var product = 1
        for c in cardinality {
            let (p, overflow) = product.multipliedReportingOverflow(by: c + 1)
            guard !overflow else { throw .tooManyKeyCombinations(keys: cardinality.count) }
            product = p
        }
        self.cardinality = cardinality
        var flat = [Int32](repeating: -1, count: n * m)
        for d in 0..<m {
            for i in 0..<n { flat[i * m + d] = columns[d][i] }
        }
        codes = flat
        tableSlot = m <= 8 ? [Int32](repeating: -1, count: 1 << (2 * m)) : []
        pattern = [UInt32](repeating: 0, count: n)
        members = Array(repeating: [], count: 1 << m)
        position = [Int32](repeating: 0, count: n)
        tablesOfPattern = Array(repeating: [], count: 1 << m)
        for i in 0..<n {
            var p: UInt32 = 0
            for d in 0..<m where flat[i * m + d] < 0 { p |= 1 << UInt32(d) }
            pattern[i] = p
            position[i] = Int32(members[Int(p)].count)
            members[Int(p)].append(Int32(i))
        }
        present = (0..<UInt32(members.count)).filter { !members[Int($0)].isEmpty }
    }

    /// Whether key `d` of record `i` is missing.
    @inline(__always) func isMissing(_ i: Int, _ d: Int) -> Bool { codes[i * m + d] < 0 }

    /// The code of key `d` of record `i` (-1 = missing).
    @inline(__always) func code(_ i: Int, _ d: Int) -> Int32 { codes[i * m + d] }

    /// The codes of key `d` for every record.
    func column(_ d: Int) -> [Int32] { (0..<n).map { codes[$0 * m + d] } }

    /// The index of record `i` in table `t`: its codes outside U (those keys have stride 0).
    @inline(__always) private func index(_ i: Int, table t: Int) -> Int {
        var key = 0
        let base = i * m
        let s = t * m
        for d in 0..<m { key &+= Int(codes[base + d]) &* strides[s + d] }
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
            let t = table(u: p | q, q: q)
            let key = index(i, table: t)
            f += isDense[t] ? Int(dense[t][key]) : Int(sparse[t][key] ?? 0)
        }
        return f
    }

    /// Sets key `d` of record `i` to missing, keeping every built table current.
    mutating func suppress(_ i: Int, key d: Int) {
        guard !isMissing(i, d) else { return }
        set(i, key: d, to: -1)
    }

    /// Sets key `d` of record `i` to `code` (-1 = missing; otherwise below the key's cardinality), keeping every
    /// built table current: a suppressed value can be put back.
    mutating func set(_ i: Int, key d: Int, to code: Int32) {
        let old = pattern[i]
        let bit: UInt32 = 1 << UInt32(d)
        let new = code < 0 ? old | bit : old & ~bit
        for (_, t) in tablesOfPattern[Int(old)] { add(-1, at: index(i, table: t), in: t) }
        codes[i * m + d] = code
        guard old != new else {
            for (_, t) in tablesOfPattern[Int(old)] { add(1, at: index(i, table: t), in: t) }
            return
        }
        // Remove from the old pattern's members (swap with last).
        let pos = Int(position[i])
        let last = members[Int(old)].removeLast()
        if Int(last) != i {
            members[Int(old)][pos] = last
            position[Int(last)] = Int32(pos)
        }
        if members[Int(old)].isEmpty { present.removeAll { $0 == old } }
        if members[Int(new)].isEmpty { present.append(new) }
        pattern[i] = new
        position[i] = Int32(members[Int(new)].count)
        members[Int(new)].append(Int32(i))
        for (_, t) in tablesOfPattern[Int(new)] { add(1, at: index(i, table: t), in: t) }
    }

    private mutating func add(_ delta: Int32, at key: Int, in t: Int) {
        if isDense[t] { dense[t][key] += delta } else { sparse[t][key, default: 0] += delta }
    }

    /// The table for (U, Q), building it on first use.
    private mutating func table(u: UInt32, q: UInt32) -> Int {
        let slot = Int(u) << m | Int(q)
        let id = UInt64(u) << 32 | UInt64(q)
        if m <= 8 {
            if tableSlot[slot] >= 0 { return Int(tableSlot[slot]) }
        } else if let t = tableIndex[id] {
            return t
        }
        // Strides over the keys outside U; their product fits (checked against Π(cardinality + 1)).
        var size = 1
        var s = [Int](repeating: 0, count: m)
        for d in 0..<m where (u >> UInt32(d)) & 1 == 0 {
            s[d] = size
            size *= max(cardinality[d], 1)
        }
        let t = isDense.count
        strides += s
        let rows = members[Int(q)]
        // Dense only when the table is small or well filled: with many keys a table can have millions of cells for a
        // few hundred records, and there are up to 4^m tables (QA17 MED-3: 8 keys took gigabytes).
        if size <= Self.denseLimit && (size <= 1 << 12 || size <= 8 * rows.count) {
            var a = [Int32](repeating: 0, count: size)
            for r in rows { a[index(Int(r), table: t)] += 1 }
            dense.append(a)
            sparse.append([:])
            isDense.append(true)
        } else {
            var h: [Int: Int32] = [:]
            for r in rows { h[index(Int(r), table: t), default: 0] += 1 }
            dense.append([])
            sparse.append(h)
            isDense.append(false)
        }
        if m <= 8 { tableSlot[slot] = Int32(t) } else { tableIndex[id] = t }
        tablesOfPattern[Int(q)].append((u, t))
        return t
    }
}
