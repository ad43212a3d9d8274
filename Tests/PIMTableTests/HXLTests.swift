import PIMTable
import Testing

@Suite struct HXLTests {
    @Test func parsesTagSpecIntoTagAndAttributes() throws {
        let s = try #require(HXLTagSpec(parsing: "#affected+f+children"))
        #expect(s.tag == "affected")
        #expect(s.attributes == ["f", "children"])
    }

    @Test func normalisesCaseAndWhitespace() {
        #expect(HXLTagSpec(parsing: "# Affected +F")?.description == "#affected+f")
        #expect(HXLTagSpec(parsing: "  #adm1 + code ")?.description == "#adm1+code")
    }

    @Test(arguments: ["affected", "#", "#1abc", "#a+", "#a++b", "#a-b", "#a b c+é", "#a+1x"])
    func rejectsInvalidTagSpecs(text: String) {
        #expect(HXLTagSpec(parsing: text) == nil)
    }

    @Test func acceptsExtensionTags() {
        #expect(HXLTagSpec(parsing: "#x_score+raw")?.tag == "x_score")
    }

    @Test func patternMatchesTagIncludedAndExcludedAttributes() throws {
        let female = HXLTagSpec(tag: "affected", attributes: ["f", "children"])
        let male = HXLTagSpec(tag: "affected", attributes: ["m"])
        let p = try #require(HXLTagPattern(parse: "#affected+f"))
        #expect(p.matches(female))
        #expect(!p.matches(male))
        let notMale = try #require(HXLTagPattern(parse: "#affected-m"))
        #expect(notMale.matches(female) && !notMale.matches(male))
        let anyCode = try #require(HXLTagPattern(parse: "#*+code"))
        #expect(anyCode.matches(HXLTagSpec(tag: "adm1", attributes: ["code"])))
        #expect(!anyCode.matches(HXLTagSpec(tag: "adm1", attributes: ["name"])))
        #expect(!anyCode.matches(nil))
        #expect(HXLTagPattern(parse: "affected") == nil)
        #expect(HXLTagPattern(parse: "# Affected +F -M")?.description == "#affected+f-m")
        // The absolute form: exactly these attributes, in any order (QA11 I4)
        let women = try #require(HXLTagPattern(parse: "#affected+f!"))
        #expect(women.absolute && women.description == "#affected+f!")
        #expect(women.matches(HXLTagSpec(tag: "affected", attributes: ["f"])))
        #expect(!women.matches(female))
        #expect(try #require(HXLTagPattern(parse: "#affected+children+f!")).matches(HXLTagSpec(tag: "affected", attributes: ["children", "f"])))
        #expect(try #require(HXLTagPattern(parse: "#adm1!")).matches(HXLTagSpec(tag: "adm1", attributes: [])))
        #expect(HXLTagPattern(parse: "#affected!+f") == nil)
    }

    @Test func findsHashtagRowBelowSeveralHeaderRows() throws {
        // Given a title row, a header row and a hashtag row with one untagged column
        let r = try readCSV("Report of the week,,\nDistrict,Women,Comment\n#adm1+name,#affected+f,\nNorth,12,ok\n")
        #expect(r.report.hxlRow == 3)
        #expect(r.report.headerRows == [1, 2])
        #expect(r.report.firstDataRow == 4)
        #expect(r.table.columnNames == ["District", "Women", "Comment"])
        #expect(r.table.columns.map(\.tag) == [
            HXLTagSpec(tag: "adm1", attributes: ["name"]), HXLTagSpec(tag: "affected", attributes: ["f"]), nil,
        ])
        #expect(r.table.values("Women") == [.integer(12)])
    }

    @Test func hashtagRowAloneGivesNamesFromTags() throws {
        let r = try readCSV("#adm1+code,#Affected +F\nXY01,3\n")
        #expect(r.report.hxlRow == 1)
        #expect(r.table.columnNames == ["#adm1+code", "#affected+f"])
    }

    @Test func invalidTagInHashtagRowNamesTheColumn() {
        let e = readError("a,b,c\n#adm1,#sex,#1bad\nx,y,z\n")
        #expect(e == .invalidHashtag(file: "data.csv", row: 2, column: "c"))
    }

    @Test func noHashtagRowMeansFirstRowIsHeader() throws {
        let r = try readCSV("a,b\n#1,x\n")
        #expect(r.report.hxlRow == nil)
        #expect(r.table.values("a") == [.text("#1")])
    }

    @Test func selectsColumnsByPattern() throws {
        let r = try readCSV("A,B,C,D\n#affected+f+children,#affected+m,#adm1+code,#adm1+name\n1,2,X,Y\n")
        let women = try #require(HXLTagPattern(parse: "#affected+f"))
        #expect(r.table.columns(matching: women).map(\.name) == ["A"])
        let codes = try #require(HXLTagPattern(parse: "#*+code"))
        #expect(r.table.columns(matching: codes).map(\.name) == ["C"])
        let adm1 = try #require(HXLTagPattern(parse: "#adm1"))
        #expect(r.table.columns(matching: adm1).map(\.name) == ["C", "D"])
        #expect(r.table.firstColumn(matching: try #require(HXLTagPattern(parse: "#affected-f")))?.name == "B")
    }

    @Test func readsGeneratedMicrodataShape() throws {
        let r = try readCSV("record_id,age,date\n#meta+id+record,#age,#date+reported\nR1,30,2024-01-01\n")
        #expect(r.table["age"]?.tag == HXLTagSpec(tag: "age"))
        #expect(r.table["date"]?.type == .date)
    }

    /// A group label repeated over its columns ("People in need" over the female and male counts) is told
    /// apart by the tags; the same label with the same tag, or without tags, is still a duplicate.
    @Test func repeatedLabelsAreToldApartByTheirTags() throws {
        let r = try readCSV("""
            Response plan 2026,,
            District,People in need,People in need
            #adm2+name,#inneed+f,#inneed+m
            North,10,12

            """)
        #expect(r.table.columnNames == ["District", "People in need #inneed+f", "People in need #inneed+m"])
        #expect(r.table["People in need #inneed+m"]?.tag == HXLTagSpec(tag: "inneed", attributes: ["m"]))
        #expect(r.table.values("People in need #inneed+f") == [.integer(10)])
        #expect(r.report.headerRows == [1, 2])
        #expect(readError("a,a\n#x,#x\n1,2\n") == .duplicateColumn(file: "data.csv", column: "a", row: 1))
        #expect(readError("P,P\n#inneed+f+adults,#inneed+adults+f\n1,2\n") == .duplicateColumn(file: "data.csv", column: "P", row: 1))
        #expect(readError("a,a\n#x,\n1,2\n") == .duplicateColumn(file: "data.csv", column: "a", row: 1))
        #expect(readError("a,a\n1,2\n") == .duplicateColumn(file: "data.csv", column: "a", row: 1))
    }

    /// Hashtags outside the HXL 1.1 core dictionary are named in one warning (tags only, each once); extension
    /// tags (`#x_…`) and core tags are not. The file is still read with its tags.
    @Test func unknownHashtagsAreAWarningNotARefusal() throws {
        // Given the benchmark microdata's kind of tags, a typo and an extension tag
        var r = try readCSV("""
            id,hh,adm,sex,age,sex2,score,d
            #meta+id,#household+id,#amd1+code,#sex,#age,#sex+respondent,#x_score,#date
            R1,H1,XY01,f,30,f,3,2024-01-01

            """)
        // When the tags are checked
        r.noteUnknownHXLTags()
        // Then one warning lists the unknown tags in column order, each once, and no value
        let unknown = r.report.warnings.compactMap { w -> [String]? in
            if case .unknownHXLTags(let tags) = w { tags } else { nil }
        }
        #expect(unknown == [["#household", "#amd1", "#sex", "#age"]])
        let text = try #require(r.report.warnings.first { if case .unknownHXLTags = $0 { true } else { false } }).description
        #expect(text.hasPrefix("4 HXL hashtags are not in the HXL core dictionary: #household, #amd1, #sex, #age;"))
        #expect(!text.contains("XY01") && !text.contains("H1"))
        // and the columns keep their tags
        #expect(r.table["sex"]?.tag == HXLTagSpec(tag: "sex"))
        // Checking again adds nothing.
        r.noteUnknownHXLTags()
        #expect(r.report.warnings.filter { if case .unknownHXLTags = $0 { true } else { false } }.count == 1)
    }

    @Test func coreAndExtensionTagsAreKnown() {
        for tag in ["adm1", "affected", "meta", "respondee", "value", "status", "x_sex", "x_anything"] {
            #expect(HXLCoreDictionary.isKnown(tag), "\(tag)")
        }
        for tag in ["sex", "age", "household", "disability", "amd1", "xsex"] {
            #expect(!HXLCoreDictionary.isKnown(tag), "\(tag)")
        }
        #expect(HXLCoreDictionary.hashtags.count == 44)
        // A file whose tags are all known gets no warning.
        var r = ReadResult(table: .empty, report: ReadReport(fileName: "f.csv"))
        r.noteUnknownHXLTags()
        #expect(r.report.warnings.isEmpty)
    }

    /// QA11 I23: files HXL tools read are read: several columns with the same hashtag and no header names are
    /// numbered, and text in the hashtag row under names leaves that column untagged, each with a note.
    @Test func repeatedHashtagsAndTextInTheHashtagRowAreReadAsHXLToolsReadThem() throws {
        let repeated = try readCSV("#adm1+code,#affected,#affected,#affected\nSD01,1,2,3\n")
        #expect(repeated.table.columnNames == ["#adm1+code", "#affected", "#affected_2", "#affected_3"])
        #expect(repeated.table.columns.map { $0.tag?.description } == ["#adm1+code", "#affected", "#affected", "#affected"])
        #expect(repeated.report.warnings.contains(.repeatedTagNames(columns: ["#affected_2", "#affected_3"])))
        let mixed = try readCSV("Place,Notes,Count\n#adm1+code,see annex,#affected\nSD01,x,3\n")
        #expect(mixed.table.columnNames == ["Place", "Notes", "Count"])
        #expect(mixed.table["Notes"]?.tag == nil && mixed.table["Count"]?.tag?.description == "#affected")
        #expect(mixed.table.rowCount == 1)
        #expect(mixed.report.warnings.contains(.untaggedInHashtagRow(positions: [2])))
        // A header name the user wrote twice is still refused
        #expect(readError("a,a\n1,2\n") == .duplicateColumn(file: "data.csv", column: "a", row: 1))
    }

    /// A row whose every cell starts with # is a hashtag row even when most of its tags are malformed: the
    /// file is refused naming the first bad one, not read with the tags as a data row.
    @Test func aHashtagRowWithMistakesIsRefusedNotReadAsData() {
        #expect(readError("a,b,c,d\n#adm1+code,#,#+f,#ad m1\n1,2,3,4\n") == .invalidHashtag(file: "data.csv", row: 2, column: "b"))
        // A data row with one cell starting with # among others is still data.
        let r = try? readCSV("a,b\n#3,x\n")
        #expect(r?.table.rowCount == 1)
    }

    /// Numbers written with `#` (reference numbers such as `#1001`) in every cell of a data row are data: a
    /// row of `#` cells is taken for a hashtag row with mistakes only when one of them is a core or extension
    /// hashtag.
    @Test func hashNumbersInADataRowAreData() throws {
        // Given files whose data rows (first, or below other rows) hold only #-prefixed references
        let first = try readCSV("ref,code\n#1001,#1002\n#1003,#B7\n")
        let later = try readCSV("ref,code\n1,2\n#1001,#B7\n")
        // Then they are read as data under the header
        #expect(first.report.hxlRow == nil)
        #expect(first.table.values("ref") == [.text("#1001"), .text("#1003")])
        #expect(later.report.hxlRow == nil)
        #expect(later.table.rowCount == 2)
        // And a row with a core hashtag among malformed ones is still refused, naming the bad one
        #expect(readError("a,b\n#adm1,#1bad\n1,2\n") == .invalidHashtag(file: "data.csv", row: 2, column: "b"))
        #expect(readError("a,b,c\n#x_id,#1bad,#\n1,2,3\n") == .invalidHashtag(file: "data.csv", row: 2, column: "b"))
    }

    /// Values written like tags (`#general`, `#urgent`) in the first data rows are data: a row of tags none of
    /// which is a core or extension hashtag, beside another such row, is not the hashtag row.
    @Test func unknownTagLikeValuesInDataRowsAreData() throws {
        // Given data rows whose every cell looks like an unknown hashtag
        let one = try readCSV("channel\n#general\n#random\n")
        let two = try readCSV("ref,note\n#A12,#urgent\n#B7,#later\n")
        // Then no row is taken for tags and no value is lost
        #expect(one.report.hxlRow == nil)
        #expect(one.table.values("channel") == [.text("#general"), .text("#random")])
        #expect(two.report.hxlRow == nil)
        #expect(two.table.values("ref") == [.text("#A12"), .text("#B7")])
        // And a hashtag row of local tags over data, also under names that are the same tags, is still tags
        let local = try readCSV("sex,age\n#sex,#age\nf,30\n")
        #expect(local.report.hxlRow == 2)
        #expect(local.table.rowCount == 1)
        let named = try readCSV("#sex,#age\n#sex,#age\nf,30\n")
        #expect(named.report.hxlRow == 2)
        #expect(named.table.columnNames == ["#sex", "#age"])
        #expect(named.table.rowCount == 1)
    }

    /// Column names that are tagspecs, written above the same tags (the HXL output of a table read from HXL JSON
    /// objects or from a hashtag row alone), read back as names over the hashtag row, not as a hashtag row over
    /// a row of data.
    @Test func namesThatAreTagspecsAboveTheHashtagRowReadBackAsNames() throws {
        // Given a table whose tagged columns are named by their tags, and an untagged column
        let table = try Table(columns: [
            Column(name: "#adm1+name", tag: HXLTagSpec(tag: "adm1", attributes: ["name"]),
                   data: .text(codes: [0, 1], dictionary: ["North", "South"])),
            Column(name: "#affected+f", tag: HXLTagSpec(tag: "affected", attributes: ["f"]), data: .integer(values: [3, 4], nulls: NullMask())),
            Column(name: "Comment", data: .text(codes: [0, -1], dictionary: ["ok"])),
        ])
        // When it is written as HXL CSV and HXL JSON arrays and read back
        let csv = try CSVReader.read(bytes: CSVWriter.bytes(table, hxl: true), fileName: "t.csv")
        let json = try JSONTableReader.read(bytes: JSONTableWriter.bytes(table, style: .hxlArrays), fileName: "t.json")
        // Then each is the same table, the hashtag row being row 2
        for r in [csv, json] {
            #expect(r.table == table)
            #expect(r.report.hxlRow == 2)
            #expect(r.report.firstDataRow == 3)
        }
        // And a hashtag row alone still gives the names, also over a first data row of other tagspecs
        let alone = try readCSV("#adm1+name,#affected+f\nNorth,3\n")
        #expect(alone.report.hxlRow == 1)
        #expect(alone.table.rowCount == 1)
        let tagLikeData = try readCSV("#date\n#x_a\nb\n")
        #expect(tagLikeData.report.hxlRow == 1)
        #expect(tagLikeData.table.values("#date") == [.text("#x_a"), .text("b")])
    }

    /// A first row of names most of which are tagspecs (pim's plain CSV of a table read from HXL JSON objects)
    /// reads back: the tagspecs name and tag their columns, a plain name names an untagged column. A cell
    /// written as a tag but malformed is still refused; a plain word in a hashtag row under names leaves its
    /// column untagged, as HXL tools read it (QA11 I23).
    @Test func aFirstRowOfTagspecsAndNamesReadsAsNamesAndTags() throws {
        let r = try readCSV("col0,#adm1+name,#population\nx,North,3\n")
        #expect(r.report.hxlRow == 1)
        #expect(r.table.columnNames == ["col0", "#adm1+name", "#population"])
        #expect(r.table.columns.map { $0.tag?.description } == [nil, "#adm1+name", "#population"])
        #expect(r.table.values("col0") == [.text("x")])
        #expect(readError("col0,#adm1+name,#population,#sex,#1bad\nx,North,3,f,1\n") == .invalidHashtag(file: "data.csv", row: 1, column: "column_5"))
        let word = try readCSV("a,b,c\n#adm1,notes,#affected\n1,2,3\n")
        #expect(word.table.columns.map { $0.tag?.description } == ["#adm1", nil, "#affected"])
        #expect(word.report.warnings.contains(.untaggedInHashtagRow(positions: [2])))
        #expect(readError("a,b,c\n#adm1,#1bad,#affected\n1,2,3\n") == .invalidHashtag(file: "data.csv", row: 2, column: "b"))
    }

    /// An empty name in the row above the hashtags takes the label of a header row above it (a label spanning
    /// two rows); a one-cell title row above gives no names.
    @Test func anEmptyNameTakesTheLabelAboveIt() throws {
        let r = try readCSV("Site,Age\n,years\n#loc,#affected+age\nnorth,4\n")
        #expect(r.table.columnNames == ["Site", "years"])
        let titled = try readCSV("Report of the week,\n,Women\n#adm1+name,#affected+f\nNorth,3\n")
        #expect(titled.table.columnNames == ["#adm1+name", "Women"])
    }
}
