import Foundation
import PIMCore
import PIMStorage
import PostgresNIO

extension PostgresRandomAccessRow {
    func get<T: PostgresDecodable>(_ column: String, as: T.Type = T.self) throws -> T { try self[column].decode(T.self) }
}

extension PostgresStore {
    func rows(_ conn: PostgresConnection, _ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        var out: [PostgresRandomAccessRow] = []
        for try await row in try await conn.query(query, logger: logger) { out.append(row.makeRandomAccess()) }
        return out
    }

    // MARK: - Workspace

    public func workspace() async throws(StoreError) -> Workspace? {
        try await connection { conn in try await self.fetchWorkspace(conn) }
    }

    func fetchWorkspace(_ conn: PostgresConnection) async throws -> Workspace? {
        guard let r = try await rows(conn, "SELECT * FROM workspace LIMIT 1").first else { return nil }
        return Workspace(
            id: .init(try r.get("id")), name: try r.get("name"), country: try r.get("country"),
            adminLevels: try StoredJSON.decode([String].self, try r.get("admin_levels"), what: "admin levels"),
            createdAt: StoredJSON.date(try r.get("created_at")))
    }

    public func initialize(workspace: Workspace, administrator: User, replacingExisting: Bool, at: Date)
        async throws(StoreError)
    {
        let levels = try StoredJSON.encode(workspace.adminLevels)
        let draft = AuditDraft(
            at: at, actor: administrator.userName, action: .workspaceInitialized,
            details: ["workspace": workspace.id.rawValue, "country": workspace.country, "replaced": "\(replacingExisting)"])
        try await transaction { conn in
            if let existing = try await self.fetchWorkspace(conn) {
                guard replacingExisting else { throw StoreError.alreadyInitialized(workspace: existing.name) }
                try await self.eraseEverything(conn)
            }
            let created = StoredJSON.millis(workspace.createdAt)
            try await conn.query(
                """
                INSERT INTO workspace (id, name, country, admin_levels, created_at)
                VALUES (\(workspace.id.rawValue), \(workspace.name), \(workspace.country), \(levels), \(created))
                """, logger: self.logger)
            try await self.insertUser(conn, administrator)
            _ = try await self.appendAudit(conn, draft)
        }
    }

    func eraseEverything(_ conn: PostgresConnection) async throws {
        for r in try await rows(conn, "SELECT table_name FROM dataset_versions") {
            let t: String = try r.get("table_name")
            guard t.hasPrefix("rows_"), t.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
            try await conn.query("DROP TABLE IF EXISTS \(unescaped: VersionTableLayout.quote(t))", logger: logger)
        }
        // `pim init --force`, confirmed by the user, is the one way to empty the trail (in this transaction).
        try await conn.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only", logger: logger)
        try await conn.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_truncate", logger: logger)
        try await conn.query("ALTER TABLE audit_head DISABLE TRIGGER audit_head_no_truncate", logger: logger)
        try await conn.query(
            "TRUNCATE audit_events, audit_head, consent, documents, workspace_secrets, dataset_versions, datasets, users, organizations, workspace",
            logger: logger)
        try await conn.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only", logger: logger)
        try await conn.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_truncate", logger: logger)
        try await conn.query("ALTER TABLE audit_head ENABLE TRIGGER audit_head_no_truncate", logger: logger)
    }

    // MARK: - Organisations

    public func add(_ organization: Organization) async throws(StoreError) {
        let o = organization
        try await transaction { conn in
            // Acronyms are unique without case: agreements, shares and partner users name organisations by it.
            // PostgreSQL's lower() depends on the database's collation (a C-locale database folds ASCII only), so
            // the comparison is made here, for every script.
            let taken = try await self.rows(conn, "SELECT acronym FROM organizations").map { try $0.get("acronym", as: String.self) }
            if taken.contains(where: { Organization.sameAcronym($0, o.acronym) }) {
                throw StoreError.conflict(kind: "organisation", key: o.acronym)
            }
            let created = StoredJSON.millis(o.createdAt)
            try await conn.query(
                """
                INSERT INTO organizations (id, name, acronym, kind, created_at)
                VALUES (\(o.id.rawValue), \(o.name), \(o.acronym), \(o.kind.rawValue), \(created))
                """, logger: self.logger)
        }
    }

    public func organizations() async throws(StoreError) -> [Organization] {
        try await connection { conn in
            try await self.rows(conn, "SELECT * FROM organizations ORDER BY acronym").map(Self.organization(from:))
        }
    }

    public func organization(acronym: String) async throws(StoreError) -> Organization? {
        try await connection { conn in
            try await self.rows(conn, "SELECT * FROM organizations WHERE acronym = \(acronym)").first.map(Self.organization(from:))
        }
    }

    static func organization(from r: PostgresRandomAccessRow) throws -> Organization {
        guard let kind = Organization.Kind(rawValue: try r.get("kind")) else { throw StoreError.corrupt("unknown organisation type") }
        return Organization(
            id: .init(try r.get("id")), name: try r.get("name"), acronym: try r.get("acronym"), kind: kind,
            createdAt: StoredJSON.date(try r.get("created_at")))
    }

    // MARK: - Users

    public func add(_ user: User) async throws(StoreError) {
        try await transaction { conn in try await self.insertUser(conn, user) }
    }

    func insertUser(_ conn: PostgresConnection, _ u: User) async throws {
        // (Names that differ only in case are one name: the stored one is named.)
        let names: [String] = try await rows(conn, "SELECT user_name FROM users").map { try $0.get("user_name") }
        if let existing = StoredNames.sameName(as: u.userName, among: names) {
            throw StoreError.conflict(kind: "user", key: existing)
        }
        let locked = u.lockedUntil.map(StoredJSON.millis)
        let created = StoredJSON.millis(u.createdAt)
        try await conn.query(
            """
            INSERT INTO users (id, user_name, display_name, role, organization_id, password_hash, disabled,
            failed_logins, locked_until, created_at) VALUES (\(u.id.rawValue), \(u.userName), \(u.displayName),
            \(u.role.rawValue), \(u.organizationID?.rawValue), \(u.passwordHash), \(u.isDisabled), \(Int64(u.failedLogins)),
            \(locked), \(created))
            """, logger: logger)
    }

    public func update(_ user: User) async throws(StoreError) {
        let u = user
        try await transaction { conn in
            let locked = u.lockedUntil.map(StoredJSON.millis)
            let updated = try await self.rows(
                conn,
                """
                UPDATE users SET display_name = \(u.displayName), role = \(u.role.rawValue),
                organization_id = \(u.organizationID?.rawValue), password_hash = \(u.passwordHash),
                disabled = \(u.isDisabled), failed_logins = \(Int64(u.failedLogins)), locked_until = \(locked)
                WHERE id = \(u.id.rawValue) RETURNING id
                """)
            guard updated.count == 1 else { throw StoreError.notFound(kind: "user", key: u.userName) }
        }
    }

    public func recordFailedLogin(of user: User.ID, lockAfter: Int, lockUntil: Date) async throws(StoreError) -> User {
        let id = user.rawValue
        let until = StoredJSON.millis(lockUntil)
        let limit = Int64(lockAfter)
        return try await transaction { conn in
            // One UPDATE: the row lock serialises concurrent failures, and every expression reads the old row.
            let updated = try await self.rows(
                conn,
                """
                UPDATE users SET
                locked_until = CASE WHEN failed_logins + 1 >= \(limit) THEN \(until) ELSE locked_until END,
                failed_logins = CASE WHEN failed_logins + 1 >= \(limit) THEN 0 ELSE failed_logins + 1 END
                WHERE id = \(id) RETURNING *
                """)
            guard let row = updated.first else { throw StoreError.notFound(kind: "user", key: id) }
            return try Self.user(from: row)
        }
    }

    public func clearFailedLogins(of user: User.ID) async throws(StoreError) {
        let id = user.rawValue
        try await transaction { conn in
            let updated = try await self.rows(conn, "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = \(id) RETURNING id")
            guard updated.count == 1 else { throw StoreError.notFound(kind: "user", key: id) }
        }
    }

    public func user(named userName: String) async throws(StoreError) -> User? {
        try await connection { conn in
            try await self.rows(conn, "SELECT * FROM users WHERE user_name = \(userName)").first.map(Self.user(from:))
        }
    }

    public func users() async throws(StoreError) -> [User] {
        try await connection { conn in try await self.rows(conn, "SELECT * FROM users ORDER BY user_name").map(Self.user(from:)) }
    }

    static func user(from r: PostgresRandomAccessRow) throws -> User {
        guard let role = Role(rawValue: try r.get("role")) else { throw StoreError.corrupt("unknown role") }
        let org: String? = try r.get("organization_id")
        let locked: Int64? = try r.get("locked_until")
        let failed: Int64 = try r.get("failed_logins")
        return User(
            id: .init(try r.get("id")), userName: try r.get("user_name"), displayName: try r.get("display_name"),
            role: role, organizationID: org.map(Organization.ID.init), passwordHash: try r.get("password_hash"),
            isDisabled: try r.get("disabled"), failedLogins: Int(failed), lockedUntil: locked.map(StoredJSON.date),
            createdAt: StoredJSON.date(try r.get("created_at")))
    }

    // MARK: - Audit

    @discardableResult
    public func append(_ draft: AuditDraft) async throws(StoreError) -> AuditEvent {
        try await transaction { conn in try await self.appendAudit(conn, draft) }
    }

    /// Appends inside the caller's transaction. An advisory lock serialises appenders across servers.
    func appendAudit(_ conn: PostgresConnection, _ draft: AuditDraft) async throws -> AuditEvent {
        try await conn.query("SELECT pg_advisory_xact_lock(7355608002)", logger: logger)
        let head = try await rows(conn, "SELECT seq, hash FROM audit_head WHERE id = 1").first
        let seq: Int64 = (try head?.get("seq", as: Int64.self) ?? 0) + 1
        let prev: String = try head?.get("hash", as: String.self) ?? AuditEvent.genesisHash
        let event = AuditEvent(sequence: seq, draft: draft, previousHash: prev)
        let at = StoredJSON.millis(draft.at)
        let details = try StoredJSON.encode(draft.details)
        let count = draft.recordCount.map(Int64.init)
        try await conn.query(
            """
            INSERT INTO audit_events (seq, at, actor, action, dataset_id, organization_id, agreement_id, record_count,
            details, prev_hash, hash) VALUES (\(seq), \(at), \(draft.actor), \(draft.action.rawValue), \(draft.datasetID),
            \(draft.organizationID), \(draft.agreementID), \(count), \(details), \(prev), \(event.hash))
            """, logger: logger)
        try await conn.query(
            """
            INSERT INTO audit_head (id, seq, hash) VALUES (1, \(seq), \(event.hash))
            ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash
            """, logger: logger)
        return event
    }

    public func auditEvents(_ filter: AuditFilter) async throws(StoreError) -> [AuditEvent] {
        let from = filter.from.map(StoredJSON.millis) ?? Int64.min
        let to = filter.to.map(StoredJSON.millis) ?? Int64.max
        let events = try await connection { conn in
            try await self.rows(conn, "SELECT * FROM audit_events WHERE at >= \(from) AND at <= \(to) ORDER BY seq")
                .map(Self.auditEvent(from:))
        }
        let matching = events.filter(filter.matches)
        return filter.limit.map { Array(matching.prefix($0)) } ?? matching
    }

    static func auditEvent(from r: PostgresRandomAccessRow) throws -> AuditEvent {
        guard let action = AuditAction(rawValue: try r.get("action")) else { throw StoreError.corrupt("unknown audit action") }
        let count: Int64? = try r.get("record_count")
        let detailsText: String = try r.get("details")
        let draft = AuditDraft(
            at: StoredJSON.date(try r.get("at")), actor: try r.get("actor"), action: action,
            datasetID: try r.get("dataset_id"), organizationID: try r.get("organization_id"),
            agreementID: try r.get("agreement_id"), recordCount: count.map(Int.init),
            details: (try? StoredJSON.decode([String: String].self, detailsText, what: "audit details")) ?? ["?": "unreadable"])
        return AuditEvent(sequence: try r.get("seq"), draft: draft, previousHash: try r.get("prev_hash"), storedHash: try r.get("hash"))
    }

    public func verifyAuditChain() async throws(StoreError) -> AuditChainStatus {
        try await connection { conn in
            let events = try await self.rows(conn, "SELECT * FROM audit_events ORDER BY seq").map(Self.auditEvent(from:))
            let head = try await self.rows(conn, "SELECT seq, hash FROM audit_head WHERE id = 1").first
            let h: (Int64, String)? = try head.map { (try $0.get("seq"), try $0.get("hash")) }
            let workspace = try await !self.rows(conn, "SELECT 1 FROM workspace LIMIT 1").isEmpty
            return AuditChainStatus.verify(events, head: h, workspaceExists: workspace)
        }
    }
}
