import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCategories
import PIMCore
import PIMFramework
import PIMStorage
import PIMTable

/// The web import: upload form, preview with schema confirmation and validation, import job with progress.
struct ImportController: Sendable {
    let store: any Store
    let catalog: DatasetCatalog
    let pages: PageRenderer
    let configuration: ServerConfiguration
    let imports: ImportState

    /// Rows shown in the preview, and issues listed (the rest are counted per rule).
    static let previewRows = 10
    static let issueLimit = 50

    func register(on registry: inout RouteRegistry) {
        registry.register(.importForm) { _, context, _ in try await uploadForm(context, error: nil, status: .ok) }
        registry.register(.importUpload) { _, context, form in try await upload(context, form) }
        registry.register(.importPreview) { _, context, _ in try await preview(context) }
        registry.register(.importCommit) { _, context, form in try await commit(context, form) }
        registry.register(.jobPage) { _, context, _ in try await job(context) }
    }

    private func user(_ context: PIMRequestContext) throws(ServerError) -> Session.SignedInUser {
        guard let u = context.user else { throw .unauthenticated }
        return u
    }

    // MARK: Upload form

    private func uploadForm(_ context: PIMRequestContext, error: String?, status: HTTPResponse.Status,
                            previous: Form = Form()) async throws -> Response {
        let u = try user(context)
        let chosen = previous["category"] ?? ""
        let model = PageModels.ImportForm(
            csrfToken: context.session?.csrfToken ?? "", error: error, maxSize: UploadSettings.size(configuration.maxUploadBytes),
            datasets: try await catalog.visible(to: u.role).map {
                PageModels.DatasetOption(name: $0.dataset.name, category: $0.dataset.category)
            },
            categories: PIMFramework.standard.categories.map {
                PageModels.Option(value: $0.id.rawValue, label: $0.name, selected: $0.id.rawValue == chosen)
            },
            sensitivities: Sensitivity.allCases.map {
                PageModels.Option(value: $0.rawValue, label: $0.rawValue, selected: $0 == (previous["sensitivity"].flatMap(Sensitivity.init) ?? .high))
            },
            dataset: previous["dataset"] ?? "", purpose: previous["purpose"] ?? "")
        return pages.response(.importForm, model, title: "Import a file", session: context.session, status: status)
    }

    private func upload(_ context: PIMRequestContext, _ form: Form) async throws -> Response {
        let u = try user(context)
        guard let file = form.files["file"] else {
            form.discardFiles()
            return try await uploadForm(context, error: "Choose a file to upload.", status: .badRequest, previous: form)
        }
        let others = form.files.filter { $0.key != "file" }.values
        for f in others { f.discard() }
        func refuse(_ message: String, _ status: HTTPResponse.Status = .unprocessableContent) async throws -> Response {
            file.discard()
            return try await uploadForm(context, error: message, status: status, previous: form)
        }
        let name = (form["dataset"] ?? "").trimmingCharacters(in: .whitespaces)
        do { try Dataset.validateName(name) } catch {
            return try await refuse(error.description, .badRequest)
        }
        let provenance = Self.provenance(form)
        do { try ImportRunner.checkDates(provenance) } catch { return try await refuse(error.detail, .badRequest) }
        guard file.size > 0 else { return try await refuse("\(file.fileName) is empty: nothing to import.") }
        let choices: ReadChoices
        do { choices = try ReadChoices { form[$0] } } catch { return try await refuse(error.detail, .badRequest) }
        var read: ReadResult
        do {
            read = try TableReader.read(url: file.url, options: choices.options, sheet: choices.sheet)
        } catch {
            return try await refuse(error.description)
        }
        guard read.table.rowCount > 0 else { return try await refuse("\(file.fileName) has a header but no data rows: nothing to import.") }
        let existing = try await store.dataset(named: name)
        if let existing, !DatasetAccess.canSee(existing, role: u.role) {
            // A dataset the user may not see is not revealed; its name cannot be reused either.
            file.discard()
            throw ServerError.notFound
        }
        // The stored schema's text fields keep the file's own text (4.50, not 4.5), as `pim import` stores them.
        if let existing {
            do {
                read = try DatasetImport.keepingFileText(
                    of: existing.schema, in: read, url: file.url, options: choices.options, sheet: choices.sheet)
            } catch { return try await refuse(error.description) }
        }
        if existing == nil {
            let category = form["category"] ?? ""
            guard (try? PIMFramework.standard.category(named: category)) != nil else {
                return try await refuse(DatasetImport.Failure.missingCategory(dataset: name).description, .badRequest)
            }
        }
        let sensitivity: Sensitivity
        do { sensitivity = try ImportRunner.sensitivity(form["sensitivity"]) } catch {
            return try await refuse(error.description, .badRequest)
        }
        let sha = try FileDigest.sha256(of: file.url)
        let upload = ImportState.Upload(
            id: ImportState.newID(), owner: u.id, file: file, originalName: file.fileName, sha256: sha, read: read,
            datasetName: name, category: Self.nonEmpty(form["category"]), purpose: Self.nonEmpty(form["purpose"]),
            sensitivity: sensitivity, provenance: provenance, allowUnknownTags: choices.allowUnknownTags,
            createdAt: configuration.now(), validation: nil)
        await imports.add(upload)
        return Response(status: .seeOther, headers: [.location: Route.importPreview.path(["upload": upload.id])])
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let t = s?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        return t
    }

    static func provenance(_ form: Form) -> ImportState.ProvenanceFields {
        ImportState.ProvenanceFields(
            sourceOrganization: nonEmpty(form["source_org"]), sourceSystem: nonEmpty(form["source_system"]),
            method: nonEmpty(form["method"]), periodStart: nonEmpty(form["period_start"]), periodEnd: nonEmpty(form["period_end"]),
            area: nonEmpty(form["area"]), received: nonEmpty(form["received"]), notes: nonEmpty(form["notes"]))
    }

    // MARK: Preview

    private func request(_ upload: ImportState.Upload, user: Session.SignedInUser, roles: [String: DisclosureRole],
                         mode: ValidationMode, purpose: String?) -> ImportRunner.Request {
        ImportRunner.Request(
            read: upload.read, sha256: upload.sha256, fileName: upload.originalName, datasetName: upload.datasetName,
            new: .init(category: upload.category, purpose: purpose, sensitivity: upload.sensitivity), roles: roles, mode: mode,
            provenance: upload.provenance, actorID: user.id.rawValue, actorName: user.userName,
            actorRole: user.role, allowUnknownTags: upload.allowUnknownTags)
    }

    private func preview(_ context: PIMRequestContext) async throws -> Response {
        let u = try user(context)
        let id = try context.parameters.require("upload")
        guard let upload = await imports.upload(id, owner: u.id) else { throw ServerError.notFound }
        let existing = try await store.dataset(named: upload.datasetName)
        // (As the import will read it: see ImportRunner.run.)
        let read = existing.map { DatasetImport.aligningKoboColumns(upload.read, to: $0.schema) } ?? upload.read
        var r = request(upload, user: u, roles: [:], mode: .reject, purpose: upload.purpose ?? "(to be confirmed)")
        r.read = read
        let plan: DatasetImport.Plan
        do { plan = try ImportRunner.plan(r, existing: existing, now: configuration.now()) } catch {
            throw ServerError.unprocessable(error.message)
        }
        let validation: PageModels.ValidationView
        if let cached = upload.validation {
            validation = cached
        } else {
            validation = Self.validation(
                DatasetImport.validate(read, plan: plan, today: CivilDays.day(of: Date()), allowingUnknownTags: upload.allowUnknownTags,
                                       period: (upload.provenance.periodStart, upload.provenance.periodEnd)),
                limit: Self.issueLimit)
            await imports.setValidation(validation, upload: upload.id)
        }
        var notes: [String] = read.report.warnings.map(\.description) + validation.warnings
        if read.report.kobo != nil { notes.append("Read as a KoboToolbox export.") }
        // A field the schema does not require may be absent: it is stored empty (the validator says the same).
        for f in plan.schema.fields where !f.required && read.table[f.name] == nil {
            notes.append("The column \(f.name) is not in the file; the schema does not require it, so its values will be empty.")
        }
        let unused = DatasetImport.unusedColumns(read.table, schema: plan.schema)
        if !unused.isEmpty {
            notes.append(unused.count == 1
                ? "1 column is not in the schema and will not be stored (data minimisation): \(unused[0])."
                : "\(unused.count) columns are not in the schema and will not be stored (data minimisation): \(unused.joined(separator: ", ")).")
        }
        var duplicate: String?
        if let existing {
            let versions = try await store.versions(of: existing.id)
            if let v = versions.first(where: { $0.provenance.sha256 == upload.sha256 }) {
                duplicate = "This exact file (same SHA-256) was already imported into \(existing.name) as version \(v.number); importing it again will be refused."
            }
        }
        let model = PageModels.ImportPreview(
            csrfToken: context.session?.csrfToken ?? "", uploadID: upload.id, fileName: upload.originalName,
            sha: String(upload.sha256.prefix(16)), dataset: upload.datasetName, isNew: plan.creates,
            category: plan.dataset.category, purpose: upload.purpose ?? Self.suggestedPurpose(plan.dataset.category),
            duplicate: duplicate, notes: notes, summary: Self.summary(read),
            preview: Self.previewTable(read, limit: Self.previewRows),
            fields: plan.schema.fields.enumerated().map { i, f in
                PageModels.SchemaFieldRow(
                    index: i, name: f.name, type: f.type.rawValue, hxl: f.hxl ?? "", required: f.required ? "yes" : "no",
                    roles: DisclosureRole.allCases.map { PageModels.Option(value: $0.rawValue, label: $0.rawValue, selected: $0 == f.role) })
            },
            validation: validation)
        return pages.response(.importPreview, model, title: "Preview of \(upload.originalName)", session: context.session)
    }

    static func suggestedPurpose(_ category: String) -> String {
        let name = PIMCategory.ID(rawValue: category).map { PIMFramework.standard.category($0).name } ?? category
        return "\(name) for the protection response"
    }

    static func summary(_ read: ReadResult) -> String {
        let r = read.report
        return "\(read.table.rowCount) rows × \(read.table.columns.count) columns, \(r.encoding.rawValue)"
            + (r.delimiter.map { ", delimiter '\($0 == 9 ? "tab" : String(UnicodeScalar($0)))'" } ?? "")
            + (r.hxlRow.map { ", HXL hashtag row \($0)" } ?? "") + ", data from row \(r.firstDataRow)"
    }

    static func previewTable(_ read: ReadResult, limit: Int) -> PageModels.PreviewTable {
        let t = read.table
        let profiles = Dictionary(read.report.profiles.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let columns = t.columns.map { c in
            PageModels.PreviewColumn(name: c.name, type: (profiles[c.name]?.inferredType ?? c.type).rawValue,
                                     hxl: (profiles[c.name]?.tag ?? c.tag)?.description ?? "")
        }
        let rows = (0..<min(limit, t.rowCount)).map { r in
            PageModels.PreviewRow(row: read.report.sourceRow(ofTableRow: r),
                                  cells: t.columns.map { ValueFormatting.text($0[r]) ?? "" })
        }
        return PageModels.PreviewTable(columns: columns, rows: rows, shown: rows.count, total: t.rowCount)
    }

    static func validation(_ result: ValidationResult, limit: Int) -> PageModels.ValidationView {
        PageModels.ValidationView(
            valid: result.isValid, rowsRead: result.rowsRead, rowsRejected: result.rowsRejected, issueCount: result.issues.count,
            issueSummary: "\(result.issues.count) issue\(result.issues.count == 1 ? "" : "s") in \(result.rowsRejected) of "
                + "\(result.rowsRead) row\(result.rowsRead == 1 ? "" : "s")",
            shownIssues: min(limit, result.issues.count),
            totals: result.countsByRule.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                PageModels.RuleTotal(rule: $0.key.rawValue, count: $0.value)
            },
            issues: result.issues.prefix(limit).map {
                PageModels.IssueRow(location: "\($0.file):\($0.row):\($0.column)", rule: $0.rule.rawValue, problem: $0.problem,
                                    expected: $0.expected)
            },
            // (A missing optional column the preview says in its own words.)
            warnings: result.warnings.filter { if case .missingOptionalColumn = $0 { false } else { true } }.map(\.description))
    }

    // MARK: Commit and job

    private func commit(_ context: PIMRequestContext, _ form: Form) async throws -> Response {
        let u = try user(context)
        let id = try context.parameters.require("upload")
        guard let upload = await imports.upload(id, owner: u.id) else { throw ServerError.notFound }
        if let running = await imports.runningJob(upload: id) {
            return Response(status: .seeOther, headers: [.location: Route.jobPage.path(["job": running.id])])
        }
        let mode = try ImportRunner.mode(form["mode"])
        var roles: [String: DisclosureRole] = [:]
        // (The form names fields: a stored dataset's fields may be filled from columns of other names.)
        let existingDataset = try await store.dataset(named: upload.datasetName)
        for c in upload.read.table.columnNames + (existingDataset?.schema.fields.map(\.name) ?? []) {
            guard let text = form["role.\(c)"] else { continue }
            guard let role = DisclosureRole(rawValue: text) else {
                throw ServerError.badRequest("The role of \(c) must be one of \(DisclosureRole.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            roles[c] = role
        }
        // Lowering a stored field's disclosure role is refused here, before a job starts, unless the role may.
        if let existing = existingDataset {
            try ImportRunner.checkRoleChanges(ImportRunner.roleChanges(from: existing.schema,
                                                                       to: ImportRunner.applying(roles, to: existing.schema)), by: u.role)
        }
        let r = request(upload, user: u, roles: roles, mode: mode, purpose: Self.nonEmpty(form["purpose"]) ?? upload.purpose)
        let job = ImportState.Job(id: ImportState.newID(), owner: u.id, uploadID: id, datasetName: upload.datasetName,
                                  fileName: upload.originalName, phase: "queued", percent: 0, status: .running,
                                  createdAt: configuration.now())
        await imports.add(job)
        let store = store, imports = imports, catalog = catalog, now = configuration.now(), logger = context.logger
        Task.detached {
            do {
                let outcome = try await ImportRunner.run(r, store: store, now: now) { phase, percent in
                    await imports.progress(job.id, phase: phase, percent: percent)
                }
                // Results cached for the older versions are not served again: free them.
                await catalog.invalidate(outcome.version.datasetID)
                await imports.succeed(job.id, version: outcome.version.number, rows: outcome.version.rowCount,
                                      rejected: outcome.result.rowsRejected)
                await imports.removeUpload(id)
            } catch let refusal as ImportRunner.Refusal {
                await imports.fail(job.id, error: refusal.message)
            } catch let e as StoreError {
                logger.error("import job failed in the store", metadata: ["job": "\(job.id)"])
                await imports.fail(job.id, error: e.description)
            } catch {
                logger.error("import job failed", metadata: ["job": "\(job.id)", "type": "\(type(of: error))"])
                await imports.fail(job.id, error: "The import failed on the server; nothing was stored.")
            }
        }
        return Response(status: .seeOther, headers: [.location: Route.jobPage.path(["job": job.id])])
    }

    private func job(_ context: PIMRequestContext) async throws -> Response {
        let u = try user(context)
        guard let j = await imports.job(try context.parameters.require("job"), owner: u.id) else { throw ServerError.notFound }
        let model = PageModels.JobPage(
            fileName: j.fileName, dataset: j.datasetName, phase: j.phase, percent: j.percent, running: j.status == .running,
            succeeded: j.status == .succeeded, failed: j.status == .failed, error: j.error, version: j.version ?? 0,
            rows: j.rows ?? 0, rejected: j.rejected.flatMap { $0 > 0 ? $0 : nil }, uploadID: j.uploadID)
        return pages.response(.job, model, title: "Import of \(j.fileName)", session: context.session,
                              refresh: j.status == .running)
    }
}
