import Foundation
import GRDB
import PIMSQLite
import PIMStorage
import PIMTesting
import Testing

/// What a person is told when the data directory cannot be used: one sentence in words, never raw driver text.
@Suite struct SQLiteOpenErrorTests {
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pim-open-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func emptyDatabaseFileHoldsNoWorkspace() throws {
        let dir = try Self.scratch()
        #expect(!SQLiteStore.holdsDatabase(dir))
        #expect(FileManager.default.createFile(atPath: SQLiteStore.databaseURL(in: dir).path, contents: Data()))
        #expect(!SQLiteStore.holdsDatabase(dir))
        #expect(throws: StoreError.notInitialized) { _ = try SQLiteStore(directory: dir, mode: .readOnly) }
    }

    /// QA11 I9: a database that already holds a table of a name pim uses is refused in words, not as "unavailable".
    @Test func aDatabaseWithATableOfPimsNamesIsRefusedInWords() async throws {
        let dir = try Self.scratch()
        let queue = try DatabaseQueue(path: SQLiteStore.databaseURL(in: dir).path)
        try await queue.write { try $0.execute(sql: "CREATE TABLE users (id INTEGER)") }
        try queue.close()
        let store = try SQLiteStore(directory: dir)
        do {
            try await store.migrate()
            Issue.record("the migration should have failed")
        } catch {
            #expect(error.description.hasPrefix("The database did not store this"), "\(error)")
            #expect(error.description.contains("already holds a table that pim uses"), "\(error)")
        }
        try await store.close()
    }

    @Test func aSQLiteFileWithoutPimsTablesHoldsNoWorkspace() async throws {
        let dir = try Self.scratch()
        let queue = try DatabaseQueue(path: SQLiteStore.databaseURL(in: dir).path)
        try await queue.write { try $0.execute(sql: "CREATE TABLE foo (x); INSERT INTO foo VALUES (1)") }
        try queue.close()
        #expect(throws: StoreError.notInitialized) { _ = try SQLiteStore(directory: dir, mode: .readOnly) }
    }

    /// A workspace written by an older pim (here: before "002-deleted-versions") is seen to need migrating, so
    /// that commands which only read bring it up to date first instead of failing on a missing column.
    @Test func aWorkspaceFromAnOlderPimNeedsMigrating() async throws {
        let dir = try Self.scratch()
        let store = try SQLiteStore(directory: dir, command: "pim tests")
        try await store.migrate()
        try await store.initialize(workspace: Fixtures.workspace(), administrator: Fixtures.user(), replacingExisting: false, at: Fixtures.epoch)
        #expect(try await store.needsMigration() == false)
        try await store.close()
        let queue = try DatabaseQueue(path: SQLiteStore.databaseURL(in: dir).path)
        try await queue.write { db in
            try db.execute(sql: "ALTER TABLE dataset_versions DROP COLUMN deleted_at")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = '002-deleted-versions'")
        }
        try queue.close()
        let reader = try SQLiteStore(directory: dir, mode: .readOnly)
        #expect(try await reader.needsMigration())
        try await reader.close()
        let writer = try SQLiteStore(directory: dir, command: "pim tests")
        try await writer.migrate()
        #expect(try await writer.needsMigration() == false)
        try await writer.close()
    }

    @Test func initialisedDatabaseIsRecognised() async throws {
        let dir = try Self.scratch()
        let store = try SQLiteStore(directory: dir, command: "pim tests")
        try await store.migrate()
        try await store.close()
        #expect(SQLiteStore.holdsDatabase(dir))
    }

    @Test func damagedFileIsNamedWithoutItsBytes() throws {
        let dir = try Self.scratch()
        // 8 KiB of a fixed non-SQLite pattern, including bytes that are not UTF-8.
        let junk = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 0x80) })
        #expect(FileManager.default.createFile(atPath: SQLiteStore.databaseURL(in: dir).path, contents: junk))
        let error = #expect(throws: StoreError.self) { _ = try SQLiteStore(directory: dir, mode: .readOnly) }
        let path = SQLiteStore.databaseURL(in: dir).path
        #expect(error?.description == "The database is unavailable: \(path) is damaged or is not a pim database; restore it from a backup.")
    }

    @Test func dataDirectoryThatIsAFileIsExplainedInWords() throws {
        let dir = try Self.scratch()
        let file = dir.appendingPathComponent("not-a-dir")
        #expect(FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8)))
        let error = #expect(throws: StoreError.self) { _ = try SQLiteStore(directory: file, command: "pim tests") }
        let text = error?.description ?? ""
        #expect(text.contains("not a directory"))
        #expect(!text.contains("errno"))
    }
}
