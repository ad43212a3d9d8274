import PIMDisclosure
import PIMTable

/// Disclosure defaults derived from a dataset's schema (its fields' disclosure roles), so that usually
/// `pim risk DATASET` is enough. Explicit options override each part.
public struct SchemaDisclosure: Sendable {
    public var schema: Schema

    public init(schema: Schema) { self.schema = schema }

    /// Quasi-identifiers, in schema order.
    public var keys: [String] { schema.names(withRole: .quasiIdentifier) }
    public var sensitive: [String] { schema.names(withRole: .sensitive) }
    public var weight: String? { schema.names(withRole: .weight).first }
    public var household: String? { schema.names(withRole: .householdID).first }
    public var directIdentifiers: [String] { schema.names(withRole: .directIdentifier) }

    /// The direct identifiers in `table` that neither `drop` nor `pseudonymize` names: what a plan built from
    /// a person's choices would leave in a release.
    public func identifiersLeft(dropping drop: [String], pseudonymizing pseudonymize: [String], in table: Table) -> [String] {
        directIdentifiers.filter { !drop.contains($0) && !pseudonymize.contains($0) && table[$0] != nil }
    }

    /// A risk specification from the roles, with any explicit choice taking precedence.
    public func riskSpec(keys k: [String]? = nil, sensitive s: [String]? = nil, weight w: String?? = nil,
                         household h: String?? = nil) -> RiskSpec {
        RiskSpec(keys: k ?? keys, sensitive: s ?? sensitive, weight: w ?? weight, household: h ?? household)
    }

    /// The protective default plan: drop direct identifiers, pseudonymise the household id (so household
    /// structure survives without the real id; dropped when there is no pseudonymizer), band ages, keep dates to the month, and suppress locally to
    /// reach `k` on the keys.
    public func defaultPlan(k: Int, pseudonymizer: (any Pseudonymizer)?, generalize: [Recode] = []) -> AnonymizationPlan {
        var recodes = generalize
        for f in schema.fields where f.role == .quasiIdentifier && f.type == .integer && Self.looksLikeAge(f)
            && !recodes.contains(where: { $0.column == f.name }) {
            recodes.append(.ageBands(column: f.name))
        }
        // Exact days (of an incident, a visit, a report) link records to what others know happened when:
        // released microdata keeps the month (data minimisation; a share needing days is an exception).
        for f in schema.fields where f.type == .date && f.role != .directIdentifier
            && !recodes.contains(where: { $0.column == f.name }) {
            recodes.append(.datePeriod(column: f.name, period: .month))
        }
        // Without a key to pseudonymise it with, the household id goes: a raw id links records back to the source.
        let householdColumn = [household].compactMap { $0 }
        let pseudo = pseudonymizer == nil ? [] : householdColumn
        let drop = directIdentifiers + (pseudonymizer == nil ? householdColumn : [])
        return AnonymizationPlan(drop: drop, pseudonymize: pseudo, pseudonymizer: pseudonymizer,
                                 recodes: recodes, keys: keys, k: k, importance: keys)
    }

    /// The date fields a released record keeps (to the month, see ``defaultPlan(k:pseudonymizer:generalize:)``)
    /// that are not already keys: the month of an incident, a visit or a report is known to neighbours, staff
    /// and the people concerned, so in released microdata it is a key like the declared ones (QA11 S2: a share
    /// whose risk left the month out reported a global risk of 0.016 where the file's was 0.35). A date marked
    /// sensitive (the day of an incident) is released to the month as well, and is a key for the same reason:
    /// the one who knows when it happened finds the record by it (review 12, LOW-4); the release's sensitive
    /// attributes are then the others.
    public func releasedDates(in table: Table, excluding dropped: [String]) -> [String] {
        schema.fields.filter { f in
            f.type == .date && f.role != .directIdentifier && f.role != .quasiIdentifier
                && !dropped.contains(f.name) && table[f.name] != nil
        }.map(\.name)
    }

    static func looksLikeAge(_ f: Field) -> Bool {
        f.name.lowercased().contains("age") || f.hxl?.lowercased().contains("age") == true
    }
}

