import Foundation
import PIMTable

/// `metadata.json` of a share package: enough for a recipient to judge and handle the data (§12: missing
/// metadata is a sharing problem). Ids, counts and descriptions only.
public struct ShareMetadata: Sendable, Hashable, Codable {
    public struct DatasetInfo: Sendable, Hashable, Codable {
        public var name: String
        public var category: String
        public var version: Int
        public var sensitivity: Sensitivity
        public var purpose: String
        public var recordsStored: Int
        public var recordsShared: Int
    }

    public struct AgreementInfo: Sendable, Hashable, Codable {
        public var id: String
        public var purpose: String
        public var legalBasis: Agreement.LegalBasis
        public var parties: [String]
        public var level: DetailLevel
        public var thresholds: Agreement.Thresholds
        public var validUntil: Date?
        public var exception: String?
    }

    public struct Party: Sendable, Hashable, Codable {
        public var acronym: String
        public var name: String?

        public init(acronym: String, name: String?) {
            self.acronym = acronym
            self.name = name
        }
    }

    public var format: String
    public var shareID: String
    public var dataset: DatasetInfo
    public var provenance: Provenance
    public var level: DetailLevel
    public var columns: [String]
    public var disclosureControl: DisclosureApplied
    public var consent: ConsentApplied?
    public var agreement: AgreementInfo
    public var producer: Party
    public var producedBy: String
    public var recipient: Party
    public var created: Date
    public var retentionDays: Int
    public var deleteBy: Date
    public var signerFingerprint: String
    /// The period the shared records cover: as recorded at import (`pim import --period-start/--period-end`),
    /// else the first and last month of the shared records' dates (days only for personal data: the exact
    /// first and last day of other levels could point at a single record).
    public var periodCovered: PeriodCovered?
    /// Who owns the shared rows, when the data says it (sectoral data): the recipient must respect the data-sharing
    /// protocols of the sector providing the information (PIM §10.7). Nil when the data names no owner.
    public var dataOwners: [DataOwner]?

    /// The area the shared records cover: as recorded at import (`pim import --area`), else the admin areas the
    /// shared records name (the coarsest admin level among the columns, by code where there is one).
    public var areaCovered: AreaCovered?

    /// An area and where it comes from.
    public struct AreaCovered: Sendable, Hashable, Codable {
        /// The description recorded at import, or the admin column read.
        public var description: String
        /// The areas named in the shared records (empty when recorded at import).
        public var areas: [String]
        public var basis: String

        public init(description: String, areas: [String], basis: String) {
            self.description = description
            self.areas = areas
            self.basis = basis
        }

        /// From the coarsest admin column of `table` (tagged `#adm1`…`#adm5`, or named `adm1_code`, `adm1_pcode`,
        /// `adm1_name`, …): its distinct values (but `totalLabel`, which marks an aggregated table's margins); nil when
        /// the table has no such column with a value.
        static func fromData(_ table: Table, totalLabel: String?) -> AreaCovered? {
            func level(_ c: Column) -> (Int, Int)? {
                if let t = c.tag?.tag, t.count == 4, t.hasPrefix("adm"), let n = Int(t.dropFirst(3)), (1...5).contains(n) {
                    return (n, c.tag?.attributes.contains("code") == true ? 0 : 1)
                }
                let name = c.name.lowercased()
                guard name.count >= 4, name.hasPrefix("adm"), let n = Int(String(name.dropFirst(3).prefix(1))), (1...5).contains(n) else {
                    return nil
                }
                let rest = name.dropFirst(4)
                if rest == "_code" || rest == "_pcode" || rest == "code" || rest == "pcode" { return (n, 0) }
                if rest == "_name" || rest == "name" || rest.isEmpty { return (n, 1) }
                return nil
            }
            let candidates = table.columns.compactMap { c in level(c).map { (c, $0) } }.sorted { $0.1 < $1.1 }
            for (column, (n, _)) in candidates {
                guard case .text(let codes, let dictionary) = column.data else { continue }
                var used = [Bool](repeating: false, count: dictionary.count)
                for c in codes where c >= 0 { used[Int(c)] = true }
                let areas = dictionary.indices.filter { used[$0] && dictionary[$0] != totalLabel }.map { dictionary[$0] }.sorted()
                guard !areas.isEmpty else { continue }
                return AreaCovered(description: "admin level \(n) (\(column.name))", areas: areas, basis: "areas named in the shared records")
            }
            return nil
        }
    }

    /// A period and where it comes from.
    public struct PeriodCovered: Sendable, Hashable, Codable {
        public var start: String
        public var end: String
        public var basis: String

        public init(start: String, end: String, basis: String) {
            self.start = start
            self.end = end
            self.basis = basis
        }
    }

    public init(
        shareID: String, dataset: Dataset, version: DatasetVersion, output: ShareOutput, plan: SharePlan,
        agreement: Agreement, producer: Party, producedBy: String, recipient: Party, created: Date, signerFingerprint: String
    ) {
        format = "pim-share/1"
        self.shareID = shareID
        self.dataset = DatasetInfo(name: dataset.name, category: dataset.category, version: version.number,
                                   sensitivity: dataset.sensitivity, purpose: dataset.purpose,
                                   recordsStored: output.recordsStored, recordsShared: output.consent?.kept ?? output.recordsStored)
        provenance = version.provenance
        level = plan.level
        columns = output.table.columnNames
        disclosureControl = output.disclosure
        consent = output.consent
        self.agreement = AgreementInfo(id: agreement.id, purpose: agreement.purpose, legalBasis: agreement.legalBasis,
                                       parties: agreement.parties, level: agreement.level, thresholds: agreement.thresholds,
                                       validUntil: agreement.validUntil, exception: plan.exceptionID)
        self.producer = producer
        self.producedBy = producedBy
        self.recipient = recipient
        self.created = created
        retentionDays = plan.retentionDays
        deleteBy = created.addingTimeInterval(Double(plan.retentionDays) * 86_400)
        self.signerFingerprint = signerFingerprint
        dataOwners = output.owners.isEmpty ? nil : output.owners
        let p = version.provenance
        if let area = p.area, !area.isEmpty {
            areaCovered = AreaCovered(description: area, areas: [], basis: "recorded at import")
        } else {
            areaCovered = AreaCovered.fromData(output.table, totalLabel: plan.level == .aggregated ? "Total" : nil)
        }
        if p.periodStart != nil || p.periodEnd != nil {
            periodCovered = PeriodCovered(start: p.periodStart ?? "?", end: p.periodEnd ?? "?", basis: "recorded at import")
        } else if let days = output.daysInData {
            let text = { (d: Int32) in plan.level == .personal ? ValueFormatting.date(d) : String(ValueFormatting.date(d).prefix(7)) }
            periodCovered = PeriodCovered(
                start: text(days.lowerBound), end: text(days.upperBound),
                basis: plan.level == .personal ? "first and last dates in the shared records" : "first and last months in the shared records")
        }
    }

    /// The package's content members: data.csv (with the HXL hashtag row), data.json, metadata.json, README.txt.
    public func members(table: Table) -> [(name: String, data: Data)] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let meta = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return [
            ("data.csv", CSVWriter.data(table, hxl: true)),
            ("data.json", JSONTableWriter.data(table)),
            ("metadata.json", meta),
            ("README.txt", Data(readme(hashtagRow: table.columns.contains { $0.tag != nil }).utf8)),
        ]
    }

    /// Plain-language notes for the recipient.
    public var readme: String { readme(hashtagRow: true) }

    /// `s` with control characters (a line break in a cell) as spaces.
    static func plain(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    /// Plain-language notes for the recipient; `hashtagRow` says whether data.csv has an HXL hashtag row.
    public func readme(hashtagRow: Bool) -> String {
        let iso = ISO8601DateFormatter()
        var lines = [
            "pim share package \(shareID)",
            "",
            "Dataset:    \(dataset.name) (\(dataset.category)), version \(dataset.version)",
            "Level:      \(level.rawValue) — \(disclosureControl.method)",
            "Agreement:  \(agreement.id) — \(agreement.purpose) (legal basis: \(agreement.legalBasis.rawValue))",
            "From:       \(producer.acronym) (\(producedBy))",
            "To:         \(recipient.acronym)",
            "Created:    \(iso.string(from: created))",
            "Delete by:  \(iso.string(from: deleteBy)) (retention \(retentionDays) days under the agreement)",
            "Records:    \(dataset.recordsShared) of \(dataset.recordsStored) stored",
        ]
        if let p = periodCovered { lines.append("Period:     \(p.start) to \(p.end) (\(p.basis))") }
        if let a = areaCovered {
            // (Area names come from the data's cells: a control character in one cannot forge a line.)
            let named = a.areas.prefix(20).map(Self.plain).joined(separator: ", ") + (a.areas.count > 20 ? ", … (\(a.areas.count) in all)" : "")
            lines.append("Area:       " + (a.areas.isEmpty ? Self.plain(a.description) : "\(a.description): \(named)") + " (\(a.basis))")
        }
        if let c = consent { lines.append("Consent:    \(c.summary)") }
        if let owners = dataOwners {
            // (Names come from the data's cells: a line break or control character in one cannot forge a line.)
            let named = owners.map { o in Self.plain(o.organization) + (o.ownership.map { " (\(Self.plain($0)))" } ?? "") + ": \(o.rows) row\(o.rows == 1 ? "" : "s")" }
            lines.append("Owners:     " + named.joined(separator: "; "))
            lines.append("            the data's owners control its collection and processing: respect the data-sharing")
            lines.append("            protocols of the sector providing it (PIM §10.7)")
        }
        if let b = disclosureControl.riskBefore, let a = disclosureControl.riskAfter {
            lines.append(String(format: "Risk:       global re-identification risk %.4f before, %.4f after", b.globalRisk, a.globalRisk))
            // Both readings of k: a suppressed value matching any category (what the method meets), and as a
            // recipient grouping the file's values as they stand would count (QA11 S17).
            let identical = a.smallestClassOfIdenticalKeys.map { "; counting a blank as a value of its own, the smallest class has \($0) record\($0 == 1 ? "" : "s")" } ?? ""
            lines.append("k:          every record matches at least \(a.smallestClass) on the key variables (\(disclosureControl.keys.joined(separator: ", "))), a blank matching any value\(identical)")
        }
        lines += [
            "",
            "Files:",
            hashtagRow
                ? "  data.csv       the data, CSV with an HXL hashtag row under the header"
                : "  data.csv       the data, CSV (no column has an HXL tag, so there is no hashtag row)",
            "                 a cell that a spreadsheet would run as a formula (starting, after any spaces, with = + - @ | %) is",
            "                 written with a leading ' so that none runs; pim reads it back without it",
            "  data.json      the same data as JSON records, every value as it is",
            "  metadata.json  provenance, method, disclosure control, consent, agreement, retention",
            "  manifest.json  SHA-256 of every file above; manifest.sig is its Ed25519 signature",
            "",
            "Check it before use:  pim verify THIS-FILE.zip --public-key PRODUCER-KEY.pem",
            "(the archive comment carries a signature over the whole file, so any changed byte is detected).",
            "",
            "Use it only for the agreement's purpose, do not pass it on, do not try to identify anyone,",
            "and delete it by the date above.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
