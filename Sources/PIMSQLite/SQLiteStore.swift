import Foundation
import GRDB
import PIMCore
import PIMStorage
import PIMTable

/// The embedded default store: `<data dir>/pim.sqlite` in WAL mode with `synchronous=FULL` and foreign keys on.
///
/// A writable store holds the data directory's lock for its lifetime (see ``DirectoryLock``).
public final class SQLiteStore: Store {
    public enum Mode: Sendable { case readWrite, readOnly }

    let pool: DatabasePool
    let directory: URL
    /// The data directory this store lives in.
    public var dataDirectory: URL { directory }
    private let lock: DirectoryLock?

    /// The database file inside a data directory.
    public static func databaseURL(in directory: URL) -> URL { directory.appendingPathComponent("pim.sqlite") }

    /// Opens (creating when writable) the store in `directory`.
    /// - Parameter command: what this process is doing, written into the lock file for other writers to read.
    /// - Throws: ``StoreError/locked(path:holder:)`` when another process writes the directory.
    /// - Parameter waitingForLock: seconds a writer waits for another pim process to release the data directory
    ///   before it is refused (0: refused at once).
    public init(directory: URL, mode: Mode = .readWrite, command: String = "pim", waitingForLock: Double = 0) throws(StoreError) {
        self.directory = directory
        if mode == .readWrite {
            // The data directory and the database hold every dataset and the workspace's keys: readable by the
            // account that runs pim only (0700 and 0600, whatever the umask). SQLite gives its WAL and
            // shared-memory files the database file's permissions, so the database file is made first.
            let fm = FileManager.default
            do {
                if !fm.fileExists(atPath: directory.path) {
                    try fm.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                }
            } catch {
                throw .unavailable("cannot create the data directory \(directory.path)")
            }
            let database = Self.databaseURL(in: directory).path
            if !fm.fileExists(atPath: database) {
                _ = fm.createFile(atPath: database, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            for file in [database, database + "-wal", database + "-shm"] where fm.fileExists(atPath: file) {
                try? fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            }
            do { lock = try DirectoryLock(directory: directory, command: command, waiting: waitingForLock) } catch {
                switch error {
                case .held(let holder): throw .locked(path: directory.path, holder: holder)
                case .cannotOpen(let p, let e): throw .unavailable("cannot open the lock file \(p): \(DirectoryLock.reason(errno: e))")
                }
            }
        } else {
            guard Self.holdsDatabase(directory) else { throw .notInitialized }
            lock = nil
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        // Deleted records are overwritten, not left in free pages of the file (QA11 I11); see ``truncateLog()``.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
        config.readonly = mode == .readOnly
        config.label = "pim"
        do {
            pool = try DatabasePool(path: Self.databaseURL(in: directory).path, configuration: config)
            if mode == .readWrite {
                // GRDB sets synchronous=NORMAL when it enables WAL; pim wants every commit durable (FULL).
                // A pool has a single writer connection, so setting it once covers every write.
                try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            }
        } catch {
            lock?.release()
            let path = Self.databaseURL(in: directory).path
            if let e = error as? DatabaseError, [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(e.resultCode.primaryResultCode) {
                // SQLite's own text may quote bytes of the damaged file; say what it means instead.
                throw .unavailable("\(path) is damaged or is not a pim database; restore it from a backup")
            }
            throw .unavailable("cannot open \(path): \(Self.describe(error))")
        }
        // A reader does not migrate: a SQLite file without pim's tables (another program's database, or one whose
        // first `pim init` never ran) holds no workspace, rather than failing later on a missing table.
        if mode == .readOnly, (try? pool.read { try $0.tableExists("workspace") }) != true {
            try? pool.close()
            throw .notInitialized
        }
    }

    /// Whether `directory` holds a database that may contain a workspace: `pim.sqlite` exists and it, or its
    /// write-ahead log, is not empty. An empty file (left by an interrupted first `pim init`, or made by hand)
    /// holds no workspace.
    public static func holdsDatabase(_ directory: URL) -> Bool {
        let database = databaseURL(in: directory).path
        func size(_ path: String) -> UInt64? {
            (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? UInt64
        }
        guard let main = size(database) else { return false }
        return main > 0 || (size(database + "-wal") ?? 0) > 0
    }

    public func close() async throws(StoreError) {
        do { try pool.close() } catch { throw .unavailable("could not close the database cleanly") }
        lock?.release()
    }

    // MARK: - Helpers

    /// Maps any driver error to a ``StoreError`` without SQL arguments (GRDB keeps them private by default).
    static func map(_ error: any Error) -> StoreError {
        if let e = error as? StoreError { return e }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_CONSTRAINT: return .conflict(kind: "record", key: e.message ?? "constraint")
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .unavailable("the database is busy")
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt("the SQLite file is damaged")
            case .SQLITE_READONLY: return .unavailable("the database is open read-only")
            // (QA11 I21: a full disk was reported as an unavailable database.)
            case .SQLITE_FULL: return .failed("the disk is full; free some space and run the command again")
            case .SQLITE_ERROR where (e.message ?? "").hasSuffix("already exists"):
                return .failed("the database already holds a table that pim uses but did not create; give pim a data directory of its own")
            case .SQLITE_IOERR: return .failed("the disk could not be written (an input/output error); check the disk and run the command again")
            default: return .unavailable(e.message ?? "SQLite error \(e.resultCode.rawValue)")
            }
        }
        return .unavailable(String(describing: type(of: error)))
    }

    static func describe(_ error: any Error) -> String {
        (error as? DatabaseError)?.message ?? String(describing: type(of: error))
    }

    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await pool.write(body) } catch { throw Self.map(error) }
    }

    /// Checkpoints the write-ahead log into the database and truncates it to nothing, so that the pages a deletion
    /// overwrote do not stay readable in old frames of `pim.sqlite-wal` (QA11 I11). Best effort: a reader holding
    /// an old snapshot leaves the log as it is until the next truncation.
    func truncateLog() async {
        _ = try? await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await pool.read(body) } catch { throw Self.map(error) }
    }

    // MARK: - Migrations

    public func migrate() async throws(StoreError) {
        var migrator = DatabaseMigrator()
        for m in Migrations.all {
            migrator.registerMigration(m.id) { db in
                for s in m.statements { try db.execute(sql: SQLiteDialect.translate(s)) }
                if m.id == "001-metadata" {
                    for (name, text) in Migrations.roleDescriptions {
                        try db.execute(sql: "INSERT INTO roles (name, description) VALUES (?, ?)", arguments: [name, text])
                    }
                    // Append-only audit trail: edits need the trigger dropped first, which `audit verify` still catches.
                    try db.execute(sql: """
                        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
                        """)
                    try db.execute(sql: """
                        CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
                        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
                        """)
                }
            }
        }
        do { try migrator.migrate(pool) } catch { throw Self.map(error) }
    }

    /// Whether some of pim's migrations have not run on this database yet (a workspace written by an older pim).
    /// Readers do not migrate, so a command that only reads asks this first and has a writer migrate.
    public func needsMigration() async throws(StoreError) -> Bool {
        let done = try await read { db -> Set<String> in
            guard try db.tableExists("grdb_migrations") else { return [] }
            return Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
        }
        return Migrations.all.contains { !done.contains($0.id) }
    }
}

enum SQLiteDialect {
    static func translate(_ sql: String) -> String {
        sql.replacingOccurrences(of: "$INT", with: "INTEGER").replacingOccurrences(of: "$REAL", with: "REAL")
            .replacingOccurrences(of: "$BOOL", with: "INTEGER")
    }
}

extension SQLiteStore {
    /// `journal_mode`, `synchronous` and `foreign_keys` of a writing connection, for diagnostics and tests.
    public func pragmas() async throws(StoreError) -> (journalMode: String, synchronous: Int, foreignKeys: Int) {
        try await write { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
            let sync = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            let fk = try Int.fetchOne(db, sql: "PRAGMA foreign_keys") ?? -1
            return (mode, sync, fk)
        }
    }
}
