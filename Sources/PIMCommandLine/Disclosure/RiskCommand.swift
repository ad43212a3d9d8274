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
            fk counts records sharing a key combination (a missing key value matches any category, as in \
            sdcMicro); individual risk follows sdcMicro's indivRisk; household risk is 1 − Π(1 − r). \
            A column may be named by an HXL tag pattern that matches one column (#adm1+code, #affected-m). \
            With --keys and --sensitive on a CSV file, only the named columns (and --weight, --household) \
            are built, every row still being read and checked.
            """
    )

    @OptionGroup var input: DisclosureSourceOptions
    @Option(help: "Key variables (quasi-identifiers), comma-separated: names or HXL tag patterns (#adm1+code).") var keys: String?
    @Option(help: "Sensitive variables for l-diversity, comma-separated (names or HXL tag patterns).") var sensitive: String?
    @Option(help: "Sampling weight column (a name or an HXL tag pattern).") var weight: String?
    @Option(help: "Household id column (a name or an HXL tag pattern).") var household: String?
    @Option(help: "text, json or markdown.") var format: ReportFormat = .text
    @OptionGroup var actor: ActorOption

    func run() async throws {
        try await input.authorize(actor, to: "measure the risk of")
        // Each of --keys, --sensitive, --weight and --household names a column or an HXL tag pattern (#adm1+code).
        let keyReferences = columnList(keys)
        let sensitiveReferences = columnList(sensitive)
        let references = (keyReferences ?? []) + (sensitiveReferences ?? []) + [weight, household].compactMap { $0 }
        // With explicit keys and sensitive variables, a CSV file needs only the named columns (as polars'
        // `columns=`), unless a pattern needs every column's tag; a name it lacks is then told with the full
        // list of columns, read again in full.
        let projection = keyReferences != nil && sensitiveReferences != nil && !references.contains(where: ColumnReference.isPattern)
            ? Set(references) : nil
        var loaded = try await input.load(columns: projection)
        if projection != nil, references.contains(where: { loaded.table[$0] == nil }) { loaded = try await input.load() }
        let table = loaded.table
        let keyNames = try keyReferences.map { try ColumnReference.resolveList($0, in: table, option: "--keys") }
        let sensitiveNames = try sensitiveReferences.map { try ColumnReference.resolveList($0, in: table, option: "--sensitive") }
        let weightName = try weight.map { try ColumnReference.resolvePattern($0, in: table, option: "--weight") }
        let householdName = try household.map { try ColumnReference.resolvePattern($0, in: table, option: "--household") }
        let defaults = SchemaDisclosure(schema: loaded.schema)
        let weightColumn: String?? = .some(weightName ?? loaded.defaultSamplingWeight(defaults))
        let spec = defaults.riskSpec(keys: keyNames, sensitive: sensitiveNames, weight: weightColumn,
                                     household: householdName.map { Optional($0) })
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
            report = try RiskAnalysis.analyze(table, spec: spec)
        } catch {
            throw loaded.locating(error)
        }
        print(report.render(format))
        try await input.auditOutput(loaded, actor: actor, kind: "risk", records: loaded.table.rowCount, details: [
            "keys": spec.keys.joined(separator: ","), "format": format.rawValue])
    }
}

extension ReportFormat: ExpressibleByArgument {}
