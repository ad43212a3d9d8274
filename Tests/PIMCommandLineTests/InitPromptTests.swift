import ArgumentParser
import Foundation
@testable import PIMCommandLine
import PIMStorage
import Testing

/// `pim init` asked on a terminal: answers come from a script standing in for the person typing.
@Suite struct InitPromptTests {
    /// Answers given in order; records what the person was told.
    final class Script {
        var answers: [String?]
        var told: [String] = []
        var asked: [String] = []
        init(_ answers: [String?]) { self.answers = answers }

        func next() -> String? { answers.isEmpty ? nil : answers.removeFirst() }

        var prompter: InitCommand.Prompter {
            InitCommand.Prompter(
                isInteractive: true,
                ask: { q, d in
                    self.asked.append(q)
                    guard let a = self.next() else { return nil }
                    return a.isEmpty ? (d ?? "") : a
                },
                askSecret: { q in self.asked.append(q); return self.next() },
                tell: { self.told.append($0) })
        }
    }

    @Test func emptyOrInvalidAnswersAreAskedAgain() throws {
        let command = try InitCommand.parse(["--data-dir", "unused"])
        let script = Script(["", "Test WS", "QQQ", "sdn", "A,,B", "", "", "amina", "short", "correct horse battery",
                             "different horse battery", "correct horse battery", "correct horse battery"])
        let answers = try command.collectAnswers(prompter: script.prompter)
        #expect(answers.workspace == "Test WS")
        #expect(answers.country == "SDN")
        #expect(answers.levels == ["Admin1", "Admin2"])
        #expect(answers.admin == "amina")
        #expect(answers.password == "correct horse battery")
        #expect(script.told == [
            "An answer is needed.",
            "The country must be an ISO 3166-1 alpha-3 code such as SDN or UKR.",
            "The admin levels must not include an empty name.",
            "An answer is needed.",
            "The password must have at least 12 characters, not all of them spaces or the same character.",
            "The two passwords differ; try again.",
        ])
        #expect(!script.told.contains { $0.contains("not a terminal") })
    }

    @Test func endOfInputIsNotCalledAMissingTerminal() throws {
        let command = try InitCommand.parse(["--data-dir", "unused"])
        let error = #expect(throws: CLIError.self) { try command.collectAnswers(prompter: Script(["Test WS"]).prompter) }
        #expect(error?.description == "No answer for --country (the input ended); nothing was changed.")
    }

    @Test func givesUpAfterThreeEmptyAnswers() throws {
        let command = try InitCommand.parse(["--data-dir", "unused"])
        let error = #expect(throws: CLIError.self) { try command.collectAnswers(prompter: Script(["", "", "", "X"]).prompter) }
        #expect(error?.description == "No usable answer for --workspace after 3 tries; nothing was changed.")
    }

    @Test func initialisedStoreIsRefusedBeforeAnyQuestion() async throws {
        let dir = try PIMBinary.scratch()
        try "correct horse battery\n".write(to: dir.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        let r = try PIMBinary.run(["init", "--workspace", "First", "--country", "SDN", "--admin", "amina", "--password-file", "pw"], in: dir)
        #expect(r.status == 0)
        let command = try InitCommand.parse(["--data-dir", dir.appendingPathComponent("pim-data").path])
        await #expect(throws: StoreError.alreadyInitialized(workspace: "First")) { try await command.refuseIfInitialised() }
        // A directory without a workspace is free.
        let empty = try InitCommand.parse(["--data-dir", dir.appendingPathComponent("elsewhere").path])
        try await empty.refuseIfInitialised()
    }

    @Test func emptyDatabaseFileIsNoWorkspace() throws {
        let dir = try PIMBinary.scratch()
        let data = dir.appendingPathComponent("pim-data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: data.appendingPathComponent("pim.sqlite").path, contents: Data()))
        for args in [["user", "list"], ["datasets"], ["org", "list"]] {
            let r = try PIMBinary.run(args, in: dir)
            #expect(r.status == 1, "\(args)")
            #expect(r.err.contains("No workspace here yet"), "\(args): \(r.err)")
        }
    }

    @Test func unattendedInitRefusesUnknownCountryAndDuplicateLevels() throws {
        let dir = try PIMBinary.scratch()
        try "correct horse battery\n".write(to: dir.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        let base = ["init", "--workspace", "W", "--admin", "amina", "--password-file", "pw"]
        let q = try PIMBinary.run(base + ["--country", "QQQ"], in: dir)
        #expect(q.status == 1)
        #expect(q.err.contains("ISO 3166-1 alpha-3"))
        let l = try PIMBinary.run(base + ["--country", "SDN", "--admin-levels", "State, ,State"], in: dir)
        #expect(l.status == 1)
        #expect(l.err.contains("The admin levels must not include an empty name."))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("pim-data").path))
    }
}
