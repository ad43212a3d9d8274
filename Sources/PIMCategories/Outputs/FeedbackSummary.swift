import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// §9.8 communicating with communities: feedback by topic, channel and location, open versus closed, and
/// response time: days from received to responded over answered feedback (median), and the share answered
/// within 7 days, in which feedback still waiting for an answer after 7 days counts as late (QA11 C24: the rate
/// otherwise improves as more feedback goes unanswered). With a priority column, the same by priority.
public enum FeedbackSummary {
    public static let targetDays = 7.0

    /// - Parameter asOf: the day waiting feedback is aged to; by default the latest date in the data.
    public static func report(_ t: Table, asOf: Int32? = nil) throws(CategoryDataError) -> CategoryReport {
        guard t.rowCount > 0 else { throw .noRows }
        let received = try t.days("received"), responded = try t.days("responded")
        let priority = t["priority"] == nil ? nil : try t.texts("priority")
        let today = asOf ?? (0..<t.rowCount).compactMap { r in [received[r], responded[r]].compactMap { $0 }.max() }.max() ?? 0
        let topics = try t.texts("topic"), channels = try t.texts("channel"), a1 = try t.texts("adm1_code"), status = try t.texts("status")
        var byTopic: [String: (Double, Double)] = [:], byChannel: [String: (Double, Double)] = [:], byArea: [String: (Double, Double)] = [:]
        // Per priority ("" for all): days to answer, and days waited by feedback not answered yet.
        var durations: [String: [Double]] = [:], waiting: [String: [Double]] = [:]
        var open = 0.0, closed = 0.0
        for r in 0..<t.rowCount {
            let isOpen = (status[r] ?? "open") != "closed"
            if isOpen { open += 1 } else { closed += 1 }
            for (k, which) in [(topics[r] ?? "unknown", 0), (channels[r] ?? "unknown", 1), (a1[r] ?? "unknown", 2)] {
                let inc = (1.0, isOpen ? 1.0 : 0.0)
                switch which {
                case 0: byTopic[k, default: (0, 0)].0 += inc.0; byTopic[k, default: (0, 0)].1 += inc.1
                case 1: byChannel[k, default: (0, 0)].0 += inc.0; byChannel[k, default: (0, 0)].1 += inc.1
                default: byArea[k, default: (0, 0)].0 += inc.0; byArea[k, default: (0, 0)].1 += inc.1
                }
            }
            // As of `today`: feedback received later is not counted yet, and feedback answered later was still
            // waiting then. Feedback closed without a response date is not waiting.
            let groups = [""] + (priority.map { [$0[r] ?? "unknown"] } ?? [])
            if let a = received[r], a <= today {
                if let b = responded[r], b >= a, b <= today {
                    for g in groups { durations[g, default: []].append(Double(b - a)) }
                } else if responded[r].map({ $0 > today }) ?? isOpen {
                    for g in groups { waiting[g, default: []].append(Double(today - a)) }
                }
            }
        }
        func rows(_ d: [String: (Double, Double)]) -> [[ReportValue]] {
            d.keys.sorted().map { k -> [ReportValue] in
                let v = d[k] ?? (0, 0)
                return [.text(k), .int(v.0), .int(v.1), .int(v.0 - v.1), .pct(v.0 - v.1, of: v.0)]
            } + [[.text("Total"), .int(open + closed), .int(open), .int(closed), .pct(closed, of: open + closed)]]
        }
        let cols = ["received", "open", "closed", "percent_closed"]
        let timeColumns = ["answered", "median_days", "within_7_days", "waiting", "waiting_over_7_days", "oldest_waiting_days",
                           "percent_within_7_days"]
        func timeRow(_ g: String) -> [ReportValue] {
            let d = durations[g] ?? [], w = waiting[g] ?? []
            let within = Double(d.filter { $0 <= targetDays }.count)
            let late = Double(w.filter { $0 > targetDays }.count)
            return [.integer(d.count), Statistics.median(d).map(ReportValue.number) ?? .missing, .int(within), .integer(w.count),
                    .int(late), w.max().map { .integer(Int($0)) } ?? .missing, .pct(within, of: Double(d.count) + late)]
        }
        let asOfText = ValueFormatting.date(today)
        var sections = [
            ReportSection(name: "by-topic", title: "Feedback by topic", columns: ["topic"] + cols, rows: rows(byTopic)),
            ReportSection(name: "by-channel", title: "Feedback by channel", columns: ["channel"] + cols, rows: rows(byChannel)),
            ReportSection(name: "by-adm1", title: "Feedback by admin 1", columns: ["adm1_code"] + cols, rows: rows(byArea)),
            ReportSection(name: "response-time", title: "Response time", columns: timeColumns, rows: [timeRow("")],
                          notes: ["Days from received to responded over feedback with a response date; waiting: feedback without a "
                                  + "response date by \(asOfText) (and not closed), aged to that day. Percent within 7 days: answered within 7 days, of the "
                                  + "feedback answered or waiting more than 7 days (waiting that long is late)."]),
        ]
        if let priority {
            let levels = Set((0..<t.rowCount).map { priority[$0] ?? "unknown" }).sorted()
            sections.append(ReportSection(
                name: "response-time-by-priority", title: "Response time by priority", columns: ["priority"] + timeColumns,
                rows: levels.map { [.text($0)] + timeRow($0) }))
        }
        return CategoryReport(category: "communicating-with-affected-communities", title: "Community feedback", sections: sections,
                              notes: ["Open: status other than closed."])
    }
}
