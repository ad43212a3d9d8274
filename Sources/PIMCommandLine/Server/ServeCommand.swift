import ArgumentParser
import Foundation
import Logging
import PIMCore
import PIMServer
import PIMStorage

/// `pim serve`: the web workspace (pages and the JSON API) over the configured store.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web workspace and the JSON API (/api/v1) over the data directory or database.",
        discussion: """
            Examples:
              pim serve                                  http://127.0.0.1:8080 over ./pim-data
              pim serve --port 9000 --data-dir /srv/pim
              pim serve --host 0.0.0.0 --secure-cookies --trust-forwarded-for   behind a TLS reverse proxy
              pim serve --tls-cert cert.pem --tls-key key.pem              HTTPS (cookies become Secure)
              pim serve --demo                           a demo workspace with synthetic data in ./pim-demo
            Sign in with a workspace user (`pim init` creates the first administrator). With --demo, pim creates \
            (once; later runs reuse it) a workspace with synthetic data for the eight categories, four \
            organisations, a user of every role and an active agreement, and prints the demo logins; its \
            passwords are public, so never put real data in it. The server is the \
            one process that writes the data directory while it runs. Ctrl-C (SIGINT) or SIGTERM stops it \
            gracefully. Environment: PIM_HOST, PIM_PORT, PIM_MAX_UPLOAD_MB. Uploads wait in DATA-DIR/uploads.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "Address to listen on (default 127.0.0.1, or PIM_HOST).") var host: String?
    @Option(help: "Port to listen on (default 8080, or PIM_PORT).") var port: Int?
    @Flag(help: "Mark cookies Secure: use when pim is reached over HTTPS (e.g. behind a TLS proxy).") var secureCookies = false
    @Flag(help: "Take client addresses from X-Forwarded-For (only behind a trusted reverse proxy).") var trustForwardedFor = false
    @Option(help: "Largest file the web import and the API upload accept, in MB (default 512, or PIM_MAX_UPLOAD_MB).") var maxUploadMb: Int?
    @Flag(help: "Create (once) and serve a demo workspace with synthetic data (default data dir ./pim-demo).") var demo = false
    @Option(help: "Seconds a connection may stay without a complete request before it is closed (default 30).") var idleTimeout: Int = 30
    @Option(help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (give --tls-key too).", valueName: "file")) var tlsCert: String?
    @Option(help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file")) var tlsKey: String?

    func validate() throws {
        if let port, !(1...65_535).contains(port) { throw ValidationError("--port must be between 1 and 65535.") }
        if let maxUploadMb, !(1...1_000_000).contains(maxUploadMb) { throw ValidationError("--max-upload-mb must be between 1 and 1000000.") }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("Give --tls-cert and --tls-key together.") }
        if !(1...3600).contains(idleTimeout) { throw ValidationError("--idle-timeout must be between 1 and 3600 seconds.") }
    }

    /// The store options: with --demo and neither --data-dir nor --database, `./pim-demo` (the environment's
    /// PIM_DATA_DIR / PIM_DATABASE_URL are ignored so that a real workspace never receives the demo).
    var effectiveStore: StoreOptions {
        var s = store
        if demo, s.dataDir == nil, s.database == nil { s.dataDir = "pim-demo" }
        return s
    }

    /// Flags, then `PIM_HOST` / `PIM_PORT`, then defaults.
    func serverConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerConfiguration {
        let envPort = try environment["PIM_PORT"].map { text -> Int in
            guard let p = Int(text), (1...65_535).contains(p) else { throw ValidationError("PIM_PORT must be a port number.") }
            return p
        }
        let envUpload = try environment["PIM_MAX_UPLOAD_MB"].map { text -> Int in
            guard let n = Int(text), (1...1_000_000).contains(n) else { throw ValidationError("PIM_MAX_UPLOAD_MB must be a number of megabytes.") }
            return n
        }
        var configuration = ServerConfiguration(host: host ?? environment["PIM_HOST"] ?? "127.0.0.1", port: port ?? envPort ?? 8080,
                                   secureCookies: secureCookies, trustForwardedFor: trustForwardedFor,
                                   tls: tlsCert.flatMap { c in tlsKey.map { TLSFiles(certificate: c, key: $0) } },
                                   maxUploadBytes: (maxUploadMb ?? envUpload ?? 512) * 1024 * 1024)
        configuration.connectionIdleTimeout = Int64(idleTimeout)
        return configuration
    }

    func run() async throws {
        var configuration = try serverConfiguration()
        configuration.warmCachesAtStart = true
        let store = effectiveStore
        // A SQLite workspace's uploads go next to its data (its directory is locked by this server). Servers
        // of a PostgreSQL database may run side by side: each claims a folder of its own, and deletes those of
        // servers that are gone (killed ones included; QA9 review F9).
        var processFolder: UploadProcessFolder?
        var abandoned = 0
        if case .sqlite(let dir) = store.configuration.backend {
            configuration.uploadDirectory = dir.appendingPathComponent("uploads")
        } else {
            do {
                abandoned = UploadProcessFolder.discardAbandoned()
                let folder = try UploadProcessFolder()
                processFolder = folder
                configuration.uploadDirectory = folder.directory
            } catch {
                throw CLIError("The server cannot store uploads: \(UploadProcessFolder.defaultParent.path) is not a private, writable directory of this user.")
            }
        }
        defer { processFolder?.release() }
        let s = try await store.openStore(writing: true, command: "pim serve")
        do {
            if demo { try await seedDemo(s, store: store) }
            guard try await s.workspace() != nil else { throw CLIError(StoreError.notInitialized.description) }
            var logger = Logger(label: "pim.server")
            logger.logLevel = .info
            let address = "\(configuration.tls == nil ? "http" : "https")://\(configuration.host):\(configuration.port)"
            if demo { printDemoLogins(address: address) }
            // Uploads left waiting for confirmation by an earlier run cannot be confirmed any more: deleted.
            // (The data directory is locked by this process; a PostgreSQL server's uploads are in a folder of its own.)
            let uploads = configuration.uploads.directory
            let leftovers = UploadSettings.discardLeftovers(in: uploads)
            if leftovers > 0 { logger.info("deleted \(leftovers) upload(s) an earlier run left unconfirmed") }
            if abandoned > 0 { logger.info("deleted the upload folders of \(abandoned) server(s) that stopped without deleting them") }
            logger.info("pim serves \(store.configuration.backendDescription) at \(address) (Ctrl-C stops)")
            try await serve(configuration, store: s, logger: logger)
            UploadSettings.discardLeftovers(in: uploads)
            try await s.close()
        } catch {
            try? await s.close()
            throw error
        }
    }

    /// Creates or completes the demo workspace; the generated files go next to the data.
    private func seedDemo(_ s: any Store, store: StoreOptions) async throws {
        let files: URL = switch store.configuration.backend {
        case .sqlite(let dir): dir.appendingPathComponent("demo-files", isDirectory: true)
        case .postgres: URL(fileURLWithPath: "pim-demo-files", isDirectory: true).standardizedFileURL
        }
        let outcome: DemoWorkspace.Outcome
        do { outcome = try await DemoWorkspace.seed(into: s, files: files) } catch let e as DemoWorkspace.SeedError {
            throw CLIError(e.description)
        }
        Self.say(outcome.created
              ? "Created the demo workspace in \(store.configuration.backendDescription) (generated files in \(files.path)).\n"
              : "Reusing the demo workspace in \(store.configuration.backendDescription).\n")
    }

    private func printDemoLogins(address: String) {
        let width = DemoWorkspace.accounts.map(\.userName.count).max() ?? 8
        let roleWidth = DemoWorkspace.accounts.map(\.role.rawValue.count).max() ?? 8
        var text = """

            WARNING: this is a DEMO workspace with synthetic data. Its passwords are printed here and published
            in pim's documentation: never put real data in it.

            Open \(address) and sign in as one of (user name, role, organisation, password):

            """
        for a in DemoWorkspace.accounts {
            let name = a.userName.padding(toLength: width, withPad: " ", startingAt: 0)
            let role = a.role.rawValue.padding(toLength: roleWidth, withPad: " ", startingAt: 0)
            text += "  \(name)  \(role)  \(a.organization.padding(toLength: 4, withPad: " ", startingAt: 0))  \(a.password)\n"
        }
        Self.say(text + "\n")
    }

    /// Writes to standard output at once (not buffered), so the address shows before the server's log.
    private static func say(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
