import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCategories
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMStorage
import PIMTable

/// The JSON API under `/api/v1`. Every handler runs after the route guard; object-level checks go
/// through ``DatasetCatalog``.
struct APIController: Sendable {
    let store: any Store
    let catalog: DatasetCatalog

    func register(on registry: inout RouteRegistry) {
        registry.register(.apiOpenAPI) { _, _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json)))
        }
        registry.register(.apiCategories) { _, _, _ in
            try Self.framework(CategoryListView(.standard))
        }
        registry.register(.apiCategory) { _, context, _ in
            let id = try context.parameters.require("id")
            guard let category = try? PIMFramework.standard.category(named: id) else { throw ServerError.notFound }
            return try Self.framework(CategoryDetailView(category))
        }
        registry.register(.apiDatasets) { _, context, _ in
            let viewer = try await Viewer.of(context, store: store)
            return JSON.response(try await catalog.visible(to: viewer).map(DatasetSummaryDTO.init))
        }
        registry.register(.apiDataset) { _, context, _ in
            let entry = try await catalog.entry(named: context.parameters.require("name"), viewer: Viewer.of(context, store: store))
            return JSON.response(DatasetDetailDTO(dataset: DatasetSummaryDTO(entry), fields: entry.dataset.schema.fields,
                                                  versions: entry.versions.map(VersionDTO.init)))
        }
        registry.register(.apiDatasetRisk) { request, context, _ in
            let entry = try await catalog.entry(named: context.parameters.require("name"), viewer: Viewer.of(context, store: store))
            let (version, table) = try await catalog.latestTable(entry)
            let q = Form(query: request.uri.query)
            let spec = SchemaDisclosure(schema: version.schema).riskSpec(
                keys: Self.list(q["keys"]), sensitive: Self.list(q["sensitive"]))
            guard !spec.keys.isEmpty else {
                throw ServerError.badRequest("Give keys=col1,col2: the schema marks no quasi-identifier.")
            }
            do { return JSON.response(try RiskAnalysis.analyze(table, spec: spec)) } catch {
                throw ServerError.badRequest(String(describing: error))
            }
        }
        registry.register(.apiDatasetAggregate) { request, context, _ in
            let viewer = try await Viewer.of(context, store: store)
            let entry = try await catalog.entry(named: context.parameters.require("name"), viewer: viewer)
            let q = Form(query: request.uri.query)
            let asked = try Self.aggregateRequest(by: q["by"], minCell: q["min_cell"], viewer: viewer, entry: entry, catalog: catalog)
            let answer = try await catalog.aggregateJSON(entry, by: asked.by, minCell: asked.minCell, perturbedFrom: asked.perturbedFrom)
            try await Self.auditPartnerView(viewer, entry: entry, store: store, at: catalog.now(), details: asked.auditDetails)
            return Self.json(answer)
        }
        registry.register(.apiDatasetOutput) { request, context, _ in
            let viewer = try await Viewer.of(context, store: store)
            let entry = try await catalog.entry(named: context.parameters.require("name"), viewer: viewer)
            let isInternal = try Self.internalView(Form(query: request.uri.query)["view"], role: viewer.role)
            let minCell = max(5, DatasetAccess.minimumCell(for: viewer, dataset: entry.dataset, at: catalog.now()))
            let answer = try await catalog.outputJSON(entry, shareable: !isInternal, minCell: minCell)
            try await Self.auditPartnerView(viewer, entry: entry, store: store, at: catalog.now(),
                                            details: ["kind": "category-output", "min_cell": String(minCell)])
            return Self.json(answer)
        }
        registry.register(.apiAudit) { request, _, _ in
            let q = Form(query: request.uri.query)
            let offset = max(0, try Self.integer(q["offset"], name: "offset") ?? 0)
            let limit = min(1000, max(1, try Self.integer(q["limit"], name: "limit") ?? 100))
            let events = try await AuditSearch(request).events(in: store)
            let page = events.dropFirst(offset).prefix(limit).map(AuditEventDTO.init)
            return JSON.response(AuditPageDTO(total: events.count, offset: offset, limit: limit, events: Array(page)))
        }
        registry.register(.apiAuditVerify) { request, _, _ in
            let status = try await store.verifyAuditChain()
            var answer = AuditVerifyDTO(status, head: try await AuditAnchor.head(in: store, status: status))
            if let text = Form(query: request.uri.query)["anchor"] {
                guard let anchor = AuditAnchor.parse(text) else { throw ServerError.badRequest(AuditAnchor.formatHelp) }
                answer.check(anchor, holds: try await AuditAnchor.holds(anchor, in: store))
            }
            return JSON.response(answer)
        }
    }

    /// An aggregate asked for through the API or the web page, checked for the viewer.
    struct AggregateRequest: Sendable {
        var by: [String]
        var minCell: Int
        /// Counts perturbed by the cell-key method (see ``perturbsAggregates(_:)``).
        var perturbed: Bool
        /// The smallest cell of the cell-key perturbation: ``CellKeyPerturbation/publishedMinCell`` for every
        /// viewer, whatever `minCell` they ask and whatever their floor (see ``DatasetCatalog/aggregate(_:by:minCell:perturbedFrom:)``); nil when counts are suppressed.
        var perturbedFrom: Int?
        var auditDetails: [String: String] {
            ["kind": "aggregate", "by": by.joined(separator: ","), "min_cell": String(minCell), "method": perturbed ? "cell-key" : "suppression"]
        }
    }

    /// Checks an aggregate's dimensions (`COL` or `COL=RECODE`, comma-separated) and smallest cell for `viewer`:
    /// no direct identifier or household id, only an agreement's dimensions for a partner, a smallest cell of at
    /// least the viewer's floor (5, or a partner's agreements' largest; the floor is the default).
    static func aggregateRequest(
        by: String?, minCell: String?, viewer: Viewer, entry: DatasetCatalog.Entry, catalog: DatasetCatalog
    ) throws -> AggregateRequest {
        guard let by = by.map(RecodeSpec.dimensions), !by.isEmpty else {
            throw ServerError.badRequest("Give by=col1,col2: the dimensions to count by (a dimension may be recoded, as in pim aggregate: age=bands, opened=month, date=week or quarter).")
        }
        // Without min_cell, the smallest the caller may use (5, or the largest of a partner's agreements).
        let floor = DatasetAccess.minimumCell(for: viewer, dataset: entry.dataset, at: catalog.now())
        let cell = try Self.integer(minCell, name: "min_cell") ?? max(5, floor)
        // A partner's limits come from the agreements in force: the messages name them (W26).
        let agreements = DatasetAccess.coveringAgreements(entry.dataset, viewer: viewer, at: catalog.now())
        guard cell >= floor else {
            let setBy = agreements.filter { $0.thresholds.minimumCellSize == floor }.map(\.id).sorted()
            throw ServerError.badRequest(
                "min_cell must be at least \(floor) for you"
                    + (setBy.isEmpty ? "." : " (the minimum cell of agreement " + setBy.joined(separator: ", ") + ", the largest of the agreements that share this dataset with your organisation)."))
        }
        let identifiers = DatasetAccess.forbiddenDimensions(in: entry.dataset.schema)
        let columns = by.map(DatasetCatalog.dimensionColumn)
        if let bad = columns.first(where: identifiers.contains) {
            throw ServerError.badRequest("\"\(bad)\" is a direct identifier or household id and cannot be a dimension.")
        }
        if let allowed = entry.allowedDimensions, let bad = columns.first(where: { !allowed.contains($0) }) {
            let named = agreements.map(\.id).sorted()
            throw ServerError.badRequest("\"\(bad)\" is not a dimension of your agreement"
                + (named.count > 1 ? "s (" + named.joined(separator: ", ") + "; a dimension must be allowed by each of them)" : named.first.map { " \($0)" } ?? "")
                + "; allowed: " + allowed.sorted().joined(separator: ", ") + ".")
        }
        // Viewers who may ask for any table but not see microdata get perturbed counts (see
        // DatasetCatalog.aggregate): suppression alone would let two of their queries recover a small cell.
        let perturbed = Self.perturbsAggregates(viewer.role)
        // rare:N keeps a category by its true count, so which categories are named under several N reveals each
        // one's exact count (QA9 F2): not for viewers whose counts are perturbed.
        if perturbed, let rare = by.first(where: RecodeSpec.mergesRareCategories) {
            throw ServerError.badRequest(
                "\"\(rare)\" groups categories by their true counts, which the categories it names would reveal; "
                    + "ask by \"\(DatasetCatalog.dimensionColumn(rare))\" and group the perturbed counts yourself.")
        }
        return AggregateRequest(by: by, minCell: cell, perturbed: perturbed, perturbedFrom: perturbed ? CellKeyPerturbation.publishedMinCell : nil)
    }

    /// Whether ad-hoc aggregates for `role` are perturbed by the cell-key method: analysts and partner viewers,
    /// who may ask for any table by the allowed dimensions but may not see the records themselves.
    static func perturbsAggregates(_ role: Role) -> Bool { role.perturbsAggregates }

    /// A partner organisation's user fetching a live table is a disclosure outside the producer: audited
    /// (ids and parameters only). Tables viewed inside the organisation are not.
    static func auditPartnerView(
        _ viewer: Viewer, entry: DatasetCatalog.Entry, store: any Store, at now: Date, details: [String: String]
    ) async throws {
        guard viewer.role == .partnerViewer else { return }
        var d = details
        if let organization = viewer.organization { d["organization"] = organization }
        d["version"] = entry.latest.map { String($0.number) }
        try await store.append(AuditDraft(
            at: now, actor: viewer.userID, action: .outputViewed, datasetID: entry.dataset.id.rawValue,
            recordCount: entry.latest?.rowCount, details: d))
    }

    // MARK: - Helpers

    /// `view=internal` needs ``Permission/analyseMicrodata``; the default is the shareable output.
    static func internalView(_ view: String?, role: Role) throws(ServerError) -> Bool {
        switch view {
        case nil, "shareable": return false
        case "internal":
            guard Permission.analyseMicrodata.allows(role) else { throw .forbidden }
            return true
        default: throw .badRequest("view must be shareable or internal.")
        }
    }

    /// A 200 answer with JSON encoded beforehand.
    static func json(_ bytes: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: bytes))
    }

    static func framework(_ view: some FrameworkView) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: try view.renderJSON())))
    }

    static func list(_ text: String?) -> [String]? {
        text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    static func integer(_ text: String?, name: String) throws(ServerError) -> Int? {
        guard let text else { return nil }
        guard let n = Int(text) else { throw .badRequest("\(name) must be a whole number.") }
        return n
    }
}
