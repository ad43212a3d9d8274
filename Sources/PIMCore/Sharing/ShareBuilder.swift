import Foundation
import PIMDisclosure
import PIMTable

/// Headline risk figures before or after disclosure control.
public struct RiskFigures: Sendable, Hashable, Codable {
    public var records: Int
    public var globalRisk: Double
    public var expectedReidentifications: Double
    public var maximumRisk: Double
    /// Records in equivalence classes smaller than the agreement's k.
    public var recordsBelowK: Int
    /// The fewest records any record's key values match, a missing (suppressed) value matching any category
    /// as for ``recordsBelowK``: the k the data meets. (Classes of identical keys can be smaller: a record
    /// whose location was suppressed is a class of one, yet matches every record of its sex.)
    public var smallestClass: Int
    /// The smallest class of identical released key values (a suppressed value being a value of its own, as
    /// a recipient's own grouping of the file counts; QA11 S17): at most ``smallestClass``. Nil in records
    /// made before it was kept.
    public var smallestClassOfIdenticalKeys: Int?
    /// When households stay linked (a pseudonymised household id): the mean household risk over records, which
    /// the agreement's maximum risk bounds as well, and the largest (nil otherwise).
    public var householdGlobalRisk: Double?
    public var householdMaximumRisk: Double?

    /// The risk the agreement's maximum bounds: the global risk, or the household risk when it is larger.
    public var boundedRisk: Double { max(globalRisk, householdGlobalRisk ?? 0) }

    init(_ r: RiskReport, k: Int) {
        records = r.recordCount
        globalRisk = r.individualRisk.globalRisk
        expectedReidentifications = r.individualRisk.expectedReidentifications
        maximumRisk = r.individualRisk.maximumRisk
        recordsBelowK = r.kAnonymity.first { $0.k == k }?.violatingRecords ?? 0
        smallestClass = r.minimumFk
        smallestClassOfIdenticalKeys = r.smallestClassSize
        householdGlobalRisk = r.householdRisk?.globalRisk
        householdMaximumRisk = r.householdRisk?.maximumRisk
    }
}

/// What disclosure control did to a share (for metadata.json and the audit).
public struct DisclosureApplied: Sendable, Hashable, Codable {
    public var level: DetailLevel
    public var method: String
    public var keys: [String]
    public var droppedColumns: [String]
    public var pseudonymisedColumns: [String]
    /// k actually enforced (may be above the agreement's k when needed to meet the maximum risk).
    public var kApplied: Int?
    public var suppressedValues: Int?
    public var minimumCellSize: Int?
    public var cellsPublished: Int?
    public var cellsSuppressedPrimary: Int?
    public var cellsSuppressedSecondary: Int?
    public var riskBefore: RiskFigures?
    public var riskAfter: RiskFigures?
    /// A pseudonymised or anonymised share of a dataset with a record id field: key values left blank because an
    /// earlier release of the dataset had them blank (counted in ``suppressedValues``).
    public var suppressedAsBefore: Int?
}

/// The consent filter's outcome in the metadata (counts only).
public struct ConsentApplied: Sendable, Hashable, Codable {
    public var purpose: ConsentPurpose
    /// The record id field decisions were matched by; empty when the records had none (answers as collected only).
    public var recordField: String
    public var considered: Int
    public var kept: Int
    public var leftOut: [String: Int]
    public var summary: String
}

/// The protected table ready to package, and what was done to it.
public struct ShareOutput: Sendable {
    public var table: Table
    public var recordsStored: Int
    public var consent: ConsentApplied?
    public var disclosure: DisclosureApplied
    /// The first and last day (days since 1970-01-01) among the shared records' date columns, before any
    /// coarsening; nil when the schema has no date column or every date is empty.
    public var daysInData: ClosedRange<Int32>? = nil
    /// A pseudonymised or anonymised share: for each key column, the pseudonyms of the records (of their ids)
    /// whose value in it the share left out (a value of the stored record that the package has blank), sorted.
    /// Kept by the producer, never put in the package (an anonymised one has no pseudonyms at all), so that a
    /// later release keeps them blank (see ``ShareBuilder/build``).
    public var suppressedPseudonyms: [String: [String]] = [:]
    /// Who owns the shared rows, when the data says it (sectoral data, PIM §9.7 and §10.7): each owning
    /// organisation with the kind of ownership its rows give and how many rows; empty otherwise.
    public var owners: [DataOwner] = []

    /// Stored records the consent filter left out (0 without one).
    public var leftOutForConsent: Int { consent.map { $0.considered - $0.kept } ?? 0 }
}

/// An organisation that owns some of the shared rows (PIM §9.7: ownership is control of collection and processing).
public struct DataOwner: Sendable, Hashable, Codable {
    public var organization: String
    /// The ownership the rows give (`protection`, `sector`, `joint`, …), as the data says it; nil when not said.
    public var ownership: String?
    public var rows: Int

    public init(organization: String, ownership: String?, rows: Int) {
        self.organization = organization
        self.ownership = ownership
        self.rows = rows
    }

    /// The owners of `table`'s rows, by its `owner_org` (or `#org+owner`) and `ownership` (or `#x_ownership`)
    /// columns, most rows first; empty when it has no owner column.
    public static func of(_ table: Table) -> [DataOwner] {
        func column(_ name: String, _ tag: String, _ attribute: String?) -> Column? {
            table[name] ?? table.columns.first { c in
                guard let t = c.tag, t.tag == tag else { return false }
                return attribute.map(t.has) ?? true
            }
        }
        guard let org = column("owner_org", "org", "owner") else { return [] }
        let kind = column("ownership", "x_ownership", nil)
        var counts: [DataOwner.Key: Int] = [:]
        for r in 0..<table.rowCount {
            guard case .text(let o) = org[r] else { continue }
            var k: String?
            if let kind, case .text(let v) = kind[r] { k = v }
            counts[DataOwner.Key(organization: o, ownership: k), default: 0] += 1
        }
        return counts.map { DataOwner(organization: $0.key.organization, ownership: $0.key.ownership, rows: $0.value) }
            .sorted { ($0.rows, $1.organization, $1.ownership ?? "") > ($1.rows, $0.organization, $0.ownership ?? "") }
    }

    struct Key: Hashable {
        var organization: String
        var ownership: String?
    }
}

/// Why building a share failed after it was allowed.
public enum ShareBuildError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The thresholds could not be met, or no record consented: a refusal like any other.
    case refused(ShareRefusal)
    case consent(ConsentError)
    case reduction(ReductionError)
    case risk(DisclosureError)
    /// Rows that are figures (population figures) could not be read as such; the detail names the column.
    case figures(String)

    /// The refusal it amounts to: nothing is shared, and the audit trail says why.
    public var refusal: ShareRefusal {
        switch self {
        case .refused(let r): r
        case .consent: .notBuilt(code: "consent-unmatched", reason: description)
        case .reduction: .notBuilt(code: "disclosure-control-failed", reason: description)
        case .risk: .notBuilt(code: "risk-measurement-failed", reason: description)
        case .figures: .notBuilt(code: "figures-unreadable", reason: description)
        }
    }

    public var description: String {
        switch self {
        case .figures(let detail): "The population figures could not be read: \(detail)."
        case .refused(let r): r.description
        case .consent(let e): e.description
        case .reduction(let e): "Disclosure control failed: \(e)."
        case .risk(let e): "Risk measurement failed: \(e)."
        }
    }
}

/// Applies an allowed ``SharePlan`` to a dataset's rows: consent filter, then disclosure control until the
/// agreement's thresholds are met. Pure and deterministic.
///
/// - aggregated: counts by the plan's dimensions with every margin; cells below the minimum cell size are
///   suppressed with complementary (secondary) suppression.
/// - anonymised: direct identifiers and the household id dropped, ages banded, dates kept to the month, key variables suppressed
///   locally to k; if the global risk is still above the maximum, k is doubled and the step repeated.
/// - pseudonymised: as anonymised, but the record id and household id become keyed pseudonyms.
/// - personal: the consented records as stored; no reduction (the agreement and consent carry the risk).
public enum ShareBuilder {
    /// - Parameters:
    ///   - rowOrderSeed: microdata rows are written in an order drawn from this seed, not the stored
    ///     order (which would let two releases be matched row by row, undoing suppression, and let the source
    ///     link rows to its records). Nil keeps the stored order (tests).
    ///   - persons: for rows that are figures, not records (population figures, as
    ///     `PopulationFigures.personsInForce` gives them), the integer column saying how many persons each row
    ///     stands for: an aggregated table then counts persons, and its small cells are those of few persons.
    ///   - pseudonymizer: the keyed pseudonyms of a pseudonymised share; for an anonymised one, which publishes
    ///     none, the names by which its records are remembered from release to release (see `suppressedBefore`).
    ///   - suppressedBefore: for a pseudonymised or anonymised share, each column's record pseudonyms (of the
    ///     record id field) whose value an earlier release of the dataset left blank. Those values are blanked
    ///     before local suppression: a value blank in one release and given in another would be restored by
    ///     matching the two, on the pseudonyms (QA11 S5) or, in anonymised releases, on the values they share.
    public static func build(
        _ plan: SharePlan, dataset: Dataset, table input: Table, consent: [ConsentDecision],
        pseudonymizer: (any Pseudonymizer)? = nil, rowOrderSeed: UInt64? = nil, persons: String? = nil,
        suppressedBefore: [String: Set<String>] = [:]
    ) throws(ShareBuildError) -> ShareOutput {
        var table = input
        var consentApplied: ConsentApplied?
        if let purpose = plan.consentPurpose {
            guard let field = ConsentFilter.recordIDField(in: dataset.schema) else {
                throw .consent(.noRecordIDField(dataset: dataset.name))
            }
            let r: ConsentFilterResult
            do throws(ConsentError) {
                r = try ConsentFilter.apply(to: table, recordColumn: field, entries: consent, purpose: purpose)
            } catch { throw .consent(error) }
            consentApplied = ConsentApplied(
                purpose: purpose, recordField: field, considered: r.considered, kept: r.kept,
                leftOut: Dictionary(uniqueKeysWithValues: r.leftOut.map { ($0.key.rawValue, $0.value) }), summary: r.summary)
            guard r.kept > 0 else { throw .refused(.noConsentingRecords(purpose: purpose, leftOut: r.leftOutTotal)) }
            table = r.table
        }
        if let (all, field) = refusalsToHonour(plan, dataset: dataset, table: table, consent: consent) {
            // Whatever purpose the agreement asks to have been granted, a refusal or a withdrawal of disclosure
            // (and, for a table, of reporting) still counts: a record whose consent to it was refused, when
            // collected or since, or withdrawn is left out of anything shared (QA11 S16: naming another purpose
            // used to skip these, sharing records whose disclosure was withdrawn).
            let purposes = all.filter { $0 != plan.consentPurpose }
            let withdrawn: Int
            do throws(ConsentError) {
                (table, withdrawn) = try ConsentFilter.leavingOutRefusals(table, recordColumn: field, entries: consent, purposes: purposes)
            } catch { throw .consent(error) }
            if withdrawn > 0 {
                let because = "because their consent to " + purposes.map(\.rawValue).joined(separator: " or ") + " was refused or withdrawn."
                guard table.rowCount > 0 else {
                    throw .refused(.noConsentingRecords(purpose: plan.consentPurpose ?? .disclosure, leftOut: input.rowCount))
                }
                if var applied = consentApplied {
                    applied.kept = table.rowCount
                    applied.leftOut[ConsentGap.notGranted.rawValue, default: 0] += withdrawn
                    applied.summary += " \(withdrawn) more left out " + because
                    consentApplied = applied
                } else {
                    consentApplied = ConsentApplied(
                        purpose: .disclosure, recordField: field ?? "", considered: input.rowCount, kept: table.rowCount,
                        leftOut: [ConsentGap.notGranted.rawValue: withdrawn],
                        summary: "\(withdrawn) of \(input.rowCount) records left out " + because)
                }
            }
        }
        let days = daysCovered(table, schema: dataset.schema)
        // The owners of sectoral data (PIM §9.7), whose rows are indicator values, not persons.
        let owners = dataset.category == "sectoral-im-systems-other" ? DataOwner.of(table) : []
        let disclosure: DisclosureApplied
        var suppressed: [String: [String]] = [:]
        switch plan.level {
        case .aggregated: (table, disclosure) = try aggregate(plan, dataset: dataset, table: table, persons: persons)
        case .anonymised, .pseudonymised:
            (table, disclosure, suppressed) = try anonymise(
                plan, dataset: dataset, table: table, pseudonymizer: pseudonymizer, suppressedBefore: suppressedBefore)
        case .personal:
            disclosure = DisclosureApplied(level: .personal, method: ShareBuilder.personalMethod(consentPurpose: plan.consentPurpose),
                                           keys: [], droppedColumns: [], pseudonymisedColumns: [])
        }
        if plan.level != .aggregated, let rowOrderSeed {
            var g = SeededGenerator(seed: rowOrderSeed)
            table = table.selectingRows(Array(0..<table.rowCount).shuffled(using: &g))
        }
        return ShareOutput(
            table: table, recordsStored: input.rowCount, consent: consentApplied, disclosure: disclosure, daysInData: days,
            suppressedPseudonyms: suppressed, owners: owners)
    }

    /// Under an agreement without a consent purpose, the purposes whose refusals leave records out (disclosure,
    /// and reporting for a table) and the record id field to match recorded decisions to; nil when there is
    /// nothing to honour (no decision recorded and no refusal in the collected answers).
    static func refusalsToHonour(_ plan: SharePlan, dataset: Dataset, table: Table, consent: [ConsentDecision])
        -> (purposes: [ConsentPurpose], field: String?)?
    {
        let purposes: [ConsentPurpose] = plan.level == .aggregated ? [.disclosure, .reporting] : [.disclosure]
        let field = ConsentFilter.recordIDField(in: dataset.schema).flatMap { table[$0] == nil ? nil : $0 }
        let collected = purposes.contains { ConsentFilter.refusedAtCollection(table, purpose: $0) != nil }
        // (Recorded refusals that the records cannot be matched to are refused by the filter, not ignored.)
        guard collected || !consent.isEmpty else { return nil }
        return (purposes, field)
    }

    /// What a shared table's counts count, where a record is not a person: population data holds figures
    /// (stocks at dates), so its rows are counted, not the persons in them.
    static func countedUnit(category: String) -> String {
        SharingRules.figureRowsNote(category: category).map { "; " + $0.prefix(1).lowercased() + $0.dropFirst().dropLast() } ?? ""
    }

    /// The first and last day among the schema's date columns present in `table`.
    static func daysCovered(_ table: Table, schema: Schema) -> ClosedRange<Int32>? {
        var low = Int32.max, high = Int32.min
        for f in schema.fields where f.type == .date {
            guard case .date(let days, let nulls)? = table[f.name]?.data else { continue }
            for i in days.indices where !nulls.isNull(i) {
                low = min(low, days[i])
                high = max(high, days[i])
            }
        }
        return low <= high ? low...high : nil
    }

    /// The method line of a personal-data share: it names the consent checked, and says so when none was.
    static func personalMethod(consentPurpose: ConsentPurpose?) -> String {
        if let p = consentPurpose { return "none: personal data of the records that granted consent for \(p.rawValue), under the agreement" }
        return "none: personal data shared under the agreement's legal basis and a focal point's exception; no record's consent was checked"
    }

    private static func aggregate(_ plan: SharePlan, dataset: Dataset, table: Table, persons: String?)
        throws(ShareBuildError) -> (Table, DisclosureApplied)
    {
        let minCell = plan.thresholds.minimumCellSize
        // Coarsen first (`date=month`, `age=bands`): a trend by month, not by day, is what §10.3 shares.
        var table = table
        var dimensions: [String] = []
        for d in plan.dimensions {
            let column = SharingRules.dimensionColumn(d)
            guard column != d else { dimensions.append(d); continue }
            let recode: Recode
            do { recode = try RecodeSpec.parse(d, table: table) } catch {
                throw .refused(.invalidDimension(d, reason: "\(error)"))
            }
            do throws(ReductionError) { table = try Recoding.apply(recode, to: table).table } catch { throw .reduction(error) }
            dimensions.append(recode.column)
        }
        let agg: AggregateTable
        do throws(ReductionError) {
            agg = try Aggregation.aggregate(table, by: dimensions, rule: .suppress(minCell: minCell), frequency: persons)
        } catch {
            throw .reduction(error)
        }
        var out: Table
        do throws(ReductionError) { out = try agg.table() } catch { throw .reduction(error) }
        // A package with no published cell would tell the recipient nothing (§12, over-aggregation).
        let all = agg.cells + agg.marginals
        let published = all.filter { $0.status == .published }.count
        guard published > 0, out.rowCount > 0 else {
            throw .refused(.everyCellSuppressed(dimensions: plan.dimensions, minimumCell: minCell))
        }
        // Carry the dimensions' HXL tags, and tag the count and flag columns.
        for name in dimensions {
            if let tag = dataset.schema.field(named: name)?.hxl.flatMap(HXLTagSpec.init(parsing:)) ?? table[name]?.tag,
               var c = out[name] {
                c.tag = tag
                try? out.setColumn(c)
            }
        }
        if persons != nil {
            // A number of persons (`#population+num`), in a column that says so.
            out = Table(unchecked: out.columns.map { c in
                guard c.name == AggregateTable.countColumn else { return c }
                return Column(name: "persons", tag: HXLTagSpec(tag: "population", attributes: ["num"]), data: c.data)
            }, rowCount: out.rowCount)
        } else if var c = out[AggregateTable.countColumn] {
            // A count of records (reports, cases, households), not of people affected: `#indicator+records+num`.
            c.tag = HXLTagSpec(tag: "indicator", attributes: ["records", "num"])
            try? out.setColumn(c)
        }
        if var c = out[AggregateTable.flagColumn] { c.tag = HXLTagSpec(tag: "meta", attributes: ["flag"]); try? out.setColumn(c) }
        return (out, DisclosureApplied(
            level: .aggregated,
            method: persons != nil
                ? "aggregate table of the persons the population figures stand for, by \(plan.dimensions.joined(separator: ", ")) with all margins "
                    + "(per location and group the latest figure, the largest source's where several report that date, so no one is counted twice); "
                    + "cells of 0 < persons < \(minCell) suppressed, then complementary cells; suppressed cells are not listed, like empty ones"
                : "aggregate table of counts by \(plan.dimensions.joined(separator: ", ")) with all margins; cells with 0 < count < \(minCell) suppressed, then complementary cells; suppressed cells are not listed, like empty ones"
                    + Self.countedUnit(category: dataset.category),
            keys: dimensions, droppedColumns: [], pseudonymisedColumns: [], minimumCellSize: minCell,
            cellsPublished: published,
            cellsSuppressedPrimary: all.filter { $0.status == .primary }.count,
            cellsSuppressedSecondary: all.filter { $0.status == .secondary }.count))
    }

    private static func anonymise(
        _ plan: SharePlan, dataset: Dataset, table: Table, pseudonymizer: (any Pseudonymizer)?,
        suppressedBefore: [String: Set<String>]
    ) throws(ShareBuildError) -> (Table, DisclosureApplied, [String: [String]]) {
        if holdsAreaFigures(dataset) {
            // Indicator values per area identify no one: person-level k-anonymity would only blank their
            // locations (QA11 C23), which the framework asks to share by location (§10.7.3).
            let method = "indicator values per area and date, not records of persons (PIM §9.7): shared as they are, "
                + "with no person-level key variable to suppress"
            return (table, DisclosureApplied(level: plan.level, method: method, keys: [], droppedColumns: [], pseudonymisedColumns: []), [:])
        }
        let sd = SchemaDisclosure(schema: dataset.schema)
        let declared = sd.keys.filter { table[$0] != nil }
        guard !declared.isEmpty else { throw .refused(.thresholdsImpossible(agreement: plan.agreementID, problem: .noKeyVariables)) }
        let k = plan.thresholds.k
        guard table.rowCount >= k else {
            throw .refused(.thresholdsImpossible(agreement: plan.agreementID, problem: .fewerRecordsThanK(records: table.rowCount, k: k)))
        }
        let pseudonymise = plan.level == .pseudonymised && pseudonymizer != nil
        let idField = ConsentFilter.recordIDField(in: dataset.schema)
        var drop = sd.directIdentifiers.filter { table[$0] != nil }
        var pseudo: [String] = []
        if let h = sd.household, table[h] != nil {
            if pseudonymise { pseudo.append(h) } else { drop.append(h) }
        }
        if pseudonymise, let id = idField, let i = drop.firstIndex(of: id) {
            drop.remove(at: i)
            pseudo.insert(id, at: 0)
        }
        let household = pseudo.contains(sd.household ?? "\u{0}") ? sd.household : nil
        // The months the release keeps are keys too, and the least important: a month is blanked before any
        // declared key where it makes a record rare.
        let dated = declared + sd.releasedDates(in: table, excluding: drop + pseudo).filter { !declared.contains($0) }
        // (A coarser admin level released beside an admin key names the area of its blanks: a key too.)
        let keys = dated + AdminNesting.coarserAdminColumns(of: dated, in: table, schema: dataset.schema, removed: drop + pseudo)
        // (A date marked sensitive is a key once released to the month: the sensitive attributes are the others.)
        let sensitive = sd.sensitive.filter { table[$0] != nil && !keys.contains($0) }
        // A column kept as it is (not a key, which is suppressed to k, nor dropped or pseudonymised) that has a
        // different value in nearly every record singles them out whatever the schema calls it: decimals too
        // (exact coordinates, incomes: QA11 S9), except the sampling weight, which analysis of the data needs.
        for c in table.columns where !keys.contains(c.name) && !drop.contains(c.name) && !pseudo.contains(c.name) && c.name != sd.weight {
            if c.isNearlyUniquePerRecord(decimals: true) {
                throw .refused(.uniqueColumnKept(column: c.name, distinct: c.distinctValueCount ?? 0, records: table.rowCount))
            }
        }
        let before: RiskReport
        do throws(DisclosureError) {
            before = try RiskAnalysis.analyze(table, spec: RiskSpec(keys: keys, sensitive: sensitive, weight: sd.weight,
                                                                    household: household, kThresholds: [k]))
        } catch { throw .risk(error) }

        // A key value blank in one release and given in another would be restored by matching the two: joined
        // by their pseudonyms (QA11 S5), or, for anonymised releases, matched on the many values they share. So
        // records are remembered by the keyed pseudonym of their id (published by a pseudonymised release, kept
        // to pim by an anonymised one), and a value an earlier release of either kind left blank is blanked
        // before local suppression, which then reaches k with it blank. Every column an earlier release blanked
        // is kept blank while it is published, a key or not any more.
        // (An id of text or numbers: the id field can fall back to another direct identifier, such as a date of
        // birth, which has no pseudonym. A record without an id has no name and is not remembered; an id that
        // several records share only blanks more than needed later, never less.)
        var names: [String?]?
        if let id = idField, let column = table[id], column.type == .text || column.type == .integer, let pseudonymizer {
            names = try pseudonymsByRow(table, column: id, pseudonymizer)
        }
        let remembered = keys + suppressedBefore.keys.sorted().filter { c in
            !keys.contains(c) && !drop.contains(c) && !pseudo.contains(c) && table[c] != nil
        }
        var working = table
        var asBefore = 0
        if let names, !suppressedBefore.isEmpty {
            for c in remembered {
                guard let earlier = suppressedBefore[c], !earlier.isEmpty, let column = working[c] else { continue }
                let rows = names.indices.filter { r in !column.isNull(r) && names[r].map(earlier.contains) == true }
                guard !rows.isEmpty else { continue }
                working = Table(
                    unchecked: working.columns.map { $0.name == c ? column.settingNull(rows: rows) : $0 }, rowCount: working.rowCount)
                asBefore += rows.count
            }
        }

        var currentK = k
        var best = Double.infinity
        while true {
            var plan0 = sd.defaultPlan(k: currentK, pseudonymizer: pseudonymise ? pseudonymizer : nil)
            plan0.drop = drop
            plan0.pseudonymize = pseudo
            plan0.keys = keys
            plan0.importance = keys
            plan0.recodes = plan0.recodes.filter { table[$0.column] != nil }
            let monthly = plan0.recodes.contains { if case .datePeriod = $0 { true } else { false } }
            let result: AnonymizationResult
            do throws(ReductionError) { result = try Anonymizer.apply(plan0, to: working) } catch {
                if case .cannotReachK(let kk, let rows) = error {
                    throw .refused(.thresholdsImpossible(agreement: plan.agreementID, problem: .fewerRecordsThanK(records: rows, k: kk)))
                }
                throw .reduction(error)
            }
            // A coarser admin level suppressed next to a finer one kept protects nothing (the finer code names
            // the area it lies in): suppress the finer ones too, then measure what is published.
            let (published, nested) = AdminNesting.suppressingNestedAdminLevels(result.table, keys: keys, schema: dataset.schema)
            let after: RiskReport
            do throws(DisclosureError) {
                after = try RiskAnalysis.analyze(published, spec: RiskSpec(
                    keys: keys, sensitive: sensitive, weight: sd.weight, household: household, kThresholds: [k]))
            } catch { throw .risk(error) }
            // Members of a household linked by its pseudonym are re-identified together: the household risk is
            // bounded by the agreement's maximum too (QA11 S4: 542 of 552 households were unique).
            let measured = RiskFigures(after, k: k).boundedRisk
            best = min(best, measured)
            if measured <= plan.thresholds.maximumGlobalRisk {
                let method = (plan.level == .pseudonymised ? "pseudonymised" : "anonymised")
                    + " microdata: direct identifiers removed" + (pseudo.isEmpty ? "" : ", \(pseudo.joined(separator: ", ")) replaced by keyed pseudonyms")
                    + ", ages banded" + (monthly ? ", dates kept to the month" : "")
                    + ", key variables locally suppressed to \(currentK)-anonymity ("
                    + (currentK > k ? "k raised from \(k) to meet the maximum global risk; " : "")
                    + "a suppressed value matching any category, as in sdcMicro)"
                    + (household == nil ? "" : "; the household risk of the linked households is held to the maximum risk too")
                    + (nested > 0 ? ", and finer admin levels suppressed wherever a coarser one is" : "")
                    + (asBefore > 0 ? "; \(asBefore) key values left blank as an earlier release of the dataset left them, so that releases matched record by record restore none" : "")
                var applied = DisclosureApplied(
                    level: plan.level, method: method, keys: keys, droppedColumns: drop, pseudonymisedColumns: pseudo,
                    kApplied: currentK, suppressedValues: result.suppressedPerVariable.reduce(0) { $0 + $1.count } + nested + asBefore,
                    riskBefore: RiskFigures(before, k: k), riskAfter: RiskFigures(after, k: k))
                if names != nil { applied.suppressedAsBefore = asBefore }
                let blanked = names.map { suppressedByRecord(stored: table, published: published, keys: remembered, names: $0) } ?? [:]
                return (published, applied, blanked)
            }
            let next = currentK * 2
            guard next <= table.rowCount else {
                throw .refused(.thresholdsImpossible(
                    agreement: plan.agreementID, problem: .riskNotReachable(best: best, maximum: plan.thresholds.maximumGlobalRisk)))
            }
            currentK = next
        }
    }

    /// Rows that are indicator values per area and date, not records of persons: a sectoral system's proxy
    /// indicators (PIM §9.7, as the `sectoral-im-systems-other` template holds them), with no field that
    /// describes a person (no direct identifier, household id, sensitive variable or weight).
    ///
    /// Every field must be one of that template's (an indicator's date, admin codes, sector, indicator, value and
    /// owner): a file of another layout imported under the category, with a sex, an age or free text, is shared
    /// with person-level disclosure control.
    public static func holdsAreaFigures(_ dataset: Dataset) -> Bool {
        guard dataset.category == "sectoral-im-systems-other" else { return false }
        let sd = SchemaDisclosure(schema: dataset.schema)
        guard sd.directIdentifiers.isEmpty, sd.household == nil, sd.sensitive.isEmpty, sd.weight == nil else { return false }
        guard dataset.schema.fields.allSatisfy({ areaFigureFields.contains($0.name) }) else { return false }
        return dataset.schema.field(named: "indicator") != nil && dataset.schema.field(named: "value") != nil
    }

    /// The fields of the `sectoral-im-systems-other` template (PIMCategories), which a dataset of area figures holds.
    static let areaFigureFields: Set<String> = ["date", "adm1_code", "adm2_code", "sector", "indicator", "value", "owner_org", "ownership"]

    /// The pseudonym each row's record id gets (nil for a row without one), as the pseudonymised column has it.
    static func pseudonymsByRow(_ table: Table, column: String, _ pseudonymizer: any Pseudonymizer)
        throws(ShareBuildError) -> [String?]
    {
        let named: Table
        do throws(ReductionError) { named = try Pseudonymization.apply(pseudonymizer, column: column, in: table) } catch {
            throw .reduction(error)
        }
        guard let c = named[column], case .text(let codes, let dictionary) = c.data else { return [] }
        return codes.map { $0 < 0 ? nil : dictionary[Int($0)] }
    }

    /// For each key column, the pseudonyms (`names`, by row of `stored`, the rows of `published` in the same
    /// order) of the records whose stored value the published table has blank, sorted; columns with none are
    /// left out.
    static func suppressedByRecord(stored: Table, published: Table, keys: [String], names: [String?]) -> [String: [String]] {
        guard published.rowCount == stored.rowCount, names.count == stored.rowCount else { return [:] }
        var out: [String: [String]] = [:]
        for c in keys {
            guard let before = stored[c], let after = published[c] else { continue }
            var blank: [String] = []
            for r in 0..<published.rowCount where after.isNull(r) && !before.isNull(r) {
                if let p = names[r] { blank.append(p) }
            }
            if !blank.isEmpty { out[c] = blank.sorted() }
        }
        return out
    }
}
