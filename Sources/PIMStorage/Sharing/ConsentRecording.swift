import Foundation
import PIMCore
import PIMTable

/// Records consent decisions for records of a dataset, audited with counts only: what `pim consent` and the
/// web API (`POST /api/v1/datasets/{name}/consent`) both do.
public enum ConsentRecording {
    /// What recording did.
    public struct Outcome: Sendable, Hashable, Codable {
        /// Decisions stored (each now the record's latest for the purpose).
        public var applied: Int
        /// Decisions not applied: a later decision (or a withdrawal at the same instant) is stored.
        public var superseded: Int
        /// Record ids that match no record of the latest version (a typo, or consent taken before the import).
        public var unknown: Int
    }

    /// Stores `granted` (or withdrawn) consent for `purpose` of the records `ids` of `dataset`, taken at `at`,
    /// with one `consent.changed` event by `actor` at `now` (ids and counts only).
    /// - Throws: ``ConsentError/noRecordIDField(dataset:)`` when no share could ever match a decision to a record;
    ///   ``StoreError``.
    public static func record(
        ids: [String], purpose: ConsentPurpose, granted: Bool, at: Date, dataset d: Dataset, in s: any Store,
        actor: String, now: Date
    ) async throws -> Outcome {
        let latest = try await s.versions(of: d.id).last
        if let latest, ConsentFilter.recordIDField(in: latest.schema) == nil { throw ConsentError.noRecordIDField(dataset: d.name) }
        let entries = ids.map { ConsentEntry(recordID: $0, purpose: purpose.rawValue, granted: granted, at: at) }
        let (applied, superseded) = ConsentEntry.split(entries, over: try await s.consent(datasetID: d.id))
        var unknown = 0
        if let v = latest, let field = ConsentFilter.recordIDField(in: v.schema), let column = try await s.table(of: v, columns: [field])[field] {
            var known = Set<String>()
            if case .text(_, let dictionary) = column.data {
                known = Set(dictionary)
            } else {
                for r in 0..<column.count where !column.isNull(r) { known.insert(column[r].plainText) }
            }
            unknown = ids.filter { !known.contains($0) }.count
        }
        if !applied.isEmpty {
            try await s.recordConsent(datasetID: d.id, entries: applied, audit: AuditDraft(
                at: now, actor: actor, action: .consentChanged, datasetID: d.id.rawValue, recordCount: applied.count,
                details: ["purpose": purpose.rawValue, "decision": granted ? "granted" : "withdrawn",
                          "superseded": String(superseded.count)]))
        }
        return Outcome(applied: applied.count, superseded: superseded.count, unknown: unknown)
    }
}
