import Foundation
import HTTPTypes
import Hummingbird
import PIMCore
import PIMDisclosure
import PIMStorage
import PIMTable

/// The web workspace's table by dimensions (the API's aggregate, as a page and a CSV download) and the export
/// page (a form for the API's audited export). The same checks as the API: ``APIController/aggregateRequest(by:minCell:viewer:entry:catalog:)``.
struct AggregatePageController: Sendable {
    let store: any Store
    let catalog: DatasetCatalog
    let pages: PageRenderer

    struct Page: Sendable {
        var name: String
        var version: Int
        var by: String
        var minCell: Int
        var floor: Int
        var columns: String
        var error: String?
        var result: Result?
    }

    struct Result: Sendable {
        var byText: String
        var summary: String
        var note: String?
        var downloadLink: String
        var headers: [String]
        var rows: [Row]
    }

    struct Row: Sendable { var cells: [String] }

    struct ExportPage: Sendable {
        var name: String
        var hasVersions: Bool
        var versions: [Version]
        struct Version: Sendable { var number: Int; var rows: Int; var latest: Bool }
    }

    func register(on registry: inout RouteRegistry) {
        registry.register(.datasetAggregate) { request, context, _ in try await page(request, context) }
        registry.register(.datasetAggregateDownload) { request, context, _ in try await download(request, context) }
        registry.register(.datasetExport) { _, context, _ in
            guard let user = context.user else { throw ServerError.unauthenticated }
            let entry = try await catalog.entry(named: context.parameters.require("name"), role: user.role)
            let last = entry.versions.last?.number
            let model = ExportPage(
                name: entry.dataset.name, hasVersions: !entry.versions.isEmpty,
                versions: entry.versions.reversed().map { .init(number: $0.number, rows: $0.rowCount, latest: $0.number == last) })
            return pages.response(.export, model, title: "Export \(entry.dataset.name)", session: context.session)
        }
    }

    private func page(_ request: Request, _ context: PIMRequestContext) async throws -> Response {
        let viewer = try await Viewer.of(context, store: store)
        let entry = try await catalog.entry(named: context.parameters.require("name"), viewer: viewer)
        guard let version = entry.latest else { throw ServerError.unprocessable("The dataset has no version yet; import a file first.") }
        let q = Form(query: request.uri.query)
        let floor = max(5, DatasetAccess.minimumCell(for: viewer, dataset: entry.dataset, at: catalog.now()))
        let forbidden = DatasetAccess.forbiddenDimensions(in: entry.dataset.schema)
        let columns = version.schema.fields.map(\.name).filter { name in
            !forbidden.contains(name) && (entry.allowedDimensions?.contains(name) ?? true)
        }
        var model = Page(
            name: entry.dataset.name, version: version.number, by: q["by"] ?? "", minCell: Int(q["min_cell"] ?? "") ?? floor,
            floor: floor, columns: columns.joined(separator: ", "))
        guard q["by"] != nil else { return pages.response(.aggregate, model, title: "Table of \(entry.dataset.name)", session: context.session) }
        do {
            let (asked, answer) = try await aggregate(q, viewer: viewer, entry: entry)
            let shown = answer.columns.indices.filter { answer.columns[$0] != AggregateTable.noteColumn && answer.columns[$0] != AggregateTable.flagColumn }
            let suppressed = answer.primarySuppressed + answer.secondarySuppressed
            let summary = asked.perturbed
                ? "\(answer.cells) cells; every count perturbed by the cell-key method (see the note)."
                : "\(answer.cells) cells; \(suppressed) suppressed (below \(asked.minCell), or to protect those) and left out, like empty ones."
            var link = URLComponents()
            link.path = "/datasets/\(entry.dataset.name)/aggregate/download"
            link.queryItems = [URLQueryItem(name: "by", value: asked.by.joined(separator: ",")), URLQueryItem(name: "min_cell", value: String(asked.minCell))]
            model.minCell = asked.minCell
            model.result = Result(
                byText: asked.by.joined(separator: " × "), summary: summary, note: answer.note,
                downloadLink: link.string ?? link.path,
                headers: shown.map { answer.columns[$0] },
                rows: answer.rows.map { row in Row(cells: shown.map { Self.text(row[$0]) }) })
        } catch let e as ServerError {
            model.error = e.detail
            return pages.response(.aggregate, model, title: "Table of \(entry.dataset.name)", session: context.session, status: e.status)
        }
        return pages.response(.aggregate, model, title: "Table of \(entry.dataset.name)", session: context.session)
    }

    /// The same table as CSV (formulas neutralised by the writer), for a spreadsheet.
    private func download(_ request: Request, _ context: PIMRequestContext) async throws -> Response {
        let viewer = try await Viewer.of(context, store: store)
        let entry = try await catalog.entry(named: context.parameters.require("name"), viewer: viewer)
        let (asked, answer) = try await aggregate(Form(query: request.uri.query), viewer: viewer, entry: entry)
        let table = Self.table(answer)
        // A file leaving the workspace is an export, as `pim aggregate --out` records it (a partner's table is
        // already audited as a view by `aggregate`).
        if viewer.role != .partnerViewer {
            var details = asked.auditDetails
            details["via"] = "web"
            details["cells"] = String(answer.cells)
            details["version"] = entry.latest.map { String($0.number) }
            try await store.append(AuditDraft(
                at: catalog.now(), actor: viewer.userID, action: .datasetExported, datasetID: entry.dataset.id.rawValue,
                recordCount: entry.latest?.rowCount, details: details))
        }
        let fileName = "\(entry.dataset.name)-by-" + asked.by.map(DatasetCatalog.dimensionColumn).joined(separator: "-") + ".csv"
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        // ASCII only: a header carries no raw UTF-8 (a non-ASCII column name is left out of the file name).
        headers[.contentDisposition] = "attachment; filename=\"\(fileName.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: CSVWriter.bytes(table, hxl: false))))
    }

    /// The table asked for in `q` (`by`, `min_cell`), checked as the API checks it; a partner's view is audited.
    private func aggregate(_ q: Form, viewer: Viewer, entry: DatasetCatalog.Entry) async throws -> (APIController.AggregateRequest, AggregateDTO) {
        let asked = try APIController.aggregateRequest(by: q["by"], minCell: q["min_cell"], viewer: viewer, entry: entry, catalog: catalog)
        let answer = try await catalog.aggregate(entry, by: asked.by, minCell: asked.minCell, perturbedFrom: asked.perturbedFrom)
        try await APIController.auditPartnerView(viewer, entry: entry, store: store, at: catalog.now(), details: asked.auditDetails)
        return (asked, answer)
    }

    static func text(_ cell: TableCell) -> String {
        switch cell {
        case .null: ""
        case .integer(let i): String(i)
        case .decimal(let d): String(d)
        case .boolean(let b): b ? "true" : "false"
        case .text(let s): s
        }
    }

    /// The answer as a table: counts as integers, every other column as text (the flag column, empty in a
    /// published table, is left out; a perturbed table's note is kept).
    static func table(_ answer: AggregateDTO) -> Table {
        let columns = answer.columns.indices.filter { answer.columns[$0] != AggregateTable.flagColumn }.map { c -> Column in
            let name = answer.columns[c]
            if name == AggregateTable.countColumn {
                var nulls = NullMask()
                var values = [Int64](repeating: 0, count: answer.rows.count)
                for (r, row) in answer.rows.enumerated() {
                    if case .integer(let i) = row[c] { values[r] = i } else { nulls.setNull(r) }
                }
                return Column(name: name, data: .integer(values: values, nulls: nulls))
            }
            return Column(name: name, data: .textFromLabels(count: answer.rows.count) { r in
                if case .null = answer.rows[r][c] { return nil }
                return text(answer.rows[r][c])
            })
        }
        return Table(unchecked: columns, rowCount: answer.rows.count)
    }
}
