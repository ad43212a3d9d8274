import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore

/// One structured log line per request: method, route template (never the query string, which may hold
/// column names chosen by users), status, duration and the user id. No personal data.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = PIMRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status.code, since: start)
            return response
        } catch {
            let status = (error as? ServerError)?.status.code ?? (error as? any HTTPResponseError)?.status.code ?? 500
            log(request, context, status: status, since: start)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        let d = (ContinuousClock.now - start).components
        let millis = d.seconds * 1000 + d.attoseconds / 1_000_000_000_000_000
        context.logger.info("request", metadata: [
            "method": "\(request.method.rawValue)",
            "route": "\(context.endpointPath ?? "unmatched")",
            "status": "\(status)",
            "ms": "\(millis)",
            "user_id": "\(context.user?.id.rawValue ?? "-")",
        ])
    }
}
