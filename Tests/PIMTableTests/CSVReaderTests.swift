import Foundation
import PIMTable
import Testing

@Suite struct CSVReaderTests {
    @Test func readsQuotedFieldsWithDelimitersQuotesAndNewlines() throws {
        // Given a CSV whose quoted fields hold a comma, a doubled quote and a newline
        let r = try readCSV("name,note\n\"Smith, J\",\"said \"\"hi\"\"\"\nLee,\"two\nlines\"\n")
        // Then each field comes back unquoted
        #expect(r.table.values("name") == [.text("Smith, J"), .text("Lee")])
        #expect(r.table.values("note") == [.text("said \"hi\""), .text("two\nlines")])
    }

    /// QA11 I10: a cell of spaces only is empty, as validation takes it, so a number column keeps its type and its
    /// proposed schema does not require a value there; quoted, the spaces are text, and the writer quotes them.
    @Test func aCellOfSpacesIsEmptyUnlessQuoted() throws {
        let r = try readCSV("id,age,note\nR1,34,a\nR2, ,\"  \"\nR3,\t,b\n")
        #expect(r.table.values("age") == [.integer(34), .null, .null])
        #expect(r.report.profiles.first { $0.name == "age" }?.inferredType == .integer)
        #expect(r.table.values("note") == [.text("a"), .text("  "), .text("b")])
        let written = try CSVReader.read(bytes: CSVWriter.bytes(r.table), fileName: "w.csv")
        #expect(written.table == r.table)
    }

    @Test func acceptsCRLFLFAndCRLineEnds() throws {
        for eol in ["\r\n", "\n", "\r"] {
            let r = try readCSV("a,b" + eol + "1,x" + eol + "2,y" + eol)
            #expect(r.table.rowCount == 2)
            #expect(r.table.values("a") == [.integer(1), .integer(2)])
            #expect(r.table.values("b") == [.text("x"), .text("y")])
        }
    }

    @Test func lastLineWithoutNewlineIsRead() throws {
        let r = try readCSV("a,b\n1,2")
        #expect(r.table.values("b") == [.integer(2)])
    }

    @Test func stripsUTF8ByteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,v\n1,2\n".utf8)
        let r = try CSVReader.read(bytes: bytes, fileName: "bom.csv")
        #expect(r.table.columnNames == ["id", "v"])
        #expect(r.report.encoding == .utf8WithBOM)
    }

    /// QA11 I13: Excel's `sep=;` first line names the delimiter and is no row: it is skipped (with LF or CRLF, after
    /// a BOM too), its delimiter is used unless one is given, and rows are numbered as Excel shows them.
    @Test func anExcelSeparatorLineNamesTheDelimiterAndIsSkipped() throws {
        let r = try readCSV("sep=;\nname;age\nA;1\nB;2\n")
        #expect(r.table.columnNames == ["name", "age"])
        #expect(r.table.rowCount == 2)
        #expect(r.report.delimiter == UInt8(ascii: ";"))
        let crlf = try CSVReader.read(bytes: [0xEF, 0xBB, 0xBF] + Array("SEP=|\r\nname|age\r\nA|1\r\n".utf8), fileName: "x.csv")
        #expect(crlf.table.columnNames == ["name", "age"] && crlf.table.rowCount == 1)
        // A bad row is located as Excel numbers it: the header is row 1
        guard case .raggedRow(_, let row, _, _, _) = readError("sep=;\nname;age\nA;1;2\n") else {
            Issue.record("a ragged row is an error")
            return
        }
        #expect(row == 2)
        // A given delimiter wins; a longer first line that only starts like it is the header
        #expect(try readCSV("sep=;\nname,age\nA,1\n", options: CSVReadOptions(delimiter: UInt8(ascii: ","))).table.columnNames == ["name", "age"])
        #expect(try readCSV("sep=xy,b\n1,2\n").table.columnNames == ["sep=xy", "b"])
        // A lone column of that name still writes and reads back
        let lone = try Table(columns: [Column(name: "sep=x", data: .text(codes: [0, 1], dictionary: ["a", "b"]))])
        #expect(try CSVReader.read(bytes: CSVWriter.bytes(lone), fileName: "lone.csv").table == lone)
        // A one-column file whose text holds "; " is read as one column: its header has no delimiter
        let one = try readCSV("notes\nfood; water\nshelter; nfi\n")
        #expect(one.table.columnNames == ["notes"])
        #expect(one.table["notes"]?[0] == .text("food; water"))
        #expect(try readCSV("\nnotes\nfood; water\n").table.columnNames == ["notes"])
        // while a bare title line above semicolon rows (after a blank line too) keeps the semicolon
        let titled = try readCSV("Survey 2026\nname;age\n#x_name;#age\nA;1\nB;2\n")
        #expect(titled.report.delimiter == UInt8(ascii: ";") && titled.table.columnNames == ["name", "age"])
        #expect(try readCSV("\nname;age\nA;1\n").table.columnNames == ["name", "age"])
        // And the advice for a row with more fields than the header names --delimiter
        #expect(readError("name;notes\nA;food; water\n")?.description.contains("pim: --delimiter") == true)
    }

    /// What a spreadsheet's empty range adds to its CSV export (`,,,,` rows, columns with neither a name nor a
    /// value) is left out and said: no phantom records, no phantom columns; later rows keep their numbers.
    @Test func emptyRowsAndEmptyUnnamedColumnsAreLeftOut() throws {
        let r = try readCSV("id,sex,age,,\r\n1,female,3,,\r\n,,,,\r\n2,male,4,,\r\n,,,,\r\n,,,,\r\n")
        #expect(r.table.columnNames == ["id", "sex", "age"])
        #expect(r.table.rowCount == 2)
        #expect(r.table.values("sex") == [.text("female"), .text("male")])
        #expect(r.report.warnings.contains(.skippedBlankLines(count: 3)))
        #expect(r.report.warnings.contains(.droppedEmptyColumns(positions: [4, 5])))
        #expect(r.report.profiles.map(\.name) == ["id", "sex", "age"])
        #expect(r.report.profiles.allSatisfy { $0.nullCount == 0 })
        // The second record is on line 4 of the file.
        #expect(r.report.sourceRow(ofTableRow: 1) == 4)
        // A named column without values stays, and so does a row with one value.
        let named = try readCSV("id,notes\n1,\n,x\n")
        #expect(named.table.columnNames == ["id", "notes"])
        #expect(named.table.rowCount == 2)
        #expect(named.report.warnings.isEmpty)
        // pim writes a row of nulls with `""` first, so that it reads back as a row.
        var mask = NullMask()
        mask.setNull(1)
        let nulls = try Table(columns: [
            Column(name: "a", data: .integer(values: [1, 0], nulls: mask)),
            Column(name: "b", data: .text(codes: [0, -1], dictionary: ["x"])),
        ])
        let written = CSVWriter.bytes(nulls)
        #expect(String(decoding: written, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n") == "a,b\n1,x\n\"\",\n")
        #expect(try CSVReader.read(bytes: written, fileName: "n.csv").table == nulls)
    }

    /// A byte-order mark does not exempt the bytes after it from the UTF-8 check: damaged bytes in a
    /// mostly UTF-8 file are replaced and said, and a legacy file behind a mark is converted and said.
    @Test func bytesAfterAByteOrderMarkAreCheckedToo() throws {
        let damaged: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("name,n\nJosé,1\nZoë,2\n".utf8) + [0xE9] + Array(",3\n".utf8)
        let r = try CSVReader.read(bytes: damaged, fileName: "bom.csv")
        #expect(r.report.encoding == .utf8WithBOM)
        #expect(r.report.warnings.contains(.replacedInvalidUTF8(count: 1)))
        #expect(r.table.values("name") == [.text("José"), .text("Zoë"), .text("\u{FFFD}")])
        let legacy: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("name,n\n".utf8) + [0x4A, 0x6F, 0x73, 0xE9] + Array(",1\n".utf8)
        let l = try CSVReader.read(bytes: legacy, fileName: "bom-latin.csv")
        #expect(l.report.encoding == .windows1252)
        #expect(l.report.warnings.contains(.convertedFromWindows1252))
        #expect(l.table.values("name") == [.text("José")])
    }

    @Test(arguments: [(";", UInt8(ascii: ";")), ("\t", UInt8(ascii: "\t")), ("|", UInt8(ascii: "|")), (",", UInt8(ascii: ","))])
    func sniffsDelimiter(text: String, byte: UInt8) throws {
        let csv = ["a", "b", "c"].joined(separator: text) + "\n" + ["1", "x,y", "3"].joined(separator: text) + "\n"
        let r = try readCSV(byte == UInt8(ascii: ",") ? "a,b,c\n1,\"x,y\",3\n" : csv)
        #expect(r.report.delimiter == byte)
        #expect(r.table.columnNames == ["a", "b", "c"])
        #expect(r.table.values("b") == [.text("x,y")])
    }

    /// A tie between `;` and `,` (each once a line) goes to `;`: the comma is a European export's decimal comma.
    @Test func aTieBetweenSemicolonAndCommaGoesToTheSemicolon() throws {
        let r = try readCSV("Name;Weight, kg\na;1,5\nb;2,5\n")
        #expect(r.report.delimiter == UInt8(ascii: ";"))
        #expect(r.table.columnNames == ["Name", "Weight, kg"])
        #expect(r.table.values("Weight, kg") == [.text("1,5"), .text("2,5")])
        // A comma file whose text has a semicolon on some lines only is still read with `,`
        #expect(try readCSV("name,notes\nA,x; y\nB,z; w\n").report.delimiter == UInt8(ascii: ","))
    }

    @Test func convertsWindows1252AndSaysSo() throws {
        // "café" and a euro sign in Windows-1252: é = 0xE9, € = 0x80
        let bytes: [UInt8] = Array("name,price\ncaf".utf8) + [0xE9] + Array(",".utf8) + [0x80] + Array("5\n".utf8)
        let r = try CSVReader.read(bytes: bytes, fileName: "latin.csv")
        #expect(r.report.encoding == .windows1252)
        #expect(r.report.warnings.contains(.convertedFromWindows1252))
        #expect(r.table.values("name") == [.text("café")])
        #expect(r.table.values("price") == [.text("€5")])
    }

    /// A workbook renamed .csv is said to be a zip archive, not reported as CSV with a NUL byte.
    @Test func aZipArchiveIsNotReadAsCSV() {
        let bytes: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00] + Array("xl/workbook.xml".utf8)
        guard case .invalidFormat(let file, let reason)? = readError(bytes: bytes) else {
            Issue.record("expected invalidFormat")
            return
        }
        #expect(file == "data.csv")
        #expect(reason.contains("zip archive"))
    }

    @Test func convertsUTF16WithByteOrderMark() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for u in "a,b\n1,é\n".utf16 { bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let r = try CSVReader.read(bytes: bytes, fileName: "u16.csv")
        #expect(r.report.encoding == .utf16)
        #expect(r.table.values("b") == [.text("é")])
        // The conversion is said, as a Windows-1252 one is (and for JSON too).
        #expect(r.report.warnings.first == .convertedFromUTF16)
        var json: [UInt8] = [0xFF, 0xFE]
        for u in #"[{"b":"é"}]"#.utf16 { json += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let j = try JSONTableReader.read(bytes: json, fileName: "u16.json")
        #expect(j.table.values("b") == [.text("é")])
        #expect(j.report.warnings.first == .convertedFromUTF16)
    }

    @Test func unbalancedQuoteNamesRowAndColumnWhereItOpened() {
        let e = readError("id,age\n1,2\n2,\"40\n3,5\n")
        #expect(e == .unbalancedQuote(file: "data.csv", row: 3, column: "age"))
        #expect(e?.description == "data.csv:3:age: unbalanced quote opened here; close the quoted field with \"")
    }

    @Test func textAfterClosingQuoteIsAnError() {
        #expect(readError("a,b\n\"x\"y,1\n") == .textAfterClosingQuote(file: "data.csv", row: 2, column: "a"))
    }

    @Test func raggedRowsAreErrorsNamingTheRow() {
        #expect(readError("a,b,c\n1,2,3\n4,5\n") == .raggedRow(file: "data.csv", row: 3, expected: 3, found: 2, column: "c"))
        #expect(readError("a,b\n1,2\n3,4,5\n") == .raggedRow(file: "data.csv", row: 3, expected: 2, found: 3))
    }

    @Test func allowRaggedPadsShortRowsAndDropsEmptyExtras() throws {
        let r = try readCSV("a,b,c\n1,2\n4,5,6,\n", options: CSVReadOptions(allowRagged: true))
        #expect(r.table.values("c") == [.null, .integer(6)])
        #expect(r.table.values("b") == [.integer(2), .integer(5)])
        #expect(r.report.warnings.contains(.paddedRows(count: 1)))
        // Extra fields with content are still an error.
        #expect(readError("a,b\n1,2,3\n", options: CSVReadOptions(allowRagged: true)) != nil)
    }

    @Test func nulByteIsAnError() {
        let bytes = Array("a,b\n1,".utf8) + [0] + Array("\n".utf8)
        #expect(readError(bytes: bytes) == .nulByte(file: "data.csv", row: 2, column: "b"))
    }

    @Test func cellLargerThanLimitIsAnError() {
        let big = String(repeating: "x", count: 100)
        let e = readError("a\n" + big + "\n", options: CSVReadOptions(maximumCellBytes: 50))
        #expect(e == .cellTooLarge(file: "data.csv", row: 2, column: "a", limit: 50))
    }

    @Test func emptyFileIsAnError() {
        #expect(readError("") == .emptyFile(file: "data.csv"))
        #expect(readError(bytes: [0xEF, 0xBB, 0xBF]) == .emptyFile(file: "data.csv"))
        #expect(readError("\n\n") == .emptyFile(file: "data.csv"))
    }

    @Test func duplicateColumnNamesAreAnError() {
        #expect(readError("a,b,a\n1,2,3\n") == .duplicateColumn(file: "data.csv", column: "a", row: 1))
        // (QA11 I2: located at the header's row, after any title rows, and a ragged row at its first odd field)
        #expect(readError("Survey 2026,,\na,b,a\n#x,#y,#x\n1,2,3\n")?.description.hasPrefix("data.csv:2:a: this column name appears more than once") == true)
        #expect(readError("a,b\n1,2,3\n")?.description.hasPrefix("data.csv:2:column 3: this row has 3 fields") == true)
        // (a short row names the first column it lacks; a long row's extra field has no name)
        #expect(readError("a,b,c\n1\n")?.description.hasPrefix("data.csv:2:b: this row has 1 field") == true)
    }

    @Test func headerOnlyFileGivesZeroRows() throws {
        let r = try readCSV("a,b\n")
        #expect(r.table.rowCount == 0)
        #expect(r.table.columnNames == ["a", "b"])
    }

    @Test func blankLinesAreSkippedButCountForRowNumbers() throws {
        let r = try readCSV("a\n1\n\n2\n")
        #expect(r.table.values("a") == [.integer(1), .integer(2)])
        #expect(r.report.sourceRow(ofTableRow: 0) == 2)
        #expect(r.report.sourceRow(ofTableRow: 1) == 4)
        #expect(readError("a,b\n1,2\n\n3\n") == .raggedRow(file: "data.csv", row: 4, expected: 2, found: 1, column: "b"))
    }

    /// A sheet whose first rows are empty, saved as CSV, starts with `,,` rows: they are skipped like blank lines
    /// (not read as a header of empty names, which made the real header a ragged row), and rows keep their
    /// numbers.
    @Test func emptyRowsAboveTheHeaderAreSkipped() throws {
        let r = try readCSV(",,\r\n,,\r\nid,v,w\r\n1,x,\r\n2,y,z\r\n")
        #expect(r.table.columnNames == ["id", "v", "w"])
        #expect(r.table.values("v") == [.text("x"), .text("y")])
        #expect(r.report.firstDataRow == 4)
        #expect(r.report.sourceRow(ofTableRow: 1) == 5)
        // Also between a title row and the header, and above a hashtag row
        let t = try readCSV("Report,,\n,,\nid,v,w\n,,\n#meta+id,#adm1+code,\n1,XY01,\n")
        #expect(t.report.hxlRow == 5)
        #expect(t.table.columnNames == ["id", "v", "w"])
        #expect(t.report.sourceRow(ofTableRow: 0) == 6)
    }

    @Test func emptyHeaderCellsGetPositionalNames() throws {
        let r = try readCSV("a,,c\n1,2,3\n")
        #expect(r.table.columnNames == ["a", "column_2", "c"])
    }

    @Test func readsFromFileWithBundleFixture() throws {
        let url = try #require(Bundle.module.url(forResource: "table-simple", withExtension: "csv", subdirectory: "Fixtures"))
        let r = try CSVReader.read(contentsOf: url)
        #expect(r.report.fileName == "table-simple.csv")
        #expect(r.table.values("age") == [.integer(36)])
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: TableReadError.self) {
            try CSVReader.read(contentsOf: URL(fileURLWithPath: "/nonexistent/x.csv"))
        }
    }

    @Test func parallelReadMatchesSerialReadOnLargeInput() throws {
        // Given a 6 MB file with quoted newlines, so a guessed split may fall inside a quoted field
        var text = "id,city,note,score\n"
        var rng = SplitMix(seed: 7)
        for i in 0..<120_000 {
            let note = rng.next() % 3 == 0 ? "\"line one\nline \"\"two\"\"\"" : "plain"
            text += "\(i),c\(rng.next() % 50),\(note),\(Double(rng.next() % 1000) / 4)\n"
        }
        let bytes = Array(text.utf8)
        let parallel = try CSVReader.read(bytes: bytes, fileName: "big.csv", options: CSVReadOptions(parallel: true))
        let serial = try CSVReader.read(bytes: bytes, fileName: "big.csv", options: CSVReadOptions(parallel: false))
        #expect(parallel.table == serial.table)
        #expect(parallel.table.rowCount == 120_000)
        #expect(parallel.table["score"]?.type == .decimal)
    }

    @Test func errorInSecondHalfOfLargeInputHasTheRightRow() {
        var text = "a,b\n"
        for i in 0..<300_000 { text += "\(i),x\n" }
        text += "1,2,3\n"
        let e = readError(text)
        #expect(e == .raggedRow(file: "data.csv", row: 300_002, expected: 2, found: 3))
    }

    /// A file without a header row has its first record taken for the names: when two columns are named by a
    /// value of their own type (a number over numbers, a date over dates), the read says so, by position only.
    @Test func aHeaderThatReadsAsDataIsSaid() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pimtable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let headerless = dir.appendingPathComponent("h.csv")
        try Data("Ama Example,female,34,2026-01-02\nJo Sample,male,40,2026-01-03\n".utf8).write(to: headerless)
        let r = try TableReader.read(url: headerless)
        #expect(r.report.warnings.contains(.headerLooksLikeData(positions: [3, 4])))
        #expect(!r.report.warnings.description.contains("Ama"))
        let named = dir.appendingPathComponent("n.csv")
        try Data("name,sex,age,date\nJo Sample,male,40,2026-01-03\n".utf8).write(to: named)
        #expect(try TableReader.read(url: named).report.warnings.isEmpty)
    }

    @Test func tableReaderDispatchesOnExtension() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pimtable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tsv = dir.appendingPathComponent("x.tsv")
        try Data("a\tb\n1\t2\n".utf8).write(to: tsv)
        #expect(try TableReader.read(url: tsv).table.columnNames == ["a", "b"])
        let json = dir.appendingPathComponent("x.json")
        try Data("[{\"a\": 1}]".utf8).write(to: json)
        #expect(try TableReader.read(url: json).table.values("a") == [.integer(1)])
        let other = dir.appendingPathComponent("x.pdf")
        try Data("x".utf8).write(to: other)
        #expect(throws: TableReadError.unsupportedFileType(file: "x.pdf", fileExtension: "pdf")) {
            try TableReader.read(url: other)
        }
    }
}

@Suite struct EncodingTests {
    @Test func damagedUTF8StaysUTF8WithReplacementCharacters() throws {
        // Given UTF-8 text with two valid accented letters and one stray byte
        let bytes = Array("name\nrésumé ".utf8) + [0xFF] + Array("\n".utf8)
        let r = try CSVReader.read(bytes: bytes, fileName: "d.csv")
        // Then the letters survive and the stray byte becomes U+FFFD, with a warning
        #expect(r.report.encoding == .utf8)
        #expect(r.report.warnings.contains(.replacedInvalidUTF8(count: 1)))
        #expect(r.table.values("name") == [.text("résumé \u{FFFD}")])
    }
}

@Suite struct CSVColumnSelectionTests {
    @Test func onlyTheSelectedColumnsAreBuiltInFileOrder() throws {
        let csv = "a,b,c,d\n#x,#y,#z,#w\n1,x,2026-01-01,t\n2,y,2026-01-02,u\n"
        var options = CSVReadOptions()
        options.columns = ["d", "a", "missing"]
        let r = try CSVReader.read(bytes: Array(csv.utf8), fileName: "f.csv", options: options)
        #expect(r.table.columnNames == ["a", "d"])
        #expect(r.table.rowCount == 2)
        #expect(r.report.profiles.map(\.name) == ["a", "d"])
        #expect(r.table["a"]?[1] == .integer(2))
        #expect(r.table["d"]?.tag?.tag == "w")
    }

    @Test func malformedRowsAreStillReportedWhenTheirColumnsAreNotSelected() {
        let csv = "a,b\n1,\"open\n"
        var options = CSVReadOptions()
        options.columns = ["a"]
        #expect(throws: TableReadError.self) { _ = try CSVReader.read(bytes: Array(csv.utf8), fileName: "f.csv", options: options) }
    }
}
