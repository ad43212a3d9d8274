import Foundation
import GRDB
import PIMCore
import PIMStorage

extension SQLiteStore {
    public func workspace() async throws(StoreError) -> Workspace? {
        try await read { db in try Self.fetchWorkspace(db) }
    }

    static func fetchWorkspace(_ db: Database) throws -> Workspace? {
        guard let r = try Row.fetchOne(db, sql: "SELECT * FROM workspace LIMIT 1") else { return nil }
        return Workspace(
            id: .init(r["id"]), name: r["name"], country: r["country"],
            adminLevels: try StoredJSON.decode([String].self, r["admin_levels"], what: "admin levels"),
            createdAt: StoredJSON.date(r["created_at"]))
    }

    public func initialize(workspace: Workspace, administrator: User, replacingExisting: Bool, at: Date)
        async throws(StoreError)
    {
        let levels = try StoredJSON.encode(workspace.adminLevels)
        let draft = AuditDraft(
            at: at, actor: administrator.userName, action: .workspaceInitialized,
            details: ["workspace": workspace.id.rawValue, "country": workspace.country, "replaced": "\(replacingExisting)"])
        try await write { db in
            if let existing = try Self.fetchWorkspace(db) {
                guard replacingExisting else { throw StoreError.alreadyInitialized(workspace: existing.name) }
                try Self.eraseEverything(db)
            }
            try db.execute(
                sql: "INSERT INTO workspace (id, name, country, admin_levels, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [workspace.id.rawValue, workspace.name, workspace.country, levels, StoredJSON.millis(workspace.createdAt)])
            try Self.insertUser(db, administrator)
            _ = try Self.appendAudit(db, draft)
        }
    }

    /// Deletes every row and every version table (for `pim init --force`), inside the caller's transaction.
    static func eraseEverything(_ db: Database) throws {
        let tables = try String.fetchAll(db, sql: "SELECT table_name FROM dataset_versions")
        for t in tables where t.hasPrefix("rows_") && t.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            try db.execute(sql: "DROP TABLE IF EXISTS \(VersionTableLayout.quote(t))")
        }
        try db.execute(sql: "DROP TRIGGER IF EXISTS audit_events_no_delete")
        for t in ["audit_events", "audit_head", "consent", "documents", "workspace_secrets", "dataset_versions", "datasets", "users",
                  "organizations", "workspace"] {
            try db.execute(sql: "DELETE FROM \(t)")
        }
        try db.execute(sql: """
            CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
            """)
    }

    // MARK: - Organisations

    public func add(_ organization: Organization) async throws(StoreError) {
        let o = organization
        try await write { db in
            // Acronyms are unique without case: agreements, shares and partner users name organisations by it.
            // SQLite's lower() folds ASCII only, so the comparison is made here, for every script.
            let taken = try String.fetchAll(db, sql: "SELECT acronym FROM organizations")
            if taken.contains(where: { Organization.sameAcronym($0, o.acronym) }) {
                throw StoreError.conflict(kind: "organisation", key: o.acronym)
            }
            try db.execute(
                sql: "INSERT INTO organizations (id, name, acronym, kind, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [o.id.rawValue, o.name, o.acronym, o.kind.rawValue, StoredJSON.millis(o.createdAt)])
        }
    }

    public func organizations() async throws(StoreError) -> [Organization] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM organizations ORDER BY acronym").map(Self.organization(from:))
        }
    }

    public func organization(acronym: String) async throws(StoreError) -> Organization? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM organizations WHERE acronym = ?", arguments: [acronym])
                .map(Self.organization(from:))
        }
    }

    static func organization(from r: Row) throws -> Organization {
        guard let kind = Organization.Kind(rawValue: r["kind"]) else { throw StoreError.corrupt("unknown organisation type") }
        return Organization(
            id: .init(r["id"]), name: r["name"], acronym: r["acronym"], kind: kind,
            createdAt: StoredJSON.date(r["created_at"]))
    }

    // MARK: - Users

    public func add(_ user: User) async throws(StoreError) {
        try await write { db in try Self.insertUser(db, user) }
    }

    static func insertUser(_ db: Database, _ u: User) throws {
        // (Names that differ only in case are one name: the stored one is named.)
        if let existing = StoredNames.sameName(as: u.userName, among: try String.fetchAll(db, sql: "SELECT user_name FROM users")) {
            throw StoreError.conflict(kind: "user", key: existing)
        }
        try db.execute(
            sql: """
                INSERT INTO users (id, user_name, display_name, role, organization_id, password_hash, disabled,
                failed_logins, locked_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                u.id.rawValue, u.userName, u.displayName, u.role.rawValue, u.organizationID?.rawValue, u.passwordHash,
                u.isDisabled, u.failedLogins, u.lockedUntil.map(StoredJSON.millis), StoredJSON.millis(u.createdAt),
            ])
    }

    public func update(_ user: User) async throws(StoreError) {
        let u = user
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE users SET display_name = ?, role = ?, organization_id = ?, password_hash = ?, disabled = ?,
                    failed_logins = ?, locked_until = ? WHERE id = ?
                    """,
                arguments: [
                    u.displayName, u.role.rawValue, u.organizationID?.rawValue, u.passwordHash, u.isDisabled,
                    u.failedLogins, u.lockedUntil.map(StoredJSON.millis), u.id.rawValue,
                ])
            guard db.changesCount == 1 else { throw StoreError.notFound(kind: "user", key: u.userName) }
        }
    }

    public func recordFailedLogin(of user: User.ID, lockAfter: Int, lockUntil: Date) async throws(StoreError) -> User {
        let id = user.rawValue
        let until = StoredJSON.millis(lockUntil)
        return try await write { db in
            // One UPDATE: every expression reads the row as it was, and SQLite serialises writers.
            try db.execute(
                sql: """
                    UPDATE users SET
                    locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END,
                    failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END
                    WHERE id = ?
                    """,
                arguments: [lockAfter, until, lockAfter, id])
            guard db.changesCount == 1,
                  let row = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id])
            else { throw StoreError.notFound(kind: "user", key: id) }
            return try Self.user(from: row)
        }
    }

    public func clearFailedLogins(of user: User.ID) async throws(StoreError) {
        let id = user.rawValue
        try await write { db in
            try db.execute(sql: "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { throw StoreError.notFound(kind: "user", key: id) }
        }
    }

    public func user(named userName: String) async throws(StoreError) -> User? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE user_name = ?", arguments: [userName]).map(Self.user(from:))
        }
    }

    public func users() async throws(StoreError) -> [User] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY user_name").map(Self.user(from:)) }
    }

    static func user(from r: Row) throws -> User {
        guard let role = Role(rawValue: r["role"]) else { throw StoreError.corrupt("unknown role") }
        let org: String? = r["organization_id"]
        let locked: Int64? = r["locked_until"]
        return User(
            id: .init(r["id"]), userName: r["user_name"], displayName: r["display_name"], role: role,
            organizationID: org.map(Organization.ID.init), passwordHash: r["password_hash"], isDisabled: r["disabled"],
            failedLogins: r["failed_logins"], lockedUntil: locked.map(StoredJSON.date),
            createdAt: StoredJSON.date(r["created_at"]))
    }
}
