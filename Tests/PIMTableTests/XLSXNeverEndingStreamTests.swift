import Foundation
@testable import PIMTable
import Testing

@Suite struct XLSXNeverEndingStreamTests {
    /// A deflate stream of empty, never-final stored blocks never reaches its end. ZIPFoundation's own
    /// extract kept asking for input at end of file and spun forever on such a part; pim must refuse it.
    @Test(.timeLimit(.minutes(1)))
    func aPartWhoseDeflateStreamNeverEndsIsRefused() throws {
        let parts = XLSXFixture.parts(sheets: [("Sheet1", XLSXFixture.sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>"))])
        var bytes = [UInt8](try XLSXZip.archive(parts))
        let directory = try #require(XLSXArchiveReader.centralDirectory(bytes))
        let part = try #require(directory["xl/workbook.xml"])
        #expect(part.method == 8)
        let h = part.localHeaderOffset
        let start = h + 30 + Int(XLSXArchiveReader.u16(bytes, h + 26)) + Int(XLSXArchiveReader.u16(bytes, h + 28))
        let pattern: [UInt8] = [0x00, 0x00, 0x00, 0xFF, 0xFF]  // BFINAL=0, stored, LEN=0, NLEN=0xFFFF
        for i in 0..<part.compressedSize { bytes[start + i] = pattern[i % pattern.count] }
        let url = try XLSXFixture.file(Data(bytes))
        #expect(throws: XLSXError.corruptPart(file: url.lastPathComponent, part: "xl/workbook.xml")) {
            _ = try XLSXReader.read(contentsOf: url)
        }
    }

    @Test func theCRCOfEveryPartIsChecked() throws {
        let parts = XLSXFixture.parts(sheets: [("Sheet1", XLSXFixture.sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"))])
        var bytes = [UInt8](try XLSXZip.archive(parts))
        let directory = try #require(XLSXArchiveReader.centralDirectory(bytes))
        let part = try #require(directory["xl/worksheets/sheet1.xml"])
        // Change the recorded CRC in the central directory: the inflated bytes no longer match it.
        var p = bytes.count - 22
        while XLSXArchiveReader.u32(bytes, p) != 0x0605_4B50 { p -= 1 }
        var cd = Int(XLSXArchiveReader.u32(bytes, p + 16))
        while XLSXArchiveReader.u32(bytes, cd) == 0x0201_4B50 {
            let n = Int(XLSXArchiveReader.u16(bytes, cd + 28))
            if String(decoding: bytes[(cd + 46)..<(cd + 46 + n)], as: UTF8.self) == "xl/worksheets/sheet1.xml" { bytes[cd + 16] ^= 0xFF }
            cd += 46 + n + Int(XLSXArchiveReader.u16(bytes, cd + 30)) + Int(XLSXArchiveReader.u16(bytes, cd + 32))
        }
        #expect(part.crc32 != 0)
        let url = try XLSXFixture.file(Data(bytes))
        #expect(throws: XLSXError.self) { _ = try XLSXReader.read(contentsOf: url) }
    }
}
