import ArgumentParser
import Foundation
import PIMCategories
import PIMCore
import PIMServer
import PIMStorage
import PIMTable

/// `pim datasets`: the stored datasets.
struct DatasetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "List the stored datasets with their category, sensitivity, versions and row counts.",
        discussion: "Example:\n  pim datasets --format json"
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    struct Entry: Encodable {
        var name: String, category: String, sensitivity: String, purpose: String
        var versions: Int, latestVersion: Int?, latestRows: Int?, latestReceived: Date?
        /// Columns stored: the latest version's, else the dataset schema's fields.
        var columns: Int
    }

    func run() async throws {
        let entries = try await store.withStore(writing: false, command: "pim datasets") { s in
            var out: [Entry] = []
            for d in try await s.datasets() {
                let vs = try await s.versions(of: d.id)
                out.append(Entry(name: d.name, category: d.category, sensitivity: d.sensitivity.rawValue, purpose: d.purpose,
                                 versions: vs.count, latestVersion: vs.last?.number, latestRows: vs.last?.rowCount,
                                 latestReceived: vs.last?.provenance.receivedAt,
                                 columns: (vs.last?.schema ?? d.schema).fields.count))
            }
            return out
        }
        switch format {
        case .json: try Output.printJSON(entries)
        case .text:
            if entries.isEmpty { print("No datasets yet. Import one with `pim import FILE --dataset NAME --category ID --purpose TEXT`."); return }
            print(Output.table(["dataset", "category", "sensitivity", "versions", "rows (latest)"], entries.map {
                [$0.name, $0.category, $0.sensitivity, String($0.versions), $0.latestRows.map(String.init) ?? "-"]
            }))
        }
    }
}

/// `pim dataset show NAME`.
struct DatasetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Show one dataset (schema with disclosure roles, versions with provenance), or delete a version or the dataset.",
        discussion: "Example:\n  pim dataset show pm-monitoring",
        subcommands: [Show.self, Delete.self]
    )

    /// `pim dataset delete NAME [--version N] --reason TEXT`: a wrongly imported version, or a dataset whose
    /// retention period is over (data minimisation), removed with one audited event.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete",
            abstract: "Delete a dataset version, or a whole dataset with its versions and consent decisions.",
            discussion: """
                Examples:
                  pim dataset delete pm-monitoring --version 3 --reason "wrong file imported" --yes
                  pim dataset delete pm-2024 --reason "retention period of the DSA ended" --yes --as dpo
                The rows are dropped from the store; the audit trail keeps one event naming the dataset, the \
                versions, the number of records and the reason (never a record). A deleted version's number is not \
                given again, and its file may be imported again. With --as, only an administrator or a \
                data-protection focal point may delete. Shares already sent are not recalled: the recipients' \
                agreements govern their copies; the copies of its shares' packages that the web keeps for download are \
                deleted with the dataset (the share records stay). Agreements that cover the dataset by name keep that name: a new \
                dataset given the same name later is covered by them (suspend or revoke them first if it should not be).
                """
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: "Dataset name.") var name: String
        @Option(help: "The version to delete (default: the whole dataset).") var version: Int?
        @Option(help: "Why (recorded in the audit trail; no personal data).") var reason: String
        @Flag(help: "Confirm the deletion (it cannot be undone).") var yes = false
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @OptionGroup var actor: ActorOption

        struct Summary: Encodable {
            var dataset: String
            var deletedVersions: [Int]
            var records: Int
            var remainingVersions: [Int]
            /// Systems of the map that fed the deleted dataset, whose link is removed (QA11 C11).
            var unlinkedSystems: [String] = []
        }

        func validate() throws {
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, reason.count <= 500 else {
                throw ValidationError("--reason must say why, in at most 500 characters.")
            }
            if let version, version < 1 { throw ValidationError("--version is 1 or more.") }
        }

        func run() async throws {
            let summary = try await store.withStore(writing: true, command: "pim dataset delete") { s in
                try await actor.check(in: s, roles: [.administrator, .dataProtectionFocalPoint], to: "delete data")
                let d = try await DatasetLookup.require(name, in: s)
                let versions = try await s.versions(of: d.id)
                let targets = version.map { n in versions.filter { $0.number == n } } ?? versions
                if let version, targets.isEmpty {
                    throw CLIError("Dataset \"\(d.name)\" has no version \(version); its versions are: "
                        + (versions.isEmpty ? "none" : versions.map { String($0.number) }.joined(separator: ", ")) + ".")
                }
                let records = targets.reduce(0) { $0 + $1.rowCount }
                guard yes else {
                    let what = version.map { "version \($0) of \(d.name)" } ?? "dataset \(d.name) with its \(versions.count) version(s) and consent decisions"
                    throw CLIError("This would delete \(what) (\(records) records) for good. Run again with --yes to confirm.")
                }
                var draft = AuditDraft(at: Date(), actor: actor.name, action: .datasetDeleted, datasetID: d.id.rawValue,
                                       details: ["dataset": d.name, "reason": reason.trimmingCharacters(in: .whitespacesAndNewlines)])
                if let version {
                    _ = try await s.deleteVersion(number: version, of: d.id, audit: draft)
                } else {
                    // The packages of its shares that the web keeps for download are copies of its data: they go
                    // with it (the share records stay, for the audit trail; recipients' copies are theirs).
                    var packages: [DocumentKey] = []
                    for share in try await ShareDocuments.all(in: s) where share.dataset == d.name {
                        if try await s.document(kind: .sharePackage, id: share.id) != nil {
                            packages.append(DocumentKey(kind: .sharePackage, id: share.id))
                        }
                    }
                    draft.details["share_packages_deleted"] = String(packages.count)
                    // (What its pseudonymised shares left blank is kept: recipients keep their packages, and a dataset
                    // imported again under the name gives its records the same pseudonyms. Pseudonyms and column names only.)
                    try await s.deleteDataset(d.id, removing: packages, audit: draft)
                }
                let remaining = version == nil ? [] : versions.map(\.number).filter { $0 != version }
                var summary = Summary(dataset: d.name, deletedVersions: targets.map(\.number), records: records, remainingVersions: remaining)
                // A system of the map linked to the deleted dataset would otherwise feed any later dataset of that name,
                // whatever its category (QA11 C11): the link goes with the dataset.
                if version == nil {
                    for doc in try await s.documents(kind: .informationSystem) {
                        guard var system = try? InformationSystem.decode(doc.json), system.dataset == d.name else { continue }
                        system.dataset = nil
                        try await s.putDocument(
                            kind: .informationSystem, id: doc.id, json: try system.json(),
                            audit: AuditDraft(at: Date(), actor: actor.name, action: .systemUnlinked, datasetID: d.id.rawValue,
                                              details: ["system": doc.id]))
                        summary.unlinkedSystems.append(system.name)
                    }
                }
                return summary
            }
            switch format {
            case .json: try Output.printJSON(summary)
            case .text:
                if version == nil {
                    print("Deleted dataset \(summary.dataset): \(summary.deletedVersions.count) version(s), \(summary.records) records, and its consent decisions.")
                    if !summary.unlinkedSystems.isEmpty {
                        print("The systems map no longer links \(summary.unlinkedSystems.map { "\"\(Output.visible($0))\"" }.joined(separator: ", ")) to it; "
                            + "link a new dataset with `pim systems add --replace`.")
                    }
                } else {
                    print("Deleted version \(summary.deletedVersions.map(String.init).joined()) of \(summary.dataset) (\(summary.records) records); "
                        + (summary.remainingVersions.isEmpty ? "no version is left." : "versions left: \(summary.remainingVersions.map(String.init).joined(separator: ", ")).")
                        )
                }
                print("Recorded in the audit trail (pim audit list --action dataset.deleted).")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show",
            abstract: "Show a dataset's schema, versions, provenance and row counts.",
            discussion: "Example:\n  pim dataset show pm-monitoring --format json"
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: "Dataset name.") var name: String
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text

        struct Detail: Encodable { var dataset: Dataset; var versions: [DatasetVersion] }

        /// What `--format json` prints: the detail, with each version's column count beside its row count.
        struct DetailJSON: Encodable {
            var dataset: Dataset
            var versions: [VersionJSON]
        }

        /// A version's own keys, plus `columns`: the fields it was stored with.
        struct VersionJSON: Encodable {
            var version: DatasetVersion
            enum Keys: String, CodingKey { case columns }

            func encode(to encoder: any Encoder) throws {
                try version.encode(to: encoder)
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(version.schema.fields.count, forKey: .columns)
            }
        }

        func run() async throws {
            let detail = try await store.withStore(writing: false, command: "pim dataset show") { s in
                let d = try await DatasetLookup.require(name, in: s)
                return Detail(dataset: d, versions: try await s.versions(of: d.id))
            }
            switch format {
            case .json: try Output.printJSON(DetailJSON(dataset: detail.dataset, versions: detail.versions.map(VersionJSON.init)))
            case .text: print(Output.visibleLines(text(detail)))
            }
        }

        func text(_ d: Detail) -> String {
            var lines = ["\(d.dataset.name) — \(d.dataset.category), sensitivity \(d.dataset.sensitivity.rawValue)",
                         "Purpose: \(d.dataset.purpose)", "", "Schema:"]
            lines.append(Output.table(["field", "hxl", "type", "role", "required", "constraints"], d.dataset.schema.fields.map { f in
                var c: [String] = []
                if let a = f.allowedValues { c.append("\(a.count) allowed values") }
                if let lo = f.minimum { c.append("≥ \(f.boundText(lo))") }
                if let hi = f.maximum { c.append("≤ \(f.boundText(hi))") }
                if f.pattern != nil { c.append("pattern") }
                if f.unique { c.append("unique") }
                if let l = f.adminLevel { c.append("admin\(l) P-code") }
                return [f.name, f.hxl ?? "", f.type.rawValue, f.role.rawValue, f.required ? "yes" : "", c.joined(separator: ", ")]
            }))
            lines.append("")
            lines.append("Versions:")
            if d.versions.isEmpty { lines.append("  (none)") }
            for v in d.versions {
                let p = v.provenance
                lines.append("  v\(v.number): \(IssueReport.count(v.rowCount, "row")) from \(p.fileName) (sha256 \(p.sha256.prefix(12))…), imported by \(p.importedBy) on \(ISO8601DateFormatter().string(from: v.createdAt))")
                let received = ISO8601DateFormatter.string(from: p.receivedAt, timeZone: TimeZone(identifier: "UTC") ?? .current,
                                                           formatOptions: [.withFullDate])
                let parts: [String?] = ["received \(received)", p.sourceOrganization.map { "source \($0)" }, p.sourceSystem.map { "system \($0)" },
                                        p.method.map { "method \($0)" },
                                        (p.periodStart ?? p.periodEnd).map { _ in "period \(p.periodStart ?? "?") to \(p.periodEnd ?? "?")" },
                                        p.area.map { "area \($0)" }, p.qualityNotes.map { "notes: \($0)" }]
                let shown = parts.compactMap { $0 }
                if !shown.isEmpty { lines.append("      " + shown.joined(separator: "; ")) }
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// `pim export NAME --format csv|hxl|json|hxl-json|hxl-json-objects|xlsx --out FILE`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a stored dataset version to CSV, HXL CSV, JSON, HXL JSON or XLSX (formulas neutralised). Audited.",
        discussion: """
            Example:
              pim export pm-monitoring --version 2 --format hxl --out pm-v2.csv
            This writes the full rows, identifiers included, for use inside your organisation. To share \
            with partners, use `pim share`, which applies the agreement and disclosure control.
            """
    )

    enum Format: String, CaseIterable, ExpressibleByArgument {
        case csv, hxl, json, xlsx
        case hxlJSON = "hxl-json"
        case hxlJSONObjects = "hxl-json-objects"
    }

    @OptionGroup var store: StoreOptions
    @Argument(help: "Dataset name.") var name: String
    @Option(help: "Version number (default: the latest).") var version: Int?
    @Option(help: """
        csv, hxl (CSV with the hashtag row), json (records), hxl-json (HXL JSON arrays: header, hashtags, rows), \
        hxl-json-objects (HXL JSON objects keyed by hashtag) or xlsx.
        """) var format: Format = .csv
    @Option(help: "Output file.") var out: String
    @Flag(help: "csv and hxl: start the file with a UTF-8 byte-order mark, so that Excel on Windows shows Arabic and accented text rightly.")
    var excel = false
    @OptionGroup var actor: ActorOption

    func validate() throws {
        if excel && ![.csv, .hxl].contains(format) { throw ValidationError("--excel applies to --format csv and hxl.") }
    }

    func run() async throws {
        // (Checked before the export is audited: the workspace's own files are never replaced.)
        try Output.checkOutput(out)
        let url = URL(fileURLWithPath: out)
        let (rows, number, tagged) = try await store.withStore(writing: true, command: "pim export") { s in
            try await actor.check(in: s, needs: .analyseMicrodata, to: "export full rows")
            let d = try await DatasetLookup.require(name, in: s)
            let versions = try await s.versions(of: d.id)
            guard let v = version.map({ n in versions.first { $0.number == n } }) ?? versions.last else {
                throw CLIError(versions.isEmpty ? "Dataset \"\(name)\" has no versions yet." :
                    "Dataset \"\(name)\" has no version \(version ?? 0); its versions are: "
                        + versions.map { String($0.number) }.joined(separator: ", ") + ".")
            }
            let table = try await s.table(of: v)
            switch format {
            case .csv: try CSVWriter.write(table, hxl: false, to: url, options: CSVWriteOptions(byteOrderMark: excel))
            case .hxl: try CSVWriter.write(table, hxl: true, to: url, options: CSVWriteOptions(byteOrderMark: excel))
            case .json: try JSONTableWriter.write(table, to: url)
            case .hxlJSON: try JSONTableWriter.write(table, style: .hxlArrays, to: url)
            case .hxlJSONObjects: try JSONTableWriter.write(table, style: .hxlObjects, to: url)
            case .xlsx: try XLSXWriter.write(table, sheetName: name.prefix(31).description, hxl: true, to: url)
            }
            try await s.append(AuditDraft(at: Date(), actor: actor.name, action: .datasetExported, datasetID: d.id.rawValue,
                                          recordCount: table.rowCount, details: ["version": String(v.number), "format": format.rawValue]))
            return (table.rowCount, v.number, table.columns.contains { $0.tag != nil })
        }
        // An HXL format asked of a dataset whose schema tags no field has no hashtag row: said, not left to be
        // found by the next HXL tool.
        if !tagged, [.hxl, .hxlJSON, .hxlJSONObjects].contains(format) {
            Output.stderr("note: \(name) has no HXL tags (its schema tags no field), so \(out) has no hashtag row; "
                + "give the fields \"hxl\" tags in a schema (pim import --schema FILE --replace-schema) to add one.")
        }
        print("Wrote \(IssueReport.count(rows, "row")) of \(name) version \(number) to \(out) (\(format.rawValue)).")
    }
}
