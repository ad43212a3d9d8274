import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore

/// Sessions in memory. pim keeps no other state outside the database: a restart signs everyone out.
///
/// Sessions end after `idleTimeout` without a request, on logout, and when their user is disabled. The
/// number of sessions is capped so that a flood of anonymous visits cannot exhaust memory.
public actor SessionStore {
    private var sessions: [String: Session] = [:]
    private let idleTimeout: TimeInterval
    private let capacity: Int

    public init(idleTimeout: TimeInterval, capacity: Int = 20_000) {
        self.idleTimeout = idleTimeout
        self.capacity = capacity
    }

    /// Starts a session (anonymous when `user` is nil).
    func create(for user: User?, now: Date) -> Session {
        if sessions.count >= capacity { prune(now: now) }
        if sessions.count >= capacity, let oldest = sessions.values.min(by: { $0.lastSeen < $1.lastSeen }) {
            sessions[oldest.token] = nil
        }
        let s = Session(token: RandomToken.make(), csrfToken: RandomToken.make(), user: user.map(Session.SignedInUser.init),
                        lastSeen: now)
        sessions[s.token] = s
        return s
    }

    /// The live session for `token`, touched; nil (and removed) when idle too long.
    func session(_ token: String, now: Date) -> Session? {
        guard var s = sessions[token] else { return nil }
        guard now.timeIntervalSince(s.lastSeen) <= idleTimeout else {
            sessions[token] = nil
            return nil
        }
        s.lastSeen = now
        sessions[token] = s
        return s
    }

    /// Replaces the signed-in user's details (role or name changed in the store).
    func refresh(_ token: String, user: User) {
        sessions[token]?.user = Session.SignedInUser(user)
    }

    func remove(_ token: String) { sessions[token] = nil }

    /// Ends every session of a user (disabled, or password changed).
    func removeAll(of user: User.ID) {
        sessions = sessions.filter { $0.value.user?.id != user }
    }

    public var count: Int { sessions.count }

    private func prune(now: Date) {
        sessions = sessions.filter { now.timeIntervalSince($0.value.lastSeen) <= idleTimeout }
    }
}
