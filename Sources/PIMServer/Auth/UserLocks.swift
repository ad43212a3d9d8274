import Foundation

/// Serialises the administrators' read-modify-write changes of one user record inside this server, so that
/// two concurrent changes cannot write back a stale copy (e.g. re-enable a user disabled a moment ago).
/// Failed sign-ins need no lock: the store counts them in one statement (`Store.recordFailedLogin(of:lockAfter:lockUntil:)`).
///
/// Waiters are served in arrival order; the lock is handed over directly to the next waiter.
actor UserLocks {
    private var held: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `body` while holding the lock of `userName` (case-insensitive).
    func withLock<T: Sendable>(_ userName: String, _ body: @Sendable () async throws -> T) async throws -> T {
        let key = userName.lowercased()
        await acquire(key)
        do {
            let result = try await body()
            release(key)
            return result
        } catch {
            release(key)
            throw error
        }
    }

    private func acquire(_ key: String) async {
        guard held.contains(key) else {
            held.insert(key)
            return
        }
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    private func release(_ key: String) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue.isEmpty ? nil : queue
            next.resume()  // the lock stays held, now by `next`
        } else {
            held.remove(key)
        }
    }
}
