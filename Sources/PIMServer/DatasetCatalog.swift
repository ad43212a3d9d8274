import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCategories
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMStorage
import PIMTable

/// Reads datasets for a user, applying the object-level rules of ``DatasetAccess``: a dataset the user
/// may not see is reported as missing. Category outputs are cached per version (versions never change).
struct DatasetCatalog: Sendable {
    let store: any Store
    let cache: OutputCache

    /// A dataset with its versions, oldest first, and the rows its viewer may see.
    struct Entry: Sendable {
        var dataset: Dataset
        /// For a viewer restricted to some rows, each version's `rowCount` is the number of visible rows.
        var versions: [DatasetVersion]
        var scope: RowScope = .all
        /// The versions as stored (true row counts), for loading rows; nil when not restricted.
        var stored: [DatasetVersion]?
        var latest: DatasetVersion? { versions.last }
        /// The latest version as stored, to load its rows.
        var latestStored: DatasetVersion? { (stored ?? versions).last }
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

    /// The signed-in user as a dataset viewer; a supervisor's team is read from the `team` document.
    func viewer(_ context: PIMRequestContext) async throws -> DatasetViewer {
        guard let user = context.user else { throw ServerError.unauthenticated }
        var team: Set<String> = []
        if user.role == .supervisor { team = try await Teams(store: store).memberNames(of: user.id) }
        return DatasetViewer(role: user.role, userName: user.userName, organizationID: user.organizationID, team: team)
    }

    /// The datasets `viewer` may see, with row counts restricted to their rows.
    func visible(to viewer: DatasetViewer) async throws -> [Entry] {
        var out: [Entry] = []
        for d in try await store.datasets() where DatasetAccess.canSee(d, viewer: viewer) {
            out.append(try await restricted(d, viewer: viewer))
        }
        return out.sorted { ($0.dataset.category, $0.dataset.name) < ($1.dataset.category, $1.dataset.name) }
    }

    /// The named dataset as `viewer` may see it, or ``ServerError/notFound``.
    func entry(named name: String, viewer: DatasetViewer) async throws -> Entry {
        guard let d = try await store.dataset(named: name), DatasetAccess.canSee(d, viewer: viewer) else { throw ServerError.notFound }
        return try await restricted(d, viewer: viewer)
    }

    private func restricted(_ d: Dataset, viewer: DatasetViewer) async throws -> Entry {
        let scope = DatasetAccess.rowScope(for: viewer)
        let stored = try await store.versions(of: d.id)
        var versions = stored
        if scope != .all {
            let assignment = CaseAssignment.field(in: d.schema)
            for i in versions.indices {
                guard let assignment else { versions[i].rowCount = 0; continue }
                let column = try await store.table(of: stored[i], columns: [assignment])
                versions[i].rowCount = CaseAssignment.visibleRows(of: column, assignment: assignment, scope: scope)?.count ?? 0
            }
        }
        return Entry(dataset: d, versions: versions, scope: scope, stored: scope == .all ? nil : stored)
    }

    /// The latest version's rows (only the viewer's rows when the entry is restricted).
    func latestTable(_ entry: Entry) async throws -> (DatasetVersion, Table) {
        guard let v = entry.latestStored else { throw ServerError.unprocessable("The dataset has no version yet; import a file first.") }
        return (v, try await rows(of: v, entry))
    }

    private func rows(of v: DatasetVersion, _ entry: Entry) async throws -> Table {
        let table = try await store.table(of: v)
        return CaseAssignment.restrict(table, assignment: CaseAssignment.field(in: entry.dataset.schema), scope: entry.scope)
    }

    /// The category output of the latest version: shareable (policy and suppression applied) or internal.
    func output(_ entry: Entry, shareable: Bool) async throws -> CategoryReport {
        guard let category = PIMCategory.ID(rawValue: entry.dataset.category) else {
            throw ServerError.unprocessable("The dataset's category has no output.")
        }
        guard let v = entry.latestStored else { throw ServerError.unprocessable("The dataset has no version yet; import a file first.") }
        let key = OutputCache.Key(version: v.id, shareable: shareable)
        // Restricted viewers' outputs are computed from their rows and never cached.
        let cacheable = entry.scope == .all
        if cacheable, let cached = await cache.report(key) { return cached }
        let table = try await rows(of: v, entry)
        let report: CategoryReport
        do {
            report = shareable
                ? try CategoryOutputs.shareableReport(for: category, table: table)
                : try CategoryOutputs.report(for: category, table: table)
        } catch {
            throw ServerError.unprocessable(String(describing: error))
        }
        if cacheable { await cache.store(report, for: key) }
        return report
    }
}

/// A small cache of computed category outputs, keyed by immutable version id.
actor OutputCache {
    struct Key: Hashable, Sendable {
        var version: DatasetVersion.ID
        var shareable: Bool
    }

    private var reports: [Key: CategoryReport] = [:]
    private var order: [Key] = []
    private let capacity: Int

    init(capacity: Int = 32) { self.capacity = capacity }

    func report(_ key: Key) -> CategoryReport? { reports[key] }

    func store(_ report: CategoryReport, for key: Key) {
        if reports[key] == nil { order.append(key) }
        reports[key] = report
        while order.count > capacity { reports[order.removeFirst()] = nil }
    }
}
