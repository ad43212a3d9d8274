import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// §9.7 sectoral systems: proxy protection indicators by location, with the organisation that owns the data.
///
/// Per location (adm2) and indicator the latest value is shown; admin 1 figures are the unweighted mean of
/// the locations' latest values.
public enum SectoralIndicators {
    public static func report(_ t: Table) throws(CategoryDataError) -> CategoryReport {
        let dates = try t.days("date"), a1 = try t.texts("adm1_code"), a2 = try t.texts("adm2_code")
        let ind = try t.texts("indicator"), values = try t.numbers("value"), owners = try t.texts("owner_org")
        let ownership = try t.texts("ownership"), sectors = try t.texts("sector")
        var latest: [String: Int] = [:]
        for r in 0..<t.rowCount {
            guard let d = dates[r], values[r] != nil, let area = a2[r], let i = ind[r] else { continue }
            let key = (a1[r] ?? "") + "\u{1}" + area + "\u{1}" + i
            if let prev = latest[key], let pd = dates[prev], pd > d { continue }
            latest[key] = r
        }
        guard !latest.isEmpty else { throw .noRows }
        var locationRows: [[ReportValue]] = []
        var means: [String: (Double, Double)] = [:]
        for key in latest.keys.sorted() {
            guard let r = latest[key], let v = values[r] else { continue }
            locationRows.append([.opt(a1[r]), .opt(a2[r]), .opt(ind[r]), .opt(sectors[r]), .text(CivilDays.iso(dates[r] ?? 0)), .number(v),
                                 .opt(owners[r]), .opt(ownership[r])])
            let mk = (a1[r] ?? "") + "\u{1}" + (ind[r] ?? "")
            means[mk, default: (0, 0)].0 += v
            means[mk, default: (0, 0)].1 += 1
        }
        let adm1Rows = means.keys.sorted().map { k -> [ReportValue] in
            let p = k.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
            let m = means[k] ?? (0, 1)
            return [.text(p.first ?? ""), .text(p.last ?? ""), .int(m.1), .number(m.0 / m.1)]
        }
        return CategoryReport(category: "sectoral-im-systems-other", title: "Proxy protection indicators from sectoral systems", sections: [
            ReportSection(name: "by-location", title: "Latest value by location and indicator, with owner", columns:
                            ["adm1_code", "adm2_code", "indicator", "sector", "date", "value", "owner_org", "ownership"], rows: locationRows),
            ReportSection(name: "by-adm1", title: "Mean of the locations' latest values by admin 1", columns: ["adm1_code", "indicator", "locations", "mean_value"], rows: adm1Rows),
        ], notes: ["Ownership means control of collection and processing (§9.7); respect the owning sector's data-sharing protocols (§10.7)."])
    }
}
