import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PIMSQLite
import PIMStorage
import Testing

@Suite struct SQLiteLockTests {
    @Test func secondWriterIsToldWhoHoldsTheDirectory() async throws {
        // Given a writer holding a data directory
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pim-lock-\(UUID().uuidString)")
        let first = try SQLiteStore(directory: dir, command: "pim serve")
        try await first.migrate()
        // When a second writer opens it, then it is refused with the holder named
        let error = #expect(throws: StoreError.self) { _ = try SQLiteStore(directory: dir, command: "pim import") }
        guard case .locked(let path, let holder)? = error else {
            Issue.record("expected a lock error, got \(String(describing: error))")
            return
        }
        #expect(path == dir.path)
        #expect(holder.contains("pim serve"))
        #expect(holder.contains("pid \(ProcessInfo.processInfo.processIdentifier)"))
        #expect(error?.description.contains("go through the running server") == true)
        // A reader is not blocked.
        let reader = try SQLiteStore(directory: dir, mode: .readOnly)
        #expect(try await reader.workspace() == nil)
        try await reader.close()
        // After the first closes, a new writer gets in.
        try await first.close()
        let second = try SQLiteStore(directory: dir, command: "pim import")
        try await second.close()
    }

    /// QA11 C17: a writer whose write takes milliseconds (the audit event of a viewed output) waits for the lock,
    /// instead of failing because another such writer holds it for an instant.
    @Test func aWriterAskedToWaitGetsInOnceTheHolderCloses() async throws {
        // Given another process's lock on the directory (taken here on a descriptor of its own), released a moment
        // later by a plain thread (not the concurrency pool, which other tests may keep busy)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pim-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let fd = open(dir.appendingPathComponent("pim.lock").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        // A writer that does not wait is refused at once
        #expect(throws: StoreError.self) { _ = try SQLiteStore(directory: dir, command: "pim output") }
        let started = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
            _ = flock(fd, LOCK_UN)
            close(fd)
        }
        // When a writer waits up to 20 s, then it gets in once the lock is released, well before the limit
        let second = try SQLiteStore(directory: dir, command: "pim output", waitingForLock: 20)
        #expect(Date().timeIntervalSince(started) < 19)
        try await second.close()
        // A running server holds the directory for good: a writer asked to wait is refused at once
        let server = try SQLiteStore(directory: dir, command: "pim serve")
        let before = Date()
        #expect(throws: StoreError.self) { _ = try SQLiteStore(directory: dir, command: "pim output", waitingForLock: 20) }
        #expect(Date().timeIntervalSince(before) < 5)
        try await server.close()
    }

    /// The data directory and the database files are the running account's only (0700, 0600), whatever the
    /// umask; a database left readable by others by an earlier version is tightened when opened.
    @Test func theDataDirectoryAndItsFilesAreReadableByTheirOwnerOnly() async throws {
        func mode(_ path: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pim-perm-\(UUID().uuidString)")
        let store = try SQLiteStore(directory: dir)
        try await store.migrate()
        let db = SQLiteStore.databaseURL(in: dir).path
        #expect(mode(dir.path) == 0o700)
        for file in [db, db + "-wal", db + "-shm", dir.appendingPathComponent("pim.lock").path] {
            #expect(mode(file) == 0o600, "\(file): \(String(mode(file), radix: 8))")
        }
        try await store.close()
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: db)
        let again = try SQLiteStore(directory: dir)
        #expect(mode(db) == 0o600)
        try await again.close()
    }

    @Test func walAndFullSynchronousAreOn() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pim-pragma-\(UUID().uuidString)")
        let store = try SQLiteStore(directory: dir)
        try await store.migrate()
        let (mode, sync, fk) = try await store.pragmas()
        #expect(mode == "wal")
        #expect(sync == 2)  // FULL
        #expect(fk == 1)
        try await store.close()
    }
}
