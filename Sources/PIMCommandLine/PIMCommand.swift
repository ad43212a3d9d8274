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

            Every command that uses stored data takes --data-dir DIR (default ./pim-data, SQLite)
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

    public static func run() async {
        await PIMCommand.main()
    }
}
