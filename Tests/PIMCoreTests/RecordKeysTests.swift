import Foundation
import PIMCore
import Testing

/// The secret per-record keys of the cell-key method.
@Suite struct RecordKeysTests {
    @Test func keysAreFixedPerVersionAndUnrelatedAcrossVersionsAndWorkspaces() {
        let secret = Data((0..<32).map { UInt8($0) })
        let other = Data((0..<32).map { UInt8(255 - $0) })
        let a = RecordKeys.keys(secret: secret, scope: "version-1", count: 1_000)
        #expect(a.count == 1_000)
        // The same secret and version give the same keys (a cell shows the same count after a restart) …
        #expect(RecordKeys.keys(secret: secret, scope: "version-1", count: 1_000) == a)
        // … and row i keeps its key whatever the number of rows asked for.
        #expect(Array(RecordKeys.keys(secret: secret, scope: "version-1", count: 2_000).prefix(1_000)) == a)
        // Another version or another workspace's secret: unrelated keys.
        let b = RecordKeys.keys(secret: secret, scope: "version-2", count: 1_000)
        let c = RecordKeys.keys(secret: other, scope: "version-1", count: 1_000)
        #expect(zip(a, b).filter { $0 == $1 }.count < 3)
        #expect(zip(a, c).filter { $0 == $1 }.count < 3)
        #expect(RecordKeys.keys(secret: secret, scope: "version-1", count: 0).isEmpty)
    }

    @Test func keysSpreadOverTheWholeRange() {
        // 100,000 keys: the mean is within 1 % of 2^31 and each sixteenth of the range holds 6.25 % ± 0.5 %.
        let keys = RecordKeys.keys(secret: RecordKeys.newSecret(), scope: "v", count: 100_000)
        let mean = keys.reduce(0.0) { $0 + Double($1) } / Double(keys.count)
        #expect(abs(mean / 2_147_483_648.0 - 1) < 0.01)
        var buckets = [Int](repeating: 0, count: 16)
        for k in keys { buckets[Int(k >> 28)] += 1 }
        #expect(buckets.allSatisfy { abs(Double($0) / 100_000 - 0.0625) < 0.005 })
    }
}
