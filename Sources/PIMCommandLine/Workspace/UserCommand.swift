import ArgumentParser
import Foundation
import PIMCore
import PIMServer
import PIMStorage

extension Role: ExpressibleByArgument {}

/// `pim user add|list|disable|enable|unlock|set-role`: the workspace's accounts (the web's `/admin/users`
/// does the same, with the same rules).
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Add, list, disable, enable and unlock the workspace's users and change their roles.",
        discussion: """
            Examples:
              pim user add --name farah --role pim-officer --password-file farah.pw
              pim user list
            """,
        subcommands: [Add.self, List.self, Disable.self, Enable.self, Unlock.self, SetRole.self, SetPassword.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add",
            abstract: "Add a user with a role (and an organisation for partner viewers).",
            discussion: """
                Example:
                  pim user add --name farah --role data-protection-focal-point --password-file farah.pw
                  pim user add --name drc-viewer --role partner-viewer --org DRC --password-file v.pw
                Roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")). \
                The password (12+ characters) comes from a file or a prompt, never from a flag.
                """
        )
        @OptionGroup var store: StoreOptions
        @Option(help: "User name.") var name: String
        @Option(help: "Role.") var role: Role
        @Option(help: "Organisation acronym (required for partner viewers).") var org: String?
        @Option(help: "Display name (default: the user name).") var displayName: String?
        @Option(help: "File whose first line is the password.") var passwordFile: String?
        @OptionGroup var actor: ActorOption
        @OptionGroup var output: ChangeFormat

        func validate() throws {
            try User.validateUserName(name)
            if role == .partnerViewer && org == nil { throw ValidationError("A partner viewer needs --org: they see only what agreements shared with their organisation.") }
        }

        func run() async throws {
            let hash = try UserCommand.newPasswordHash(file: passwordFile, prompt: "Password for \(name)")
            try await store.withStore(writing: true, command: "pim user add") { s in
                guard try await s.workspace() != nil else { throw StoreError.notInitialized }
                try await actor.check(in: s, needs: .administer, to: "manage users")
                var orgID: Organization.ID?
                if let org {
                    guard let o = try await s.organization(acronym: org) else {
                        throw CLIError("There is no organisation \"\(org)\"; add it with `pim org add` first.")
                    }
                    orgID = o.id
                }
                let user = User(userName: name, displayName: displayName ?? name, role: role, organizationID: orgID,
                                passwordHash: hash, createdAt: Date())
                try await s.add(user)
                try await s.append(AuditDraft(at: Date(), actor: actor.name, action: .userCreated, organizationID: orgID?.rawValue,
                                              details: ["user": user.id.rawValue, "role": role.rawValue]))
            }
            try output.report("Added user \(name) (\(role.rawValue)\(org.map { ", \($0)" } ?? "")).", ["user": name, "role": role.rawValue, "organization": org ?? "", "change": "added"])
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List users with their roles and status.",
                                                        discussion: "Example:\n  pim user list --format json")
        @OptionGroup var store: StoreOptions
        @Option(help: "text or json.") var format: OutputFormat = .text

        struct Entry: Encodable { var name: String; var role: String; var organization: String?; var disabled: Bool; var locked: Bool }

        func run() async throws {
            let entries = try await store.withStore(writing: false, command: "pim user list") { s in
                let orgs = Dictionary(uniqueKeysWithValues: try await s.organizations().map { ($0.id, $0.acronym) })
                return try await s.users().map {
                    Entry(name: $0.userName, role: $0.role.rawValue, organization: $0.organizationID.flatMap { orgs[$0] },
                          disabled: $0.isDisabled, locked: ($0.lockedUntil ?? .distantPast) > Date())
                }
            }
            switch format {
            case .json: try Output.printJSON(entries)
            case .text:
                print(Output.table(["user", "role", "organisation", "status"], entries.map {
                    [$0.name, $0.role, $0.organization ?? "", $0.disabled ? "disabled" : $0.locked ? "locked" : "active"]
                }))
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a user (their sessions end; the account stays for the audit trail).",
                                                        discussion: "Example:\n  pim user disable drc-viewer")
        @OptionGroup var store: StoreOptions
        @Argument(help: "User name.") var name: String
        @OptionGroup var actor: ActorOption
        @OptionGroup var output: ChangeFormat

        func run() async throws {
            try await UserCommand.change(name, store: store, actor: actor, command: "pim user disable", details: ["disabled": "true"]) {
                $0.isDisabled = true
            }
            try output.report("Disabled user \(name).", ["user": name, "change": "disabled"])
        }
    }

    /// The bcrypt hash of a new password read from `file` (its first line) or, at a terminal, asked twice.
    static func newPasswordHash(file: String?, prompt: String) throws -> String {
        let password: String
        if let file {
            password = try Secrets.password(file: file)
        } else if Terminal.isInteractive, let p1 = Terminal.askSecret("\(prompt) (12+ characters)"),
                  let p2 = Terminal.askSecret("Repeat the password") {
            guard p1 == p2 else { throw CLIError("The two passwords differ; nothing was changed.") }
            password = p1
        } else {
            throw CLIError("Give --password-file: the password is read from a file or a prompt, never from a flag.")
        }
        return try PasswordHasher().hash(newPassword: password)
    }

    /// Loads a user, applies `change` and records a `user.updated` event with ids only.
    /// Changes one user in one transaction, audited. With `organization`, the user is first attached to the
    /// organisation of that acronym (so a role change to partner viewer can name it).
    static func change(_ name: String, store: StoreOptions, actor: ActorOption, command: String, organization: String? = nil,
                       details: [String: String], _ change: @escaping @Sendable (inout User) throws -> Void) async throws {
        try await store.withStore(writing: true, command: command) { s in
            try await actor.check(in: s, needs: .administer, to: "manage users")
            guard var u = try await s.user(signingInAs: name) else { throw StoreError.notFound(kind: "user", key: name) }
            let before = u
            if let organization {
                guard let o = try await s.organization(acronym: organization) else {
                    throw CLIError("There is no organisation \"\(organization)\"; add it with `pim org add` first.")
                }
                u.organizationID = o.id
            }
            try change(&u)
            // The workspace keeps an active administrator: nobody could manage users after the last one goes.
            let wasAdministrator = before.role == .administrator && !before.isDisabled
            if wasAdministrator && (u.role != .administrator || u.isDisabled) {
                let others = try await s.users().filter { $0.id != u.id && $0.role == .administrator && !$0.isDisabled }
                if others.isEmpty {
                    throw CLIError("\(name) is the workspace's last active administrator; make another user administrator first.")
                }
            }
            try await s.update(u)
            try await s.append(AuditDraft(at: Date(), actor: actor.name, action: .userUpdated, organizationID: u.organizationID?.rawValue,
                                          details: details.merging(["user": u.id.rawValue]) { a, _ in a }))
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled user again.",
                                                        discussion: "Example:\n  pim user enable drc-viewer")
        @OptionGroup var store: StoreOptions
        @Argument(help: "User name.") var name: String
        @OptionGroup var actor: ActorOption
        @OptionGroup var output: ChangeFormat

        func run() async throws {
            try await UserCommand.change(name, store: store, actor: actor, command: "pim user enable", details: ["disabled": "false"]) {
                $0.isDisabled = false
            }
            try output.report("Enabled user \(name).", ["user": name, "change": "enabled"])
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unlock", abstract: "Unlock a user locked after repeated failed sign-ins.",
                                                        discussion: "Example:\n  pim user unlock farah")
        @OptionGroup var store: StoreOptions
        @Argument(help: "User name.") var name: String
        @OptionGroup var actor: ActorOption
        @OptionGroup var output: ChangeFormat

        func run() async throws {
            try await store.withStore(writing: true, command: "pim user unlock") { s in
                try await actor.check(in: s, needs: .administer, to: "manage users")
                guard let u = try await s.user(signingInAs: name) else { throw StoreError.notFound(kind: "user", key: name) }
                // The failure count and the lock only (a whole-row save could undo a failure counted meanwhile).
                try await s.clearFailedLogins(of: u.id)
                try await s.append(AuditDraft(at: Date(), actor: actor.name, action: .userUpdated, organizationID: u.organizationID?.rawValue,
                                              details: ["user": u.id.rawValue, "unlocked": "true"]))
            }
            try output.report("Unlocked user \(name).", ["user": name, "change": "unlocked"])
        }
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-role", abstract: "Change a user's role (partner viewers need an organisation).",
            discussion: """
                Examples:
                  pim user set-role farah --role pim-officer
                  pim user set-role drc-viewer --role partner-viewer --org DRC
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "User name.") var name: String
        @Option(help: "New role.") var role: Role
        @Option(help: "Organisation acronym the user belongs to (needed to become a partner viewer).") var org: String?
        @OptionGroup var actor: ActorOption
        @OptionGroup var output: ChangeFormat

        func run() async throws {
            let role = role
            var details = ["role": role.rawValue]
            if let org { details["organization"] = org }
            try await UserCommand.change(name, store: store, actor: actor, command: "pim user set-role", organization: org, details: details) {
                if role == .partnerViewer && $0.organizationID == nil {
                    throw CLIError("A partner viewer needs an organisation: give --org with its acronym.")
                }
                $0.role = role
            }
            try output.report("\(name) is now \(role.rawValue).", ["user": name, "role": role.rawValue, "change": "role set"])
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password", abstract: "Set a new password for a user (a forgotten or leaked one) and unlock the account.",
            discussion: "Example:\n  pim user set-password farah --password-file farah.pw")
        @OptionGroup var store: StoreOptions
        @Argument(help: "User name.") var name: String
        @Option(help: "File whose first line is the new password.") var passwordFile: String?
        @OptionGroup var actor: ActorOption
        @OptionGroup var output: ChangeFormat

        func run() async throws {
            let hash = try UserCommand.newPasswordHash(file: passwordFile, prompt: "New password for \(name)")
            try await UserCommand.change(name, store: store, actor: actor, command: "pim user set-password",
                                         details: ["password": "changed"]) {
                $0.passwordHash = hash
                $0.failedLogins = 0
                $0.lockedUntil = nil
            }
            try output.report("Set a new password for \(name).", ["user": name, "change": "password set"])
        }
    }
}
