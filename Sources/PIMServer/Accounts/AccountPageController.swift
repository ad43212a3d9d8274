import Foundation
import HTTPTypes
import Hummingbird
import PIMCore
import PIMStorage

/// The administration pages (`/admin…`, administrators only) and the API-token page (`/account/tokens`).
/// Forms post back and answer with a redirect on success (POST/redirect/GET) or the page with the error.
struct AccountPageController: Sendable {
    let store: any Store
    let accounts: AccountService
    let tokens: APITokens
    let pages: PageRenderer
    let configuration: ServerConfiguration

    func register(on registry: inout RouteRegistry) {
        registry.register(.adminHome) { _, context, _ in
            let now = configuration.now()
            let users = try await store.users()
            let model = AccountPageModels.AdminHome(
                users: users.count, disabled: users.filter(\.isDisabled).count,
                locked: users.filter { ($0.lockedUntil ?? .distantPast) > now }.count,
                organizations: try await store.organizations().count,
                activeTokens: try await tokens.all().filter { $0.token.status(at: now) == .active }.count)
            return pages.response(.adminHome, model, title: "Administration", session: context.session)
        }
        registry.register(.adminUsers) { request, context, _ in
            let notice = Form(query: request.uri.query)["done"] != nil ? "Saved." : nil
            return try await usersPage(context, notice: notice, error: nil)
        }
        registry.register(.adminUserCreate) { _, context, form in
            let actor = try Self.actor(context)
            guard let role = form["role"].flatMap(Role.init(rawValue:)) else {
                return try await usersPage(context, error: ServerError.badRequest("Choose a role."))
            }
            let input = AccountService.NewUser(userName: form["user_name"] ?? "", displayName: form["display_name"], role: role,
                                               organizationAcronym: form["organization"], password: form["password"] ?? "")
            do { _ = try await accounts.createUser(input, actor: actor) } catch let e as ServerError {
                return try await usersPage(context, error: e)
            }
            return AuthController.redirect(to: Route.adminUsers.path + "?done=created")
        }
        registry.register(.adminUserUpdate) { _, context, form in
            let actor = try Self.actor(context)
            let name = try context.parameters.require("name")
            let change: AccountService.Change
            switch form["change"] {
            case "role":
                guard let role = form["role"].flatMap(Role.init(rawValue:)) else {
                    return try await usersPage(context, error: ServerError.badRequest("Choose a role."))
                }
                change = .role(role)
            case "disable": change = .disabled(true)
            case "enable": change = .disabled(false)
            case "unlock": change = .unlock
            case "organization": change = .organization(form["organization"])
            case "password": change = .password(form["password"] ?? "")
            case "team": change = .team(Self.names(form["members"]))
            default: return try await usersPage(context, error: ServerError.badRequest("Unknown change; reload the page."))
            }
            do { _ = try await accounts.update(name, change, actor: actor) } catch let e as ServerError where e != .notFound {
                return try await usersPage(context, error: e)
            }
            return AuthController.redirect(to: Route.adminUsers.path + "?done=updated")
        }
        registry.register(.adminOrganizations) { request, context, _ in
            let notice = Form(query: request.uri.query)["done"] != nil ? "Saved." : nil
            return try await organizationsPage(context, notice: notice, error: nil)
        }
        registry.register(.adminOrganizationCreate) { _, context, form in
            let actor = try Self.actor(context)
            guard let kind = form["kind"].flatMap(Organization.Kind.init(rawValue:)) else {
                return try await organizationsPage(context, error: ServerError.badRequest("Choose the kind of organisation."))
            }
            do {
                _ = try await accounts.createOrganization(name: form["name"] ?? "", acronym: form["acronym"] ?? "", kind: kind, actor: actor)
            } catch let e as ServerError {
                return try await organizationsPage(context, error: e)
            }
            return AuthController.redirect(to: Route.adminOrganizations.path + "?done=created")
        }
        registry.register(.adminRoles) { _, context, _ in
            pages.response(.adminRoles, AccountPageModels.roles(), title: "Roles", session: context.session)
        }
        registry.register(.accountTokens) { _, context, _ in
            try await tokensPage(context, created: nil, error: nil)
        }
        registry.register(.accountTokenCreate) { _, context, form in
            let actor = try Self.actor(context)
            let now = configuration.now()
            do {
                let expiry = try Self.expiry(days: form["expires_in_days"], now: now)
                let (secret, token) = try await tokens.create(
                    for: actor, name: form["name"] ?? "", expiresAt: expiry, scope: try TokenScope.parse(form["scope"]), now: now)
                // Shown once, in this response only: never cached, never redirected to.
                var response = try await tokensPage(context, created: .init(name: token.name, secret: secret), error: nil)
                response.headers[.cacheControl] = "no-store"
                return response
            } catch let e as ServerError {
                return try await tokensPage(context, created: nil, error: e)
            }
        }
        registry.register(.accountPassword) { request, context, _ in
            let done = Form(query: request.uri.query)["done"] != nil
            return passwordPage(context, notice: done ? "Your password was changed. Your other sessions have ended and your API tokens were revoked." : nil, error: nil)
        }
        registry.register(.accountPasswordChange) { _, context, form in
            let actor = try Self.actor(context)
            guard form["new_password"] == form["repeat_password"] else {
                return passwordPage(context, error: ServerError.badRequest("The two new passwords differ; type the same one twice."))
            }
            let session: Session
            do {
                session = try await accounts.changeOwnPassword(
                    current: form["current_password"] ?? "", new: form["new_password"] ?? "", actor: actor)
            } catch let e as ServerError where e != .notFound {
                return passwordPage(context, error: e)
            }
            // A new session id: the old one ended with the others (it may be what leaked).
            var response = AuthController.redirect(to: Route.accountPassword.path + "?done=changed")
            response.setCookie(SessionCookie.set(session.token, configuration: configuration))
            return response
        }
        registry.register(.accountTokenRevoke) { _, context, _ in
            _ = try await tokens.revoke(id: context.parameters.require("id"), by: Self.actor(context), now: configuration.now())
            return AuthController.redirect(to: Route.accountTokens.path)
        }
    }

    // MARK: - Pages

    private func passwordPage(_ context: PIMRequestContext, notice: String? = nil, error: ServerError?) -> Response {
        let model = AccountPageModels.Password(csrfToken: context.session?.csrfToken ?? "", notice: notice, error: error?.detail)
        return pages.response(.accountPassword, model, title: "Your password", session: context.session, status: error?.status ?? .ok)
    }

    private func usersPage(_ context: PIMRequestContext, notice: String? = nil, error: ServerError?) async throws -> Response {
        let now = configuration.now()
        let orgs = try await store.organizations().sorted { $0.acronym < $1.acronym }
        let acronyms = Dictionary(orgs.map { ($0.id, $0.acronym) }, uniquingKeysWith: { a, _ in a })
        let users = try await store.users().sorted { $0.userName < $1.userName }
        let names = Dictionary(users.map { ($0.id, $0.userName) }, uniquingKeysWith: { a, _ in a })
        let teams = Teams(store: store)
        var rows: [AccountPageModels.UserRow] = []
        for u in users {
            let locked = (u.lockedUntil ?? .distantPast) > now
            var team: [String] = []
            if u.role == .supervisor { team = try await teams.memberIDs(of: u.id).compactMap { names[$0] }.sorted() }
            rows.append(AccountPageModels.UserRow(
                name: u.userName, displayName: u.displayName, role: u.role.rawValue,
                organization: u.organizationID.flatMap { acronyms[$0] } ?? "—",
                status: u.isDisabled ? "disabled" : locked ? "locked" : "active", isDisabled: u.isDisabled, isLocked: locked,
                isSupervisor: u.role == .supervisor, isSelf: u.id == context.user?.id, team: team.joined(separator: ", "),
                roleOptions: Role.allCases.map { .init(value: $0.rawValue, label: $0.rawValue, selected: $0 == u.role) },
                organizationOptions: orgs.map { .init(value: $0.acronym, label: $0.acronym, selected: $0.id == u.organizationID) }))
        }
        let model = AccountPageModels.Users(
            csrfToken: context.session?.csrfToken ?? "", notice: notice, error: error?.detail, users: rows,
            roleChoices: Role.allCases.map { .init(value: $0.rawValue, label: $0.rawValue, selected: false) },
            organizationChoices: orgs.map { .init(value: $0.acronym, label: "\($0.acronym) — \($0.name)", selected: false) })
        return pages.response(.adminUsers, model, title: "Users", session: context.session, status: error?.status ?? .ok)
    }

    private func organizationsPage(_ context: PIMRequestContext, notice: String? = nil, error: ServerError?) async throws -> Response {
        let users = try await store.users()
        let model = AccountPageModels.Organizations(
            csrfToken: context.session?.csrfToken ?? "", notice: notice, error: error?.detail,
            organizations: try await store.organizations().sorted { $0.acronym < $1.acronym }.map { o in
                .init(acronym: o.acronym, name: o.name, kind: o.kind.rawValue, users: users.filter { $0.organizationID == o.id }.count)
            },
            kinds: Organization.Kind.allCases.map(\.rawValue))
        return pages.response(.adminOrganizations, model, title: "Organisations", session: context.session, status: error?.status ?? .ok)
    }

    private func tokensPage(_ context: PIMRequestContext, created: AccountPageModels.Created?, error: ServerError?) async throws -> Response {
        let actor = try Self.actor(context)
        let now = configuration.now()
        let list = try await tokens.visible(to: actor)
        let model = AccountPageModels.Tokens(
            csrfToken: context.session?.csrfToken ?? "", error: error?.detail, created: created,
            showOwner: Permission.administer.allows(actor.role),
            tokens: list.map { t in
                let status = t.status(at: now)
                return .init(id: t.id, name: t.name, owner: t.userName, created: PageModels.format(t.createdAt),
                             lastUsed: t.lastUsedAt.map(PageModels.format) ?? "never", expires: t.expiresAt.map(PageModels.format) ?? "never",
                             status: status.rawValue, isActive: status == .active, scope: t.effectiveScope.rawValue)
            })
        return pages.response(.accountTokens, model, title: "API tokens", session: context.session, status: error?.status ?? .ok)
    }

    // MARK: - Helpers

    static func actor(_ context: PIMRequestContext) throws(ServerError) -> Session.SignedInUser {
        guard let user = context.user else { throw .unauthenticated }
        return user
    }

    /// Comma- or space-separated user names.
    static func names(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
    }

    /// `days` from now (1 to 3650), or nil for a token that does not expire.
    static func expiry(days text: String?, now: Date) throws(ServerError) -> Date? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let days = Int(text), (1...3650).contains(days) else {
            throw .badRequest("The expiry must be a whole number of days from 1 to 3650, or empty for never.")
        }
        return now.addingTimeInterval(TimeInterval(days) * 86_400)
    }
}
