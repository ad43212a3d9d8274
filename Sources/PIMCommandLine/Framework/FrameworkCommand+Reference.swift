import ArgumentParser
import PIMFramework

extension FrameworkCommand {
    struct Matrix: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "matrix",
            abstract: "Print the PIM Matrix, by category or by element (§8).",
            discussion: """
                The matrix can be read from any direction: --by category gives each category's six elements; \
                --by element gives every category's value for each element. --element limits it to one element \
                (definition-and-purpose, sub-category-examples, approaches-and-methods, tools, output, shared-data).

                Examples:
                  pim framework matrix --format markdown
                  pim framework matrix --by element --element tools --format csv
                """)

        @Option(name: .long, help: "Read the matrix by category or by element.")
        var by: MatrixOrientationOption = .category

        @Option(name: .long, help: "Only this element, e.g. tools or shared-data.")
        var element: String?

        @Option(name: .long, help: "Output format: text, json, markdown or csv.")
        var format: MatrixFormatOption = .text

        func validate() throws { _ = try selectedElement() }

        private func selectedElement() throws -> MatrixElement? {
            guard let element else { return nil }
            do {
                return try PIMFramework.standard.element(named: element)
            } catch {
                throw ValidationError(
                    "Unknown element. Use one of: \(MatrixElement.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        }

        func run() throws {
            try MatrixView(.standard, orientation: by.orientation, element: try selectedElement())
                .emit(format.renderFormat)
        }
    }

    struct ScenarioCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scenario",
            abstract: "Show the must-have and nice-to-have data of a scenario and the categories producing it (§11).",
            discussion: """
                SCENARIO is one of sudden-onset-emergency, protracted-emergency, protracted-non-emergency, \
                comprehensive-solutions.

                Example:
                  pim framework scenario sudden-onset-emergency --format markdown
                """)

        @Argument(help: "Scenario id, e.g. sudden-onset-emergency.")
        var scenario: String

        @OptionGroup var options: FrameworkFormatOptions

        func validate() throws { _ = try PIMFramework.standard.scenarioArgument(scenario) }

        func run() throws {
            let framework = PIMFramework.standard
            try ScenarioView(try framework.scenarioArgument(scenario), framework: framework)
                .emit(options.format.renderFormat)
        }
    }

    struct Problems: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "problems",
            abstract: "List the ten data-sharing problems of §12 and how pim mitigates each.",
            discussion: """
                Example:
                  pim framework problems --format markdown
                """)

        @OptionGroup var options: FrameworkFormatOptions

        func run() throws { try ProblemsView(.standard).emit(options.format.renderFormat) }
    }

    struct Access: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "access",
            abstract: "Show OCHA's access framework: 3 dimensions, 8 variables (§7.1).",
            discussion: """
                Variable ids (1a … 3c) are stable and can tag access-constraint data.

                Example:
                  pim framework access --format json
                """)

        @OptionGroup var options: FrameworkFormatOptions

        func run() throws { try AccessView(.standard).emit(options.format.renderFormat) }
    }

    struct Principles: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "principles",
            abstract: "Show the PIM definition, vision, mission and principles.",
            discussion: """
                Example:
                  pim framework principles --format markdown
                """)

        @OptionGroup var options: FrameworkFormatOptions

        func run() throws { try PrinciplesView(.standard).emit(options.format.renderFormat) }
    }

    struct Terms: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "terms",
            abstract: "Show the glossary of common PIM terms, or the terms matching a word.",
            discussion: """
                Examples:
                  pim framework terms
                  pim framework terms consent
                """)

        @Argument(help: "Only terms whose name or definition contains this word.")
        var word: String?

        @OptionGroup var options: FrameworkFormatOptions

        func run() throws { try TermsView(.standard, matching: word).emit(options.format.renderFormat) }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "search",
            abstract: "Find which categories produce or share data matching some words.",
            discussion: """
                Matching ignores case and plural/singular; best matches first.

                Example:
                  pim framework search "population figures"
                """)

        @Argument(help: "Words to look for, e.g. \"population figures\".")
        var text: String

        @OptionGroup var options: FrameworkFormatOptions

        func validate() throws {
            guard !text.allSatisfy(\.isWhitespace) else {
                throw ValidationError("Give some words to search for, e.g. \"population figures\".")
            }
        }

        func run() throws { try PIMFramework.standard.search(text).emit(options.format.renderFormat) }
    }
}
