import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore
import PIMStorage

/// Turns every error into a response in one place: `application/problem+json` under `/api/`, an HTML
/// page elsewhere, a redirect to `/login` for pages that need a session. Unknown errors become a 500
/// with the request id; only the error's type is logged, never its values.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = PIMRequestContext
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let thrown {
            let error = (thrown as? ErrorInSession)?.error ?? thrown
            let session = (thrown as? ErrorInSession)?.session ?? context.session
            var serverError = Self.translate(error, context: context)
            // The router found no route for this method: when the address answers others, say which (405
            // with an Allow header, RFC 9110 §15.5.6). A handler's own "not found" (an object the user may
            // not see) stays a 404.
            if let e = error as? any HTTPResponseError, e.status == .notFound {
                let allowed = Route.methods(answering: request.uri.path)
                if !allowed.isEmpty && !allowed.contains(request.method.rawValue) {
                    serverError = .methodNotAllowed(allowed: allowed)
                }
            }
            let isAPI = request.uri.path.hasPrefix(Route.apiPrefix + "/") || request.uri.path == Route.apiPrefix
            if isAPI { return Problem.response(serverError, instance: request.uri.path) }
            if serverError == .unauthenticated {
                return Response(status: .seeOther, headers: [.location: Route.loginForm.path])
            }
            return pages.errorPage(serverError, session: session)
        }
    }

    static func translate(_ error: any Error, context: Context) -> ServerError {
        switch error {
        case let e as ServerError:
            if case .internalError = e { context.logger.error("internal error", metadata: ["request_id": "\(context.id)"]) }
            return e
        case let e as StoreError:
            if case .notFound = e { return .notFound }
            if case .concurrentWrite = e { return .conflict(e.description) }
            context.logger.error("store error", metadata: ["request_id": "\(context.id)", "kind": "\(Self.kind(e))"])
            return .internalError(requestID: context.id)
        case let e as any HTTPResponseError:
            switch e.status {
            case .notFound: return .notFound
            case .methodNotAllowed: return .notFound
            case .contentTooLarge: return .tooLarge("The request body is too large (forms and JSON bodies: at most 64 KiB).")
            case .badRequest: return .badRequest("The request could not be read.")
            default:
                context.logger.error("http error", metadata: ["request_id": "\(context.id)", "status": "\(e.status.code)"])
                return .internalError(requestID: context.id)
            }
        default:
            context.logger.error("unexpected error", metadata: ["request_id": "\(context.id)", "type": "\(type(of: error))"])
            return .internalError(requestID: context.id)
        }
    }

    private static func kind(_ e: StoreError) -> String {
        switch e {
        case .alreadyInitialized: "already-initialized"
        case .notInitialized: "not-initialized"
        case .notFound: "not-found"
        case .conflict: "conflict"
        case .duplicateFile: "duplicate-file"
        case .locked: "locked"
        case .concurrentWrite: "concurrent-write"
        case .unavailable: "unavailable"
        case .failed: "failed"
        case .corrupt: "corrupt"
        }
    }
}

/// RFC 9457 problem details.
struct Problem: Codable, Sendable, Hashable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var instance: String?

    static func response(_ e: ServerError, instance: String?) -> Response {
        let p = Problem(type: "about:blank", title: e.title, status: e.status.code, detail: e.detail, instance: instance)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if case .tooManyRequests(let s) = e { headers[.retryAfter] = String(s) }
        if case .methodNotAllowed(let allowed) = e { headers[.allow] = allowed.joined(separator: ", ") }
        if e == .unauthenticated { headers[.wwwAuthenticate] = "Cookie realm=\"pim\"" }
        if e == .tokenRejected { headers[.wwwAuthenticate] = "Bearer realm=\"pim\", error=\"invalid_token\"" }
        return Response(status: e.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSON.encode(p))))
    }
}

/// JSON with sorted keys and ISO 8601 dates, the API's one encoding.
enum JSON {
    static func encode<T: Encodable>(_ value: T) -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return (try? e.encode(value)) ?? Data("{}".utf8)
    }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }
}
