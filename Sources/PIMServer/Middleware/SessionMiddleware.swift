import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore
import PIMStorage

/// Finds the session named by the cookie, ends it when idle or when its user is gone or disabled, and
/// refreshes the user's role from the store so that a changed role applies at the next request.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = PIMRequestContext
    let sessions: SessionStore
    let store: any Store
    let configuration: ServerConfiguration
    let tokens: APITokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        // API tokens: `Authorization: Bearer pim_…` under /api/v1 authenticates as the token's user, no cookie.
        if let authorization = request.headers[.authorization], request.uri.path.hasPrefix(Route.apiPrefix + "/") {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw ServerError.tokenRejected }
            let user = try await tokens.authenticate(
                String(parts[1]).trimmingCharacters(in: .whitespaces), method: request.method.rawValue, now: configuration.now())
            context.session = Session(token: "", csrfToken: "", user: Session.SignedInUser(user), lastSeen: configuration.now())
            context.authenticatedByToken = true
            return try await next(request, context)
        }
        if let token = request.cookies[configuration.sessionCookieName]?.value,
           let session = await sessions.session(token, now: configuration.now()) {
            if let signedIn = session.user {
                let user = try await store.user(named: signedIn.userName)
                if let user, user.id == signedIn.id, !user.isDisabled {
                    await sessions.refresh(token, user: user)
                    var s = session
                    s.user = Session.SignedInUser(user)
                    context.session = s
                } else {
                    await sessions.remove(token)
                }
            } else {
                context.session = session
            }
        }
        guard let session = context.session else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch {
            // The error page is drawn outside this middleware: it is told whose page it is (QA19 F6).
            throw ErrorInSession(error: error, session: session)
        }
    }
}

/// An error thrown while serving a request with a session, carrying the session out to ``ErrorMiddleware``, which
/// sits outside ``SessionMiddleware`` (so that the session's own errors are drawn too) and so does not see it.
struct ErrorInSession: Error {
    let error: any Error
    let session: Session
}

/// The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure (with the `__Host-` prefix) over TLS.
enum SessionCookie {
    static func set(_ token: String, configuration: ServerConfiguration) -> Cookie {
        Cookie(name: configuration.sessionCookieName, value: token, path: "/", secure: configuration.secureCookies,
               httpOnly: true, sameSite: .strict)
    }

    static func clear(configuration: ServerConfiguration) -> Cookie {
        Cookie(name: configuration.sessionCookieName, value: "", maxAge: 0, path: "/", secure: configuration.secureCookies,
               httpOnly: true, sameSite: .strict)
    }
}
