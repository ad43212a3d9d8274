import Foundation
import HTTPTypes
import Hummingbird
import PIMCore
import PIMStorage

/// The audit log's filters as query parameters (`actor`, `action`, `dataset`, `from`, `to`), shared by the
/// audit page and `GET /api/v1/audit`, resolved through PIMStorage's ``AuditQuery`` like `pim audit list`.
struct AuditSearch: Sendable, Hashable {
    var actor = ""
    var action = ""
    var dataset = ""
    var from = ""
    var to = ""

    static let names = ["actor", "action", "dataset", "from", "to"]

    init(_ q: Request) {
        let p = Form(query: q.uri.query)
        actor = p["actor"]?.trimmingCharacters(in: .whitespaces) ?? ""
        action = p["action"] ?? ""
        dataset = p["dataset"]?.trimmingCharacters(in: .whitespaces) ?? ""
        from = p["from"] ?? ""
        to = p["to"] ?? ""
    }

    var isEmpty: Bool { [actor, action, dataset, from, to].allSatisfy(\.isEmpty) }

    /// `&actor=…&from=…` for paging links (only the filters in use).
    var queryString: String {
        zip(Self.names, [actor, action, dataset, from, to]).filter { !$0.1.isEmpty }.map { name, value in
            "&\(name)=" + (value.addingPercentEncoding(withAllowedCharacters: SharingDesk.unreserved) ?? "")
        }.joined()
    }

    /// The matching events, in sequence order.
    /// - Throws: ``ServerError/badRequest(_:)`` naming the filter at fault.
    func events(in store: any Store) async throws -> [AuditEvent] {
        var action: AuditAction?
        if !self.action.isEmpty {
            guard let a = AuditAction(rawValue: self.action) else {
                throw ServerError.badRequest("action must be one of \(AuditAction.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            action = a
        }
        let query = AuditQuery(actor: actor.isEmpty ? nil : actor, action: action, dataset: dataset.isEmpty ? nil : dataset,
                               from: from.isEmpty ? nil : from, to: to.isEmpty ? nil : to)
        do { return try await query.events(in: store) } catch let p as AuditQuery.Problem {
            throw ServerError.badRequest(p.description)
        }
    }
}
