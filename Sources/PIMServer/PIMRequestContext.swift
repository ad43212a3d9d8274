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

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        session = nil
    }

    /// The signed-in user, if any.
    public var user: Session.SignedInUser? { session?.user }
}
