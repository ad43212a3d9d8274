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
