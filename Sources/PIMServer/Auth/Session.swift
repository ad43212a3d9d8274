import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore

/// A browser session. Anonymous sessions (before login) exist only to carry the login form's CSRF token;
/// a successful login replaces them with a new signed-in session (a new id, so a planted id is useless).
public struct Session: Sendable, Hashable {
    /// The secret in the cookie: 256 random bits, hex.
    public let token: String
    /// Per-session token that every POST form must echo back.
    public let csrfToken: String
    public var user: SignedInUser?
    public var lastSeen: Date

    /// Who is signed in. Role and name are refreshed from the store on every request.
    public struct SignedInUser: Sendable, Hashable {
        public var id: User.ID
        public var userName: String
        public var displayName: String
        public var role: Role
        public var organizationID: Organization.ID?

        init(_ u: User) {
            id = u.id
            userName = u.userName
            displayName = u.displayName
            role = u.role
            organizationID = u.organizationID
        }
    }
}

/// 256-bit random tokens, hex encoded, from the system's cryptographic generator.
enum RandomToken {
    static func make() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let hex = String(g.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Compares without an early exit, so timing does not reveal how much of a token matched.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
