import PIMTable

/// Puts back suppressed key values that k-anonymity (and l-diversity, when asked) no longer need, the most important
/// key first: local suppression visits records one at a time and can suppress more than the end result needs (QA17),
/// and with `--l` the rounds that generalise whole failing classes more still, not always in the order of
/// importance (QA16).
///
/// Classes are sets of records with identical key values (a missing value is a value of its own), as
/// l-diversity is measured; k is measured with sdcMicro's rule that a missing key value matches any category
/// (``SuppressionEngine``). A value is put back for a group of records at once: the records of one class that
/// miss key `d` and had the value `v` there. The group moves to the class with `d = v`, which it creates or
/// joins. The move is kept only if
/// - the class it leaves (if any record stays) and the class it joins each keep at least l distinct known values
///   of every sensitive variable;
/// - the moved records have at least k matches;
/// - every class that matched them before and does not now (it has another value of `d`) keeps at least k.
///
/// Putting a value back never adds a match, so those are all the records whose counts change. When a whole group
/// cannot move, its records are tried one at a time (each can only join an existing class). Passes repeat until
/// none puts anything back, so at the end no single suppressed value can be put back without breaking k or l;
/// a work bound (class visits) ends the passes early on very large tables, leaving valid but less complete
/// output. The result is checked again with the risk module's measures before it is returned; if that check
/// disagrees, the table is returned as it came.
enum SuppressionRestore {
    /// Class visits allowed over all passes.
    static let workLimit = 200_000_000

    /// - Parameters:
    ///   - current: k-anonymous and l-diverse on `keys`; its rows are `source`'s rows, some key values suppressed.
    ///   - source: the table before suppression (same rows, same order): where the values come back from.
    ///   - order: key indices, least important first.
    ///   - l: the distinct l to keep (0 for none, with no sensitive variables).
    static func apply(
        to current: Table, source: Table, keys: [String], k: Int, order: [Int], l: Int, sensitive: [String]
    ) throws(ReductionError) -> Table {
        let n = current.rowCount
        guard n > 0, source.rowCount == n else { return current }
        let m = keys.count
        var sourceColumns: [Column] = []
        // Per key: the source's codes (the values that can come back), and the codes as they are now.
        var values: [[Int32]] = []
        var codes: [[Int32]] = []
        var cardinality: [Int] = []
        var any = false
        for key in keys {
            let original = try source.reductionColumn(key)
            let now = try current.reductionColumn(key)
            let encoded = KeyEncoding(column: original)
            var c = encoded.codes
            for i in 0..<n where c[i] >= 0 && now.isNull(i) {
                c[i] = -1
                any = true
            }
            sourceColumns.append(original)
            values.append(encoded.codes)
            codes.append(c)
            cardinality.append(encoded.cardinality)
        }
        guard any else { return current }
        var state = State(
            engine: try SuppressionEngine(codes: codes, cardinality: cardinality), m: m, n: n,
            sensitive: try LDiversityReduction.sensitiveCodes(current, sensitive))
        let importanceFirst = Array(order.reversed())
        var work = 0
        var changed = true
        while changed && work < workLimit {
            changed = false
            for d in importanceFirst where work < workLimit {
                // The groups of records that miss d and had a value there: (class, value) → rows.
                var groups: [Int64: [Int]] = [:]
                for i in 0..<n where values[d][i] >= 0 && state.engine.isMissing(i, d) {
                    groups[Int64(state.classOf[i]) << 32 | Int64(values[d][i]), default: []].append(i)
                }
                let ordered = groups.sorted { $0.value.count > $1.value.count || ($0.value.count == $1.value.count && $0.key < $1.key) }
                for (_, rows) in ordered where work < workLimit {
                    let v = values[d][rows[0]]
                    if state.move(rows, key: d, to: v, k: k, l: l, work: &work) {
                        changed = true
                    } else if rows.count > 1 {
                        for i in rows where work < workLimit && state.move([i], key: d, to: v, k: k, l: l, work: &work) {
                            changed = true
                        }
                    }
                }
            }
        }
        var out = current
        for d in 0..<m {
            let column = state.engine.column(d)
            out = out.replacing(LocalSuppression.column(sourceColumns[d], codes: column))
        }
        // The measures the release is judged by; should they disagree, nothing is put back.
        do {
            let frequencies = try KeyFrequencies(table: out, keys: keys, weight: nil, missingMatchesAny: true)
            guard frequencies.fk.allSatisfy({ Double($0) >= Double(k) }) else { return current }
            if l >= 2 && !sensitive.isEmpty {
                let below = try RiskAnalysis.rowsInClassesBelow(
                    distinctL: l, sensitive: sensitive, keys: keys, missingMatchesAny: true, countingMissing: false, in: out)
                guard below.isEmpty else { return current }
            }
        } catch {
            throw .disclosure(error)
        }
        return out
    }

    /// The records' key codes and classes as values are put back.
    struct State {
        var engine: SuppressionEngine
        let m: Int
        /// Sensitive codes per variable (-1 = missing).
        let sensitive: [[Int32]]
        var classOf: [Int]
        /// Per class: its key codes, its records, and per sensitive variable the count of each known value.
        var classCodes: [[Int32]] = []
        /// Live classes (with at least one record) by pattern (bit set = key missing).
        var byPattern: [UInt32: Set<Int>] = [:]
        /// Per pattern q and set of keys r (`q << 16 | r`), built when first needed and then kept current: the
        /// live classes of pattern q by their codes on r.
        var index: [UInt32: [[Int32]: [Int]]] = [:]
        var indexed: [UInt32: [UInt32]] = [:]
        var members: [Set<Int>] = []
        var valueCounts: [[[Int32: Int]]] = []
        var classIndex: [[Int32]: Int] = [:]

        init(engine: SuppressionEngine, m: Int, n: Int, sensitive: [[Int32]]) {
            self.engine = engine
            self.m = m
            self.sensitive = sensitive
            classOf = [Int](repeating: 0, count: n)
            for i in 0..<n { classOf[i] = classFor(keyCodes(i)) }
            for i in 0..<n { insert(i, into: classOf[i]) }
        }

        func keyCodes(_ i: Int) -> [Int32] { (0..<m).map { engine.code(i, $0) } }

        mutating func classFor(_ codes: [Int32]) -> Int {
            if let c = classIndex[codes] { return c }
            let c = classCodes.count
            classIndex[codes] = c
            classCodes.append(codes)
            members.append([])
            valueCounts.append(sensitive.map { _ in [:] })
            return c
        }

        mutating func insert(_ i: Int, into c: Int) {
            if members[c].isEmpty { lives(c, true) }
            members[c].insert(i)
            classOf[i] = c
            for s in sensitive.indices where sensitive[s][i] >= 0 { valueCounts[c][s][sensitive[s][i], default: 0] += 1 }
        }

        mutating func remove(_ i: Int, from c: Int) {
            members[c].remove(i)
            if members[c].isEmpty { lives(c, false) }
            for s in sensitive.indices where sensitive[s][i] >= 0 {
                let v = sensitive[s][i]
                let left = (valueCounts[c][s][v] ?? 1) - 1
                valueCounts[c][s][v] = left > 0 ? left : nil
            }
        }

        func pattern(of codes: [Int32]) -> UInt32 {
            var p: UInt32 = 0
            for d in 0..<m where codes[d] < 0 { p |= 1 << UInt32(d) }
            return p
        }

        func projection(_ codes: [Int32], _ keys: UInt32) -> [Int32] {
            (0..<m).filter { keys & (1 << UInt32($0)) != 0 }.map { codes[$0] }
        }

        /// The live classes of pattern `q` by their codes on `keys`.
        mutating func agreeing(pattern q: UInt32, on keys: UInt32) -> [[Int32]: [Int]] {
            let id = q << 16 | keys
            if let built = index[id] { return built }
            var built: [[Int32]: [Int]] = [:]
            for c in byPattern[q] ?? [] { built[projection(classCodes[c], keys), default: []].append(c) }
            index[id] = built
            indexed[q, default: []].append(keys)
            return built
        }

        /// Class `c` gains its first record (`true`) or loses its last.
        mutating func lives(_ c: Int, _ alive: Bool) {
            let q = pattern(of: classCodes[c])
            if alive { byPattern[q, default: []].insert(c) } else { byPattern[q]?.remove(c) }
            for keys in indexed[q] ?? [] {
                let id = q << 16 | keys
                let key = projection(classCodes[c], keys)
                if alive {
                    index[id]?[key, default: []].append(c)
                } else {
                    index[id]?[key]?.removeAll { $0 == c }
                }
            }
        }

        /// Whether class `c` without `rows` (and with `added`) keeps l distinct known values of every sensitive
        /// variable, or is left empty.
        func keepsL(_ c: Int?, without rows: [Int], adding added: [Int], l: Int) -> Bool {
            let size = (c.map { members[$0].count } ?? 0) - rows.count + added.count
            if size == 0 { return true }
            for s in sensitive.indices {
                var counts = c.map { valueCounts[$0][s] } ?? [:]
                for i in rows where sensitive[s][i] >= 0 {
                    let left = (counts[sensitive[s][i]] ?? 1) - 1
                    counts[sensitive[s][i]] = left > 0 ? left : nil
                }
                for i in added where sensitive[s][i] >= 0 { counts[sensitive[s][i], default: 0] += 1 }
                if counts.count < l { return false }
            }
            return true
        }

        /// Puts value `v` of key `d` back in `rows` (one class, all missing `d`) if k and l still hold; whether it did.
        mutating func move(_ rows: [Int], key d: Int, to v: Int32, k: Int, l: Int, work: inout Int) -> Bool {
            let from = classOf[rows[0]]
            guard rows.allSatisfy({ classOf[$0] == from && engine.isMissing($0, d) }) else { return false }
            var target = classCodes[from]
            target[d] = v
            let existing = classIndex[target].flatMap { members[$0].isEmpty ? nil : $0 }
            let whole = rows.count == members[from].count
            guard keepsL(existing, without: [], adding: rows, l: l),
                whole || keepsL(from, without: rows, adding: [], l: l)
            else { return false }
            for i in rows { engine.set(i, key: d, to: v) }
            var ok = engine.frequency(of: rows[0]) >= k
            if ok {
                // Classes that matched the group before and not now: d present with another value, agreeing with
                // the group on every key both have. (Complete records did not count a group missing every key.)
                let was = classCodes[from]
                let p = pattern(of: was)
                let full: UInt32 = (1 << UInt32(m)) - 1
                let bit: UInt32 = 1 << UInt32(d)
                search: for q in byPattern.keys where q & bit == 0 {
                    if p == full && m > 1 && q == 0 { continue }
                    let shown = ~p & ~q & full
                    let list = agreeing(pattern: q, on: shown)[projection(was, shown)] ?? []
                    work += list.count + 1
                    for c in list where classCodes[c][d] != v {
                        guard let rep = members[c].first else { continue }
                        if engine.frequency(of: rep) < k {
                            ok = false
                            break search
                        }
                    }
                }
            }
            guard ok else {
                for i in rows { engine.set(i, key: d, to: -1) }
                return false
            }
            let to = classFor(target)
            for i in rows {
                remove(i, from: from)
                insert(i, into: to)
            }
            return true
        }
    }
}
