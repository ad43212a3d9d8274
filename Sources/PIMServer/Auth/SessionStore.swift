import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore

/// Sessions in memory. pim keeps no other state outside the database: a restart signs everyone out.
///
/// Sessions end after `idleTimeout` without a request, on logout, and when their user is disabled. The
/// number of sessions is capped so that a flood of anonymous visits cannot exhaust memory.
///
/// Anonymous (pre-login) sessions, which anyone can create with `GET /login`, live in their own bounded pool:
/// when it is full the least recently seen anonymous session goes, never a signed-in one. Signed-in sessions
/// have their own cap (reached only by signing in).
public actor SessionStore {
    private var sessions: [String: Session] = [:]
    private var anonymous: [String: Session] = [:]
    private let idleTimeout: TimeInterval
    private let capacity: Int
    private let anonymousCapacity: Int

    public init(idleTimeout: TimeInterval, capacity: Int = 20_000, anonymousCapacity: Int = 20_000) {
        self.idleTimeout = idleTimeout
        self.capacity = max(1, capacity)
        self.anonymousCapacity = max(1, anonymousCapacity)
    }

    /// Starts a session (anonymous when `user` is nil).
    func create(for user: User?, now: Date) -> Session {
        let s = Session(token: RandomToken.make(), csrfToken: RandomToken.make(), user: user.map(Session.SignedInUser.init),
                        lastSeen: now)
        if user == nil {
            Self.makeRoom(in: &anonymous, capacity: anonymousCapacity, idleTimeout: idleTimeout, now: now)
            anonymous[s.token] = s
        } else {
            Self.makeRoom(in: &sessions, capacity: capacity, idleTimeout: idleTimeout, now: now)
            sessions[s.token] = s
        }
        return s
    }

    private static func makeRoom(in pool: inout [String: Session], capacity: Int, idleTimeout: TimeInterval, now: Date) {
        if pool.count >= capacity { pool = pool.filter { now.timeIntervalSince($0.value.lastSeen) <= idleTimeout } }
        while pool.count >= capacity, let oldest = pool.values.min(by: { $0.lastSeen < $1.lastSeen }) {
            pool[oldest.token] = nil
        }
    }

    /// The live session for `token`, touched; nil (and removed) when idle too long.
    func session(_ token: String, now: Date) -> Session? {
        if sessions[token] != nil { return Self.touch(token, in: &sessions, idleTimeout: idleTimeout, now: now) }
        return Self.touch(token, in: &anonymous, idleTimeout: idleTimeout, now: now)
    }

    private static func touch(_ token: String, in pool: inout [String: Session], idleTimeout: TimeInterval, now: Date) -> Session? {
        guard var s = pool[token] else { return nil }
        guard now.timeIntervalSince(s.lastSeen) <= idleTimeout else {
            pool[token] = nil
            return nil
        }
        s.lastSeen = now
        pool[token] = s
        return s
    }

    /// Replaces the signed-in user's details (role or name changed in the store).
    func refresh(_ token: String, user: User) {
        sessions[token]?.user = Session.SignedInUser(user)
    }

    func remove(_ token: String) {
        sessions[token] = nil
        anonymous[token] = nil
    }

    /// Ends every session of a user (disabled, or password changed).
    func removeAll(of user: User.ID) {
        sessions = sessions.filter { $0.value.user?.id != user }
    }

    /// The users with a session that has not been idle too long at `now`.
    func signedInUsers(now: Date) -> Set<User.ID> {
        Set(sessions.values.filter { now.timeIntervalSince($0.lastSeen) <= idleTimeout }.compactMap { $0.user?.id })
    }

    /// Sessions held, signed-in and anonymous.
    public var count: Int { sessions.count + anonymous.count }
}
