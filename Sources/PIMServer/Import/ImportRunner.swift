import Foundation
import PIMCategories
import PIMCore
import PIMStorage
import PIMTable

/// Runs an import the way `pim import` does (``DatasetImport`` decides, the store writes one transaction),
/// for the web import jobs and the API upload.
enum ImportRunner {
    struct Request: Sendable {
        var read: ReadResult
        var sha256: String
        /// The file name kept in provenance and used in located issues.
        var fileName: String
        var datasetName: String
        var new: DatasetImport.NewDataset
        /// Disclosure roles confirmed by the user, by field name (others keep the proposed role).
        var roles: [String: DisclosureRole]
        var mode: ValidationMode
        var provenance: ImportState.ProvenanceFields
        var actorID: String
        var actorName: String
        /// The importer's role: lowering a field's disclosure role needs ``ImportRunner/mayLowerRoles``.
        var actorRole: Role
        /// Columns may carry hashtags outside the HXL core dictionary (see ``ReadChoices/allowUnknownTags``).
        var allowUnknownTags = false
    }

    struct Outcome: Sendable {
        var version: DatasetVersion
        var result: ValidationResult
        var created: Bool
        /// Columns of the file that the schema does not have, so not stored (data minimisation).
        var unusedColumns: [String] = []
    }

    /// The sentence that says which columns were not stored, or nil.
    static func unusedNote(_ unused: [String]) -> String? {
        guard !unused.isEmpty else { return nil }
        return unused.count == 1
            ? "1 column is not in the schema and was not stored (data minimisation): \(unused[0])."
            : "\(unused.count) columns are not in the schema and were not stored (data minimisation): \(unused.joined(separator: ", "))."
    }

    /// The file cannot be imported: the reason and, when validation ran, its result.
    struct Refusal: Error, Sendable {
        var message: String
        var result: ValidationResult?
        /// The same file (SHA-256) is already a version of the dataset, or another import created the
        /// dataset at the same moment: a conflict (409), titled `title`.
        var conflict = false
        var title = "Duplicate file"
    }

    /// The plan for a request against what the store holds: target dataset, and the schema with the
    /// confirmed roles applied.
    static func plan(_ r: Request, existing: Dataset?, now: Date) throws(Refusal) -> DatasetImport.Plan {
        do {
            var plan = try DatasetImport.plan(table: r.read.table, existing: existing, name: r.datasetName, new: r.new,
                                              givenSchema: nil, now: now, kobo: r.read.report.kobo)
            plan.schema = applying(r.roles, to: plan.schema)
            if plan.creates { plan.dataset.schema = plan.schema }
            return plan
        } catch {
            throw Refusal(message: error.description, result: nil)
        }
    }

    static func applying(_ roles: [String: DisclosureRole], to schema: Schema) -> Schema {
        var s = schema
        for i in s.fields.indices { if let role = roles[s.fields[i].name] { s.fields[i].role = role } }
        return s
    }

    // MARK: Disclosure-role changes (audited; lowering them is for data protection)

    /// The roles that may lower a field's disclosure role.
    static let mayLowerRoles: Set<Role> = [.administrator, .dataProtectionFocalPoint]

    typealias RoleChange = DatasetImport.RoleChange

    static func roleChanges(from old: Schema, to new: Schema) -> [RoleChange] { DatasetImport.roleChanges(from: old, to: new) }

    /// Whether going from `old` to `new` lowers protection: away from direct identifier, or from
    /// quasi-identifier, sensitive or household id to `other`.
    static func lowers(_ old: DisclosureRole, to new: DisclosureRole) -> Bool {
        switch old {
        case .directIdentifier: new != .directIdentifier
        case .quasiIdentifier, .sensitive, .householdID: new == .other
        case .weight, .other: false
        }
    }

    /// Refuses role changes that lower protection unless `role` may make them.
    static func checkRoleChanges(_ changes: [RoleChange], by role: Role) throws(ServerError) {
        guard !mayLowerRoles.contains(role) else { return }
        let lowered = changes.filter { lowers($0.old, to: $0.new) }
        guard !lowered.isEmpty else { return }
        throw .notAllowed("Lowering a field's disclosure role (" + lowered.map { "\($0.field): \($0.old.rawValue) to \($0.new.rawValue)" }
            .joined(separator: ", ") + ") needs the data protection focal point or an administrator; keep the stored roles or ask them.")
    }

    /// The audit event for role changes of a dataset (field names and roles only: schema, not personal data).
    static func roleChangeAudit(_ changes: [RoleChange], datasetID: Dataset.ID, actor: String, at now: Date) -> AuditDraft {
        DatasetImport.schemaChangeAudit(fields: changes.map(\.field), roles: changes, datasetID: datasetID, actor: actor, at: now)
    }

    static func run(_ request: Request, store: any Store, now: Date,
                    progress: @Sendable (String, Int) async -> Void = { _, _ in }) async throws -> Outcome {
        await progress("checking the dataset", 10)
        let existing = try await store.dataset(named: request.datasetName)
        // A KoboToolbox export's questions fill the fields they filled before, whatever their short names now.
        var r = request
        if let existing { r.read = DatasetImport.aligningKoboColumns(r.read, to: existing.schema) }
        let plan = try plan(r, existing: existing, now: now)
        // Role changes: against the stored schema (lowering needs data protection), or for a new dataset
        // against the proposed roles (audited only: proposals are guesses the importer confirms).
        let changes: [RoleChange]
        if let existing {
            changes = roleChanges(from: existing.schema, to: plan.schema)
            do { try checkRoleChanges(changes, by: r.actorRole) } catch { throw Refusal(message: error.detail, result: nil) }
        } else {
            var proposal = r
            proposal.roles = [:]
            changes = roleChanges(from: try Self.plan(proposal, existing: nil, now: now).schema, to: plan.schema)
        }
        await progress("validating \(r.read.table.rowCount) rows", 30)
        let result = DatasetImport.validate(
            r.read, plan: plan, today: CivilDays.day(of: Date()), allowingUnknownTags: r.allowUnknownTags,
            period: (r.provenance.periodStart, r.provenance.periodEnd))
        do { try DatasetImport.check(result, mode: r.mode, fileName: r.fileName) } catch {
            throw Refusal(message: error.description, result: result)
        }
        await progress("storing \(result.table.rowCount) rows in one transaction", 60)
        let p = r.provenance
        let provenance = Provenance(
            sourceOrganization: p.sourceOrganization, sourceSystem: p.sourceSystem, method: p.method,
            periodStart: p.periodStart, periodEnd: p.periodEnd, area: p.area,
            receivedAt: DatasetImport.day(p.received) ?? now, fileName: r.fileName, sha256: r.sha256,
            importedBy: r.actorName, qualityNotes: p.notes)
        let audit = DatasetImport.audit(plan: plan, result: result, sha256: r.sha256, actor: r.actorID, at: now)
        let version: DatasetVersion
        do {
            version = try await store.addVersion(of: plan.dataset.id, table: result.table, schema: plan.schema,
                                                 provenance: provenance, audit: audit, creating: DatasetImport.creating(plan))
        } catch {
            if case .duplicateFile = error { throw Refusal(message: error.description, result: result, conflict: true) }
            // Two first imports of one new dataset at the same moment: the other one created it. Nothing was
            // stored by this one; sent again, the file becomes the dataset's next version.
            if case .conflict = error, plan.creates {
                throw Refusal(
                    message: "Dataset \(r.datasetName) was created by another import at the same moment; nothing was stored from \(r.fileName). Send the file again to add it as a new version.",
                    result: nil, conflict: true, title: "Created meanwhile")
            }
            throw error
        }
        // Roles changed by the user for an existing dataset become its schema once the version is stored.
        if let changed = DatasetImport.updated(plan) { try await store.update(changed) }
        if !changes.isEmpty { try await store.append(roleChangeAudit(changes, datasetID: plan.dataset.id, actor: r.actorID, at: now)) }
        return Outcome(version: version, result: result, created: plan.creates,
                       unusedColumns: DatasetImport.unusedColumns(r.read.table, schema: plan.schema))
    }

    /// Provenance dates must be yyyy-mm-dd, and the period in order.
    static func checkDates(_ p: ImportState.ProvenanceFields) throws(ServerError) {
        for (name, v) in [("period start", p.periodStart), ("period end", p.periodEnd), ("date received", p.received)] {
            if let v, CivilDays.parseISO(v) == nil { throw .badRequest("The \(name) must be a date as yyyy-mm-dd, e.g. 2026-01-31.") }
        }
        if let a = p.periodStart, let b = p.periodEnd, a > b { throw .badRequest("The period starts after it ends.") }
    }

    /// `reject` | `valid-rows` (the web form) or `import-valid` (as the CLI writes it).
    static func mode(_ text: String?) throws(ServerError) -> ValidationMode {
        switch text {
        case nil, "", "reject": .reject
        case "valid-rows", "import-valid": .importValid
        default: throw .badRequest("mode must be reject, valid-rows or import-valid.")
        }
    }

    /// A new dataset's sensitivity as sent (case ignored), `high` when none is; anything else is refused
    /// (sensitivity bounds what may be shared: a typo must not lower it silently).
    static func sensitivity(_ text: String?) throws(ServerError) -> Sensitivity {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return .high }
        guard let s = Sensitivity(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw .badRequest("sensitivity must be one of \(Sensitivity.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return s
    }
}
