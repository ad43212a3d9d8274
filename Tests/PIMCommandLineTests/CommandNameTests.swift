import ArgumentParser
@testable import PIMCommandLine
import Testing

/// Every command names itself. Without a name, ArgumentParser derives one from the type's name at each
/// start (`String(describing:)`, a runtime conformance search per command), which cost about 5 ms of the
/// 15 ms start-up of every `pim` run.
@Suite struct CommandNameTests {
    @Test func everyCommandInTheTreeHasAnExplicitName() {
        var missing: [String] = []
        var names: [String] = []
        func visit(_ command: any ParsableCommand.Type, path: String) {
            let configuration = command.configuration
            guard let name = configuration.commandName else {
                missing.append(path + " " + String(describing: command))
                return
            }
            names.append(path + " " + name)
            for sub in configuration.subcommands { visit(sub, path: path + " " + name) }
        }
        visit(PIMCommand.self, path: "")
        #expect(missing == [])
        // The tree was walked (not just the root): the commands the README documents are in it.
        #expect(names.contains(" pim inspect"))
        #expect(names.contains(" pim dataset show"))
        #expect(names.contains(" pim framework matrix"))
        #expect(names.count > 50)
    }

    /// Issue #2: every command has --help with an example, command groups included.
    @Test func everyCommandsHelpHasAnExample() {
        var without: [String] = []
        var visited = 0
        func visit(_ command: any ParsableCommand.Type, path: String) {
            let configuration = command.configuration
            let name = path + " " + (configuration.commandName ?? "?")
            visited += 1
            if !configuration.discussion.contains("Example") { without.append(name) }
            for sub in configuration.subcommands { visit(sub, path: name) }
        }
        visit(PIMCommand.self, path: "")
        #expect(without == [])
        #expect(visited > 50)
    }
}
