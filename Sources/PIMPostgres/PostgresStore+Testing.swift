import Foundation
import PIMStorage
import PostgresNIO

extension PostgresStore {
    /// Creates a new empty database next to the one in `adminURL` and returns its URL. For tests and demos.
    public static func createScratchDatabase(adminURL: String, prefix: String = "pim_test") async throws -> String {
        let name = prefix + "_" + UUID().uuidString.lowercased().filter { $0.isHexDigit }.prefix(16)
        try await administer("CREATE DATABASE \(name)", adminURL: adminURL)
        guard var u = URLComponents(string: adminURL) else { throw StoreError.unavailable("bad admin URL") }
        u.path = "/" + name
        return u.string ?? adminURL
    }

    /// Drops a database that ``createScratchDatabase(adminURL:prefix:)`` made (its name must start with
    /// `prefix`), closing any connection still open to it, so that test runs leave nothing behind.
    public static func dropScratchDatabase(adminURL: String, url: String, prefix: String = "pim_test") async throws {
        guard let u = URLComponents(string: url) else { throw StoreError.unavailable("bad scratch URL") }
        let name = String(u.path.drop { $0 == "/" })
        guard name.hasPrefix(prefix + "_"), name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw StoreError.unavailable("not a scratch database")
        }
        try await administer("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", adminURL: adminURL)
    }

    /// Runs one statement (outside a transaction, as CREATE and DROP DATABASE need) on the admin database.
    private static func administer(_ sql: String, adminURL: String) async throws {
        let admin = try PostgresStore(url: adminURL)
        do {
            _ = try await admin.connection { conn in try await conn.query(PostgresQuery(unsafeSQL: sql), logger: admin.logger) }
        } catch {
            try await admin.close()
            throw error
        }
        try await admin.close()
    }

    /// Runs raw SQL in one transaction. Only for tests that simulate tampering.
    public func executeUnsafeForTesting(_ statements: [String]) async throws {
        try await transaction { conn in
            for s in statements { try await conn.query(PostgresQuery(unsafeSQL: s), logger: self.logger) }
        }
    }
}
