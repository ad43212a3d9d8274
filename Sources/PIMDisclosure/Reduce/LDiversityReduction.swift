import PIMTable

/// Distinct l-diversity asked of an anonymisation, on top of its k (see ``Anonymizer/apply(_:to:lDiversity:)``).
public struct LDiversityRequirement: Sendable, Hashable {
    /// The smallest number of distinct values of each sensitive variable every equivalence class must hold (≥ 2).
    public var l: Int
    /// The sensitive variables.
    public var sensitive: [String]
    /// Whether k is measured with sdcMicro's rule that a missing key value matches any category.
    public var missingMatchesAny: Bool

    public init(l: Int, sensitive: [String], missingMatchesAny: Bool = true) {
        self.l = l
        self.sensitive = sensitive
        self.missingMatchesAny = missingMatchesAny
    }
}

/// Reaches distinct l-diversity on a table that is already k-anonymous, losing as little as it can.
///
/// Distinct l is measured per class of identical key values over known values only
/// (``RiskAnalysis/rowsInClassesBelow(distinctL:sensitive:keys:missingMatchesAny:countingMissing:in:)`` with
/// `countingMissing` false): `pim risk` reports sdcMicro's figure, where a missing sensitive value counts as one
/// more value when the class has others, but a release whose class holds one recorded value and some missing
/// ones tells every member with a recorded value what it is. A class below l is first generalised, not removed: each round suppresses, in every record of the
/// failing classes, the least important key still present (the same key for every member of a class, so the
/// class stays together and joins the records that already miss that key), then local suppression restores k.
/// When the failing records already miss every key (the class of fully suppressed records still lacks l
/// values), records holding the values it lacks join it, their keys suppressed, when other classes can spare
/// them (see ``donors(for:in:keys:k:l:sensitive:)``), or else whole classes holding those values join it, the
/// smallest first (see ``classesToMerge(into:in:keys:l:sensitive:)``): suppression, never deletion, as long as
/// the table as a whole has l distinct values (checked first). Records are removed only if no class can
/// bring what is lacking. Every round suppresses a value or removes a record, so it ends.
enum LDiversityReduction {
    struct Result {
        var table: Table
        /// For every row of ``table``, its row in the input.
        var origin: [Int]
        var recordsRemoved: Int
        var classesRemoved: Int
    }

    /// - Parameters:
    ///   - table: k-anonymous on `keys`.
    ///   - order: key indices, least important first (``LocalSuppression/suppressionOrder(keys:importance:available:)``).
    /// - Throws: ``ReductionError/lUnreachable(l:sensitive:distinct:)`` when a sensitive variable has fewer than
    ///   l distinct values in the whole table (no grouping can reach l), ``ReductionError/lLeavesTooFewRecords(l:k:removed:left:)``
    ///   when the records left after removals cannot be k-anonymous.
    static func apply(
        to table: Table, keys: [String], k: Int, importance: [String], order: [Int], requirement: LDiversityRequirement
    ) throws(ReductionError) -> Result {
        let l = requirement.l
        for name in requirement.sensitive {
            let column = try table.reductionColumn(name)
            let distinct = column.distinctCount
            if distinct < l { throw .lUnreachable(l: l, sensitive: name, distinct: distinct) }
        }
        var current = table
        var origin = Array(0..<table.rowCount)
        var removed = 0
        var removedClasses = 0
        while true {
            let failing: [Int]
            do {
                failing = try RiskAnalysis.rowsInClassesBelow(
                    distinctL: l, sensitive: requirement.sensitive, keys: keys,
                    missingMatchesAny: requirement.missingMatchesAny, countingMissing: false, in: current)
            } catch {
                throw .disclosure(error)
            }
            if failing.isEmpty { return Result(table: current, origin: origin, recordsRemoved: removed, classesRemoved: removedClasses) }
            // A failing class that already misses some keys is first joined by the classes that agree with it on
            // the keys it has, with those others' remaining keys suppressed: cheaper than suppressing one more of
            // its own keys, and it keeps the more important ones (QA15 MED-3).
            let joins = try partialJoins(failing: failing, in: current, keys: keys, l: l, sensitive: requirement.sensitive)
            if joins.contains(where: { !$0.isEmpty }) {
                for d in keys.indices where !joins[d].isEmpty {
                    guard let column = current[keys[d]] else { continue }
                    current = current.replacing(column.settingNull(rows: joins[d]))
                }
                current = try LocalSuppression.apply(to: current, keys: keys, k: k, importance: importance).table
                continue
            }
            var rowsOfKey = [[Int]](repeating: [], count: keys.count)
            var stuck: [Int] = []
            for i in failing {
                if let d = order.first(where: { current[keys[$0]]?.isNull(i) == false }) {
                    rowsOfKey[d].append(i)
                } else {
                    stuck.append(i)
                }
            }
            if stuck.count == failing.count, let pulled = try joiners(
                for: stuck, in: current, keys: keys, k: k, l: l, sensitive: requirement.sensitive)
            {
                // Every failing record misses every key; records holding the values their class lacks join it
                // (single records that their classes can spare, else whole classes: suppressing more keys
                // rather than removing anyone).
                for key in keys {
                    guard let column = current[key] else { continue }
                    current = current.replacing(column.settingNull(rows: pulled))
                }
            } else if stuck.count == failing.count {
                // Every failing record misses every key, and no other record can bring the missing values (only
                // when the table itself has too few: ``classesToMerge(into:in:keys:l:sensitive:)`` can otherwise
                // always join enough classes).
                removed += stuck.count
                removedClasses += 1
                let gone = Set(stuck)
                let kept = (0..<current.rowCount).filter { !gone.contains($0) }
                current = current.selectingRows(kept)
                origin = kept.map { origin[$0] }
                if current.rowCount < k {
                    throw .lLeavesTooFewRecords(l: l, k: k, removed: removed, left: current.rowCount)
                }
            } else {
                for d in keys.indices where !rowsOfKey[d].isEmpty {
                    guard let column = current[keys[d]] else { continue }
                    current = current.replacing(column.settingNull(rows: rowsOfKey[d]))
                }
                // A more general record still matches every record it matched, so k can only fall when a
                // record now misses every key (complete records do not count those, as in sdcMicro).
                let columns = keys.compactMap { current[$0] }
                let emptied = rowsOfKey.joined().contains { i in columns.allSatisfy { $0.isNull(i) } }
                if !emptied { continue }
            }
            current = try LocalSuppression.apply(to: current, keys: keys, k: k, importance: importance).table
        }
    }
}

extension LDiversityReduction {
    /// Records whose keys, all suppressed, would bring the class of fully suppressed records (`stuck`, below l)
    /// the sensitive values it lacks: for each value it lacks, one record holding it, taken from a class that
    /// holds that value at least twice (so that the class keeps its distinct values) and has more than k
    /// records, the largest classes first. Nil when some sensitive variable cannot be brought to l this way.
    static func donors(
        for stuck: [Int], in table: Table, keys: [String], k: Int, l: Int, sensitive: [String]
    ) throws(ReductionError) -> [Int]? {
        let freq = try exactClasses(table, keys: keys)
        let cls = freq.classOfRecord
        let isStuck = Set(stuck)
        var sizes = freq.classSizes
        var taken: [Int] = []
        for name in sensitive {
            let codes = KeyCodes(column: try table.reductionColumn(name)).codes
            var present = Set<Int32>()
            for i in stuck + taken where codes[i] >= 0 { present.insert(codes[i]) }
            // Distinct known values: a missing value is not a value anyone in the class can be told apart by.
            func distinct() -> Int { present.count }
            if distinct() >= l { continue }
            var held: [Int64: Int] = [:]  // (class, value) → records
            for i in 0..<table.rowCount where codes[i] >= 0 && !isStuck.contains(i) {
                held[Int64(cls[i]) << 32 | Int64(codes[i]), default: 0] += 1
            }
            let candidates = (0..<table.rowCount).filter { codes[$0] >= 0 && !isStuck.contains($0) && !taken.contains($0) }
                .sorted { sizes[Int(cls[$0])] > sizes[Int(cls[$1])] }
            for i in candidates where distinct() < l && !present.contains(codes[i]) {
                let c = Int(cls[i])
                let pair = Int64(c) << 32 | Int64(codes[i])
                guard held[pair, default: 0] >= 2, Int(sizes[c]) > k else { continue }
                taken.append(i)
                present.insert(codes[i])
                held[pair, default: 0] -= 1
                sizes[c] -= 1
            }
            if distinct() < l { return nil }
        }
        return taken.isEmpty ? nil : taken
    }

    /// The classes of identical key values (a missing value is a value of its own, as in a release).
    static func exactClasses(_ table: Table, keys: [String]) throws(ReductionError) -> KeyFrequencies {
        do {
            return try KeyFrequencies(table: table, keys: keys, weight: nil, missingMatchesAny: false, perRecord: false)
        } catch {
            throw .disclosure(error)
        }
    }

    /// For failing classes that miss some keys but not all: the records of other classes that agree with one on
    /// every key it has and, with their other keys suppressed, would join it and bring the sensitive values it
    /// lacks (the smallest such classes first, as ``classesToMerge(into:in:keys:l:sensitive:)``). Each class
    /// takes part in at most one join a round. Returns, per key, the rows whose value of that key to suppress
    /// (all empty when no failing class can be completed this way).
    static func partialJoins(
        failing: [Int], in table: Table, keys: [String], l: Int, sensitive: [String]
    ) throws(ReductionError) -> [[Int]] {
        var out = [[Int]](repeating: [], count: keys.count)
        guard keys.count > 1 else { return out }
        let freq = try exactClasses(table, keys: keys)
        let cls = freq.classOfRecord
        var keyCodes: [[Int32]] = []
        for name in keys { keyCodes.append(KeyCodes(column: try table.reductionColumn(name)).codes) }
        let codes = try sensitiveCodes(table, sensitive)
        var members = [[Int]](repeating: [], count: freq.classCount)
        for i in 0..<table.rowCount { members[Int(cls[i])].append(i) }
        func present(_ r: Int) -> [Int] { keys.indices.filter { keyCodes[$0][r] >= 0 } }
        // Classes by the keys they have and their values on them, built per set of keys as needed.
        var byValues: [[Int]: [[Int32]: [Int]]] = [:]
        func classes(agreeingOn shown: [Int], with r: Int) -> [Int] {
            if byValues[shown] == nil {
                var index: [[Int32]: [Int]] = [:]
                for c in members.indices where !members[c].isEmpty {
                    let rep = members[c][0]
                    guard shown.allSatisfy({ keyCodes[$0][rep] >= 0 }) else { continue }
                    index[shown.map { keyCodes[$0][rep] }, default: []].append(c)
                }
                byValues[shown] = index
            }
            return byValues[shown]?[shown.map { keyCodes[$0][r] }] ?? []
        }
        var claimed = Set<Int>()
        for klass in Set(failing.map { Int(cls[$0]) }).sorted() where !claimed.contains(klass) {
            let rep = members[klass][0]
            let shown = present(rep)
            guard !shown.isEmpty, shown.count < keys.count else { continue }
            let candidates = classes(agreeingOn: shown, with: rep).filter { $0 != klass && !claimed.contains($0) }
            guard let chosen = smallestCompleting(members[klass], from: candidates, members: members, codes: codes, l: l),
                !chosen.isEmpty
            else { continue }
            claimed.insert(klass)
            for c in chosen {
                claimed.insert(c)
                for r in members[c] {
                    for d in keys.indices where !shown.contains(d) && keyCodes[d][r] >= 0 { out[d].append(r) }
                }
            }
        }
        return out
    }

    /// The records that join the stuck class: ``donors(for:in:keys:k:l:sensitive:)`` if enough can be spared,
    /// else ``classesToMerge(into:in:keys:l:sensitive:)``.
    static func joiners(
        for stuck: [Int], in table: Table, keys: [String], k: Int, l: Int, sensitive: [String]
    ) throws(ReductionError) -> [Int]? {
        if let spared = try donors(for: stuck, in: table, keys: keys, k: k, l: l, sensitive: sensitive) { return spared }
        return try classesToMerge(into: stuck, in: table, keys: keys, l: l, sensitive: sensitive)
    }

    /// Whole classes whose keys, all suppressed, would bring the class of fully suppressed records (`stuck`,
    /// below l) the sensitive values it lacks, when no single records can be spared
    /// (``donors(for:in:keys:k:l:sensitive:)``): while a sensitive variable has fewer than l distinct known values
    /// in the class, the smallest class holding a value it lacks joins it (of equal sizes, the one bringing more
    /// new values). A joined class leaves nothing behind, so no other class loses records, and the grown class
    /// keeps at least k. Nil when the classes together cannot bring l values.
    static func classesToMerge(
        into stuck: [Int], in table: Table, keys: [String], l: Int, sensitive: [String]
    ) throws(ReductionError) -> [Int]? {
        let freq = try exactClasses(table, keys: keys)
        let cls = freq.classOfRecord
        let stuckClasses = Set(stuck.map { cls[$0] })
        var members = [[Int]](repeating: [], count: freq.classCount)
        for i in 0..<table.rowCount where !stuckClasses.contains(cls[i]) { members[Int(cls[i])].append(i) }
        let codes = try sensitiveCodes(table, sensitive)
        guard let chosen = smallestCompleting(
            stuck, from: members.indices.filter { !members[$0].isEmpty }, members: members, codes: codes, l: l)
        else { return nil }
        let taken = chosen.flatMap { members[$0] }
        return taken.isEmpty ? nil : taken.sorted()
    }

    /// Each sensitive variable's codes (-1 for a missing value).
    static func sensitiveCodes(_ table: Table, _ sensitive: [String]) throws(ReductionError) -> [[Int32]] {
        var codes: [[Int32]] = []
        for name in sensitive { codes.append(KeyCodes(column: try table.reductionColumn(name)).codes) }
        return codes
    }

    /// The classes of `candidates` that, joining the records `rows`, give every sensitive variable at least l
    /// distinct known values: while one has fewer, the smallest class holding a value it lacks (of equal sizes,
    /// the one bringing more new values). Empty when `rows` already have them; nil when the candidates cannot
    /// bring them.
    static func smallestCompleting(
        _ rows: [Int], from candidates: [Int], members: [[Int]], codes: [[Int32]], l: Int
    ) -> [Int]? {
        var have = codes.map { c in Set(rows.compactMap { c[$0] >= 0 ? c[$0] : nil }) }
        var chosen: [Int] = []
        while let v = have.indices.first(where: { have[$0].count < l }) {
            var best: (klass: Int, size: Int, gain: Int)?
            for c in candidates where !chosen.contains(c) {
                let gain = Set(members[c].compactMap { codes[v][$0] >= 0 ? codes[v][$0] : nil }).subtracting(have[v]).count
                guard gain > 0 else { continue }
                if let b = best, b.size < members[c].count || (b.size == members[c].count && b.gain >= gain) { continue }
                best = (c, members[c].count, gain)
            }
            guard let pick = best else { return nil }
            chosen.append(pick.klass)
            for s in codes.indices { for i in members[pick.klass] where codes[s][i] >= 0 { have[s].insert(codes[s][i]) } }
        }
        return chosen
    }
}
