import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import Logging
import PIMCore
import PIMStorage

/// Checks passwords, locks accounts after repeated failures, limits attempts and records audit events.
///
/// Audit events and logs carry user ids and reasons only: never the typed user name (people type
/// passwords into it) and never the password.
struct LoginService: Sendable {
    let store: any Store
    let configuration: ServerConfiguration
    let limiter: RateLimiter

    /// Why a login failed, as recorded in the audit log.
    enum FailureReason: String { case unknownUser = "unknown-user", disabled, locked, badPassword = "bad-password" }

    /// A bcrypt hash to check against when the user does not exist, so the answer takes as long.
    static let decoyHash = Bcrypt.hash("pim-decoy-password", cost: 12)

    func login(userName: String, password: String, address: String, logger: Logger) async throws -> User {
        let now = configuration.now()
        var wait = await limiter.attempt("addr:" + address, limit: configuration.loginAttemptsPerAddress, now: now)
        if wait == nil {
            wait = await limiter.attempt("user:" + userName.lowercased(), limit: configuration.loginAttemptsPerUser, now: now)
        }
        if let wait {
            logger.notice("login rate-limited", metadata: ["retry_after": "\(wait)"])
            throw ServerError.tooManyRequests(retryAfter: wait)
        }
        // User names are unique without case: "Analyst" signs in as "analyst".
        guard let user = try await store.user(signingInAs: userName) else {
            _ = Bcrypt.verify(password, hash: Self.decoyHash)
            try await fail(nil, .unknownUser, now: now, logger: logger)
        }
        // Always one bcrypt verification before any other check, so a disabled or locked account fails as
        // slowly as a wrong password and timing does not reveal it.
        let passwordMatches = PasswordHasher().verify(password, against: user.passwordHash)
        if user.isDisabled { try await fail(user, .disabled, now: now, logger: logger) }
        if let until = user.lockedUntil, until > now { try await fail(user, .locked, now: now, logger: logger) }
        guard passwordMatches else {
            // Counted by the store in one statement, so concurrent failures are never under-counted.
            let after = try await store.recordFailedLogin(of: user.id, lockAfter: configuration.maxFailedLogins,
                                                          lockUntil: now.addingTimeInterval(configuration.lockoutDuration))
            let locked = after.failedLogins == 0 && after.lockedUntil.map { $0 > now } == true
            try await fail(after, .badPassword, now: now, logger: logger, lockedNow: locked)
        }
        if user.failedLogins != 0 || user.lockedUntil != nil {
            try await store.clearFailedLogins(of: user.id)
        }
        // A successful sign-in does not count towards the limits: they stop guessing, and colleagues behind
        // one address (a field office's router) must not lock each other out by signing in.
        await limiter.forgive("addr:" + address, at: now)
        await limiter.forgive("user:" + userName.lowercased(), at: now)
        try await store.append(AuditDraft(at: now, actor: user.id.rawValue, action: .login,
                                          organizationID: user.organizationID?.rawValue))
        logger.info("login", metadata: ["user_id": "\(user.id)", "role": "\(user.role.rawValue)"])
        return user
    }

    private func fail(_ user: User?, _ reason: FailureReason, now: Date, logger: Logger, lockedNow: Bool = false) async throws -> Never {
        var details = ["reason": reason.rawValue]
        if lockedNow { details["locked"] = "true" }
        try await store.append(AuditDraft(at: now, actor: user?.id.rawValue ?? "anonymous", action: .loginFailed,
                                          details: details))
        logger.notice("login failed", metadata: ["user_id": "\(user?.id.rawValue ?? "-")", "reason": "\(reason.rawValue)"])
        throw ServerError.loginFailed
    }
}
