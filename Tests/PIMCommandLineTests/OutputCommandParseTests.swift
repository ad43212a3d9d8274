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

    /// Options the file or the command would ignore are refused before anything is read.
    @Test func ignoredOptionsAreRefused() {
        #expect(throws: (any Error).self) { _ = try PIMCommand.parseAsRoot(["inspect", "a.csv", "--sheet", "Data"]) }
        #expect(throws: (any Error).self) { _ = try PIMCommand.parseAsRoot(["inspect", "a.json", "--delimiter", ";"]) }
        #expect(throws: (any Error).self) { _ = try PIMCommand.parseAsRoot(["import", "a.csv", "--dataset", "pm", "--replace-schema"]) }
        #expect(throws: (any Error).self) { _ = try PIMCommand.parseAsRoot(["inspect", "a.xlsx", "--allow-ragged"]) }
        #expect((try? PIMCommand.parseAsRoot(["inspect", "a.json", "--allow-ragged"])) != nil)
        // A quote or a line break cannot separate fields
        for d in ["\"", "\n", "\r"] {
            #expect(throws: (any Error).self) { _ = try PIMCommand.parseAsRoot(["inspect", "a.csv", "--delimiter", d]) }
        }
        #expect((try? PIMCommand.parseAsRoot(["inspect", "a.csv", "--delimiter", "tab"])) != nil)
        #expect((try? PIMCommand.parseAsRoot(["inspect", "a.xlsx", "--sheet", "Data"])) != nil)
        #expect((try? PIMCommand.parseAsRoot(["import", "a.csv", "--dataset", "pm", "--schema", "s.json", "--replace-schema"])) != nil)
    }
}
