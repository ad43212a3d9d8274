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
        subcommands: [Add.self, List.self]
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
            }
            print("Added organisation \(acronym) (\(type.rawValue)).")
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
            let orgs = try await store.withStore(writing: false, command: "pim org list") { try await $0.organizations() }
            switch format {
            case .json: try Output.printJSON(orgs)
            case .text:
                if orgs.isEmpty { print("No organisations yet. Add one with `pim org add --name NAME --acronym ACR --type ingo`."); return }
                print(Output.table(["acronym", "type", "name"], orgs.map { [$0.acronym, $0.kind.rawValue, $0.name] }))
            }
        }
    }
}
