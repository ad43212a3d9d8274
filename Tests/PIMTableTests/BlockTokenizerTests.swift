import Foundation
import PropertyBased
import Testing

@testable import PIMTable

/// The 64-bytes-per-step tokenizer (``CSVBlockTokenizer``) against the scalar one: whenever it returns
/// a chunk, the chunk is the scalar tokenizer's; on regular input it always returns one.
@Suite struct BlockTokenizerTests {
    struct Snapshot: Equatable {
        var base: Int
        var starts: [UInt32]
        var ends: [UInt32]
        var stop: Int
        var physicalRows: Int
        var blankBefore: [Int]
        var padded: Int

        init(_ c: TokenChunk) {
            base = c.base
            starts = (0..<c.starts.count).map { c.starts[$0] }
            ends = (0..<c.ends.count).map { c.ends[$0] }
            stop = c.stop
            physicalRows = c.physicalRows
            blankBefore = c.blankBefore
            padded = c.padded
        }
    }

    struct Outcome {
        var block: Snapshot?
        var scalar: Snapshot
        var scalarFailed: Bool
    }

    func run(_ bytes: [UInt8], fields: Int, from: Int, limit: Int, maxCell: Int, ragged: Bool) -> Outcome {
        bytes.withUnsafeBufferPointer { b in
            // A pointer is needed even for an empty input.
            let p = b.baseAddress ?? UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))
            let block = CSVBlockTokenizer.tokenize(
                p, count: b.count, from: from, limit: limit, delimiter: UInt8(ascii: ","), fields: fields,
                maxCellBytes: maxCell)
            let scalar = CSVTokenizer.tokenize(
                p, count: b.count, from: from, limit: limit, delimiter: UInt8(ascii: ","), fields: fields,
                maxCellBytes: maxCell, allowRagged: ragged)
            return Outcome(block: block.map(Snapshot.init), scalar: Snapshot(scalar), scalarFailed: scalar.failure != nil)
        }
    }

    /// Random bytes from the characters that matter (quotes, delimiters, CR, LF, NUL) and some text.
    @Test func blockTokenizerAgreesWithScalarOnRandomInput() async {
        await propertyCheck(count: 3000, input: Gen.uint64()) { seed in
            var rng = SplitMix(seed: seed)
            let alphabet = Array("ab,,\"\"\r\n\n x".utf8) + [0]
            let count = Int(rng.next() % 300)
            let bytes = (0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let fields = 1 + Int(rng.next() % 4)
            let from = count == 0 ? 0 : Int(rng.next() % UInt64(count))
            let limit = from + Int(rng.next() % UInt64(count - from + 2))
            let maxCell = rng.next() % 4 == 0 ? Int(rng.next() % 20) : 1 << 20
            let o = run(bytes, fields: fields, from: from, limit: limit, maxCell: maxCell, ragged: rng.next() % 2 == 0)
            if let block = o.block {
                #expect(!o.scalarFailed)
                #expect(block == o.scalar)
            }
        }
    }

    /// Well-formed records: quoted cells with delimiters, doubled quotes, CR, LF and CRLF inside; LF,
    /// CRLF and lone-CR line ends; blank lines; cell lengths that put every kind of byte at every
    /// position relative to the 64-byte blocks. The block tokenizer must take them and agree.
    @Test func blockTokenizerTakesRegularInputAndAgrees() async {
        await propertyCheck(count: 1500, input: Gen.uint64()) { seed in
            var rng = SplitMix(seed: seed)
            let fields = 1 + Int(rng.next() % 5)
            var bytes: [UInt8] = []
            var recordStarts: [Int] = []
            let records = Int(rng.next() % 12)
            let terminators: [[UInt8]] = [[10], [13, 10], [13]]
            for r in 0..<records {
                if rng.next() % 8 == 0 { bytes += terminators[Int(rng.next() % 2)] }
                recordStarts.append(bytes.count)
                for f in 0..<fields {
                    if f > 0 { bytes.append(UInt8(ascii: ",")) }
                    let length = Int(rng.next() % 70)
                    if rng.next() % 3 == 0 {
                        bytes.append(UInt8(ascii: "\""))
                        let inside = Array("ab ,\r\n".utf8)
                        for _ in 0..<length {
                            if rng.next() % 10 == 0 {
                                bytes += [UInt8(ascii: "\""), UInt8(ascii: "\"")]
                            } else {
                                bytes.append(inside[Int(rng.next() % UInt64(inside.count))])
                            }
                        }
                        bytes.append(UInt8(ascii: "\""))
                    } else {
                        let text = Array("abcxyz 0123-".utf8)
                        for _ in 0..<length { bytes.append(text[Int(rng.next() % UInt64(text.count))]) }
                    }
                }
                // A lone CR before a record that starts with LF would merge into CRLF: use LF then.
                if r + 1 < records || rng.next() % 2 == 0 { bytes += terminators[Int(rng.next() % 3)] }
            }
            // Start at the beginning or at a record start, stop at the end or at a later offset.
            let from = recordStarts.isEmpty || rng.next() % 2 == 0 ? 0 : recordStarts[Int(rng.next() % UInt64(recordStarts.count))]
            let limit = rng.next() % 2 == 0 ? bytes.count : from + Int(rng.next() % UInt64(bytes.count - from + 1))
            let o = run(bytes, fields: fields, from: from, limit: limit, maxCell: 1 << 20, ragged: false)
            #expect(!o.scalarFailed)
            #expect(o.block != nil)
            if let block = o.block { #expect(block == o.scalar) }

            // Keeping only some fields' starts (each with its successor) keeps exactly those of the scalar.
            var keep: UInt64 = 0
            for c in 0..<fields where rng.next() % 2 == 0 {
                keep |= 1 << UInt64(c)
                if c + 1 < fields { keep |= 1 << UInt64(c + 1) }
            }
            let kept = bytes.withUnsafeBufferPointer { b -> TokenChunk? in
                guard let p = b.baseAddress else { return nil }
                return CSVBlockTokenizer.tokenize(
                    p, count: b.count, from: from, limit: limit, delimiter: UInt8(ascii: ","), fields: fields,
                    maxCellBytes: 1 << 20, keep: keep)
            }
            guard !bytes.isEmpty else { return }
            guard let chunk = kept else {
                Issue.record("the block tokenizer refused regular input when keeping some fields")
                return
            }
            let stored = chunk.stored ?? Array(0..<fields)
            #expect(stored == (0..<fields).filter { (keep >> UInt64($0)) & 1 != 0 })
            var expected = o.scalar
            expected.starts = expected.starts.enumerated().filter { stored.contains($0.offset % fields) }.map(\.element)
            #expect(Snapshot(chunk) == expected)
        }
    }

    @Test func irregularInputIsLeftToTheScalarTokenizer() {
        let cases: [(String, Int)] = [
            ("a,b\"c\n", 2),  // a quote inside an unquoted cell
            ("\"a\"b,c\n", 2),  // text after a closing quote
            ("\"a,b\n", 2),  // an unbalanced quote
            ("a,b\nc\n", 2),  // a short row
            ("a,b,c\n", 2),  // a long row
            ("a,\0\n", 2),  // a NUL byte
        ]
        for (text, fields) in cases {
            let o = run(Array(text.utf8), fields: fields, from: 0, limit: text.utf8.count, maxCell: 1 << 20, ragged: false)
            #expect(o.block == nil, "\(text.debugDescription)")
        }
        // A cell over the size limit.
        let long = Array("abcdef,g\n".utf8)
        #expect(run(long, fields: 2, from: 0, limit: long.count, maxCell: 3, ragged: false).block == nil)
    }

    @Test func aFileReadThroughTheBlockTokenizerKeepsItsCells() throws {
        // More than 4 MB, so that the reader splits it into pieces and uses the block tokenizer.
        var text = "id,note,n\n"
        var expected: [String] = []
        for i in 0..<90_000 {
            let note = i % 7 == 0 ? "line one\r\nline \"\"two\"\", with comma" : String(repeating: "x", count: i % 90)
            let shown = i % 7 == 0 ? "line one\r\nline \"two\", with comma" : note
            expected.append(shown)
            text += i % 3 == 0 ? "r\(i),\"\(note)\",\(i % 50)\r\n" : "r\(i),\(i % 7 == 0 ? "\"\(note)\"" : note),\(i % 50)\n"
        }
        #expect(text.utf8.count > 1 << 22)
        let table = try CSVReader.read(bytes: Array(text.utf8), fileName: "block.csv").table
        #expect(table.rowCount == 90_000)
        let notes = try table.column(named: "note")
        for i in stride(from: 0, to: 90_000, by: 997) {
            let cell = notes[i]
            if expected[i].isEmpty {
                #expect(cell == .null)
            } else {
                #expect(cell == .text(expected[i]))
            }
        }
    }
}
