import Foundation
import PIMCategories
import PIMCore
import PIMFramework

/// The dataset page's further charts, drawn from the shareable (suppressed) output only: a trend by month and
/// a population pyramid (age group × sex). Each is an accessible SVG (`<title>`, `<desc>`) with the same
/// numbers in a table next to it.
struct DataChart: Sendable, Hashable {
    struct Row: Sendable, Hashable { var cells: [String] }

    var svg: String
    var caption: String
    var header: [String]
    var rows: [Row]

    /// The margin rows of the output's first section where exactly the `free` dimensions have a value and every
    /// other dimension is "Total": (values of the free dimensions, the count or nil when suppressed).
    static func margins(_ report: CategoryReport, category: PIMCategory.ID, free: [String]) -> (unit: String, cells: [([String], Int?)])? {
        let dims = SharingPolicyTables.dimensions(for: category)
        guard let section = report.sections.first, section.columns.count > dims.count else { return nil }
        let freeIdx = free.compactMap { section.columns.firstIndex(of: $0) }
        guard freeIdx.count == free.count, freeIdx.allSatisfy({ $0 < dims.count }) else { return nil }
        let others = (0..<dims.count).filter { !freeIdx.contains($0) }
        var cells: [([String], Int?)] = []
        for row in section.rows where row.count > dims.count {
            guard freeIdx.allSatisfy({ row[$0].description != "Total" }), others.allSatisfy({ row[$0].description == "Total" }) else { continue }
            let value: Int? = switch row[dims.count] {
            case .integer(let n): n
            case .number(let d) where d.isFinite: Int(d.rounded())
            default: nil
            }
            cells.append((freeIdx.map { row[$0].description }, value))
        }
        guard !cells.isEmpty else { return nil }
        return (section.columns[dims.count].replacingOccurrences(of: "_", with: " "), cells)
    }

    static func charts(_ report: CategoryReport, category: PIMCategory.ID) -> [DataChart] {
        [trend(report, category: category), pyramid(report, category: category)].compactMap { $0 }
    }

    // MARK: Trend by month

    static func trend(_ report: CategoryReport, category: PIMCategory.ID) -> DataChart? {
        guard let m = margins(report, category: category, free: ["month"]) else { return nil }
        let points = m.cells.map { (month: $0.0[0], value: $0.1) }.sorted { $0.month < $1.month }
        let title = "\(m.unit.capitalized) by month, shareable output"
        return DataChart(svg: trendSVG(title: title, unit: m.unit, points: points), caption: title, header: ["Month", m.unit],
                         rows: points.map { Row(cells: [$0.month, $0.value.map(String.init) ?? "suppressed"]) })
    }

    static func trendSVG(title: String, unit: String, points: [(month: String, value: Int?)]) -> String {
        let width = 640, height = 260, left = 48, bottom = 40, top = 16
        let plotHeight = height - top - bottom
        let step = max(1, (width - left - 16) / max(1, points.count))
        let maxValue = max(1, points.compactMap(\.value).max() ?? 1)
        let published = points.compactMap { p in p.value.map { (p.month, $0) } }
        let desc: String = if let top = published.max(by: { $0.1 < $1.1 }) {
            "\(title): \(points.count) months from \(points.first?.month ?? "") to \(points.last?.month ?? ""); the highest is \(top.0) with \(top.1) \(unit)"
                + (published.count < points.count ? "; \(points.count - published.count) suppressed." : ".")
        } else { "\(title): every value is suppressed." }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trend-chart\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
            + "role=\"img\" aria-labelledby=\"trend-title trend-desc\">"
        s += "<title id=\"trend-title\">\(BarChart.escape(title))</title><desc id=\"trend-desc\">\(BarChart.escape(desc))</desc>"
        s += "<line class=\"axis\" stroke=\"#555\" x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - 8)\" y2=\"\(top + plotHeight)\"/>"
        s += "<text class=\"value\" x=\"\(left - 6)\" y=\"\(top + 10)\" text-anchor=\"end\">\(maxValue)</text>"
        s += "<text class=\"value\" x=\"\(left - 6)\" y=\"\(top + plotHeight)\" text-anchor=\"end\">0</text>"
        var line: [(x: Int, y: Int)] = []
        for (i, p) in points.enumerated() {
            let x = left + i * step
            let cx = x + step / 2
            if let v = p.value {
                let h = Int((Double(v) / Double(maxValue) * Double(plotHeight)).rounded())
                s += "<rect class=\"column\" fill=\"#9cc3e0\" x=\"\(x + 2)\" y=\"\(top + plotHeight - h)\" width=\"\(max(1, step - 4))\" height=\"\(h)\"><title>\(BarChart.escape(p.month)): \(v)</title></rect>"
                line.append((cx, top + plotHeight - h))
            } else {
                s += "<text class=\"value suppressed\" x=\"\(cx)\" y=\"\(top + plotHeight - 4)\" text-anchor=\"middle\">×</text>"
            }
            if points.count <= 12 || i % max(1, points.count / 12) == 0 {
                s += "<text class=\"label\" x=\"\(cx)\" y=\"\(top + plotHeight + 16)\" text-anchor=\"middle\">\(BarChart.escape(p.month))</text>"
            }
        }
        if line.count > 1 {
            s += "<polyline class=\"trend\" fill=\"none\" stroke=\"#2f6f9f\" stroke-width=\"2\" points=\"\(line.map { "\($0.x),\($0.y)" }.joined(separator: " "))\"/>"
        }
        for p in line {
            s += "<circle class=\"point\" fill=\"#2f6f9f\" cx=\"\(p.x)\" cy=\"\(p.y)\" r=\"3\"/>"
        }
        return s + "</svg>"
    }

    // MARK: Population pyramid

    static func pyramid(_ report: CategoryReport, category: PIMCategory.ID) -> DataChart? {
        guard let m = margins(report, category: category, free: ["sex", "age_group"]) else { return nil }
        var value: [String: [String: Int?]] = [:]
        for (keys, v) in m.cells { value[keys[1], default: [:]][keys[0]] = v }
        let sexes = order(Set(m.cells.map { $0.0[0] }), by: Taxonomy.sex.values.map(\.code))
        let ages = order(Set(m.cells.map { $0.0[1] }), by: Taxonomy.ageGroup.values.map(\.code))
        guard sexes.count >= 2 else { return nil }
        let (leftSex, rightSex) = (sexes[0], sexes[1])
        let title = "\(m.unit.capitalized) by age group and sex (population pyramid), shareable output"
        let label = { (code: String) in Taxonomy.ageGroup.values.first { $0.code == code }?.label ?? code }
        let rows = ages.map { age in
            Row(cells: [label(age)] + sexes.map { sex in (value[age]?[sex] ?? nil).map(String.init) ?? "suppressed" })
        }
        // Oldest at the top.
        let bands = ages.reversed().map { age in (label(age), value[age]?[leftSex] ?? nil, value[age]?[rightSex] ?? nil) }
        return DataChart(svg: pyramidSVG(title: title, unit: m.unit, left: leftSex, right: rightSex, bands: bands), caption: title,
                         header: ["Age group"] + sexes, rows: rows)
    }

    static func order(_ values: Set<String>, by known: [String]) -> [String] {
        known.filter(values.contains) + values.subtracting(known).sorted()
    }

    static func pyramidSVG(title: String, unit: String, left: String, right: String, bands: [(String, Int?, Int?)]) -> String {
        let width = 640, rowHeight = 28, top = 28, center = 320, half = 230, labelGap = 80
        let height = top + rowHeight * max(1, bands.count) + 12
        let maxValue = max(1, bands.flatMap { [$0.1, $0.2] }.compactMap { $0 }.max() ?? 1)
        let total = { (side: [Int?]) in side.compactMap { $0 }.reduce(0, +) }
        let desc = "\(title): \(bands.count) age groups; \(left) \(total(bands.map(\.1))), \(right) \(total(bands.map(\.2))) \(unit) published"
            + (bands.contains { $0.1 == nil || $0.2 == nil } ? "; some cells suppressed." : ".")
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"pyramid-chart\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
            + "role=\"img\" aria-labelledby=\"pyramid-title pyramid-desc\">"
        s += "<title id=\"pyramid-title\">\(BarChart.escape(title))</title><desc id=\"pyramid-desc\">\(BarChart.escape(desc))</desc>"
        s += "<text class=\"label\" x=\"\(center - labelGap)\" y=\"16\" text-anchor=\"end\">\(BarChart.escape(left))</text>"
        s += "<text class=\"label\" x=\"\(center + labelGap)\" y=\"16\">\(BarChart.escape(right))</text>"
        for (i, band) in bands.enumerated() {
            let y = top + i * rowHeight
            s += "<text class=\"label\" x=\"\(center)\" y=\"\(y + 16)\" text-anchor=\"middle\">\(BarChart.escape(band.0))</text>"
            let usable = half - labelGap
            if let v = band.1 {
                let w = Int((Double(v) / Double(maxValue) * Double(usable)).rounded())
                s += "<rect class=\"bar left\" fill=\"#b5577a\" x=\"\(center - labelGap - w)\" y=\"\(y + 4)\" width=\"\(w)\" height=\"18\"><title>\(BarChart.escape(left)) \(BarChart.escape(band.0)): \(v)</title></rect>"
                s += "<text class=\"value\" x=\"\(center - labelGap - w - 4)\" y=\"\(y + 17)\" text-anchor=\"end\">\(v)</text>"
            } else {
                s += "<text class=\"value suppressed\" x=\"\(center - labelGap - 4)\" y=\"\(y + 17)\" text-anchor=\"end\">suppressed</text>"
            }
            if let v = band.2 {
                let w = Int((Double(v) / Double(maxValue) * Double(usable)).rounded())
                s += "<rect class=\"bar right\" fill=\"#2f6f9f\" x=\"\(center + labelGap)\" y=\"\(y + 4)\" width=\"\(w)\" height=\"18\"><title>\(BarChart.escape(right)) \(BarChart.escape(band.0)): \(v)</title></rect>"
                s += "<text class=\"value\" x=\"\(center + labelGap + w + 4)\" y=\"\(y + 17)\">\(v)</text>"
            } else {
                s += "<text class=\"value suppressed\" x=\"\(center + labelGap + 4)\" y=\"\(y + 17)\">suppressed</text>"
            }
        }
        return s + "</svg>"
    }
}
