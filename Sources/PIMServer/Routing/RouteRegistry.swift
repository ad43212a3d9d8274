import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore

/// A route's handler. `form` holds the decoded `application/x-www-form-urlencoded` body of a POST (after
/// its CSRF token was checked), and is empty for a GET.
typealias RouteHandler = @Sendable (Request, PIMRequestContext, Form) async throws -> Response

/// Registers handlers on the router through the typed ``Route`` table, wrapping each in the guard that
/// every route passes: session required unless the route is public, role allowed by the route's
/// ``Permission``, and a valid CSRF token on every POST.
struct RouteRegistry {
    let router: Router<PIMRequestContext>
    private(set) var registered: Set<Route> = []

    init(router: Router<PIMRequestContext>) { self.router = router }

    mutating func register(_ route: Route, _ handler: @escaping RouteHandler) {
        precondition(!registered.contains(route), "Each route is registered once.")
        registered.insert(route)
        router.on(RouterPath(route.path), method: route.method) { request, context in
            try Self.authorize(route, context: context)
            var form = Form()
            if route.method == .post {
                let body = try await request.body.collect(upTo: 64 * 1024)
                form = Form(urlEncoded: String(buffer: body))
                try Self.checkCSRF(form: form, request: request, context: context)
            }
            return try await handler(request, context, form)
        }
    }

    /// The route-level check: a session for non-public routes, and a role that holds the permission.
    static func authorize(_ route: Route, context: PIMRequestContext) throws(ServerError) {
        let permission = route.permission
        guard permission.needsSession else { return }
        guard let user = context.user else { throw .unauthenticated }
        guard permission.allows(user.role) else { throw .forbidden }
    }

    /// Every POST must carry the session's CSRF token, as the `csrf_token` field or the `X-CSRF-Token` header.
    static func checkCSRF(form: Form, request: Request, context: PIMRequestContext) throws(ServerError) {
        guard let session = context.session else { throw .csrfRejected }
        let header = HTTPField.Name("X-CSRF-Token").flatMap { request.headers[$0] }
        guard let sent = form["csrf_token"] ?? header, RandomToken.constantTimeEqual(sent, session.csrfToken) else {
            throw .csrfRejected
        }
    }
}

/// A decoded URL-encoded form. Later values of a repeated field win; ``values(_:)`` gives every value of a
/// repeated field. ``raw`` keeps the body as sent, for API routes that take JSON.
struct Form: Sendable {
    private var fields: [String: String] = [:]
    private var all: [String: [String]] = [:]
    private(set) var raw = ""

    init() {}

    init(urlEncoded text: String) {
        raw = text
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.decode(parts[0]) else { continue }
            let value = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
            fields[key] = value
            all[key, default: []].append(value)
        }
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// Every value sent for `name` (checkboxes, multiple selects), in order.
    func values(_ name: String) -> [String] { all[name] ?? [] }

    private static func decode(_ s: Substring) -> String? {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
