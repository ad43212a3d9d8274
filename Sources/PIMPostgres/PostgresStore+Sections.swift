import Logging
import PIMStorage
import PostgresNIO

extension PostgresStore {
    /// The in-process half of ``exclusively(_:_:)``: one section at a time in a process, whatever its key, so
    /// that sections never hold more than one of the pool's connections (each holds one for its lock while its
    /// body uses others: eight sections of eight datasets at once would hold the whole pool and wait forever).
    static let sections = KeyedLocks()

    /// Runs `body` holding a session-level advisory lock of `key` (`pg_advisory_lock`) on a pool connection kept
    /// for the section, so that no section of the same key runs meanwhile in any process using the database: a server and
    /// a `pim` command, or several servers. Within a process, sections run one at a time (see ``sections``).
    /// The lock is released when `body` ends, whatever it does, or by the server when the connection is lost.
    /// `body`'s own errors come through as they are, and its result is returned even if the release fails
    /// (the work is done; the lock then goes with the connection).
    public func exclusively<T: Sendable>(_ key: String, _ body: () async throws -> T) async throws -> T {
        try await Self.sections.run("sections") {
            let (group, id) = Self.advisoryKey(key)
            let result: Result<T, any Error>
            do {
                result = try await client.withConnection { conn -> Result<T, any Error> in
                    // (The row is read: the lock is held once it comes.)
                    for try await _ in try await conn.query("SELECT pg_advisory_lock(\(group), \(id))", logger: self.logger) {}
                    let outcome: Result<T, any Error>
                    do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
                    do {
                        for try await _ in try await conn.query("SELECT pg_advisory_unlock(\(group), \(id))", logger: self.logger) {}
                    } catch {
                        // The connection is closed rather than returned to the pool with the lock: the server then
                        // drops the lock with the session.
                        self.logger.warning("an exclusive section's advisory lock was not released; closing its connection")
                        try? await conn.close()
                    }
                    return outcome
                }
            } catch {
                throw Self.map(error)
            }
            return try result.get()
        }
    }

    /// The two-integer advisory lock key of a section: a constant for pim's sections, and the FNV-1a hash of the
    /// key's UTF-8 (two keys with one hash only wait for each other).
    public static func advisoryKey(_ key: String) -> (Int32, Int32) {
        var h: UInt32 = 0x811C_9DC5
        for b in key.utf8 {
            h ^= UInt32(b)
            h = h &* 0x0100_0193
        }
        return (7_355_603, Int32(bitPattern: h))
    }
}
