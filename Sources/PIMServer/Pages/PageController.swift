import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCategories
import PIMCore
import PIMFramework
import PIMStorage
import PIMTable

/// The server-rendered pages: workspace home, framework browser, dataset page and audit log.
struct PageController: Sendable {
    let store: any Store
    let catalog: DatasetCatalog
    let pages: PageRenderer
    let configuration: ServerConfiguration

    func register(on registry: inout RouteRegistry) {
        registry.register(.stylesheet) { request, _, _ in
            // Precomputed once; a browser that has it gets 304 Not Modified.
            if request.headers[.ifNoneMatch] == Stylesheet.etag {
                return Response(status: .notModified, headers: [.eTag: Stylesheet.etag, .cacheControl: "public, max-age=3600"])
            }
            return Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600",
                                                   .eTag: Stylesheet.etag],
                            body: .init(byteBuffer: Stylesheet.bytes))
        }
        // Healthy when the store answers; 503 otherwise (load balancers take the instance out).
        registry.register(.health) { _, context, _ in
            do {
                _ = try await store.workspace()
                return JSON.response(HealthDTO(status: "ok"))
            } catch {
                context.logger.error("health check: the store does not answer")
                return JSON.response(HealthDTO(status: "unavailable"), status: .serviceUnavailable)
            }
        }
        registry.register(.home) { request, context, _ in try await home(request, context) }
        registry.register(.frameworkMatrix) { request, context, _ in matrix(request, context) }
        registry.register(.frameworkCategory) { _, context, _ in
            guard let c = try? PIMFramework.standard.category(named: context.parameters.require("id")) else { throw ServerError.notFound }
            return category(c, context)
        }
        registry.register(.datasetPage) { request, context, _ in try await dataset(request, context) }
        registry.register(.auditPage) { request, context, _ in try await audit(request, context) }
    }

    /// How old the latest data of a category may be before the home page calls it stale.
    static let recentDays = 90

    private func home(_ request: Request, _ context: PIMRequestContext) async throws -> Response {
        let workspace = try await store.workspace()
        let viewer = try await Viewer.of(context, store: store)
        let entries = try await catalog.visible(to: viewer)
        let now = configuration.now()
        let cutoff = now.addingTimeInterval(-Double(Self.recentDays) * 86_400)
        let blocks = PIMFramework.standard.categories.map { c in
            let own = entries.filter { $0.dataset.category == c.id.rawValue }
            let rows = own.map { e in
                let upTo = e.latest?.dataUpTo
                return PageModels.DatasetRow(
                    name: e.dataset.name, sensitivity: e.dataset.sensitivity.rawValue,
                    latestVersion: e.latest.map { "v\($0.number)" } ?? "none",
                    latestDate: e.latest.map { PageModels.format($0.createdAt) } ?? "—",
                    rows: e.latest.map { String($0.rowCount) } ?? "0",
                    dataUpTo: upTo.map { CivilDays.iso($0) } ?? "—",
                    ageDays: upTo.map { String(max(0, Int(now.timeIntervalSince($0) / 86_400))) } ?? "—",
                    freshness: upTo.map { $0 >= cutoff ? "current" : "stale" } ?? "stale")
            }
            let newest = own.compactMap { $0.latest?.dataUpTo }.max()
            let (status, text): (String, String) = switch newest {
            case nil: ("gap", "Gap: no dataset of this category that you may see.")
            case let d? where d < cutoff:
                ("stale", "Stale: the newest data is \(Int(now.timeIntervalSince(d) / 86_400)) days old (more than \(Self.recentDays)).")
            case let d?: ("current", "Current: data up to \(PageModels.format(d)).")
            }
            return PageModels.CategoryBlock(id: c.id.rawValue, name: c.name, hasDatasets: !rows.isEmpty, datasets: rows,
                                            status: status, statusText: text)
        }
        var model = PageModels.Home(
            workspaceName: workspace?.name ?? "pim workspace", country: workspace?.country ?? "—",
            adminLevels: workspace?.adminLevels.joined(separator: ", ") ?? "—", categories: blocks, recentDays: Self.recentDays,
            gapCount: blocks.filter { $0.status != "current" }.count, showCoverage: false, scenarios: [], scenario: nil)
        // Scenario coverage names systems and datasets: only for roles that see every dataset.
        if Permission.seeAllDatasets.allows(viewer.role) {
            var systems: [InformationSystem] = []
            for doc in try await store.documents(kind: .informationSystem) {
                guard let s = try? InformationSystem.decode(doc.json) else { throw ServerError.unprocessable("A stored information system is unreadable.") }
                systems.append(s)
            }
            // Recent by the data's own dates (or the recorded period end), not by the import date.
            var summaries: [CoverageReport.DatasetSummary] = []
            for e in entries {
                var latest: (periodEnd: String?, table: Table)?
                if let v = e.latest {
                    let names = CoverageReport.columnsToRead(
                        category: e.dataset.category, periodEnd: v.provenance.periodEnd, schema: v.schema, asOf: now)
                    latest = (v.provenance.periodEnd, names.isEmpty ? Table.empty : try await catalog.latestColumns(e, names).1)
                }
                summaries.append(CoverageReport.summary(name: e.dataset.name, category: e.dataset.category, latest: latest, asOf: now))
            }
            let chosen = Form(query: request.uri.query)["scenario"]
            let reports = PIMFramework.standard.scenarios.map {
                CoverageReport(scenario: $0, systems: systems, datasets: summaries, now: now, recentDays: Self.recentDays)
            }
            let selected = reports.first { $0.scenario.rawValue == chosen } ?? reports.first
            model.showCoverage = true
            model.scenarios = reports.map { r in
                PageModels.ScenarioRow(id: r.scenario.rawValue, name: r.scenarioName,
                                       covered: r.lines.filter { $0.status == .covered }.count,
                                       partial: r.lines.filter { $0.status == .partial }.count,
                                       gaps: r.lines.filter { $0.status == .gap }.count, selected: r.scenario == selected?.scenario)
            }
            model.scenario = selected.map { r in
                PageModels.ScenarioDetail(name: r.scenarioName, lines: r.lines.map { l in
                    PageModels.CoverageLine(priority: l.priority.rawValue, need: l.need, producers: l.producers.map(\.rawValue).joined(separator: ", "),
                                            systems: l.systems.isEmpty ? "—" : l.systems.joined(separator: "; "),
                                            datasets: l.datasets.isEmpty ? "—" : l.datasets.joined(separator: "; "), status: l.status.rawValue)
                })
            }
        }
        return pages.response(.home, model, title: "Workspace", session: context.session)
    }

    private func matrix(_ request: Request, _ context: PIMRequestContext) -> Response {
        let view = MatrixView(.standard)
        var model = PageModels.Matrix(
            categories: zip(view.categories, view.categoryNames).map { PageModels.CategoryLink(id: $0.rawValue, name: $1) },
            rows: view.elements.map { element in
                PageModels.MatrixRow(title: element.title, cells: view.categories.map { c in
                    PageModels.MatrixCell(entries: view.cell(c, element)?.entries.map(\.text) ?? [])
                })
            })
        // ?q=words: which categories produce, share or describe that data (the framework's token search).
        if let q = Form(query: request.uri.query)["q"]?.trimmingCharacters(in: .whitespacesAndNewlines), !q.isEmpty {
            let results = PIMFramework.standard.search(String(q.prefix(200)))
            model.query = String(q.prefix(200))
            model.searched = true
            model.hits = results.hits.map { h in
                PageModels.SearchHit(id: h.category.rawValue, name: h.name, produces: h.produces, shares: h.shares,
                                     matches: h.matches.prefix(6).map { PageModels.SearchLine(element: $0.element.title, section: $0.section.description, text: $0.text) })
            }
        }
        return pages.response(.matrix, model, title: "PIM Matrix", session: context.session)
    }

    private func category(_ c: PIMCategory, _ context: PIMRequestContext) -> Response {
        let model = PageModels.Category(
            name: c.name, definition: c.definition.text, status: c.status.rawValue, statusSection: c.statusSection.description,
            explanation: c.explanation.map(\.text),
            elements: MatrixElement.allCases.filter { $0 != .definitionAndPurpose }.map {
                PageModels.Element(title: $0.title, entries: c.entries(for: $0).map(\.text))
            },
            shares: c.shares.map { PageModels.Share(id: $0.id, what: $0.what, level: $0.level.rawValue) })
        return pages.response(.category, model, title: c.name, session: context.session)
    }

    private func dataset(_ request: Request, _ context: PIMRequestContext) async throws -> Response {
        let viewer = try await Viewer.of(context, store: store)
        let role = viewer.role
        let entry = try await catalog.entry(named: context.parameters.require("name"), viewer: viewer)
        // Partner viewers' shareable outputs honour the largest minimum cell of their agreements.
        let minCell = max(5, DatasetAccess.minimumCell(for: viewer, dataset: entry.dataset, at: catalog.now()))
        let q = Form(query: request.uri.query)
        let isInternal = try APIController.internalView(q["view"], role: role)
        let d = entry.dataset
        let categoryID = PIMCategory.ID(rawValue: d.category)
        var model = PageModels.DatasetPage(
            name: d.name, purpose: d.purpose, sensitivity: d.sensitivity.rawValue, createdAt: PageModels.format(d.createdAt),
            categoryID: d.category, categoryName: categoryID.map { PIMFramework.standard.category($0).name } ?? d.category,
            fields: d.schema.fields.map {
                PageModels.FieldRow(name: $0.name, label: $0.label ?? "", type: $0.type.rawValue, role: $0.role.rawValue,
                                    hxl: $0.hxl ?? "", required: $0.required ? "yes" : "no")
            },
            versions: entry.versions.reversed().map { v in
                let p = v.provenance
                return PageModels.VersionRow(
                    number: v.number, rows: v.rowCount, stored: PageModels.format(v.createdAt), source: p.sourceOrganization ?? "—",
                    system: p.sourceSystem ?? "—", method: p.method ?? "—",
                    period: [p.periodStart, p.periodEnd].compactMap { $0 }.joined(separator: " – "), area: p.area ?? "—",
                    file: p.fileName, sha: String(p.sha256.prefix(12)))
            },
            outputTitle: isInternal ? "Category output (internal)" : "Category output (shareable)", outputNotes: [],
            outputError: nil, chart: nil, sections: [], pager: nil,
            canSeeInternal: Permission.analyseMicrodata.allows(role), otherView: isInternal ? "shareable" : "internal",
            otherViewLabel: isInternal ? "Show the shareable output" : "Show the internal output (small cells visible)")
        // Validation results per version: the rows each import left out (counted in its audit event, by file SHA-256).
        var rejected: [String: String] = [:]
        for e in try await store.auditEvents(AuditFilter(action: .datasetImported, datasetID: d.id.rawValue)) {
            if let sha = e.draft.details["sha256"], let n = e.draft.details["rejected_rows"] { rejected[String(sha.prefix(12))] = n }
        }
        for i in model.versions.indices { model.versions[i].rejected = rejected[model.versions[i].sha] ?? "—" }
        model.riskLink = Permission.analyseMicrodata.allows(role)
        if entry.latest != nil {
            do {
                let report = try await catalog.output(entry, shareable: !isInternal, minCell: minCell)
                // A partner organisation's user seeing the output on this page is a disclosure, as through the API.
                try await APIController.auditPartnerView(
                    viewer, entry: entry, store: store, at: catalog.now(),
                    details: ["kind": "category-output", "min_cell": String(minCell), "via": "web"])
                model.outputNotes = report.notes
                let shareable = isInternal ? try await catalog.output(entry, shareable: true, minCell: minCell) : report
                if let categoryID {
                    model.extraCharts = DataChart.charts(shareable, category: categoryID).map {
                        PageModels.ExtraChart(svg: $0.svg, caption: $0.caption, header: $0.header, rows: $0.rows.map { PageModels.Row(cells: $0.cells) })
                    }
                }
                if let categoryID, let chart = BarChart.countsByArea(shareable, category: categoryID) {
                    model.chart = PageModels.Chart(svg: chart.svg(), caption: chart.caption, unit: chart.unit,
                                                   bars: chart.bars.map { PageModels.ChartBar(label: $0.label, valueText: $0.valueText) })
                }
                let page = Int(q["page"] ?? "1") ?? 1
                let size = configuration.pageSize
                let pages = report.sections.map { PageModels.slice(count: $0.rows.count, page: page, size: size).pages }.max() ?? 1
                let current = min(max(1, page), pages)
                model.sections = report.sections.map { s in
                    let sl = PageModels.slice(count: s.rows.count, page: current, size: size)
                    let rows = current <= sl.pages ? Array(s.rows[sl.range]) : []
                    return PageModels.Section(
                        title: s.title, columns: s.columns, rows: rows.map { PageModels.Row(cells: $0.map(\.description)) },
                        notes: s.notes, first: rows.isEmpty ? 0 : sl.range.lowerBound + 1,
                        last: rows.isEmpty ? 0 : sl.range.upperBound, total: s.rows.count)
                }
                model.pager = PageModels.Pager(page: current, pages: pages, viewQuery: isInternal ? "&view=internal" : "")
            } catch let e as ServerError {
                model.outputError = e.detail
            }
        } else {
            model.outputError = "No version yet: import a file first."
        }
        return pages.response(.dataset, model, title: d.name, session: context.session)
    }

    private func audit(_ request: Request, _ context: PIMRequestContext) async throws -> Response {
        let status = try await store.verifyAuditChain()
        let search = AuditSearch(request)
        var filterError: String?
        var events: [AuditEvent] = []
        do { events = try await search.events(in: store).reversed() } catch let e as ServerError {
            filterError = e.detail
        }
        let page = Int(Form(query: request.uri.query)["page"] ?? "1") ?? 1
        let sl = PageModels.slice(count: events.count, page: page, size: configuration.pageSize)
        let intact = if case .intact = status { true } else { false }
        let names = Dictionary(try await store.users().map { ($0.id.rawValue, $0.userName) }, uniquingKeysWith: { a, _ in a })
        let head = try await AuditAnchor.head(in: store, status: status).map { "\($0.sequence):\($0.hash)" }
        let model = PageModels.Audit(
            chainStatus: status.description, chainClass: intact ? "ok" : "alert", head: head,
            events: events[sl.range].map { e in
                PageModels.AuditRow(
                    sequence: e.sequence, at: PageModels.format(e.draft.at), actor: names[e.draft.actor] ?? e.draft.actor,
                    actorID: e.draft.actor, action: e.draft.action.rawValue, dataset: e.draft.datasetID ?? "",
                    datasetShort: String((e.draft.datasetID ?? "").prefix(8)), records: e.draft.recordCount.map(String.init) ?? "",
                    details: e.draft.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "),
                    hash: String(e.hash.prefix(12)))
            },
            first: sl.range.isEmpty ? 0 : sl.range.lowerBound + 1, last: sl.range.upperBound, total: events.count,
            pager: PageModels.Pager(page: sl.page, pages: sl.pages, viewQuery: search.queryString),
            filter: .init(search), filterError: filterError, filtered: !search.isEmpty)
        return pages.response(.audit, model, title: "Audit log", session: context.session,
                              status: filterError == nil ? .ok : .badRequest)
    }
}
