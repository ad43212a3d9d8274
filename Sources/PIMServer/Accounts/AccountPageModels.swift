import Foundation
import HTTPTypes
import PIMCore

/// View models of the administration and API-token pages (plain, preformatted values).
enum AccountPageModels {
    struct Option { var value: String; var label: String; var selected: Bool }

    struct AdminHome { var users: Int; var disabled: Int; var locked: Int; var organizations: Int; var activeTokens: Int }

    struct Users {
        var csrfToken: String
        var notice: String?
        var error: String?
        var users: [UserRow]
        var roleChoices: [Option]
        var organizationChoices: [Option]
    }

    struct UserRow {
        var name: String
        var displayName: String
        var role: String
        var organization: String
        var status: String
        var isDisabled: Bool
        var isLocked: Bool
        var isSupervisor: Bool
        /// The signed-in administrator's own row: no role change or disabling (another administrator must do it).
        var isSelf: Bool
        var team: String
        var roleOptions: [Option]
        var organizationOptions: [Option]
    }

    struct Organizations {
        var csrfToken: String
        var notice: String?
        var error: String?
        var organizations: [OrganizationRow]
        var kinds: [String]
    }

    struct OrganizationRow { var acronym: String; var name: String; var kind: String; var users: Int }

    struct Roles { var roles: [String]; var permissions: [PermissionRow] }
    struct PermissionRow { var name: String; var summary: String; var cells: [Cell]; var routes: [String] }
    struct Cell { var allowed: Bool }

    struct Tokens {
        var csrfToken: String
        var error: String?
        var created: Created?
        var showOwner: Bool
        var tokens: [TokenRow]
    }

    struct Created { var name: String; var secret: String }

    struct TokenRow {
        var id: String
        var name: String
        var owner: String
        var created: String
        var lastUsed: String
        var expires: String
        var status: String
        var isActive: Bool
        var scope: String
    }

    /// The role matrix, generated from ``Permission`` and ``Route``.
    static func roles() -> Roles {
        Roles(roles: Role.allCases.map(\.rawValue), permissions: Permission.allCases.map { p in
            PermissionRow(name: p.rawValue, summary: p.summary, cells: Role.allCases.map { Cell(allowed: p.allows($0)) },
                          routes: Route.allCases.filter { $0.permission == p }.map { "\($0.method.rawValue) \($0.path)" })
        })
    }

    struct Password: Sendable {
        var csrfToken: String
        var notice: String?
        var error: String?
    }
}
