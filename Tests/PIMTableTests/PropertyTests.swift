import Foundation
import PIMTable
import PropertyBased
import Testing

@Suite struct PropertyTests {
    // MARK: - Bad input never crashes

    @Test func randomBytesGiveATableOrALocatedError() async {
        await propertyCheck(count: 1500, input: Gen.uint64()) { seed in
            var rng = SplitMix(seed: seed)
            let alphabet: [UInt8] = Array("a,;\t|\"\r\n#'= 0123.-e".utf8) + [0, 0xC3, 0xA9, 0xFF, 0xEF, 0xBB, 0xBF]
            let count = Int(rng.next() % 200)
            let bytes = (0..<count).map { _ in
                rng.next() % 4 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))]
            }
            checkNeverCrashes(bytes)
        }
    }

    @Test func mutatedValidCSVGivesATableOrALocatedError() async {
        let valid = Array("name,age,when\n#name,#age,#date\n\"A, \"\"x\"\"\",30,2024-01-02\nB,,2024-01-03\r\nC,7,\n".utf8)
        await propertyCheck(count: 1500, input: Gen.uint64()) { seed in
            var rng = SplitMix(seed: seed)
            var bytes = valid
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                guard !bytes.isEmpty else { break }
                let i = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes.remove(at: i)
                default: bytes.insert(Array("\",\n\r\0'".utf8)[Int(rng.next() % 6)], at: i)
                }
            }
            checkNeverCrashes(bytes)
        }
    }

    func checkNeverCrashes(_ bytes: [UInt8]) {
        do {
            let r = try CSVReader.read(bytes: bytes, fileName: "fuzz.csv")
            // A table that reads is consistent.
            for c in r.table.columns { #expect(c.count == r.table.rowCount) }
            #expect(Set(r.table.columnNames).count == r.table.columns.count)
        } catch {
            #expect(error.file == "fuzz.csv")
            #expect(!error.description.isEmpty)
            switch error {
            case .unbalancedQuote, .textAfterClosingQuote, .raggedRow, .nulByte, .cellTooLarge, .invalidHashtag:
                #expect((error.row ?? 0) >= 1)
            default: break
            }
        }
    }

    // MARK: - Write then read is the identity

    @Test func csvWriteThenReadGivesTheSameTable() async {
        await propertyCheck(count: 700, input: Gen.uint64()) { seed in
            var rng = SplitMix(seed: seed)
            let table = randomTable(&rng)
            let hxl = rng.next() % 2 == 0
            let crlf = rng.next() % 2 == 0
            let bytes = CSVWriter.bytes(table, hxl: hxl, options: CSVWriteOptions(lineEnding: crlf ? .crlf : .lf))
            do {
                let back = try CSVReader.read(bytes: bytes, fileName: "rt.csv").table
                let expected = hxl ? table : table.withoutTags()
                #expect(back == expected, "seed \(seed): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    @Test func columnsAreFoundByNameAfterAnySequenceOfEdits() async {
        // Property: after random appends, replacements and removals, looking a column up by name finds the column of
        // that name (the name index kept beside the columns agrees with a scan), and names not there are not found.
        await propertyCheck(count: 300, input: Gen.int(in: 0...2).array(of: 1...40), Gen.int(in: 0...9).array(of: 40)) { ops, names in
            var t = Table.empty
            for (k, op) in ops.enumerated() {
                let name = "c\(names[k])"
                switch op {
                case 0, 1:
                    let column = Column(name: name, data: .integer(values: [Int64(k)], nulls: NullMask()))
                    try t.setColumn(column)
                default:
                    t.removeColumn(named: name)
                }
            }
            for n in 0...10 {
                let name = "c\(n)"
                #expect(t.index(of: name) == t.columns.firstIndex { $0.name == name })
                #expect(t[name]?.name == (t.columns.contains { $0.name == name } ? name : nil))
            }
            #expect(Set(t.columnNames).count == t.columns.count)
        }
    }

    @Test func tagSpecPrintThenParseIsTheIdentity() async {
        await propertyCheck(count: 1000, input: Gen.uint64()) { seed in
            var rng = SplitMix(seed: seed)
            let spec = HXLTagSpec(tag: randomName(&rng), attributes: (0..<Int(rng.next() % 4)).map { _ in randomName(&rng) })
            #expect(HXLTagSpec(parsing: spec.description) == spec)
            // Upper case and spaces do not change the meaning.
            let noisy = spec.description.uppercased().replacingOccurrences(of: "+", with: " + ")
            #expect(HXLTagSpec(parsing: noisy) == spec)
        }
    }

    // MARK: - Generators

    func randomName(_ rng: inout SplitMix) -> String {
        let first = Array("abcdefghijklmnopqrstuvwxyz")
        let rest = Array("abcdefghijklmnopqrstuvwxyz0123456789_")
        var s = String(first[Int(rng.next() % 26)])
        for _ in 0..<Int(rng.next() % 6) { s.append(rest[Int(rng.next() % UInt64(rest.count))]) }
        return s
    }

    /// Random text without NUL and not starting with `#`, even after leading whitespace (HXL readers trim
    /// cells, so such a data row could rightly be taken for a hashtag row); includes quotes, delimiters,
    /// newlines, formula triggers and non-ASCII.
    func randomText(_ rng: inout SplitMix) -> String {
        let pieces = ["a", "Z", " ", ",", "\"", "\n", "\r\n", "'", "=", "+", "-", "@", "|", "%", "\t", "é", "مساعدة", "1", ".", ";", "#"]
        var s = ""
        for _ in 0..<(1 + Int(rng.next() % 6)) { s += pieces[Int(rng.next() % UInt64(pieces.count))] }
        if s.drop(while: { $0.isWhitespace }).hasPrefix("#") { s = "x" + s }
        return s
    }

    func randomTable(_ rng: inout SplitMix) -> Table {
        let rows = Int(rng.next() % 12)
        let columnCount = 1 + Int(rng.next() % 5)
        var columns: [Column] = []
        for k in 0..<columnCount {
            var nulls = NullMask()
            let nullRate = rng.next() % 3  // 0: none, else about 1 in 4
            for r in 0..<rows where nullRate > 0 && rng.next() % 4 == 0 { nulls.setNull(r) }
            // Keep at least one value so the type can be inferred back.
            if rows > 0 && nulls.nullCount == rows { nulls = NullMask() }
            let data: ColumnData
            switch rng.next() % 5 {
            case 0:
                data = .integer(values: (0..<rows).map { nulls.isNull($0) ? 0 : Int64(bitPattern: rng.next()) >> (rng.next() % 64) }, nulls: nulls)
            case 1:
                data = .decimal(values: (0..<rows).map { _ in
                    let d = Double(Int64(bitPattern: rng.next()) >> 20) / Double(1 << (rng.next() % 40))
                    return d == 0 ? 0 : d
                }.enumerated().map { nulls.isNull($0.offset) ? 0 : $0.element }, nulls: nulls)
            case 2:
                data = .date(days: (0..<rows).map { nulls.isNull($0) ? 0 : Int32(Int(rng.next() % 2_900_000) - 700_000) }, nulls: nulls)
            case 3:
                data = .boolean(values: (0..<rows).map { nulls.isNull($0) ? false : rng.next() % 2 == 0 }, nulls: nulls)
            default:
                // Text columns hold at least one value that is not a number, date or boolean, else the
                // reader would rightly infer the narrower type.
                var dict: [String] = []
                var index: [String: Int32] = [:]
                var codes: [Int32] = []
                var forced = false
                for r in 0..<rows {
                    if nulls.isNull(r) {
                        codes.append(-1)
                        continue
                    }
                    var s = randomText(&rng)
                    if !forced || rng.next() % 5 == 0 {
                        forced = true
                        s = ["x" + s, "=cmd", "'=already", "-", "true story", "0012"][Int(rng.next() % 6)]
                    }
                    if let c = index[s] {
                        codes.append(c)
                    } else {
                        index[s] = Int32(dict.count)
                        codes.append(Int32(dict.count))
                        dict.append(s)
                    }
                }
                data = .text(codes: codes, dictionary: dict)
            }
            if rows == 0 {
                // An empty column reads back as text.
                columns.append(Column(name: "c\(k)", tag: HXLTagSpec(tag: "c\(k)"), data: .text(codes: [], dictionary: [])))
            } else {
                let tag = rng.next() % 3 == 0 ? nil : HXLTagSpec(tag: "t\(k)", attributes: rng.next() % 2 == 0 ? ["f"] : [])
                columns.append(Column(name: k == 0 ? "=name \(k)" : "col \(k), \"q\"", tag: tag, data: data))
            }
        }
        return (try? Table(columns: columns)) ?? .empty
    }
}

extension Table {
    func withoutTags() -> Table {
        var t = self
        for c in columns {
            var u = c
            u.tag = nil
            try? t.setColumn(u)
        }
        return t
    }
}
