import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PIMCategories
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMStorage
import PIMTable

/// Reads datasets for a user, applying the object-level rules of ``DatasetAccess``: a dataset the user
/// may not see is reported as missing.
///
/// Versions never change, so what is computed from one is cached by its version id (see ``VersionCache``):
/// category outputs, loaded columns, whole tables and aggregate results. The dataset and its version list are
/// read from the store on every request, so a new version is served at once; ``invalidate(_:)`` also frees
/// what was cached for a dataset's older versions.
struct DatasetCatalog: Sendable {
    let store: any Store
    let cache: VersionCache
    /// The clock for agreements' validity (partner viewers' access).
    var now: @Sendable () -> Date = { Date() }

    init(store: any Store, cache: VersionCache = VersionCache(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.cache = cache
        self.now = now
    }

    /// A dataset with its versions, oldest first, and the rows its viewer may see.
    struct Entry: Sendable {
        var dataset: Dataset
        /// For a viewer restricted to some rows, each version's `rowCount` is the number of visible rows.
        var versions: [DatasetVersion]
        var scope: RowScope = .all
        /// Partner viewers: the consent purposes every record behind a live output must have granted
        /// (``DatasetAccess/consentPurposes(_:viewer:at:)``).
        var consentPurposes: [ConsentPurpose] = []
        /// Partner viewers: the dimensions their agreements allow (nil: no list).
        var allowedDimensions: Set<String>?
        /// Partner viewers: the dataset's decisions on consent to disclosure or reporting when any refuses or
        /// withdraws it (empty otherwise); live outputs leave out the records whose latest decision does, also
        /// under agreements that name another consent purpose (QA11 S16).
        var withdrawals: [ConsentDecision] = []
        /// Partner viewers, of a dataset whose schema records consent to disclosure or reporting as collected
        /// (`consent_disclosure`, `consent_reporting`): live outputs leave out the records whose answer refused
        /// (unless a decision recorded since grants them).
        var refusalsCollected = false
        /// Whether outputs come from this viewer's own rows (never cached): case rows or consent filtered.
        var ownRows: Bool { scope != .all || !consentPurposes.isEmpty || !withdrawals.isEmpty || refusalsCollected }
        /// The versions as stored (true row counts), for loading rows; nil when not restricted.
        var stored: [DatasetVersion]?
        var latest: DatasetVersion? { versions.last }
        /// The latest version as stored, to load its rows.
        var latestStored: DatasetVersion? { (stored ?? versions).last }
    }

    /// Computes and caches the shareable category output (and its JSON) of every dataset's latest version,
    /// so that the first visitor after a start does not wait for a large dataset's output. Returns how many
    /// outputs were warmed; a dataset whose output fails (no category output, no version) is skipped.
    @discardableResult
    func warm() async -> Int {
        var warmed = 0
        guard let datasets = try? await store.datasets() else { return 0 }
        for d in datasets {
            guard let versions = try? await store.versions(of: d.id), !versions.isEmpty else { continue }
            let entry = Entry(dataset: d, versions: versions)
            if (try? await outputJSON(entry, shareable: true)) != nil { warmed += 1 }
        }
        return warmed
    }

    /// The datasets `role` may see, ordered by category and name (no row-restricted datasets: a role alone
    /// does not say whose cases are whose).
    func visible(to role: Role) async throws -> [Entry] {
        var out: [Entry] = []
        for d in try await store.datasets() where DatasetAccess.canSee(d, role: role) {
            out.append(Entry(dataset: d, versions: try await store.versions(of: d.id)))
        }
        return out.sorted { ($0.dataset.category, $0.dataset.name) < ($1.dataset.category, $1.dataset.name) }
    }

    /// The named dataset, or ``ServerError/notFound`` when it is missing or hidden from `role`.
    func entry(named name: String, role: Role) async throws -> Entry {
        guard let d = try await store.dataset(named: name), DatasetAccess.canSee(d, role: role) else { throw ServerError.notFound }
        return Entry(dataset: d, versions: try await store.versions(of: d.id))
    }

    // MARK: Case-management object rules

    /// Frees what is cached for `dataset` (call after adding a version; the new version is served either way).
    func invalidate(_ dataset: Dataset.ID) async {
        await cache.invalidate(dataset)
    }

    private func latestVersion(_ entry: Entry) throws(ServerError) -> DatasetVersion {
        guard let v = entry.latestStored else { throw ServerError.unprocessable("The dataset has no version yet; import a file first.") }
        return v
    }

    /// The latest version's rows (cached per version; only the viewer's rows, not cached, when the entry is
    /// restricted).
    func latestTable(_ entry: Entry) async throws -> (DatasetVersion, Table) {
        let v = try latestVersion(entry)
        return (v, try await rows(of: v, entry))
    }

    /// The version's rows: the whole table (cached per version), restricted afresh on every request to the
    /// viewer's rows when the entry is restricted.
    private func rows(of v: DatasetVersion, _ entry: Entry, extra: Column? = nil) async throws -> Table {
        var table = try await cache.tables.value(for: .init(dataset: v.datasetID, version: v.id, detail: "")) {
            try await store.table(of: v)
        }
        if let extra {
            do { try table.setColumn(extra) } catch { throw ServerError.unprocessable(String(describing: error)) }
        }
        guard entry.ownRows else { return table }
        let scoped = CaseAssignment.restrict(table, assignment: CaseAssignment.field(in: entry.dataset.schema), scope: entry.scope)
        return try await consented(scoped, version: v, entry)
    }

    /// One stored column of a version (cached per version and name), or nil when the version has no such field.
    private func storedColumn(_ v: DatasetVersion, _ name: String) async throws -> Column? {
        guard v.schema.field(named: name) != nil else { return nil }
        return try await cache.columns.value(for: .init(dataset: v.datasetID, version: v.id, detail: name)) {
            let t = try await store.table(of: v, columns: [name])
            guard let c = t[name] else { throw ServerError.unprocessable("The column \(name) cannot be read.") }
            return c
        }
    }

    /// A table of one stored column (no rows when the version has no such field).
    private func storedColumnTable(_ v: DatasetVersion, _ name: String) async throws -> Table {
        guard let column = try await storedColumn(v, name) else { return .empty }
        do { return try Table(columns: [column]) } catch { throw ServerError.unprocessable(String(describing: error)) }
    }

    static let consentUnavailable = "Live outputs of this dataset cannot honour your agreement's consent purpose "
        + "(the dataset has no record id field to match consent decisions to). Use the share packages sent under the agreement."

    /// `table` with only the records that granted every consent purpose of the entry (unchanged when none).
    /// When consent cannot be matched to records, nothing is served (422): refuse when in doubt.
    private func consented(_ table: Table, version v: DatasetVersion, _ entry: Entry) async throws -> Table {
        // Refusals of disclosure and reporting (recorded, or as collected) and withdrawals always count, as in
        // share packages: also when the agreements ask for another purpose to have been granted (QA11 S16).
        var refusalsHonoured = table
        if !entry.withdrawals.isEmpty || entry.refusalsCollected {
            let field = ConsentFilter.recordIDField(in: v.schema) ?? ConsentFilter.recordIDField(in: entry.dataset.schema)
            let purposes = [ConsentPurpose.disclosure, .reporting].filter { !entry.consentPurposes.contains($0) }
            do {
                refusalsHonoured = try ConsentFilter.leavingOutRefusals(
                    table, recordColumn: field, entries: entry.withdrawals, purposes: purposes).table
            } catch { throw ServerError.unprocessable(Self.consentUnavailable) }
        }
        let table = refusalsHonoured
        guard !entry.consentPurposes.isEmpty else { return table }
        guard let field = ConsentFilter.recordIDField(in: v.schema) ?? ConsentFilter.recordIDField(in: entry.dataset.schema) else {
            throw ServerError.unprocessable(Self.consentUnavailable)
        }
        let decisions = try await store.consent(datasetID: entry.dataset.id).map(\.decision)
        var out = table
        for purpose in entry.consentPurposes {
            do { out = try ConsentFilter.apply(to: out, recordColumn: field, entries: decisions, purpose: purpose).table } catch {
                throw ServerError.unprocessable(Self.consentUnavailable)
            }
        }
        return out
    }

    /// `versions` with each row count reduced to the records that granted the entry's consent purposes (0
    /// when consent cannot be matched to records: nothing of them is shown).
    private func consentedCounts(_ versions: [DatasetVersion], stored: [DatasetVersion], _ entry: Entry) async throws -> [DatasetVersion] {
        var out = versions
        let decisions = try await store.consent(datasetID: entry.dataset.id).map(\.decision)
        for i in out.indices where i < stored.count {
            guard let field = ConsentFilter.recordIDField(in: stored[i].schema) else { out[i].rowCount = 0; continue }
            var table = try await storedColumnTable(stored[i], field)
            for purpose in entry.consentPurposes {
                guard let kept = try? ConsentFilter.apply(to: table, recordColumn: field, entries: decisions, purpose: purpose).table else {
                    table = table.selectingRows([])
                    break
                }
                table = kept
            }
            out[i].rowCount = table.rowCount
        }
        return out
    }

    /// The column of a dimension `COL` or `COL=RECODE`.
    static func dimensionColumn(_ spec: String) -> String {
        String(spec.split(separator: "=", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces)
    }

    /// The name of the column of record keys that ``latestColumns(_:_:extra:)`` carries through row restrictions
    /// (no stored field has a control character in its name).
    static let recordKeyColumn = "\u{1}record-key"

    /// The latest version's named columns (unknown names are left out), each column cached per version.
    /// - Parameter extra: a column with a value for each stored row, appended and restricted to the viewer's
    ///   rows like the others.
    func latestColumns(_ entry: Entry, _ names: [String], extra: Column? = nil) async throws -> (DatasetVersion, Table) {
        let v = try latestVersion(entry)
        var columns: [Column] = []
        guard !entry.ownRows else {
            let table = try await rows(of: v, entry, extra: extra)
            for name in names where !columns.contains(where: { $0.name == name }) { if let c = table[name] { columns.append(c) } }
            if let extra, let c = table[extra.name] { columns.append(c) }
            do { return (v, try Table(columns: columns)) } catch { throw ServerError.unprocessable(String(describing: error)) }
        }
        for name in names where !columns.contains(where: { $0.name == name }) {
            if let column = try await storedColumn(v, name) { columns.append(column) }
        }
        if let extra { columns.append(extra) }
        do { return (v, try Table(columns: columns)) } catch { throw ServerError.unprocessable(String(describing: error)) }
    }

    /// The small-cell-protected counts of the latest version by `by` (cached per version, dimensions, threshold
    /// and method).
    ///
    /// - Parameter perturbedFrom: when set, perturb the counts by the cell-key method (``CellKeyPerturbation``)
    ///   with this smallest cell instead of suppressing small cells: for viewers who may ask for any table
    ///   (analysts, partners), since suppression protects each table on its own but not against the next query,
    ///   whose margin recovers a suppressed cell. Each stored row keeps its secret key (``RecordKeys``), also
    ///   through the viewer's row restrictions, so a cell shows the same count in every table. It is always
    ///   ``CellKeyPerturbation/publishedMinCell``, never the `minCell` asked for nor the viewer's floor: the
    ///   perturbation table depends on the smallest cell, so one cell asked with several would reveal its count
    ///   (at `minCell` = n it is published unchanged), and so would a partner's answer beside an analyst's. A
    ///   larger `minCell` only leaves out the published counts below it.
    /// - Parameter by: dimensions, each `COL` or `COL=RECODE` (`age=bands`, `date=month`, as `pim aggregate` takes them).
    /// The notes given, in order, as one text; nil when there are none.
    static func joinedNotes(_ notes: [String?]) -> String? {
        let present = notes.compactMap { $0 }
        return present.isEmpty ? nil : present.joined(separator: " ")
    }

    func aggregate(_ entry: Entry, by: [String], minCell: Int, perturbedFrom: Int? = nil) async throws -> AggregateDTO {
        let v = try latestVersion(entry)
        let dimensions = by.map(Self.dimensionColumn)
        if let unknown = dimensions.first(where: { v.schema.field(named: $0) == nil }) {
            throw ServerError.badRequest(
                "There is no column \"\(unknown)\"; the columns are: " + v.schema.fields.map(\.name).joined(separator: ", ") + ".")
        }
        let method = perturbedFrom == nil ? "suppression" : "cell-key"
        // A table of counts is a report: the records whose consent to reporting was refused (as collected, or
        // recorded since) or withdrawn are not counted, for every viewer, as `pim aggregate` leaves them out.
        let consent = try await reportingConsent(entry, version: v)
        let consentColumns = [consent.recordColumn, v.schema.field(named: ConsentFilter.collectedColumn(.reporting))?.name]
            .compactMap { $0 }.filter { !dimensions.contains($0) }
        let key = VersionCache.Key(
            dataset: v.datasetID, version: v.id,
            detail: "\(method)|\(minCell)|\(perturbedFrom ?? 0)|\(Self.consentKey(consent))|" + by.joined(separator: ","))
        let compute: @Sendable () async throws -> AggregateDTO = {
            var table: Table
            var recordKeys: [UInt32]?
            if perturbedFrom != nil {
                let keyColumn = try await recordKeyColumn(v)
                let (_, withKeys) = try await latestColumns(entry, dimensions + consentColumns, extra: keyColumn)
                guard case .integer(let values, _) = withKeys[Self.recordKeyColumn]?.data else {
                    throw ServerError.unprocessable("The table's record keys could not be read.")
                }
                recordKeys = values.map { UInt32(truncatingIfNeeded: $0) }
                table = withKeys
            } else {
                (_, table) = try await latestColumns(entry, dimensions + consentColumns)
            }
            var leftOut = 0
            do {
                if let kept = try consent.keptRows(in: table) {
                    leftOut = table.rowCount - kept.count
                    table = table.selectingRows(kept)
                    recordKeys = recordKeys.map { keys in kept.map { keys[$0] } }
                }
            } catch {
                throw ServerError.unprocessable("Consent to reporting cannot be matched to this dataset's records (it has no record id field); "
                    + "its tables are not served while withdrawals are recorded.")
            }
            do {
                // Recodings keep the rows in place (and so their record keys).
                var recoded = table
                for spec in by where spec.contains("=") {
                    recoded = try Recoding.apply(try RecodeSpec.parse(spec, table: recoded), to: recoded).table
                }
                let rule: CellRule = perturbedFrom.map { .cellKey(minCell: $0, maxChange: CellKeyPerturbation.defaultMaxChange) }
                    ?? .suppress(minCell: minCell)
                var agg = try Aggregation.aggregate(recoded, by: dimensions, rule: rule, recordKeys: recordKeys)
                if let floor = perturbedFrom, minCell > floor { agg.leaveOutPublishedCounts(below: minCell) }
                let published = try agg.table()
                let c = agg.loss.cells
                return AggregateDTO(
                    dataset: entry.dataset.name, version: v.number, by: by, minCell: minCell, method: method,
                    note: Self.joinedNotes([
                        agg.protectionNote.map { note in
                            perturbedFrom.map { minCell > $0 ? note + " Counts below \(minCell) are left out." : note } ?? note
                        },
                        SharingRules.figureRowsNote(category: entry.dataset.category),
                        leftOut > 0 ? ReportingConsent.note(leftOut: leftOut) : nil,
                    ]),
                    // Perturbed: the cells shown. The true non-empty cells would tell how many combinations
                    // published as 0 hold records (QA9 F3).
                    cells: perturbedFrom == nil ? c?.cells ?? 0 : published.rowCount,
                    primarySuppressed: c?.primarySuppressed ?? 0, secondarySuppressed: c?.secondarySuppressed ?? 0,
                    columns: published.columnNames, rows: TableCell.rows(of: published))
            } catch {
                throw ServerError.badRequest(String(describing: error))
            }
        }
        // Restricted viewers' counts come from their (consented) rows and are never cached.
        guard !entry.ownRows else { return try await compute() }
        return try await cache.aggregates.value(for: key, compute: compute)
    }

    /// The secret cell-key of each stored row of `v` (cached per version): by the record's id when the schema
    /// has a record id field (``ConsentFilter/recordIDField(in:)``), so that a record keeps its key, and its cells
    /// their perturbation, across versions (QA9 F7: keys per version gave every re-import, or a monthly cumulative
    /// file, a fresh perturbation of the same cells to average); by row within the version otherwise.
    private func recordKeyColumn(_ v: DatasetVersion) async throws -> Column {
        try await cache.columns.value(for: .init(dataset: v.datasetID, version: v.id, detail: "\u{1}record-keys")) {
            let secret = try await store.secret(named: RecordKeys.secretName, orCreate: RecordKeys.newSecret)
            var ids: Column?
            if let field = ConsentFilter.recordIDField(in: v.schema) { ids = try await storedColumn(v, field) }
            let keys = RecordKeys.keys(secret: secret, dataset: v.datasetID.rawValue, version: v.id.rawValue, recordIDs: ids, count: v.rowCount)
            return Column(name: Self.recordKeyColumn, data: .integer(values: keys.map { Int64($0) }, nulls: NullMask()))
        }
    }

    /// The datasets `viewer` may see, with row counts restricted to their rows.
    func visible(to viewer: Viewer) async throws -> [Entry] {
        var out: [Entry] = []
        let now = now()
        for d in try await store.datasets() where DatasetAccess.canSee(d, viewer: viewer, at: now) {
            let entry = try await restricted(d, viewer: viewer)
            if !Self.hidesEmptyScope(entry) { out.append(entry) }
        }
        return out.sorted { ($0.dataset.category, $0.dataset.name) < ($1.dataset.category, $1.dataset.name) }
    }

    /// The named dataset as `viewer` may see it, or ``ServerError/notFound``.
    func entry(named name: String, viewer: Viewer) async throws -> Entry {
        guard let d = try await store.dataset(named: name), DatasetAccess.canSee(d, viewer: viewer, at: now()) else {
            throw ServerError.notFound
        }
        let entry = try await restricted(d, viewer: viewer)
        guard !Self.hidesEmptyScope(entry) else { throw ServerError.notFound }
        return entry
    }

    static let withheld = "withheld"

    /// A case worker or supervisor sees a case-management dataset only when its latest version has at least
    /// one row assigned to them (or their team).
    private static func hidesEmptyScope(_ entry: Entry) -> Bool {
        entry.scope != .all && (entry.latest?.rowCount ?? 0) == 0
    }

    private func restricted(_ d: Dataset, viewer: Viewer) async throws -> Entry {
        let scope = DatasetAccess.rowScope(for: viewer)
        let stored = try await store.versions(of: d.id)
        var versions = stored
        if scope != .all {
            let assignment = CaseAssignment.field(in: d.schema)
            for i in versions.indices {
                guard let assignment else { versions[i].rowCount = 0; continue }
                let column = try await storedColumnTable(stored[i], assignment)
                versions[i].rowCount = CaseAssignment.visibleRows(of: column, assignment: assignment, scope: scope)?.count ?? 0
            }
        }
        // Partner viewers, case workers and supervisors do not see who imported a version, the file's name
        // or the quality notes (internal metadata).
        let redacted = !Permission.seeAllDatasets.allows(viewer.role)
        if redacted {
            for i in versions.indices {
                versions[i].provenance.importedBy = Self.withheld
                versions[i].provenance.fileName = Self.withheld
                versions[i].provenance.qualityNotes = nil
            }
        }
        var entry = Entry(dataset: d, versions: versions, scope: scope, stored: scope == .all && !redacted ? nil : stored)
        if viewer.role == .partnerViewer {
            let now = now()
            entry.consentPurposes = DatasetAccess.consentPurposes(d, viewer: viewer, at: now)
            entry.allowedDimensions = DatasetAccess.allowedDimensions(d, viewer: viewer, at: now)
            if !entry.consentPurposes.isEmpty { entry.versions = try await consentedCounts(entry.versions, stored: stored, entry) }
            // (Every decision of those purposes: a later grant undoes an earlier withdrawal.)
            let decisions = try await store.consent(datasetID: d.id).map(\.decision).filter {
                [ConsentPurpose.disclosure.rawValue, ConsentPurpose.reporting.rawValue].contains($0.purpose)
            }
            entry.withdrawals = decisions.contains { !$0.granted } ? decisions : []
            entry.refusalsCollected = [ConsentPurpose.disclosure, .reporting].contains {
                d.schema.field(named: ConsentFilter.collectedColumn($0)) != nil
            }
            // (A later grant undoes a refusal as collected: the decisions come along.)
            if entry.refusalsCollected && entry.withdrawals.isEmpty { entry.withdrawals = decisions }
        }
        return entry
    }

    /// The category output as JSON, encoded once per version (large outputs cost more to encode than to serve);
    /// a viewer with their own rows (case rows, consent-filtered partner rows) gets it encoded afresh, never cached.
    func outputJSON(_ entry: Entry, shareable: Bool, minCell: Int = 5) async throws -> ByteBuffer {
        let v = try latestVersion(entry)
        let consent: ReportingConsent?
        if shareable { consent = try await reportingConsent(entry, version: v) } else { consent = nil }
        let encode: @Sendable () async throws -> ByteBuffer = {
            ByteBuffer(bytes: JSON.encode(try await output(entry, shareable: shareable, minCell: minCell, consent: consent)))
        }
        guard !entry.ownRows else { return try await encode() }
        let dimensions = entry.allowedDimensions.map { "|" + $0.sorted().joined(separator: ",") } ?? ""
        let key = VersionCache.Key(
            dataset: v.datasetID, version: v.id,
            detail: shareable ? "shareable|\(minCell)\(dimensions)|\(Self.consentKey(consent)).json" : "internal.json")
        return try await cache.encoded.value(for: key, compute: encode)
    }

    /// The aggregate as JSON, encoded once per version, dimensions and threshold (never cached for a viewer
    /// with their own rows).
    func aggregateJSON(_ entry: Entry, by: [String], minCell: Int, perturbedFrom: Int? = nil) async throws -> ByteBuffer {
        let v = try latestVersion(entry)
        let encode: @Sendable () async throws -> ByteBuffer = {
            ByteBuffer(bytes: JSON.encode(try await aggregate(entry, by: by, minCell: minCell, perturbedFrom: perturbedFrom)))
        }
        guard !entry.ownRows else { return try await encode() }
        let method = perturbedFrom == nil ? "suppression" : "cell-key"
        let key = VersionCache.Key(
            dataset: v.datasetID, version: v.id,
            detail: "\(method)|\(minCell)|\(perturbedFrom ?? 0)|" + by.joined(separator: ",") + ".json")
        return try await cache.encoded.value(for: key, compute: encode)
    }

    /// The category output of the latest version: shareable (policy and suppression applied, cells below
    /// `minCell` suppressed) or internal; for a partner whose agreement lists dimensions, only tables by them.
    /// Shareable outputs leave out the records whose consent to reporting was withdrawn (as `pim share` does) and
    /// say how many; `consent` is read from the store when not given.
    func output(_ entry: Entry, shareable: Bool, minCell: Int = 5, consent: ReportingConsent? = nil) async throws -> CategoryReport {
        let report = try await fullOutput(entry, shareable: shareable, minCell: minCell, consent: consent)
        guard shareable, let allowed = entry.allowedDimensions else { return report }
        return report.projected(onto: allowed)
    }

    /// The dataset's consent decisions as shareable outputs honour them. Read on every request: consent changes
    /// without a new version.
    private func reportingConsent(_ entry: Entry, version v: DatasetVersion) async throws -> ReportingConsent {
        ReportingConsent(recordColumn: ConsentFilter.recordIDField(in: v.schema) ?? ConsentFilter.recordIDField(in: entry.dataset.schema),
                         decisions: try await store.consent(datasetID: entry.dataset.id).map(\.decision))
    }

    /// What part of a cache key tells outputs over different withdrawals apart (a digest of the withdrawn ids).
    private static func consentKey(_ consent: ReportingConsent?) -> String {
        guard let ids = consent?.withdrawnRecordIDs, !ids.isEmpty else { return "all" }
        let digest = SHA256.hash(data: Data(ids.joined(separator: "\u{1}").utf8))
        return "\(ids.count)-" + digest.map { String(format: "%02x", $0) }.joined()
    }

    private func fullOutput(_ entry: Entry, shareable: Bool, minCell: Int, consent given: ReportingConsent?) async throws -> CategoryReport {
        guard let category = PIMCategory.ID(rawValue: entry.dataset.category) else {
            throw ServerError.unprocessable("The dataset's category has no output.")
        }
        let v = try latestVersion(entry)
        let consent: ReportingConsent?
        if !shareable { consent = nil } else if let given { consent = given } else { consent = try await reportingConsent(entry, version: v) }
        let key = VersionCache.Key(
            dataset: v.datasetID, version: v.id, detail: shareable ? "shareable|\(minCell)|\(Self.consentKey(consent))" : "internal")
        let compute: @Sendable () async throws -> CategoryReport = {
            let table = try await rows(of: v, entry)
            do {
                return shareable
                    ? try CategoryOutputs.shareableReport(for: category, table: table, options: .init(minCell: minCell), consent: consent)
                    : try CategoryOutputs.report(for: category, table: table)
            } catch {
                throw ServerError.unprocessable(String(describing: error))
            }
        }
        // Restricted viewers' outputs are computed from their (consented) rows and never cached.
        guard !entry.ownRows else { return try await compute() }
        return try await cache.outputs.value(for: key, compute: compute)
    }
}

/// What the catalog keeps per immutable version: bounded, least recently used first out.
final class VersionCache: Sendable {
    struct Key: Hashable, Sendable {
        var dataset: Dataset.ID
        var version: DatasetVersion.ID
        /// What was computed: an output kind (and smallest cell), a column name, aggregate parameters.
        var detail: String
    }

    let outputs: SingleFlightCache<Key, CategoryReport>
    let tables: SingleFlightCache<Key, Table>
    let columns: SingleFlightCache<Key, Column>
    let aggregates: SingleFlightCache<Key, AggregateDTO>
    /// Encoded JSON answers of outputs and aggregates.
    let encoded: SingleFlightCache<Key, ByteBuffer>

    init(outputs: Int = 32, tables: Int = 2, columns: Int = 48, aggregates: Int = 128) {
        self.encoded = SingleFlightCache(capacity: outputs + aggregates)
        self.outputs = SingleFlightCache(capacity: outputs)
        self.tables = SingleFlightCache(capacity: tables)
        self.columns = SingleFlightCache(capacity: columns)
        self.aggregates = SingleFlightCache(capacity: aggregates)
    }

    func invalidate(_ dataset: Dataset.ID) async {
        await outputs.removeAll { $0.dataset == dataset }
        await tables.removeAll { $0.dataset == dataset }
        await columns.removeAll { $0.dataset == dataset }
        await aggregates.removeAll { $0.dataset == dataset }
        await encoded.removeAll { $0.dataset == dataset }
    }
}

/// A bounded cache in which concurrent requests for the same missing key share one computation (so 16 clients
/// asking for a cold output compute it once). Failed computations are not kept.
actor SingleFlightCache<Key: Hashable & Sendable, Value: Sendable> {
    private var entries: [Key: (id: Int, task: Task<Value, any Error>)] = [:]
    private var order: [Key] = []
    private var nextID = 0
    private let capacity: Int
    private(set) var computations = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func value(for key: Key, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let e = entries[key] {
            touch(key)
            return try await e.task.value
        }
        nextID += 1
        computations += 1
        let id = nextID
        let task = Task { try await compute() }
        entries[key] = (id, task)
        order.append(key)
        while order.count > capacity { entries[order.removeFirst()] = nil }
        do {
            return try await task.value
        } catch {
            if entries[key]?.id == id { entries[key] = nil; order.removeAll { $0 == key } }
            throw error
        }
    }

    func removeAll(where predicate: (Key) -> Bool) {
        for k in entries.keys where predicate(k) { entries[k] = nil }
        order.removeAll(where: predicate)
    }

    var count: Int { entries.count }

    private func touch(_ key: Key) {
        if let i = order.firstIndex(of: key) { order.remove(at: i) }
        order.append(key)
    }
}
