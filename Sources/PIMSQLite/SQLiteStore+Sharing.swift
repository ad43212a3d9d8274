import Foundation
import GRDB
import PIMCore
import PIMStorage

extension SQLiteStore {
    public func putDocument(kind: DocumentKind, id: String, json: String, audit: AuditDraft?) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO documents (kind, id, json, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (kind, id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
                    """,
                arguments: [kind.rawValue, id, json, StoredJSON.millis(Date())])
            if let audit { _ = try Self.appendAudit(db, audit) }
        }
    }

    public func document(kind: DocumentKind, id: String) async throws(StoreError) -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT json FROM documents WHERE kind = ? AND id = ?", arguments: [kind.rawValue, id])
        }
    }

    public func documents(kind: DocumentKind) async throws(StoreError) -> [(id: String, json: String)] {
        let rows = try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, json FROM documents WHERE kind = ? ORDER BY id", arguments: [kind.rawValue])
                .map { [$0["id"] as String, $0["json"] as String] }
        }
        return rows.map { (id: $0[0], json: $0[1]) }
    }

    public func recordConsent(datasetID: Dataset.ID, entries: [ConsentEntry], audit: AuditDraft) async throws(StoreError) {
        try await write { db in
            let statement = try db.makeStatement(sql: """
                INSERT INTO consent (dataset_id, record_id, purpose, granted, at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (dataset_id, record_id, purpose) DO UPDATE SET granted = excluded.granted, at = excluded.at
                WHERE excluded.at > consent.at OR (excluded.at = consent.at AND excluded.granted = 0)
                """)
            for e in entries {
                try statement.execute(arguments: [datasetID.rawValue, e.recordID, e.purpose, e.granted, StoredJSON.millis(e.at)])
            }
            _ = try Self.appendAudit(db, audit)
        }
    }

    public func consent(datasetID: Dataset.ID) async throws(StoreError) -> [ConsentEntry] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM consent WHERE dataset_id = ? ORDER BY record_id, purpose", arguments: [datasetID.rawValue])
                .map { ConsentEntry(recordID: $0["record_id"], purpose: $0["purpose"], granted: $0["granted"], at: StoredJSON.date($0["at"])) }
        }
    }

    public func secret(named name: String, orCreate make: @Sendable () -> Data) async throws(StoreError) -> Data {
        // A secret that exists is read without writing, so a read-only opening (beside a running server) has it.
        let existing = try await read { db in
            try String.fetchOne(db, sql: "SELECT value FROM workspace_secrets WHERE name = ?", arguments: [name])
        }
        if let existing {
            guard let data = Data(base64Encoded: existing) else { throw .corrupt("the workspace secret \"\(name)\" is damaged") }
            return data
        }
        let candidate = make().base64EncodedString()
        let text = try await write { db -> String in
            if let v = try String.fetchOne(db, sql: "SELECT value FROM workspace_secrets WHERE name = ?", arguments: [name]) { return v }
            let v = candidate
            try db.execute(sql: "INSERT INTO workspace_secrets (name, value, created_at) VALUES (?, ?, ?)",
                           arguments: [name, v, StoredJSON.millis(Date())])
            return v
        }
        guard let data = Data(base64Encoded: text) else { throw .corrupt("the workspace secret \"\(name)\" is damaged") }
        return data
    }
}
