import Foundation
import PIMCore
import PIMStorage

/// The administrators' operations on users and organisations, shared by the pages and the JSON API so
/// that both apply the same rules as `pim user` and `pim org` (user-name syntax, 12-character passwords,
/// an organisation for partner viewers, unique acronyms). Every change is audited with ids only.
struct AccountService: Sendable {
    let store: any Store
    let sessions: SessionStore
    let locks: UserLocks
    let configuration: ServerConfiguration

    /// A new user as entered in the form or the API.
    struct NewUser: Sendable {
        var userName: String
        var displayName: String?
        var role: Role
        var organizationAcronym: String?
        var password: String
    }

    /// One change to an existing user.
    enum Change: Sendable, Hashable {
        case role(Role)
        case disabled(Bool)
        case password(String)
        case unlock
        case organization(String?)
        /// A supervisor's team, as member user names.
        case team([String])
    }

    func createUser(_ input: NewUser, actor: Session.SignedInUser) async throws -> User {
        let now = configuration.now()
        do { try User.validateUserName(input.userName) } catch { throw ServerError.badRequest(error.description) }
        let orgID = try await organizationID(input.organizationAcronym)
        if input.role == .partnerViewer && orgID == nil {
            throw ServerError.badRequest("A partner viewer needs an organisation: they see only what agreements shared with it.")
        }
        let hash = try hashPassword(input.password)
        let display = input.displayName?.trimmingCharacters(in: .whitespacesAndNewlines)
        let user = User(userName: input.userName, displayName: display.flatMap { $0.isEmpty ? nil : $0 } ?? input.userName,
                        role: input.role, organizationID: orgID, passwordHash: hash, createdAt: now)
        try await locks.withLock(input.userName) {
            if try await store.user(named: input.userName) != nil {
                throw ServerError.conflict("A user with this name exists already; choose another name.")
            }
            do { try await store.add(user) } catch {
                if case StoreError.conflict? = error as? StoreError { throw ServerError.conflict("A user with this name exists already; choose another name.") }
                throw error
            }
            try await store.append(AuditDraft(at: now, actor: actor.id.rawValue, action: .userCreated, organizationID: orgID?.rawValue,
                                              details: ["user": user.id.rawValue, "role": input.role.rawValue]))
        }
        return user
    }

    /// Applies `change` to the user named `userName` (``ServerError/notFound`` when there is none).
    func update(_ userName: String, _ change: Change, actor: Session.SignedInUser) async throws -> User {
        try await update(userName, [change], actor: actor)
    }

    /// Applies `changes` together: every rule is checked on the resulting user before anything is written,
    /// so a refused request changes nothing. One `user.updated` event (ids, role, flags) and, for a team,
    /// one `team.changed` event.
    func update(_ userName: String, _ changes: [Change], actor: Session.SignedInUser) async throws -> User {
        let now = configuration.now()
        // Work that needs no lock first: password hashes (slow), organisation lookups, team member ids.
        var hashes: [String: String] = [:]
        var orgs: [String: Organization.ID?] = [:]
        var teams: [[String]: [User.ID]] = [:]
        for change in changes {
            switch change {
            case .password(let p): hashes[p] = try hashPassword(p)
            case .organization(let acronym): orgs[acronym ?? ""] = try await organizationID(acronym)
            case .team(let names): teams[names] = try await teamMembers(names)
            default: break
            }
        }
        let (hashes_, orgs_, teams_) = (hashes, orgs, teams)  // immutable copies for the lock's closure
        return try await locks.withLock(userName) {
            guard let before = try await store.user(named: userName) else { throw ServerError.notFound }
            var user = before
            var details = ["user": user.id.rawValue]
            var team: [User.ID]?
            for change in changes {
                switch change {
                case .role(let role):
                    user.role = role
                    details["role"] = role.rawValue
                case .disabled(let disabled):
                    user.isDisabled = disabled
                    details["disabled"] = disabled ? "true" : "false"
                case .password(let p):
                    user.passwordHash = hashes_[p] ?? user.passwordHash
                    user.failedLogins = 0
                    user.lockedUntil = nil
                    details["password"] = "reset"
                case .unlock:
                    user.failedLogins = 0
                    user.lockedUntil = nil
                    details["unlocked"] = "true"
                case .organization(let acronym):
                    let org = orgs_[acronym ?? ""] ?? nil
                    user.organizationID = org
                    details["organization"] = org?.rawValue ?? "none"
                case .team(let names):
                    team = teams_[names] ?? []
                }
            }
            // The rules, on the result.
            let isSelf = user.id == actor.id
            if isSelf && user.role != before.role { throw ServerError.badRequest("You cannot change your own role; ask another administrator.") }
            if isSelf && user.isDisabled { throw ServerError.badRequest("You cannot disable your own account; ask another administrator.") }
            if user.role == .partnerViewer && user.organizationID == nil {
                throw ServerError.badRequest("A partner viewer needs an organisation: they see only what agreements shared with it.")
            }
            if team != nil && user.role != .supervisor { throw ServerError.badRequest("Only supervisors have a team.") }
            // Then the writes.
            if let team { try await Teams(store: store).setMembers(team, of: user.id, actor: actor.id, at: now) }
            if details.count > 1 {
                try await store.update(user)
                try await store.append(AuditDraft(at: now, actor: actor.id.rawValue, action: .userUpdated,
                                                  organizationID: user.organizationID?.rawValue, details: details))
            }
            // A disabled user, or one whose password was reset, is signed out everywhere at once.
            if user.isDisabled || details["password"] != nil { await sessions.removeAll(of: user.id) }
            // A password reset also revokes the user's API tokens (a disabled user's tokens only stop working).
            if details["password"] != nil { try await APITokens(store: store).revokeAll(of: user.id, by: actor, now: now) }
            return user
        }
    }

    /// A signed-in user changes their own password: the current one must be given (a wrong one counts as a
    /// failed sign-in, towards the lock), the new one follows the password rules and differs from it. The
    /// user's other sessions end, their API tokens are revoked (a password changed after a leak must not leave
    /// the intruder a way in), and one `user.updated` event records it (`password: changed`, never a password).
    /// - Returns: a new session for the user who asked, signed in (every earlier one has ended, the asking one
    ///   too: its id may be what leaked, QA9 F4); the caller sets its cookie.
    func changeOwnPassword(current: String, new: String, actor: Session.SignedInUser) async throws -> Session {
        let now = configuration.now()
        guard let user = try await store.user(named: actor.userName), user.id == actor.id, !user.isDisabled else {
            throw ServerError.notFound
        }
        if let until = user.lockedUntil, until > now {
            throw ServerError.notAllowed("Too many wrong passwords: the account is locked for now; an administrator can unlock it.")
        }
        guard PasswordHasher().verify(current, against: user.passwordHash) else {
            let after = try await store.recordFailedLogin(
                of: user.id, lockAfter: configuration.maxFailedLogins, lockUntil: now.addingTimeInterval(configuration.lockoutDuration))
            if after.lockedUntil.map({ $0 > now }) == true { await sessions.removeAll(of: user.id) }
            throw ServerError.badRequest("The current password is not right; nothing was changed.")
        }
        guard new != current else { throw ServerError.badRequest("The new password is the current one; choose another.") }
        let hash = try hashPassword(new)
        let changed = try await locks.withLock(actor.userName) {
            guard var fresh = try await store.user(named: actor.userName), fresh.id == actor.id else { throw ServerError.notFound }
            fresh.passwordHash = hash
            fresh.failedLogins = 0
            fresh.lockedUntil = nil
            try await store.update(fresh)
            try await store.append(AuditDraft(at: now, actor: actor.id.rawValue, action: .userUpdated,
                                              organizationID: fresh.organizationID?.rawValue,
                                              details: ["user": fresh.id.rawValue, "password": "changed"]))
            return fresh
        }
        await sessions.removeAll(of: user.id)
        try await APITokens(store: store).revokeAll(of: user.id, by: actor, now: now)
        return await sessions.create(for: changed, now: now)
    }

    func createOrganization(name: String, acronym: String, kind: Organization.Kind, actor: Session.SignedInUser) async throws -> Organization {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let acronym = acronym.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw ServerError.badRequest("The organisation's name must not be empty (at most 200 characters).") }
        guard (1...32).contains(acronym.count), acronym.allSatisfy({ $0.isLetter || $0.isNumber || "-_".contains($0) }) else {
            throw ServerError.badRequest("The acronym must be 1 to 32 letters, digits, '-' or '_', e.g. UNHCR.")
        }
        if try await store.organization(acronym: acronym) != nil {
            throw ServerError.conflict("An organisation with this acronym exists already.")
        }
        let org = Organization(name: name, acronym: acronym, kind: kind, createdAt: configuration.now())
        do { try await store.add(org) } catch {
            if case .conflict = error { throw ServerError.conflict("An organisation with this acronym exists already.") }
            throw error
        }
        try await store.append(AuditDraft(at: org.createdAt, actor: actor.id.rawValue, action: .organizationAdded,
                                          organizationID: org.id.rawValue))
        return org
    }

    // MARK: - Rules

    private func hashPassword(_ password: String) throws -> String {
        do { return try PasswordHasher(cost: configuration.passwordHashCost).hash(newPassword: password) } catch {
            throw ServerError.badRequest(error.description)
        }
    }

    private func organizationID(_ acronym: String?) async throws -> Organization.ID? {
        guard let acronym = acronym?.trimmingCharacters(in: .whitespaces), !acronym.isEmpty else { return nil }
        guard let org = try await store.organization(acronym: acronym) else {
            throw ServerError.badRequest("There is no organisation with this acronym; add it on /admin/organizations first.")
        }
        return org.id
    }

    /// Resolves team member names: each must be an existing case worker.
    private func teamMembers(_ names: [String]) async throws -> [User.ID] {
        let users = Dictionary(try await store.users().map { ($0.userName, $0) }, uniquingKeysWith: { a, _ in a })
        var ids: [User.ID] = []
        for (i, name) in names.enumerated() {
            guard let u = users[name], u.role == .caseWorker else {
                throw ServerError.badRequest("Team member \(i + 1) is not a case worker's user name.")
            }
            if !ids.contains(u.id) { ids.append(u.id) }
        }
        return ids
    }
}
