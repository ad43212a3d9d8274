/// Locks by key inside one process: `run(key, body)` runs `body` once no other body of the same key runs, and
/// before any that asks later (a released lock is handed straight to the next waiter). Bodies of other keys go on
/// side by side.
///
/// The server serialises two kinds of read-modify-write with it: changes of one user record (``UserLocks`` in
/// PIMServer, by user name), and the default ``Store/exclusively(_:_:)`` (shares of one dataset, by dataset name).
public actor KeyedLocks {
    private var held: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    /// Runs `body` while holding the lock of `key`; the lock is released whatever `body` does.
    public nonisolated func run<T: Sendable>(_ key: String, _ body: () async throws -> T) async throws -> T {
        await acquire(key)
        do {
            let result = try await body()
            await release(key)
            return result
        } catch {
            await release(key)
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
