import ArgumentParser
import Foundation
import PIMCategories
import PIMCore
import PIMFramework
import PIMServer
import PIMStorage
import PIMTable

/// `pim output DATASET [--format] [--shareable]`: the §9 output of a dataset's category from its latest version.
struct OutputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output",
        abstract: "Print the category output (§9) of a stored dataset; --shareable applies the §10 policy and small-cell suppression.",
        discussion: """
            Examples:
              pim output demo-population-data --as-of 2026-04-30
              pim output demo-protection-monitoring --period week --format markdown
              pim output demo-case-management --shareable --format csv > caseload-shareable.csv
            The dataset's columns must follow its category's template (`pim template CATEGORY`). \
            Without --shareable the output is internal: it may show small counts. With --shareable the \
            tables are aggregated at the dimensions §10 allows and every cell below --min-cell (default and \
            smallest allowed: 5, the sharing policy's floor) is suppressed, with complementary suppression, \
            by pim's disclosure control. Records whose consent to reporting was withdrawn or refused \
            (`pim consent withdraw --purpose reporting`), or whose consent_reporting column holds any answer other than consent (no, n, false, 0, \
            or one pim cannot read as consent; yes, y, true, 1 consent; empty is no decision) \
            (unless `pim consent record` later granted it), are left out of --shareable outputs, and the \
            output says how many. Each output is recorded in the audit trail (`output.viewed`, counts only); \
            with --as the user's role must allow it (internal: administrator, pim-officer, \
            data-protection-focal-point; shareable: those and analyst).
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: "Dataset name.") var dataset: String
    @Option(help: "text, markdown, csv or json.") var format: ReportFormat = .text
    @Flag(help: "Only the tables the category's sharing policy allows, with small cells suppressed.") var shareable = false
    @Option(help: "Reference date (yyyy-mm-dd) for population figures, caseload and feedback waiting for an answer; default the latest in the data.")
    var asOf: String?
    @Option(help: "Trend period for protection monitoring: month (default) or week.") var period: TrendPeriod?
    @Option(help: "Version number (default: the latest).") var version: Int?
    @Option(help: "Smallest publishable cell with --shareable (at least the policy's \(SharingPolicyTables.minimumCell)).")
    var minCell: Int = SharingPolicyTables.minimumCell

    func validate() throws {
        if let asOf, CivilDays.parseISO(asOf) == nil { throw ValidationError("--as-of must be a date as yyyy-mm-dd.") }
        if minCell < SharingPolicyTables.minimumCell {
            throw ValidationError("--min-cell must be at least \(SharingPolicyTables.minimumCell), the sharing policy's smallest publishable cell.")
        }
    }

    func run() async throws {
        // As on the web: the internal output (counts below 5) is row-level analysis; the shareable one needs the
        // right to see every dataset's protected outputs. Without --as the operating-system user acts.
        let permission: Permission = shareable ? .seeAllDatasets : .analyseMicrodata
        let (category, table, consent, datasetID, label) = try await store.withStore(writing: false, command: "pim output") { s in
            try await actor.check(in: s, needs: permission, to: shareable ? "see the shareable output of a dataset" : "see the internal output of a dataset")
            let d = try await DatasetLookup.require(dataset, in: s)
            let versions = try await s.versions(of: d.id)
            guard let v = version.map({ n in versions.first { $0.number == n } }) ?? versions.last else {
                throw CLIError("Dataset \"\(dataset)\" has no version\(version.map { " \($0)" } ?? "") yet; import a file first.")
            }
            guard let c = PIMCategory.ID(rawValue: d.category) else { throw CLIError("Dataset \"\(dataset)\" has the unknown category \"\(d.category)\".") }
            // An option the category's output does not use is refused, not ignored (QA11 C21).
            // (Feedback's waiting times are aged to --as-of in the internal output; its shareable table counts all.)
            let datedBy: [PIMCategory.ID] = [.populationData, .caseManagement] + (shareable ? [] : [.communicatingWithAffectedCommunities])
            if asOf != nil && !datedBy.contains(c) {
                throw CLIError("--as-of applies to population figures, case management and (not shareable) community feedback; "
                    + "\(d.name) is \(c.rawValue)\(shareable ? "'s shareable output" : ""), which covers all its records.")
            }
            if period != nil && c != .protectionMonitoring {
                throw CLIError("--period applies to protection monitoring's trends; \(d.name) is \(c.rawValue).")
            }
            // Shareable outputs leave out the records whose consent to reporting was withdrawn, as `pim share` does.
            var consent: ReportingConsent?
            if shareable {
                consent = ReportingConsent(recordColumn: ConsentFilter.recordIDField(in: v.schema),
                                           decisions: try await s.consent(datasetID: d.id).map(\.decision))
            }
            return (c, try await s.table(of: v), consent, d.id, "\(d.name) v\(v.number)")
        }
        let options = CategoryOutputs.Options(asOf: asOf.flatMap(CivilDays.parseISO), period: period ?? .month, minCell: minCell)
        let report = shareable
            ? try CategoryOutputs.shareableReport(for: category, table: table, options: options, consent: consent)
            : try CategoryOutputs.report(for: category, table: table, options: options)
        // Who saw which output of which version is recorded before it is shown (counts and options only).
        // (A few milliseconds of writing: another pim writing the directory, such as another output's audit event,
        // is waited for rather than failing the view; QA11 C17.)
        try await store.withStore(writing: true, command: "pim output", waitingForLock: 10) { s in
            var details = ["kind": shareable ? "shareable" : "internal", "source": label]
            if shareable { details["min_cell"] = String(minCell) }
            if let n = report.leftOutForConsent { details["left_out_for_consent"] = String(n) }
            try await s.append(AuditDraft(at: Date(), actor: actor.name, action: .outputViewed, datasetID: datasetID.rawValue,
                                          recordCount: table.rowCount - (report.leftOutForConsent ?? 0), details: details))
        }
        print(format.render(report))
    }
}

extension ReportFormat: ExpressibleByArgument {}
extension TrendPeriod: ExpressibleByArgument {}
