import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCategories
import PIMCore
import PIMFramework

/// A horizontal bar chart drawn on the server as SVG, with a title and description for screen readers;
/// pages show the same numbers in a table next to it as the text alternative.
struct BarChart: Sendable, Hashable {
    struct Bar: Sendable, Hashable {
        var label: String
        /// Nil when the cell was suppressed.
        var value: Int?
        var valueText: String { value.map(String.init) ?? "suppressed" }
    }

    var title: String
    var unit: String
    var bars: [Bar]

    var caption: String { title }

    /// Text for `<desc>`: what the chart shows and its largest bar.
    var summary: String {
        let published = bars.compactMap { b in b.value.map { (b.label, $0) } }
        guard let top = published.max(by: { $0.1 < $1.1 }) else { return "\(title): every value is suppressed." }
        let suppressed = bars.count - published.count
        return "\(title): \(bars.count) areas; the largest is \(top.0) with \(top.1) \(unit)"
            + (suppressed > 0 ? "; \(suppressed) suppressed." : ".")
    }

    /// The SVG markup. Every text is XML-escaped here, so the template may insert it unescaped.
    func svg() -> String {
        let rowHeight = 24, top = 8, labelWidth = 150, barWidth = 380
        let height = top * 2 + rowHeight * max(1, bars.count)
        let maxValue = max(1, bars.compactMap(\.value).max() ?? 1)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 \(height)\" width=\"640\" height=\"\(height)\" "
            + "role=\"img\" aria-labelledby=\"chart-title chart-desc\">"
        s += "<title id=\"chart-title\">\(Self.escape(title))</title><desc id=\"chart-desc\">\(Self.escape(summary))</desc>"
        for (i, bar) in bars.enumerated() {
            let y = top + i * rowHeight
            s += "<text class=\"label\" x=\"\(labelWidth - 8)\" y=\"\(y + 16)\" text-anchor=\"end\">\(Self.escape(bar.label))</text>"
            if let v = bar.value {
                let w = Int((Double(v) / Double(maxValue) * Double(barWidth)).rounded())
                s += "<rect class=\"bar\" fill=\"#2f6f9f\" x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(w)\" height=\"16\"/>"
                s += "<text class=\"value\" x=\"\(labelWidth + w + 6)\" y=\"\(y + 16)\">\(v)</text>"
            } else {
                s += "<text class=\"value suppressed\" x=\"\(labelWidth + 6)\" y=\"\(y + 16)\">suppressed</text>"
            }
        }
        return s + "</svg>"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Counts by first-level area from a shareable output: the margin rows where `adm1_code` has a value and
    /// every other dimension is "Total". Nil when the output has no such margin.
    static func countsByArea(_ report: CategoryReport, category: PIMCategory.ID) -> BarChart? {
        let policy = Set(SharingPolicyTables.dimensions(for: category))
        guard let section = report.sections.first else { return nil }
        // The leading dimension columns (fewer when the report was cut down to a partner's dimensions).
        let dimCount = section.columns.prefix(while: policy.contains).count
        guard section.columns.count > dimCount, let area = section.columns.firstIndex(of: "adm1_code"), area < dimCount else {
            return nil
        }
        let others = (0..<dimCount).filter { $0 != area }
        var bars: [Bar] = []
        for row in section.rows where row.count > dimCount {
            guard row[area].description != "Total", others.allSatisfy({ row[$0].description == "Total" }) else { continue }
            let value: Int? = if case .integer(let n) = row[dimCount] { n } else { nil }
            bars.append(Bar(label: row[area].description, value: value))
        }
        guard !bars.isEmpty else { return nil }
        let unit = section.columns[dimCount].replacingOccurrences(of: "_", with: " ")
        return BarChart(title: "\(unit.capitalized) by first-level area (adm1), shareable output", unit: unit,
                        bars: bars.sorted { $0.label < $1.label })
    }
}
