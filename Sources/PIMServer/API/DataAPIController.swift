import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCategories
import PIMCore
import PIMStorage
import PIMTable

/// API upload of a file as a new dataset version, and export of a version's rows.
struct DataAPIController: Sendable {
    let store: any Store
    let catalog: DatasetCatalog
    let configuration: ServerConfiguration

    func register(on registry: inout RouteRegistry) {
        registry.register(.apiDatasetVersions) { request, context, _ in try await upload(request, context) }
        registry.register(.apiDatasetExport) { request, context, _ in try await export(request, context) }
    }

    /// What an upload answers: the validation result, and the version when one was stored.
    struct UploadDTO: Encodable {
        var dataset: String
        var created: Bool
        var version: VersionDTO?
        var validation: ValidationDTO
        /// What the reader noticed (an encoding converted, blank lines or empty rows skipped); no cell values.
        var warnings: [String]
    }

    struct ValidationDTO: Encodable {
        var valid: Bool
        var rowsRead: Int
        var rowsRejected: Int
        var issueCount: Int
        var countsByRule: [String: Int]
        /// The first 1000 issues, located as FILE:ROW:COLUMN.
        var issues: [IssueDTO]

        init(_ r: ValidationResult) {
            valid = r.isValid
            rowsRead = r.rowsRead
            rowsRejected = r.rowsRejected
            issueCount = r.issues.count
            countsByRule = Dictionary(uniqueKeysWithValues: r.countsByRule.map { ($0.key.rawValue, $0.value) })
            issues = r.issues.prefix(1000).map(IssueDTO.init)
        }
    }

    struct IssueDTO: Encodable {
        var location: String
        var file: String
        var row: Int
        var column: String
        var rule: String
        var problem: String
        var expected: String

        init(_ i: ValidationIssue) {
            location = "\(i.file):\(i.row):\(i.column)"
            file = i.file
            row = i.row
            column = i.column
            rule = i.rule.rawValue
            problem = i.problem
            expected = i.expected
        }
    }

    /// Problem details with the located issues (RFC 9457 extension members).
    struct ValidationProblem: Encodable {
        var type = "about:blank"
        var title: String
        var status: Int
        var detail: String
        var instance: String
        var validation: ValidationDTO?
    }

    static let formats = ["csv": "csv", "hxl": "csv", "tsv": "tsv", "json": "json", "xlsx": "xlsx"]

    /// The `format` a request body's media type names when no `format=` is given (QA10 Q7): the media types the
    /// OpenAPI document lists for this route; nil for others (application/octet-stream says nothing).
    static func format(mediaType: String?) -> String? {
        guard let type = mediaType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() else { return nil }
        switch type {
        case "text/csv": return "csv"
        case "text/tab-separated-values": return "tsv"
        case "application/json": return "json"
        case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": return "xlsx"
        default: return nil
        }
    }

    private func upload(_ request: Request, _ context: PIMRequestContext) async throws -> Response {
        guard let user = context.user else { throw ServerError.unauthenticated }
        let name = try context.parameters.require("name")
        do { try Dataset.validateName(name) } catch { throw ServerError.badRequest(error.description) }
        let q = Form(query: request.uri.query)
        guard let format = q["format"]?.lowercased() ?? Self.format(mediaType: request.headers[.contentType]),
              let ext = Self.formats[format] else {
            throw ServerError.badRequest(
                "Give format=csv, hxl, tsv, json or xlsx (or a Content-Type of text/csv, text/tab-separated-values, application/json "
                    + "or the XLSX media type): the format of the file in the body.")
        }
        let mode = try ImportRunner.mode(q["mode"])
        let sensitivity = try ImportRunner.sensitivity(q["sensitivity"])
        let provenance = ImportState.ProvenanceFields(
            sourceOrganization: q["source_org"], sourceSystem: q["source_system"], method: q["method"],
            periodStart: q["period_start"], periodEnd: q["period_end"], area: q["area"], received: q["received"],
            notes: q["notes"])
        try ImportRunner.checkDates(provenance)
        // An existing dataset must be visible to the caller; a hidden one is answered as missing.
        if let existing = try await store.dataset(named: name), !DatasetAccess.canSee(existing, role: user.role) {
            throw ServerError.notFound
        }
        let base = (q["file_name"].map(UploadedFile.safeName) ?? name)
        let fileName = base.lowercased().hasSuffix(".\(ext)") ? base : "\(base).\(ext)"
        let file = try await UploadedFile.spool(request.body, fileName: fileName, settings: configuration.uploads)
        defer { file.discard() }
        let instance = request.uri.path
        func problem(_ status: HTTPResponse.Status, _ title: String, _ detail: String, _ result: ValidationResult?) -> Response {
            let p = ValidationProblem(title: title, status: status.code, detail: detail, instance: instance,
                                      validation: result.map(ValidationDTO.init))
            return Response(status: status, headers: [.contentType: "application/problem+json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: JSON.encode(p))))
        }
        guard file.size > 0 else { return problem(.unprocessableContent, "Empty file", "The body is empty: nothing to import.", nil) }
        let choices = try ReadChoices { q[$0] }
        var read: ReadResult
        do {
            read = try TableReader.read(url: file.url, options: choices.options, sheet: choices.sheet)
            // The stored schema's text fields keep the file's own text (4.50, not 4.5), as `pim import` stores them.
            if let existing = try await store.dataset(named: name) {
                read = try DatasetImport.keepingFileText(
                    of: existing.schema, in: read, url: file.url, options: choices.options, sheet: choices.sheet)
            }
        } catch let error as TableReadError {
            return problem(.unprocessableContent, "Unreadable file", error.description, nil)
        }
        let r = ImportRunner.Request(
            read: read, sha256: try FileDigest.sha256(of: file.url), fileName: file.fileName, datasetName: name,
            new: .init(category: q["category"], purpose: q["purpose"], sensitivity: sensitivity),
            roles: [:], mode: mode, provenance: provenance, actorID: user.id.rawValue, actorName: user.userName,
            actorRole: user.role, allowUnknownTags: choices.allowUnknownTags)
        do {
            let outcome = try await ImportRunner.run(r, store: store, now: configuration.now())
            // Results cached for the older versions are not served again: free them.
            await catalog.invalidate(outcome.version.datasetID)
            return JSON.response(UploadDTO(dataset: name, created: outcome.created, version: VersionDTO(outcome.version),
                                           validation: ValidationDTO(outcome.result),
                                           warnings: read.report.warnings.map(\.description) + outcome.result.warnings.map(\.description)
                                               + [ImportRunner.unusedNote(outcome.unusedColumns)].compactMap { $0 }), status: .created)
        } catch let refusal as ImportRunner.Refusal {
            if refusal.conflict { return problem(.conflict, refusal.title, refusal.message, nil) }
            let status: HTTPResponse.Status = refusal.result == nil ? .badRequest : .unprocessableContent
            return problem(status, refusal.result == nil ? "Bad request" : "Validation failed", refusal.message, refusal.result)
        }
    }

    private func export(_ request: Request, _ context: PIMRequestContext) async throws -> Response {
        guard let user = context.user else { throw ServerError.unauthenticated }
        let entry = try await catalog.entry(named: context.parameters.require("name"), role: user.role)
        let q = Form(query: request.uri.query)
        let format = q["format"] ?? "csv"
        guard ["csv", "hxl", "json", "xlsx"].contains(format) else { throw ServerError.badRequest("format must be csv, hxl, json or xlsx.") }
        let number = try APIController.integer(q["version"], name: "version")
        guard let v = number.map({ n in entry.versions.first { $0.number == n } }) ?? entry.latest else {
            throw ServerError.badRequest(entry.versions.isEmpty ? "The dataset has no version yet."
                : "There is no version \(number ?? 0); the dataset has versions 1 to \(entry.versions.count).")
        }
        let table = try await store.table(of: v)
        let name = entry.dataset.name
        let body: Data
        let contentType: String
        switch format {
        case "hxl":
            body = CSVWriter.data(table, hxl: true)
            contentType = "text/csv; charset=utf-8"
        case "json":
            body = JSONTableWriter.data(table)
            contentType = "application/json"
        case "xlsx":
            let dir = try configuration.uploads.newFolder()
            defer { try? FileManager.default.removeItem(at: dir) }
            let url = dir.appendingPathComponent("export.xlsx")
            do {
                try XLSXWriter.write(table, sheetName: String(name.prefix(31)), hxl: true, to: url)
                body = try Data(contentsOf: url)
            } catch {
                throw ServerError.unprocessable("The XLSX file could not be written.")
            }
            contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        default:
            body = CSVWriter.data(table, hxl: false)
            contentType = "text/csv; charset=utf-8"
        }
        try await store.append(AuditDraft(at: configuration.now(), actor: user.id.rawValue, action: .datasetExported,
                                          datasetID: entry.dataset.id.rawValue, recordCount: table.rowCount,
                                          details: ["version": String(v.number), "format": format, "via": "api"]))
        let ext = format == "hxl" ? "csv" : format
        return Response(status: .ok, headers: [.contentType: contentType,
                                               .contentDisposition: "attachment; filename=\"\(name)-v\(v.number).\(ext)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
