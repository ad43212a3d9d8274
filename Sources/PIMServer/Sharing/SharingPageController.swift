import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore
import PIMStorage

/// The agreements and shares pages. Forms post back to the same paths; a created object answers with a
/// 303 to its own page, a form with problems is shown again (422) with what was typed and the reasons.
struct SharingPageController: Sendable {
    let store: any Store
    let desk: SharingDesk
    let pages: PageRenderer

    func register(on registry: inout RouteRegistry) {
        registry.register(.agreementsPage) { _, context, _ in
            let viewer = try await Viewer.of(context, store: store)
            let names = try await userNames(for: viewer)
            let rows = try await desk.agreements(viewer).map { SharingPageModels.AgreementRow($0, at: desk.now(), names: names) }
            let model = SharingPageModels.Agreements(canManage: Permission.manageSharing.allows(viewer.role), hasAgreements: !rows.isEmpty,
                                                     agreements: rows)
            return pages.response(.agreements, model, title: "Agreements", session: context.session)
        }
        registry.register(.agreementForm) { _, context, _ in
            var input = AgreementInput()
            input.validFrom = SharingPageModels.AgreementRow.day(desk.now())
            return try await agreementForm(input, errors: [], context)
        }
        registry.register(.agreementCreate) { _, context, form in
            let viewer = try await Viewer.of(context, store: store)
            let input = AgreementInput(form: form)
            switch try await desk.create(input, viewer) {
            case .failure(let p): return try await agreementForm(input, errors: p.messages, context, status: .unprocessableContent)
            case .success(let a): return Self.redirect(Route.agreementPage.path(["id": SharingDesk.encoded(a.id)]))
            }
        }
        registry.register(.agreementPage) { _, context, _ in
            try await agreementPage(SharingDesk.id(context), errors: [], context)
        }
        registry.register(.agreementStatus) { _, context, form in
            let viewer = try await Viewer.of(context, store: store)
            let id = try SharingDesk.id(context)
            switch try await desk.transition(id, to: form["status"] ?? "", viewer) {
            case .failure(let p): return try await agreementPage(id, errors: p.messages, context, status: .unprocessableContent)
            case .success: return Self.redirect(Route.agreementPage.path(["id": SharingDesk.encoded(id)]))
            }
        }
        registry.register(.sharesPage) { _, context, _ in
            let viewer = try await Viewer.of(context, store: store)
            let rows = try await desk.shares(viewer).map(SharingPageModels.ShareRow.init)
            let model = SharingPageModels.Shares(canManage: Permission.manageSharing.allows(viewer.role), hasShares: !rows.isEmpty,
                                                 shares: rows)
            return pages.response(.shares, model, title: "Shares", session: context.session)
        }
        registry.register(.shareForm) { request, context, _ in
            var r = SharingDesk.Request()
            r.agreement = Form(query: request.uri.query)["agreement"] ?? ""
            return try await shareForm(r, errors: [], context)
        }
        registry.register(.shareCreate) { _, context, form in
            let viewer = try await Viewer.of(context, store: store)
            let r = SharingDesk.Request(form: form)
            switch try await desk.request(r, viewer) {
            case .failure(let p): return try await shareForm(r, errors: p.messages, context, status: .unprocessableContent)
            case .success(let item): return Self.redirect(Route.sharePage.path(["id": SharingDesk.encoded(item.id)]))
            }
        }
        registry.register(.sharePage) { _, context, _ in
            let viewer = try await Viewer.of(context, store: store)
            let item = try await desk.share(SharingDesk.id(context), viewer)
            let names = try await userNames(for: viewer)
            let key = try await store.secret(named: PackageKeys.signingSecretName, orCreate: PackageKeys.newSigningKey)
            let pem = (try? PackageKeys.publicKeyPEM(signingKey: key))
                ?? "(The workspace's signing key could not be read: run `pim key export` on the server to see why.)"
            return pages.response(.share, sharePage(item, viewer: viewer, names: names, publicKeyPEM: pem), title: "Share \(item.id)",
                                  session: context.session)
        }
        registry.register(.consentForm) { _, context, _ in
            try await consentPage(try context.parameters.require("name"), errors: [], result: nil, context)
        }
        registry.register(.consentRecord) { _, context, form in
            let viewer = try await Viewer.of(context, store: store)
            let name = try context.parameters.require("name")
            let records = (form["records"] ?? "").split(whereSeparator: { $0.isNewline || $0 == "," }).map(String.init)
            do {
                let (_, o) = try await desk.consent(dataset: name, purpose: form["purpose"], decision: form["decision"], records: records,
                                                    at: form["at"], viewer)
                let verb = form["decision"] == "granted" ? "Recorded consent" : "Recorded the withdrawal"
                var result = "\(verb) for \(form["purpose"] ?? "") of \(o.applied) records."
                if o.superseded > 0 { result += " \(o.superseded) decisions were not applied: a later decision is stored for those records." }
                if o.unknown > 0 { result += " \(o.unknown) record ids match no record of the latest version; check them." }
                return try await consentPage(name, errors: [], result: result, context)
            } catch ServerError.invalid(let why) {
                return try await consentPage(name, errors: [why], result: nil, context, status: .unprocessableContent)
            }
        }
        registry.register(.shareDownload) { request, context, _ in
            let viewer = try await Viewer.of(context, store: store)
            // A HEAD request receives no bytes: the same checks and headers, but no disclosure to audit.
            let (record, data) = try await desk.download(SharingDesk.id(context), viewer, auditing: request.method != .head)
            return SharingDesk.fileResponse(record, data)
        }
    }

    static func redirect(_ path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }

    /// How actors are named on sharing pages: staff see user names; partner viewers see only the actor's
    /// organisation, never internal staff user names.
    private func userNames(for viewer: Viewer) async throws -> [String: String] {
        let users = try await store.users()
        guard viewer.role == .partnerViewer else {
            return Dictionary(users.map { ($0.id.rawValue, $0.userName) }, uniquingKeysWith: { a, _ in a })
        }
        let orgs = Dictionary(try await store.organizations().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        return Dictionary(users.map { u in (u.id.rawValue, u.organizationID.flatMap { orgs[$0] } ?? "workspace staff") },
                          uniquingKeysWith: { a, _ in a })
    }

    private func agreementForm(_ input: AgreementInput, errors: [String], _ context: PIMRequestContext,
                               status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = SharingPageModels.AgreementForm(
            csrfToken: context.session?.csrfToken ?? "", input: input, errors: errors,
            organizations: try await store.organizations().map(\.acronym).sorted(), datasets: try await store.datasets().map(\.name).sorted())
        return pages.response(.agreementForm, model, title: "New agreement", session: context.session, status: status)
    }

    private func agreementPage(_ id: String, errors: [String], _ context: PIMRequestContext,
                               status: HTTPResponse.Status = .ok) async throws -> Response {
        let viewer = try await Viewer.of(context, store: store)
        let a = try await desk.agreement(id, viewer)
        let names = try await userNames(for: viewer)
        let shares = try await desk.shares(viewer, agreement: id).map(SharingPageModels.ShareRow.init)
        let successors = a.status.successors.map(\.rawValue).sorted()
        let model = SharingPageModels.AgreementPage(
            csrfToken: context.session?.csrfToken ?? "", a: .init(a, at: desk.now(), names: names), hasErrors: !errors.isEmpty,
            errors: errors, hasHistory: !a.history.isEmpty,
            history: a.history.map { .init(at: PageModels.format($0.at), from: $0.from.rawValue, to: $0.to.rawValue, by: names[$0.by] ?? $0.by) },
            canChange: Permission.manageSharing.allows(viewer.role) && !successors.isEmpty, successors: successors,
            hasShares: !shares.isEmpty, shares: shares)
        return pages.response(.agreement, model, title: "Agreement \(a.id)", session: context.session, status: status)
    }

    /// The share form. Agreements in force come first, and the datasets the first agreement covers come
    /// first, so that the first options make a valid request.
    private func consentPage(_ name: String, errors: [String], result: String?, _ context: PIMRequestContext,
                             status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let dataset = try await store.dataset(named: name) else { throw ServerError.notFound }
        let field = ConsentFilter.recordIDField(in: dataset.schema)
        let model = SharingPageModels.ConsentPage(
            name: dataset.name, idField: field.map { "field \($0)" } ?? "this dataset has no record id field: consent cannot be matched",
            csrfToken: context.session?.csrfToken ?? "", purposes: ConsentPurpose.allCases.map(\.rawValue),
            hasErrors: !errors.isEmpty, errors: errors, hasResult: result != nil, result: result ?? "")
        return pages.response(.consent, model, title: "Consent for \(dataset.name)", session: context.session, status: status)
    }

    private func shareForm(_ r: SharingDesk.Request, errors: [String], _ context: PIMRequestContext,
                           status: HTTPResponse.Status = .ok) async throws -> Response {
        let viewer = try await Viewer.of(context, store: store)
        let now = desk.now()
        let agreements = try await desk.agreements(viewer).sorted { a, b in
            let (x, y) = (a.status(at: now) == .active, b.status(at: now) == .active)
            return x != y ? x : a.id < b.id
        }
        let chosen = agreements.first { $0.id == r.agreement } ?? agreements.first
        let datasets = try await store.datasets().sorted { a, b in
            let (x, y) = (chosen?.covers(a) == true, chosen?.covers(b) == true)
            return x != y ? x : a.name < b.name
        }
        let parties = Set(agreements.flatMap(\.parties)).sorted()
        let model = SharingPageModels.ShareForm(
            csrfToken: context.session?.csrfToken ?? "", hasErrors: !errors.isEmpty, errors: errors, hasAgreements: !agreements.isEmpty,
            agreements: agreements.map {
                .init(value: $0.id, label: "\($0.id) — \($0.status(at: now).rawValue), \($0.level.rawValue), \($0.parties.joined(separator: ", "))",
                      selected: $0.id == chosen?.id)
            },
            datasets: datasets.map { .init(value: $0.name, label: "\($0.name) (\($0.category), \($0.sensitivity.rawValue))", selected: $0.name == r.dataset) },
            recipients: parties.map { .init(value: $0, label: $0, selected: $0 == r.recipient) },
            levels: DetailLevel.allCases.map { .init(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == r.level) },
            dimensions: r.dimensions)
        return pages.response(.shareForm, model, title: "Request a share", session: context.session, status: status)
    }

    private func sharePage(_ item: SharingDesk.Item, viewer: Viewer, names: [String: String],
                           publicKeyPEM: String) -> SharingPageModels.SharePage {
        let c = item.common
        switch item {
        case .shared(let r):
            let canDownload = SharingAccess.canDownload(r, viewer: viewer, at: desk.now())
            return .init(
                id: c.id, agreement: c.agreement, dataset: c.dataset, recipient: c.recipient, level: c.level.rawValue,
                created: PageModels.format(c.created), actor: names[c.actor] ?? c.actor, refusal: nil,
                package: .init(
                    records: r.records, recordsShared: r.recordsShared.map(String.init) ?? "—", leftOut: r.leftOutForConsent, bytes: r.bytes.map(String.init) ?? "—", sha256: r.sha256,
                    fingerprint: r.signerFingerprint ?? "—", downloadable: r.storedPackage == true && canDownload,
                    noDownloadReason: r.storedPackage == true
                        ? "Your role may not download packages; they may hold microdata."
                        : "This package was written to a file by `pim share`; pim keeps no copy to download.",
                    publicKeyPEM: publicKeyPEM))
        case .refused(let r):
            return .init(
                id: c.id, agreement: c.agreement, dataset: c.dataset, recipient: c.recipient, level: c.level.rawValue,
                created: PageModels.format(c.created), actor: names[c.actor] ?? c.actor, refusal: .init(reason: r.reason, code: r.code),
                package: nil)
        }
    }
}
