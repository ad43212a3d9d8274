import Foundation
import PIMStorage
import PostgresNIO

extension PostgresStore {
    /// Creates a new empty database next to the one in `adminURL` and returns its URL. For tests and demos.
    public static func createScratchDatabase(adminURL: String, prefix: String = "pim_test") async throws -> String {
        let admin = try PostgresStore(url: adminURL)
        let name = prefix + "_" + UUID().uuidString.lowercased().filter { $0.isHexDigit }.prefix(16)
        do {
            _ = try await admin.connection { conn in
                try await conn.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: admin.logger)
            }
        } catch {
            try await admin.close()
            throw error
        }
        try await admin.close()
        guard var u = URLComponents(string: adminURL) else { throw StoreError.unavailable("bad admin URL") }
        u.path = "/" + name
        return u.string ?? adminURL
    }

    /// Runs raw SQL in one transaction. Only for tests that simulate tampering.
    public func executeUnsafeForTesting(_ statements: [String]) async throws {
        try await transaction { conn in
            for s in statements { try await conn.query(PostgresQuery(unsafeSQL: s), logger: self.logger) }
        }
    }
}
