import ArgumentParser
import PIMTable

/// The root `pim` command.
public struct PIMCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pim",
        abstract: "Protection Information Management: bring protection data in, analyse it, share it without exposing anyone.",
        discussion: """
            Examples:
              pim framework matrix --format markdown     the PIM Matrix, every category and element
              pim init                                   create a workspace in ./pim-data (asks questions)
              pim import survey.csv --dataset pm-2026    validate and store a file as a dataset version

            Every command that uses stored data takes --data-dir DIR (default ./pim-data, SQLite) \
            or --database postgres://user@host/db (or PIM_DATABASE_URL).
            """,
        version: "0.1.0",
        subcommands: [
            FrameworkCommand.self, InitCommand.self, UserCommand.self, InspectCommand.self, ValidateCommand.self, ImportCommand.self,
            DatasetsCommand.self, DatasetCommand.self, ExportCommand.self, RiskCommand.self, AnonymizeCommand.self,
            AggregateCommand.self,
            TemplateCommand.self, DemoCommand.self, OutputCommand.self, SystemsCommand.self, CoverageCommand.self,
            OrgCommand.self, AgreementCommand.self, ShareCommand.self, VerifyCommand.self, KeyCommand.self,
            AuditCommand.self, ConsentCommand.self, ServeCommand.self,
        ]
    )

    public init() {}
}

/// The executable's entry point, so the `pim` target stays a two-line `main.swift`.
public enum PIMEntryPoint {
    /// Process settings, before any other thread starts: every command but the server is a short batch
    /// job (see ``BatchMemory/tuneForBatchWork()``; the allocator's settings must come before threads
    /// take their own memory pools).
    public static func prepare() {
        if CommandLine.arguments.dropFirst().first != "serve" { BatchMemory.tuneForBatchWork() }
    }

    /// Parses and runs the command, as `PIMCommand.main()` does, except that a command asked for
    /// `--format json` that fails before printing its JSON (an argument refused, a dataset not found) also
    /// prints `{"error": …}` on stdout, so that a script always has an object to parse. The message is on
    /// stderr and the exit status non-zero as usual.
    public static func run() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try PIMCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if let failure = jsonFailure(for: error, arguments: arguments, printed: Output.printedJSON) {
                print(failure)
            }
            // An error may name a column or a sheet from the file: its control characters are shown escaped
            // rather than sent to the terminal (the message is printed here only when that changes it).
            let code = PIMCommand.exitCode(for: error)
            if code != .success {
                let message = PIMCommand.fullMessage(for: error)
                let shown = Output.visibleLines(message)
                if shown != message {
                    Output.stderr(shown)
                    PIMCommand.exit(withError: code)
                }
            }
            PIMCommand.exit(withError: error)
        }
    }

    /// The JSON a failed command prints on stdout: only when it was asked for JSON, has printed none, and
    /// the error is a failure (not `--help` or `--version`).
    static func jsonFailure(for error: any Error, arguments: [String], printed: Bool) -> String? {
        guard !printed, asksForJSON(arguments), PIMCommand.exitCode(for: error) != .success else { return nil }
        return try? Output.json(CommandFailure(error: PIMCommand.message(for: error)))
    }

    /// Whether the arguments ask for `--format json`.
    static func asksForJSON(_ arguments: [String]) -> Bool {
        for (k, a) in arguments.enumerated() {
            if a == "--" { return false }
            if a == "--format=json" { return true }
            if a == "--format", k + 1 < arguments.count, arguments[k + 1] == "json" { return true }
        }
        return false
    }
}

/// What a command asked for JSON prints on stdout when it fails before printing its own (see
/// ``PIMEntryPoint/run()``).
struct CommandFailure: Encodable {
    let error: String
}
