import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// One cell of a report table.
public enum ReportValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case text(String)
    case integer(Int)
    case number(Double)
    /// Suppressed or not available.
    case missing

    public var description: String {
        switch self {
        case .text(let s): s
        case .integer(let i): String(i)
        case .number(let d): d.isFinite ? Self.text(d) : ""
        case .missing: ""
        }
    }

    /// `d` as shown: ``shown(_:)`` without the zeros after its first decimal (0.5, not 0.500).
    static func text(_ d: Double) -> String {
        var out = String(format: "%.\(decimals(for: d))f", shown(d))
        while out.hasSuffix("0"), let dot = out.firstIndex(of: "."), out.distance(from: dot, to: out.endIndex) > 2 { out.removeLast() }
        return out
    }

    /// Decimals a number is shown with: one, as people read figures, but three significant digits below 1, so that
    /// a sum of normalised survey weights (0.0055) does not show as 0 (QA11 C27).
    static func decimals(for d: Double) -> Int {
        let a = abs(d)
        guard a > 0, a < 1 else { return 1 }
        return max(1, min(12, 2 - Int(log10(a).rounded(.down))))
    }

    /// `d` rounded to ``decimals(for:)``, halves away from zero as people round (printf's "%.1f" gave 71.25 → "71.2").
    /// A quotient that binary arithmetic left just under a half (0.0055 / 0.008 × 100 = 68.7499…) is taken at its
    /// decimal value first, so that a survey's shares do not change when its weights are rescaled.
    static func shown(_ d: Double) -> Double {
        guard d.isFinite, d != 0 else { return d.isFinite ? 0 : d }
        // Snapped to 12 significant digits (relative to the value, so tiny values keep theirs), then rounded.
        let magnitude = pow(10, (log10(abs(d))).rounded(.down) - 11)
        let snapped = magnitude.isNormal ? (d / magnitude).rounded() * magnitude : d
        let scale = pow(10, Double(decimals(for: d)))
        let rounded = (snapped * scale).rounded(.toNearestOrAwayFromZero) / scale
        // (No -0, and a value too large to scale is shown as it is.)
        return rounded.isFinite ? (rounded == 0 ? 0 : rounded) : d
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .missing } else if let i = try? c.decode(Int.self) { self = .integer(i) } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else { self = .text(try c.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .text(let s): try c.encode(s)
        case .integer(let i): try c.encode(i)
        case .number(let d): if d.isFinite { try c.encode(Self.shown(d)) } else { try c.encodeNil() }
        case .missing: try c.encodeNil()
        }
    }
}

/// One table of a category output, e.g. "caseload by status and sex".
public struct ReportSection: Sendable, Hashable, Codable {
    /// A short id, e.g. `by-month`.
    public var name: String
    public var title: String
    public var columns: [String]
    public var rows: [[ReportValue]]
    /// Rules and caveats a reader needs (how totals, flags and shares were computed).
    public var notes: [String]

    public init(name: String, title: String, columns: [String], rows: [[ReportValue]], notes: [String] = []) {
        self.name = name
        self.title = title
        self.columns = columns
        self.rows = rows
        self.notes = notes
    }

    /// The value in `column` of the first row whose leading cells equal `key` (as text), for tests and look-ups.
    public func value(_ column: String, where key: [String]) -> ReportValue? {
        guard let c = columns.firstIndex(of: column) else { return nil }
        return rows.first { r in key.enumerated().allSatisfy { r[$0.offset].description == $0.element } }?[c]
    }

    /// The section as a table (text, integer and decimal columns) for CSV, JSON and XLSX writers.
    public func table() -> Table {
        let cols = columns.enumerated().map { i, name -> Column in
            let cells = rows.map { $0[i] }
            if cells.allSatisfy({ if case .integer = $0 { true } else if case .missing = $0 { true } else { false } }) {
                return Column(name: name, data: .integerColumn(cells.map { if case .integer(let v) = $0 { v } else { nil } }))
            }
            if cells.allSatisfy({ if case .text = $0 { false } else { true } }) {
                return Column(name: name, data: .decimalColumn(cells.map {
                    switch $0 {
                    case .integer(let v): Double(v)
                    case .number(let d): ReportValue.shown(d)
                    default: nil
                    }
                }))
            }
            return Column(name: name, data: .textColumn(cells.map { if case .missing = $0 { nil } else { $0.description } }))
        }
        return (try? Table(columns: cols)) ?? .empty
    }
}

/// The output of a category (§9) computed from one dataset: titled tables plus notes and flags.
public struct CategoryReport: Sendable, Hashable, Codable {
    public var category: String
    public var title: String
    /// Whether the tables passed the category's sharing policy (§10) and small-cell suppression.
    public var shareable: Bool
    public var sections: [ReportSection]
    public var notes: [String]
    /// The day the figures describe (`yyyy-mm-dd`), for outputs computed as of a date (population figures);
    /// §10.1 lists the date among what is shared.
    public var referenceDate: String?
    /// Shareable outputs of stored datasets: how many records were left out because their consent to reporting
    /// was withdrawn or refused (nil when consent was not consulted). A count only, never which records.
    public var leftOutForConsent: Int?

    public init(category: String, title: String, shareable: Bool = false, sections: [ReportSection], notes: [String] = [],
                referenceDate: String? = nil, leftOutForConsent: Int? = nil) {
        self.category = category
        self.title = title
        self.shareable = shareable
        self.sections = sections
        self.notes = notes
        self.referenceDate = referenceDate
        self.leftOutForConsent = leftOutForConsent
    }

    /// The section named `name`, if any.
    public func section(_ name: String) -> ReportSection? { sections.first { $0.name == name } }
}

/// Renders a ``CategoryReport`` as plain text, Markdown, CSV or JSON.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable {
    case text, markdown, csv, json

    public func render(_ report: CategoryReport) -> String {
        switch self {
        case .text: Self.text(report)
        case .markdown: Self.markdown(report)
        case .csv: Self.csv(report)
        case .json:
            (try? JSONEncoder.sorted.encode(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
    }

    static func text(_ r: CategoryReport) -> String {
        var out = [r.title + (r.shareable ? " (shareable)" : ""), String(repeating: "=", count: r.title.count + (r.shareable ? 12 : 0))]
        out += r.notes
        for s in r.sections {
            out += ["", s.title, String(repeating: "-", count: s.title.count)]
            var widths = s.columns.map(\.count)
            for row in s.rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.description.count) } }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { i, c in
                    i == cells.count - 1 ? c : c.padded(toWidth: widths[i])
                }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
            }
            out.append(line(s.columns))
            out += s.rows.map { line($0.map(\.description)) }
            out += s.notes.map { "  note: " + $0 }
        }
        return out.joined(separator: "\n")
    }

    static func markdown(_ r: CategoryReport) -> String {
        var out = ["# " + r.title + (r.shareable ? " (shareable)" : "")]
        if !r.notes.isEmpty { out += [""] + r.notes.map { "- " + $0 } }
        for s in r.sections {
            out += ["", "## " + s.title, "", "| " + s.columns.joined(separator: " | ") + " |",
                    "|" + s.columns.map { _ in " --- |" }.joined()]
            out += s.rows.map { "| " + $0.map { $0.description.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
            if !s.notes.isEmpty { out += [""] + s.notes.map { "_" + $0 + "_" } }
        }
        return out.joined(separator: "\n")
    }

    /// Each section as a CSV block preceded by a `# section: NAME` line, blocks separated by a blank line.
    static func csv(_ r: CategoryReport) -> String {
        r.sections.map { s in
            "# section: \(s.name)\n" + String(decoding: CSVWriter.bytes(s.table(), options: CSVWriteOptions(lineEnding: .lf)), as: UTF8.self)
        }.joined(separator: "\n")
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }
}

extension CategoryReport {
    /// The report cut down to tables by `allowed` dimensions only (a partner's agreement lists them).
    ///
    /// A shareable table has every margin, so a dimension that is not allowed is taken out by keeping the
    /// rows where it reads `totalLabel` (its margin), which were protected with the rest of the table. A
    /// label column without margins cannot be taken out that way: its section is left out. Columns whose
    /// values are all numbers or missing are counts and measures and stay, as does `flag`.
    public func projected(onto allowed: Set<String>, totalLabel: String = "Total") -> CategoryReport {
        var out = self
        out.sections = sections.compactMap { section in
            var keepRows = Array(section.rows.indices)
            var keepColumns: [Int] = []
            var summedOver: [String] = []
            for (c, name) in section.columns.enumerated() {
                let isLabel = section.rows.contains { row in
                    guard c < row.count, case .text = row[c] else { return false }
                    return true
                }
                if !isLabel || name == "flag" || allowed.contains(name) {
                    keepColumns.append(c)
                    continue
                }
                let margins = keepRows.filter { r in c < section.rows[r].count && section.rows[r][c] == .text(totalLabel) }
                guard !margins.isEmpty else { return nil }
                keepRows = margins
                summedOver.append(name)
            }
            guard keepColumns.contains(where: { allowed.contains(section.columns[$0]) }) || keepRows.count == 1 else { return nil }
            // A table shown by fewer dimensions than it was made by says so: its title named them all.
            var title = section.title
            var notes = section.notes
            if !summedOver.isEmpty {
                let shownBy = keepColumns.map { section.columns[$0] }.filter(allowed.contains)
                title += shownBy.isEmpty ? " — totals only" : " — shown by " + shownBy.joined(separator: ", ")
                notes.append("Totals over " + summedOver.joined(separator: ", ")
                    + ", which are not dimensions your agreement allows: the table shows only their total rows.")
            }
            return ReportSection(
                name: section.name, title: title, columns: keepColumns.map { section.columns[$0] },
                rows: keepRows.map { r in keepColumns.map { c in c < section.rows[r].count ? section.rows[r][c] : .missing } },
                notes: notes)
        }
        if out.sections.count < sections.count {
            out.notes.append("Only tables by the dimensions your agreement allows (\(allowed.sorted().joined(separator: ", "))) are shown.")
        }
        return out
    }
}

