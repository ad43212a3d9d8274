import Foundation
import PIMCore
import PIMFramework
import PIMTable

/// The decisions of an import, shared by `pim import`, the web import and the API upload: which dataset a
/// file goes into and under which schema, whether its validation result may be stored, and the provenance
/// and audit entry that go with the version. Pure: the caller reads the file and writes the store (one
/// ``Store/addVersion(of:table:schema:provenance:audit:creating:)`` call, all or nothing).
public enum DatasetImport {
    /// Where a file goes.
    public struct Plan: Sendable {
        /// The dataset as it will be stored (a new one when ``creates``).
        public var dataset: Dataset
        /// The schema the file is validated against and stored under.
        public var schema: Schema
        public var creates: Bool
        /// The schema was proposed from the file (a new dataset, no schema given): its hashtags are the file's
        /// and vouch for none (see ``Validator/localTags``).
        public var schemaProposed = false
    }

    /// What the caller knows about a new dataset.
    public struct NewDataset: Sendable {
        public var category: String?
        public var purpose: String?
        public var sensitivity: Sensitivity

        public init(category: String?, purpose: String?, sensitivity: Sensitivity = .high) {
            self.category = category
            self.purpose = purpose
            self.sensitivity = sensitivity
        }
    }

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case missingCategory(dataset: String)
        case missingPurpose(dataset: String)
        case unknownCategory(String)
        /// The file has issues and the mode refuses it (or a column is missing, which no mode accepts).
        case refused(file: String, issues: Int, validRows: Int)
        /// Columns to store carry hashtags that are neither HXL core nor extension tags, and that the schema does
        /// not declare (``ValidationRule/unknownHXLTag``): no mode accepts them.
        case unknownTags(file: String, tags: [String])
        /// No row would be stored (an empty file, or every row has issues): an empty version would hide
        /// the last good one.
        case noRows(file: String, rowsRead: Int, issues: Int)
        /// A schema given for an existing dataset differs from the stored one and the change was not confirmed.
        case schemaDiffers(dataset: String, changes: [String])
        /// More columns to store than every backend holds (see ``maximumColumns``).
        case tooManyColumns(file: String, columns: Int, limit: Int)
        /// The file records consent as collected in columns the schema does not keep: their refusals would be
        /// dropped with them (data minimisation), and the records counted and shared as if consent were given.
        case consentNotKept(dataset: String, columns: [String])

        public var description: String {
            switch self {
            case .missingCategory(let d):
                "Dataset \"\(d)\" does not exist yet: give its category (one of \(PIMCategory.ID.allCases.map(\.rawValue).joined(separator: ", "))) to create it."
            case .missingPurpose(let d):
                "Dataset \"\(d)\" does not exist yet: give its defined purpose (why the data is collected)."
            case .unknownCategory(let c): "\"\(c)\" is not a PIM category; use one of \(PIMCategory.ID.allCases.map(\.rawValue).joined(separator: ", "))."
            case .unknownTags(let f, let tags):
                "\(f) was not imported: its hashtag row has \(tags.count == 1 ? "a tag" : "\(tags.count) tags") that "
                    + "\(tags.count == 1 ? "is" : "are") neither in the HXL core dictionary nor an extension tag (#x_…): "
                    + "\(tags.joined(separator: ", ")) (see the issues). Correct \(tags.count == 1 ? "it" : "them"), write a local tag as "
                    + "#x_name, declare \(tags.count == 1 ? "it" : "them") in the dataset's schema (pim import --schema FILE, with "
                    + "--replace-schema for an existing dataset), or accept \(tags.count == 1 ? "it" : "them") as \(tags.count == 1 ? "it is" : "they are") "
                    + "(pim import --allow-unknown-tags; allow_unknown_tags in the web import form and the API)."
            case .refused(let f, let n, let valid):
                "\(f) was not imported: \(n) issue\(n == 1 ? "" : "s") (fix \(n == 1 ? "it" : "them"), or use the import-valid mode to store the \(valid) valid row\(valid == 1 ? "" : "s"))."
            case .schemaDiffers(let d, let changes):
                "The schema given for dataset \"\(d)\" differs from its stored schema (\(changes.prefix(8).joined(separator: "; "))"
                    + "\(changes.count > 8 ? "; \(changes.count - 8) more" : "")). Leave the schema out to check the file against "
                    + "the stored one, or confirm the replacement (pim import --replace-schema); it is recorded in the audit log."
            case .tooManyColumns(let f, let n, let limit):
                "\(f) was not imported: it has \(n) columns to store and pim stores at most \(limit) (PostgreSQL's limit, kept for "
                    + "both stores); leave out the columns the dataset's purpose does not need (with a schema that lists only those)."
            case .consentNotKept(let d, let columns):
                "The file records consent as collected in \(columns.joined(separator: ", ")), which the schema of dataset \"\(d)\" "
                    + "does not keep: the refusals in \(columns.count == 1 ? "it" : "them") would be dropped and those records counted "
                    + "and shared as if consent were given. Add \(columns.count == 1 ? "the field" : "the fields") to the schema "
                    + "(pim import --schema FILE --replace-schema), or record the decisions with pim consent and leave the "
                    + "\(columns.count == 1 ? "column" : "columns") out of the file."
            case .noRows(let f, 0, _): "\(f) was not imported: it has no data rows."
            case .noRows(let f, let read, let n):
                "\(f) was not imported: \(read == 1 ? "its one row is not valid" : "none of its \(read) rows is valid") (\(n) issue\(n == 1 ? "" : "s")), and a version without rows is never stored."
            }
        }
    }

    /// The schema a new dataset gets from a file: the category template's when the file is laid out like it
    /// (types, allowed values, roles), else one proposed from the file's own columns and HXL tags.
    ///
    /// A file is laid out like the template when it holds every required field of it (by name, or by HXL tag);
    /// optional fields may be absent (they are stored empty, and said). Consent as collected
    /// (``consentColumns(in:)``) that the template does not list is kept as an optional field, so that its
    /// refusals are honoured rather than dropped with the columns the purpose does not need.
    /// A category with several templates (protection monitoring: incidents, and household or key-informant
    /// interviews) gives the first that the file fits.
    public static func proposedSchema(for table: Table, category: PIMCategory.ID) -> Schema {
        let fitting = CategoryTemplate.templates(for: category).map(\.schema).first { template in
            template.fields.allSatisfy { !$0.required || template.column(for: $0, in: table) != nil }
        }
        guard var template = fitting else { return SchemaProposal.propose(for: table) }
        for name in consentColumns(in: table) where template.field(named: name) == nil {
            guard let column = table[name] else { continue }
            template.fields.append(Field(
                name: name, label: "Consent to \(name.dropFirst("consent_".count)) as collected", hxl: column.tag?.description,
                type: column.type))
        }
        return template
    }

    /// Throws ``Failure/consentNotKept(dataset:columns:)`` when `schema` would not store a consent column of `table`.
    static func checkConsentKept(table: Table, schema: Schema, dataset: String) throws(Failure) {
        let unused = Set(schema.unusedColumns(of: table))
        let dropped = consentColumns(in: table).filter { unused.contains($0) }
        if !dropped.isEmpty { throw .consentNotKept(dataset: dataset, columns: dropped) }
    }

    /// The columns of `table` that record consent as collected: `consent_services`, `consent_disclosure`,
    /// `consent_reporting`, `consent_tracing` (``ConsentFilter/collectedColumn(_:)``).
    public static func consentColumns(in table: Table) -> [String] {
        ConsentPurpose.allCases.map(ConsentFilter.collectedColumn).filter { table[$0] != nil }
    }

    /// Decides the target dataset and schema. `givenSchema` (a schema file) overrides the proposal; for an
    /// existing dataset it must equal the stored schema unless `replacingSchema` confirms the change (which
    /// may remove fields or lower disclosure roles; see ``schemaChanges(from:to:)`` and ``schemaChangeAudit``).
    /// - Parameter kobo: the file's KoboToolbox export description, if it is one: a new dataset's fields note the
    ///   XML paths of the questions they come from (``Field/koboPath``), which ``aligningKoboColumns(_:to:)`` follows.
    public static func plan(
        table: Table, existing: Dataset?, name: String, new: NewDataset, givenSchema: Schema?, now: Date,
        replacingSchema: Bool = false, kobo: KoboExportInfo? = nil
    ) throws(Failure) -> Plan {
        if let existing {
            if let givenSchema, !replacingSchema {
                let changes = schemaChanges(from: existing.schema, to: givenSchema)
                if !changes.isEmpty { throw .schemaDiffers(dataset: name, changes: changes) }
            }
            // A schema file written by hand keeps the questions' paths the dataset noted.
            let schema = givenSchema.map { keepingKoboPaths(of: existing.schema, in: $0) } ?? existing.schema
            try checkConsentKept(table: table, schema: schema, dataset: name)
            return Plan(dataset: existing, schema: schema, creates: false)
        }
        guard let category = new.category, !category.isEmpty else { throw .missingCategory(dataset: name) }
        guard let purpose = new.purpose, !purpose.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .missingPurpose(dataset: name)
        }
        let cat: PIMCategory
        do { cat = try PIMFramework.standard.category(named: category) } catch { throw .unknownCategory(category) }
        let schema = recordingKoboPaths(givenSchema ?? proposedSchema(for: table, category: cat.id), kobo: kobo)
        try checkConsentKept(table: table, schema: schema, dataset: name)
        let dataset = Dataset(name: name, category: cat.id.rawValue, schema: schema, sensitivity: new.sensitivity,
                              purpose: purpose, createdAt: now)
        return Plan(dataset: dataset, schema: schema, creates: true, schemaProposed: givenSchema == nil)
    }

    /// The schema with each field that a KoboToolbox question in a group fills noting the question's XML path
    /// (`resp/age`, whether the reader shortened it to `age` or kept it beside a `hh/age`).
    static func recordingKoboPaths(_ schema: Schema, kobo: KoboExportInfo?) -> Schema {
        guard let kobo else { return schema }
        var out = schema
        for q in kobo.questions where q.exportedName.contains("/") {
            guard let i = out.fields.firstIndex(where: { $0.name == q.name }), out.fields[i].koboPath == nil else { continue }
            out.fields[i].koboPath = q.exportedName
        }
        return out
    }

    static func keepingKoboPaths(of stored: Schema, in given: Schema) -> Schema {
        var out = given
        for i in out.fields.indices where out.fields[i].koboPath == nil {
            out.fields[i].koboPath = stored.field(named: out.fields[i].name)?.koboPath
        }
        return out
    }

    /// The file with its KoboToolbox question columns named as the fields their questions filled before.
    ///
    /// The reader shortens a question's XML path to its name unless two questions of the file share that name,
    /// so a question the form gains elsewhere (`hh/age` beside `resp/age`) renames an existing one. A field that
    /// notes the path of its question (``Field/koboPath``) is filled from that question whatever its name in
    /// this file, and a column named like such a field but exported from another path keeps its path (it is
    /// another question). Select-multiple choice columns follow their question. A file that is no Kobo export,
    /// or whose renamed columns would clash, is returned as it is.
    public static func aligningKoboColumns(_ read: ReadResult, to schema: Schema) -> ReadResult {
        guard let kobo = read.report.kobo else { return read }
        var target: [String: String] = [:]
        for q in kobo.questions {
            // The field that noted this question's path, or (a dataset made before paths were noted) the field
            // named by the whole path, when the reader shortened it this time.
            if let f = schema.fields.first(where: { $0.koboPath == q.exportedName })
                ?? schema.fields.first(where: { $0.koboPath == nil && $0.name == q.exportedName })
            {
                if f.name != q.name { target[q.name] = f.name }
            } else if let f = schema.field(named: q.name), let path = f.koboPath, path != q.exportedName {
                // Another question named like the field: it keeps its path (`/age` for one outside any group),
                // so that it cannot fill the field or clash with the question that does.
                target[q.name] = q.exportedName == q.name ? "/" + q.exportedName : q.exportedName
            }
        }
        guard !target.isEmpty else { return read }
        for c in kobo.selectMultipleChoices {
            if let question = target[c.question] { target[c.column] = question + "/" + c.choice }
        }
        let names = read.table.columnNames.map { target[$0] ?? $0 }
        guard Set(names).count == names.count else { return read }
        var out = read
        var columns = read.table.columns
        for i in columns.indices { columns[i].name = names[i] }
        guard let table = try? Table(columns: columns) else { return read }
        out.table = table
        for i in out.report.profiles.indices { out.report.profiles[i].name = target[out.report.profiles[i].name] ?? out.report.profiles[i].name }
        return out
    }

    /// Validates the file against the plan's schema, with rows located as the reader saw them.
    /// - Parameters:
    ///   - today: the day of the check, for ``Field/past`` dates (nil: not checked).
    ///   - allowingUnknownTags: accept columns tagged with hashtags outside the HXL core dictionary that the
    ///     schema does not declare (pim: `--allow-unknown-tags`); otherwise they refuse the file.
    ///   - period: the period the import declares (provenance, `yyyy-mm-dd`): rows whose date lies outside it are
    ///     said (``ValidationWarning/outsideDeclaredPeriod(file:row:column:count:start:end:)``).
    public static func validate(
        _ read: ReadResult, plan: Plan, gazetteer: Gazetteer? = nil, today: Int32?, allowingUnknownTags: Bool = false,
        period: (start: String?, end: String?) = (nil, nil)
    ) -> ValidationResult {
        var validator = Validator(schema: plan.schema, gazetteer: gazetteer, report: read.report)
            .acceptingTags(schemaProposed: plan.schemaProposed, allowingUnknown: allowingUnknownTags)
        validator.today = today
        var result = validator.validate(read.table)
        if let w = outsidePeriod(read, category: plan.dataset.category, start: period.start, end: period.end) { result.warnings.append(w) }
        return result
    }

    /// The rows of `read` whose date (the category's first date field: when the incident, report, figure or
    /// feedback is dated) lies outside `start...end`, as one warning at the first. Cases are left out: a case
    /// opened before the period is still worked in it.
    static func outsidePeriod(_ read: ReadResult, category: String, start: String?, end: String?) -> ValidationWarning? {
        let from = start.flatMap(CivilDays.parseISO), to = end.flatMap(CivilDays.parseISO)
        guard from != nil || to != nil, category != PIMCategory.ID.caseManagement.rawValue,
            let field = CoverageReport.dateFields(of: category).first, let days = try? read.table.days(field)
        else { return nil }
        let outside = days.indices.filter { r in
            guard let d = days[r] else { return false }
            return from.map { d < $0 } == true || to.map { d > $0 } == true
        }
        guard let first = outside.first else { return nil }
        return .outsideDeclaredPeriod(file: read.report.fileName, row: read.report.sourceRow(ofTableRow: first), column: field,
                                      count: outside.count, start: start, end: end)
    }

    /// Throws when the result may not be stored: any issue in `reject` mode, a missing column in any mode,
    /// no row to store in any mode.
    /// The most columns a version may store: PostgreSQL's 1,600 per table, kept for SQLite too (its own limit
    /// is 2,000), so that a dataset moves between the two stores and the message is the same on both.
    public static let maximumColumns = 1600

    public static func check(_ result: ValidationResult, mode: ValidationMode, fileName: String) throws(Failure) {
        if result.table.columns.count > maximumColumns {
            throw .tooManyColumns(file: fileName, columns: result.table.columns.count, limit: maximumColumns)
        }
        // An unknown hashtag is the file's, not a row's: no mode stores part of it.
        if !result.unknownTags.isEmpty { throw .unknownTags(file: fileName, tags: result.unknownTags) }
        let missingColumn = result.countsByRule[.missingColumn, default: 0] > 0
        if !missingColumn && result.rowsRead - result.rowsRejected == 0 {
            throw .noRows(file: fileName, rowsRead: result.rowsRead, issues: result.issues.count)
        }
        if !result.isValid && (mode == .reject || missingColumn) {
            throw .refused(file: fileName, issues: result.issues.count, validRows: result.rowsRead - result.rowsRejected)
        }
    }

    /// A field whose disclosure role differs between two schemas.
    public struct RoleChange: Sendable, Hashable {
        public var field: String
        public var old: DisclosureRole
        public var new: DisclosureRole
    }

    /// The fields of `old` whose role differs in `new`, in `new`'s field order.
    public static func roleChanges(from old: Schema, to new: Schema) -> [RoleChange] {
        new.fields.compactMap { f in
            guard let before = old.field(named: f.name)?.role, before != f.role else { return nil }
            return RoleChange(field: f.name, old: before, new: f.role)
        }
    }

    /// The audit entry of a schema change (field names and roles only: schema, not personal data): `fields`
    /// names the fields changed, `role.FIELD` each role change as `old->new`.
    public static func schemaChangeAudit(
        fields: [String], roles: [RoleChange], datasetID: Dataset.ID, actor: String, at: Date, details extra: [String: String] = [:]
    ) -> AuditDraft {
        var details = extra
        details["fields"] = fields.joined(separator: ",")
        for c in roles { details["role.\(c.field)"] = "\(c.old.rawValue)->\(c.new.rawValue)" }
        return AuditDraft(at: at, actor: actor, action: .datasetSchemaChanged, datasetID: datasetID.rawValue, details: details)
    }

    /// How `new` differs from `old`, one line per change (field names, types and roles: schema, not
    /// personal data). Empty when they are the same.
    public static func schemaChanges(from old: Schema, to new: Schema) -> [String] {
        var out: [String] = []
        for f in old.fields where new.field(named: f.name) == nil { out.append("field \(f.name) removed") }
        for f in new.fields {
            guard let before = old.field(named: f.name) else {
                out.append("field \(f.name) added")
                continue
            }
            if before.role != f.role { out.append("\(f.name): role \(before.role.rawValue) → \(f.role.rawValue)") }
            if before.type != f.type { out.append("\(f.name): type \(before.type.rawValue) → \(f.type.rawValue)") }
            var same = f
            same.role = before.role
            same.type = before.type
            // (Where a field's values come from in a KoboToolbox export is no check.)
            same.koboPath = before.koboPath
            if same != before { out.append("\(f.name): checks or labels changed") }
        }
        if out.isEmpty && old.fields.map(\.name) != new.fields.map(\.name) { out.append("fields reordered") }
        return out
    }

    /// The audit entry of a confirmed schema replacement: the fields changed and each role change.
    public static func schemaChangeAudit(from old: Schema, to new: Schema, datasetID: Dataset.ID, actor: String, at: Date) -> AuditDraft {
        let changed = Set(old.fields.map(\.name)).symmetricDifference(new.fields.map(\.name))
            .union(new.fields.filter { f in old.field(named: f.name).map { $0 != f } ?? false }.map(\.name))
        return schemaChangeAudit(
            fields: changed.sorted(), roles: roleChanges(from: old, to: new), datasetID: datasetID, actor: actor, at: at,
            details: ["replaced": "true"])
    }

    /// File columns the schema does not name: not stored (data minimisation).
    public static func unusedColumns(_ table: Table, schema: Schema) -> [String] {
        schema.unusedColumns(of: table)
    }

    /// The audit entry of an import: ids and counts only.
    public static func audit(plan: Plan, result: ValidationResult, sha256: String, actor: String, at: Date) -> AuditDraft {
        AuditDraft(at: at, actor: actor, action: .datasetImported, datasetID: plan.dataset.id.rawValue,
                   details: ["sha256": sha256, "rejected_rows": String(result.rowsRejected)])
    }

    /// The dataset to insert with the version (a first import), with the plan's schema.
    public static func creating(_ plan: Plan) -> Dataset? {
        guard plan.creates else { return nil }
        var d = plan.dataset
        d.schema = plan.schema
        return d
    }

    /// The dataset to update after the version is stored, when a given schema replaced an existing one.
    public static func updated(_ plan: Plan) -> Dataset? {
        guard !plan.creates, plan.schema != plan.dataset.schema else { return nil }
        var d = plan.dataset
        d.schema = plan.schema
        return d
    }

    /// `yyyy-mm-dd` as the start of that day (UTC), for provenance dates.
    public static func day(_ text: String?) -> Date? {
        text.flatMap(CivilDays.startOfDay(iso:))
    }
}

extension DatasetImport {
    /// `read` with the schema's text fields as the file writes them: the reader types a column of `4.50`,
    /// `1.10` or `TRUE` as decimal or boolean, whose text (`4.5`, `1.1`, `true`) is not the file's, so such a
    /// column is read again from `url` without type inference (QA10 F20). Other columns are unchanged, and so
    /// is `read` when no text field has such a column. `pim import`, `pim validate` and the web and API
    /// imports all store what this gives.
    public static func keepingFileText(
        of schema: Schema, in read: ReadResult, url: URL, options: CSVReadOptions, sheet: String?
    ) throws(TableReadError) -> ReadResult {
        let lossy = Set(schema.fields.filter { $0.type == .text }.compactMap { field -> String? in
            guard let c = schema.column(for: field, in: read.table), c.type == .decimal || c.type == .boolean else { return nil }
            return c.name
        })
        guard !lossy.isEmpty else { return read }
        var plain = options
        plain.inferTypes = false
        // (Named as the import names them: a KoboToolbox question fills the field it filled before.)
        let raw = aligningKoboColumns(try TableReader.read(url: url, options: plain, sheet: sheet), to: schema)
        guard raw.table.rowCount == read.table.rowCount else { return read }
        var result = read
        let columns = read.table.columns.map { c in lossy.contains(c.name) ? (raw.table[c.name] ?? c) : c }
        result.table = Table(unchecked: columns, rowCount: read.table.rowCount)
        return result
    }
}
