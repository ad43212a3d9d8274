import PIMDisclosure
import PIMTable
import PropertyBased
import Testing

@Suite struct RiskPropertyTests {
    /// Rows of three key codes in 0...3, where −1 stands for a missing value.
    static let rows = Gen.int(in: -1...3).array(of: 3).array(of: 1...40)
    static let weights = Gen.int(in: 0...50).array(of: 40)

    static func table(_ rows: [[Int]], weights: [Int], keys: Int = 3, completeKeys: Bool = false) throws -> Table {
        var columns = (0..<keys).map { k in
            RiskFixtures.integers("k\(k)", rows.map { r in r[k] < 0 && !completeKeys ? nil : max(r[k], 0) })
        }
        columns.append(RiskFixtures.integers("w", rows.indices.map { weights[$0] }))
        columns.append(RiskFixtures.integers("hh", rows.indices.map { $0 / 3 }))
        columns.append(RiskFixtures.integers("s", rows.map { ($0[0] + $0[1] + 2) % 3 }))
        return try Table(columns: columns)
    }

    /// sdcMicro's rule by brute force: records match when they agree on every key present in both, except
    /// that with several keys a record missing every key does not count for complete records.
    static func bruteForce(_ rows: [[Int]], weights: [Int], keys: Int) -> ([Int32], [Double]) {
        let n = rows.count
        func allMissing(_ r: [Int]) -> Bool { (0..<keys).allSatisfy { r[$0] < 0 } }
        func complete(_ r: [Int]) -> Bool { (0..<keys).allSatisfy { r[$0] >= 0 } }
        var fk = [Int32](repeating: 0, count: n)
        var bigF = [Double](repeating: 0, count: n)
        for i in 0..<n {
            if allMissing(rows[i]) {
                fk[i] = Int32(n)
                bigF[i] = Double(weights.prefix(n).reduce(0, +))
                continue
            }
            for j in 0..<n {
                let agree = (0..<keys).allSatisfy { rows[i][$0] < 0 || rows[j][$0] < 0 || rows[i][$0] == rows[j][$0] }
                if !agree { continue }
                if keys > 1 && complete(rows[i]) && allMissing(rows[j]) { continue }
                fk[i] += 1
                bigF[i] += Double(weights[j])
            }
        }
        return (fk, bigF)
    }

    @Test func wildcardFrequenciesEqualTheBruteForceDefinition() async {
        await propertyCheck(count: 200, input: Self.rows, Self.weights, Gen.int(in: 1...3)) { rows, weights, keys in
            let t = try Self.table(rows, weights: weights, keys: keys)
            let f = try KeyFrequencies(table: t, keys: (0..<keys).map { "k\($0)" }, weight: "w")
            let (fk, bigF) = Self.bruteForce(rows, weights: weights, keys: keys)
            #expect(f.fk == fk)
            #expect(f.Fk == bigF)
        }
    }

    @Test func classesPartitionTheRecords() async {
        await propertyCheck(count: 200, input: Self.rows, Self.weights) { rows, weights in
            let f = try KeyFrequencies(table: Self.table(rows, weights: weights), keys: ["k0", "k1", "k2"])
            #expect(f.classSizes.reduce(0, +) == Int32(rows.count))
            #expect(f.classSizes.count == f.classCount)
            #expect(f.fk.allSatisfy { $0 >= 1 })
            // every record's class size is at most its fk (wildcards only add matches)
            for i in rows.indices { #expect(f.classSizes[Int(f.classOfRecord[i])] <= f.fk[i]) }
        }
    }

    @Test func withoutMissingKeysFkIsTheClassSize() async {
        await propertyCheck(count: 200, input: Self.rows, Self.weights) { rows, weights in
            let t = try Self.table(rows, weights: weights, completeKeys: true)
            let f = try KeyFrequencies(table: t, keys: ["k0", "k1", "k2"])
            #expect(!f.hasMissingKeys)
            for i in rows.indices {
                #expect(f.fk[i] == f.classSizes[Int(f.classOfRecord[i])])
                let same = rows.indices.filter { j in (0..<3).allSatisfy { max(rows[j][$0], 0) == max(rows[i][$0], 0) } }
                #expect(Int(f.fk[i]) == same.count)
            }
        }
    }

    @Test func reportInvariantsHold() async {
        await propertyCheck(count: 100, input: Self.rows, Self.weights) { rows, weights in
            let t = try Self.table(rows, weights: weights.map { $0 + 1 })
            let m = try RiskAnalysis.measure(
                t, spec: RiskSpec(keys: ["k0", "k1", "k2"], sensitive: ["s"], weight: "w", household: "hh"))
            let r = m.report
            let l = try #require(r.lDiversity.first)
            // entropy l never exceeds distinct l, and recursive l never exceeds distinct l
            #expect(l.minimumEntropyL <= Double(l.distinctHistogram.last?.l ?? 0) + 1e-9)
            #expect(l.distinctHistogram.reduce(0) { $0 + $1.records } == rows.count)
            // household risk is at least each member's risk and at most 1
            let h = try #require(m.householdRisk)
            for i in rows.indices {
                #expect(h[i] >= m.risk[i] - 1e-12)
                #expect(h[i] <= 1 + 1e-12)
            }
            // k-anonymity violations grow with k; ER is the sum of the individual risks
            let counts = r.kAnonymity.map(\.violatingRecords)
            #expect(counts == counts.sorted())
            #expect(abs(r.individualRisk.expectedReidentifications - m.risk.reduce(0, +)) < 1e-9)
            #expect(r.classSizeHistogram.reduce(0) { $0 + $1.size * $1.classes } == rows.count)
        }
    }
}
