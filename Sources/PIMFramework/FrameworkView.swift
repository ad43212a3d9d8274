import Foundation

/// An output format of the framework views.
public enum RenderFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// Plain text for a terminal.
    case text
    /// JSON with sorted keys (stable order), pretty-printed.
    case json
    /// GitHub-flavoured Markdown.
    case markdown
    /// RFC 4180 CSV; only the matrix view has it.
    case csv
}

/// A view of the framework that renders as text, JSON and Markdown (and, for the matrix, CSV).
///
/// The command line only picks a view and a format; all layout lives here.
public protocol FrameworkView: Codable, Sendable {
    /// A short name used in error messages, e.g. `matrix`.
    static var viewName: String { get }
    func renderText() -> String
    func renderMarkdown() -> String
    /// The CSV rendering, or nil when the view has none.
    func renderCSV() -> String?
}

extension FrameworkView {
    public func renderCSV() -> String? { nil }

    /// JSON with `.sortedKeys` and `.prettyPrinted`, so the output is stable between runs.
    public func renderJSON() throws(FrameworkError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(self)
            return String(decoding: data, as: UTF8.self) + "\n"
        } catch {
            throw .encodingFailed(view: Self.viewName)
        }
    }

    /// Renders in `format`.
    /// - Throws: `FrameworkError.formatNotAvailable` for CSV on a view without CSV.
    public func render(_ format: RenderFormat) throws(FrameworkError) -> String {
        switch format {
        case .text: return renderText()
        case .markdown: return renderMarkdown()
        case .json: return try renderJSON()
        case .csv:
            guard let csv = renderCSV() else { throw .formatNotAvailable(format: format.rawValue, view: Self.viewName) }
            return csv
        }
    }
}

/// Small layout helpers shared by the views.
enum Layout {
    /// `§9.1` for seed items, `§8, PIM Matrix` for others.
    static func tag(_ section: SectionReference, _ source: Source) -> String {
        switch source {
        case .seed: "\(section)"
        case .pimMatrix: "\(section), PIM Matrix"
        case .pimPrinciples: "PIM Principles"
        case .pimTerminology: "\(section), PIM terminology"
        case .pimProject: "\(section), pim judgement"
        }
    }

    static func tag(_ statement: Statement) -> String { tag(statement.section, statement.source) }

    /// Escapes a Markdown table cell: pipes and line breaks.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "<br>")
    }

    /// Quotes one CSV field per RFC 4180: fields with a comma, quote, CR or LF are quoted, quotes doubled.
    static func csvField(_ text: String) -> String {
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One CSV record, CRLF-terminated as RFC 4180 asks.
    static func csvRecord(_ fields: [String]) -> String {
        fields.map(csvField).joined(separator: ",") + "\r\n"
    }

    /// Wraps `text` at `width` columns with an indent on every line.
    static func wrap(_ text: String, indent: String, continuation: String? = nil, width: Int = 100) -> String {
        var lines: [String] = []
        var prefix = indent
        var line = prefix
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > width && line.count > prefix.count {
                lines.append(line)
                prefix = continuation ?? indent
                line = prefix
            }
            line += (line.count > prefix.count ? " " : "") + word
        }
        if line.count > prefix.count { lines.append(line) }
        return lines.joined(separator: "\n")
    }

    /// A bullet with a source tag, wrapped, for text output.
    static func bullet(_ statement: Statement, indent: String = "  ") -> String {
        wrap("- \(statement.text) [\(tag(statement))]", indent: indent, continuation: indent + "  ")
    }
}
