import Crypto
import Foundation
import PIMCore
import PIMStorage

/// An API token's record. The token itself is shown once at creation and never stored: the record is
/// kept as an `api-token` document under the SHA-256 of the token, so a request's token is looked up by
/// its hash.
struct APIToken: Codable, Sendable, Hashable {
    /// Public id (the first 16 hex digits of the hash), used to list and revoke.
    var id: String
    var userID: String
    var userName: String
    /// The owner's label, e.g. "nightly export".
    var name: String
    var createdAt: Date
    var expiresAt: Date?
    var lastUsedAt: Date?
    var revokedAt: Date?
    /// What the token may do; `nil` (a token made before scopes) is ``TokenScope/readWrite``.
    var scope: TokenScope?

    var effectiveScope: TokenScope { scope ?? .readWrite }

    enum Status: String { case active, expired, revoked }

    func status(at now: Date) -> Status {
        if revokedAt != nil { return .revoked }
        if let expiresAt, expiresAt <= now { return .expired }
        return .active
    }
}

/// What an API token may do: least privilege for a script that only reads (a dashboard pulling outputs, a
/// nightly export) is a token that cannot upload, share, or change anything if it leaks.
enum TokenScope: String, Codable, Sendable, Hashable, CaseIterable {
    /// `GET` and `HEAD` only.
    case read
    /// Whatever its user may do.
    case readWrite = "read-write"

    /// Whether a request of this method is within the scope.
    func allows(_ method: String) -> Bool {
        switch self {
        case .readWrite: true
        case .read: method == "GET" || method == "HEAD"
        }
    }

    /// The scope named `text` (absent: read-write, as before scopes), or 400 naming the scopes (an empty or
    /// unknown scope never widens to read-write).
    static func parse(_ text: String?) throws(ServerError) -> TokenScope {
        guard let text else { return .readWrite }
        guard let scope = TokenScope(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw .badRequest("scope must be read (GET and HEAD only) or read-write.")
        }
        return scope
    }
}

/// Creates, lists, revokes and checks API tokens.
struct APITokens: Sendable {
    let store: any Store
    /// Tokens start with this prefix so that secret scanners recognise them.
    static let prefix = "pim_"
    /// How often `lastUsedAt` is written at most (a request stream must not become a write stream).
    static let lastUsedResolution: TimeInterval = 60
    static let maximumNameLength = 100

    /// The SHA-256 of a token, hex.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Creates a token for `user`: returns the secret (to show once) and its record.
    func create(for user: Session.SignedInUser, name: String, expiresAt: Date?, scope: TokenScope = .readWrite, now: Date)
        async throws -> (secret: String, token: APIToken)
    {
        let label = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...Self.maximumNameLength).contains(label.count) else {
            throw ServerError.badRequest("Give the token a name of 1 to \(Self.maximumNameLength) characters, e.g. \"nightly export\".")
        }
        // (The name is shown on pages and in the audit trail: no control character or direction override, QA19 F11.)
        guard !Workspace.hasControlCharacters(label) else {
            throw ServerError.badRequest("The token's name must not hold control characters or direction overrides.")
        }
        if let expiresAt, expiresAt <= now { throw ServerError.badRequest("The expiry must be in the future.") }
        let secret = Self.prefix + RandomToken.make()
        let hash = Self.hash(secret)
        let token = APIToken(id: String(hash.prefix(16)), userID: user.id.rawValue, userName: user.userName, name: label,
                             createdAt: now, expiresAt: expiresAt, scope: scope)
        try await store.putDocument(kind: .apiToken, id: hash, json: Self.encode(token), audit: AuditDraft(
            at: now, actor: user.id.rawValue, action: .tokenCreated,
            details: ["token": token.id, "user": user.id.rawValue, "scope": scope.rawValue]))
        return (secret, token)
    }

    /// Every token record with its storage key (the hash) and its last use, newest first.
    func all() async throws -> [(hash: String, token: APIToken)] {
        var uses: [String: Date] = [:]
        for doc in try await store.documents(kind: .apiTokenUse) { uses[doc.id] = try Self.decodeUse(doc.json) }
        return try await store.documents(kind: .apiToken).map { doc in
            var token = try Self.decode(doc.json)
            token.lastUsedAt = uses[token.id] ?? token.lastUsedAt
            return (hash: doc.id, token: token)
        }.sorted { $0.token.createdAt > $1.token.createdAt }
    }

    /// The tokens `user` may see: their own, or everyone's for administrators.
    func visible(to user: Session.SignedInUser) async throws -> [APIToken] {
        let everyone = Permission.administer.allows(user.role)
        return try await all().map(\.token).filter { everyone || $0.userID == user.id.rawValue }
    }

    /// Revokes the token with public id `id` if `actor` owns it or administers; otherwise (or when there is
    /// no such token) ``ServerError/notFound``, so that other users' tokens cannot be probed.
    func revoke(id: String, by actor: Session.SignedInUser, now: Date) async throws -> APIToken {
        guard let found = try await all().first(where: { $0.token.id == id }),
              found.token.userID == actor.id.rawValue || Permission.administer.allows(actor.role) else { throw ServerError.notFound }
        let hash = found.hash
        var token = found.token
        if token.revokedAt == nil {
            token.revokedAt = now
            try await store.putDocument(kind: .apiToken, id: hash, json: Self.encode(token), audit: AuditDraft(
                at: now, actor: actor.id.rawValue, action: .tokenRevoked, details: ["token": token.id, "user": token.userID]))
        }
        return token
    }

    /// Revokes every active token of `userID` (after a password reset: whoever knew the old password may
    /// have made tokens). Returns how many were revoked; one audit event per token.
    @discardableResult
    func revokeAll(of userID: User.ID, by actor: Session.SignedInUser, now: Date) async throws -> Int {
        var revoked = 0
        for found in try await all() where found.token.userID == userID.rawValue && found.token.revokedAt == nil {
            var token = found.token
            token.revokedAt = now
            try await store.putDocument(kind: .apiToken, id: found.hash, json: Self.encode(token), audit: AuditDraft(
                at: now, actor: actor.id.rawValue, action: .tokenRevoked, details: ["token": token.id, "user": token.userID]))
            revoked += 1
        }
        return revoked
    }

    /// The user a bearer token authenticates for a request of `method`, or ``ServerError/tokenRejected``
    /// (403 when the token's scope does not allow the method: checked before the use is recorded).
    func authenticate(_ secret: String, method: String, now: Date) async throws -> User {
        guard secret.hasPrefix(Self.prefix) else { throw ServerError.tokenRejected }
        let hash = Self.hash(secret)
        guard let json = try await store.document(kind: .apiToken, id: hash) else { throw ServerError.tokenRejected }
        let token = try Self.decode(json)
        guard token.status(at: now) == .active,
              let user = try await store.user(named: token.userName), user.id.rawValue == token.userID, !user.isDisabled,
              user.lockedUntil.map({ $0 <= now }) ?? true  // a locked account is locked for its tokens too
        else { throw ServerError.tokenRejected }
        guard token.effectiveScope.allows(method) else {
            throw ServerError.notAllowed(
                "This API token may only read (scope read): \(method) changes data. Use a token of scope read-write for it.")
        }
        // The last use goes to its own document: writing it can never undo a concurrent revocation.
        let lastUsed = try await store.document(kind: .apiTokenUse, id: token.id).map(Self.decodeUse)
        if lastUsed.map({ now.timeIntervalSince($0) >= Self.lastUsedResolution }) ?? true {
            try await store.putDocument(kind: .apiTokenUse, id: token.id,
                                        json: String(decoding: JSON.encode(Use(lastUsedAt: now)), as: UTF8.self), audit: nil)
        }
        return user
    }

    /// The document of a token's last use.
    struct Use: Codable, Sendable { var lastUsedAt: Date }

    static func decodeUse(_ json: String) throws -> Date {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        guard let u = try? d.decode(Use.self, from: Data(json.utf8)) else { throw StoreError.corrupt("an API token's use record cannot be read") }
        return u.lastUsedAt
    }

    static func encode(_ token: APIToken) -> String { String(decoding: JSON.encode(token), as: UTF8.self) }

    static func decode(_ json: String) throws -> APIToken {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        guard let t = try? d.decode(APIToken.self, from: Data(json.utf8)) else { throw StoreError.corrupt("an API token record cannot be read") }
        return t
    }
}
