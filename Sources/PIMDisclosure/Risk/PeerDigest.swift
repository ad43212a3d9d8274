import Foundation

/// The canonical result texts of the benchmark peers (`shared/bench/peers/common.py`), produced from a
/// ``RiskReport`` so that pim's results can be compared byte for byte (and by digest) with theirs.
public enum PeerDigest {
    /// `canon_kanon`: class count, smallest class, records in classes of size < 2, 3, 5, and the class-size histogram.
    public static func kAnonymityText(_ report: RiskReport) -> String {
        let hist = report.classSizeHistogram
        func below(_ k: Int) -> Int { hist.reduce(0) { $0 + ($1.size < k ? $1.size * $1.classes : 0) } }
        var text = "task=kanon;qi=\(report.keys.joined(separator: ","));n=\(report.recordCount);classes=\(report.classCount);"
        text += "min_k=\(hist.first?.size ?? 0);lt2=\(below(2));lt3=\(below(3));lt5=\(below(5))\n"
        text += hist.map { "\($0.size),\($0.classes)" }.joined(separator: "\n") + "\n"
        return text
    }

    /// `canon_ldiv`: distinct l-diversity of `sensitive`, or nil when the report did not measure it.
    public static func lDiversityText(_ report: RiskReport, sensitive: String) -> String? {
        guard let l = report.lDiversity.first(where: { $0.sensitive == sensitive }) else { return nil }
        let hist = l.distinctHistogram
        func records(below t: Int) -> Int { hist.reduce(0) { $0 + ($1.l < t ? $1.records : 0) } }
        let classesL1 = hist.first { $0.l == 1 }?.classes ?? 0
        var text = "task=ldiv;qi=\(report.keys.joined(separator: ","));sa=\(sensitive);n=\(report.recordCount);"
        text += "classes=\(report.classCount);min_l=\(hist.first?.l ?? 0);classes_l1=\(classesL1);"
        text += "records_l_lt2=\(records(below: 2));records_l_lt3=\(records(below: 3))\n"
        text += hist.map { "\($0.l),\($0.classes)" }.joined(separator: "\n") + "\n"
        return text
    }

    /// `canon_risk`: expected re-identifications, individual and household; nil without a household id.
    /// - Parameter weightsLabel: `adm2` for the benchmark's derived weight, otherwise the weight column.
    public static func riskText(_ report: RiskReport, weightsLabel: String) -> String? {
        guard let h = report.householdRisk else { return nil }
        return "task=risk;qi=\(report.keys.joined(separator: ","));weights=\(weightsLabel);n=\(report.recordCount);"
            + "classes=\(report.classCount);ER=\(String(format: "%.4f", report.individualRisk.expectedReidentifications));"
            + "hier_ER=\(String(format: "%.4f", h.expectedReidentifications))\n"
    }
}
