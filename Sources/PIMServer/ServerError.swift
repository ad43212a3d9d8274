import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore

/// Failures a request can end in. Each maps to one HTTP status, a title and a one-sentence detail that
/// never holds record values or personal data. API routes answer them as `application/problem+json`
/// (RFC 9457), pages as an HTML error page.
public enum ServerError: Error, Sendable, Hashable, CustomStringConvertible {
    case unauthenticated
    case forbidden
    /// Also the answer for objects the user may not see, so that existence is not revealed.
    case notFound
    case badRequest(String)
    case csrfRejected
    case loginFailed
    case tooManyRequests(retryAfter: Int)
    case unprocessable(String)
    /// A request body over the configured limit (413).
    case tooLarge(String)
    case internalError(requestID: String)
    // MARK: Accounts and access
    /// A bearer token that is unknown, revoked, expired, or whose user is disabled.
    case tokenRejected
    /// The object exists already (a user name, an organisation acronym).
    case conflict(String)
    // MARK: Sharing
    /// A well-formed request the domain rejects (an invalid agreement, a forbidden status change); 422.
    case invalid(String)
    // MARK: Security review
    /// The role may not do this particular thing; the message says why and who may (403).
    case notAllowed(String)
    /// The address exists but does not answer this method (405); `allowed` lists the methods it answers.
    case methodNotAllowed(allowed: [String])

    public var status: HTTPResponse.Status {
        switch self {
        case .unauthenticated, .loginFailed: .unauthorized
        case .forbidden, .csrfRejected, .notAllowed: .forbidden
        case .notFound: .notFound
        case .badRequest: .badRequest
        case .tooManyRequests: .tooManyRequests
        case .unprocessable, .invalid: .unprocessableContent
        case .tooLarge: .contentTooLarge
        case .internalError: .internalServerError
        case .tokenRejected: .unauthorized
        case .conflict: .conflict
        case .methodNotAllowed: .methodNotAllowed
        }
    }

    public var title: String {
        switch self {
        case .unauthenticated: "Sign-in required"
        case .forbidden, .notAllowed: "Forbidden"
        case .notFound: "Not found"
        case .badRequest: "Bad request"
        case .csrfRejected: "Form expired or forged"
        case .loginFailed: "Sign-in failed"
        case .tooManyRequests: "Too many attempts"
        case .unprocessable: "Cannot compute this output"
        case .tooLarge: "Too large"
        case .internalError: "Internal error"
        case .tokenRejected: "API token rejected"
        case .conflict: "Already exists"
        case .invalid: "Invalid request"
        case .methodNotAllowed: "Method not allowed"
        }
    }

    public var detail: String {
        switch self {
        case .unauthenticated: "Sign in first; your session may have expired after 60 minutes without activity."
        case .forbidden: "Your role does not allow this."
        case .notFound: "There is nothing here, or you may not see it."
        case .badRequest(let why): why
        case .csrfRejected: "The form's security token is missing or wrong; reload the page and submit it again."
        case .loginFailed:
            "The user name or password is wrong, or the account is locked after repeated failures; try again later."
        case .tooManyRequests(let s): "Too many sign-in attempts; wait \(s) seconds and try again."
        case .unprocessable(let why), .tooLarge(let why): why
        case .internalError(let id): "Something went wrong on the server; quote request id \(id) to the administrator."
        case .tokenRejected: "The API token is unknown, revoked or expired, or its user is disabled; create a new one at /account/tokens."
        case .conflict(let why): why
        case .invalid(let why): why
        case .notAllowed(let why): why
        case .methodNotAllowed(let allowed): "This address answers \(allowed.joined(separator: " and ")) only."
        }
    }

    public var description: String { "\(title): \(detail)" }
}
