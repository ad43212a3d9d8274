import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PIMStorage
import PostgresNIO

extension PostgresStore {
    /// Opens one connection with the URL's settings and closes it again, so that a server that cannot be
    /// reached, a database that does not exist, a refused sign-in or a server without TLS (when `sslmode`
    /// asks for it) is reported as such at once. (The connection pool retries such failures in the
    /// background and its error names none of them.) The password is never part of a message.
    /// - Throws: ``StoreError/unavailable(_:)`` naming the cause.
    public static func checkConnection(url: String, logger: Logger = Logger(label: "pim.postgres")) async throws(StoreError) {
        // The same reading of the URL as the pool's (which refuses a URL pim cannot use).
        let pool = try configuration(from: url)
        let host = pool.host ?? "", port = pool.port ?? 5432, user = pool.username, database = pool.database ?? user
        let mode = try SSLMode.of(url: url)
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch mode.tls.mode {
            case .disable: tls = .disable
            case .prefer(let c): tls = .prefer(try NIOSSLContext(configuration: c))
            case .require(let c): tls = .require(try NIOSSLContext(configuration: c))
            }
        } catch {
            throw .unavailable("TLS could not be set up for sslmode=\(mode.rawValue)")
        }
        var config = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: pool.password, database: database, tls: tls)
        config.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: config, id: 0, logger: logger
            ).get()
            try? await connection.close().get()
        } catch let e as PSQLError {
            throw .unavailable(explain(e, host: host, port: port, user: user, database: database, mode: mode))
        } catch {
            throw .unavailable("cannot connect to \(host):\(port) (\(type(of: error)))")
        }
    }

    /// A PostgreSQL failure to connect, in words.
    static func explain(_ e: PSQLError, host: String, port: Int, user: String, database: String, mode: SSLMode) -> String {
        switch e.code {
        case .sslUnsupported:
            return "the server at \(host):\(port) does not offer TLS, which sslmode=\(mode.rawValue) requires"
        case .failedToAddSSLHandler:
            return "TLS could not be set up with the server at \(host):\(port)"
        case .server:
            switch e.serverInfo?[.sqlState] {
            case "3D000": return "database \"\(database)\" does not exist on \(host):\(port)"
            case "28P01", "28000": return "the server at \(host):\(port) refused the sign-in of user \"\(user)\" (wrong password, or not allowed)"
            case "53300": return "the server at \(host):\(port) has too many connections"
            case let state?: return "the server at \(host):\(port) refused the connection (SQLSTATE \(state))"
            case nil: return "the server at \(host):\(port) refused the connection"
            }
        case .authMechanismRequiresPassword:
            return "the server at \(host):\(port) asks a password for user \"\(user)\"; put it in the URL or PIM_DATABASE_URL"
        default:
            return "cannot connect to \(host):\(port) (is PostgreSQL running there and reachable?)"
        }
    }

    /// Whether pim's tables exist in this database (a read must not create them in a database given by mistake).
    public func isMigrated() async throws(StoreError) -> Bool {
        try await connection { conn in
            try await !self.rows(conn, "SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = 'pim_migrations'").isEmpty
        }
    }
}
