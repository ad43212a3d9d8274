import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// §9.8 communicating with communities: feedback by topic, channel and location, open versus closed, and
/// response time (days from received to responded, over answered feedback; median and share within 7 days).
public enum FeedbackSummary {
    public static let targetDays = 7.0

    public static func report(_ t: Table) throws(CategoryDataError) -> CategoryReport {
        guard t.rowCount > 0 else { throw .noRows }
        let received = try t.days("received"), responded = try t.days("responded")
        let topics = try t.texts("topic"), channels = try t.texts("channel"), a1 = try t.texts("adm1_code"), status = try t.texts("status")
        var byTopic: [String: (Double, Double)] = [:], byChannel: [String: (Double, Double)] = [:], byArea: [String: (Double, Double)] = [:]
        var durations: [Double] = []
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
            if let a = received[r], let b = responded[r], b >= a { durations.append(Double(b - a)) }
        }
        func rows(_ d: [String: (Double, Double)]) -> [[ReportValue]] {
            d.keys.sorted().map { k -> [ReportValue] in
                let v = d[k] ?? (0, 0)
                return [.text(k), .int(v.0), .int(v.1), .int(v.0 - v.1), .pct(v.0 - v.1, of: v.0)]
            } + [[.text("Total"), .int(open + closed), .int(open), .int(closed), .pct(closed, of: open + closed)]]
        }
        let cols = ["received", "open", "closed", "percent_closed"]
        let within = Double(durations.filter { $0 <= targetDays }.count)
        return CategoryReport(category: "communicating-with-affected-communities", title: "Community feedback", sections: [
            ReportSection(name: "by-topic", title: "Feedback by topic", columns: ["topic"] + cols, rows: rows(byTopic)),
            ReportSection(name: "by-channel", title: "Feedback by channel", columns: ["channel"] + cols, rows: rows(byChannel)),
            ReportSection(name: "by-adm1", title: "Feedback by admin 1", columns: ["adm1_code"] + cols, rows: rows(byArea)),
            ReportSection(name: "response-time", title: "Response time", columns: ["answered", "median_days", "within_7_days", "percent_within_7_days"],
                          rows: [[.integer(durations.count), Statistics.median(durations).map(ReportValue.number) ?? .missing, .int(within),
                                  .pct(within, of: Double(durations.count))]],
                          notes: ["Days from received to responded over feedback with a response date."]),
        ], notes: ["Open: status other than closed."])
    }
}
