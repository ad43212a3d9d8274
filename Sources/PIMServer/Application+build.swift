import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import Logging
import PIMCore
import PIMStorage

/// Builds pim's web application around a store. `pim serve` and the tests call the same factory.
///
/// ```swift
/// let app = try buildApplication(ServerConfiguration(port: 8080), store: store)
/// try await app.runService()   // stops gracefully on SIGINT / SIGTERM
/// ```
public func buildApplication(
    _ configuration: ServerConfiguration, store: any Store, logger: Logger = Logger(label: "pim.server")
) throws -> some ApplicationProtocol {
    let router = try buildRouter(configuration, store: store)
    let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(configuration.connectionIdleTimeout))
    let server: HTTPServerBuilder = if let tls = configuration.tls {
        try .tls(.http1(configuration: http1), tlsConfiguration: tls.configuration())
    } else {
        .http1(configuration: http1)
    }
    return Application(
        router: router, server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "pim"),
        logger: logger)
}

extension TLSFiles {
    /// A server TLS configuration (TLS 1.2 or later) from the PEM files.
    /// - Throws: ``ServerError`` naming the file that cannot be read.
    func configuration() throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificate) } catch {
            throw TLSFileError(file: certificate, what: "a PEM certificate")
        }
        guard !chain.isEmpty else { throw TLSFileError(file: certificate, what: "a PEM certificate") }
        let privateKey: NIOSSLPrivateKey
        do { privateKey = try NIOSSLPrivateKey(file: key, format: .pem) } catch {
            throw TLSFileError(file: key, what: "an unencrypted PEM private key")
        }
        var c = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        c.minimumTLSVersion = .tlsv12
        return c
    }
}

/// A TLS file that cannot be used; names the file, never its contents.
public struct TLSFileError: Error, CustomStringConvertible {
    public var file: String
    public var what: String
    public var description: String { "\(file) cannot be read as \(what)." }
}

/// The router with every route of ``Route`` registered behind the guard, and the middleware chain:
/// security headers → errors → session → request log → routes.
public func buildRouter(_ configuration: ServerConfiguration, store: any Store) throws -> Router<PIMRequestContext> {
    let pages = try PageRenderer()
    let sessions = SessionStore(idleTimeout: configuration.sessionIdleTimeout, capacity: configuration.sessionCapacity,
                                anonymousCapacity: configuration.anonymousSessionCapacity)
    let catalog = DatasetCatalog(store: store, now: configuration.now)
    if configuration.warmCachesAtStart {
        // Low priority: requests come first; a request for an output being warmed shares the computation.
        Task(priority: .background) { await catalog.warm() }
    }
    let userLocks = UserLocks()
    let tokens = APITokens(store: store)
    let accounts = AccountService(store: store, sessions: sessions, locks: userLocks, configuration: configuration)
    let router = Router(context: PIMRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: configuration.secureCookies))
    router.add(middleware: ErrorMiddleware(pages: pages))
    router.add(middleware: SessionMiddleware(sessions: sessions, store: store, configuration: configuration, tokens: tokens))
    router.add(middleware: RequestLogMiddleware())

    // Upload folders of an earlier run are orphans: sweep them.
    configuration.uploads.sweepStale()
    var registry = RouteRegistry(router: router, uploads: configuration.uploads, store: store)
    let imports = ImportState()
    // Uploads their owner can no longer import (signed out, disabled, idle, or a day old) are deleted within a minute.
    imports.startSweeping(every: 60, sessions: sessions, store: store, now: configuration.now)
    AuthController(sessions: sessions, login: LoginService(store: store, configuration: configuration,
                                                           limiter: RateLimiter(window: configuration.rateLimitWindow)),
                   pages: pages, configuration: configuration, imports: imports).register(on: &registry)
    PageController(store: store, catalog: catalog, pages: pages, configuration: configuration).register(on: &registry)
    APIController(store: store, catalog: catalog).register(on: &registry)
    ImportController(store: store, catalog: catalog, pages: pages, configuration: configuration, imports: imports)
        .register(on: &registry)
    DisclosurePageController(store: store, catalog: catalog, pages: pages).register(on: &registry)
    AggregatePageController(store: store, catalog: catalog, pages: pages).register(on: &registry)
    DataAPIController(store: store, catalog: catalog, configuration: configuration).register(on: &registry)
    AccountPageController(store: store, accounts: accounts, tokens: tokens, pages: pages, configuration: configuration)
        .register(on: &registry)
    AccountAPIController(store: store, accounts: accounts, tokens: tokens, configuration: configuration).register(on: &registry)
    // Sharing
    let desk = SharingDesk(store: store, now: configuration.now)
    SharingPageController(store: store, desk: desk, pages: pages).register(on: &registry)
    SharingAPIController(store: store, desk: desk).register(on: &registry)
    precondition(registry.registered == Set(Route.allCases), "Every route of the table has a handler.")
    return router
}

/// Builds the application and runs it until SIGINT or SIGTERM, then shuts down gracefully (the
/// ServiceGroup lets in-flight requests finish). The caller closes the store afterwards.
public func serve(_ configuration: ServerConfiguration, store: any Store, logger: Logger) async throws {
    let app = try buildApplication(configuration, store: store, logger: logger)
    try await app.runService()  // SIGTERM and SIGINT by default
}
