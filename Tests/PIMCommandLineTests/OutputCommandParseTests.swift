import ArgumentParser
import Foundation
@testable import PIMCommandLine
import Testing

/// `pim output` options checked before anything is read.
@Suite struct OutputCommandParseTests {
    @Test func shareableOutputRefusesAMinimumCellBelowThePolicy() throws {
        // Given --min-cell below the policy's 5, When parsed, Then refused
        #expect(throws: (any Error).self) { _ = try PIMCommand.parseAsRoot(["output", "pop", "--shareable", "--min-cell", "1"]) }
        #expect(throws: (any Error).self) { _ = try PIMCommand.parseAsRoot(["output", "pop", "--shareable", "--min-cell", "4"]) }
        // And at the floor accepted
        let atFloor = try #require(try PIMCommand.parseAsRoot(["output", "pop", "--shareable", "--min-cell", "5"]) as? OutputCommand)
        #expect(atFloor.minCell == 5)
    }
}
