import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore
import PIMStorage

/// `/login` (form and POST) and `/logout`.
struct AuthController: Sendable {
    let sessions: SessionStore
    let login: LoginService
    let pages: PageRenderer
    let configuration: ServerConfiguration
    /// Pending uploads, swept at sign-out (nil where no import is served).
    var imports: ImportState? = nil

    func register(on registry: inout RouteRegistry) {
        registry.register(.loginForm) { _, context, _ in
            if context.user != nil { return Self.redirect(to: Route.home.path) }
            // An anonymous session carries the login form's CSRF token.
            let session: Session
            if let existing = context.session { session = existing } else { session = await sessions.create(for: nil, now: configuration.now()) }
            var response = pages.response(.login, PageModels.Login(csrfToken: session.csrfToken, error: nil), title: "Sign in", session: nil)
            if context.session == nil { response.setCookie(SessionCookie.set(session.token, configuration: configuration)) }
            return response
        }
        registry.register(.login) { request, context, form in
            guard let anonymous = context.session else { throw ServerError.csrfRejected }
            let userName = form["user_name"] ?? ""
            let password = form["password"] ?? ""
            guard !userName.isEmpty, !password.isEmpty else {
                return loginPage(anonymous, error: "Enter your user name and password.", status: .badRequest)
            }
            do {
                let user = try await login.login(userName: userName, password: password,
                                                 address: clientAddress(request, context), logger: context.logger)
                // A new session id at sign-in, so an id planted before it is worthless.
                await sessions.remove(anonymous.token)
                let session = await sessions.create(for: user, now: configuration.now())
                var response = Self.redirect(to: Route.home.path)
                response.setCookie(SessionCookie.set(session.token, configuration: configuration))
                return response
            } catch let e as ServerError {
                var response = loginPage(anonymous, error: e.detail, status: e.status)
                if case .tooManyRequests(let s) = e { response.headers[.retryAfter] = String(s) }
                return response
            }
        }
        registry.register(.logout) { _, context, _ in
            if let s = context.session {
                await sessions.remove(s.token)
                // The uploads of a user with no session left go at once (QA11 S10).
                if let imports {
                    let now = configuration.now()
                    await imports.sweep(now: now, signedIn: await sessions.signedInUsers(now: now))
                }
            }
            var response = Self.redirect(to: Route.loginForm.path)
            response.setCookie(SessionCookie.clear(configuration: configuration))
            return response
        }
    }

    private func loginPage(_ session: Session, error: String, status: HTTPResponse.Status) -> Response {
        pages.response(.login, PageModels.Login(csrfToken: session.csrfToken, error: error), title: "Sign in", session: nil, status: status)
    }

    /// The client's address: the connection's, or behind a trusted proxy the LAST `X-Forwarded-For` entry —
    /// the one that proxy appended. Earlier entries come from the client and can be forged.
    private func clientAddress(_ request: Request, _ context: PIMRequestContext) -> String {
        if configuration.trustForwardedFor, let name = HTTPField.Name("X-Forwarded-For"),
           let address = Self.forwardedClient(request.headers[values: name]) {
            return address
        }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The last non-empty entry of the `X-Forwarded-For` header lines (several lines count as one list).
    static func forwardedClient(_ lines: [String]) -> String? {
        let entries = lines.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return entries.last
    }

    static func redirect(to path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }
}

