import ArgumentParser
import Foundation
import PIMCategories
import PIMCore
import PIMFramework
import PIMStorage
import PIMTable

/// `pim systems add|list`: the map of information systems operating in the context.
struct SystemsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "systems",
        abstract: "Register and list the information systems operating in the context (the systems map).",
        discussion: "Example:\n  pim systems list --format json",
        subcommands: [Add.self, List.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add",
            abstract: "Register an information system (--replace replaces one with the same id).",
            discussion: """
                Example:
                  pim systems add --name "IDP site monitoring" --owner DRC --category protection-monitoring \\
                      --area ZZ01 --tools KoboToolbox --method "key informant interviews" --frequency monthly \\
                      --dataset demo-protection-monitoring
                """
        )
        @OptionGroup var store: StoreOptions
        @Option(help: "Name of the system.") var name: String
        @Option(help: "Owning organisation (acronym).") var owner: String
        @Option(help: "PIM category id, name or alias.") var category: String
        @Option(help: "Area covered (P-code or description).") var area: String
        @Option(help: "Tools used, e.g. KoboToolbox, proGres, Primero.") var tools: String?
        @Option(help: "Method of collection.") var method: String?
        @Option(help: "How often data is collected, e.g. monthly.") var frequency: String?
        @Option(name: .customLong("dataset"), help: "Dataset in this workspace that the system feeds (of the system's category; one per system).")
        var datasets: [String] = []
        @Flag(help: "Replace a registered system with the same id (the name in lower case, punctuation as dashes).") var replace = false

        /// The one dataset given (the option may not be repeated: a system feeds one dataset).
        var dataset: String? { datasets.first }

        func validate() throws {
            for (flag, value) in [("--name", name), ("--owner", owner), ("--area", area)] where value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("\(flag) must not be empty.")
            }
            // (Repeated, the option kept only the last dataset, and said nothing: QA14.)
            if datasets.count > 1 {
                throw ValidationError(
                    "--dataset was given \(datasets.count) times: a system feeds one dataset. Register one system per dataset "
                        + "(for example \"\(name) – \(datasets[1])\"), or link the latest one.")
            }
        }

        func run() async throws {
            let cat = try PIMFramework.standard.category(named: category).id
            let system = InformationSystem(name: name, owner: owner, category: cat, area: area, tools: tools, method: method,
                                           frequency: frequency, dataset: dataset, registeredAt: Date())
            try await store.withStore(writing: true, command: "pim systems add") { s in
                guard try await s.workspace() != nil else { throw StoreError.notInitialized }
                var datasetCategory: String?
                if let dataset {
                    let d = try await DatasetLookup.require(dataset, in: s)
                    datasetCategory = d.category
                }
                // Other agencies' systems belong on the map too, so an owner need not be registered; but a typo
                // would read as another organisation, so it is said (C4).
                if try await s.organization(acronym: owner.trimmingCharacters(in: .whitespaces)) == nil {
                    Output.stderr("note: \(owner) is not a registered organisation of this workspace (`pim org list`); the system is recorded with this owner as written. Register it with `pim org add` if it is a partner.")
                }
                let existing = Set(try await s.documents(kind: .informationSystem).map(\.id))
                do {
                    try system.checkRegistration(existing: existing, datasetCategory: datasetCategory, replacing: replace)
                } catch let e as InformationSystemError { throw CLIError(e.description) }
                let audit = AuditDraft(at: Date(), actor: CLIActor.name(nil),
                                       action: .systemRegistered, details: ["system": system.id, "category": system.category.rawValue])
                try await s.putDocument(kind: .informationSystem, id: system.id, json: try system.json(), audit: audit)
            }
            print("Registered the system \"\(name)\" (\(cat.rawValue)) as \(system.id).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the registered information systems.",
                                                        discussion: "Example:\n  pim systems list --format json")
        @OptionGroup var store: StoreOptions
        @Option(help: "text or json.") var format: OutputFormat = .text

        func run() async throws {
            let systems = try await store.withStore(writing: false, command: "pim systems list") { s in try await SystemsCommand.load(s) }
            switch format {
            case .json: try Output.printJSON(systems)
            case .text:
                if systems.isEmpty { print("No systems registered yet. Add one with `pim systems add`."); return }
                print(Output.table(["system", "owner", "category", "area", "tools", "method", "frequency", "dataset"], systems.map {
                    [$0.name, $0.owner, $0.category.rawValue, $0.area, $0.tools ?? "", $0.method ?? "", $0.frequency ?? "", $0.dataset ?? ""]
                }))
            }
        }
    }

    static func load(_ s: any Store) async throws -> [InformationSystem] {
        var out: [InformationSystem] = []
        for doc in try await s.documents(kind: .informationSystem) {
            do { out.append(try InformationSystem.decode(doc.json)) } catch { throw CLIError("The stored system \"\(doc.id)\" is unreadable.") }
        }
        return out
    }
}

/// `pim coverage --scenario ID`: which §11 data needs the systems and recent datasets cover.
struct CoverageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Show which must-have and nice-to-have data of a §11 scenario the registered systems and recent datasets cover.",
        discussion: """
            Example:
              pim coverage --scenario protracted-emergency --recent-days 120
            Covered: a registered system and a dataset of a producing category whose latest data is within \
            --recent-days of --as-of (default today). A dataset's latest data is the period end recorded at \
            import (pim import --period-end), else the latest date in the data itself (the category's date \
            columns, e.g. date, or opened and closed for cases), never the day it was imported. \
            Partial: only one of the two. Gap: neither; the report names the category that would fill it. \
            Scenarios: \(Scenario.ID.allCases.map(\.rawValue).joined(separator: ", ")).
            """
    )
    @OptionGroup var store: StoreOptions
    @Option(help: "Scenario id or name.") var scenario: String
    @Option(help: "A dataset counts as recent when its latest data (period end, else the latest date in the data) is within this many days.")
    var recentDays: Int = 90
    @Option(help: "Judge coverage as of this day (yyyy-mm-dd); default today.") var asOf: String?
    @Option(help: "text, markdown, csv or json.") var format: ReportFormat = .text

    func validate() throws {
        if let asOf, CivilDays.startOfDay(iso: asOf) == nil { throw ValidationError("--as-of must be a date as yyyy-mm-dd.") }
        if recentDays < 0 { throw ValidationError("--recent-days must be 0 or more.") }
    }

    func run() async throws {
        let sc = try PIMFramework.standard.scenario(named: scenario)
        let now = asOf.flatMap(CivilDays.startOfDay(iso:)) ?? Date()
        let (systems, datasets) = try await store.withStore(writing: false, command: "pim coverage") { s in
            var summaries: [CoverageReport.DatasetSummary] = []
            for d in try await s.datasets() {
                var latest: (periodEnd: String?, table: Table)?
                if let last = try await s.versions(of: d.id).last {
                    // Only the columns coverage needs are read.
                    let names = CoverageReport.columnsToRead(
                        category: d.category, periodEnd: last.provenance.periodEnd, schema: last.schema, asOf: now)
                    latest = (last.provenance.periodEnd, names.isEmpty ? Table.empty : try await s.table(of: last, columns: names))
                }
                summaries.append(CoverageReport.summary(name: d.name, category: d.category, latest: latest, asOf: now))
            }
            return (try await SystemsCommand.load(s), summaries)
        }
        let report = CoverageReport(scenario: sc, systems: systems, datasets: datasets, now: now, recentDays: recentDays)
        print(format.render(report.categoryReport()))
    }
}
