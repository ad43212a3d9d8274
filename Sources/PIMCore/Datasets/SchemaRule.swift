import Foundation

/// A check across the fields of one row, which a single field's constraints cannot express.
///
/// Rules name fields of the same schema; they are checked after each field's own checks, on the values that
/// converted, and a row that breaks one is located like any other issue (`FILE:ROW:COLUMN: reason; expected`).
/// In a schema file (JSON) a rule reads
///
/// ```json
/// {"rule": "date-not-after", "field": "opened", "other": "closed"}
/// {"rule": "required-when", "field": "closed", "when": "status", "in": ["closed"]}
/// {"rule": "empty-when", "field": "closed", "when": "status", "in": ["open", "referred"]}
/// {"rule": "range-when", "field": "age", "when": "age_group", "in": ["children"], "minimum": 0, "maximum": 17}
/// ```
public enum SchemaRule: Sendable, Hashable, Codable, CustomStringConvertible {
    /// When both dates are given, the date in `field` is not after the date in `other` (a case is not closed
    /// before it was opened). The issue is located at `other`.
    case dateNotAfter(field: String, other: String)
    /// `field` must have a value when the field `when` holds one of `values` (a closed case has a closed date).
    case requiredWhen(field: String, when: String, values: [String])
    /// `field` must be empty when the field `when` holds one of `values` (an open case has no closed date).
    case emptyWhen(field: String, when: String, values: [String])
    /// The number in `field`, when given, lies within `minimum … maximum` (either may be open) when the field
    /// `when` holds one of `values` (a case's age agrees with its age group).
    case rangeWhen(field: String, when: String, values: [String], minimum: Double?, maximum: Double?)

    /// The fields the rule reads.
    public var fields: [String] {
        switch self {
        case .dateNotAfter(let a, let b): [a, b]
        case .requiredWhen(let f, let w, _), .emptyWhen(let f, let w, _), .rangeWhen(let f, let w, _, _, _): [f, w]
        }
    }

    public var description: String {
        switch self {
        case .dateNotAfter(let a, let b): "\(a) is not after \(b)"
        case .requiredWhen(let f, let w, let v): "\(f) is required when \(w) is \(v.joined(separator: " or "))"
        case .emptyWhen(let f, let w, let v): "\(f) is empty when \(w) is \(v.joined(separator: " or "))"
        case .rangeWhen(let f, let w, let v, let lo, let hi):
            "\(f) is \(Self.bounds(lo, hi)) when \(w) is \(v.joined(separator: " or "))"
        }
    }

    /// "0 to 17", "at least 60", "at most 4".
    static func bounds(_ lo: Double?, _ hi: Double?) -> String {
        func n(_ x: Double) -> String { x.rounded() == x && abs(x) < 1e15 ? String(Int64(x)) : String(x) }
        switch (lo, hi) {
        case (let l?, let h?): return "\(n(l)) to \(n(h))"
        case (let l?, nil): return "at least \(n(l))"
        case (nil, let h?): return "at most \(n(h))"
        case (nil, nil): return "any number"
        }
    }

    /// Whether `value` (a cell of the `when` field) is one of the rule's values: compared without surrounding
    /// spaces and without regard to case, as people type them.
    static func matches(_ value: String, _ values: [String]) -> Bool {
        let v = value.trimmingCharacters(in: .whitespaces).lowercased()
        return values.contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == v }
    }

    enum CodingKeys: String, CodingKey { case rule, field, other, when, values = "in", minimum, maximum }
    enum Kind: String, Codable {
        case dateNotAfter = "date-not-after", requiredWhen = "required-when", emptyWhen = "empty-when", rangeWhen = "range-when"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let field = try c.decode(String.self, forKey: .field)
        switch try c.decode(Kind.self, forKey: .rule) {
        case .dateNotAfter: self = .dateNotAfter(field: field, other: try c.decode(String.self, forKey: .other))
        case .requiredWhen:
            self = .requiredWhen(field: field, when: try c.decode(String.self, forKey: .when), values: try c.decode([String].self, forKey: .values))
        case .emptyWhen:
            self = .emptyWhen(field: field, when: try c.decode(String.self, forKey: .when), values: try c.decode([String].self, forKey: .values))
        case .rangeWhen:
            self = .rangeWhen(field: field, when: try c.decode(String.self, forKey: .when), values: try c.decode([String].self, forKey: .values),
                              minimum: try c.decodeIfPresent(Double.self, forKey: .minimum),
                              maximum: try c.decodeIfPresent(Double.self, forKey: .maximum))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .dateNotAfter(let a, let b):
            try c.encode(Kind.dateNotAfter, forKey: .rule)
            try c.encode(a, forKey: .field)
            try c.encode(b, forKey: .other)
        case .requiredWhen(let f, let w, let v), .emptyWhen(let f, let w, let v):
            try c.encode(self.isRequiredWhen ? Kind.requiredWhen : Kind.emptyWhen, forKey: .rule)
            try c.encode(f, forKey: .field)
            try c.encode(w, forKey: .when)
            try c.encode(v, forKey: .values)
        case .rangeWhen(let f, let w, let v, let lo, let hi):
            try c.encode(Kind.rangeWhen, forKey: .rule)
            try c.encode(f, forKey: .field)
            try c.encode(w, forKey: .when)
            try c.encode(v, forKey: .values)
            try c.encodeIfPresent(lo, forKey: .minimum)
            try c.encodeIfPresent(hi, forKey: .maximum)
        }
    }

    private var isRequiredWhen: Bool { if case .requiredWhen = self { true } else { false } }
}
