import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore

/// Sliding-window counters of login attempts, per user name and per client address.
public actor RateLimiter {
    private var attempts: [String: [Date]] = [:]
    private let window: TimeInterval

    public init(window: TimeInterval) { self.window = window }

    /// Records an attempt under `key` unless `limit` attempts already fall inside the window.
    /// - Returns: nil when allowed, else the seconds until the oldest attempt leaves the window.
    func attempt(_ key: String, limit: Int, now: Date) -> Int? {
        var list = (attempts[key] ?? []).filter { now.timeIntervalSince($0) < window }
        if list.count >= limit, let oldest = list.first {
            attempts[key] = list
            return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
        }
        list.append(now)
        attempts[key] = list
        if attempts.count > 50_000 { attempts = attempts.filter { $0.value.contains { now.timeIntervalSince($0) < window } } }
        return nil
    }

    /// Takes back the attempt recorded under `key` at `now` (a sign-in that succeeded).
    func forgive(_ key: String, at now: Date) {
        guard var list = attempts[key], let i = list.lastIndex(of: now) else { return }
        list.remove(at: i)
        attempts[key] = list.isEmpty ? nil : list
    }
}
