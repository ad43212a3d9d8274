import Foundation
import PIMTable
import Testing

@Suite struct CSVWriterTests {
    func table() throws -> Table {
        var nulls = NullMask()
        nulls.setNull(1)
        return try Table(columns: [
            Column(name: "n", tag: HXLTagSpec(tag: "affected"), data: .integer(values: [-5, 0], nulls: nulls)),
            Column(name: "d", data: .decimal(values: [0.1, 5], nulls: NullMask())),
            Column(name: "when", tag: HXLTagSpec(tag: "date", attributes: ["reported"]), data: .date(days: [19782, 0], nulls: NullMask())),
            Column(name: "ok", data: .boolean(values: [true, false], nulls: NullMask())),
            Column(name: "s", data: .text(codes: [0, 1], dictionary: ["a,b", "=SUM(A1)"])),
        ])
    }

    @Test func aFileThatCannotBeWrittenNamesWhy() throws {
        // Given a folder that does not exist, the error says so (not the system error's type name)
        let url = URL(fileURLWithPath: "/tmp/pim-no-such-folder-\(UInt32.random(in: 0...UInt32.max))/out.csv")
        #expect(throws: TableWriteError.cannotWrite(file: "out.csv", reason: "the folder \(url.deletingLastPathComponent().path) does not exist")) {
            try CSVWriter.write(try table(), to: url)
        }
    }

    @Test func formatsValuesAndQuotesOnlyWhenNeeded() throws {
        let text = String(decoding: CSVWriter.bytes(try table()), as: UTF8.self)
        #expect(text == "n,d,when,ok,s\r\n-5,0.1,2024-02-29,true,\"a,b\"\r\n,5.0,1970-01-01,false,'=SUM(A1)\r\n")
    }

    /// QA11 I20: for Excel on Windows, a UTF-8 byte-order mark on request; pim reads such a file back unchanged.
    @Test func writesAByteOrderMarkWhenAskedAndReadsItBack() throws {
        let table = try Table(columns: [Column(name: "town", data: .text(codes: [0, 1], dictionary: ["الخرطوم", "Zürich"]))])
        let bytes = CSVWriter.bytes(table, options: CSVWriteOptions(byteOrderMark: true))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(Array(CSVWriter.bytes(table).prefix(4)) == Array("town".utf8))
        let back = try CSVReader.read(bytes: bytes, fileName: "t.csv")
        #expect(back.table == table)
    }

    @Test func writesHXLRowAndLFWhenAsked() throws {
        let text = String(decoding: CSVWriter.bytes(try table(), hxl: true, options: CSVWriteOptions(lineEnding: .lf)), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1] == "#affected,,#date+reported,,")
        let back = try CSVReader.read(bytes: Array(text.utf8), fileName: "t.csv")
        #expect(back.table == (try table()))
    }

    @Test(arguments: [
        ("=1+1", "'=1+1"), ("+1", "'+1"), ("-x", "'-x"), ("@SUM", "'@SUM"), ("|cmd", "'|cmd"), ("%x", "'%x"),
        ("\t=1", "'\t=1"), (" =1", "' =1"), ("'=1", "''=1"), ("'x", "'x"), ("plain", "plain"), ("a=b", "a=b"),
        // Invisible characters before the trigger: DEL, a C1 control, no-break space, line separator,
        // zero-width space, right-to-left mark, ideographic space, byte-order mark.
        ("\u{7F}=1", "'\u{7F}=1"), ("\u{85}=1", "'\u{85}=1"), ("\u{A0}=1+1", "'\u{A0}=1+1"),
        ("\u{2028}=1", "'\u{2028}=1"), ("\u{200B}@x", "'\u{200B}@x"), ("\u{200F}-1", "'\u{200F}-1"),
        ("\u{3000}+1", "'\u{3000}+1"), ("\u{FEFF}=1", "'\u{FEFF}=1"), ("\u{A0}\u{FEFF} =1", "'\u{A0}\u{FEFF} =1"),
        // Visible non-ASCII characters are not blanks: nothing to guard.
        ("\u{E9}=1", "\u{E9}=1"), ("\u{2030}=1", "\u{2030}=1"), ("\u{A1}=1", "\u{A1}=1"),
    ])
    func guardsFormulaTriggers(original: String, written: String) {
        #expect(FormulaGuard.guarded(original) == written)
        #expect(FormulaGuard.unguarded(written) == original)
    }

    @Test func guardedTextReadsBackAsTheSameText() throws {
        let values = ["=1+1", "-5", "'=x", "''+y", "\r\n@a", "'", "''", "x", "\u{A0}=1", "'\u{FEFF}=1", "+256700000001"]
        let table = try Table(columns: [
            Column(name: "s", data: .text(codes: values.indices.map { Int32($0) }, dictionary: values))
        ])
        let back = try CSVReader.read(bytes: CSVWriter.bytes(table), fileName: "t.csv").table
        #expect(back.values("s") == values.map { .text($0) })
    }

    @Test func negativeNumbersInNumericColumnsAreNotGuarded() throws {
        let t = try Table(columns: [Column(name: "v", data: .integer(values: [-5], nulls: NullMask()))])
        #expect(String(decoding: CSVWriter.bytes(t), as: UTF8.self) == "v\r\n-5\r\n")
    }

    @Test func singleColumnNullIsWrittenSoTheLineIsNotBlank() throws {
        var nulls = NullMask()
        nulls.setNull(0)
        let t = try Table(columns: [Column(name: "v", data: .integer(values: [0, 3], nulls: nulls))])
        let bytes = CSVWriter.bytes(t)
        #expect(String(decoding: bytes, as: UTF8.self) == "v\r\n\"\"\r\n3\r\n")
        #expect(try CSVReader.read(bytes: bytes, fileName: "t.csv").table == t)
    }

    @Test func valueFormattingMatchesTheRules() {
        #expect(ValueFormatting.text(.integer(-12)) == "-12")
        #expect(ValueFormatting.text(.decimal(0.1)) == "0.1")
        #expect(ValueFormatting.text(.decimal(1e-5)) == "1e-05")
        #expect(ValueFormatting.text(.decimal(.nan)) == nil)
        #expect(ValueFormatting.text(.date(-1)) == "1969-12-31")
        #expect(ValueFormatting.text(.boolean(false)) == "false")
        #expect(ValueFormatting.text(.null) == nil)
    }
}
