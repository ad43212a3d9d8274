import ArgumentParser
import PIMFramework

/// `--format` of the framework commands that have no CSV.
enum FrameworkFormatOption: String, CaseIterable, ExpressibleByArgument {
    case text, json, markdown

    var renderFormat: RenderFormat {
        switch self {
        case .text: .text
        case .json: .json
        case .markdown: .markdown
        }
    }
}

/// `--format` of `pim framework matrix`, which also has CSV.
enum MatrixFormatOption: String, CaseIterable, ExpressibleByArgument {
    case text, json, markdown, csv

    var renderFormat: RenderFormat {
        switch self {
        case .text: .text
        case .json: .json
        case .markdown: .markdown
        case .csv: .csv
        }
    }
}

/// `--by` of `pim framework matrix`.
enum MatrixOrientationOption: String, CaseIterable, ExpressibleByArgument {
    case category, element

    var orientation: MatrixView.Orientation {
        switch self {
        case .category: .category
        case .element: .element
        }
    }
}

/// The shared `--format` option.
struct FrameworkFormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text, json or markdown.")
    var format: FrameworkFormatOption = .text
}

extension FrameworkView {
    /// Prints the view in the chosen format; a trailing newline is not doubled.
    func emit(_ format: RenderFormat) throws {
        let output = try render(format)
        print(output, terminator: Self.terminator(after: output))
    }

    /// "" when `output` already ends a line, else "\n". Checked on bytes: "\r\n" is one `Character`, so
    /// `hasSuffix("\n")` is false for CSV's CRLF records and an empty line was printed after them.
    static func terminator(after output: String) -> String {
        output.utf8.last == UInt8(ascii: "\n") ? "" : "\n"
    }
}

extension PIMFramework {
    /// The category for a command-line argument, or a `ValidationError` listing the valid ids.
    func categoryArgument(_ text: String) throws -> PIMCategory {
        do {
            return try category(named: text)
        } catch {
            throw ValidationError(
                "Unknown category. Use one of: \(PIMCategory.ID.allCases.map(\.rawValue).joined(separator: ", ")) "
                    + "(names and aliases such as \"Human Rights\" work too).")
        }
    }

    /// The scenario for a command-line argument, or a `ValidationError` listing the valid ids.
    func scenarioArgument(_ text: String) throws -> Scenario {
        do {
            return try scenario(named: text)
        } catch {
            throw ValidationError(
                "Unknown scenario. Use one of: \(Scenario.ID.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }
}
