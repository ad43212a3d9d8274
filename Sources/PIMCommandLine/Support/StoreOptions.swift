import ArgumentParser
import Foundation
import PIMPostgres
import PIMSQLite
import PIMStorage

/// `--data-dir` / `--database`, shared by every command that touches stored data.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Data directory of the embedded SQLite store (default ./pim-data, or PIM_DATA_DIR).", valueName: "dir"))
    var dataDir: String?

    @Option(name: .long, help: ArgumentHelp("PostgreSQL URL, e.g. postgres://pim@127.0.0.1:5432/pim (or PIM_DATABASE_URL).", valueName: "url"))
    var database: String?

    func validate() throws {
        if dataDir != nil, database != nil {
            throw ValidationError("Give either --data-dir (SQLite) or --database (PostgreSQL), not both.")
        }
        // An empty --data-dir would mean the current directory, and an empty --database the data directory.
        if dataDir?.isEmpty == true { throw ValidationError("--data-dir must name a directory (the default is ./pim-data).") }
        if database?.isEmpty == true { throw ValidationError("--database must be a URL such as postgres://user@host:5432/database.") }
    }

    var configuration: Configuration { Configuration.resolve(dataDir: dataDir, database: database) }

    /// Opens the configured store and migrates it.
    /// - Parameter writing: whether this command writes; SQLite then takes the data directory's lock.
    func openStore(writing: Bool, command: String, waitingForLock: Double = 0) async throws -> any Store {
        let store: any Store
        switch configuration.backend {
        case .sqlite(let dir):
            // Only `pim init` and `pim serve` (its demo) create a store: any other command given a directory
            // without one (a typo in --data-dir) leaves nothing behind.
            let creates = ["pim init", "pim serve"].contains(command)
            if !creates, !SQLiteStore.holdsDatabase(dir) {
                throw CLIError(StoreError.notInitialized.description)
            }
            let opened = try SQLiteStore(directory: dir, mode: writing ? .readWrite : .readOnly, command: command, waitingForLock: waitingForLock)
            if !writing, try await opened.needsMigration() {
                // A workspace written by an older pim: bring it up to date once (as any writing command would),
                // then read. If another pim writes the directory, the lock error names it.
                try await opened.close()
                let writer = try SQLiteStore(directory: dir, mode: .readWrite, command: command)
                do { try await writer.migrate() } catch {
                    try? await writer.close()
                    throw error
                }
                try await writer.close()
                store = try SQLiteStore(directory: dir, mode: .readOnly, command: command)
            } else {
                store = opened
            }
        case .postgres(let url):
            try await PostgresStore.checkConnection(url: url)
            let pg = try PostgresStore(url: url)
            // Likewise a database without pim's tables is not given them by a command that only reads.
            if !writing, !(try await pg.isMigrated()) {
                try? await pg.close()
                throw CLIError(StoreError.notInitialized.description)
            }
            store = pg
        }
        if writing || !isSQLite { try await store.migrate() }
        return store
    }

    /// Whether a store may exist: a PostgreSQL URL, or a SQLite data directory holding a database (checked
    /// before opening it for writing, which would create one).
    var storeExists: Bool {
        switch configuration.backend {
        case .sqlite(let dir): FileManager.default.fileExists(atPath: SQLiteStore.databaseURL(in: dir).path)
        case .postgres: true
        }
    }

    private var isSQLite: Bool { if case .sqlite = configuration.backend { true } else { false } }

    /// Opens the store, runs `body`, and always closes the store.
    /// - Parameter waitingForLock: for a short write, seconds to wait for another pim process writing the data
    ///   directory before giving up (see ``SQLiteStore/init(directory:mode:command:waitingForLock:)``).
    func withStore<T>(writing: Bool, command: String, waitingForLock: Double = 0, _ body: (any Store) async throws -> T) async throws -> T {
        let store = try await openStore(writing: writing, command: command, waitingForLock: waitingForLock)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// A one-sentence error for the terminal; exits with status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
