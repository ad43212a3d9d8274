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
    /// The clock for agreements' validity (partner viewers' access).
    var now: @Sendable () -> Date = { Date() }

    /// A dataset with its versions, oldest first.
    struct Entry: Sendable {
        var dataset: Dataset
        var versions: [DatasetVersion]
        var latest: DatasetVersion? { versions.last }
    }

    /// The datasets `role` may see, ordered by category and name.
    func visible(to role: Role) async throws -> [Entry] {
        var out: [Entry] = []
        for d in try await store.datasets() where DatasetAccess.canSee(d, role: role) {
            out.append(Entry(dataset: d, versions: try await store.versions(of: d.id)))
        }
        return out.sorted { ($0.dataset.category, $0.dataset.name) < ($1.dataset.category, $1.dataset.name) }
    }

    /// The datasets `viewer` may see (``DatasetAccess/canSee(_:viewer:at:)``), ordered by category and name.
    func visible(to viewer: Viewer) async throws -> [Entry] {
        let now = now()
        var out: [Entry] = []
        for d in try await store.datasets() where DatasetAccess.canSee(d, viewer: viewer, at: now) {
            out.append(Entry(dataset: d, versions: try await store.versions(of: d.id)))
        }
        return out.sorted { ($0.dataset.category, $0.dataset.name) < ($1.dataset.category, $1.dataset.name) }
    }

    /// The named dataset, or ``ServerError/notFound`` when it is missing or hidden from `viewer`.
    func entry(named name: String, viewer: Viewer) async throws -> Entry {
        guard let d = try await store.dataset(named: name), DatasetAccess.canSee(d, viewer: viewer, at: now()) else {
            throw ServerError.notFound
        }
        return Entry(dataset: d, versions: try await store.versions(of: d.id))
    }

    /// The named dataset, or ``ServerError/notFound`` when it is missing or hidden from `role`.
    func entry(named name: String, role: Role) async throws -> Entry {
        guard let d = try await store.dataset(named: name), DatasetAccess.canSee(d, role: role) else { throw ServerError.notFound }
        return Entry(dataset: d, versions: try await store.versions(of: d.id))
    }

    /// The latest version's rows.
    func latestTable(_ entry: Entry) async throws -> (DatasetVersion, Table) {
        guard let v = entry.latest else { throw ServerError.unprocessable("The dataset has no version yet; import a file first.") }
        return (v, try await store.table(of: v))
    }

    /// The category output of the latest version: shareable (policy and suppression applied, cells below
    /// `minCell` suppressed) or internal.
    func output(_ entry: Entry, shareable: Bool, minCell: Int = 5) async throws -> CategoryReport {
        guard let category = PIMCategory.ID(rawValue: entry.dataset.category) else {
            throw ServerError.unprocessable("The dataset's category has no output.")
        }
        guard let v = entry.latest else { throw ServerError.unprocessable("The dataset has no version yet; import a file first.") }
        let key = OutputCache.Key(version: v.id, shareable: shareable, minCell: shareable ? minCell : 0)
        if let cached = await cache.report(key) { return cached }
        let table = try await store.table(of: v)
        let report: CategoryReport
        do {
            report = shareable
                ? try CategoryOutputs.shareableReport(for: category, table: table, options: .init(minCell: minCell))
                : try CategoryOutputs.report(for: category, table: table)
        } catch {
            throw ServerError.unprocessable(String(describing: error))
        }
        await cache.store(report, for: key)
        return report
    }
}

/// A small cache of computed category outputs, keyed by immutable version id.
actor OutputCache {
    struct Key: Hashable, Sendable {
        var version: DatasetVersion.ID
        var shareable: Bool
        /// The shareable output's smallest cell (an agreement may ask more than 5 for partner viewers).
        var minCell: Int
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
