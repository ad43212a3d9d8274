/// The output formats of a rendered report.
public enum ReportFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case text
    case json
    case markdown
}
