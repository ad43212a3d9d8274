import ArgumentParser
import Foundation
import Logging
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
            Sign in with a workspace user (`pim init` creates the first administrator). The server is the
            one process that writes the data directory while it runs. Ctrl-C (SIGINT) or SIGTERM stops it
            gracefully. Environment: PIM_HOST, PIM_PORT, PIM_MAX_UPLOAD_MB. Uploads wait in DATA-DIR/uploads.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "Address to listen on (default 127.0.0.1, or PIM_HOST).") var host: String?
    @Option(help: "Port to listen on (default 8080, or PIM_PORT).") var port: Int?
    @Flag(help: "Mark cookies Secure: use when pim is reached over HTTPS (e.g. behind a TLS proxy).") var secureCookies = false
    @Flag(help: "Take client addresses from X-Forwarded-For (only behind a trusted reverse proxy).") var trustForwardedFor = false
    @Option(help: "Largest file the web import and the API upload accept, in MB (default 512, or PIM_MAX_UPLOAD_MB).") var maxUploadMb: Int?

    func validate() throws {
        if let port, !(1...65_535).contains(port) { throw ValidationError("--port must be between 1 and 65535.") }
        if let maxUploadMb, !(1...1_000_000).contains(maxUploadMb) { throw ValidationError("--max-upload-mb must be between 1 and 1000000.") }
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
        return ServerConfiguration(host: host ?? environment["PIM_HOST"] ?? "127.0.0.1", port: port ?? envPort ?? 8080,
                                   secureCookies: secureCookies, trustForwardedFor: trustForwardedFor,
                                   maxUploadBytes: (maxUploadMb ?? envUpload ?? 512) * 1024 * 1024)
    }

    func run() async throws {
        var configuration = try serverConfiguration()
        if case .sqlite(let dir) = store.configuration.backend { configuration.uploadDirectory = dir.appendingPathComponent("uploads") }
        let s = try await store.openStore(writing: true, command: "pim serve")
        do {
            guard try await s.workspace() != nil else { throw CLIError(StoreError.notInitialized.description) }
            var logger = Logger(label: "pim.server")
            logger.logLevel = .info
            logger.info("pim serves \(store.configuration.backendDescription) at http://\(configuration.host):\(configuration.port) (Ctrl-C stops)")
            try await serve(configuration, store: s, logger: logger)
            try await s.close()
        } catch {
            try? await s.close()
            throw error
        }
    }
}
