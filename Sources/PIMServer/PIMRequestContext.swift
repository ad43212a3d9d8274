import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PIMCore

/// The request context: Hummingbird's core storage, the client's address and the session, which
/// ``SessionMiddleware`` fills in before any route runs.
public struct PIMRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var session: Session?
    /// Whether the request was authenticated by an API token (`Authorization: Bearer`) rather than a cookie:
    /// such requests carry no ambient credential, so they need no CSRF token.
    public var authenticatedByToken = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        session = nil
    }

    /// The signed-in user, if any.
    public var user: Session.SignedInUser? { session?.user }
}
