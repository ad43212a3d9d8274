import PIMDisclosure
import PIMTable
import PropertyBased
import Testing

/// `pim anonymize` puts back what its greedy rounds suppressed beyond need, the most important key first (QA16 MED-1,
/// QA17 MED-1).
@Suite struct ReduceRestoreTests {
    typealias F = ReduceFixtures

    /// Key rows (codes, -1 missing) of a table, as the release shows them.
    static func keyRows(_ table: Table, keys: [String]) throws -> [[Int]] {
        let columns = try keys.map { try #require(table[$0]) }
        return (0..<table.rowCount).map { i in
            columns.map { c in
                if c.isNull(i) { return -1 }
                switch c.data {
                case .integer(let v, _): return Int(v[i])
                case .text(let codes, _): return Int(codes[i])
                default: return 0
                }
            }
        }
    }

    /// k by sdcMicro's rule (a missing value matches any; with several keys, complete records do not count records
    /// missing every key) and distinct l of known values per class of identical keys, by brute force.
    static func holds(_ rows: [[Int]], sensitive: [Int], k: Int, l: Int) -> Bool {
        let m = rows.first?.count ?? 0
        func full(_ r: [Int]) -> Bool { r.allSatisfy { $0 < 0 } }
        func complete(_ r: [Int]) -> Bool { r.allSatisfy { $0 >= 0 } }
        for i in rows.indices {
            var fk = 0
            for j in rows.indices {
                if full(rows[i]) {
                    fk += 1
                    continue
                }
                guard (0..<m).allSatisfy({ rows[i][$0] < 0 || rows[j][$0] < 0 || rows[i][$0] == rows[j][$0] }) else { continue }
                if m > 1 && complete(rows[i]) && full(rows[j]) { continue }
                fk += 1
            }
            if fk < k { return false }
            let known = Set(rows.indices.filter { rows[$0] == rows[i] && sensitive[$0] >= 0 }.map { sensitive[$0] })
            if known.count < l { return false }
        }
        return true
    }

    @Test func theMostImportantKeyIsNotSuppressedWhenTheOthersDo() throws {
        // Given QA16's case: three keys, k2 marked most important
        let rows: [[String?]] = [
            ["K01", "K11", "K20", "t"], ["K00", "K10", "K21", "r"], ["K00", "K10", "K21", "p"], ["K00", "K12", "K20", "p"],
            ["K01", "K11", "K20", "q"], ["K03", "K11", "K21", nil], ["K03", "K11", "K20", "p"], [nil, "K11", "K20", nil],
            ["K00", "K10", "K21", "p"],
        ]
        let names = ["k0", "k1", "k2", "s0"]
        let table = try Table(columns: names.indices.map { c in F.texts(names[c], rows.map { $0[c] }) })
        let keys = ["k0", "k1", "k2"]
        let r = try Anonymizer.apply(
            AnonymizationPlan(keys: keys, k: 2, importance: ["k2", "k1", "k0"]), to: table,
            lDiversity: LDiversityRequirement(l: 2, sensitive: ["s0"]))
        // Then no k2 value is suppressed (before: 4), fewer values are lost in all (before: 21), and k and l hold
        #expect(r.recordsRemovedForL == 0)
        #expect(r.suppressedPerVariable.first { $0.key == "k2" }?.count == 0)
        #expect(r.suppressedPerVariable.reduce(0) { $0 + $1.count } <= 17)
        let sensitive = try Self.keyRows(r.table, keys: ["s0"]).map { $0[0] }
        #expect(Self.holds(try Self.keyRows(r.table, keys: keys), sensitive: sensitive, k: 2, l: 2))
    }

    static let cases = Gen.int(in: 0...9).array(of: 5).array(of: 6...36)

    @Test func noSuppressedValueCanBePutBackWithoutBreakingKOrL() async {
        // Given random tables of three keys (a few values missing) and one sensitive variable, a random k, and a
        // random importance order
        await propertyCheck(count: 200, input: Self.cases, Gen.int(in: 0...11), Gen.int(in: 2...3)) { raw, choice, k in
            // (Half the runs ask k only, half k and l = 2: the pass runs after either.)
            let order = choice % 6
            let l = choice < 6 ? 2 : 0
            let keys = ["k0", "k1", "k2"]
            let rows: [[Int?]] = raw.map { r in
                (0..<3).map { d in r[d] == 9 ? nil : r[d] % (2 + d) } + [r[3] == 9 ? nil : r[4] % 4]
            }
            let table = try Table(columns: (0..<4).map { c in
                RiskFixtures.integers(c < 3 ? keys[c] : "s", rows.map { $0[c] })
            })
            let permutations = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
            let importance = permutations[order].map { keys[$0] }
            let result: AnonymizationResult
            do {
                result = try Anonymizer.apply(
                    AnonymizationPlan(keys: keys, k: k, importance: importance), to: table,
                    lDiversity: l == 2 ? LDiversityRequirement(l: 2, sensitive: ["s"]) : nil)
            } catch {
                return  // (fewer than k rows, or fewer than l distinct values in the whole table: refused)
            }
            // Then k and l hold
            let out = try Self.keyRows(result.table, keys: keys)
            let sensitive = try Self.keyRows(result.table, keys: ["s"]).map { $0[0] }
            #expect(Self.holds(out, sensitive: sensitive, k: k, l: l))
            guard result.recordsRemovedForL == 0 else { return }
            // And no single suppressed value can be put back with k and l still holding
            let original = try Self.keyRows(table, keys: keys)
            for i in out.indices {
                for d in 0..<3 where out[i][d] < 0 && original[i][d] >= 0 {
                    var back = out
                    back[i][d] = original[i][d]
                    #expect(!Self.holds(back, sensitive: sensitive, k: k, l: l), "row \(i) key \(d) could be put back")
                }
            }
        }
    }
}
