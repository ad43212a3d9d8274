import PIMStorage
import PostgresNIO

extension PostgresStore {
    /// The in-process half of ``exclusively(_:_:)``: one connection per key and process is enough.
    static let sections = KeyedLocks()

    /// Runs `body` holding a session-level advisory lock of `key` (`pg_advisory_lock`) on a connection of its
    /// own, so that no section of the same key runs meanwhile in any process using the database: a server and
    /// a `pim` command, or several servers. The lock is released when `body` ends, whatever it does, or by the
    /// server when the connection is lost. `body`'s own errors come through as they are.
    public func exclusively<T: Sendable>(_ key: String, _ body: () async throws -> T) async throws -> T {
        try await Self.sections.run(key) {
            let (group, id) = Self.advisoryKey(key)
            let result: Result<T, any Error>
            do {
                result = try await client.withConnection { conn -> Result<T, any Error> in
                    try await conn.query("SELECT pg_advisory_lock(\(group), \(id))", logger: self.logger)
                    let outcome: Result<T, any Error>
                    do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
                    try await conn.query("SELECT pg_advisory_unlock(\(group), \(id))", logger: self.logger)
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
