import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore

/// Headers every response carries: no scripts at all, styles and images only from pim itself, no
/// framing, no MIME sniffing, no referrer, and no caching of pages that may hold protection data; and HSTS
/// when pim is reached over TLS.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = PIMRequestContext

    /// Send `Strict-Transport-Security` (when pim serves TLS or is reached over TLS: secure cookies on).
    var strictTransportSecurity = false

    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        if let referrer = HTTPField.Name("Referrer-Policy") { response.headers[referrer] = "no-referrer" }
        if let frame = HTTPField.Name("X-Frame-Options") { response.headers[frame] = "DENY" }
        if strictTransportSecurity { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
