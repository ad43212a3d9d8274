import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// §9.2 needs-assessment results: weighted shares of answers by question, overall and by admin 1.
///
/// The share of an answer is Σ weight of households giving it ÷ Σ weight of households answering the
/// question (blank answers are left out). `n` is the unweighted number of households.
public enum NeedsShares {
    /// The questions analysed, in template order.
    public static let questions = ["feels_unsafe", "lacks_documents", "separated_child", "main_risk", "priority_need"]

    public static func report(_ t: Table) throws(CategoryDataError) -> CategoryReport {
        guard t.rowCount > 0 else { throw .noRows }
        let a1 = try t.texts("adm1_code")
        let weights = try Self.weights(t)
        var overall: [[ReportValue]] = [], byArea: [[ReportValue]] = []
        var unweighted = 0
        for q in questions where t[q] != nil {
            let answers = try t.texts(q)
            var n: [String: Double] = [:], w: [String: Double] = [:], areaN: [String: Double] = [:], areaW: [String: Double] = [:]
            var answeredW = 0.0
            var areaAnsweredW: [String: Double] = [:]
            for r in 0..<t.rowCount {
                guard let a = answers[r] else { continue }
                let wt = weights[r] ?? 0, area = a1[r] ?? "unknown"
                n.add(a, 1); w.add(a, wt); answeredW += wt
                areaN.add(area + "\u{1}" + a, 1); areaW.add(area + "\u{1}" + a, wt); areaAnsweredW.add(area, wt)
            }
            for a in n.keys.sorted() {
                overall.append([.text(q), .text(a), .int(n[a] ?? 0), .number(w[a] ?? 0), .pct(w[a] ?? 0, of: answeredW)])
            }
            for key in areaN.keys.sorted() {
                let parts = key.split(separator: "\u{1}").map(String.init)
                let area = parts.first ?? "", a = parts.last ?? ""
                if (areaAnsweredW[area] ?? 0) == 0 { unweighted += 1 }
                byArea.append([.text(area), .text(q), .text(a), .int(areaN[key] ?? 0), .pct(areaW[key] ?? 0, of: areaAnsweredW[area] ?? 0)])
            }
        }
        let rule = "Weighted share = sum of weights of households giving the answer / sum of weights of households answering; n is unweighted."
        return CategoryReport(category: "protection-needs-assessment", title: "Protection needs assessment: weighted results", sections: [
            ReportSection(name: "overall", title: "Answers by question (weighted)", columns: ["question", "answer", "n", "weighted_households", "weighted_percent"],
                          rows: overall, notes: [rule]),
            ReportSection(name: "by-adm1", title: "Answers by question and admin 1 (weighted)", columns: ["adm1_code", "question", "answer", "n", "weighted_percent"],
                          rows: byArea, notes: unweighted == 0 ? [] : [Self.zeroWeightNote(unweighted)]),
        ], notes: ["\(t.rowCount) households interviewed.", rule])
    }

    /// Why some percentages are blank: the households answering in that area all have weight 0.
    static func zeroWeightNote(_ rows: Int) -> String {
        "weighted_percent is blank in \(rows) row\(rows == 1 ? "" : "s"): every household answering that question in the area has weight 0, so there is no weighted base to divide by."
    }

    /// The `weight` column, checked: every weight finite and from 0 to ``TemplateField/maximumCount``.
    /// - Throws: ``CategoryDataError/weightOutOfRange(row:limit:)`` naming the first data row (1-based) that is not.
    static func weights(_ t: Table) throws(CategoryDataError) -> [Double?] {
        let weights = try t.numbers("weight")
        let limit = TemplateField.maximumCount
        // `numbers` reads inf and nan as missing; a weight written so is an error too, not a weight of 0.
        let nonFinite: (Int) -> Bool
        switch t["weight"]?.data {
        case .decimal(let v, let n)?: nonFinite = { !n.isNull($0) && !v[$0].isFinite }
        case .text(let codes, let dict)?:
            let bad = dict.map { Double($0.trimmingCharacters(in: .whitespaces)).map { !$0.isFinite } ?? false }
            nonFinite = { codes[$0] >= 0 && bad[Int(codes[$0])] }
        default: nonFinite = { _ in false }
        }
        for (r, w) in weights.enumerated() {
            if nonFinite(r) { throw .weightOutOfRange(row: r + 1, limit: limit) }
            guard let w else { continue }
            guard w >= 0, w <= Double(limit) else { throw .weightOutOfRange(row: r + 1, limit: limit) }
        }
        return weights
    }
}
