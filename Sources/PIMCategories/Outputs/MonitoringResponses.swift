import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// §9.3 household and key-informant monitoring (the ``CategoryTemplate/monitoringResponses`` template): the
/// share of interviews giving each answer to each question, overall and by admin 1 and respondent type.
///
/// Households and key informants answer for different things (a household for itself, a key informant for
/// the community), so every figure is given for each respondent type as well as for both together.
/// Unanswered questions are left out of that question's base.
public enum MonitoringResponses {
    /// The questions analysed, in template order.
    public static let questions = ["feels_unsafe", "movement_restricted", "main_risk", "services_accessible"]

    /// Whether `table` holds monitoring interviews rather than incidents: it has the template's respondent type
    /// and no protection risk per incident.
    public static func isResponses(_ table: Table) -> Bool {
        table["respondent_type"] != nil && table["protection_risk"] == nil
    }

    /// The rule that flags a rise in an answer's share from one period to the next (percentage points).
    public static let riseRule = SpikeRule(window: 3, sds: 2, minimumIncrease: 20)

    /// Periods with fewer interviews answering a question than this are not flagged (a share of 3 interviews moves
    /// by a third with each one).
    public static let minimumInterviewsForFlag = 5

    public static func report(_ t: Table, period: TrendPeriod = .month) throws(CategoryDataError) -> CategoryReport {
        guard t.rowCount > 0 else { throw .noRows }
        let a1 = try t.texts("adm1_code"), types = try t.texts("respondent_type")
        var overall: [[ReportValue]] = [], byArea: [[ReportValue]] = []
        let all = "all"
        for q in questions where t[q] != nil {
            let answers = try t.texts(q)
            // Counts per (respondent type, answer) and (area, respondent type, answer), with each base.
            var n: [String: Double] = [:], base: [String: Double] = [:], areaN: [String: Double] = [:], areaBase: [String: Double] = [:]
            for r in 0..<t.rowCount {
                guard let a = answers[r] else { continue }
                let area = a1[r] ?? "unknown"
                for type in [types[r] ?? "unknown", all] {
                    n.add(type + "\u{1}" + a, 1)
                    base.add(type, 1)
                    areaN.add(area + "\u{1}" + type + "\u{1}" + a, 1)
                    areaBase.add(area + "\u{1}" + type, 1)
                }
            }
            for key in n.keys.sorted() {
                let parts = key.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2 else { continue }
                overall.append([.text(q), .text(parts[0]), .text(parts[1]), .int(n[key] ?? 0), .pct(n[key] ?? 0, of: base[parts[0]] ?? 0)])
            }
            for key in areaN.keys.sorted() {
                let parts = key.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 3 else { continue }
                byArea.append([.text(parts[0]), .text(q), .text(parts[1]), .text(parts[2]), .int(areaN[key] ?? 0),
                               .pct(areaN[key] ?? 0, of: areaBase[parts[0] + "\u{1}" + parts[1]] ?? 0)])
            }
        }
        let (trend, flagged) = try trends(t, period: period)
        let households = types.filter { $0 == "household" }.count, informants = types.filter { $0 == "key-informant" }.count
        let rule = "Percent = interviews giving the answer / interviews answering the question, per respondent type (\"all\": both together)."
        return CategoryReport(category: PIMCategory.ID.protectionMonitoring.rawValue, title: "Protection monitoring: household and key-informant interviews", sections: [
            ReportSection(name: "overall", title: "Answers by question and respondent type",
                          columns: ["question", "respondent_type", "answer", "interviews", "percent"], rows: overall, notes: [rule]),
            ReportSection(name: "by-adm1", title: "Answers by question, admin 1 and respondent type",
                          columns: ["adm1_code", "question", "respondent_type", "answer", "interviews", "percent"], rows: byArea),
            ReportSection(name: "trend", title: "Answers by question and \(period.rawValue) (all respondents)",
                          columns: ["question", "answer", period.rawValue, "interviews", "percent", "rise"], rows: trend,
                          notes: [Self.riseStatement]),
        ], notes: ["\(t.rowCount) interviews: \(households) with households, \(informants) with key informants.", rule]
            + (flagged > 0 ? ["\(flagged) rise\(flagged == 1 ? "" : "s") flagged in the trend (see its note)."] : []))
    }

    static var riseStatement: String {
        "A period's share of an answer is flagged as a rise when at least \(minimumInterviewsForFlag) interviews answered the "
            + "question in it and the share exceeds the mean of the previous \(riseRule.window) periods with interviews by more than "
            + "\(ReportValue.number(riseRule.sds).description) standard deviations and by at least \(Int(riseRule.minimumIncrease)) "
            + "percentage points."
    }

    /// Per question, answer and period (those with interviews answering it), the interviews giving the answer and
    /// their share, with rises flagged (``riseRule``); and how many were flagged.
    static func trends(_ t: Table, period: TrendPeriod) throws(CategoryDataError) -> (rows: [[ReportValue]], flagged: Int) {
        guard t["date"] != nil else { return ([], 0) }
        let days = try t.days("date")
        var rows: [[ReportValue]] = []
        var flagged = 0
        for q in questions where t[q] != nil {
            let answers = try t.texts(q)
            var base: [Int32: Double] = [:]
            var n: [String: [Int32: Double]] = [:]
            for r in 0..<t.rowCount {
                guard let a = answers[r], let d = days[r] else { continue }
                let p = period.start(of: d)
                base[p, default: 0] += 1
                n[a, default: [:]][p, default: 0] += 1
            }
            let periods = base.keys.sorted()
            for a in n.keys.sorted() {
                let counts = n[a] ?? [:]
                let shares = periods.map { p in 100 * (counts[p] ?? 0) / (base[p] ?? 1) }
                for (i, p) in periods.enumerated() {
                    let rise = (base[p] ?? 0) >= Double(minimumInterviewsForFlag) && riseRule.isSpike(shares, at: i)
                    if rise { flagged += 1 }
                    rows.append([.text(q), .text(a), .text(period.label(p)), .int(counts[p] ?? 0), .pct(counts[p] ?? 0, of: base[p] ?? 0),
                                 .text(rise ? "rise" : "")])
                }
            }
        }
        return (rows, flagged)
    }

    /// The interviews as one record per (area, respondent type, answer) of `question`, for the shareable tables.
    static func records(_ t: Table, question: String) throws(CategoryDataError) -> Table {
        let a1 = try t.texts("adm1_code"), types = try t.texts("respondent_type"), answers = try t.texts(question)
        let rows = (0..<t.rowCount).filter { answers[$0] != nil }
        return (try? Table(columns: [
            Column(name: "adm1_code", data: .textColumn(rows.map { a1[$0] })),
            Column(name: "respondent_type", data: .textColumn(rows.map { types[$0] })),
            Column(name: "answer", data: .textColumn(rows.map { answers[$0] })),
        ])) ?? .empty
    }
}
