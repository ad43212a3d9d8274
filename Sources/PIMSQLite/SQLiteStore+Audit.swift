import Foundation
import GRDB
import PIMCore
import PIMStorage

extension SQLiteStore {
    @discardableResult
    public func append(_ draft: AuditDraft) async throws(StoreError) -> AuditEvent {
        try await write { db in try Self.appendAudit(db, draft) }
    }

    /// Appends inside the caller's write transaction: reads the chain head, links, inserts, moves the head.
    static func appendAudit(_ db: Database, _ draft: AuditDraft) throws -> AuditEvent {
        let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_head WHERE id = 1")
        let seq: Int64 = (head?["seq"] ?? 0) + 1
        let prev: String = head?["hash"] ?? AuditEvent.genesisHash
        let event = AuditEvent(sequence: seq, draft: draft, previousHash: prev)
        try db.execute(
            sql: """
                INSERT INTO audit_events (seq, at, actor, action, dataset_id, organization_id, agreement_id,
                record_count, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                seq, StoredJSON.millis(draft.at), draft.actor, draft.action.rawValue, draft.datasetID,
                draft.organizationID, draft.agreementID, draft.recordCount, try StoredJSON.encode(draft.details), prev,
                event.hash,
            ])
        try db.execute(
            sql: "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            arguments: [seq, event.hash])
        return event
    }

    public func auditEvents(_ filter: AuditFilter) async throws(StoreError) -> [AuditEvent] {
        try await read { db in
            var sql = "SELECT * FROM audit_events WHERE 1 = 1"
            var args: [any DatabaseValueConvertible] = []
            if let a = filter.actor { sql += " AND actor = ?"; args.append(a) }
            if let a = filter.action { sql += " AND action = ?"; args.append(a.rawValue) }
            if let d = filter.datasetID { sql += " AND dataset_id = ?"; args.append(d) }
            if let o = filter.organizationID {
                args.append(o)
                if filter.organizationAgreements.isEmpty {
                    sql += " AND organization_id = ?"
                } else {
                    sql += " AND (organization_id = ? OR agreement_id IN (" + filter.organizationAgreements.map { _ in "?" }.joined(separator: ", ") + "))"
                    args.append(contentsOf: filter.organizationAgreements)
                }
            }
            if let f = filter.from { sql += " AND at >= ?"; args.append(StoredJSON.millis(f)) }
            if let t = filter.to { sql += " AND at <= ?"; args.append(StoredJSON.millis(t)) }
            sql += " ORDER BY seq"
            if let l = filter.limit { sql += " LIMIT ?"; args.append(l) }
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(Self.auditEvent(from:))
        }
    }

    static func auditEvent(from r: Row) throws -> AuditEvent {
        guard let action = AuditAction(rawValue: r["action"]) else { throw StoreError.corrupt("unknown audit action") }
        let draft = AuditDraft(
            at: StoredJSON.date(r["at"]), actor: r["actor"], action: action, datasetID: r["dataset_id"],
            organizationID: r["organization_id"], agreementID: r["agreement_id"], recordCount: r["record_count"],
            details: (try? StoredJSON.decode([String: String].self, r["details"], what: "audit details")) ?? ["?": "unreadable"])
        return AuditEvent(sequence: r["seq"], draft: draft, previousHash: r["prev_hash"], storedHash: r["hash"])
    }

    public func verifyAuditChain() async throws(StoreError) -> AuditChainStatus {
        try await read { db in
            let events = try Row.fetchAll(db, sql: "SELECT * FROM audit_events ORDER BY seq").map(Self.auditEvent(from:))
            let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_head WHERE id = 1")
            let workspace = try Row.fetchOne(db, sql: "SELECT 1 FROM workspace LIMIT 1") != nil
            return AuditChainStatus.verify(events, head: head.map { ($0["seq"], $0["hash"]) }, workspaceExists: workspace)
        }
    }
}
