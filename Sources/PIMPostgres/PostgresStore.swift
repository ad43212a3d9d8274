import Foundation
import Logging
import PIMCore
import PIMStorage
import NIOSSL
import PostgresNIO

/// The store for multi-agency deployments: one PostgreSQL database, possibly shared by several pim servers.
///
/// Owns a `PostgresClient` whose `run()` loop lives in a task started at open and cancelled by ``close()``.
public final class PostgresStore: Store {
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    /// Opens a client for a `postgres://user[:password]@host[:port]/database` URL.
    /// - Throws: ``StoreError/unavailable(_:)`` for a URL pim cannot use (the password is never echoed).
    public init(url: String, logger: Logger = Logger(label: "pim.postgres")) throws(StoreError) {
        let config = try Self.configuration(from: url)
        self.logger = logger
        let client = PostgresClient(configuration: config)
        self.client = client
        runner = Task { await client.run() }
    }

    /// How the connection is encrypted, from the URL's `sslmode` (libpq's names and meanings).
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// No TLS (the default, for loopback and private networks).
        case disable
        /// TLS when the server offers it, else plain.
        case prefer
        /// TLS always, without checking the server's certificate.
        case require
        /// TLS always, with a certificate signed by a trusted authority (the host name is not checked).
        case verifyCA = "verify-ca"
        /// TLS always, with a trusted certificate for this host name.
        case verifyFull = "verify-full"

        /// The mode a URL asks for; a mode pim does not know is refused rather than ignored.
        public static func of(url: String) throws(StoreError) -> SSLMode {
            let items = URLComponents(string: url)?.queryItems ?? []
            guard let value = items.last(where: { $0.name == "sslmode" })?.value else { return .disable }
            guard let mode = SSLMode(rawValue: value) else {
                throw .unavailable("sslmode=\(value) is not supported; use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return mode
        }

        /// Whether and how TLS is used, with the certificate checks the mode asks for.
        enum TLSUse {
            case disable
            case prefer(TLSConfiguration)
            case require(TLSConfiguration)
        }

        var tls: (mode: TLSUse, pool: PostgresClient.Configuration.TLS) {
            var c = TLSConfiguration.makeClientConfiguration()
            switch self {
            case .disable: return (.disable, .disable)
            case .prefer:
                c.certificateVerification = .none
                return (.prefer(c), .prefer(c))
            case .require:
                c.certificateVerification = .none
                return (.require(c), .require(c))
            case .verifyCA:
                c.certificateVerification = .noHostnameVerification
                return (.require(c), .require(c))
            case .verifyFull:
                c.certificateVerification = .fullVerification
                return (.require(c), .require(c))
            }
        }
    }

    /// Parses a connection URL: user, password, host, port, database, and `sslmode` (``SSLMode``).
    static func configuration(from url: String) throws(StoreError) -> PostgresClient.Configuration {
        guard let u = URLComponents(string: url), u.scheme == "postgres" || u.scheme == "postgresql" else {
            throw .unavailable("the database URL must look like postgres://user@host:5432/database")
        }
        guard let host = u.host, !host.isEmpty, let user = u.user, !user.isEmpty else {
            throw .unavailable("the database URL must name a user and a host, as in postgres://user@host:5432/database")
        }
        let db = u.path.hasPrefix("/") ? String(u.path.dropFirst()) : u.path
        var c = PostgresClient.Configuration(
            host: host, port: u.port ?? 5432, username: user, password: u.password, database: db.isEmpty ? user : db,
            tls: try SSLMode.of(url: url).tls.pool)
        c.options.minimumConnections = 0
        c.options.maximumConnections = 8
        return c
    }

    public func close() async throws(StoreError) {
        runner.cancel()
        _ = await runner.value
    }

    // MARK: - Helpers

    static func map(_ error: any Error) -> StoreError {
        if let e = error as? StoreError { return e }
        if let t = error as? PostgresTransactionError {
            if let inner = t.closureError { return map(inner) }
            if let c = t.commitError { return map(c) }
            if let b = t.beginError { return map(b) }
        }
        if let e = error as? PSQLError {
            if let code = e.serverInfo?[.sqlState] {
                if code == "23505" {
                    // Another process wrote the same name or number at the same moment (two first imports of a
                    // new dataset, say): what it was, without the value (never data).
                    let kinds = ["datasets": "dataset", "dataset_versions": "dataset version", "users": "user",
                                 "organizations": "organisation", "consent": "consent decision"]
                    let kind = e.serverInfo?[.tableName].flatMap { kinds[$0] } ?? "record"
                    return .concurrentWrite(kind: kind)
                }
                if code.hasPrefix("23") { return .conflict(kind: "record", key: "constraint \(code)") }
                // The server answered: the database is there, it refused this (QA11 I9, I15, I21).
                switch code {
                case "42P07":
                    return .failed("the database already holds a table that pim uses but did not create; give pim a database of its own")
                case "53100": return .failed("the database server's disk is full; free some space and run the command again")
                case "22021", "22P05":
                    return .failed("a text holds a character PostgreSQL cannot store (a NUL character); remove it from the file")
                default: break
                }
                if code.hasPrefix("08") || code.hasPrefix("57") || code.hasPrefix("53") {
                    return .unavailable("PostgreSQL error \(code): \(e.serverInfo?[.message] ?? "")")
                }
                return .failed("PostgreSQL error \(code): \(e.serverInfo?[.message] ?? "")")
            }
            return .unavailable("cannot reach PostgreSQL (\(e.code.description))")
        }
        return .unavailable(String(describing: type(of: error)))
    }

    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        do {
            return try await client.withTransaction(logger: logger) { conn in try await body(conn) }
        } catch { throw Self.map(error) }
    }

    func connection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        do { return try await client.withConnection { conn in try await body(conn) } } catch { throw Self.map(error) }
    }

    // MARK: - Migrations

    public func migrate() async throws(StoreError) {
        try await transaction { conn in
            // One migrator at a time across servers.
            try await conn.query("SELECT pg_advisory_xact_lock(7355608001)", logger: self.logger)
            try await conn.query(
                "CREATE TABLE IF NOT EXISTS pim_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                logger: self.logger)
            var applied = Set<String>()
            for try await id in try await conn.query("SELECT id FROM pim_migrations", logger: self.logger).decode(String.self) {
                applied.insert(id)
            }
            for m in Migrations.all where !applied.contains(m.id) {
                for s in m.statements {
                    try await conn.query(PostgresQuery(unsafeSQL: PostgresDialect.translate(s)), logger: self.logger)
                }
                if m.id == "001-metadata" {
                    for (name, text) in Migrations.roleDescriptions {
                        try await conn.query("INSERT INTO roles (name, description) VALUES (\(name), \(text))", logger: self.logger)
                    }
                    try await conn.query(
                        """
                        CREATE OR REPLACE FUNCTION pim_audit_append_only() RETURNS trigger AS $$
                        BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$ LANGUAGE plpgsql
                        """, logger: self.logger)
                    try await conn.query(
                        """
                        CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
                        FOR EACH ROW EXECUTE FUNCTION pim_audit_append_only()
                        """, logger: self.logger)
                }
                let now = StoredJSON.millis(Date())
                try await conn.query("INSERT INTO pim_migrations (id, applied_at) VALUES (\(m.id), \(now))", logger: self.logger)
            }
            // Row triggers do not fire on TRUNCATE, which would empty the trail at once: refused too.
            let noTruncate = "pg-002-audit-no-truncate"
            if !applied.contains(noTruncate) {
                for table in ["audit_events", "audit_head"] {
                    try await conn.query(PostgresQuery(unsafeSQL: """
                        CREATE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table)
                        FOR EACH STATEMENT EXECUTE FUNCTION pim_audit_append_only()
                        """), logger: self.logger)
                }
                let now = StoredJSON.millis(Date())
                try await conn.query("INSERT INTO pim_migrations (id, applied_at) VALUES (\(noTruncate), \(now))", logger: self.logger)
            }
        }
    }
}

enum PostgresDialect {
    static func translate(_ sql: String) -> String {
        sql.replacingOccurrences(of: "$INT", with: "BIGINT").replacingOccurrences(of: "$REAL", with: "DOUBLE PRECISION")
            .replacingOccurrences(of: "$BOOL", with: "BOOLEAN")
    }
}
