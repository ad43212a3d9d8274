import PIMTable
import Testing

@Suite struct JSONTableTests {
    func read(_ text: String) throws(TableReadError) -> ReadResult {
        try JSONTableReader.read(bytes: Array(text.utf8), fileName: "data.json")
    }

    @Test func readsArrayStyleWithHeaderAndTagRows() throws {
        let r = try read(##"[["District","Women"],["#adm1+name","#affected+f"],["North","12"],["South",3]]"##)
        #expect(r.table.columnNames == ["District", "Women"])
        #expect(r.table["Women"]?.tag == HXLTagSpec(tag: "affected", attributes: ["f"]))
        #expect(r.table.values("Women") == [.integer(12), .integer(3)])
    }

    @Test func readsArrayStyleWithTagRowOnly() throws {
        let r = try read(##"[["#adm1","#affected"],["N",1]]"##)
        #expect(r.table.columnNames == ["#adm1", "#affected"])
    }

    @Test func readsObjectStyleKeyedByTagspec() throws {
        let r = try read(##"[{"#adm1+name":"North","#affected":5.0},{"#affected":2.5,"#sex":"f"}]"##)
        #expect(r.table.columnNames == ["#adm1+name", "#affected", "#sex"])
        #expect(r.table.values("#affected") == [.decimal(5), .decimal(2.5)])
        #expect(r.table.values("#sex") == [.null, .text("f")])
        #expect(r.table["#sex"]?.tag == HXLTagSpec(tag: "sex"))
    }

    @Test func rejectsMalformedJSONWithByteOffset() {
        #expect(throws: TableReadError.self) { try read("[[1,2]") }
        #expect(throws: TableReadError.self) { try read(#"{"a":1}"#) }
        #expect(throws: TableReadError.self) { try read(##"[[{"x":1}]]"##) }
        #expect(throws: TableReadError.emptyFile(file: "data.json")) { try read("  ") }
    }

    /// A NUL character (`\u0000`) in a value is refused as a NUL byte in a CSV is, naming the row and no value:
    /// a CSV export of it could not be read back.
    @Test func aNULCharacterInAValueIsRefused() {
        let reason = "row 2 has a NUL character (\\u0000) in a value; remove it"
        #expect(throws: TableReadError.invalidFormat(file: "data.json", reason: reason)) {
            try read(##"[["a","b"],["x","y\u0000z"]]"##)
        }
        #expect(throws: TableReadError.invalidFormat(file: "data.json", reason: reason)) {
            try read(##"[{"a":"x"},{"a":"\u0000"}]"##)
        }
    }

    @Test(arguments: JSONTableWriter.Style.allCases)
    func writeThenReadGivesSameTable(style: JSONTableWriter.Style) throws {
        let table = try Table(columns: [
            Column(name: "n", tag: HXLTagSpec(tag: "affected"), data: .integer(values: [1, -2], nulls: NullMask())),
            Column(name: "d", tag: HXLTagSpec(tag: "value", attributes: ["x"]), data: .decimal(values: [5, 0.1], nulls: NullMask())),
            Column(name: "when", tag: HXLTagSpec(tag: "date"), data: .date(days: [0, 19782], nulls: NullMask())),
            Column(name: "ok", tag: HXLTagSpec(tag: "x_ok"), data: .boolean(values: [true, false], nulls: NullMask())),
            Column(name: "s", tag: HXLTagSpec(tag: "description"), data: .text(codes: [0, -1], dictionary: ["a \"q\"\n=1"])),
        ])
        let bytes = JSONTableWriter.bytes(table, style: style)
        let back = try JSONTableReader.read(bytes: bytes, fileName: "t.json").table
        #expect(back.columns.map(\.type) == table.columns.map(\.type))
        for (a, b) in zip(back.columns, table.columns) {
            #expect((0..<2).map { a[$0] } == (0..<2).map { b[$0] })
            #expect(a.tag == b.tag || style == .records)
        }
    }

    /// HXL JSON arrays carry a hashtag row only when a column has a tag (a row of blanks would read as data).
    @Test func hxlArraysWithoutTagsHaveNoHashtagRow() throws {
        let table = try Table(columns: [
            Column(name: "region", data: .text(codes: [0], dictionary: ["R1"])),
            Column(name: "n", data: .integer(values: [3], nulls: NullMask())),
        ])
        #expect(String(decoding: JSONTableWriter.bytes(table, style: .hxlArrays), as: UTF8.self) == ##"[["region","n"],["R1",3]]"##)
        let back = try JSONTableReader.read(bytes: JSONTableWriter.bytes(table, style: .hxlArrays), fileName: "t.json").table
        #expect(back.rowCount == 1)
        var tagged = table
        try tagged.setColumn(Column(name: "n", tag: HXLTagSpec(tag: "affected"), data: .integer(values: [3], nulls: NullMask())))
        #expect(String(decoding: JSONTableWriter.bytes(tagged, style: .hxlArrays), as: UTF8.self) == ##"[["region","n"],["","#affected"],["R1",3]]"##)
    }

    @Test func writesRecordsAsExpectedText() throws {
        let table = try Table(columns: [
            Column(name: "a", data: .integer(values: [1], nulls: NullMask())),
            Column(name: "b", data: .text(codes: [-1], dictionary: [])),
        ])
        #expect(String(decoding: JSONTableWriter.bytes(table), as: UTF8.self) == ##"[{"a":1,"b":null}]"##)
    }

    /// JSON that is not UTF-8 is decoded as a CSV file would be, and the report says how; a value is never
    /// silently altered.
    @Test func textThatIsNotUTF8IsConvertedAndSaid() throws {
        // Windows-1252 throughout: é is the single byte E9.
        let legacy: [UInt8] = Array(#"[{"place":"Caf"#.utf8) + [0xE9] + Array(#"","n":1}]"#.utf8)
        let converted = try JSONTableReader.read(bytes: legacy, fileName: "legacy.json")
        #expect(converted.table.values("place") == [.text("Café")])
        #expect(converted.report.encoding == .windows1252)
        #expect(converted.report.warnings.first == .convertedFromWindows1252)
        // UTF-8 with one damaged byte: the good characters stay, the bad byte becomes U+FFFD, and it is said.
        let damaged: [UInt8] = Array(#"[["place"],["Café"],["Mos"#.utf8) + [0xFF] + Array(#""],["Zürich"]]"#.utf8)
        let repaired = try JSONTableReader.read(bytes: damaged, fileName: "damaged.json")
        #expect(repaired.table.values("place") == [.text("Café"), .text("Mos\u{FFFD}"), .text("Zürich")])
        #expect(repaired.report.encoding == .utf8)
        #expect(repaired.report.warnings.first == .replacedInvalidUTF8(count: 1))
        // A byte-order mark is removed and named; valid UTF-8 gives no warning.
        let bom = try JSONTableReader.read(bytes: [0xEF, 0xBB, 0xBF] + Array(#"[{"a":"ü"}]"#.utf8), fileName: "bom.json")
        #expect(bom.table.values("a") == [.text("ü")])
        #expect(bom.report.encoding == .utf8WithBOM)
        #expect(bom.report.warnings.isEmpty)
        #expect(try read(#"[{"a":"ü"}]"#).report.warnings.isEmpty)
    }

    /// pim's own HXL object-style export reads back with its tags, though most columns are untagged; an
    /// empty key is named by its place; a key given twice in one object is refused.
    @Test func objectStyleKeysThatAreTagspecsAreTags() throws {
        let table = try Table(columns: [
            Column(name: "a", data: .text(codes: [0], dictionary: ["x"])),
            Column(name: "b", data: .text(codes: [0], dictionary: ["y"])),
            Column(name: "when", tag: HXLTagSpec(tag: "date"), data: .date(days: [19_000], nulls: NullMask())),
        ])
        let back = try JSONTableReader.read(bytes: JSONTableWriter.bytes(table, style: .hxlObjects), fileName: "o.json")
        #expect(back.table.columnNames == ["a", "b", "#date"])
        #expect(back.table["#date"]?.tag == HXLTagSpec(tag: "date"))
        #expect(try read(#"[{"":1,"b":2}]"#).table.columnNames == ["column_1", "b"])
        #expect(throws: TableReadError.duplicateColumn(file: "data.json", column: "a")) { try read(#"[{"a":1,"a":2}]"#) }
    }

    /// A JSON row with more values than the header says so in JSON's terms (no delimiter to quote).
    @Test func aLongJSONRowIsSaidInJSONTerms() {
        #expect(throws: TableReadError.self) { try read(#"[["a","b"],[1,2,3]]"#) }
        do {
            _ = try read(#"[["a","b"],[1,2,3]]"#)
        } catch {
            #expect(error.description.contains("3 values but the header has 2"), "\(error)")
            #expect(!error.description.contains("delimiter"))
        }
    }

    /// A JSON row with fewer values than the header is refused at its row, as a short CSV row is: padding
    /// it would guess which values are missing. Allowed short rows are padded with nulls, and counted.
    @Test func aShortJSONRowIsRefusedUnlessShortRowsAreAllowed() throws {
        let text = #"[["a","b","c"],[1,2,3],[4,5]]"#
        #expect(throws: TableReadError.raggedRow(file: "data.json", row: 3, expected: 3, found: 2, column: "c")) { try read(text) }
        do {
            _ = try read(text)
        } catch {
            #expect(error.description.contains("data.json:3"), "\(error)")
            #expect(error.description.contains("--allow-ragged"), "\(error)")
        }
        let padded = try JSONTableReader.read(
            bytes: Array(text.utf8), fileName: "data.json", options: CSVReadOptions(allowRagged: true))
        #expect(padded.table.values("c") == [.integer(3), .null])
        #expect(padded.report.warnings.contains(.paddedRows(count: 1)))
        // A row with an explicit null per missing value is complete.
        #expect(try read(#"[["a","b"],[1,null]]"#).table.values("b") == [.null])
    }
}
