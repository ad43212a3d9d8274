import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore
import PIMStorage

/// The sharing part of the JSON API: agreements and shares. POST bodies are JSON (or a URL-encoded form
/// with the page's field names); the CSRF token goes in the `X-CSRF-Token` header.
struct SharingAPIController: Sendable {
    let store: any Store
    let desk: SharingDesk

    func register(on registry: inout RouteRegistry) {
        registry.register(.apiAgreements) { _, context, _ in
            let viewer = try await Viewer.of(context, store: store)
            let now = desk.now()
            return JSON.response(AgreementListDTO(agreements: try await desk.agreements(viewer).map { AgreementDTO($0, at: now) }))
        }
        registry.register(.apiAgreement) { _, context, _ in
            let viewer = try await Viewer.of(context, store: store)
            return JSON.response(AgreementDTO(try await desk.agreement(SharingDesk.id(context), viewer), at: desk.now()))
        }
        registry.register(.apiAgreementCreate) { request, context, form in
            let viewer = try await Viewer.of(context, store: store)
            let input = Self.isJSON(request)
                ? AgreementInput(json: try Self.decode(AgreementInput.JSONBody.self, form.raw)) : AgreementInput(form: form)
            switch try await desk.create(input, viewer) {
            case .failure(let p): throw ServerError.invalid(p.messages.joined(separator: " "))
            case .success(let a):
                var r = JSON.response(AgreementDTO(a, at: desk.now()), status: .created)
                r.headers[.location] = Route.apiAgreement.path(["id": SharingDesk.encoded(a.id)])
                return r
            }
        }
        registry.register(.apiAgreementStatus) { request, context, form in
            let viewer = try await Viewer.of(context, store: store)
            let status = Self.isJSON(request) ? try Self.decode(StatusBody.self, form.raw).status : form["status"]
            switch try await desk.transition(SharingDesk.id(context), to: status ?? "", viewer) {
            case .failure(let p): throw ServerError.invalid(p.messages.joined(separator: " "))
            case .success(let a): return JSON.response(AgreementDTO(a, at: desk.now()))
            }
        }
        registry.register(.apiShares) { _, context, _ in
            let viewer = try await Viewer.of(context, store: store)
            return JSON.response(ShareListDTO(shares: try await desk.shares(viewer).map {
                ShareDTO($0, viewer: viewer, prefix: Route.apiPrefix, at: desk.now())
            }))
        }
        registry.register(.apiShare) { _, context, _ in
            let viewer = try await Viewer.of(context, store: store)
            return JSON.response(ShareDTO(try await desk.share(SharingDesk.id(context), viewer), viewer: viewer,
                                          prefix: Route.apiPrefix, at: desk.now()))
        }
        registry.register(.apiShareCreate) { request, context, form in
            let viewer = try await Viewer.of(context, store: store)
            let input = Self.isJSON(request)
                ? SharingDesk.Request(json: try Self.decode(SharingDesk.Request.JSONBody.self, form.raw)) : SharingDesk.Request(form: form)
            switch try await desk.request(input, viewer) {
            case .failure(let p): throw ServerError.invalid(p.messages.joined(separator: " "))
            case .success(let item):
                var r = JSON.response(ShareDTO(item, viewer: viewer, prefix: Route.apiPrefix, at: desk.now()), status: .created)
                r.headers[.location] = Route.apiShare.path(["id": SharingDesk.encoded(item.id)])
                return r
            }
        }
        registry.register(.apiDatasetConsent) { _, context, form in
            let viewer = try await Viewer.of(context, store: store)
            let body = try Self.decode(ConsentBody.self, form.raw)
            let decision = body.decision ?? ""
            let (dataset, outcome) = try await desk.consent(dataset: try context.parameters.require("name"), purpose: body.purpose,
                                                            decision: body.decision, records: body.records ?? [], at: body.at, viewer)
            return JSON.response(ConsentOutcomeDTO(dataset: dataset.name, purpose: body.purpose ?? "", decision: decision,
                                                   applied: outcome.applied, superseded: outcome.superseded, unknown: outcome.unknown))
        }
        registry.register(.apiShareDownload) { request, context, _ in
            let viewer = try await Viewer.of(context, store: store)
            // A HEAD request receives no bytes: the same checks and headers, but no disclosure to audit.
            let (record, data) = try await desk.download(SharingDesk.id(context), viewer, auditing: request.method != .head)
            return SharingDesk.fileResponse(record, data)
        }
    }

    struct StatusBody: Decodable { var status: String? }

    /// `POST /api/v1/datasets/{name}/consent`.
    struct ConsentBody: Decodable {
        var purpose: String?
        var decision: String?
        var records: [String]?
        var at: String?
    }

    struct ConsentOutcomeDTO: Encodable {
        var dataset: String
        var purpose: String
        var decision: String
        var applied: Int
        var superseded: Int
        var unknown: Int
    }

    static func isJSON(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws(ServerError) -> T {
        do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
            throw .badRequest("The body is not the expected JSON object; see /api/v1/openapi.json.")
        }
    }
}
