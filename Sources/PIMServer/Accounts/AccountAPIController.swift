import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PIMCore
import PIMStorage

/// `/api/v1/users`, `/api/v1/organizations` (administrators) and `/api/v1/tokens` (every signed-in user).
/// Bodies are JSON; cookie sessions send the CSRF token in `X-CSRF-Token`, token-authenticated calls need none.
struct AccountAPIController: Sendable {
    let store: any Store
    let accounts: AccountService
    let tokens: APITokens
    let configuration: ServerConfiguration

    func register(on registry: inout RouteRegistry) {
        registry.register(.apiUsers) { _, _, _ in
            JSON.response(try await userDTOs(try await store.users().sorted { $0.userName < $1.userName }))
        }
        registry.register(.apiUser) { _, context, _ in
            guard let user = try await store.user(named: context.parameters.require("name")) else { throw ServerError.notFound }
            return JSON.response(try await userDTOs([user])[0])
        }
        registry.register(.apiUserCreate) { _, context, form in
            let body = try Self.decode(UserCreateDTO.self, form,
                                             hint: #"{"name": "…", "role": "analyst", "password": "12+ characters", "organization": "ACR"}"#)
            guard let role = Role(rawValue: body.role) else { throw Self.unknownRole }
            let user = try await accounts.createUser(.init(userName: body.name, displayName: body.displayName, role: role,
                                                          organizationAcronym: body.organization, password: body.password),
                                                    actor: AccountPageController.actor(context))
            return JSON.response(try await userDTOs([user])[0], status: .created)
        }
        registry.register(.apiUserUpdate) { _, context, form in
            let name = try context.parameters.require("name")
            let body = try Self.decode(UserPatchDTO.self, form,
                                             hint: #"{"role": "analyst"} or {"organization": "DRC"} or {"disabled": true} or {"team": ["user", …]}"#)
            var changes: [AccountService.Change] = []
            if let org = body.organization { changes.append(.organization(org.isEmpty ? nil : org)) }
            if let r = body.role {
                guard let role = Role(rawValue: r) else { throw Self.unknownRole }
                changes.append(.role(role))
            }
            if let d = body.disabled { changes.append(.disabled(d)) }
            if body.unlock == true { changes.append(.unlock) }
            if let team = body.team { changes.append(.team(team)) }
            guard !changes.isEmpty else { throw ServerError.badRequest("Give at least one of role, organization, disabled, unlock, team.") }
            // All or nothing: the rules are checked on the result before anything is written.
            let user = try await accounts.update(name, changes, actor: AccountPageController.actor(context))
            return JSON.response(try await userDTOs([user])[0])
        }
        registry.register(.apiOrganizations) { _, _, _ in
            JSON.response(try await store.organizations().sorted { $0.acronym < $1.acronym }.map(OrganizationDTO.init))
        }
        registry.register(.apiOrganizationCreate) { _, context, form in
            let body = try Self.decode(OrganizationCreateDTO.self, form,
                                             hint: #"{"name": "Danish Refugee Council", "acronym": "DRC", "kind": "ingo"}"#)
            guard let kind = Organization.Kind(rawValue: body.kind) else {
                throw ServerError.badRequest("kind must be one of \(Organization.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            let org = try await accounts.createOrganization(name: body.name, acronym: body.acronym, kind: kind,
                                                            actor: AccountPageController.actor(context))
            return JSON.response(OrganizationDTO(org), status: .created)
        }
        registry.register(.apiTokens) { _, context, _ in
            JSON.response(try await tokens.visible(to: AccountPageController.actor(context)).map { TokenDTO($0, now: configuration.now()) })
        }
        registry.register(.apiTokenCreate) { _, context, form in
            // A token cannot mint tokens: a leaked short-lived token must not become a lasting one.
            guard !context.authenticatedByToken else {
                throw ServerError.badRequest("API tokens are created by a signed-in user at /account/tokens, not with another token.")
            }
            let body = try Self.decode(TokenCreateDTO.self, form, hint: #"{"name": "nightly export", "expiresInDays": 30, "scope": "read"}"#)
            let now = configuration.now()
            let expiry = try AccountPageController.expiry(days: body.expiresInDays.map(String.init), now: now)
            let (secret, token) = try await tokens.create(
                for: AccountPageController.actor(context), name: body.name, expiresAt: expiry, scope: try TokenScope.parse(body.scope),
                now: now)
            var response = JSON.response(CreatedTokenDTO(token: secret, details: TokenDTO(token, now: now)), status: .created)
            response.headers[.cacheControl] = "no-store"
            return response
        }
        registry.register(.apiAccountPassword) { _, context, form in
            // A token cannot change its user's password: a leaked token must not let its holder lock the user out.
            guard !context.authenticatedByToken else {
                throw ServerError.badRequest("Passwords are changed by a signed-in user (a session), not with an API token.")
            }
            let body = try Self.decode(PasswordChangeDTO.self, form, hint: #"{"current": "…", "new": "…"}"#)
            let session = try await accounts.changeOwnPassword(
                current: body.current, new: body.new, actor: AccountPageController.actor(context))
            var response = Response(status: .noContent)
            response.setCookie(SessionCookie.set(session.token, configuration: configuration))
            return response
        }
        registry.register(.apiTokenRevoke) { _, context, _ in
            _ = try await tokens.revoke(id: context.parameters.require("id"), by: AccountPageController.actor(context), now: configuration.now())
            return Response(status: .noContent)
        }
    }

    static let unknownRole = ServerError.badRequest("role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")

    /// Decodes a JSON body (at most 64 KiB) or answers 400 with the expected shape.
    static func decode<T: Decodable>(_ type: T.Type, _ form: Form, hint: String) throws -> T {
        guard let value = try? JSONDecoder().decode(T.self, from: Data(form.raw.utf8)) else {
            throw ServerError.badRequest("The body must be JSON like \(hint).")
        }
        return value
    }

    private func userDTOs(_ users: [User]) async throws -> [UserDTO] {
        let now = configuration.now()
        let orgs = Dictionary(try await store.organizations().map { ($0.id, $0.acronym) }, uniquingKeysWith: { a, _ in a })
        let all = try await store.users()
        let names = Dictionary(all.map { ($0.id, $0.userName) }, uniquingKeysWith: { a, _ in a })
        var out: [UserDTO] = []
        for u in users {
            var team: [String]?
            if u.role == .supervisor { team = try await Teams(store: store).memberIDs(of: u.id).compactMap { names[$0] }.sorted() }
            out.append(UserDTO(name: u.userName, id: u.id.rawValue, displayName: u.displayName, role: u.role.rawValue,
                               organization: u.organizationID.flatMap { orgs[$0] }, disabled: u.isDisabled,
                               locked: (u.lockedUntil ?? .distantPast) > now, createdAt: u.createdAt, team: team))
        }
        return out
    }
}

// MARK: - DTOs

/// A user as administrators see it: never the password hash.
struct UserDTO: Codable, Sendable {
    var name: String
    var id: String
    var displayName: String
    var role: String
    var organization: String?
    var disabled: Bool
    var locked: Bool
    var createdAt: Date
    /// Supervisors only: their team's user names.
    var team: [String]?
}

struct UserCreateDTO: Codable, Sendable {
    var name: String
    var displayName: String?
    var role: String
    var organization: String?
    var password: String
}

struct UserPatchDTO: Codable, Sendable {
    var role: String?
    /// An organisation acronym; "" for none.
    var organization: String?
    var disabled: Bool?
    var unlock: Bool?
    var team: [String]?
}

struct OrganizationDTO: Codable, Sendable {
    var id: String
    var name: String
    var acronym: String
    var kind: String
    var createdAt: Date

    init(_ o: Organization) {
        id = o.id.rawValue
        name = o.name
        acronym = o.acronym
        kind = o.kind.rawValue
        createdAt = o.createdAt
    }
}

struct OrganizationCreateDTO: Codable, Sendable {
    var name: String
    var acronym: String
    var kind: String
}

struct TokenDTO: Codable, Sendable {
    var id: String
    var name: String
    var user: String
    var createdAt: Date
    var lastUsedAt: Date?
    var expiresAt: Date?
    var status: String
    /// read (GET and HEAD only) or read-write.
    var scope: String

    init(_ t: APIToken, now: Date) {
        id = t.id
        name = t.name
        user = t.userName
        createdAt = t.createdAt
        lastUsedAt = t.lastUsedAt
        expiresAt = t.expiresAt
        status = t.status(at: now).rawValue
        scope = t.effectiveScope.rawValue
    }
}

/// The body of `POST /api/v1/account/password`.
struct PasswordChangeDTO: Codable, Sendable {
    var current: String
    var new: String
}

struct TokenCreateDTO: Codable, Sendable {
    var name: String
    var expiresInDays: Int?
    /// read or read-write (the default).
    var scope: String?
}

/// The answer to a token creation: the secret, shown this once.
struct CreatedTokenDTO: Codable, Sendable {
    var token: String
    var details: TokenDTO
}
