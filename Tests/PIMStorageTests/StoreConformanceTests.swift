import Foundation
import GRDB
import PIMPostgres
import PIMSQLite
import PIMStorage
import PIMTesting
import Testing

struct SQLiteBackend: StoreTestBackend {
    let name = "SQLite"
    let disableAuditTriggerSQL = ["DROP TRIGGER IF EXISTS audit_events_no_update", "DROP TRIGGER IF EXISTS audit_events_no_delete"]

    func makeStore() async throws -> any Store {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pim-test-\(UUID().uuidString)")
        let store = try SQLiteStore(directory: dir, command: "pim tests")
        try await store.migrate()
        return store
    }

    func executeRaw(_ statements: [String], on store: any Store) async throws {
        guard let s = store as? SQLiteStore else { return }
        let queue = try DatabaseQueue(path: SQLiteStore.databaseURL(in: s.dataDirectory).path)
        try await queue.write { db in for sql in statements { try db.execute(sql: sql) } }
        try queue.close()
    }
}

struct PostgresBackend: StoreTestBackend {
    let name = "PostgreSQL"
    let adminURL: String
    let disableAuditTriggerSQL = ["ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"]

    func makeStore() async throws -> any Store { try await makeScratch().store }

    /// A migrated store in a new database, and the database's URL (for ``drop(_:)``).
    func makeScratch() async throws -> (store: PostgresStore, url: String) {
        let url = try await PostgresStore.createScratchDatabase(adminURL: adminURL)
        let store = try PostgresStore(url: url)
        try await store.migrate()
        return (store, url)
    }

    /// Closes the store and drops its database, so that test runs leave no databases behind.
    func drop(_ scratch: (store: PostgresStore, url: String)) async throws {
        try await scratch.store.close()
        try await PostgresStore.dropScratchDatabase(adminURL: adminURL, url: scratch.url)
    }

    func executeRaw(_ statements: [String], on store: any Store) async throws {
        guard let s = store as? PostgresStore else { return }
        try await s.executeUnsafeForTesting(statements)
    }
}

/// The PostgreSQL URL for tests. In CI (`CI=true`) it must be set: no silent skipping there.
enum PostgresTestEnvironment {
    static let url = ProcessInfo.processInfo.environment["PIM_TEST_POSTGRES_URL"]
    static let required = ProcessInfo.processInfo.environment["CI"] == "true"
}

@Suite struct SQLiteStoreConformanceTests {
    @Test(arguments: StoreConformanceSuite.checks)
    func conforms(_ check: StoreCheck) async throws {
        let backend = SQLiteBackend()
        let store = try await backend.makeStore()
        try await check.run(store, backend)
        try await store.close()
    }
}

@Suite struct PostgresStoreConformanceTests {
    @Test func postgresIsConfiguredInCI() {
        // In CI the suite below must really run against PostgreSQL.
        #expect(!PostgresTestEnvironment.required || PostgresTestEnvironment.url != nil,
                "CI=true but PIM_TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL")
    }

    @Test(.enabled(if: PostgresTestEnvironment.url != nil), arguments: StoreConformanceSuite.checks)
    func conforms(_ check: StoreCheck) async throws {
        let backend = PostgresBackend(adminURL: try #require(PostgresTestEnvironment.url))
        let scratch = try await backend.makeScratch()
        do {
            try await check.run(scratch.store, backend)
        } catch {
            try? await backend.drop(scratch)
            throw error
        }
        try await backend.drop(scratch)
    }
}
