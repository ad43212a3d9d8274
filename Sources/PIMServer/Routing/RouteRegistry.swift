import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore
import PIMStorage

/// A route's handler. `form` holds the decoded body of a POST (after its CSRF token was checked): URL-encoded
/// fields, or multipart fields and files (see ``Route/BodyKind``); it is empty for a GET and for streamed bodies.
typealias RouteHandler = @Sendable (Request, PIMRequestContext, Form) async throws -> Response

/// Registers handlers on the router through the typed ``Route`` table, wrapping each in the guard that
/// every route passes: session required unless the route is public, role allowed by the route's
/// ``Permission``, and a valid CSRF token on every POST.
struct RouteRegistry {
    let router: Router<PIMRequestContext>
    let uploads: UploadSettings
    /// Where a share request refused for the user's role is audited (QA20: "every refusal appends an event").
    let store: (any Store)?
    private(set) var registered: Set<Route> = []

    init(router: Router<PIMRequestContext>, uploads: UploadSettings = UploadSettings(), store: (any Store)? = nil) {
        self.router = router
        self.uploads = uploads
        self.store = store
    }

    mutating func register(_ route: Route, _ handler: @escaping RouteHandler) {
        precondition(!registered.contains(route), "Each route is registered once.")
        registered.insert(route)
        let uploads = uploads
        if route.method == .get {
            // HEAD wherever GET (RFC 9110; monitoring tools use it): the same checks and answer, without the body.
            router.on(RouterPath(route.path), method: .head) { request, context in
                try Self.authorize(route, context: context)
                var response = try await handler(request, context, Form())
                // Without the body, but with the length GET would send (QA9 F6: it said 0).
                response.body = ResponseBody(contentLength: response.body.contentLength) { _ in }
                return response
            }
        }
        let store = store
        router.on(RouterPath(route.path), method: route.method) { request, context in
            do {
                try Self.authorize(route, context: context)
            } catch ServerError.forbidden where route == .apiShareCreate || route == .shareCreate {
                // A share asked by a role that may not share is a refusal like the rules' own: audited, codes only.
                if let store, let user = context.user {
                    try await store.append(AuditDraft(
                        at: Date(), actor: user.id.rawValue, action: .shareRefused,
                        details: ["reason": ShareRefusal.notPermitted(reason: "").code, "request": route.path]))
                }
                throw ServerError.forbidden
            }
            var form = Form()
            if route.method != .get {
                switch route.bodyKind {
                case .urlEncoded:
                    // Forms and JSON API bodies (kept in `form.raw`) alike, at most 64 KiB. API calls send the CSRF
                    // token in the X-CSRF-Token header, or carry an API token and need none.
                    let body = try await request.body.collect(upTo: 64 * 1024)
                    form = Form(urlEncoded: String(buffer: body))
                    try Self.checkCSRF(form: form, request: request, context: context)
                case .multipart:
                    form = try await MultipartForm.read(request, settings: uploads) { name, value in
                        // A wrong token stops the upload at once; a missing one is refused after the body.
                        if name == "csrf_token" { try Self.checkCSRF(form: Form(fields: [name: value], files: [:]), request: request, context: context) }
                    }
                    do { try Self.checkCSRF(form: form, request: request, context: context) } catch {
                        form.discardFiles()
                        throw error
                    }
                case .stream:
                    try Self.checkCSRF(form: form, request: request, context: context)
                }
            }
            guard route.bodyKind == .multipart else { return try await handler(request, context, form) }
            // A handler that fails has not taken the uploaded files: delete them.
            do { return try await handler(request, context, form) } catch {
                form.discardFiles()
                throw error
            }
        }
    }

    /// The route-level check: a session for non-public routes, and a role that holds the permission.
    static func authorize(_ route: Route, context: PIMRequestContext) throws(ServerError) {
        let permission = route.permission
        guard permission.needsSession else { return }
        guard let user = context.user else { throw .unauthenticated }
        guard permission.allows(user.role) else { throw .forbidden }
    }

    /// Every POST must carry the session's CSRF token, as the `csrf_token` field or the `X-CSRF-Token` header,
    /// unless it was authenticated by an API token (no cookie, so nothing a forged request could borrow).
    static func checkCSRF(form: Form, request: Request, context: PIMRequestContext) throws(ServerError) {
        if context.authenticatedByToken { return }
        guard let session = context.session else { throw .csrfRejected }
        let header = HTTPField.Name("X-CSRF-Token").flatMap { request.headers[$0] }
        guard let sent = form["csrf_token"] ?? header, RandomToken.constantTimeEqual(sent, session.csrfToken) else {
            throw .csrfRejected
        }
    }
}

/// A decoded form (URL-encoded or multipart). Later values of a repeated field win; ``values(_:)`` gives
/// every value of a repeated field; ``raw`` keeps a URL-encoded body as sent, for API routes that take JSON.
/// Uploaded files are on disk in the upload directory, and belong to the handler (which keeps or discards them).
struct Form: Sendable {
    private var fields: [String: String] = [:]
    private var all: [String: [String]] = [:]
    private(set) var raw = ""
    private(set) var files: [String: UploadedFile] = [:]

    init() {}

    init(fields: [String: String], files: [String: UploadedFile]) {
        self.fields = fields
        self.all = fields.mapValues { [$0] }
        self.files = files
    }

    /// Deletes every uploaded file of this form (with its upload folder).
    func discardFiles() {
        for f in files.values { f.discard() }
    }

    /// A request's query string (`request.uri.query`), decoded as a browser sends a GET form (`+` is a
    /// space, as in a URL-encoded body; Hummingbird's own query parameters keep it as `+`).
    init(query: String?) { self.init(urlEncoded: query ?? "") }

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
