import Foundation
import PIMTable
import PropertyBased
import Testing

@Suite struct XLSXBadInputTests {
    private func error(reading url: URL, sheet: String? = nil, options: XLSXReadOptions = .init()) -> XLSXError? {
        do {
            _ = try XLSXReader.read(contentsOf: url, sheet: sheet, options: options)
            return nil
        } catch {
            return error
        }
    }

    private var validParts: [(path: String, bytes: [UInt8])] {
        XLSXFixture.parts(sheets: [("Sheet1", XLSXFixture.sheet("""
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row>
            <row r="2"><c r="A2"><v>1.5</v></c><c r="B2" t="b"><v>1</v></c></row>
            """))], sharedStrings: ["a"], styles: XLSXFixture.styles(xfs: [0, 14]))
    }

    /// QA11 I15: a NUL character in a cell's text (`_x0000_`) is refused, located, as CSV and JSON refuse it.
    @Test func aNulCharacterInACellIsRefusedNamingTheCell() throws {
        let url = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("Data", XLSXFixture.sheet("""
            <row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>note</t></is></c></row>
            <row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>fine</t></is></c></row>
            <row r="4"><c r="A4"><v>2</v></c><c r="B4" t="inlineStr"><is><t>a_x0000_b</t></is></c></row>
            """))]), name: "nul.xlsx")
        #expect(error(reading: url) == .nulCharacter(file: "nul.xlsx", sheet: "Data", row: 4, column: "note"))
    }

    @Test func emptyFileIsAnError() throws {
        let url = try XLSXFixture.file(Data(), name: "empty.xlsx")
        #expect(error(reading: url) == .emptyFile(file: "empty.xlsx"))
    }

    @Test func csvOrPNGRenamedIsNotAZipArchive() throws {
        let csv = try XLSXFixture.file(Data("a,b\n1,2\n".utf8), name: "data.xlsx")
        #expect(error(reading: csv) == .notAZipArchive(file: "data.xlsx"))
        #expect(error(reading: csv)?.description == "\"data.xlsx\" is not an XLSX workbook: it is not a zip archive")
        let png = try XLSXFixture.file(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]), name: "pic.xlsx")
        #expect(error(reading: png) == .notAZipArchive(file: "pic.xlsx"))
    }

    @Test func missingFileIsUnreadable() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/x.xlsx")
        #expect(error(reading: url) == .unreadable(file: "x.xlsx"))
    }

    @Test func zipWithoutWorkbookIsAnError() throws {
        let url = try XLSXFixture.file(parts: [("hello.txt", Array("hi".utf8))], name: "other.xlsx")
        #expect(error(reading: url) == .missingPart(file: "other.xlsx", part: "xl/workbook.xml"))
    }

    @Test func truncatedArchiveIsAnError() throws {
        let data = try XLSXZip.archive(validParts)
        let url = try XLSXFixture.file(data.prefix(data.count / 2), name: "cut.xlsx")
        #expect(error(reading: url) == .corruptPart(file: "cut.xlsx", part: "the zip directory"))
    }

    @Test func doctypeAndEntityDeclarationsAreRefused() throws {
        // Given a billion-laughs style sheet
        let sheet = """
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
            <worksheet><sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>
            """
        let url = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("S", sheet)]), name: "lol.xlsx")
        #expect(error(reading: url) == .documentTypeDeclaration(file: "lol.xlsx", part: "xl/worksheets/sheet1.xml"))
    }

    @Test func badCellReferenceNamesTheSheetAndCell() throws {
        let sheet = XLSXFixture.sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"C5\"><v>abc</v></c></row>")
        let url = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("Data", sheet)]))
        #expect(error(reading: url) == .invalidCell(file: "book.xlsx", cell: "Data!C5", problem: .badNumber))
        let outside = XLSXFixture.sheet("<row r=\"1\"><c r=\"ZZZZ1\"><v>1</v></c></row>")
        let url2 = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("Data", outside)]))
        #expect(error(reading: url2) == .invalidCell(file: "book.xlsx", cell: "Data!ZZZZ1", problem: .badReference))
        let shared = XLSXFixture.sheet("<row r=\"1\"><c r=\"B2\" t=\"s\"><v>7</v></c></row>")
        let url3 = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("Data", shared)], sharedStrings: ["a"]))
        #expect(error(reading: url3) == .invalidCell(file: "book.xlsx", cell: "Data!B2", problem: .badSharedString))
    }

    /// QA11 I8: a sheet that defines a cell twice (or a row or cell out of order) was read silently, the last
    /// definition winning; Excel reports such a file as damaged.
    @Test func aCellDefinedTwiceIsAnError() throws {
        let header = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>b</t></is></c></row>"
        for (rows, cell) in [
            ("<row r=\"2\"><c r=\"A2\"><v>2</v></c><c r=\"B2\"><v>20</v></c></row><row r=\"2\"><c r=\"A2\"><v>99</v></c></row>", "Data!A2"),
            ("<row r=\"2\"><c r=\"B2\"><v>2</v></c><c r=\"A2\"><v>20</v></c></row>", "Data!A2"),
            ("<row r=\"3\"><c r=\"A3\"><v>2</v></c></row><row r=\"2\"><c r=\"A2\"><v>20</v></c></row>", "Data!A2"),
            ("<row r=\"2\"><c r=\"A2\"><v>2</v></c><c r=\"A2\"><v>20</v></c></row>", "Data!A2"),
        ] {
            let url = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("Data", XLSXFixture.sheet(header + rows))]))
            #expect(error(reading: url) == .invalidCell(file: "book.xlsx", cell: cell, problem: .definedTwice), "\(rows)")
        }
        // Cells without references follow one another, and rows without numbers count on
        let plain = XLSXFixture.sheet(header + "<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>")
        let url = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("Data", plain)]))
        #expect(error(reading: url) == nil)
    }

    @Test func unterminatedXMLIsMalformed() throws {
        let url = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("S", "<worksheet><sheetData><row")]))
        #expect(error(reading: url) == .malformedXML(
            file: "book.xlsx", part: "xl/worksheets/sheet1.xml", problem: .unterminatedTag))
    }

    /// A sheet or a shared-strings part cut short between two rows is well-formed as far as it goes, but
    /// would lose its last rows or strings silently: it is refused as truncated. So is a sheet part that is
    /// not XML at all. The complete versions of the same parts read.
    @Test func truncatedSheetsAndSharedStringsAreRefused() throws {
        let rows = (1...60).map { "<row r=\"\($0)\"><c r=\"A\($0)\"><v>\($0)</v></c></row>" }
        let cut = "<?xml version=\"1.0\"?><worksheet xmlns=\"\(XLSXFixture.main)\"><sheetData>" + rows.prefix(30).joined()
        let truncated = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("S", cut)]))
        #expect(error(reading: truncated) == .malformedXML(
            file: "book.xlsx", part: "xl/worksheets/sheet1.xml", problem: .unclosedRoot))
        let garbage = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("S", "this is not a worksheet")]))
        #expect(error(reading: garbage) == .malformedXML(
            file: "book.xlsx", part: "xl/worksheets/sheet1.xml", problem: .unclosedRoot))
        let whole = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("S", XLSXFixture.sheet(rows.joined()))]))
        #expect(error(reading: whole) == nil)
        // Shared strings cut after their second item.
        var parts = XLSXFixture.parts(
            sheets: [("S", XLSXFixture.sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"))],
            sharedStrings: ["a", "b", "c"])
        let k = try #require(parts.firstIndex { $0.path == "xl/sharedStrings.xml" })
        parts[k].bytes = Array("<sst xmlns=\"\(XLSXFixture.main)\"><si><t>a</t></si><si><t>b</t></si>".utf8)
        let cutStrings = try XLSXFixture.file(parts: parts)
        #expect(error(reading: cutStrings) == .malformedXML(
            file: "book.xlsx", part: "xl/sharedStrings.xml", problem: .unclosedRoot))
    }

    @Test func highlyCompressedLargePartIsRefused() throws {
        // Given a 2 MB sheet of repeated bytes (compresses far beyond 200:1)
        let padding = String(repeating: " ", count: 2_000_000)
        let sheet = XLSXFixture.sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>\(padding)")
        let url = try XLSXFixture.file(parts: XLSXFixture.parts(sheets: [("S", sheet)]), name: "bomb.xlsx")
        guard case .suspiciousCompression(let f, let p, let ratio) = error(reading: url) else {
            Issue.record("expected a compression-ratio error")
            return
        }
        #expect(f == "bomb.xlsx" && p == "xl/worksheets/sheet1.xml" && ratio > 200)
    }

    /// A part whose archive entry declares a small size but inflates to much more (a zip bomb that lies
    /// about its sizes) is refused at the first byte beyond the declared size, not once the size limit is
    /// reached: memory stays bounded by what was checked.
    @Test func aPartThatInflatesBeyondItsDeclaredSizeIsStoppedThere() throws {
        let padding = String(repeating: " ", count: 2_000_000)
        let sheet = XLSXFixture.sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>\(padding)")
        var bytes = [UInt8](try XLSXZip.archive(XLSXFixture.parts(sheets: [("S", sheet)])))
        // Every header of the sheet's entry (local and central) says 5,000 bytes uncompressed.
        let name = Array("xl/worksheets/sheet1.xml".utf8)
        var patched = 0
        for i in 0..<(bytes.count - 46) {
            let central = bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x01 && bytes[i + 3] == 0x02
            let local = bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x03 && bytes[i + 3] == 0x04
            guard central || local else { continue }
            let nameAt = i + (central ? 46 : 30)
            let sizeAt = i + (central ? 24 : 22)
            guard nameAt + name.count <= bytes.count, Array(bytes[nameAt..<(nameAt + name.count)]) == name else { continue }
            let declared: UInt32 = 5000
            for k in 0..<4 { bytes[sizeAt + k] = UInt8(truncatingIfNeeded: declared >> (8 * UInt32(k))) }
            patched += 1
        }
        #expect(patched == 2)
        let url = try XLSXFixture.file(Data(bytes), name: "lying.xlsx")
        // (With a part limit of 1 MB, inflating on to the limit would be refused as too large instead.)
        #expect(error(reading: url, options: XLSXReadOptions(maxPartSize: 1_000_000))
            == .corruptPart(file: "lying.xlsx", part: "xl/worksheets/sheet1.xml"))
    }

    @Test func partAndTotalSizeLimitsApply() throws {
        let url = try XLSXFixture.file(parts: validParts, name: "small.xlsx")
        let part = error(reading: url, options: XLSXReadOptions(maxPartSize: 100))
        #expect(part == .partTooLarge(file: "small.xlsx", part: "xl/workbook.xml", limit: 100))
        let total = error(reading: url, options: XLSXReadOptions(maxTotalSize: 700))
        #expect(total == .workbookTooLarge(file: "small.xlsx", limit: 700))
    }

    @Test func validFixtureReads() throws {
        let url = try XLSXFixture.file(parts: validParts)
        let r = try XLSXReader.read(contentsOf: url)
        #expect(r.table.columnNames == ["a", "b"])
        #expect(XLSXFixture.values(r.table, "a") == [.decimal(1.5)])
    }

    @Test func randomByteMutationsNeverCrash() async throws {
        // Given a valid small workbook, stored uncompressed so mutations hit XML as well as zip structures
        let stored = try XLSXZip.archive(validParts, compress: false)
        let deflated = try XLSXZip.archive(validParts)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-mut-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        await propertyCheck(count: 300, input: Gen.bool, Gen.int(in: 1...8), Gen.int(in: 0...Int.max)) {
            useStored, count, seed in
            var bytes = Array(useStored ? stored : deflated)
            var s = UInt64(truncatingIfNeeded: seed) | 1
            for k in 0..<count {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17
                let position = Int(s % UInt64(bytes.count))
                if k % 4 == 3, bytes.count > 10 {
                    bytes.removeSubrange(position..<min(bytes.count, position + 1 + Int(s >> 60)))
                } else {
                    bytes[position] = UInt8(truncatingIfNeeded: s >> 32)
                }
            }
            let url = dir.appendingPathComponent("m\(seed % 1000).xlsx")
            try? Data(bytes).write(to: url)
            // Then reading gives a table or an XLSXError, never a crash
            switch Result(catching: { () throws(XLSXError) in try XLSXReader.read(contentsOf: url) }) {
            case .success(let r): #expect(r.table.columns.allSatisfy { $0.count == r.table.rowCount })
            case .failure(let error): #expect(!error.description.isEmpty)
            }
        }
    }
}
