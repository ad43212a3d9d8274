import Foundation
import PIMTable
import Testing

@Suite struct XLSXReaderTests {
    @Test func readsSharedAndInlineStringsNumbersAndBooleans() throws {
        // Given a sheet with a header of shared strings and typed data rows
        let rows = """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>ok</t></is></c><c r="D1" t="s"><v>2</v></c></row>
            <row r="2"><c r="A2"><v>3</v></c><c r="B2"><v>2.5</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="inlineStr"><is><t>x &amp; y</t></is></c></row>
            <row r="3"><c r="A3"><v>-4</v></c><c r="B3"><v>1E-3</v></c><c r="C3" t="b"><v>0</v></c><c r="D3" t="s"><v>3</v></c></row>
            """
        // When it is read
        let r = try XLSXFixture.read(rows, sharedStrings: ["id", " size ", "label", "a &lt; b"])
        // Then each column gets its type and header names are trimmed
        #expect(r.table.columnNames == ["id", "size", "ok", "label"])
        #expect(r.table["id"]?.type == .integer)
        #expect(r.table["size"]?.type == .decimal)
        #expect(XLSXFixture.values(r.table, "id") == [.integer(3), .integer(-4)])
        #expect(XLSXFixture.values(r.table, "size") == [.decimal(2.5), .decimal(0.001)])
        #expect(XLSXFixture.values(r.table, "ok") == [.boolean(true), .boolean(false)])
        #expect(XLSXFixture.values(r.table, "label") == [.text("x & y"), .text("a < b")])
        #expect(r.headerRow == 1)
        #expect(r.sheetName == "Sheet1")
        #expect(r.warnings.isEmpty)
    }

    @Test func fillsSparseCellsWithNull() throws {
        // Given a sheet whose cells skip columns and whose header starts on row 3
        let rows = """
            <row r="3"><c r="A3" t="inlineStr"><is><t>a</t></is></c><c r="C3" t="inlineStr"><is><t>c</t></is></c></row>
            <row r="4"><c r="C4"><v>7</v></c></row>
            <row r="5"><c r="A5"><v>1</v></c></row>
            """
        let r = try XLSXFixture.read(rows)
        // Then the empty header gets no column (B has neither header nor data) and gaps are null
        #expect(r.table.columnNames == ["a", "c"])
        #expect(XLSXFixture.values(r.table, "a") == [.null, .integer(1)])
        #expect(XLSXFixture.values(r.table, "c") == [.integer(7), .null])
        #expect(r.headerRow == 3)
    }

    @Test func namesEmptyHeadersByColumnNumber() throws {
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="C1" t="inlineStr"><is><t>  </t></is></c></row>
            <row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c><c r="C2"><v>3</v></c></row>
            """
        let r = try XLSXFixture.read(rows)
        #expect(r.table.columnNames == ["a", "column_2", "column_3"])
    }

    @Test func readsCellsWithoutReferencesInOrder() throws {
        let rows = """
            <row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>
            <row><c><v>1</v></c><c><v>2</v></c></row>
            """
        let r = try XLSXFixture.read(rows)
        #expect(XLSXFixture.values(r.table, "b") == [.integer(2)])
    }

    @Test(arguments: [
        // (number format id, custom code, is date, shows a time)
        (14, "", true, false), (22, "", true, true), (45, "", true, true), (2, "", false, false),
        (164, "yyyy-mm-dd", true, false), (164, "d/m/yy h:mm", true, true), (164, "\"day\" 0", false, false),
        (164, "0.00\\d", false, false), (164, "[Red]0.0", false, false), (164, "[$-409]mmm yy", true, false),
        (164, "[h]:mm", true, true), (164, "0.00E+00", false, false), (164, "yyyy-mm-dd hh:mm:ss", true, true),
    ])
    func detectsDateStyles(format: Int, code: String, isDate: Bool, showsTime: Bool) throws {
        // Given a number styled with the format
        let custom = format >= 164 ? [format: code.replacingOccurrences(of: "\"", with: "&quot;")] : [:]
        let styles = XLSXFixture.styles(xfs: [0, format], custom: custom)
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>d</t></is></c></row>
            <row r="2"><c r="A2" s="1"><v>45292.75</v></c></row>
            """
        let r = try XLSXFixture.read(rows, styles: styles)
        // Then it is a date (2024-01-01 = day 19723) exactly when the format shows a date, with its time
        // (as text) exactly when the format shows one
        let expected: Value = !isDate ? .decimal(45_292.75) : showsTime ? .text("2024-01-01T18:00:00") : .date(19_723)
        #expect(XLSXFixture.values(r.table, "d") == [expected])
    }

    @Test func convertsSerialsInBothDateSystems() throws {
        let styles = XLSXFixture.styles(xfs: [0, 14])
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>d</t></is></c></row>
            <row r="2"><c r="A2" s="1"><v>25569</v></c></row>
            <row r="3"><c r="A3" s="1"><v>1</v></c></row>
            <row r="4"><c r="A4" s="1"><v>61</v></c></row>
            """
        // 1900 system: 25569 is 1970-01-01, 1 is 1900-01-01 (-25567), 61 is 1900-03-01 (-25508)
        let r1900 = try XLSXFixture.read(rows, styles: styles)
        #expect(XLSXFixture.values(r1900.table, "d") == [.date(0), .date(-25_567), .date(-25_508)])
        // 1904 system: 0 is 1904-01-01 (-24107), so 25569 is 24107 days before... 1970-01-01 + 1462
        let r1904 = try XLSXFixture.read(rows, styles: styles, date1904: true)
        #expect(XLSXFixture.values(r1904.table, "d") == [.date(1_462), .date(-24_106), .date(-24_046)])
    }

    @Test func readsISODateCells() throws {
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>d</t></is></c><c r="B1" t="inlineStr"><is><t>t</t></is></c></row>
            <row r="2"><c r="A2" t="d"><v>2024-03-05T00:00:00</v></c><c r="B2" t="d"><v>2024-03-05T10:00:00</v></c></row>
            """
        let r = try XLSXFixture.read(rows)
        #expect(XLSXFixture.values(r.table, "d") == [.date(19_787)])
        // A time of day is kept: the cell stays text
        #expect(XLSXFixture.values(r.table, "t") == [.text("2024-03-05T10:00:00")])
    }

    /// A serial in a format that shows the time keeps it (as ISO 8601 text, midnight included, so a column
    /// has one shape); in a date format it is the day.
    @Test func dateTimesKeepTheirTime() throws {
        let styles = XLSXFixture.styles(xfs: [0, 22, 14])
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>when</t></is></c><c r="B1" t="inlineStr"><is><t>day</t></is></c></row>
            <row r="2"><c r="A2" s="1"><v>25569.5</v></c><c r="B2" s="2"><v>25569</v></c></row>
            <row r="3"><c r="A3" s="1"><v>25569.999988426</v></c><c r="B3" s="2"><v>25570.75</v></c></row>
            <row r="4"><c r="A4" s="1"><v>25570</v></c><c r="B4" s="2"><v>25571</v></c></row>
            """
        let r = try XLSXFixture.read(rows, styles: styles)
        #expect(XLSXFixture.values(r.table, "when") == [
            .text("1970-01-01T12:00:00"), .text("1970-01-01T23:59:59"), .text("1970-01-02T00:00:00"),
        ])
        #expect(XLSXFixture.values(r.table, "day") == [.date(0), .date(1), .date(2)])
    }

    /// Row numbers are those the spreadsheet shows: an empty row inside the data, two header rows, a
    /// title above the header and a hashtag row all keep later rows at their sheet numbers.
    @Test func rowNumbersAreTheSheetsOwn() throws {
        let gap = try XLSXFixture.read("""
            <row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c></row>
            <row r="2"><c r="A2"><v>1</v></c></row>
            <row r="3"><c r="A3"><v>2</v></c></row>
            <row r="6"><c r="A6"><v>3</v></c></row>
            <row r="7"><c r="A7"><v>4</v></c></row>
            """).readResult(fileName: "gap.xlsx")
        #expect(gap.table.rowCount == 4)
        #expect((0..<4).map(gap.report.sourceRow(ofTableRow:)) == [2, 3, 6, 7])
        #expect(gap.report.warnings.contains { $0.description.contains("2 empty row(s)") })
        let merged = try XLSXFixture.read("""
            <row r="1"><c r="A1" t="inlineStr"><is><t>Site</t></is></c><c r="B1" t="inlineStr"><is><t>Age</t></is></c></row>
            <row r="2"><c r="B2" t="inlineStr"><is><t>min</t></is></c><c r="C2" t="inlineStr"><is><t>max</t></is></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>north</t></is></c><c r="B3"><v>1</v></c><c r="C3"><v>5</v></c></row>
            <row r="4"><c r="A4" t="inlineStr"><is><t>south</t></is></c><c r="B4"><v>2</v></c><c r="C4"><v>6</v></c></row>
            """, extra: "<mergeCells count=\"1\"><mergeCell ref=\"B1:C1\"/></mergeCells>").readResult(fileName: "m.xlsx")
        #expect(merged.report.headerRows == [1, 2])
        #expect(merged.report.firstDataRow == 3)
        #expect(merged.report.sourceRow(ofTableRow: 1) == 4)
        let titled = try XLSXFixture.read("""
            <row r="1"><c r="A1" t="inlineStr"><is><t>Title of the report</t></is></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>Region</t></is></c></row>
            <row r="4"><c r="A4" t="inlineStr"><is><t>#adm1+name</t></is></c></row>
            <row r="6"><c r="A6" t="inlineStr"><is><t>North</t></is></c></row>
            """).readResult(fileName: "t.xlsx")
        #expect(titled.report.hxlRow == 4)
        #expect(titled.report.headerRows == [3])
        #expect(titled.report.firstDataRow == 6)
    }

    @Test func mixedColumnsBecomeTextWithShortestNumbers() throws {
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>m</t></is></c></row>
            <row r="2"><c r="A2"><v>3.0</v></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>n/a</t></is></c></row>
            <row r="4"><c r="A4"><v>0.1</v></c></row>
            <row r="5"><c r="A5" t="b"><v>1</v></c></row>
            """
        let r = try XLSXFixture.read(rows)
        #expect(XLSXFixture.values(r.table, "m") == [.text("3"), .text("n/a"), .text("0.1"), .text("TRUE")])
    }

    /// Numbers, dates and booleans stored as text (Excel's "number stored as text", KoboToolbox's XLSX export
    /// by default) are typed as the same texts in a CSV would be; codes with leading zeros stay text.
    @Test func numbersAndDatesStoredAsTextAreTypedAsInCSV() throws {
        let rows = """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c></row>
            <row r="2"><c r="A2" t="s"><v>6</v></c><c r="B2" t="inlineStr"><is><t>3</t></is></c><c r="C2" t="inlineStr"><is><t>12.5</t></is></c><c r="D2" t="inlineStr"><is><t>true</t></is></c><c r="E2" t="inlineStr"><is><t>007</t></is></c><c r="F2"><v>4</v></c></row>
            <row r="3"><c r="A3" t="s"><v>7</v></c><c r="B3" t="inlineStr"><is><t>-2</t></is></c><c r="C3" t="inlineStr"><is><t>7</t></is></c><c r="D3" t="inlineStr"><is><t>FALSE</t></is></c><c r="E3" t="inlineStr"><is><t>010</t></is></c><c r="F3" t="inlineStr"><is><t>5</t></is></c></row>
            <row r="4"><c r="A4" t="s"><v>6</v></c><c r="C4"><v>0.5</v></c><c r="F4" t="inlineStr"><is><t></t></is></c></row>
            """
        let r = try XLSXFixture.read(
            rows, sharedStrings: ["today", "size", "lat", "ok", "code", "n", "2024-03-01", "2024-03-02"])
        #expect(XLSXFixture.values(r.table, "today") == [.date(19_783), .date(19_784), .date(19_783)])
        #expect(XLSXFixture.values(r.table, "size") == [.integer(3), .integer(-2), .null])
        #expect(XLSXFixture.values(r.table, "lat") == [.decimal(12.5), .decimal(7), .decimal(0.5)])
        #expect(XLSXFixture.values(r.table, "ok") == [.boolean(true), .boolean(false), .null])
        #expect(XLSXFixture.values(r.table, "code") == [.text("007"), .text("010"), .null])
        // A number cell beside numbers stored as text, and an empty text cell (a null, as in CSV)
        #expect(XLSXFixture.values(r.table, "n") == [.integer(4), .integer(5), .null])
    }

    /// Without type inference (as pim reads a schema's text field again), text cells stay as written.
    @Test func withoutTypeInferenceTextCellsStayAsWritten() throws {
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c></row>
            <row r="2"><c r="A2" t="inlineStr"><is><t>4.50</t></is></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>TRUE</t></is></c></row>
            """
        let url = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("Sheet1", XLSXFixture.sheet(rows))]))
        let typed = try TableReader.read(url: url)
        #expect(typed.table.values("n") == [.text("4.50"), .text("TRUE")])
        let decimals = try XLSXFixture.read(rows.replacingOccurrences(of: "TRUE", with: "2.25"))
        #expect(XLSXFixture.values(decimals.table, "n") == [.decimal(4.5), .decimal(2.25)])
        let url2 = try XLSXFixture.file(parts: XLSXFixture.parts(
            sheets: [("Sheet1", XLSXFixture.sheet(rows.replacingOccurrences(of: "TRUE", with: "2.25")))]))
        let raw = try TableReader.read(url: url2, options: CSVReadOptions(inferTypes: false))
        #expect(raw.table.values("n") == [.text("4.50"), .text("2.25")])
    }

    /// A number cell holding an integer beyond 2^53 (as openpyxl writes a Python int) keeps its digits: the
    /// exact integer when it fits 64 bits, else the digits as text (a double would change the last digits).
    @Test func integersBeyondTwoToThe53AreReadExactly() throws {
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>big</t></is></c></row>
            <row r="2"><c r="A2"><v>9007199254740993</v></c><c r="B2"><v>12345678901234567890</v></c></row>
            <row r="3"><c r="A3"><v>7</v></c><c r="B3"><v>-12345678901234567891</v></c></row>
            """
        let r = try XLSXFixture.read(rows)
        #expect(XLSXFixture.values(r.table, "id") == [.integer(9_007_199_254_740_993), .integer(7)])
        #expect(XLSXFixture.values(r.table, "big") == [.text("12345678901234567890"), .text("-12345678901234567891")])
    }

    @Test func errorCellsAreNullWithAWarning() throws {
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>v</t></is></c></row>
            <row r="2"><c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>
            <row r="3"><c r="A3"><f>1+1</f><v>2</v></c></row>
            """
        let r = try XLSXFixture.read(rows)
        #expect(XLSXFixture.values(r.table, "v") == [.null, .integer(2)])
        #expect(r.warnings.count == 1)
        #expect(r.warnings.first?.contains("Sheet1!A2") == true)
    }

    /// A formula saved without its computed value (no `<v>` or an empty one, as scripts write them) is read as
    /// empty and said,
    /// naming the cells; a formula whose value is the empty string (`<v></v>`) is not.
    @Test func formulasWithoutAComputedValueAreNullWithAWarning() throws {
        // Given formulas without values in A2 and A3, one with an empty-string value in A4, and one computed
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>v</t></is></c><c r="B1" t="inlineStr"><is><t>n</t></is></c></row>
            <row r="2"><c r="A2"><f>B2*2</f><v/></c><c r="B2"><v>1</v></c></row>
            <row r="3"><c r="A3" t="str"><f>"x"&amp;"y"</f></c><c r="B3"><v>2</v></c></row>
            <row r="4"><c r="A4" t="str"><f>""</f><v></v></c><c r="B4"><v>3</v></c></row>
            <row r="5"><c r="A5"><f>1+1</f><v>2</v></c><c r="B5"><v>4</v></c></row>
            """
        let r = try XLSXFixture.read(rows)
        // Then they are empty, and one warning names the two uncomputed cells
        #expect(XLSXFixture.values(r.table, "v") == [.null, .null, .null, .integer(2)])
        #expect(r.warnings.count == 1)
        #expect(r.warnings.first?.contains("2 formula cell(s) had no computed value and were read as empty: Sheet1!A2, Sheet1!A3") == true,
                "\(r.warnings)")
    }

    @Test func decodesEntitiesRichTextAndEscapes() throws {
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>t</t></is></c></row>
            <row r="2"><c r="A2" t="inlineStr"><is><r><t>Hello</t></r><r><rPr><b/></rPr><t xml:space="preserve"> w&#246;rld &#x1F600;</t></r><rPh><t>skip</t></rPh></is></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>&quot;q&apos; &unknown; line_x000D_end</t></is></c></row>
            <row r="4"><c r="A4" t="inlineStr"><is><t><![CDATA[<raw> & stuff]]></t></is></c></row>
            """
        let r = try XLSXFixture.read(rows)
        #expect(XLSXFixture.values(r.table, "t") == [
            .text("Hello wörld 😀"), .text("\"q' &unknown; line\rend"), .text("<raw> & stuff"),
        ])
    }

    @Test func propagatesMergedHeaderCellsAndCombinesTwoHeaderRows() throws {
        // Given a group header "Age" merged over B1:C1, with sub-headers in row 2, and A1:A2 merged
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>Site</t></is></c><c r="B1" t="inlineStr"><is><t>Age</t></is></c></row>
            <row r="2"><c r="B2" t="inlineStr"><is><t>min</t></is></c><c r="C2" t="inlineStr"><is><t>max</t></is></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>north</t></is></c><c r="B3"><v>1</v></c><c r="C3"><v>5</v></c></row>
            """
        let merges = "<mergeCells count=\"2\"><mergeCell ref=\"B1:C1\"/><mergeCell ref=\"A1:A2\"/></mergeCells>"
        let r = try XLSXFixture.read(rows, extra: merges)
        // Then the names combine group and sub-header, and data starts at row 3
        #expect(r.table.columnNames == ["Site", "Age / min", "Age / max"])
        #expect(r.table.rowCount == 1)
        #expect(XLSXFixture.values(r.table, "Age / max") == [.integer(5)])
    }

    /// A title merged across every column above the header is skipped (and said), with or without a hashtag
    /// row; it never becomes part of the column names.
    @Test func aTitleAcrossEveryColumnIsNotPartOfTheNames() throws {
        func cell(_ ref: String, _ text: String) -> String { "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>" }
        let title = "<row r=\"1\">" + cell("A1", "Survey 2026") + "</row>"
        let header = "<row r=\"2\">" + cell("A2", "Site") + cell("B2", "Age") + cell("C2", "Count") + "</row>"
        let tags = "<row r=\"3\">" + cell("A3", "#loc") + cell("B3", "#x_age") + cell("C3", "#x_count") + "</row>"
        let merge = "<mergeCells><mergeCell ref=\"A1:C1\"/></mergeCells>"
        func data(_ r: Int) -> String {
            "<row r=\"\(r)\">" + cell("A\(r)", "north") + "<c r=\"B\(r)\"><v>4</v></c><c r=\"C\(r)\"><v>2</v></c></row>"
        }
        let plain = try XLSXFixture.read(title + header + data(3), extra: merge).readResult(fileName: "t.xlsx")
        #expect(plain.table.columnNames == ["Site", "Age", "Count"])
        #expect(plain.table.rowCount == 1)
        #expect(plain.report.firstDataRow == 3)
        #expect(plain.report.warnings.contains { $0.description.contains("title") })
        let tagged = try XLSXFixture.read(title + header + tags + data(4), extra: merge).readResult(fileName: "t.xlsx")
        #expect(tagged.table.columnNames == ["Site", "Age", "Count"])
        #expect(tagged.report.hxlRow == 3)
    }

    /// Repeated headers are treated as in CSV: told apart by differing tags, refused otherwise; a label one
    /// merged cell spreads over several columns still gets _2.
    @Test func repeatedHeadersAreToldApartByTagsOrRefused() throws {
        func cell(_ ref: String, _ text: String) -> String { "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>" }
        let tagged = "<row r=\"1\">" + cell("A1", "People in need") + cell("B1", "People in need") + "</row>"
            + "<row r=\"2\">" + cell("A2", "#inneed+f") + cell("B2", "#inneed+m") + "</row>"
            + "<row r=\"3\"><c r=\"A3\"><v>4</v></c><c r=\"B3\"><v>5</v></c></row>"
        let r = try XLSXFixture.read(tagged)
        #expect(r.table.columnNames == ["People in need #inneed+f", "People in need #inneed+m"])
        #expect(XLSXFixture.values(r.table, "People in need #inneed+m") == [.integer(5)])
        let plain = "<row r=\"1\">" + cell("A1", "a") + cell("B1", "a") + "</row><row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"B2\"><v>2</v></c></row>"
        #expect(throws: XLSXError.duplicateColumn(file: "book.xlsx", sheet: "Sheet1", column: "a")) { try XLSXFixture.read(plain) }
        let sameTags = "<row r=\"1\">" + cell("A1", "P") + cell("B1", "P") + "</row>"
            + "<row r=\"2\">" + cell("A2", "#inneed+f+adults") + cell("B2", "#inneed+adults+f") + "</row>"
            + "<row r=\"3\"><c r=\"A3\"><v>4</v></c><c r=\"B3\"><v>5</v></c></row>"
        #expect(throws: XLSXError.duplicateColumn(file: "book.xlsx", sheet: "Sheet1", column: "P")) { try XLSXFixture.read(sameTags) }
    }

    /// Labels merged down over two header rows ("Site" over A1:A2) beside labels of two rows ("Age" over
    /// "years"): both rows are the header, with or without a hashtag row below, and no label becomes data.
    @Test func labelsMergedDownMakeATwoRowHeader() throws {
        let header = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>Site</t></is></c><c r="B1" t="inlineStr"><is><t>Age</t></is></c><c r="C1" t="inlineStr"><is><t>Sex</t></is></c></row>
            <row r="2"><c r="B2" t="inlineStr"><is><t>years</t></is></c></row>
            """
        let data = """
            <row r="3"><c r="A3" t="inlineStr"><is><t>north</t></is></c><c r="B3"><v>31</v></c><c r="C3" t="inlineStr"><is><t>f</t></is></c></row>
            <row r="4"><c r="A4" t="inlineStr"><is><t>south</t></is></c><c r="B4"><v>7</v></c><c r="C4" t="inlineStr"><is><t>m</t></is></c></row>
            """
        let merges = "<mergeCells count=\"2\"><mergeCell ref=\"A1:A2\"/><mergeCell ref=\"C1:C2\"/></mergeCells>"
        let r = try XLSXFixture.read(header + data, extra: merges).readResult(fileName: "v.xlsx")
        #expect(r.table.columnNames == ["Site", "Age / years", "Sex"])
        #expect(r.report.headerRows == [1, 2])
        #expect(r.report.firstDataRow == 3)
        #expect(XLSXFixture.values(r.table, "Age / years") == [.integer(31), .integer(7)])
        // With a hashtag row under the two header rows.
        let tags = """
            <row r="3"><c r="A3" t="inlineStr"><is><t>#loc</t></is></c><c r="B3" t="inlineStr"><is><t>#x_age</t></is></c><c r="C3" t="inlineStr"><is><t>#x_sex</t></is></c></row>
            """
        // (The data rows move down one, to rows 4 and 5.)
        let shifted = data.replacingOccurrences(of: "4\"", with: "5\"").replacingOccurrences(of: "3\"", with: "4\"")
        let t = try XLSXFixture.read(header + tags + shifted, extra: merges).readResult(fileName: "v.xlsx")
        #expect(t.table.columnNames == ["Site", "Age / years", "Sex"])
        #expect(t.report.hxlRow == 3)
        #expect(t.report.headerRows == [1, 2])
        #expect(t.report.firstDataRow == 4)
        #expect(XLSXFixture.values(t.table, "Age / years") == [.integer(31), .integer(7)])
        // A second row with a number under a label merged down is data, not a header row.
        let numeric = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>Site</t></is></c><c r="B1" t="inlineStr"><is><t>Age</t></is></c></row>
            <row r="2"><c r="B2"><v>40</v></c></row>
            """
        let n = try XLSXFixture.read(numeric + data, extra: "<mergeCells><mergeCell ref=\"A1:A2\"/></mergeCells>")
        #expect(n.table.columnNames.first == "Site")
        #expect(n.table.rowCount == 3)
    }

    /// One header row with a merged group cell, and data below: the first data row is data, not a second
    /// header row (its cells are a number, and text outside the merged group), so no value becomes a name.
    @Test func aDataRowUnderAMergedHeaderStaysData() throws {
        let data = (0..<6).map { i in
            "<row r=\"\(i + 2)\"><c r=\"A\(i + 2)\" t=\"inlineStr\"><is><t>Person \(i)</t></is></c>"
                + "<c r=\"B\(i + 2)\" t=\"inlineStr\"><is><t>P\(i)</t></is></c><c r=\"C\(i + 2)\" t=\"inlineStr\"><is><t>D\(i)</t></is></c>"
                + "<c r=\"D\(i + 2)\"><v>\(30 + i)</v></c></row>"
        }
        let header = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Full name</t></is></c>"
            + "<c r=\"B1\" t=\"inlineStr\"><is><t>Location</t></is></c><c r=\"D1\" t=\"inlineStr\"><is><t>Age</t></is></c></row>"
        let r = try XLSXFixture.read(header + data.joined(), extra: "<mergeCells><mergeCell ref=\"B1:C1\"/></mergeCells>")
            .readResult(fileName: "m.xlsx")
        #expect(r.report.headerRows == [1])
        #expect(r.report.firstDataRow == 2)
        #expect(r.table.rowCount == 6)
        #expect(r.table.columnNames == ["Full name", "Location", "Location_2", "Age"])
        #expect(!r.table.columnNames.contains { $0.contains("Person") })
    }

    @Test func propagatesAMergedHeaderWithoutSubHeaders() throws {
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>Score</t></is></c></row>
            <row r="3"><c r="A3"><v>1</v></c><c r="B3"><v>2</v></c></row>
            """
        let r = try XLSXFixture.read(rows, extra: "<mergeCells><mergeCell ref=\"A1:B1\"/></mergeCells>")
        #expect(r.table.columnNames == ["Score", "Score_2"])
    }

    @Test func detectsHashtagRowBelowTheHeader() throws {
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>Title of the report</t></is></c></row>
            <row r="2"><c r="A2" t="inlineStr"><is><t>Region</t></is></c><c r="B2" t="inlineStr"><is><t>People</t></is></c><c r="C2" t="inlineStr"><is><t>Note</t></is></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>#ADM1 +Name</t></is></c><c r="B3" t="inlineStr"><is><t>#affected+f+children</t></is></c><c r="C3" t="inlineStr"><is><t>not a tag</t></is></c></row>
            <row r="4"><c r="A4" t="inlineStr"><is><t>North</t></is></c><c r="B4"><v>12</v></c></row>
            """
        let r = try XLSXFixture.read(rows)
        #expect(r.table.columnNames == ["Region", "People", "Note"])
        #expect(r.table["Region"]?.tag == HXLTagSpec(tag: "adm1", attributes: ["name"]))
        #expect(r.table["People"]?.tag == HXLTagSpec(tag: "affected", attributes: ["f", "children"]))
        #expect(r.table["Note"]?.tag == nil)
        #expect(r.table.rowCount == 1)
        #expect(r.headerRow == 2)
    }

    /// Data cells written like unknown tags (`#general`) in two rows are data, not a hashtag row.
    @Test func unknownTagLikeValuesInDataRowsAreData() throws {
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>channel</t></is></c></row>
            <row r="2"><c r="A2" t="inlineStr"><is><t>#general</t></is></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>#random</t></is></c></row>
            """
        let r = try XLSXFixture.read(rows)
        #expect(r.hxlRow == nil)
        #expect(XLSXFixture.values(r.table, "channel") == [.text("#general"), .text("#random")])
    }

    @Test func choosesASheetByNameCaseInsensitively() throws {
        let one = XLSXFixture.sheet("<row><c t=\"inlineStr\"><is><t>first</t></is></c></row>")
        let two = XLSXFixture.sheet("<row><c t=\"inlineStr\"><is><t>second</t></is></c></row>")
        let url = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("Alpha", one), ("Données", two)]))
        #expect(try XLSXReader.read(contentsOf: url).table.columnNames == ["first"])
        let r = try XLSXReader.read(contentsOf: url, sheet: "DONNÉES")
        #expect(r.table.columnNames == ["second"])
        #expect(r.sheetName == "Données")
        #expect(r.sheetNames == ["Alpha", "Données"])
        #expect(throws: XLSXError.sheetNotFound(file: "book.xlsx", sheet: "Gamma", available: ["Alpha", "Données"])) {
            try XLSXReader.read(contentsOf: url, sheet: "Gamma")
        }
    }

    @Test func emptySheetGivesEmptyTable() throws {
        let r = try XLSXFixture.read("")
        #expect(r.table.columns.isEmpty)
        #expect(r.headerRow == 0)
    }

    @Test func readsAWorkbookWrittenByOpenpyxl() throws {
        // Given a fixture written by openpyxl 3.1 (shared strings, a date, a merged header, a formula)
        let url = try #require(Bundle.module.url(forResource: "xlsx-openpyxl", withExtension: "xlsx", subdirectory: "Fixtures"))
        let r = try XLSXReader.read(contentsOf: url)
        #expect(r.table.columnNames == ["name", "when", "count", "Group / a", "Group / b"])
        #expect(XLSXFixture.values(r.table, "name") == [.text("Zoë & <co>"), .text("=1+1")])
        #expect(XLSXFixture.values(r.table, "when") == [.date(19_787), .null])
        #expect(XLSXFixture.values(r.table, "count") == [.integer(3), .integer(4)])
        #expect(r.table["Group / a"]?.type == .decimal)
    }

    /// A workbook with several visible sheets (a KoboToolbox export's repeat groups) is read from its first
    /// one, and the others are named in a warning; naming a sheet reads that one, without the warning.
    @Test func otherSheetsAreNamedWhenNoneWasChosen() throws {
        let rows = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c></row><row r=\"2\"><c r=\"A2\"><v>1</v></c></row>"
        let url = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("data", XLSXFixture.sheet(rows)), ("group_children", XLSXFixture.sheet(rows))]))
        let first = try XLSXReader.read(contentsOf: url)
        #expect(first.sheetName == "data")
        #expect(first.warnings.contains { $0.contains("only \"data\" was read") && $0.contains("\"group_children\"") })
        let named = try XLSXReader.read(contentsOf: url, sheet: "group_children")
        #expect(named.sheetName == "group_children")
        #expect(!named.warnings.contains { $0.contains("was read") })
    }
}
