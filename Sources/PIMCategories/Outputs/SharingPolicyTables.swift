import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// The shareable tables of each category: which dimensions §10 allows, and small-cell suppression through
/// ``Aggregation``.
///
/// Records are counted per cell; pre-aggregated figures (population, persons reached) count as the persons
/// they stand for, so that the threshold applies to persons, not to rows.
public enum SharingPolicyTables {
    /// The smallest cell a shareable category output may publish (§10, note 7: shared "without identifying
    /// any person"). A larger minimum may be asked for; a smaller one is refused.
    public static let minimumCell = 5

    /// The dimensions each category's shareable table is aggregated by (§10).
    public static func dimensions(for category: PIMCategory.ID) -> [String] {
        switch category {
        case .populationData: ["adm1_code", "sex", "age_group"]
        case .protectionMonitoring: ["adm1_code", "protection_risk", "month"]
        case .caseManagement: ["adm1_code", "sex", "age_group", "status"]
        case .protectionNeedsAssessment: ["adm1_code", "question", "answer"]
        case .protectionResponseMonitoringEvaluation: ["indicator", "org", "adm1_code", "sex", "age_group"]
        case .securitySituationalAwareness: ["adm1_code", "month", "incident_type"]
        case .sectoralIMSystemsOther: ["ownership", "indicator", "adm1_code"]
        case .communicatingWithAffectedCommunities: ["adm1_code", "topic"]
        }
    }

    static func report(for category: PIMCategory.ID, table t: Table, options: CategoryOutputs.Options) throws(CategoryDataError) -> CategoryReport {
        guard t.rowCount > 0 else { throw .noRows }
        if category == .protectionMonitoring && MonitoringResponses.isResponses(t) { return try responsesReport(t, options: options) }
        var dims = dimensions(for: category)
        // §10.8: feedback "by priority (at minimum: emergency or urgent needs) and location": in the same table,
        // so that the totals by location and topic are protected with the cells by priority (QA15).
        if category == .communicatingWithAffectedCommunities && t["priority"] != nil { dims.append("priority") }
        var sum: [String] = []
        let records: Table
        var extra: [ReportSection] = []
        var referenceDay: Int32?
        switch category {
        case .populationData:
            let (selected, day) = try PopulationFigures.inForce(try PopulationFigures.read(t), asOf: options.asOf)
            referenceDay = day
            let chosen = selected.map(\.figure)
            records = figureTable(chosen.map { f in SexAge.all.enumerated().map { i, sa in ([f.adm1, sa.sex, sa.age], f.parts[i]) } }.flatMap { $0 }, names: dims)
        case .protectionResponseMonitoringEvaluation:
            return try responseReport(t, options: options)
        case .protectionNeedsAssessment:
            // One protected table per question: margins across different questions would mean nothing and
            // would force needless complementary suppression.
            let a1 = try t.texts("adm1_code"), w = try NeedsShares.weights(t)
            var combined = try perQuestion(
                NeedsShares.questions.filter { t[$0] != nil }, by: ["adm1_code", "answer"], sum: ["weight"], category: category,
                minCell: options.minCell
            ) { question throws(CategoryDataError) in
                let answers = try t.texts(question)
                let rows = (0..<t.rowCount).filter { answers[$0] != nil }
                return (try? Table(columns: [
                    Column(name: "adm1_code", data: .textColumn(rows.map { a1[$0] })), Column(name: "answer", data: .textColumn(rows.map { answers[$0] })),
                    Column(name: "weight", data: .decimalColumn(rows.map { w[$0] })),
                ])) ?? .empty
            }
            combined.title = "Shareable table by adm1_code and answer, one protected table per question"
            return wrap([withWeightedPercent(combined)], category: category, dims: dims, minCell: options.minCell)
        case .protectionMonitoring, .securitySituationalAwareness:
            var m = t
            let days = try t.days("date")
            _ = try? m.setColumn(Column(name: "month", data: .textColumn(days.map { $0.map { TrendPeriod.month.label(TrendPeriod.month.start(of: $0)) } })))
            records = m
            if category == .protectionMonitoring, t["affected"] != nil {
                // Bounded counts keep the published sums (Double in Aggregation) exact.
                _ = try t.counts("affected")
                sum = ["affected"]
            }
            if category == .securitySituationalAwareness {
                if let access = try SecurityAccess.report(t, minimumIncidents: options.minCell).section("access-severity") { extra.append(access) }
            }
        case .sectoralIMSystemsOther:
            // Each location's latest value per indicator, as the internal output uses (QA11 C5: survey rounds
            // were averaged together).
            records = t.selectingRows(try SectoralIndicators.usedRows(t))
            sum = ["value"]
        case .caseManagement:
            // The statuses are as of a day, which the table states (QA11 C13).
            (records, referenceDay) = try Caseload.recordsAsOf(t, day: options.asOf)
        case .communicatingWithAffectedCommunities:
            var m = t
            if t["priority"] != nil {
                // Feedback without a priority is counted as "unknown", as the internal output names it (QA16).
                _ = try? m.setColumn(Column(name: "priority", data: .textColumn(try t.texts("priority").map { $0 ?? "unknown" })))
            }
            records = m
            extra = try feedbackTrend(t, minCell: options.minCell).map { [$0] } ?? []
        }
        var section = try aggregateSection(records, by: dims, sum: sum, category: category, minCell: options.minCell)
        if category == .communicatingWithAffectedCommunities, let trend = extra.firstIndex(where: { $0.name == "by-month" }),
            !listGrandTotal(section, extra[trend])
        {
            // One of them hides the grand total, which the other's lines would give away.
            extra.remove(at: trend)
            section.notes.append("The trend by month is left out: with this table it would give away a total hidden to protect small cells.")
        }
        if category == .sectoralIMSystemsOther, let i = dims.firstIndex(of: "indicator") {
            // A mean across different indicators (children out of school and unlit sites) means nothing: only
            // each indicator's own margins are published.
            section.rows.removeAll { $0[i].description == "Total" }
            section.notes.append("Each location's latest value per indicator; means are taken over locations of one indicator, never across indicators.")
        }
        var report = wrap([section] + extra, category: category, dims: dims, minCell: options.minCell)
        if let referenceDay {
            let iso = CivilDays.iso(referenceDay)
            report.title += " as of \(iso)"
            report.referenceDate = iso
            report.notes.insert(category == .caseManagement
                ? "Reference date \(iso): the cases opened on or before it, with their status on that day."
                : "Reference date \(iso): per location and population group, the latest figure on or before it is used.", at: 0)
        }
        return report
    }

    /// §10.8: feedback is shared "highlighting trends and needs by priority (at minimum: emergency or urgent
    /// needs) and location". The priority is a dimension of the main table (see ``report(for:table:options:)``);
    /// this adds the trend: the feedback per month received.
    ///
    /// Tables protected one by one must not publish the same total: a total one hides to protect a small cell,
    /// the other would give away (QA15: a trend by month and topic listed the topic totals the main table hid,
    /// and a separate table of urgent feedback could equal a main cell the main table hid). So the trend has
    /// no topic or location, and shares only the grand total; when either hides it, the trend is left out
    /// (``listGrandTotal(_:_:)``).
    static func feedbackTrend(_ t: Table, minCell: Int) throws(CategoryDataError) -> ReportSection? {
        guard t["received"] != nil else { return nil }
        let days = try t.days("received")
        let dated = (0..<t.rowCount).filter { days[$0] != nil }
        guard !dated.isEmpty else { return nil }
        var m = t
        _ = try? m.setColumn(Column(name: "month", data: .textColumn(days.map { $0.map { TrendPeriod.month.label(TrendPeriod.month.start(of: $0)) } })))
        var section = try aggregateSection(
            m.selectingRows(dated), by: ["month"], sum: [], category: .communicatingWithAffectedCommunities, minCell: minCell)
        section.name = "by-month"
        section.title = "Feedback by month received"
        section.notes.append("The trend of feedback (§10.8: trends), without location or topic: with the topic, its topic totals would be those of the main table, protected twice and differently.")
        return section
    }

    /// Whether both tables list their grand total. Tables of the same records, protected one by one, share it:
    /// when one hides it (a complementary suppression), the other's lines add up to it, and the cells it protects
    /// could be worked out.
    static func listGrandTotal(_ a: ReportSection, _ b: ReportSection) -> Bool {
        let unit = unit(.communicatingWithAffectedCommunities).replacingOccurrences(of: " ", with: "_")
        return [a, b].allSatisfy { s in
            let dims = s.columns.firstIndex(of: unit) ?? 0
            return s.rows.contains { row in row.prefix(dims).allSatisfy { $0.description == "Total" } }
        }
    }

    /// Household and key-informant interviews (``MonitoringResponses``): one protected table per question, by
    /// admin 1, respondent type and answer (margins across questions would mean nothing).
    static func responsesReport(_ t: Table, options: CategoryOutputs.Options) throws(CategoryDataError) -> CategoryReport {
        let dims = ["adm1_code", "respondent_type", "answer"]
        var combined = try perQuestion(
            MonitoringResponses.questions.filter { t[$0] != nil }, by: dims, sum: [], category: .protectionMonitoring,
            minCell: options.minCell, unit: "interviews"
        ) { question throws(CategoryDataError) in try MonitoringResponses.records(t, question: question) }
        combined.title = "Shareable table of interviews by adm1_code, respondent type and answer, one protected table per question"
        return wrap([combined], category: .protectionMonitoring, dims: dims, minCell: options.minCell, unit: "interviews")
    }

    /// One protected table per question (`records` gives a question's records, one per answer given), listed one
    /// after the other with the question in the second column: margins across questions would mean nothing and
    /// would force needless complementary suppression.
    /// - Throws: ``CategoryDataError/noRows`` when no question has an answer.
    static func perQuestion(
        _ questions: [String], by dims: [String], sum: [String], category: PIMCategory.ID, minCell: Int, unit: String? = nil,
        records: (String) throws(CategoryDataError) -> Table
    ) throws(CategoryDataError) -> ReportSection {
        var combined: ReportSection?
        for question in questions {
            let table = try records(question)
            guard table.rowCount > 0 else { continue }
            var section = try aggregateSection(table, by: dims, sum: sum, category: category, minCell: minCell, unit: unit)
            section.columns.insert("question", at: 1)
            section.rows = section.rows.map { var r = $0; r.insert(.text(question), at: 1); return r }
            if combined == nil { combined = section } else { combined?.rows += section.rows }
        }
        guard let combined else { throw .noRows }
        return combined
    }

    /// - Parameter unit: what a count counts, when not the category's ``unit(_:)``.
    static func wrap(_ sections: [ReportSection], category: PIMCategory.ID, dims: [String], minCell: Int, unit: String? = nil) -> CategoryReport {
        let rules = PIMFramework.standard.category(category).shares
        return CategoryReport(category: category.rawValue, title: "\(PIMFramework.standard.category(category).name) output", shareable: true,
                              sections: sections, notes: [
            "Policy §10 (\(rules.map { "\($0.id) \($0.level.rawValue)" }.joined(separator: "; "))): aggregated by \(dims.joined(separator: ", ")); direct identifiers are never used.",
            "Cells with fewer than \(minCell) \(unit ?? Self.unit(category)) are suppressed, and complementary cells too so that no margin reveals them; suppressed cells are not listed, so a combination that is not listed has none, or too few to show.",
            "Shared in line with confidentiality, informed consent, safety and non-discrimination, without identifying any person (§10, note 7).",
        ])
    }

    /// Aggregates `records` by `dims` with small-cell suppression and renders the protected table.
    static func aggregateSection(
        _ records: Table, by dims: [String], sum: [String], category: PIMCategory.ID, minCell: Int, unit: String? = nil
    ) throws(CategoryDataError) -> ReportSection {
        // Sum columns must be numeric whatever type the import inferred.
        var numeric = records
        for name in sum where numeric[name] != nil {
            _ = try? numeric.setColumn(Column(name: name, data: .decimalColumn(try records.numbers(name))))
        }
        let aggregate: AggregateTable
        do {
            aggregate = try Aggregation.aggregate(
                numeric, by: dims, sum: sum, rule: .suppress(minCell: minCell),
                frequency: numeric[frequencyColumn] == nil ? nil : frequencyColumn)
        } catch {
            throw .disclosure(error.description)
        }
        return section(aggregate, category: category, unit: unit)
    }

    static func unit(_ c: PIMCategory.ID) -> String {
        switch c {
        case .populationData, .protectionResponseMonitoringEvaluation: "persons"
        case .protectionNeedsAssessment: "households"
        case .sectoralIMSystemsOther: "location measurements"
        case .caseManagement: "cases"
        case .protectionMonitoring, .securitySituationalAwareness: "incidents"
        case .communicatingWithAffectedCommunities: "feedback entries"
        }
    }

    /// Adds `weighted_percent` after `weighted_households`: the published weight of an answer over the published
    /// weight of all answers to the question in the same area; blank when either is suppressed.
    static func withWeightedPercent(_ section: ReportSection) -> ReportSection {
        var out = section
        var totals: [String: Double] = [:]
        for row in section.rows where row[2].description == "Total" {
            if case .number(let w) = row[4] { totals[row[0].description + "\u{1}" + row[1].description] = w }
        }
        out.columns.insert("weighted_percent", at: 5)
        out.rows = section.rows.map { row in
            var r = row
            let total = totals[row[0].description + "\u{1}" + row[1].description]
            if case .number(let w) = row[4], let total { r.insert(.pct(w, of: total), at: 5) } else { r.insert(.missing, at: 5) }
            return r
        }
        return out
    }

    /// The column of ``figureTable(_:names:)`` saying how many persons a row stands for (no stored field has a control
    /// character in its name).
    static let frequencyColumn = "\u{1}persons"

    /// One row per figure, `(labels, count)`, with its count in ``frequencyColumn``: the table is aggregated with
    /// each row counting as that many persons, so that the threshold applies to persons, not to rows. (Figures
    /// used to be expanded to a record per person, which refused populations above 20 million: QA11 C9.)
    static func figureTable(_ cells: [([String], Int64)], names: [String]) -> Table {
        var dictionaries = names.map { _ in [String]() }
        var indexes = names.map { _ in [String: Int32]() }
        var codes = names.map { _ in [Int32]() }
        var counts: [Int64] = []
        for (labels, count) in cells where count > 0 {
            for d in names.indices {
                let label = labels[d]
                let c: Int32
                if let existing = indexes[d][label] { c = existing } else {
                    c = Int32(dictionaries[d].count)
                    dictionaries[d].append(label)
                    indexes[d][label] = c
                }
                codes[d].append(c)
            }
            counts.append(count)
        }
        let columns = names.indices.map { Column(name: names[$0], data: .text(codes: codes[$0], dictionary: dictionaries[$0])) }
            + [Column(name: frequencyColumn, data: .integer(values: counts, nulls: NullMask()))]
        return (try? Table(columns: columns)) ?? .empty
    }

    static func section(_ a: AggregateTable, category: PIMCategory.ID, unit: String? = nil) -> ReportSection {
        let dims = a.dimensions.map(\.name)
        var rows: [[ReportValue]] = []
        // Suppressed cells are left out like empty ones: listing one would say its combination holds records.
        for cell in a.cells + a.marginals where cell.status == .published {
            var row: [ReportValue] = zip(a.dimensions, cell.coordinates).map { dim, c -> ReportValue in
                guard let c else { return .text("Total") }
                return .opt(dim.categories[c])
            }
            row.append(cell.publishedCount.map(ReportValue.integer) ?? .missing)
            // A sum of percentages means nothing to a reader: sectoral tables show the mean only.
            for (m, _) in a.sumColumns.enumerated() where category != .sectoralIMSystemsOther {
                row.append(cell.publishedSums.map { ReportValue.number($0[m]) } ?? .missing)
            }
            if category == .sectoralIMSystemsOther {
                if let n = cell.publishedCount, let s = cell.publishedSums, n > 0 { row.append(.number(s[0] / Double(n))) } else { row.append(.missing) }
            }
            // One marker: telling small cells from their protectors would narrow the small ones' bounds.
            row.append(cell.status == .published ? .missing : .text("suppressed"))
            rows.append(row)
        }
        var columns = dims + [(unit ?? Self.unit(category)).replacingOccurrences(of: " ", with: "_")] + (category == .sectoralIMSystemsOther ? [] : a.sumColumns.map { $0 == "weight" ? "weighted_households" : $0 })
        if category == .sectoralIMSystemsOther { columns.append("mean_value") }
        columns.append("flag")
        return ReportSection(name: "shareable", title: "Shareable table by " + dims.joined(separator: ", "), columns: columns, rows: rows,
                             notes: ["Suppressed cells are not listed, like empty ones; 'Total' rows are margins over that dimension."])
    }
}
