import PIMStorage

/// Serialises the administrators' read-modify-write changes of one user record inside this server, so that
/// two concurrent changes cannot write back a stale copy (e.g. re-enable a user disabled a moment ago).
/// Failed sign-ins need no lock: the store counts them in one statement (`Store.recordFailedLogin(of:lockAfter:lockUntil:)`).
///
/// Waiters are served in arrival order (``KeyedLocks``).
struct UserLocks: Sendable {
    private let locks = KeyedLocks()

    /// Runs `body` while holding the lock of `userName` (case-insensitive).
    func withLock<T: Sendable>(_ userName: String, _ body: @Sendable () async throws -> T) async throws -> T {
        try await locks.run(userName.lowercased(), body)
    }
}
