import ArgumentParser
import Foundation
@testable import PIMCommandLine
import Testing

/// A command asked for `--format json` that fails before printing its own JSON still gives a script one
/// object on stdout (see ``PIMEntryPoint/run()``).
@Suite struct JSONFailureTests {
    @Test func theFormatFlagIsFoundInEitherSpelling() {
        #expect(PIMEntryPoint.asksForJSON(["import", "a.csv", "--format", "json"]))
        #expect(PIMEntryPoint.asksForJSON(["dataset", "show", "pm", "--format=json"]))
        #expect(!PIMEntryPoint.asksForJSON(["datasets", "--format", "text"]))
        #expect(!PIMEntryPoint.asksForJSON(["datasets", "--format"]))
        // After `--` it is an argument, not the option.
        #expect(!PIMEntryPoint.asksForJSON(["inspect", "--", "--format", "json"]))
    }

    /// An argument the parser refuses (a dataset name with a space) gives `{"error": …}` with the
    /// parser's message; nothing when JSON was not asked for or was already printed.
    @Test func aRefusedArgumentIsAnsweredInJSON() throws {
        let arguments = ["import", "t.csv", "--dataset", "bad name!", "--format", "json"]
        var caught: (any Error)?
        do { _ = try PIMCommand.parseAsRoot(arguments) } catch { caught = error }
        let error = try #require(caught)
        let text = try #require(PIMEntryPoint.jsonFailure(for: error, arguments: arguments, printed: false))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String])
        #expect(object.keys.sorted() == ["error"])
        #expect(object["error"]?.contains("dataset name") == true)
        #expect(PIMEntryPoint.jsonFailure(for: error, arguments: arguments, printed: true) == nil)
        let asText = ["import", "t.csv", "--dataset", "bad name!"]
        #expect(PIMEntryPoint.jsonFailure(for: error, arguments: asText, printed: false) == nil)
    }

    /// `--help` and `--version` end cleanly: no JSON object; a plain exit with a failure status gets one.
    @Test func aCleanExitIsNotAFailure() {
        let arguments = ["import", "--help", "--format", "json"]
        #expect(PIMEntryPoint.jsonFailure(for: CleanExit.helpRequest(ImportCommand.self), arguments: arguments, printed: false) == nil)
        #expect(PIMEntryPoint.jsonFailure(for: ExitCode.success, arguments: arguments, printed: false) == nil)
        #expect(PIMEntryPoint.jsonFailure(for: ExitCode(2), arguments: arguments, printed: false) != nil)
    }
}
