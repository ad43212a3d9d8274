import Foundation
import PIMCore
import PIMStorage
import PostgresNIO

extension PostgresStore {
    public func putDocument(kind: DocumentKind, id: String, json: String, audit: AuditDraft?) async throws(StoreError) {
        let now = StoredJSON.millis(Date())
        try await transaction { conn in
            try await conn.query(
                """
                INSERT INTO documents (kind, id, json, updated_at) VALUES (\(kind.rawValue), \(id), \(json), \(now))
                ON CONFLICT (kind, id) DO UPDATE SET json = EXCLUDED.json, updated_at = EXCLUDED.updated_at
                """, logger: self.logger)
            if let audit { _ = try await self.appendAudit(conn, audit) }
        }
    }

    public func document(kind: DocumentKind, id: String) async throws(StoreError) -> String? {
        try await connection { conn in
            try await self.rows(conn, "SELECT json FROM documents WHERE kind = \(kind.rawValue) AND id = \(id)").first?.get("json", as: String.self)
        }
    }

    public func documents(kind: DocumentKind) async throws(StoreError) -> [(id: String, json: String)] {
        let rows = try await connection { conn in
            try await self.rows(conn, "SELECT id, json FROM documents WHERE kind = \(kind.rawValue) ORDER BY id")
                .map { [try $0.get("id", as: String.self), try $0.get("json", as: String.self)] }
        }
        return rows.map { (id: $0[0], json: $0[1]) }
    }

    public func recordConsent(datasetID: Dataset.ID, entries: [ConsentEntry], audit: AuditDraft) async throws(StoreError) {
        try await transaction { conn in
            // Batched with UNNEST: one statement per 5,000 decisions.
            var start = 0
            while start < entries.count {
                let batch = entries[start..<min(start + 5000, entries.count)]
                let ids = batch.map(\.recordID), purposes = batch.map(\.purpose), granted = batch.map(\.granted)
                let at = batch.map { StoredJSON.millis($0.at) }
                try await conn.query(
                    """
                    INSERT INTO consent (dataset_id, record_id, purpose, granted, at)
                    SELECT \(datasetID.rawValue), r, p, g, a FROM UNNEST(\(ids)::text[], \(purposes)::text[], \(granted)::bool[], \(at)::int8[]) AS u(r, p, g, a)
                    ON CONFLICT (dataset_id, record_id, purpose) DO UPDATE SET granted = EXCLUDED.granted, at = EXCLUDED.at
                    WHERE EXCLUDED.at > consent.at OR (EXCLUDED.at = consent.at AND NOT EXCLUDED.granted)
                    """, logger: self.logger)
                start += 5000
            }
            _ = try await self.appendAudit(conn, audit)
        }
    }

    public func consent(datasetID: Dataset.ID) async throws(StoreError) -> [ConsentEntry] {
        try await connection { conn in
            try await self.rows(conn, "SELECT * FROM consent WHERE dataset_id = \(datasetID.rawValue) ORDER BY record_id, purpose").map {
                ConsentEntry(recordID: try $0.get("record_id"), purpose: try $0.get("purpose"), granted: try $0.get("granted"),
                             at: StoredJSON.date(try $0.get("at")))
            }
        }
    }

    public func secret(named name: String, orCreate make: @Sendable () -> Data) async throws(StoreError) -> Data {
        let candidate = make().base64EncodedString()
        let now = StoredJSON.millis(Date())
        let text = try await transaction { conn in
            try await conn.query(
                "INSERT INTO workspace_secrets (name, value, created_at) VALUES (\(name), \(candidate), \(now)) ON CONFLICT (name) DO NOTHING",
                logger: self.logger)
            return try await self.rows(conn, "SELECT value FROM workspace_secrets WHERE name = \(name)").first?.get("value", as: String.self) ?? candidate
        }
        guard let data = Data(base64Encoded: text) else { throw .corrupt("the workspace secret \"\(name)\" is damaged") }
        return data
    }
}
