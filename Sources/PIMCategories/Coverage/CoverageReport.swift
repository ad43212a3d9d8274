import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// For one §11 scenario: which must-have and nice-to-have data needs the workspace's systems and recent
/// datasets cover, the gaps, and which category would fill each gap.
///
/// A need is **covered** when, for one of its producing categories, both a registered system and a recent
/// dataset exist; **partial** when only systems or only recent data exist (or they belong to different
/// categories); a **gap** otherwise. A dataset is recent when its latest data is within `recentDays` before `now`
/// (and not more than ``futureGraceDays`` after it: a date decades ahead is a typing error, not recent data):
/// the end of the period recorded at import when there is one, else the latest date in the data's own date
/// columns (``latestData(periodEnd:table:category:asOf:)``). Never the import date: a year-old export imported
/// today is not recent data.
public struct CoverageReport: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable { case covered, partial, gap }

    /// A dataset as coverage needs it: its category and how recent its latest version's data is.
    public struct DatasetSummary: Sendable, Hashable, Codable {
        public var name: String
        public var category: String
        /// The day the latest version's data reaches (``CoverageReport/latestData(periodEnd:table:category:asOf:)``);
        /// nil when no version, or neither a recorded period end nor a date in the data: then never recent.
        public var latestDataAt: Date?
        /// Which of ``CoverageReport/evidenceFields`` hold a value in some record of the latest version; nil when
        /// not read (then a need that asks for evidence is not covered by this dataset).
        public var fieldsWithData: Set<String>?

        public init(name: String, category: String, latestDataAt: Date?, fieldsWithData: Set<String>? = nil) {
            self.name = name
            self.category = category
            self.latestDataAt = latestDataAt
            self.fieldsWithData = fieldsWithData
        }
    }

    /// Needs that a producing category's dataset covers only when its records hold what the need names, by need:
    /// the fields of which one must have a value in some record. A security log without any explosive-hazard
    /// record says nothing about where mines are (QA14).
    public static let evidenceFields: [String: [String]] = [
        "Locations of mines, UXO and ERW": ["hazard_type"],
    ]

    /// Every field of ``evidenceFields``, which the callers read to fill ``DatasetSummary/fieldsWithData``.
    public static var allEvidenceFields: [String] { Array(Set(evidenceFields.values.joined())).sorted() }

    /// The fields of ``allEvidenceFields`` that hold a value in some row of `table` (the columns it has).
    public static func fieldsWithData(in table: Table) -> Set<String> {
        Set(allEvidenceFields.filter { name in table[name].map { $0.nullCount < table.rowCount } ?? false })
    }

    /// The date columns of a category's data that say when things happened (its template's date fields:
    /// `date`, or `opened` and `closed` for cases, `received` and `responded` for feedback).
    public static func dateFields(of category: String) -> [String] {
        guard let id = PIMCategory.ID(rawValue: category) else { return [] }
        return CategoryTemplate.template(for: id).fields.filter { $0.field.type == .date }.map(\.field.name)
    }

    /// How recent a version's data is as of `asOf`: the period end recorded at import (`yyyy-mm-dd`) when it
    /// lies no further than ``futureGraceDays`` after `asOf`, else the latest date up to then in `table`'s
    /// ``dateFields(of:)`` columns (those it has). Coverage on a past day looks at the data of that time: a
    /// dataset updated since is not disqualified by its later dates (QA14), and a mistyped year far ahead hides
    /// none of the data before it. Nil when no date qualifies; a period end beyond the horizon with no data
    /// up to it is returned as it is (and is not recent).
    public static func latestData(periodEnd: String?, table: Table, category: String, asOf: Date) -> Date? {
        let end = periodEnd.flatMap(CivilDays.startOfDay(iso:))
        if let end, end <= horizon(asOf) { return end }
        let limit = Int32(clamping: Int((horizon(asOf).timeIntervalSince1970 / 86_400).rounded(.down)))
        let latest = dateFields(of: category).compactMap { name in
            (try? table.days(name))?.compactMap { $0 }.filter { $0 <= limit }.max()
        }.max()
        return latest.map { Date(timeIntervalSince1970: Double($0) * 86_400) } ?? end
    }

    /// Whether ``latestData(periodEnd:table:category:asOf:)`` needs the version's date columns: no period end
    /// was recorded, or it lies beyond the horizon of `asOf`.
    public static func needsDates(periodEnd: String?, asOf: Date) -> Bool {
        guard let end = periodEnd.flatMap(CivilDays.startOfDay(iso:)) else { return true }
        return end > horizon(asOf)
    }

    /// The columns of a dataset's latest version that coverage reads (those `schema` has): its date columns
    /// when ``needsDates(periodEnd:asOf:)``, and the fields some needs ask for evidence in.
    public static func columnsToRead(category: String, periodEnd: String?, schema: Schema, asOf: Date) -> [String] {
        let dates = needsDates(periodEnd: periodEnd, asOf: asOf) ? dateFields(of: category) : []
        return (dates + allEvidenceFields).filter { schema.field(named: $0) != nil }
    }

    /// A dataset as coverage sees it, from the ``columnsToRead(category:periodEnd:schema:asOf:)`` of its latest
    /// version (`table`) and the period end recorded at its import; a dataset without a version is never recent.
    public static func summary(name: String, category: String, latest: (periodEnd: String?, table: Table)?, asOf: Date)
        -> DatasetSummary
    {
        guard let latest else { return DatasetSummary(name: name, category: category, latestDataAt: nil) }
        return DatasetSummary(
            name: name, category: category,
            latestDataAt: latestData(periodEnd: latest.periodEnd, table: latest.table, category: category, asOf: asOf),
            fieldsWithData: fieldsWithData(in: latest.table))
    }

    /// The last day data may lie on and still count for `asOf` (``futureGraceDays`` after it).
    static func horizon(_ asOf: Date) -> Date { asOf.addingTimeInterval(Double(futureGraceDays) * 86_400) }

    public struct Line: Sendable, Hashable, Codable {
        public var priority: DataPriority
        public var need: String
        public var producers: [PIMCategory.ID]
        public var systems: [String]
        public var datasets: [String]
        public var status: Status
        /// The category that would fill the gap (the main producer), when not covered.
        public var fillWith: PIMCategory.ID?
    }

    public var scenario: Scenario.ID
    public var scenarioName: String
    public var recentDays: Int
    /// The day coverage is judged on (`yyyy-mm-dd`): recent means latest data on or after `recentDays` before it.
    public var asOf: String
    public var lines: [Line]

    public init(scenario: Scenario, systems: [InformationSystem], datasets: [DatasetSummary], now: Date, recentDays: Int = 90) {
        self.scenario = scenario.id
        scenarioName = scenario.name
        self.recentDays = recentDays
        asOf = String(ISO8601DateFormatter().string(from: now).prefix(10))
        let cutoff = now.addingTimeInterval(-Double(recentDays) * 86_400)
        // Data dated well after the coverage day is an entry error (a mistyped year), not recent data; a period
        // end up to a month ahead (a report for the current month) still counts.
        let horizon = Self.horizon(now)
        func isRecent(_ d: DatasetSummary) -> Bool { d.latestDataAt.map { $0 >= cutoff && $0 <= horizon } ?? false }
        var lines: [Line] = []
        for (priority, needs) in [(DataPriority.mustHave, scenario.mustHave), (.niceToHave, scenario.niceToHave)] {
            for need in needs {
                let cats = Set(need.producers.map(\.rawValue))
                let sys = systems.filter { cats.contains($0.category.rawValue) }.map { "\($0.name) (\($0.owner))" }
                let evidence = Self.evidenceFields[need.text]
                let recent = datasets.filter { d in
                    cats.contains(d.category) && isRecent(d)
                        && evidence.map { !(d.fieldsWithData ?? []).isDisjoint(with: $0) } ?? true
                }
                let data = recent.map(\.name)
                let bothInOne = need.producers.contains { c in
                    systems.contains { $0.category == c } && recent.contains { $0.category == c.rawValue }
                }
                let status: Status = bothInOne ? .covered : (sys.isEmpty && data.isEmpty ? .gap : .partial)
                // The category that would fill it: a registered system's (it lacks recent data), else a recent dataset's
                // (it lacks a registered system), else the main producer (QA11 C19: always the main producer, even
                // when what was missing was recent data from another producer's registered system).
                let fill = need.producers.first { c in systems.contains { $0.category == c } }
                    ?? need.producers.first { c in recent.contains { $0.category == c.rawValue } }
                    ?? need.producers.first
                lines.append(Line(priority: priority, need: need.text, producers: need.producers, systems: sys.sorted(), datasets: data.sorted(),
                                  status: status, fillWith: status == .covered ? nil : fill))
            }
        }
        self.lines = lines
    }

    public var gaps: [Line] { lines.filter { $0.status != .covered } }

    /// How far after the coverage day a dataset's latest data may lie and still count as recent (a reporting
    /// period that ends later this month); anything later is taken for a mistyped date.
    public static let futureGraceDays = 31

    /// What an empty systems or datasets cell says. A word, not "-": CSV writers neutralise cells starting
    /// with "-" as possible formulas, which turned the placeholder into `'-`.
    public static let none = "none"

    /// The report as titled tables.
    public func categoryReport() -> CategoryReport {
        let rows = lines.map { l -> [ReportValue] in
            [.text(l.priority.rawValue), .text(l.need), .text(l.producers.map(\.rawValue).joined(separator: ", ")),
             .text(l.systems.isEmpty ? Self.none : l.systems.joined(separator: "; ")), .text(l.datasets.isEmpty ? Self.none : l.datasets.joined(separator: "; ")),
             .text(l.status.rawValue)]
        }
        let gapRows = gaps.map { l -> [ReportValue] in
            let name = l.fillWith.map { PIMFramework.standard.category($0).name } ?? ""
            let what = l.systems.isEmpty && l.datasets.isEmpty ? "no system, no recent data" : (l.systems.isEmpty ? "data but no registered system" : "system but no recent data")
            return [.text(l.priority.rawValue), .text(l.need), .text(what), .text(name)]
        }
        let covered = lines.filter { $0.status == .covered }.count
        return CategoryReport(category: "coverage", title: "Coverage of the \(scenarioName) scenario (§11)", sections: [
            ReportSection(name: "needs", title: "Must-have and nice-to-have data", columns: ["priority", "need", "producers", "systems", "recent_datasets", "status"], rows: rows),
            ReportSection(name: "gaps", title: "Gaps and the category that would fill each", columns: ["priority", "need", "missing", "fill_with"], rows: gapRows),
        ], notes: [
            "\(covered) of \(lines.count) needs covered. Covered = a registered system and a recent dataset (latest data within \(recentDays) days of \(asOf)) of the same producing category.",
            "A dataset's latest data is the period end recorded at import, else the latest date in its data (the category's date columns), never the import date; a dataset with neither is not recent.",
            "Data dated more than \(Self.futureGraceDays) days after \(asOf) is not recent: a date in the future is taken for an entry error.",
        ] + Self.evidenceFields.keys.sorted().compactMap { need in
            guard lines.contains(where: { $0.need == need }), let fields = Self.evidenceFields[need] else { return nil }
            return "\(need): a dataset counts only when some record has \(fields.joined(separator: " or "))."
        })
    }
}
