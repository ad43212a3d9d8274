import ArgumentParser
import PIMFramework

/// `pim framework`: the PIM framework (categories, matrix, outputs, shares, scenarios, problems, access framework,
/// principles, terms) as the 2015 PIM Working Meeting outcome describes it. Read-only; needs no database.
public struct FrameworkCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "framework",
        abstract: "Look up the Protection Information Management framework (PIM Matrix, categories, sharing rules).",
        discussion: """
            Everything comes from the outcome document of the second PIM Working Meeting (Geneva, December 2015); \
            every item shows the section it comes from (e.g. §10.4). Items filled from the published PIM Matrix \
            or PIM Principles, which the document refers to but does not contain, are marked as such.

            Example:
              pim framework show case-management --format markdown
            """,
        subcommands: [
            Categories.self, Show.self, Outputs.self, Shares.self, Matrix.self, ScenarioCommand.self, Problems.self,
            Access.self, Principles.self, Terms.self, Search.self,
        ]
    )

    public init() {}
}

extension FrameworkCommand {
    struct Categories: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "categories",
            abstract: "List the eight PIM categories with their ids and 2015 agreement status.",
            discussion: """
                Example:
                  pim framework categories --format markdown
                """)

        @OptionGroup var options: FrameworkFormatOptions

        func run() throws {
            try CategoryListView(.standard).emit(options.format.renderFormat)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show",
            abstract: "Show one category: definition, status and all six matrix elements.",
            discussion: """
                CATEGORY is an id, a name or an alias, in any case ("Human Rights" leads to protection-monitoring).

                Example:
                  pim framework show case-management --format markdown
                """)

        @Argument(help: "Category id, name or alias, e.g. case-management.")
        var category: String

        @OptionGroup var options: FrameworkFormatOptions

        func validate() throws { _ = try PIMFramework.standard.categoryArgument(category) }

        func run() throws {
            let framework = PIMFramework.standard
            try CategoryDetailView(try framework.categoryArgument(category), framework: framework)
                .emit(options.format.renderFormat)
        }
    }

    struct Outputs: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "outputs",
            abstract: "Show the data and information a category produces (§9).",
            discussion: """
                Example:
                  pim framework outputs population-data
                """)

        @Argument(help: "Category id, name or alias, e.g. population-data.")
        var category: String

        @OptionGroup var options: FrameworkFormatOptions

        func validate() throws { _ = try PIMFramework.standard.categoryArgument(category) }

        func run() throws {
            try OutputsView(try PIMFramework.standard.categoryArgument(category)).emit(options.format.renderFormat)
        }
    }

    struct Shares: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "shares",
            abstract: "Show what a category should share, at what level and under which conditions (§10).",
            discussion: """
                These rules are the default policies of a pim data-sharing agreement.

                Example:
                  pim framework shares case-management --format json
                """)

        @Argument(help: "Category id, name or alias, e.g. case-management.")
        var category: String

        @OptionGroup var options: FrameworkFormatOptions

        func validate() throws { _ = try PIMFramework.standard.categoryArgument(category) }

        func run() throws {
            try SharesView(try PIMFramework.standard.categoryArgument(category)).emit(options.format.renderFormat)
        }
    }
}
