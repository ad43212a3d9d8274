import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// §9.1 population figures by location, sex and age at a date, with totals that add up and flags where
/// sources disagree or a reported total differs from its parts.
///
/// Rules: for each location (adm2) and population group, the latest date on or before `asOf` is used.
/// When several sources report that date, the figure with the largest total is used (the planning figure)
/// and the location is flagged `sources-disagree` when the totals differ by more than
/// ``disagreementThreshold`` of the largest, or when another source's latest figure of the
/// ``disagreementWindowDays`` before that date differs by as much (sources seldom publish on the same day); `source-repeated` when one source reports it twice or more that day
/// (each report is weighed like another source's, whatever the row order). Totals are always computed from the six sex × age parts, so
/// every total adds up; a reported `population_total` that differs from the parts is flagged `total-mismatch`.
public enum PopulationFigures {
    public static let disagreementThreshold = 0.10
    /// How far back another source's latest figure is compared with the one used (QA11 C4: two sources a day
    /// apart, 1,000 against 2,000, were not flagged and the other source vanished).
    public static let disagreementWindowDays: Int32 = 31

    struct Figure {
        var adm1: String
        var adm2: String
        var group: String
        var date: Int32
        var source: String
        /// The six sex × age counts, each at most ``TemplateField/maximumCount`` (so their sum cannot overflow).
        var parts: [Int64]
        var reportedTotal: Int64?
        var total: Int64 { parts.reduce(0, +) }
    }

    /// The chosen figure of each location and group, with flags.
    struct Selection {
        var figure: Figure
        var flags: [String]
        var alternatives: [Figure]
    }

    static func read(_ t: Table) throws(CategoryDataError) -> [Figure] {
        let dates = try t.days("date"), a1 = try t.texts("adm1_code"), a2 = try t.texts("adm2_code")
        let groups = try t.texts("population_group"), sources = try t.texts("source_org")
        var parts: [[Int64?]] = []
        for sa in SexAge.all { parts.append(try t.counts("population_\(sa.suffix)")) }
        let totals = t["population_total"] == nil ? [Int64?](repeating: nil, count: t.rowCount) : try t.counts("population_total")
        var out: [Figure] = []
        for r in 0..<t.rowCount {
            guard let d = dates[r], let adm2 = a2[r] else { continue }
            out.append(Figure(adm1: a1[r] ?? "", adm2: adm2, group: groups[r] ?? "", date: d, source: sources[r] ?? "",
                              parts: parts.map { $0[r] ?? 0 }, reportedTotal: totals[r]))
        }
        return out
    }

    /// The figures in force on `asOf` (default: the latest date of `figures`) and that day.
    /// - Throws: ``CategoryDataError/noRows`` without figures; ``CategoryDataError/nothingByReferenceDate(_:)``
    ///   before the first figure: there is no population to give then, and zero would be a wrong figure, not a
    ///   missing one (QA14).
    static func inForce(_ figures: [Figure], asOf: Int32?) throws(CategoryDataError) -> (selected: [Selection], date: Int32) {
        guard let maxDate = figures.map(\.date).max() else { throw .noRows }
        let date = asOf ?? maxDate
        let selected = select(figures, asOf: date)
        guard !selected.isEmpty else { throw .nothingByReferenceDate(CivilDays.iso(date)) }
        return (selected, date)
    }

    static func select(_ figures: [Figure], asOf: Int32) -> [Selection] {
        var byKey: [String: [Figure]] = [:]
        for f in figures where f.date <= asOf { byKey[f.adm2 + "\u{1}" + f.group, default: []].append(f) }
        var out: [Selection] = []
        for (_, list) in byKey {
            guard let latest = list.map(\.date).max() else { continue }
            // Every report of that date counts, a source's second report too (it used to replace the first,
            // so which figure was used depended on the row order, and nothing said so).
            let sameDay = list.filter { $0.date == latest }
            let candidates = sameDay.sorted { $0.total != $1.total ? $0.total > $1.total : $0.source < $1.source }
            guard let chosen = candidates.first else { continue }
            var flags: [String] = []
            // Each other source's latest figure of the window before the date used (those of that date are candidates).
            var earlier: [Figure] = []
            for source in Set(list.map(\.source)) where !sameDay.contains(where: { $0.source == source }) {
                if let f = list.filter({ $0.source == source && $0.date >= latest - disagreementWindowDays }).max(by: { $0.date < $1.date }) {
                    earlier.append(f)
                }
            }
            earlier.sort { $0.date != $1.date ? $0.date > $1.date : $0.source < $1.source }
            func differs(_ a: Int64, _ b: Int64) -> Bool {
                let high = max(a, b)
                return high > 0 && Double(abs(a - b)) / Double(high) > disagreementThreshold
            }
            if (candidates.dropFirst() + earlier).contains(where: { differs(chosen.total, $0.total) }) {
                flags.append("sources-disagree")
            }
            if Set(sameDay.map(\.source)).count < sameDay.count { flags.append("source-repeated") }
            if let rt = chosen.reportedTotal, rt != chosen.total { flags.append("total-mismatch") }
            out.append(Selection(figure: chosen, flags: flags, alternatives: Array(candidates.dropFirst()) + earlier))
        }
        return out.sorted { ($0.figure.adm1, $0.figure.adm2, $0.figure.group) < ($1.figure.adm1, $1.figure.adm2, $1.figure.group) }
    }

    /// The persons the figures in force stand for, one row per location, population group, sex and age group:
    /// what an aggregated share of population data counts (by any of those columns; see
    /// `Aggregation.aggregate(_:by:sum:rule:recordKeys:frequency:)` with `frequency: "persons"`). Figures are
    /// stocks at dates, so adding a location's figures of several dates, or of several sources, would count
    /// its people more than once: per location and group, the figure of the latest date on or before `asOf`
    /// (default: the latest date in the table) is used, the largest source's where several report that date,
    /// as in ``report(_:asOf:)``.
    ///
    /// Columns: `adm1_code`, `adm2_code`, `population_group`, `date` (the figure's), `source_org`, `sex`,
    /// `age_group` and `persons` (integer).
    public static func personsInForce(_ t: Table, asOf: Int32? = nil) throws(CategoryDataError) -> (table: Table, asOf: Int32) {
        let figures = try read(t)
        let (selected, date) = try inForce(figures, asOf: asOf)
        var adm1: [String?] = [], adm2: [String?] = [], group: [String?] = [], source: [String?] = []
        var sex: [String?] = [], age: [String?] = []
        var days: [Int32] = [], persons: [Int64] = []
        for s in selected {
            let f = s.figure
            for (i, sa) in SexAge.all.enumerated() {
                adm1.append(f.adm1.isEmpty ? nil : f.adm1)
                adm2.append(f.adm2)
                group.append(f.group.isEmpty ? nil : f.group)
                source.append(f.source.isEmpty ? nil : f.source)
                sex.append(sa.sex)
                age.append(sa.age)
                days.append(f.date)
                persons.append(f.parts[i])
            }
        }
        func text(_ name: String, _ values: [String?]) -> Column {
            Column(name: name, tag: t[name]?.tag, data: .textFromLabels(count: values.count) { values[$0] })
        }
        let n = persons.count
        let table = Table(unchecked: [
            text("adm1_code", adm1), text("adm2_code", adm2), text("population_group", group),
            Column(name: "date", tag: t["date"]?.tag, data: .date(days: days, nulls: NullMask())),
            text("source_org", source),
            Column(name: "sex", tag: HXLTagSpec(tag: "sex"), data: .textFromLabels(count: n) { sex[$0] }),
            Column(name: "age_group", tag: HXLTagSpec(tag: "age", attributes: ["group"]), data: .textFromLabels(count: n) { age[$0] }),
            Column(name: "persons", tag: HXLTagSpec(tag: "population", attributes: ["num"]), data: .integer(values: persons, nulls: NullMask())),
        ], rowCount: n)
        return (table, date)
    }

    /// The report. `asOf` defaults to the latest date in the table.
    public static func report(_ t: Table, asOf: Int32? = nil) throws(CategoryDataError) -> CategoryReport {
        let figures = try read(t)
        let (selected, date) = try inForce(figures, asOf: asOf)
        let labels = SexAge.all.map(\.suffix)

        var locationRows: [[ReportValue]] = []
        var adm1: [String: [Int64]] = [:]
        var grand = [Int64](repeating: 0, count: 6)
        var disagreements: [[ReportValue]] = []
        for s in selected {
            let f = s.figure
            let female = f.parts[0..<3].reduce(0, +), male = f.parts[3..<6].reduce(0, +)
            locationRows.append([.text(f.adm1), .text(f.adm2), .text(f.group), .text(CivilDays.iso(f.date)), .text(f.source)]
                                + f.parts.map(ReportValue.int) + [.int(female), .int(male), .int(f.total),
                                                                  f.reportedTotal.map(ReportValue.int) ?? .missing,
                                                                  .text(s.flags.joined(separator: ","))])
            var acc = adm1[f.adm1] ?? [Int64](repeating: 0, count: 6)
            for i in 0..<6 {
                let column = "population_\(labels[i])"
                acc[i] = try acc[i].adding(f.parts[i], in: column)
                grand[i] = try grand[i].adding(f.parts[i], in: column)
            }
            adm1[f.adm1] = acc
            if s.flags.contains("sources-disagree") {
                for alt in [f] + s.alternatives {
                    disagreements.append([.text(f.adm2), .text(f.group), .text(CivilDays.iso(alt.date)), .text(alt.source), .int(alt.total),
                                          .text(alt.source == f.source ? "used" : "not used")])
                }
            }
        }
        func sexAgeRow(_ p: [Int64]) throws(CategoryDataError) -> [ReportValue] {
            let column = "population"
            let f = try Array(p[0..<3]).total(in: column), m = try Array(p[3..<6]).total(in: column)
            return [.int(f), .int(m), .int(try p[0].adding(p[3], in: column)), .int(try p[1].adding(p[4], in: column)),
                    .int(try p[2].adding(p[5], in: column)), .int(try f.adding(m, in: column))]
        }
        let zero = [Int64](repeating: 0, count: 6)
        var adm1Rows: [[ReportValue]] = []
        for k in adm1.keys.sorted() { adm1Rows.append([ReportValue.text(k)] + (try sexAgeRow(adm1[k] ?? zero))) }
        adm1Rows.append([ReportValue.text("Total")] + (try sexAgeRow(grand)))
        var sexAgeRows: [[ReportValue]] = SexAge.all.enumerated().map { i, sa in [.text(sa.sex), .text(sa.age), .int(grand[i])] }
        sexAgeRows.append([.text("Total"), .text("Total"), .int(try grand.total(in: "population"))])

        var sections = [
            ReportSection(name: "by-adm1", title: "Population by admin 1, sex and age group", columns:
                            ["adm1_code", "female", "male", "children", "adults", "elderly", "total"], rows: adm1Rows,
                          notes: ["Totals are sums of the sex x age parts, so rows and columns add up."]),
            ReportSection(name: "by-sex-age", title: "Population by sex and age group", columns: ["sex", "age_group", "persons"], rows: sexAgeRows),
            ReportSection(name: "by-location", title: "Figures used per location and population group", columns:
                            ["adm1_code", "adm2_code", "population_group", "date", "source_org"] + labels
                            + ["female", "male", "total", "reported_total", "flags"], rows: locationRows),
        ]
        if !disagreements.isEmpty {
            sections.append(ReportSection(name: "disagreements", title: "Where sources disagree (by more than 10%)",
                                          columns: ["adm2_code", "population_group", "date", "source_org", "total", "use"], rows: disagreements))
        }
        return CategoryReport(category: "population-data", title: "Population figures as of \(CivilDays.iso(date))", sections: sections, notes: [
            "Per location and group, the latest figure on or before \(CivilDays.iso(date)) is used; where several sources report that date, the largest total is used.",
            "Flags: sources-disagree when source totals differ by more than 10% of the largest; source-repeated when one source reports the same location, group and date more than once (every report is weighed as a source of its own); total-mismatch when the reported total differs from the sum of its parts.",
        ], referenceDate: CivilDays.iso(date))
    }
}
