import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// §9.4 case-management outputs: caseload by status, sex and age group; new and closed cases per month;
/// referrals by service; median time to close.
///
/// A case is active on `asOf` when it was opened on or before that day and is not closed by then. Its status
/// as of that day is `closed` when it was closed by then, `open` when the data record it closed only later
/// (its earlier status is not recorded), else the recorded status.
/// Time to close is `closed − opened` in days over the closed cases; the median of an even count is the mean
/// of the two middle values. A closed date before the opened date is a data error and is left out.
public enum Caseload {
    public static func report(_ t: Table, asOf: Int32? = nil) throws(CategoryDataError) -> CategoryReport {
        let opened = try t.days("opened"), closed = try t.days("closed")
        let status = try t.texts("status"), sex = try t.texts("sex"), age = try t.texts("age_group")
        let service = try t.texts("referral_service"), need = try t.texts("specific_need")
        let caseRows = (0..<t.rowCount).filter { opened[$0] != nil }
        guard !caseRows.isEmpty else { throw .noRows }
        let lastDay = caseRows.map { max(opened[$0] ?? 0, closed[$0] ?? 0) }.max() ?? 0
        let day = asOf ?? lastDay
        let known = caseRows.filter { (opened[$0] ?? 0) <= day }

        var byStatus: [String: Double] = [:], bySexAge: [String: Double] = [:], byService: [String: Double] = [:], byNeed: [String: Double] = [:]
        var active = 0.0, durations: [Double] = []
        var newPer: [Int32: Double] = [:], closedPer: [Int32: Double] = [:]
        var negative = 0
        for r in known {
            byStatus.add(statusAsOf(recorded: status[r], closed: closed[r], day: day), 1)
            byNeed.add(need[r] ?? "unknown", 1)
            if let s = service[r] { byService.add(s, 1) }
            let isClosed = closed[r].map { $0 <= day } ?? false
            if !isClosed {
                active += 1
                bySexAge.add((sex[r] ?? "unknown") + "\u{1}" + (age[r] ?? "unknown"), 1)
            }
            if let o = opened[r] { newPer.add(TrendPeriod.month.start(of: o), 1) }
            if let c = closed[r], c <= day, let o = opened[r] {
                closedPer.add(TrendPeriod.month.start(of: c), 1)
                if c >= o { durations.append(Double(c - o)) } else { negative += 1 }
            }
        }
        let count = Double(known.count)
        func rows(_ d: [String: Double], _ of: Double) -> [[ReportValue]] {
            d.keys.sorted().map { k -> [ReportValue] in [.text(k), .int(d[k] ?? 0), .pct(d[k] ?? 0, of: of)] } + [[.text("Total"), .int(of), .pct(of, of: of)]]
        }
        var sexAgeRows: [[ReportValue]] = []
        for key in bySexAge.keys.sorted() {
            let parts = key.split(separator: "\u{1}").map(String.init)
            sexAgeRows.append([.text(parts.first ?? ""), .text(parts.last ?? ""), .int(bySexAge[key] ?? 0)])
        }
        sexAgeRows.append([.text("Total"), .text("Total"), .int(active)])
        // (From the earliest case opened by `day`; a date mistyped centuries away is refused, not drawn.)
        let openedByDay = (0..<t.rowCount).map { r in opened[r].flatMap { $0 <= day ? $0 : nil } }
        let spanned = try TrendPeriod.month.range(spanning: openedByDay, through: day, column: "opened")
        let months = spanned.isEmpty ? TrendPeriod.month.range(day, day) : spanned
        let monthRows = months.map { m -> [ReportValue] in [.text(TrendPeriod.month.label(m)), .int(newPer[m] ?? 0), .int(closedPer[m] ?? 0)] }
        let median = Statistics.median(durations)
        return CategoryReport(category: "case-management", title: "Caseload as of \(CivilDays.iso(day))", sections: [
            ReportSection(name: "by-status", title: "Cases by status", columns: ["status", "cases", "percent"], rows: rows(byStatus, count),
                          notes: ["Status as of \(CivilDays.iso(day)), over cases opened on or before it: closed when closed by then; open when closed only later; else as recorded."]),
            ReportSection(name: "active-by-sex-age", title: "Active cases by sex and age group", columns: ["sex", "age_group", "active_cases"], rows: sexAgeRows,
                          notes: ["Active: opened on or before \(CivilDays.iso(day)) and not closed by then."]),
            ReportSection(name: "by-month", title: "New and closed cases per month", columns: ["month", "new", "closed"], rows: monthRows),
            ReportSection(name: "referrals", title: "Referrals by service", columns: ["referral_service", "referrals", "percent"], rows: rows(byService, byService.values.reduce(0, +))),
            ReportSection(name: "by-need", title: "Cases by specific need", columns: ["specific_need", "cases", "percent"], rows: rows(byNeed, count)),
            ReportSection(name: "time-to-close", title: "Time to close", columns: ["closed_cases", "median_days", "mean_days"],
                          rows: [[.integer(durations.count), median.map(ReportValue.number) ?? .missing,
                                  durations.isEmpty ? .missing : .number(durations.reduce(0, +) / Double(durations.count))]],
                          notes: ["Days from opened to closed over cases closed on or before \(CivilDays.iso(day)); median of an even count = mean of the two middle values."]
                            + (negative > 0 ? ["\(negative) cases closed before they were opened are left out (a data error)."] : [])),
        ], notes: ["\(known.count) cases opened on or before \(CivilDays.iso(day)); \(Int(active)) active."])
    }

    /// The cases opened on or before `day` (default: the latest date in the data) with `status` as of that day,
    /// for the shareable table, and that day.
    /// - Throws: ``CategoryDataError/nothingByReferenceDate(_:)`` when no case was opened by then.
    static func recordsAsOf(_ t: Table, day asOf: Int32?) throws(CategoryDataError) -> (records: Table, day: Int32) {
        let opened = try t.days("opened"), closed = try t.days("closed"), status = try t.texts("status")
        let day = asOf ?? latestDay(opened: opened, closed: closed)
        let rows = (0..<t.rowCount).filter { opened[$0].map { $0 <= day } ?? false }
        guard !rows.isEmpty else { throw .nothingByReferenceDate(CivilDays.iso(day)) }
        var out = t.selectingRows(rows)
        let statuses = rows.map { statusAsOf(recorded: status[$0], closed: closed[$0], day: day) }
        _ = try? out.setColumn(Column(name: "status", data: .textColumn(statuses)))
        return (out, day)
    }

    /// The default reference day: the latest day a case was opened or closed (days since 1970-01-01; 0 without any).
    static func latestDay(_ t: Table) throws(CategoryDataError) -> Int32 {
        latestDay(opened: try t.days("opened"), closed: try t.days("closed"))
    }

    private static func latestDay(opened: [Int32?], closed: [Int32?]) -> Int32 {
        opened.indices.map { max(opened[$0] ?? .min, closed[$0] ?? .min) }.max() ?? 0
    }

    /// The status of a case as of `day` (see the type's rule); "unknown" when none is recorded.
    static func statusAsOf(recorded: String?, closed: Int32?, day: Int32) -> String {
        if let closed { return closed <= day ? "closed" : "open" }
        return recorded ?? "unknown"
    }
}
