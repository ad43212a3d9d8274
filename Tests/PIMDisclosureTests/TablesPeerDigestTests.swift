import PIMDisclosure
import PIMTable
import Testing

@Suite struct TablesPeerDigestTests {
    typealias F = ReduceFixtures

    @Test func canonicalTextMatchesThePeersFormat() throws {
        // Given (x,p)×6, (x,q)×2, (y,p)×5 and threshold 5
        let a: [String?] = Array(repeating: "x", count: 8) + Array(repeating: "y", count: 5)
        let b: [String?] = Array(repeating: "p", count: 6) + ["q", "q"] + Array(repeating: "p", count: 5)
        let table = try Table(columns: [F.texts("a", a), F.texts("b", b)])
        let t = try Aggregation.aggregate(table, by: ["a", "b"])
        // Then the text is canon_agg's: header, published cells sorted, trailing newline
        #expect(
            PeerDigest.aggregateText(t)
                == "task=agg;dims=a,b;threshold=5;cells=3;published=2;suppressed_cells=1;suppressed_records=2;total=13\n"
                + "x,p,6\ny,p,5\n")
        // Secondary suppression does not change it (the peers do primary suppression only)
        #expect(t.cells.contains { $0.status == .secondary })
        #expect(PeerDigest.aggregateText(t, dimensionNames: ["A", "B"]).hasPrefix("task=agg;dims=A,B;"))
    }

    @Test func labelsSortByBytesLikePython() throws {
        // Python sorts str by code point, i.e. UTF-8 byte order: "Z" < "a" < "é"
        let table = try Table(columns: [F.texts("a", Array(repeating: "é", count: 5) + Array(repeating: "a", count: 5) + Array(repeating: "Z", count: 5))])
        let t = try Aggregation.aggregate(table, by: ["a"])
        let lines = PeerDigest.aggregateText(t).split(separator: "\n").dropFirst()
        #expect(lines == ["Z,5", "a,5", "é,5"])
    }
}
