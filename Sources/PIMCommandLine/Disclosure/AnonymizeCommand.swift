import ArgumentParser
import Foundation
import PIMCore
import PIMDisclosure
import PIMTable

/// `pim anonymize SOURCE --k 5 … --out FILE`.
struct AnonymizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anonymize",
        abstract: "Reduce re-identification risk to k-anonymity (and l-diversity) and write the result with its before/after report.",
        discussion: """
            Example:
              pim anonymize pm-monitoring --k 5 --recode age=bands --generalize adm2_code=adm1 \\
                  --pseudonymize household_id --importance adm2_code,sex,age --out pm-anon.csv
            A column may be named by an HXL tag pattern that matches one column (#adm2+code, #affected-m), \
            in every option that names columns. \
            Steps, in order: drop direct identifiers (--drop, default: the schema's direct identifiers), \
            pseudonymise ids with the workspace's HMAC key (the household id by default, or dropped without a \
            workspace key; --keep-raw-household-id keeps it), recode (--recode COL=bands[:0,5,12,18,60] | \
            COL=week|month|quarter | COL=top:N | COL=bottom:N | COL=rare:N), generalise locations up the \
            admin hierarchy (--generalize COL=adm1, learned from the data's own #adm1+code column or a \
            --gazetteer), then suppress key values locally, least important key first, until every record \
            shares its keys with at least k−1 others. The result is measured again; a file that fails its k \
            (or l) is never written. The report goes to FILE.report.md (and .json).
            """
    )

    @OptionGroup var input: DisclosureSourceOptions
    @Option(help: "k for k-anonymity (≥ 2).") var k: Int = 5
    @Option(help: "Distinct l-diversity required of the sensitive variables (≥ 2), optional.") var l: Int?
    @Option(help: "Key variables, comma-separated (default: the schema's quasi-identifiers).") var keys: String?
    @Option(help: "Sensitive variables, comma-separated (default: the schema's).") var sensitive: String?
    @Option(help: "Sampling weight column for the before/after risk (default: the schema's; a file's column only when tagged #weight).") var weight: String?
    @Option(help: "Columns to drop besides the direct identifiers, which always go, comma-separated.") var drop: String?
    @Option(help: "For a file: columns proposed as direct identifiers to keep all the same, comma-separated (a file's roles are guesses from names, tags and values, and one may be wrong, e.g. a site's name). A stored dataset's identifiers always go: change its schema instead.") var keep: String?
    @Option(help: "Columns to pseudonymise with the workspace's HMAC-SHA-256 key, comma-separated.") var pseudonymize: String?
    @Option(parsing: .singleValue, help: "A recoding COL=SPEC (repeatable): bands[:LOWER,…], week, month, quarter, top:N, bottom:N, rare:N.") var recode: [String] = []
    @Option(parsing: .singleValue, help: "A location generalisation COL=admN or COL→admN (repeatable).") var generalize: [String] = []
    @Option(help: "Gazetteer (HXL) giving parent areas for --generalize.") var gazetteer: String?
    @Option(help: "Key names, most important first (suppressed last).") var importance: String?
    @Option(help: "Output file (.csv, .json or .xlsx).") var out: String
    @Flag(help: "Keep the household id column unchanged (by default it is pseudonymised with the workspace key, or dropped without one): a raw id links the released file back to the source.")
    var keepRawHouseholdId = false
    @Option(help: "Seed of the released rows' order (printed and recorded in the audit trail, never in the report that travels with the file: with it the source order could be restored; default: a random one). The same input, options and seed give the same file.") var seed: UInt64?
    @Option(help: "text, json or markdown (the before/after report, as in FILE.report.json or FILE.report.md, with the output file and rows written).") var format: ReportFormat = .text
    @OptionGroup var actor: ActorOption

    func validate() throws {
        guard k >= 2 else { throw ValidationError("--k must be at least 2 (k = 1 protects nobody).") }
        if let l, l < 2 { throw ValidationError("--l must be at least 2.") }
    }

    func run() async throws {
        for path in [out, out + ".report.md", out + ".report.json"] { try Output.checkOutput(path, inputs: input.inputFiles) }
        try await input.authorize(actor, to: "anonymize")
        let pseudoReferences = columnList(pseudonymize) ?? []
        var loaded = try await input.load(needPseudonymizer: !pseudoReferences.isEmpty)
        let table = loaded.table
        // Every column option takes a name or an HXL tag pattern that matches one column (#adm1+code).
        func resolved(_ list: [String]?, _ option: String) throws -> [String]? {
            try list.map { try ColumnReference.resolveList($0, in: table, option: option) }
        }
        var pseudoColumns = try resolved(pseudoReferences, "--pseudonymize") ?? []
        let defaults = SchemaDisclosure(schema: loaded.schema)
        // Direct identifiers always go (or are pseudonymised): --drop adds to them (QA11 S15: it used to replace a
        // file's, and names and ids stayed in the "anonymised" file). A file's roles are guesses, so one proposed
        // identifier may be kept, by name, with --keep.
        let keepColumns = try resolved(columnList(keep), "--keep") ?? []
        if !keepColumns.isEmpty {
            if loaded.datasetID != nil {
                throw CLIError("--keep is for files, whose roles are guesses; the direct identifiers of a stored dataset always go (change its schema if one is not).")
            }
            if let other = keepColumns.first(where: { !defaults.directIdentifiers.contains($0) }) {
                throw CLIError("--keep keeps columns proposed as direct identifiers, and \"\(other)\" is not one (the direct identifiers of \(loaded.label) are \(defaults.directIdentifiers.joined(separator: ", ").ifEmpty("none"))).")
            }
        }
        var dropColumns: [String] = []
        for name in (try resolved(columnList(drop), "--drop") ?? []) + defaults.directIdentifiers.filter({ !keepColumns.contains($0) })
        where !pseudoColumns.contains(name) && !dropColumns.contains(name) {
            dropColumns.append(name)
        }
        // A raw household id links every released record back to its household in the source: it is
        // pseudonymised with the workspace key (links between members survive), or dropped without a key.
        var household: AnonymizationReport.HouseholdID?
        if let hh = defaults.household, table[hh] != nil, !pseudoColumns.contains(hh), !dropColumns.contains(hh) {
            if keepRawHouseholdId {
                household = .init(column: hh, handling: .keptRaw)
            } else {
                if loaded.pseudonymizer == nil { loaded.pseudonymizer = try await input.availablePseudonymizer() }
                if loaded.pseudonymizer != nil {
                    pseudoColumns.append(hh)
                    household = .init(column: hh, handling: .pseudonymized)
                } else {
                    dropColumns.append(hh)
                    household = .init(column: hh, handling: .dropped)
                }
            }
        }
        let keptIdentifiers = defaults.identifiersLeft(dropping: dropColumns, pseudonymizing: pseudoColumns, in: table)
        if !keptIdentifiers.isEmpty {
            let one = keptIdentifiers.count == 1
            Output.stderr(
                "warning: \(keptIdentifiers.joined(separator: ", ")) \(one ? "looks like a direct identifier and is" : "look like direct identifiers and are") kept, as --keep asks: make sure \(one ? "it identifies" : "they identify") no one.")
        }
        let givenKeys = try resolved(columnList(keys), "--keys") ?? defaults.keys
        guard !givenKeys.isEmpty else { throw CLIError("No key variables: give --keys.") }
        // A coarser admin level released next to an admin key names the area a suppressed key lies in: a key too.
        let impliedKeys = AdminNesting.coarserAdminColumns(
            of: givenKeys, in: table, schema: loaded.schema, removed: dropColumns + pseudoColumns)
        if !impliedKeys.isEmpty {
            Output.stderr("note: \(impliedKeys.joined(separator: ", ")) \(impliedKeys.count == 1 ? "is a coarser admin level" : "are coarser admin levels") "
                + "of a key and \(impliedKeys.count == 1 ? "is" : "are") released: counted as \(impliedKeys.count == 1 ? "a key" : "keys") too "
                + "(a blank finer area would otherwise be matched with areas of other regions). Drop \(impliedKeys.count == 1 ? "it" : "them") "
                + "with --drop to release the finer level alone.")
        }
        let keyColumns = givenKeys + impliedKeys
        for name in dropColumns + pseudoColumns + keyColumns where table[name] == nil {
            throw CLIError("There is no column \"\(name)\" in \(loaded.label); the columns are: \(table.columnNames.joined(separator: ", ")).")
        }
        var recodes = try recode.map {
            try RecodeSpec.parse(try ColumnReference.resolveAssignment($0, in: table, option: "--recode"), table: table)
        }
        let gaz = try gazetteer.map { path in try Gazetteer(table: try TableReader.read(url: URL(fileURLWithPath: path)).table) }
        let generalizations = try generalize.map {
            try RecodeSpec.parseGeneralization(
                try ColumnReference.resolveAssignment($0, in: table, option: "--generalize"), table: table, gazetteer: gaz)
        }
        // Without a gazetteer or a parent column the parents are guessed from the codes: say so where it is seen.
        for case .location(let column, let hierarchy) in generalizations {
            if case .prefix(let n) = hierarchy.fallback {
                Output.stderr("note: the parent areas of \"\(column)\" are guessed as the first \(n) characters of its codes (no --gazetteer, "
                    + "no admin code column of that level); check the released codes, or give --gazetteer.")
            }
        }
        recodes += generalizations
        let plan = AnonymizationPlan(drop: dropColumns, pseudonymize: pseudoColumns, pseudonymizer: loaded.pseudonymizer,
                                     recodes: recodes, keys: keyColumns, k: k,
                                     importance: (try resolved(columnList(importance), "--importance")).map { given in given + impliedKeys.filter { !given.contains($0) } } ?? keyColumns)
        let sensitiveColumns = try resolved(columnList(sensitive), "--sensitive") ?? defaults.sensitive
        // The same sampling weight as `pim risk` takes, so that the before figures match its report.
        let weightColumn = try weight.map { try ColumnReference.resolvePattern($0, in: table, option: "--weight") }
            ?? loaded.defaultSamplingWeight(defaults)
        let spec = defaults.riskSpec(keys: keyColumns, sensitive: sensitiveColumns, weight: .some(weightColumn))
        let outcome: DisclosurePipeline.Outcome
        do {
            outcome = try DisclosurePipeline.anonymize(table, plan: plan, riskSpec: spec, l: l, lSensitive: sensitiveColumns,
                                                     schema: loaded.schema)
        } catch {
            throw loaded.locating(error)
        }
        // Rows in a random order: the source order would let two releases be matched row by row (undoing
        // suppression) and let the source link rows back to its records.
        // (A generator seeded once: the system generator costs a system call per number. The seed is
        // printed and audited, so that the same run can be made again, but kept out of the report files that
        // travel with the release: the permutation, and so the source order, can be recomputed from it.)
        let rowOrderSeed = seed ?? UInt64.random(in: .min ... .max)
        var order = SeededGenerator(seed: rowOrderSeed)
        let released = outcome.table.selectingRows(Array(0..<outcome.table.rowCount).shuffled(using: &order))

        let url = URL(fileURLWithPath: out)
        // The file appears only once the release is audited.
        try await input.release(loaded, to: url, actor: actor, kind: "anonymize", records: released.rowCount, details: [
            "k": String(k), "l": l.map(String.init) ?? "-", "keys": keyColumns.joined(separator: ","),
            "seed": String(rowOrderSeed)]
        ) { file in
            switch url.pathExtension.lowercased() {
            case "json": try JSONTableWriter.write(released, to: file)
            case "xlsx": try XLSXWriter.write(released, sheetName: "anonymised", hxl: true, to: file)
            default: try CSVWriter.write(released, hxl: released.columns.contains { $0.tag != nil }, to: file)
            }
        }
        let report = AnonymizationReport(
            source: loaded.label, k: k, l: l, plan: plan, outcome: outcome, household: household)
        let seedLine = "Row order seed \(rowOrderSeed) (" + (loaded.datasetID != nil ? "recorded in the audit trail" : "keep it to repeat this run")
            + "): not in the report, since with it the released rows could be put back in the source's order."
        try Data(report.markdown.utf8).write(to: URL(fileURLWithPath: out + ".report.md"))
        try Data(try Output.json(report).utf8).write(to: URL(fileURLWithPath: out + ".report.json"))
        switch format {
        case .json:
            try Output.printJSON(AnonymizeSummary(report: report, out: out, rowsWritten: outcome.table.rowCount, seed: rowOrderSeed))
            return
        case .markdown:
            print(report.markdown)
            print("Wrote \(outcome.table.rowCount) rows to `\(out)`; report in `\(out).report.md` and `.report.json`.\n\n\(seedLine)")
            return
        case .text:
            break
        }
        print(report.summary)
        print("Wrote \(outcome.table.rowCount) rows to \(out); report in \(out).report.md and .report.json.")
        print(seedLine)
    }
}

/// What `pim anonymize --format json` prints: the report written next to the output, where it went, and the
/// row order seed (for the producer only; the report files leave it out).
struct AnonymizeSummary: Encodable {
    var report: AnonymizationReport
    var out: String
    var rowsWritten: Int
    var seed: UInt64
}

/// Before/after figures of an anonymisation, as written next to the output.
///
/// The report travels with the released file, so it holds counts and rules only: the "before" risk
/// report's list of the riskiest key combinations (the original values of the very records that
/// suppression protected) is left out; `pim risk` on the source shows it to those who may see the source.
struct AnonymizationReport: Encodable {
    var source: String
    var k: Int
    var l: Int?
    var dropped: [String]
    var pseudonymized: [String]
    var recodes: [String]
    var suppressedPerVariable: [String: Int]
    /// Finer admin-level values suppressed because a coarser level of the same record was (a kept finer area
    /// would name the coarser one), not counted in ``suppressedPerVariable``.
    var nestedAdminSuppressed: Int
    var recordsRemovedForL: Int
    var classesRemovedForL: Int
    /// What happened to the household id column by default (nil when there is none, or the options named it).
    var householdID: HouseholdID?
    var loss: InformationLoss
    var before: RiskReport
    var after: RiskReport

    /// The household id column and what the default did with it.
    struct HouseholdID: Encodable {
        enum Handling: String, Encodable {
            case pseudonymized, dropped, keptRaw = "kept-raw"
        }
        var column: String
        var handling: Handling

        var sentence: String {
            switch handling {
            case .pseudonymized: "\(column) (household id) pseudonymised with the workspace key, the default"
            case .dropped: "\(column) (household id) dropped: there is no workspace key to pseudonymise it with"
            case .keptRaw: "\(column) (household id) kept unchanged (--keep-raw-household-id): it links records back to the source"
            }
        }
    }

    init(source: String, k: Int, l: Int?, plan: AnonymizationPlan, outcome: DisclosurePipeline.Outcome,
         household: HouseholdID? = nil) {
        self.source = source
        self.k = k
        self.l = l
        dropped = plan.drop
        pseudonymized = plan.pseudonymize
        recodes = plan.recodes.map(\.summary)
        suppressedPerVariable = Dictionary(uniqueKeysWithValues: outcome.suppressedPerVariable.map { ($0.key, $0.count) })
        nestedAdminSuppressed = outcome.nestedAdminSuppressed
        recordsRemovedForL = outcome.recordsRemovedForL
        classesRemovedForL = outcome.classesRemovedForL
        householdID = household
        loss = outcome.loss
        before = outcome.before
        after = outcome.after
        before.riskiestCombinations = []
        after.riskiestCombinations = []
    }

    var summary: String {
        let supp = suppressedPerVariable.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        func row(_ name: String, _ b: String, _ a: String) -> [String] { [name, b, a] }
        let k5b = before.kAnonymity.first { $0.k == k }?.violatingRecords ?? 0
        let k5a = after.kAnonymity.first { $0.k == k }?.violatingRecords ?? 0
        let rows = [
            row("records", String(before.recordCount), String(after.recordCount)),
            row("records in classes < \(k)", String(k5b), String(k5a)),
            row("equivalence classes", String(before.classCount), String(after.classCount)),
            row("smallest fk", String(before.minimumFk), String(after.minimumFk)),
            row("expected re-identifications", String(format: "%.1f", before.individualRisk.expectedReidentifications),
                String(format: "%.1f", after.individualRisk.expectedReidentifications)),
            row("global risk", String(format: "%.4f", before.individualRisk.globalRisk), String(format: "%.4f", after.individualRisk.globalRisk)),
        ]
        return Output.table(["", "before", "after"], rows) + "\nDropped: \(dropped.joined(separator: ", ").ifEmpty("none")); pseudonymised: \(pseudonymized.joined(separator: ", ").ifEmpty("none")); values suppressed: \(supp.ifEmpty("none"))"
            + (nestedAdminSuppressed > 0
                ? "\nAlso suppressed: \(nestedAdminSuppressed) finer admin-level values in records whose coarser level was suppressed "
                    + "(a kept finer area would name it); the after figures include them."
                : "")
            + (recordsRemovedForL > 0
                ? "\nRemoved for l-diversity: \(recordsRemovedForL) records in \(classesRemovedForL) equivalence classes that had fewer than "
                    + "\(l ?? 2) distinct known values of a sensitive variable with every key suppressed, and that no other class "
                    + "could complete (missing values "
                    + "are not counted: `pim risk` reports sdcMicro's figure, where a missing value counts as one more)."
                : "")
            + (householdID.map { "\n" + $0.sentence + "." } ?? "")
            + (recodedToMissing.isEmpty ? "" : "\nSet to missing by recoding (no band, parent area or period covers the value, "
                + "e.g. a negative age): " + recodedToMissing + ".")
    }

    /// "age 2, adm2_code 1": values each recoding could not map, and set to missing.
    var recodedToMissing: String {
        loss.variables.filter { $0.suppressedByRecoding > 0 }.map { "\($0.name) \($0.suppressedByRecoding)" }.joined(separator: ", ")
    }

    /// Per variable: values changed and suppressed, and categories before, after and merged.
    var lossTable: String {
        guard !loss.variables.isEmpty else { return "none\n" }
        var out = "| variable | changed | set to missing | of which by recoding | categories before | after | merged |\n"
        out += "|---|---:|---:|---:|---:|---:|---:|\n"
        for v in loss.variables {
            out += "| \(v.name) | \(v.changed) | \(v.suppressed) | \(v.suppressedByRecoding) | \(v.categoriesBefore) | \(v.categoriesAfter) | \(v.categoriesMerged) |\n"
        }
        return out
    }

    var markdown: String {
        "# Anonymisation of \(source)\n\nk = \(k)" + (l.map { ", l = \($0)" } ?? "") + "\n\n```\n\(summary)\n```\n\n"
            + "## Recodings\n\n" + (recodes.isEmpty ? "none\n" : recodes.map { "- \($0)" }.joined(separator: "\n") + "\n")
            + "\n## Information loss\n\n" + lossTable
            + "\n## Risk before\n\n\(before.render(.markdown))\n\n## Risk after\n\n\(after.render(.markdown))\n"
            + "\nThe riskiest key combinations are not listed in a report that travels with the released file; "
            + "`pim risk` on the source lists them.\n"
    }
}

extension String {
    func ifEmpty(_ s: String) -> String { isEmpty ? s : self }
}
