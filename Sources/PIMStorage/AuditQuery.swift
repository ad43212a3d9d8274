import Foundation
import PIMCore

/// An audit search as people type it (user or actor name, action, dataset name, organisation acronym,
/// days or instants), resolved against the store into an ``AuditFilter``. `pim audit list` and the web's
/// audit page and API share it, so the same words find the same events.
public struct AuditQuery: Sendable, Hashable {
    /// A user name (matching events by that user's id or name) or an actor as stored (`cli:amina`).
    public var actor: String?
    public var action: AuditAction?
    /// A dataset name.
    public var dataset: String?
    /// An organisation acronym.
    public var organization: String?
    /// `yyyy-mm-dd` (start of that day, UTC) or an ISO 8601 instant.
    public var from: String?
    /// `yyyy-mm-dd` (the whole day, inclusive) or an ISO 8601 instant.
    public var to: String?
    public var limit: Int?

    public init(actor: String? = nil, action: AuditAction? = nil, dataset: String? = nil, organization: String? = nil,
                from: String? = nil, to: String? = nil, limit: Int? = nil) {
        self.actor = actor
        self.action = action
        self.dataset = dataset
        self.organization = organization
        self.from = from
        self.to = to
        self.limit = limit
    }

    /// Why a query cannot run; each reads as a sentence naming the field.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case badDate(field: String)
        case fromAfterTo
        case unknownDataset(String)
        case unknownOrganization(String)

        public var description: String {
            switch self {
            case .badDate(let f): "\(f) must be a day as yyyy-mm-dd or an ISO 8601 instant."
            case .fromAfterTo: "The period ends before it starts: from is after to."
            case .unknownDataset(let d): "There is no dataset \"\(d)\"."
            case .unknownOrganization(let o): "There is no organisation \"\(o)\"."
            }
        }
    }

    /// `yyyy-mm-dd` at 00:00 UTC.
    public static func day(_ text: String) -> Date? {
        CivilDays.startOfDay(iso: text)
    }

    /// `yyyy-mm-dd` (start of day) or a full ISO 8601 timestamp.
    public static func instant(_ text: String) -> Date? {
        day(text) ?? iso8601(text)
    }

    /// The end of a period given as a day (its last millisecond) or an instant. An instant written to the
    /// second, as `pim audit list` shows them, covers that whole second (its last millisecond): events are
    /// stored to the millisecond, and one listed at 10:00:05 must not fall outside `--to 10:00:05`.
    public static func end(_ text: String) -> Date? {
        if let d = day(text) { return d.addingTimeInterval(86_399.999) }
        if let d = ISO8601DateFormatter().date(from: text) { return d.addingTimeInterval(0.999) }
        return iso8601(text)
    }

    /// An ISO 8601 instant, with or without fractional seconds.
    static func iso8601(_ text: String) -> Date? {
        if let d = ISO8601DateFormatter().date(from: text) { return d }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }

    /// Checks the dates without touching the store.
    public func validate() throws(Problem) {
        let f = try from.map { t throws(Problem) in
            guard let d = Self.instant(t) else { throw .badDate(field: "from") }
            return d
        }
        let t = try to.map { t throws(Problem) in
            guard let d = Self.end(t) else { throw .badDate(field: "to") }
            return d
        }
        if let f, let t, f > t { throw .fromAfterTo }
    }

    /// The matching events in sequence order.
    /// - Throws: ``Problem`` for bad dates or an unknown dataset or organisation; ``StoreError``.
    public func events(in store: any Store) async throws -> [AuditEvent] {
        try validate()
        var filter = AuditFilter(action: action, from: from.flatMap(Self.instant), to: to.flatMap(Self.end))
        if let dataset, !dataset.isEmpty {
            // (Dataset names are unique regardless of case, so "PM1" can only mean "pm1".)
            guard let d = try await store.dataset(namedIgnoringCase: dataset) else { throw Problem.unknownDataset(dataset) }
            filter.datasetID = d.id.rawValue
        }
        // A recipient that is no recorded organisation appears only in the refusals of shares to it (QA18 F9).
        var unknownRecipient: String?
        if let organization, !organization.isEmpty, try await store.organization(acronym: organization) == nil {
            guard action == nil || action == .shareRefused else { throw Problem.unknownOrganization(organization) }
            filter.action = .shareRefused
            unknownRecipient = organization
        }
        if let organization, !organization.isEmpty, unknownRecipient == nil {
            guard let o = try await store.organization(acronym: organization) else { throw Problem.unknownOrganization(organization) }
            filter.organizationID = o.id.rawValue
            // The agreements made with it: their creation, status changes and exceptions involve it too.
            filter.organizationAgreements = try await AgreementDocuments.all(in: store)
                .filter { $0.parties.contains { $0.caseInsensitiveCompare(o.acronym) == .orderedSame } }.map(\.id)
        }
        // The web records a user's id, the command line the name given with --as: match either.
        var actors: Set<String>?
        if let actor, !actor.isEmpty {
            var names: Set<String> = [actor]
            // A user named in another case is the same user (names are unique regardless of case).
            if let u = try await store.user(signingInAs: actor) { names.formUnion([u.id.rawValue, u.userName]) }
            if names.count == 1 { filter.actor = actor } else { actors = names }
        }
        if actors == nil && unknownRecipient == nil { filter.limit = limit }
        var events = try await store.auditEvents(filter)
        if let actors { events = events.filter { actors.contains($0.draft.actor) } }
        if let unknownRecipient {
            events = events.filter { $0.draft.details["recipient"]?.caseInsensitiveCompare(unknownRecipient) == .orderedSame }
        }
        if actors != nil || unknownRecipient != nil, let limit { events = Array(events.prefix(limit)) }
        return events
    }
}
