import Foundation
@testable import PIMCommandLine
import PIMFramework
import Testing

/// How `pim framework …` ends its output.
@Suite struct FrameworkOutputTests {
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
