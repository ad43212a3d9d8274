import Foundation
import HTTPTypes
import Hummingbird
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
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "pim"),
        logger: logger)
}

/// The router with every route of ``Route`` registered behind the guard, and the middleware chain:
/// security headers → errors → session → request log → routes.
public func buildRouter(_ configuration: ServerConfiguration, store: any Store) throws -> Router<PIMRequestContext> {
    let pages = try PageRenderer()
    let sessions = SessionStore(idleTimeout: configuration.sessionIdleTimeout)
    let catalog = DatasetCatalog(store: store, cache: OutputCache())
    let userLocks = UserLocks()
    let tokens = APITokens(store: store)
    let accounts = AccountService(store: store, sessions: sessions, locks: userLocks, configuration: configuration)
    let router = Router(context: PIMRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorMiddleware(pages: pages))
    router.add(middleware: SessionMiddleware(sessions: sessions, store: store, configuration: configuration, tokens: tokens))
    router.add(middleware: RequestLogMiddleware())

    var registry = RouteRegistry(router: router)
    AuthController(sessions: sessions, login: LoginService(store: store, configuration: configuration,
                                                           limiter: RateLimiter(window: configuration.rateLimitWindow)),
                   pages: pages, configuration: configuration).register(on: &registry)
    PageController(store: store, catalog: catalog, pages: pages, configuration: configuration).register(on: &registry)
    APIController(store: store, catalog: catalog).register(on: &registry)
    AccountPageController(store: store, accounts: accounts, tokens: tokens, pages: pages, configuration: configuration)
        .register(on: &registry)
    AccountAPIController(store: store, accounts: accounts, tokens: tokens, configuration: configuration).register(on: &registry)
    precondition(registry.registered == Set(Route.allCases), "Every route of the table has a handler.")
    return router
}

/// Builds the application and runs it until SIGINT or SIGTERM, then shuts down gracefully (the
/// ServiceGroup lets in-flight requests finish). The caller closes the store afterwards.
public func serve(_ configuration: ServerConfiguration, store: any Store, logger: Logger) async throws {
    let app = try buildApplication(configuration, store: store, logger: logger)
    try await app.runService()  // SIGTERM and SIGINT by default
}
