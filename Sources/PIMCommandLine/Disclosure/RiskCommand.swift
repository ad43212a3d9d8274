import ArgumentParser
import Foundation
import PIMCore
import PIMDisclosure
import PIMTable

/// `pim risk SOURCE`: re-identification risk, as sdcMicro measures it.
struct RiskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk",
        abstract: "Measure re-identification risk: k-anonymity, l-diversity, individual and household risk.",
        discussion: """
            Examples:
              pim risk pm-monitoring                 keys, sensitive, weight and household from the dataset's schema
              pim risk survey.csv --keys adm2_code,sex,age,nationality,legal_status --sensitive specific_needs \\
                  --weight w --household household_id --format markdown
            fk counts records sharing a key combination (a missing key value matches any category, as in
            sdcMicro); individual risk follows sdcMicro's indivRisk; household risk is 1 − Π(1 − r).
            With --keys and --sensitive on a CSV file, only the named columns (and --weight, --household)
            are built, every row still being read and checked.
            """
    )

    @OptionGroup var input: DisclosureSourceOptions
    @Option(help: "Key variables (quasi-identifiers), comma-separated.") var keys: String?
    @Option(help: "Sensitive variables for l-diversity, comma-separated.") var sensitive: String?
    @Option(help: "Sampling weight column.") var weight: String?
    @Option(help: "Household id column.") var household: String?
    @Option(help: "text, json or markdown.") var format: ReportFormat = .text
    @OptionGroup var actor: ActorOption

    func run() async throws {
        try await input.authorize(actor, to: "measure the risk of")
        // With explicit keys, a CSV file needs only the named columns (as polars' `columns=`).
        let named = columnList(keys).map { k in Set(k + (columnList(sensitive) ?? []) + [weight, household].compactMap { $0 }) }
        let loaded = try await input.load(columns: columnList(sensitive) == nil ? nil : named)
        let defaults = SchemaDisclosure(schema: loaded.schema)
        var weightColumn: String?? = weight.map { Optional($0) }
        // A file's column called "weight" may be a person's body weight: only a column tagged as a weight
        // (or named by --weight) is taken as the sampling weight. A stored dataset's schema says.
        if weight == nil, loaded.datasetID == nil, let w = defaults.weight,
            !(loaded.table[w]?.tag.map { $0.tag == "weight" || $0.has("weight") } ?? false)
        {
            weightColumn = .some(nil)
            Output.stderr("note: column \"\(w)\" is not used as a sampling weight (only its name suggests one); give --weight \(w) to use it.")
        }
        let spec = defaults.riskSpec(keys: columnList(keys), sensitive: columnList(sensitive), weight: weightColumn,
                                     household: household.map { Optional($0) })
        guard !spec.keys.isEmpty else {
            throw CLIError("No key variables: give --keys (the schema of \(loaded.label) marks no quasi-identifier).")
        }
        // The report lists key combinations: a direct identifier as a key would print people's identifiers.
        let identifying = spec.keys.filter { loaded.schema.field(named: $0)?.role == .directIdentifier }
        if !identifying.isEmpty {
            throw CLIError("\(identifying.map { "\"\($0)\"" }.joined(separator: ", ")): a direct identifier cannot be a key variable; "
                + "every record is unique on it, and the report would list its values. Drop or pseudonymise it first.")
        }
        let report: RiskReport
        do {
            report = try RiskAnalysis.analyze(loaded.table, spec: spec)
        } catch {
            throw loaded.locating(error)
        }
        print(report.render(format))
        try await input.auditOutput(loaded, actor: actor, kind: "risk", records: loaded.table.rowCount, details: [
            "keys": spec.keys.joined(separator: ","), "format": format.rawValue])
    }
}

extension ReportFormat: ExpressibleByArgument {}
