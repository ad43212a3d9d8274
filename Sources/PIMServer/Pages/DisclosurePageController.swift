import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore
import PIMDisclosure
import PIMStorage
import PIMTable

/// The risk page and the anonymisation preview of a dataset's latest version, with the same domain code as
/// `pim risk` and `pim anonymize` (``RiskAnalysis``, ``DisclosurePipeline``, ``RecodeSpec``). Nothing is stored;
/// the optional CSV download of the anonymised rows is audited as an export.
struct DisclosurePageController: Sendable {
    let store: any Store
    let catalog: DatasetCatalog
    let pages: PageRenderer

    func register(on registry: inout RouteRegistry) {
        registry.register(.datasetRisk) { request, context, _ in try await risk(request, context) }
        registry.register(.datasetAnonymize) { request, context, _ in try await anonymize(request, context) }
        registry.register(.datasetAnonymizeDownload) { _, context, form in try await download(context, form) }
    }

    private func role(_ context: PIMRequestContext) throws(ServerError) -> Role {
        guard let r = context.user?.role else { throw .unauthenticated }
        return r
    }

    /// Values of a repeated parameter, each possibly comma-separated.
    static func names(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    // MARK: Risk

    private func risk(_ request: Request, _ context: PIMRequestContext) async throws -> Response {
        let entry = try await catalog.entry(named: context.parameters.require("name"), role: role(context))
        guard let version = entry.latest else {
            throw ServerError.unprocessable("The dataset has no version yet; import a file first.")
        }
        let q = Form(query: request.uri.query)
        let schema = version.schema
        let defaults = SchemaDisclosure(schema: schema)
        let submitted = q["submitted"] != nil || q["keys"] != nil
        let keys = submitted ? Self.names(q.values("keys")) : defaults.keys
        let sensitive = submitted ? Self.names(q.values("sensitive")) : defaults.sensitive
        var model = PageModels.RiskPage(
            name: entry.dataset.name, version: version.number,
            keyBoxes: Self.boxes(schema, checked: keys) { $0.role != .directIdentifier },
            sensitiveBoxes: Self.boxes(schema, checked: sensitive) { $0.role != .directIdentifier },
            error: nil, report: nil, anonymizeLink: "/datasets/\(entry.dataset.name)/anonymize")
        if let bad = (keys + sensitive).first(where: { schema.field(named: $0) == nil }) {
            model.error = "There is no column \"\(bad)\" in \(entry.dataset.name)."
        } else if keys.isEmpty {
            model.error = "Choose at least one key variable: the schema marks no quasi-identifier."
        } else {
            do {
                let spec = defaults.riskSpec(keys: keys, sensitive: sensitive)
                // Only the measured columns are read, not the whole version.
                let table = try await store.table(of: version, columns: spec.keys + spec.sensitive + [spec.weight, spec.household].compactMap { $0 })
                let report = try RiskAnalysis.analyze(table, spec: spec)
                model.report = Self.view(report)
            } catch {
                model.error = String(describing: error)
            }
        }
        return pages.response(.risk, model, title: "Risk of \(entry.dataset.name)", session: context.session,
                              status: model.error == nil ? .ok : .unprocessableContent)
    }

    static func boxes(_ schema: Schema, checked: [String], _ include: (Field) -> Bool) -> [PageModels.Checkbox] {
        schema.fields.filter(include).enumerated().map { i, f in
            PageModels.Checkbox(name: f.name, index: i, checked: checked.contains(f.name), role: f.role.rawValue)
        }
    }

    static func fraction(_ d: Double, digits: Int = 4) -> String { String(format: "%.\(digits)f", d) }

    static func view(_ r: RiskReport) -> PageModels.RiskView {
        let ind = r.individualRisk
        return PageModels.RiskView(
            recordCount: r.recordCount, keys: r.keys.joined(separator: ", "),
            sensitive: r.sensitive.isEmpty ? "none" : r.sensitive.joined(separator: ", "),
            classCount: r.classCount, smallestClass: r.smallestClassSize, minimumFk: r.minimumFk, hasMissingKeys: r.hasMissingKeys,
            kRows: r.kAnonymity.map {
                PageModels.KRow(k: $0.k, records: $0.violatingRecords, classes: $0.violatingClasses, share: String(format: "%.1f%%", $0.share * 100))
            },
            sizes: r.classSizeHistogram.prefix(20).map { PageModels.SizeRow(size: $0.size, classes: $0.classes) },
            lRows: r.lDiversity.map { l in
                PageModels.LRow(sensitive: l.sensitive, distinct: l.minimumDistinctL, entropy: fraction(l.minimumEntropyL, digits: 2),
                                recursive: l.minimumRecursiveL,
                                below: l.below.map { "l=\($0.l): \($0.distinctClasses) classes, \($0.distinctRecords) records" }.joined(separator: "; "))
            },
            hasL: !r.lDiversity.isEmpty,
            individual: [
                PageModels.Pair(label: "Method", value: ind.method),
                PageModels.Pair(label: "Global risk (mean individual risk)", value: fraction(ind.globalRisk)),
                PageModels.Pair(label: "Expected re-identifications", value: fraction(ind.expectedReidentifications, digits: 1)),
                PageModels.Pair(label: "Highest individual risk", value: fraction(ind.maximumRisk)),
                PageModels.Pair(label: "Median individual risk", value: fraction(ind.medianRisk)),
                PageModels.Pair(label: "Records at high risk (\(ind.highRiskRule))", value: String(ind.highRiskRecords)),
            ],
            household: r.householdRisk.map { h in
                [PageModels.Pair(label: "Households", value: String(h.households)),
                 PageModels.Pair(label: "Expected re-identifications", value: fraction(h.expectedReidentifications, digits: 1)),
                 PageModels.Pair(label: "Global household risk", value: fraction(h.globalRisk)),
                 PageModels.Pair(label: "Highest household risk", value: fraction(h.maximumRisk))]
            } ?? [],
            hasHousehold: r.householdRisk != nil, combinationK: r.combinationK, keyNames: r.keys,
            combinations: r.riskiestCombinations.map { PageModels.ComboRow(values: $0.values.map { $0 ?? "(missing)" }, records: $0.records, fk: $0.fk) })
    }

    // MARK: Anonymisation

    /// The anonymisation choices, from the preview's query or the download form.
    struct Choices {
        var keys: [String]?
        var k: Int
        var l: Int?
        var recode: String
        var generalize: String
        var drop: String?
        var pseudonymize: String

        init(get: (String) -> String?, keys: [String]?) throws(ServerError) {
            self.keys = keys
            k = try Self.integer(get("k"), name: "k") ?? 5
            l = try Self.integer(get("l"), name: "l")
            guard (2...100).contains(k) else { throw .badRequest("k must be between 2 and 100 (k = 1 protects nobody).") }
            if let l, !(2...20).contains(l) { throw .badRequest("l must be between 2 and 20.") }
            recode = get("recode") ?? ""
            generalize = get("generalize") ?? ""
            drop = get("drop")
            pseudonymize = get("pseudonymize") ?? ""
        }

        static func integer(_ text: String?, name: String) throws(ServerError) -> Int? {
            guard let t = text?.trimmingCharacters(in: .whitespaces), !t.isEmpty else { return nil }
            guard let n = Int(t) else { throw .badRequest("\(name) must be a whole number.") }
            return n
        }

        /// The hidden fields that repeat these choices in the download form.
        var fields: [PageModels.Pair] {
            var out = [PageModels.Pair(label: "k", value: String(k))]
            if let keys { out.append(PageModels.Pair(label: "keys", value: keys.joined(separator: ","))) }
            if let l { out.append(PageModels.Pair(label: "l", value: String(l))) }
            out.append(PageModels.Pair(label: "recode", value: recode))
            out.append(PageModels.Pair(label: "generalize", value: generalize))
            if let drop { out.append(PageModels.Pair(label: "drop", value: drop)) }
            out.append(PageModels.Pair(label: "pseudonymize", value: pseudonymize))
            return out
        }
    }

    static func split(_ text: String, by separator: Character) -> [String] {
        text.split(separator: separator).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Runs ``DisclosurePipeline`` on the table with the choices; throws a readable message on bad choices.
    func run(_ c: Choices, table: Table, schema: Schema) async throws -> (DisclosurePipeline.Outcome, AnonymizationPlan) {
        let defaults = SchemaDisclosure(schema: schema)
        let pseudo = Self.split(c.pseudonymize, by: ",")
        // The dataset's direct identifiers always go (or are pseudonymised): the drop field adds to them.
        var drop = (c.drop.map { Self.split($0, by: ",") } ?? defaults.directIdentifiers).filter { !pseudo.contains($0) }
        drop += defaults.identifiersLeft(dropping: drop, pseudonymizing: pseudo, in: table)
        let given = c.keys ?? defaults.keys
        guard !given.isEmpty else { throw ServerError.unprocessable("Choose at least one key variable: the schema marks no quasi-identifier.") }
        for name in drop + pseudo + given where table[name] == nil {
            throw ServerError.unprocessable("There is no column \"\(name)\"; the columns are: \(table.columnNames.joined(separator: ", ")).")
        }
        // A coarser admin level released beside an admin key names the area of its blanks: a key too (as in pim anonymize).
        let keys = given + AdminNesting.coarserAdminColumns(of: given, in: table, schema: schema, removed: drop + pseudo)
        var recodes: [Recode]
        do {
            recodes = try Self.split(c.recode, by: ";").map { try RecodeSpec.parse($0, table: table) }
            recodes += try Self.split(c.generalize, by: ";").map { try RecodeSpec.parseGeneralization($0, table: table, gazetteer: nil) }
        } catch {
            throw ServerError.unprocessable(String(describing: error))
        }
        let pseudonymizer: (any Pseudonymizer)? = pseudo.isEmpty ? nil
            : HMACPseudonymizer(key: try await store.secret(named: HMACPseudonymizer.secretName) { HMACPseudonymizer.newKey() }, domain: HMACPseudonymizer.files)
        let plan = AnonymizationPlan(drop: drop, pseudonymize: pseudo, pseudonymizer: pseudonymizer, recodes: recodes,
                                     keys: keys, k: c.k, importance: keys)
        let spec = defaults.riskSpec(keys: keys)
        do {
            return (try DisclosurePipeline.anonymize(table, plan: plan, riskSpec: spec, l: c.l, lSensitive: defaults.sensitive,
                                                     schema: schema), plan)
        } catch {
            throw ServerError.unprocessable(String(describing: error))
        }
    }

    private func anonymize(_ request: Request, _ context: PIMRequestContext) async throws -> Response {
        let entry = try await catalog.entry(named: context.parameters.require("name"), role: role(context))
        let (version, table) = try await catalog.latestTable(entry)
        let q = Form(query: request.uri.query)
        let submitted = q["submitted"] != nil
        let defaults = SchemaDisclosure(schema: version.schema)
        // Before the first submission, the protective default plan's recodings (ages in bands) are proposed.
        let proposedRecodes = defaults.defaultPlan(k: 5, pseudonymizer: nil).recodes.compactMap { r -> String? in
            if case .ageBands(let c, _) = r { return "\(c)=bands" }
            return nil
        }.joined(separator: "; ")
        let choices = try Choices(get: { name in name == "recode" && !submitted ? proposedRecodes : q[name] },
                                  keys: submitted ? Self.names(q.values("keys")) : nil)
        let keys = choices.keys ?? defaults.keys
        var model = PageModels.AnonymizePage(
            name: entry.dataset.name, version: version.number, csrfToken: context.session?.csrfToken ?? "", k: choices.k,
            l: choices.l.map(String.init) ?? "", recode: choices.recode, generalize: choices.generalize,
            drop: choices.drop ?? defaults.directIdentifiers.joined(separator: ","), pseudonymize: choices.pseudonymize,
            keyBoxes: Self.boxes(version.schema, checked: keys) { $0.role != .directIdentifier },
            columns: table.columnNames.joined(separator: ", "), error: nil, hasPreview: false, comparison: [], loss: [],
            dropped: "", pseudonymized: "", recodes: [], rowsAfter: 0, query: choices.fields)
        do {
            let (outcome, plan) = try await run(choices, table: table, schema: version.schema)
            let b = outcome.before, a = outcome.after
            let kb = b.kAnonymity.first { $0.k == choices.k }?.violatingRecords, ka = a.kAnonymity.first { $0.k == choices.k }?.violatingRecords
            model.hasPreview = true
            model.comparison = [
                PageModels.CompareRow(label: "Records", before: String(b.recordCount), after: String(a.recordCount)),
                PageModels.CompareRow(label: "Records in classes smaller than \(choices.k)", before: kb.map(String.init) ?? "—", after: ka.map(String.init) ?? "—"),
                PageModels.CompareRow(label: "Equivalence classes", before: String(b.classCount), after: String(a.classCount)),
                PageModels.CompareRow(label: "Smallest fk", before: String(b.minimumFk), after: String(a.minimumFk)),
                PageModels.CompareRow(label: "Expected re-identifications", before: Self.fraction(b.individualRisk.expectedReidentifications, digits: 1),
                                      after: Self.fraction(a.individualRisk.expectedReidentifications, digits: 1)),
                PageModels.CompareRow(label: "Global risk", before: Self.fraction(b.individualRisk.globalRisk), after: Self.fraction(a.individualRisk.globalRisk)),
                PageModels.CompareRow(label: "Records removed for l-diversity", before: "0", after: String(outcome.recordsRemovedForL)),
            ]
            model.loss = outcome.loss.variables.map {
                PageModels.LossRow(name: $0.name, changed: $0.changed, suppressed: $0.suppressed, before: $0.categoriesBefore,
                                   after: $0.categoriesAfter, share: String(format: "%.1f%%", $0.shareSuppressed * 100))
            }
            model.dropped = plan.drop.isEmpty ? "none" : plan.drop.joined(separator: ", ")
            model.pseudonymized = plan.pseudonymize.isEmpty ? "none" : plan.pseudonymize.joined(separator: ", ")
            model.recodes = plan.recodes.map(\.summary)
            model.rowsAfter = outcome.table.rowCount
        } catch let e as ServerError {
            model.error = e.detail
        }
        return pages.response(.anonymize, model, title: "Anonymisation preview of \(entry.dataset.name)", session: context.session,
                              status: model.error == nil ? .ok : .unprocessableContent)
    }

    /// A recoding in words (no values beyond category labels and area codes counts).
    private func download(_ context: PIMRequestContext, _ form: Form) async throws -> Response {
        guard let user = context.user else { throw ServerError.unauthenticated }
        let entry = try await catalog.entry(named: context.parameters.require("name"), role: user.role)
        let (version, table) = try await catalog.latestTable(entry)
        let choices = try Choices(get: { form[$0] }, keys: form["keys"].map { Self.names([$0]) })
        let (outcome, _) = try await run(choices, table: table, schema: version.schema)
        // Rows in a random order, as `pim anonymize` writes them: the source order would link them back.
        var order = SeededGenerator(seed: UInt64.random(in: .min ... .max))
        let released = outcome.table.selectingRows(Array(0..<outcome.table.rowCount).shuffled(using: &order))
        let bytes = CSVWriter.bytes(released, hxl: released.columns.contains { $0.tag != nil })
        try await store.append(AuditDraft(
            at: Date(), actor: user.id.rawValue, action: .datasetExported, datasetID: entry.dataset.id.rawValue,
            recordCount: outcome.table.rowCount,
            details: ["version": String(version.number), "format": "csv", "anonymised": "k=\(choices.k)"]))
        let fileName = "\(entry.dataset.name)-v\(version.number)-k\(choices.k).csv"
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"\(fileName)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
