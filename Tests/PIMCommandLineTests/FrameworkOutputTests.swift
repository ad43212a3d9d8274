import Foundation
@testable import PIMCommandLine
import PIMFramework
import Testing

/// How `pim framework …` ends its output.
@Suite struct FrameworkOutputTests {
    /// A column name from a file cannot drive the terminal: escape sequences, other control characters and
    /// direction overrides in a text table are shown escaped; ordinary text, accents and Arabic are kept.
    @Test func textTablesShowControlCharactersEscaped() {
        let t = Output.table(["column", "type"], [["a\u{1B}[31mRED\u{1B}[0m", "text"], ["x\u{202E}fdp.exe", "text"],
                                                  ["نازحون", "text"], ["\u{85}é", "text"]])
        #expect(!t.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E || $0.value == 0x85 })
        #expect(t.contains("a\\u{1B}[31mRED\\u{1B}[0m"))
        #expect(t.contains("x\\u{202E}fdp.exe"))
        #expect(t.contains("نازحون"))
        #expect(t.contains("\\u{85}é"))
    }

    @Test func aLineEndIsNeverDoubledEvenAfterCRLF() throws {
        // Given the matrix as CSV (RFC 4180 records end in CRLF)
        let csv = try #require(MatrixView(.standard, orientation: .category).renderCSV())
        #expect(csv.hasSuffix("\r\n"))
        // Then nothing is added after it, while text without a line end gets one
        #expect(MatrixView.terminator(after: csv) == "")
        #expect(MatrixView.terminator(after: "text\n") == "")
        #expect(MatrixView.terminator(after: "text") == "\n")
    }
}
