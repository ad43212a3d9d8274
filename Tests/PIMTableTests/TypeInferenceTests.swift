import PIMTable
import Testing

@Suite struct TypeInferenceTests {
    @Test func infersEachType() throws {
        let r = try readCSV("i,d,dt,b,t\n1,1.5,2024-02-29,true,x\n-20,-0.25,1970-01-01,FALSE,y\n")
        let types = r.table.columns.map(\.type)
        #expect(types == [.integer, .decimal, .date, .boolean, .text])
        #expect(r.table.values("i") == [.integer(1), .integer(-20)])
        #expect(r.table.values("d") == [.decimal(1.5), .decimal(-0.25)])
        // 2024-02-29 is 19782 days after 1970-01-01 (54 years incl. 13 leap days, then 59 days).
        #expect(r.table.values("dt") == [.date(19782), .date(0)])
        #expect(r.table.values("b") == [.boolean(true), .boolean(false)])
    }

    /// A leading `+` is not a number: a phone number such as +256700000001 stays text, with its `+`
    /// (as a number it would be written back without it).
    @Test func aLeadingPlusIsText() throws {
        let r = try readCSV("phone,v,e\n+256700000001,+5,1e+5\n+256700000002,+1.5,2\n")
        #expect(r.table["phone"]?.type == .text)
        #expect(r.table.values("phone") == [.text("+256700000001"), .text("+256700000002")])
        #expect(r.table.values("v") == [.text("+5"), .text("+1.5")])
        // (An exponent's sign is part of a decimal.)
        #expect(r.table.values("e") == [.decimal(100_000), .decimal(2)])
    }

    @Test func integersAndDecimalsMixToDecimalWithEvidence() throws {
        let r = try readCSV("v,w\n1,a\n2.5,b\n,c\n3,d\n")
        #expect(r.table["v"]?.type == .decimal)
        #expect(r.table.values("v") == [.decimal(1), .decimal(2.5), .null, .decimal(3)])
        let p = try #require(r.report.profiles.first)
        #expect(p.evidence == [.integer: 2, .decimal: 1])
        #expect(p.nullCount == 1)
        #expect(p.minimum == .decimal(1))
        #expect(p.maximum == .decimal(3))
        #expect(p.distinctCount == 3)
    }

    @Test func lateTextDemotesColumnAndKeepsOriginalText() throws {
        // Given an integer-looking column with text in the last row
        var text = "code\n"
        for i in 0..<5000 { text += "\(i)\n" }
        text += "n/a\n"
        let r = try readCSV(text)
        // Then the column is text and earlier cells keep their exact text
        #expect(r.table["code"]?.type == .text)
        #expect(r.table["code"]?[42] == .text("42"))
        #expect(r.report.profiles[0].evidence == [.integer: 5000, .text: 1])
        #expect(r.report.profiles[0].distinctCount == 5001)
    }

    @Test func leadingZerosStayText() throws {
        let r = try readCSV("pcode\n001\n002\n")
        #expect(r.table["pcode"]?.type == .text)
        #expect(r.table.values("pcode") == [.text("001"), .text("002")])
    }

    @Test func hugeIntegersStayText() throws {
        let r = try readCSV("id\n123456789012345678901234\n")
        #expect(r.table["id"]?.type == .text)
        let big = try readCSV("v\n9223372036854775807\n-9223372036854775808\n")
        #expect(big.table.values("v") == [.integer(.max), .integer(.min)])
    }

    @Test func invalidCalendarDatesAreText() throws {
        let r = try readCSV("d\n2023-02-29\n")
        #expect(r.table["d"]?.type == .text)
    }

    @Test func yesNoIsTextNotBoolean() throws {
        let r = try readCSV("disability\nyes\nno\n")
        #expect(r.table["disability"]?.type == .text)
    }

    @Test func allNullColumnIsEmptyText() throws {
        let r = try readCSV("a,b\n1,\n2,\n")
        #expect(r.table["b"]?.type == .text)
        #expect(r.table["b"]?.nullCount == 2)
        #expect(r.report.profiles[1].evidence.isEmpty)
    }

    @Test func nullsBeforeFirstValueAreKept() throws {
        let r = try readCSV("a,b\n1,\n2,\n3,7\n")
        #expect(r.table.values("b") == [.null, .null, .integer(7)])
    }

    @Test func textIsDictionaryEncodedInOrderOfAppearance() throws {
        let r = try readCSV("s\nb\na\nb\n\n")
        guard case .text(let codes, let dict)? = r.table["s"]?.data else {
            Issue.record("expected text")
            return
        }
        #expect(dict == ["b", "a"])
        #expect(codes == [0, 1, 0])
    }

    @Test func profileGivesIntegerRangeAndDistinctCount() throws {
        let r = try readCSV("age\n30\n5\n30\n\n")
        let p = r.report.profiles[0]
        #expect(p.inferredType == .integer)
        #expect(p.minimum == .integer(5))
        #expect(p.maximum == .integer(30))
        #expect(p.distinctCount == 2)
        #expect(p.nullCount == 0)
    }

    @Test func inferTypesOffGivesText() throws {
        let r = try readCSV("a\n1\n", options: CSVReadOptions(inferTypes: false))
        #expect(r.table.values("a") == [.text("1")])
    }

    @Test(arguments: [
        "1e5", "2.5E-3", ".5", "5.", "-0.0", "123456789.12345678", "1.7976931348623157e308", "1.5000000000000000000",
        "0.1234567890123456", "12.345678901234567", "-1.2345678901234567e-17",
        // 17 significant digits (a double printed with extra places, as GPS exports do) are a decimal.
        "0.12345678901234567", "9007199254740993.5", "-7.312715117751976", "100000000000000000000.0",
    ])
    func decimalFormsParseLikeSwift(text: String) throws {
        let r = try readCSV("v\n\(text)\n")
        #expect(r.table.values("v") == [.decimal(try #require(Double(text)))])
    }

    /// A number with more significant digits than any double holds (more than 17) would be rounded as a
    /// decimal: it stays text, exactly as written (an account number with a decimal part, a coordinate to
    /// 20 places).
    @Test(arguments: ["123456789.123456789", "0.12345678901234567891", "123456789012345678.25",
                      "-0.000000000000000012345678901234567891", "1.000000000000000001"])
    func decimalsADoubleCannotHoldStayText(text: String) throws {
        let r = try readCSV("v\n\(text)\n2.5\n")
        #expect(r.table["v"]?.type == .text)
        #expect(r.table.values("v") == [.text(text), .text("2.5")])
        #expect(r.report.profiles[0].evidence == [.text: 1, .decimal: 1])
    }

    @Test func assemblerInfersFromStrings() {
        let (c, p) = TableAssembler.inferColumn(name: "x", cells: ["1", nil, "3"])
        #expect(c.type == .integer)
        #expect(p.nullCount == 1)
    }
}

@Suite struct DictionaryEncodingTests {
    @Test func sortedKeysThenRepeatsKeepFirstAppearanceCodes() throws {
        // Given ids in sorted order, then the same ids again in another order
        var lines = ["id,k"]
        for i in 0..<3000 { lines.append("ID\(10000 + i),x") }
        for i in stride(from: 2999, through: 0, by: -7) { lines.append("ID\(10000 + i),y") }
        lines.append("ID00,z")
        let r = try readCSV(lines.joined(separator: "\n") + "\n")
        guard case .text(let codes, let dict)? = r.table["id"]?.data else {
            Issue.record("expected text")
            return
        }
        // Then codes follow first appearance and repeats find their first code
        #expect(dict.count == 3001)
        #expect(dict[0] == "ID10000" && dict[2999] == "ID12999" && dict[3000] == "ID00")
        #expect(codes[3000] == 2999)
        #expect(codes[3001] == 2992)
        #expect(codes.last == 3000)
        #expect(r.report.profiles[0].distinctCount == 3001)
    }

    @Test func runsOfEqualValuesShareACode() throws {
        let r = try readCSV("h\nb\nb\na\na\nb\n")
        guard case .text(let codes, let dict)? = r.table["h"]?.data else {
            Issue.record("expected text")
            return
        }
        #expect(dict == ["b", "a"])
        #expect(codes == [0, 0, 1, 1, 0])
    }
}
