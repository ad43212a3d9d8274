import Foundation
import PIMTable
import PropertyBased
import Testing

@Suite struct XLSXWriterTests {
    private func roundTrip(_ table: Table, hxl: Bool = false, sheetName: String = "Sheet1") throws -> XLSXReadResult {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-w-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("out.xlsx")
        try XLSXWriter.write(table, sheetName: sheetName, hxl: hxl, to: url)
        return try XLSXReader.read(contentsOf: url, options: XLSXReadOptions(detectHashtagRow: hxl))
    }

    /// Integers of more than 15 digits, which spreadsheets would round (1234567890123456 shows as …450), are
    /// written as text cells of their digits and read back as the same integers.
    @Test func integersBeyondFifteenDigitsAreWrittenAsTextAndReadBackExactly() throws {
        let values: [Int64] = [9_007_199_254_740_993, -1_234_567_890_123_456, 5, 999_999_999_999_999]
        let table = try Table(columns: [Column(name: "id", data: .integer(values: values, nulls: NullMask()))])
        let sheet = String(decoding: XLSXSheetWriter.sheetXML(table, hxl: false), as: UTF8.self)
        #expect(sheet.contains("<c r=\"A2\" t=\"inlineStr\"><is><t>9007199254740993</t></is></c>"))
        #expect(sheet.contains("<c r=\"A3\" t=\"inlineStr\"><is><t>-1234567890123456</t></is></c>"))
        #expect(sheet.contains("<c r=\"A4\"><v>5</v></c>"))
        #expect(sheet.contains("<c r=\"A5\"><v>999999999999999</v></c>"))
        #expect(try roundTrip(table).table == table)
    }

    /// Days before 1900-01-01, which spreadsheets cannot show as dates (serial 0 shows as 1900-01-00, a
    /// negative serial as ####), are written as ISO text and read back as the same dates.
    @Test func daysBefore1900AreWrittenAsTextAndReadBackAsDates() throws {
        // 1899-12-31 = -25568, 1800-01-01 = -62091, 1900-01-01 = -25567, 1900-03-01 = -25508 (days since 1970)
        let days: [Int32] = [-25_568, -62_091, -25_567, -25_508]
        let table = try Table(columns: [Column(name: "d", data: .date(days: days, nulls: NullMask()))])
        let sheet = String(decoding: XLSXSheetWriter.sheetXML(table, hxl: false), as: UTF8.self)
        #expect(sheet.contains("<c r=\"A2\" t=\"inlineStr\"><is><t>1899-12-31</t></is></c>"))
        #expect(sheet.contains("<c r=\"A3\" t=\"inlineStr\"><is><t>1800-01-01</t></is></c>"))
        #expect(sheet.contains("<c r=\"A4\" s=\"1\"><v>1</v></c>"))
        #expect(sheet.contains("<c r=\"A5\" s=\"1\"><v>61</v></c>"))
        #expect(try roundTrip(table).table == table)
    }

    @Test func writesEveryTypeAndReadsItBack() throws {
        // Given a table with one column of each type, nulls included
        var nulls = NullMask()
        nulls.setNull(1)
        let table = try Table(columns: [
            Column(name: "id", tag: HXLTagSpec(tag: "id"), data: .integer(values: [1, 0, -3], nulls: nulls)),
            Column(name: "share", data: .decimal(values: [0.5, 1e-7, -2.25], nulls: NullMask())),
            Column(name: "day", tag: HXLTagSpec(tag: "date", attributes: ["reported"]),
                   data: .date(days: [-25_567, 0, 19_787], nulls: nulls)),
            Column(name: "ok", data: .boolean(values: [true, false, true], nulls: NullMask())),
            Column(name: "note", data: .text(codes: [0, -1, 1], dictionary: ["a & <b>", "Zoë 😀"])),
        ])
        // When written with a hashtag row and read back
        let r = try roundTrip(table, hxl: true)
        // Then it is the same table
        #expect(r.table == table)
        #expect(r.headerRow == 1)
    }

    /// Column names that are tagspecs are written above the same tags; they read back as names, the second
    /// row being the hashtag row (not the first, with the tags as a row of data).
    @Test func namesThatAreTagspecsReadBackAsNames() throws {
        let table = try Table(columns: [
            Column(name: "#adm1+code", tag: HXLTagSpec(tag: "adm1", attributes: ["code"]),
                   data: .text(codes: [0, 1], dictionary: ["XY01", "XY02"])),
            Column(name: "Comment", data: .text(codes: [0, -1], dictionary: ["ok"])),
        ])
        let r = try roundTrip(table, hxl: true)
        #expect(r.table == table)
        #expect(r.hxlRow == 2)
        #expect(r.firstDataRow == 3)
        // A first data row that is partly tagspecs, under tags it does not repeat, stays data
        let tagged = try Table(columns: [
            Column(name: "p", tag: HXLTagSpec(tag: "population"), data: .text(codes: [0], dictionary: ["yes"])),
            Column(name: "c", tag: HXLTagSpec(tag: "sex"), data: .text(codes: [0], dictionary: ["#adm1"])),
        ])
        let data = try roundTrip(tagged, hxl: true)
        #expect(data.table == tagged)
        #expect(data.hxlRow == 2)
    }

    /// The report of a workbook read through TableReader names the sheet read (the first visible one).
    @Test func theReportNamesTheSheetRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-s-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("w.xlsx")
        try XLSXWriter.write(try Table(columns: [Column(name: "n", data: .integer(values: [1], nulls: NullMask()))]),
                             sheetName: "Survey", to: url)
        #expect(try TableReader.read(url: url).report.sheet == "Survey")
        let csv = dir.appendingPathComponent("c.csv")
        try Data("n\n1\n".utf8).write(to: csv)
        #expect(try TableReader.read(url: csv).report.sheet == nil)
    }

    /// Without any tag no empty hashtag row is written (it would read as a gap, shifting row numbers).
    @Test func noHashtagRowWithoutTags() throws {
        let table = try Table(columns: [Column(name: "n", data: .integer(values: [1, 2], nulls: NullMask()))])
        let r = try roundTrip(table, hxl: true)
        #expect(r.table == table)
        #expect(r.firstDataRow == 2)
        #expect(r.warnings.isEmpty)
    }

    /// QA11 I3: a table with more rows than a worksheet holds (1,048,576 with the header) is refused before anything
    /// is written; one row fewer fits.
    @Test func aTableLongerThanAWorksheetIsRefused() throws {
        func table(_ n: Int) throws -> Table {
            try Table(columns: [Column(name: "n", data: .integer(values: [Int64](repeating: 1, count: n), nulls: NullMask()))])
        }
        #expect(throws: XLSXError.sheetTooLarge(file: "big.xlsx", rows: 1_048_577, columns: 1)) {
            _ = try XLSXWriter.package(try table(1_048_576), sheetName: "s", hxl: false, file: "big.xlsx")
        }
        #expect(XLSXError.sheetTooLarge(file: "big.xlsx", rows: 1_048_577, columns: 1).description.contains("export as CSV or JSON"))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-big-\(UUID().uuidString).xlsx")
        #expect(throws: XLSXError.self) { try XLSXWriter.write(try table(1_048_576), to: url) }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    /// A text longer than Excel's 32,767 characters per cell is refused, naming the cell; nothing is written.
    @Test func aCellTooLongForExcelIsRefused() throws {
        let long = String(repeating: "x", count: 32_768)
        let table = try Table(columns: [
            Column(name: "id", tag: HXLTagSpec(tag: "meta", attributes: ["id"]), data: .integer(values: [1, 2], nulls: NullMask())),
            Column(name: "note", data: .text(codes: [0, 1], dictionary: ["short", long])),
        ])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-long-\(UUID().uuidString).xlsx")
        #expect(throws: XLSXError.cellTooLong(file: url.lastPathComponent, cell: "B4", limit: 32_767)) {
            try XLSXWriter.write(table, sheetName: "S", hxl: true, to: url)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        let fits = try Table(columns: [Column(name: "note", data: .text(codes: [0], dictionary: [String(long.dropLast())]))])
        #expect(try roundTrip(fits).table == fits)
    }

    @Test func formulaLikeTextStaysText() throws {
        let texts = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "|calc", "%x", "  =HYPERLINK(\"x\")", "\t=A1"]
        let table = try Table(columns: [
            Column(name: "t", data: .text(codes: texts.indices.map(Int32.init), dictionary: texts)),
        ])
        let r = try roundTrip(table)
        #expect(XLSXFixture.values(r.table, "t") == texts.map { .text($0) })
        // And the sheet holds no formula element: every text cell is an inline string
        let xml = String(decoding: XLSXSheetWriter.sheetXML(table, hxl: false), as: UTF8.self)
        #expect(!xml.contains("<f>"))
        #expect(xml.components(separatedBy: "t=\"inlineStr\"").count == texts.count + 2)
    }

    @Test func controlCharactersAndEscapeLookalikesSurvive() throws {
        let texts = ["a\rb\r\nc", "\u{1}\u{1F}", "_x0041_", "x_x00_y", " lead", "trail ", "\u{FFFE}"]
        let table = try Table(columns: [
            Column(name: "t", data: .text(codes: texts.indices.map(Int32.init), dictionary: texts)),
        ])
        let r = try roundTrip(table)
        #expect(XLSXFixture.values(r.table, "t") == texts.map { .text($0) })
    }

    @Test func sheetNameIsSanitisedAndEscaped() throws {
        let table = try Table(columns: [Column(name: "a", data: .integer(values: [1], nulls: NullMask()))])
        let r = try roundTrip(table, sheetName: "R&D: [2024]/\"x\"")
        #expect(r.sheetName == "R&D_ _2024__\"x\"")
    }

    @Test func randomTablesRoundTrip() async throws {
        await propertyCheck(count: 60, input: Gen.int(in: 0...Int.max), Gen.int(in: 1...40), Gen.int(in: 1...6)) {
            seed, rows, columnCount in
            var rng = SplitMix(seed: UInt64(seed))
            let table = XLSXWriterTests.randomTable(rows: rows, columns: columnCount, rng: &rng)
            let hxl = rng.next() % 2 == 0
            let r = try roundTrip(table, hxl: hxl)
            var expected = table
            if !hxl {
                for c in table.columns { try expected.setColumn(Column(name: c.name, data: c.data)) }
            }
            #expect(r.table == expected)
        }
    }

    // MARK: - Random tables

    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A table whose values survive a spreadsheet: row 0 and column 0 have no nulls (an all-null row would
    /// be skipped), decimals are never integral, text is non-empty and does not start with `#`.
    static func randomTable(rows: Int, columns: Int, rng: inout SplitMix) -> Table {
        var built: [Column] = []
        for c in 0..<columns {
            var nulls = NullMask()
            for r in 1..<max(rows, 1) where c > 0 && Int.random(in: 0..<4, using: &rng) == 0 { nulls.setNull(r) }
            let tag = Bool.random(using: &rng) ? HXLTagSpec(tag: "t\(c)", attributes: ["a\(c)"]) : nil
            let data: ColumnData
            switch Int.random(in: 0..<5, using: &rng) {
            case 0:
                data = .integer(values: (0..<rows).map { r in
                    nulls.isNull(r) ? 0 : Int64.random(in: -(1 << 53)...(1 << 53), using: &rng)
                }, nulls: nulls)
            case 1:
                data = .decimal(values: (0..<rows).map { r in
                    nulls.isNull(r) ? 0 : Double.random(in: -1e6...1e6, using: &rng) + 0.5
                }, nulls: nulls)
            case 2:
                data = .date(days: (0..<rows).map { r in
                    nulls.isNull(r) ? 0 : Int32.random(in: -40_000...80_000, using: &rng)
                }, nulls: nulls)
            case 3:
                data = .boolean(values: (0..<rows).map { r in nulls.isNull(r) ? false : Bool.random(using: &rng) },
                                nulls: nulls)
            default:
                var dictionary: [String] = []
                var codes: [Int32] = []
                for r in 0..<rows {
                    if nulls.isNull(r) {
                        codes.append(-1)
                        continue
                    }
                    let s = randomText(&rng)
                    if let i = dictionary.firstIndex(of: s) {
                        codes.append(Int32(i))
                    } else {
                        codes.append(Int32(dictionary.count))
                        dictionary.append(s)
                    }
                }
                data = .text(codes: codes, dictionary: dictionary)
            }
            built.append(Column(name: "c\(c) <&>", tag: tag, data: data))
        }
        return Table(unchecked: built, rowCount: rows)
    }

    static func randomText(_ rng: inout SplitMix) -> String {
        let pool: [Unicode.Scalar] = [
            "a", "Z", "0", " ", "&", "<", ">", "\"", "'", "=", "+", "-", "@", "_", "x", "\t", "\n", "\r",
            "\u{1}", "é", "ß", "中", "😀", "\u{200B}", "\u{FFFE}", "\u{10FFFF}", ";", "]", "]]>",
        ].flatMap { Array(String($0).unicodeScalars) }
        let n = Int.random(in: 1...12, using: &rng)
        var s = String.UnicodeScalarView()
        for _ in 0..<n { s.append(pool[Int.random(in: 0..<pool.count, using: &rng)]) }
        var text = String(s)
        if text.hasPrefix("#") { text = "x" + text }
        return text
    }
}
