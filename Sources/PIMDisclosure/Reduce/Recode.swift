/// One recoding (global generalisation) step applied to a whole column.
///
/// Every step lowers the detail of one column for all records; local suppression
/// (``LocalSuppression``) then handles the records that remain rare.
public enum Recode: Sendable, Hashable, Codable {
    /// Ages (integer, decimal, or numeric text) to bands; ages no band covers become null.
    case ageBands(column: String, bands: AgeBands = .protection)
    /// Location codes (text) to their parent, e.g. adm2 → adm1. See ``LocationHierarchy``.
    case location(column: String, hierarchy: LocationHierarchy)
    /// Dates (date, or `yyyy-mm-dd` text) to ISO week, month or quarter labels.
    case datePeriod(column: String, period: DatePeriod)
    /// Numbers above `top` become `top`, numbers below `bottom` become `bottom` (integer or decimal columns;
    /// integer columns use the bounds rounded inwards).
    case topBottomCode(column: String, bottom: Double?, top: Double?)
    /// Text categories held by fewer than `minCount` records become `otherLabel`.
    case mergeRare(column: String, minCount: Int, otherLabel: String = "Other")

    /// The column this step recodes.
    public var column: String {
        switch self {
        case .ageBands(let c, _), .location(let c, _), .datePeriod(let c, _), .topBottomCode(let c, _, _),
            .mergeRare(let c, _, _):
            c
        }
    }

    /// The step in words, for reports that travel with released data: rules and counts, never a
    /// data value (a location's own codes are not listed).
    public var summary: String {
        switch self {
        case .ageBands(let c, let bands):
            return "\(c): ages to bands \(bands.bands.map(\.label).joined(separator: ", "))"
        case .location(let c, let h):
            let rule: String
            switch h.fallback {
            case .prefix(let n): rule = "other codes by their first \(n) characters"
            case .null: rule = "other codes left empty"
            case .keep: rule = "other codes kept"
            case .fail: rule = "no other codes allowed"
            }
            return "\(c): generalised to the parent area (\(h.parents.count) codes mapped from the gazetteer or the data; \(rule))"
        case .datePeriod(let c, let period):
            return "\(c): dates to \(period.rawValue)s"
        case .topBottomCode(let c, let bottom, let top):
            func number(_ x: Double) -> String { x.rounded() == x && abs(x) < 1e15 ? String(Int64(x)) : String(x) }
            let parts = [bottom.map { "bottom-coded at \(number($0))" }, top.map { "top-coded at \(number($0))" }]
            return "\(c): \(parts.compactMap { $0 }.joined(separator: ", "))"
        case .mergeRare(let c, let minCount, let label):
            return "\(c): categories held by fewer than \(minCount) records merged into \"\(label)\""
        }
    }
}

/// A location hierarchy: child code → parent code (e.g. adm2 P-code → adm1 P-code), from the caller's gazetteer.
///
/// Codes missing from `parents` use `fallback`.
public struct LocationHierarchy: Sendable, Hashable, Codable {
    /// What happens to a code that has no entry in ``parents``.
    public enum Fallback: Sendable, Hashable, Codable {
        /// The parent is the first `length` characters of the code (P-codes nest by prefix).
        case prefix(length: Int)
        /// The value becomes null (counted as suppressed in the information loss).
        case null
        /// The code stays as it is.
        case keep
        /// Recoding fails with ``ReductionError/unmappedLocations(column:codes:)``.
        case fail
    }

    public var parents: [String: String]
    public var fallback: Fallback

    public init(parents: [String: String] = [:], fallback: Fallback = .fail) {
        self.parents = parents
        self.fallback = fallback
    }

    /// A hierarchy that only uses the prefix rule, e.g. `prefix(length: 4)` maps `XY0203` to `XY02`.
    public static func prefix(length: Int) -> LocationHierarchy {
        LocationHierarchy(parents: [:], fallback: .prefix(length: length))
    }
}
