import Foundation
import PropertyBased
import Testing

@testable import PIMTable

/// The reader's large-input paths: the dictionary's key words and batched lookups, the tokenizer's
/// offset buffers, and the split of a file into more pieces than threads.
@Suite struct LargeInputReaderTests {
    // MARK: - ByteDictionary

    /// Codes from the dictionary equal those of a plain `[bytes: code]` map, for keys of every length
    /// from 0 to 40 bytes, including keys that differ only in one middle byte (which the first and last
    /// eight bytes do not see) and runs of the same key.
    @Test func dictionaryCodesMatchAReferenceMap() async {
        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            var rng = SplitMix(seed: seed)
            var keys: [[UInt8]] = []
            for _ in 0..<(1 + Int(rng.next() % 40)) {
                let n = Int(rng.next() % 41)
                keys.append((0..<n).map { _ in UInt8(ascii: "a") &+ UInt8(rng.next() % 3) })
            }
            // Variants that differ from an existing key in a single middle byte.
            for k in keys where k.count > 2 {
                var v = k
                v[k.count / 2] = v[k.count / 2] == UInt8(ascii: "z") ? UInt8(ascii: "y") : UInt8(ascii: "z")
                keys.append(v)
            }
            let cells = (0..<(1 + Int(rng.next() % 300))).map { _ in keys[Int(rng.next() % UInt64(keys.count))] }
            #expect(codes(of: cells) == referenceCodes(cells), "seed \(seed)")
        }
    }

    /// More than 4096 distinct values take the batched path; sorted ids that later break the order
    /// leave the ordered shortcut. Codes still equal the reference.
    @Test func largeDictionariesAndBrokenOrderMatchAReferenceMap() {
        var rng = SplitMix(seed: 7)
        var cells: [[UInt8]] = []
        for i in 0..<6000 { cells.append(Array(String(format: "ID%08d", i).utf8)) }
        for _ in 0..<20000 {
            let i = Int(rng.next() % 9000)
            // Long values sharing their first and last eight bytes, differing in the middle.
            cells.append(Array("Note about the case \(i) written by the officer on duty.".utf8))
        }
        for i in stride(from: 5999, through: 0, by: -7) { cells.append(Array(String(format: "ID%08d", i).utf8)) }
        #expect(codes(of: cells) == referenceCodes(cells))
    }

    /// An ordered dictionary keeps no key words; they are made from the keys when the order breaks. Sorted
    /// keys of every length (long ones sharing their first and last eight bytes), then a key out of order,
    /// then every key again, in the batched path too (more than 4096 keys): codes equal the reference.
    @Test func keyWordsAreMadeWhenTheOrderBreaks() {
        for count in [300, 5000] {
            var cells: [[UInt8]] = (0..<count).map { i in
                let id = String(format: "%06d", i)
                return Array((i % 3 == 0 ? "K\(id)" : "Key number \(id) of the sorted run, end").utf8)
            }
            cells.append(Array("A key before all the others".utf8))
            for i in stride(from: count - 1, through: 0, by: -1) { cells.append(cells[i]) }
            #expect(codes(of: cells) == referenceCodes(cells), "\(count) keys")
        }
    }

    func codes(of cells: [[UInt8]]) -> [Int32] {
        var dictionary = ByteDictionary()
        var out: [Int32] = []
        let batch = 64
        var k = 0
        while k < cells.count {
            let chunk = Array(cells[k..<min(cells.count, k + batch)])
            // One arena with the chunk's cells back to back, so pointers stay valid through the call.
            let arena: [UInt8] = chunk.flatMap { $0 } + [0]
            var starts: [Int] = []
            var offset = 0
            for c in chunk {
                starts.append(offset)
                offset += c.count
            }
            let lengths: [Int] = chunk.map(\.count)
            var hashes = [UInt64](repeating: 0, count: chunk.count)
            var result = [Int32](repeating: 0, count: chunk.count)
            arena.withUnsafeBufferPointer { (a: UnsafeBufferPointer<UInt8>) in
                guard let base = a.baseAddress else { return }
                let pointers: [UnsafePointer<UInt8>] = starts.map { base + $0 }
                pointers.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UnsafePointer<UInt8>>) in
                    lengths.withUnsafeBufferPointer { (l: UnsafeBufferPointer<Int>) in
                        hashes.withUnsafeMutableBufferPointer { (h: inout UnsafeMutableBufferPointer<UInt64>) in
                            result.withUnsafeMutableBufferPointer { (r: inout UnsafeMutableBufferPointer<Int32>) in
                                guard let pb = p.baseAddress, let lb = l.baseAddress, let hb = h.baseAddress,
                                    let rb = r.baseAddress
                                else { return }
                                dictionary.codes(pb, lb, count: chunk.count, hashes: hb, into: rb)
                            }
                        }
                    }
                }
            }
            out += result
            k += batch
        }
        return out
    }

    /// Codes in order of first appearance; an empty cell is null (-1).
    func referenceCodes(_ cells: [[UInt8]]) -> [Int32] {
        var map: [[UInt8]: Int32] = [:]
        return cells.map { c in
            if c.isEmpty { return -1 }
            if let code = map[c] { return code }
            let code = Int32(map.count)
            map[c] = code
            return code
        }
    }

    // MARK: - A large file, read in pieces

    /// Each reading thread takes a run of consecutive pieces: the runs cover every piece once, in order,
    /// and differ in length by at most one.
    /// A thread takes its own run in order, then the last pieces left of the other's run, from the end.
    @Test func aThreadDoneWithItsRunTakesFromTheEndOfTheOther() {
        let queue = RunQueue(ParallelWork.runs(8, threads: 2))
        #expect([queue.take(0), queue.take(0), queue.take(0)] == [0, 1, 2])
        #expect(queue.take(1) == 4)
        #expect(queue.take(0) == 3)
        // The first thread's run is done: it takes the second's last piece.
        #expect(queue.take(0) == 7)
        #expect([queue.take(1), queue.take(1)] == [5, 6])
        #expect(queue.take(1) == nil)
        #expect(queue.take(0) == nil)
    }

    @Test func piecesAreSplitIntoConsecutiveRuns() {
        for items in 0...20 {
            for threads in 1...4 {
                let runs = ParallelWork.runs(items, threads: threads)
                #expect(runs.count == threads)
                #expect(runs.flatMap { Array($0) } == Array(0..<items))
                let sizes = runs.map(\.count)
                #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
                #expect(sizes == sizes.sorted(by: >))
            }
        }
    }

    /// A file of more than 4 MiB is tokenized in eight pieces on two threads and its columns built in
    /// groups; the table and profiles equal those of a sequential read, and the counts equal those
    /// computed here from the generated values. Quoted cells with delimiters, doubled quotes and
    /// newlines make some guessed piece boundaries fall inside a quoted field.
    @Test func largeFileReadsTheSameInParallelAndSequentially() throws {
        var rng = SplitMix(seed: 42)
        var text = "id,household,region,age,date,note\n"
        var notes: [String] = []
        var regions = Set<String>()
        var nullNotes = 0
        let rows = 70_000
        for r in 0..<rows {
            let region = "R\(rng.next() % 17)"
            regions.insert(region)
            let note: String
            switch rng.next() % 5 {
            case 0:
                note = ""
                nullNotes += 1
            case 1: note = "\"line one\nline two, with \"\"quotes\"\" \(rng.next() % 500)\""
            default: note = "Observation \(rng.next() % 20_000) recorded during the visit to the site"
            }
            if !note.isEmpty { notes.append(note) }
            let day = 1 + Int(rng.next() % 28)
            text += "P\(String(format: "%07d", r)),H\(r / 4),\(region),\(rng.next() % 90),2024-02-\(String(format: "%02d", day)),\(note)\n"
        }
        let bytes = Array(text.utf8)
        #expect(bytes.count > 4 << 20)
        let parallel = try CSVReader.read(bytes: bytes, fileName: "large.csv")
        let sequential = try CSVReader.read(bytes: bytes, fileName: "large.csv", options: CSVReadOptions(parallel: false))
        #expect(parallel.table == sequential.table)
        #expect(parallel.report.profiles == sequential.report.profiles)
        #expect(parallel.table.rowCount == rows)
        let profiles = Dictionary(uniqueKeysWithValues: parallel.report.profiles.map { ($0.name, $0) })
        #expect(profiles["id"]?.distinctCount == rows)
        #expect(profiles["household"]?.distinctCount == (rows + 3) / 4)
        #expect(profiles["region"]?.distinctCount == regions.count)
        #expect(profiles["age"]?.inferredType == .integer)
        #expect(profiles["date"]?.inferredType == .date)
        #expect(profiles["note"]?.nullCount == nullNotes)
        #expect(profiles["note"]?.distinctCount == Set(notes).count)
        // The unquoted text of every note comes back.
        let expectedNotes = Set(notes.map { $0.hasPrefix("\"") ? String($0.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") : $0 })
        if case .text(_, let dictionary) = parallel.table["note"]?.data {
            #expect(Set(dictionary) == expectedNotes)
        } else {
            Issue.record("note is not a text column")
        }
        // Only some columns: the same values as in the full read.
        let some = try CSVReader.read(bytes: bytes, fileName: "large.csv", options: CSVReadOptions(columns: ["note", "date"]))
        #expect(some.table.columns.map(\.name) == ["date", "note"])
        #expect(some.table["note"] == parallel.table["note"])
        #expect(some.table["date"] == parallel.table["date"])
    }

    /// Each piece infers its own types; where pieces disagree (a decimal only near the end, a word in a
    /// date column in the middle, a column empty in the first half, a flag column), the joined type is
    /// the one a sequential read infers, and the pieces built as a narrower type are built again.
    @Test func piecesThatDisagreeOnATypeJoinToTheSequentialType() throws {
        var rng = SplitMix(seed: 11)
        var text = "id,count,when,later,flag,code,filler\n"
        let rows = 60_000
        for r in 0..<rows {
            let count = r == rows - 3 ? "2.5" : String(rng.next() % 1000)
            let when = r == rows / 2 ? "unknown" : "2024-03-\(String(format: "%02d", 1 + Int(rng.next() % 28)))"
            let later = r < rows / 2 ? "" : String(rng.next() % 50)
            let flag = rng.next() % 2 == 0 ? "true" : "false"
            // Codes that look like integers in the first half, then letters: a text column.
            let code = r < rows * 3 / 4 ? String(rng.next() % 90) : "C\(rng.next() % 90)"
            text += "\(r),\(count),\(when),\(later),\(flag),\(code),\(String(repeating: "x", count: 40))\n"
        }
        let bytes = Array(text.utf8)
        #expect(bytes.count > 4 << 20)
        let parallel = try CSVReader.read(bytes: bytes, fileName: "types.csv")
        let sequential = try CSVReader.read(bytes: bytes, fileName: "types.csv", options: CSVReadOptions(parallel: false))
        #expect(parallel.table == sequential.table)
        // From a file: its pages are handed back to the kernel as slices are read, and the pieces built
        // again (as the joined types) read them once more.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pim-types-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let fromFile = try CSVReader.read(contentsOf: url)
        #expect(fromFile.table == parallel.table)
        #expect(fromFile.report.profiles == parallel.report.profiles)
        #expect(parallel.report.profiles == sequential.report.profiles)
        let types = Dictionary(uniqueKeysWithValues: parallel.report.profiles.map { ($0.name, $0.inferredType) })
        #expect(types["id"] == .integer)
        #expect(types["count"] == .decimal)
        #expect(types["when"] == .text)
        #expect(types["later"] == .integer)
        #expect(types["flag"] == .boolean)
        #expect(types["code"] == .text)
        let profiles = Dictionary(uniqueKeysWithValues: parallel.report.profiles.map { ($0.name, $0) })
        #expect(profiles["count"]?.evidence == [.integer: rows - 1, .decimal: 1])
        #expect(profiles["when"]?.evidence == [.date: rows - 1, .text: 1])
        #expect(profiles["later"]?.nullCount == rows / 2)
        #expect(profiles["id"]?.distinctCount == rows)
        if case .decimal(let values, _) = parallel.table["count"]?.data {
            #expect(values[rows - 3] == 2.5)
        } else {
            Issue.record("count is not a decimal column")
        }
    }

    /// Joining dictionaries: the joined codes equal one dictionary's over all cells in order, whether
    /// the parts are sequential ids (appended as blocks), overlapping values, or ids whose order breaks.
    @Test func absorbedDictionariesMatchOneDictionary() async {
        await propertyCheck(count: 100, input: Gen.uint64()) { seed in
            var rng = SplitMix(seed: seed)
            let parts = 1 + Int(rng.next() % 5)
            var cellsByPart: [[[UInt8]]] = []
            var next = Int(rng.next() % 100)
            for _ in 0..<parts {
                var cells: [[UInt8]] = []
                for _ in 0..<Int(rng.next() % 200) {
                    switch rng.next() % 3 {
                    case 0:
                        next += 1 + Int(rng.next() % 3)
                        cells.append(Array(String(format: "ID%06d", next).utf8))
                    case 1: cells.append(Array("value \(rng.next() % 30)".utf8))
                    default:
                        // Sequential ids, sometimes going back.
                        next += rng.next() % 4 == 0 ? -5 : 1
                        cells.append(Array(String(format: "ID%06d", max(0, next)).utf8))
                    }
                }
                cellsByPart.append(cells)
            }
            var merged = ByteDictionary()
            var joined: [Int32] = []
            for cells in cellsByPart {
                var d = ByteDictionary()
                let local = cells.map { c in c.withUnsafeBufferPointer { d.code($0.baseAddress!, c.count) } }
                let map = merged.absorb(d)
                joined += local.map { map.code($0) }
            }
            #expect(joined == referenceCodes(cellsByPart.flatMap { $0 }), "seed \(seed)")
            #expect(merged.count == Set(cellsByPart.flatMap { $0 }).count)
        }
    }

    /// Text parts whose dictionaries two threads carry from piece to piece (each taking its pieces in
    /// order, or, as when a thread takes pieces from the end of the other's run, out of order), some
    /// pieces read again with a dictionary of their own (their first reading's keys stay in the thread's
    /// dictionary, used by no part), join into what one dictionary over all cells in order gives: codes
    /// in order of first appearance, one entry per distinct value, no unused entry. Consecutive runs of
    /// pieces per thread (the reader's usual schedule) are among the cases.
    @Test func carriedDictionariesJoinInOrderOfFirstAppearance() async {
        await propertyCheck(count: 150, input: Gen.uint64()) { seed in
            var rng = SplitMix(seed: seed)
            let pieces = 2 + Int(rng.next() % 7)
            let mode = rng.next() % 3
            var row = 0
            var cellsByPiece: [[[UInt8]]] = []
            for _ in 0..<pieces {
                var cells: [[UInt8]] = []
                for _ in 0..<(1 + Int(rng.next() % 150)) {
                    row += 1
                    switch mode {
                    // Sequential ids (each thread's dictionary stays ordered; parts join as blocks).
                    case 0: cells.append(Array(String(format: "ID%07d", row).utf8))
                    // Recurring values, short and long.
                    case 1:
                        cells.append(
                            rng.next() % 2 == 0
                                ? Array("V\(rng.next() % 40)".utf8)
                                : Array("A longer note, number \(rng.next() % 50), that recurs through the file".utf8))
                    // Ids that go back now and then, and repeats.
                    default: cells.append(Array(String(format: "ID%07d", max(0, row - Int(rng.next() % 4) * 30)).utf8))
                    }
                }
                cellsByPiece.append(cells)
            }
            let boxes = [DictionaryBox(), DictionaryBox()]
            var partsByPiece = [ColumnPart?](repeating: nil, count: pieces)
            func encode(_ cells: [[UInt8]], _ d: inout ByteDictionary) -> [Int32] {
                cells.map { c in c.withUnsafeBufferPointer { d.code($0.baseAddress!, c.count) } }
            }
            // Which thread reads each piece (0: at random; 1, 2 and 3: the first `split` pieces the first
            // thread, the others the second), and in what order: in file order, except that with schedules 2
            // and 3 the second thread, its own run done, reads the first thread's last pieces from the end
            // back: with its own dictionary (2) or, as the reader does, a new one for each (3).
            let schedule = rng.next() % 4
            let split = 1 + Int(rng.next() % UInt64(pieces - 1))
            var thread = (0..<pieces).map { k in schedule == 0 ? Int(rng.next() % 2) : (k < split ? 0 : 1) }
            var order = Array(0..<pieces)
            var ownDictionary = Set<Int>()
            if schedule >= 2 {
                let stolen = 1 + Int(rng.next() % UInt64(split))
                let firstStolen = split - stolen
                for k in firstStolen..<split { thread[k] = 1 }
                if schedule == 3 { ownDictionary = Set(firstStolen..<split) }
                order = Array(0..<firstStolen) + Array(split..<pieces) + Array((firstStolen..<split).reversed())
            }
            var anyReadAgain = false
            for k in order {
                let cells = cellsByPiece[k]
                if ownDictionary.contains(k) {
                    var own = ByteDictionary()
                    let ownCodes = encode(cells, &own)
                    partsByPiece[k] = textPart(codes: ownCodes, own: own, newCodes: 0..<own.count, shared: nil)
                    continue
                }
                let box = boxes[thread[k]]
                let readAgain = rng.next() % 4 == 0
                var carried = box.take()
                let base = carried.count
                // A piece read again was first read from a wrong start: other values.
                let codes = encode(readAgain ? cells.map { Array("x".utf8) + $0 } : cells, &carried)
                let added = base..<carried.count
                box.dictionary = carried
                if readAgain {
                    anyReadAgain = true
                    var own = ByteDictionary()
                    let ownCodes = encode(cells, &own)
                    partsByPiece[k] = textPart(codes: ownCodes, own: own, newCodes: 0..<own.count, shared: nil)
                } else {
                    partsByPiece[k] = textPart(codes: codes, own: ByteDictionary(), newCodes: added, shared: box)
                }
            }
            let parts = partsByPiece.compactMap { $0 }
            #expect(parts.count == pieces)
            let all = cellsByPiece.flatMap { $0 }
            if schedule == 3 && !anyReadAgain {
                // Pieces taken from the end of a run, each with a dictionary of its own, join without coding every
                // value afresh: the fast path takes them (it uses the threads' dictionaries up, so it is checked alone).
                var taken = parts
                guard let fast = ColumnPart.mergeRuns(&taken, rows: all.count) else {
                    Issue.record("seed \(seed): the run merge refused pieces with their own dictionaries")
                    return
                }
                #expect(fast.codes == referenceCodes(all), "seed \(seed)")
                #expect(fast.dictionary.count == Set(all).count, "seed \(seed)")
                return
            }
            let joined = ColumnPart.merge(parts, inferTypes: true)
            guard case .text(let codes, let dictionary) = joined.data else {
                Issue.record("not a text column")
                return
            }
            #expect(codes == referenceCodes(all), "seed \(seed)")
            #expect(dictionary.count == Set(all).count, "seed \(seed)")
            #expect(joined.distinctCount == Set(all).count)
            #expect(codes.map { dictionary[Int($0)] } == all.map { String(decoding: $0, as: UTF8.self) })
        }
    }

    func textPart(codes: [Int32], own: ByteDictionary, newCodes: Range<Int>, shared: DictionaryBox?) -> ColumnPart {
        ColumnPart(
            type: .text, rows: codes.count, nulls: NullMask(), ints: [], doubles: [], days: [], bools: [],
            codes: codes, dictionary: own, newCodes: newCodes, shared: shared, lo: .max, hi: .min,
            dlo: .infinity, dhi: -.infinity, integral: 0, sawTrue: false, sawFalse: false, guardedCodes: [:])
    }

    /// The bytes are checked as UTF-8 a slice at a time: a Windows-1252 byte deep in a large file (past
    /// the first megabyte, in the last piece) still makes the whole file read as Windows-1252, and an
    /// error before it is reported on the converted file, at the same row.
    @Test func aLegacyByteDeepInALargeFileConvertsTheWholeFile() throws {
        var lines = ["id,place,note"]
        let rows = 80_000
        for r in 0..<rows { lines.append("\(r),Site \(r % 40),\"an ordinary observation, number \(r) of the round\"") }
        var bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        #expect(bytes.count > 4 << 20)
        // "Café" in Windows-1252 in the last row's place.
        let last = Array("\(rows),Caf".utf8) + [0xE9] + Array(",end\n".utf8)
        bytes += last
        let result = try CSVReader.read(bytes: bytes, fileName: "legacy.csv")
        #expect(result.report.encoding == .windows1252)
        #expect(result.report.warnings.contains(.convertedFromWindows1252))
        #expect(result.table.rowCount == rows + 1)
        if case .text(let codes, let dictionary) = result.table["place"]?.data {
            #expect(dictionary[Int(codes[rows])] == "Café")
        } else {
            Issue.record("place is not a text column")
        }
        // A ragged row in the middle: the error names the same row as for the converted file.
        var broken = bytes
        let middle = Array("\n\(rows / 2),Site \(rows / 2 % 40),".utf8)
        let at = try #require(broken.firstRange(of: middle)?.lowerBound)
        broken.insert(contentsOf: Array("x,".utf8), at: at + 1)
        #expect(throws: TableReadError.raggedRow(file: "legacy.csv", row: rows / 2 + 2, expected: 3, found: 4)) {
            try CSVReader.read(bytes: broken, fileName: "legacy.csv")
        }
    }

    /// Blank lines and short rows scattered through a large file (so across pieces and the slices each
    /// piece is read in) are counted once, at the right records, and the values stay in their rows.
    @Test func blankLinesAndShortRowsAcrossSlicesAndPieces() throws {
        var text = "id,a,b\n"
        var blanksBefore: [Int] = []
        var padded = 0
        let rows = 250_000
        for r in 0..<rows {
            if r % 997 == 5 {
                text += r % 2 == 0 ? "\n" : "\r\n"
                blanksBefore.append(r)
            }
            if r % 1_013 == 7 {
                text += "\(r),short\n"
                padded += 1
            } else {
                text += "\(r),value \(r % 13),\(r % 5)\n"
            }
        }
        let bytes = Array(text.utf8)
        #expect(bytes.count > 4 << 20)
        let result = try CSVReader.read(bytes: bytes, fileName: "gaps.csv", options: CSVReadOptions(allowRagged: true))
        #expect(result.table.rowCount == rows)
        #expect(result.report.blankLinesBefore == blanksBefore)
        #expect(result.report.warnings.contains(.paddedRows(count: padded)))
        #expect(result.report.warnings.contains(.skippedBlankLines(count: blanksBefore.count)))
        if case .integer(let ids, _) = result.table["id"]?.data {
            #expect(ids == (0..<rows).map { Int64($0) })
        } else {
            Issue.record("id is not an integer column")
        }
        #expect(result.table["b"]?.nullCount == padded)
        // Without allowRagged the first short row is the error, at its line (header, blank lines counted).
        let firstShort = 7
        let line = 1 + firstShort + 1 + blanksBefore.filter { $0 <= firstShort }.count
        #expect(throws: TableReadError.raggedRow(file: "gaps.csv", row: line, expected: 3, found: 2, column: "b")) {
            try CSVReader.read(bytes: bytes, fileName: "gaps.csv")
        }
    }

    /// A two-byte character across the first megabyte (where the check before the header stops) is
    /// still UTF-8: the file is read as it is, with no repair reported.
    @Test func aCharacterAcrossTheFirstMegabyteIsNotDamage() throws {
        var text = "ab\n"
        for _ in 0..<400_000 { text += "é\n" }
        let bytes = Array(text.utf8)
        // Some "é" (C3 A9) starts at byte 1,048,575 and ends past the first megabyte.
        #expect(bytes[(1 << 20) - 1] == 0xC3)
        let result = try CSVReader.read(bytes: bytes, fileName: "accents.csv")
        #expect(result.report.encoding == .utf8)
        #expect(result.report.warnings.isEmpty)
        #expect(result.table.rowCount == 400_000)
        #expect(result.report.profiles.first?.distinctCount == 1)
    }
}
