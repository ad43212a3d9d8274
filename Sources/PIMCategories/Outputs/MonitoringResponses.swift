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

    public static func report(_ t: Table) throws(CategoryDataError) -> CategoryReport {
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
        let households = types.filter { $0 == "household" }.count, informants = types.filter { $0 == "key-informant" }.count
        let rule = "Percent = interviews giving the answer / interviews answering the question, per respondent type (\"all\": both together)."
        return CategoryReport(category: PIMCategory.ID.protectionMonitoring.rawValue, title: "Protection monitoring: household and key-informant interviews", sections: [
            ReportSection(name: "overall", title: "Answers by question and respondent type",
                          columns: ["question", "respondent_type", "answer", "interviews", "percent"], rows: overall, notes: [rule]),
            ReportSection(name: "by-adm1", title: "Answers by question, admin 1 and respondent type",
                          columns: ["adm1_code", "question", "respondent_type", "answer", "interviews", "percent"], rows: byArea),
        ], notes: ["\(t.rowCount) interviews: \(households) with households, \(informants) with key informants.", rule])
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
