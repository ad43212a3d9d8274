import ArgumentParser
import Foundation
import PIMCore
import PIMServer
import PIMStorage

/// `pim org add|list`: the organisations agreements name.
struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Register and list partner organisations (UN agencies, NGOs, government, clusters, donors).",
        discussion: "Example:\n  pim org add --name \"Danish Refugee Council\" --acronym DRC --type ingo",
        subcommands: [Add.self, List.self, Own.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add",
            abstract: "Register an organisation. Audited.",
            discussion: "Example:\n  pim org add --name \"Danish Refugee Council\" --acronym DRC --type ingo"
        )
        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOption
        @Option(help: "Full name.") var name: String
        @Option(help: "Short unique name used in agreements, e.g. UNHCR.") var acronym: String
        @Option(help: "un, ingo, nngo, government, cluster, donor or other.") var type: Organization.Kind
        @Flag(help: "This workspace belongs to it: its shares must name it as their producer (see `pim org own`).") var own = false
        @OptionGroup var output: ChangeFormat

        func validate() throws {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--name must not be empty.") }
            guard (1...32).contains(acronym.count), acronym.allSatisfy({ $0.isLetter || $0.isNumber || "-_".contains($0) }) else {
                throw ValidationError("--acronym must be 1 to 32 letters, digits, '-' or '_', e.g. UNHCR.")
            }
        }

        func run() async throws {
            let org = Organization(name: name, acronym: acronym, kind: type, createdAt: Date())
            try await store.withStore(writing: true, command: "pim org add") { s in
                guard try await s.workspace() != nil else { throw StoreError.notInitialized }
                try await actor.check(in: s, needs: .administer, to: "add organisations")
                try await s.add(org)
                try await s.append(AuditDraft(at: org.createdAt, actor: actor.name, action: .organizationAdded,
                                              organizationID: org.id.rawValue, details: ["acronym": acronym]))
                if own { try await Own.make(acronym, organizationID: org.id.rawValue, in: s, actor: actor.name) }
            }
            try output.report("Added organisation \(acronym) (\(type.rawValue))" + (own ? ", the organisation this workspace belongs to." : "."),
                              ["acronym": acronym, "type": type.rawValue, "name": name, "thisWorkspace": String(own)])
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list",
            abstract: "List the registered organisations.",
            discussion: "Example:\n  pim org list --format json"
        )
        @OptionGroup var store: StoreOptions
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text

        func run() async throws {
            let (orgs, own) = try await store.withStore(writing: false, command: "pim org list") { s in
                (try await s.organizations(), try await WorkspaceOrganization.acronym(in: s))
            }
            switch format {
            case .json: try Output.printJSON(orgs.map { Listed(organization: $0, workspace: $0.acronym == own) })
            case .text:
                if orgs.isEmpty { print("No organisations yet. Add one with `pim org add --name NAME --acronym ACR --type ingo`."); return }
                print(Output.table(["acronym", "type", "name", "this workspace's"],
                                   orgs.map { [$0.acronym, $0.kind.rawValue, $0.name, $0.acronym == own ? "yes" : ""] }))
                if own == nil { print("This workspace has not said which organisation it belongs to (`pim org own ACRONYM`).") }
            }
        }

        /// An organisation as listed in JSON: its fields, and whether the workspace belongs to it.
        struct Listed: Encodable {
            var organization: Organization
            var workspace: Bool

            func encode(to encoder: any Encoder) throws {
                try organization.encode(to: encoder)
                var c = encoder.container(keyedBy: Key.self)
                try c.encode(workspace, forKey: .workspace)
            }

            enum Key: String, CodingKey { case workspace = "thisWorkspace" }
        }
    }

    struct Own: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "own",
            abstract: "Say which registered organisation this workspace belongs to. Audited.",
            discussion: """
                Example:
                  pim org own UNHCR
                Every share names the agreement's first party as its producer; once the workspace's organisation is \
                known, a share under an agreement whose first party is another organisation is refused, so that no \
                package names as its producer an organisation that never held the data.
                """
        )
        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOption
        @Argument(help: "The organisation's acronym.") var acronym: String
        @OptionGroup var output: ChangeFormat

        func run() async throws {
            let before: String? = try await store.withStore(writing: true, command: "pim org own") { s in
                guard try await s.workspace() != nil else { throw StoreError.notInitialized }
                try await actor.check(in: s, needs: .administer, to: "say which organisation the workspace belongs to")
                guard let org = try await s.organization(acronym: acronym) else {
                    throw CLIError("There is no organisation \"\(acronym)\"; add it with `pim org add --own`.")
                }
                let before = try await WorkspaceOrganization.acronym(in: s)
                try await Self.make(org.acronym, organizationID: org.id.rawValue, in: s, actor: actor.name)
                return before
            }
            try output.report("This workspace now belongs to \(acronym)" + (before.map { $0 == acronym ? " (as before)." : " (it was \($0)'s)." } ?? "."),
                              ["thisWorkspace": acronym, "before": before ?? ""])
        }

        static func make(_ acronym: String, organizationID: String, in s: any Store, actor: String) async throws {
            try await WorkspaceOrganization.set(acronym, in: s, audit: AuditDraft(
                at: Date(), actor: actor, action: .workspaceOrganizationSet, organizationID: organizationID,
                details: ["acronym": acronym]))
        }
    }
}
