import Foundation
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
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pim-lock-\(UUID().uuidString)")
        let first = try SQLiteStore(directory: dir, command: "pim output")
        try await first.migrate()
        // Given the holder closes a moment later
        let closing = Task.detached {
            try await Task.sleep(for: .milliseconds(300))
            try await first.close()
        }
        // When a second writer waits up to 20 s (off the concurrency pool: the wait blocks its thread)
        let started = Date()
        let second: SQLiteStore = try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                c.resume(with: Result { try SQLiteStore(directory: dir, command: "pim output", waitingForLock: 20) })
            }
        }
        // Then it gets in, after the holder closed and well before the limit
        #expect(Date().timeIntervalSince(started) < 19)
        try await closing.value
        try await second.close()
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
