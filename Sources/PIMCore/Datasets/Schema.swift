import Foundation
import PIMTable

/// The part a field plays in disclosure control. Decides what is dropped, generalised or checked.
public enum DisclosureRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Names, phone numbers, registration or case numbers: removed or pseudonymised before any share.
    case directIdentifier = "direct-identifier"
    /// Key variables an attacker could know (location, sex, age, nationality): k-anonymity is measured on them.
    case quasiIdentifier = "quasi-identifier"
    /// Values whose disclosure harms (specific needs, incident types): l-diversity is measured on them.
    case sensitive
    /// A sampling weight.
    case weight
    /// The household a record belongs to (household risk).
    case householdID = "household-id"
    case other
}

/// One field of a dataset's schema.
public struct Field: Sendable, Hashable, Codable {
    public var name: String
    public var label: String?
    /// HXL tag spec such as `#adm2+code`, if any.
    public var hxl: String?
    public var type: ColumnType
    public var role: DisclosureRole
    public var required: Bool
    /// Allowed values (a closed list); `nil` when any value is allowed.
    public var allowedValues: [String]?
    /// The smallest value allowed; for a date field, in days since 1970-01-01 (written `"yyyy-mm-dd"` in a
    /// schema file).
    public var minimum: Double?
    /// The largest value allowed; for a date field, in days since 1970-01-01 (written `"yyyy-mm-dd"`).
    public var maximum: Double?
    /// A regular expression that every value must match entirely.
    public var pattern: String?
    public var unique: Bool
    /// Admin level whose P-codes this field holds (checked against the gazetteer), if any.
    public var adminLevel: Int?
    /// A date of something that has happened (an incident, an interview, a case opened): not after the day the
    /// file is checked, so that a year typed 2062 for 2026 is found (schema key `past`).
    public var past: Bool = false
    /// The KoboToolbox XML path of the question the field was first read from (`resp/age` for a field `age`):
    /// a later export of the form names the question by the same path, whatever questions the form has gained
    /// since, which may have changed the short names (schema key `kobo_path`).
    public var koboPath: String?

    public init(
        name: String, label: String? = nil, hxl: String? = nil, type: ColumnType, role: DisclosureRole = .other,
        required: Bool = false, allowedValues: [String]? = nil, minimum: Double? = nil, maximum: Double? = nil,
        pattern: String? = nil, unique: Bool = false, adminLevel: Int? = nil
    ) {
        self.name = name
        self.label = label
        self.hxl = hxl
        self.type = type
        self.role = role
        self.required = required
        self.allowedValues = allowedValues
        self.minimum = minimum
        self.maximum = maximum
        self.pattern = pattern
        self.unique = unique
        self.adminLevel = adminLevel
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, label, hxl, type, role, required, allowedValues = "allowed_values", minimum, maximum, pattern, unique
        case adminLevel = "admin_level"
        case past
        case koboPath = "kobo_path"
    }

    public init(from decoder: any Decoder) throws {
        try SchemaKeys.refuseUnknown(in: decoder, known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        label = try c.decodeIfPresent(String.self, forKey: .label)
        hxl = try c.decodeIfPresent(String.self, forKey: .hxl)
        type = try c.decode(ColumnType.self, forKey: .type)
        role = try c.decodeIfPresent(DisclosureRole.self, forKey: .role) ?? .other
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
        allowedValues = try c.decodeIfPresent([String].self, forKey: .allowedValues)
        minimum = try Self.decodeBound(c, .minimum, type: type)
        maximum = try Self.decodeBound(c, .maximum, type: type)
        pattern = try c.decodeIfPresent(String.self, forKey: .pattern)
        unique = try c.decodeIfPresent(Bool.self, forKey: .unique) ?? false
        adminLevel = try c.decodeIfPresent(Int.self, forKey: .adminLevel)
        past = try c.decodeIfPresent(Bool.self, forKey: .past) ?? false
        koboPath = try c.decodeIfPresent(String.self, forKey: .koboPath)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(label, forKey: .label)
        try c.encodeIfPresent(hxl, forKey: .hxl)
        try c.encode(type, forKey: .type)
        try c.encode(role, forKey: .role)
        try c.encode(required, forKey: .required)
        try c.encodeIfPresent(allowedValues, forKey: .allowedValues)
        // A date bound is written as a date, as a person reads and writes it.
        for (bound, key) in [(minimum, CodingKeys.minimum), (maximum, .maximum)] {
            guard let bound else { continue }
            if type == .date, let days = Int32(exactly: bound) { try c.encode(CivilDays.iso(days), forKey: key) } else { try c.encode(bound, forKey: key) }
        }
        try c.encodeIfPresent(pattern, forKey: .pattern)
        try c.encode(unique, forKey: .unique)
        try c.encodeIfPresent(adminLevel, forKey: .adminLevel)
        if past { try c.encode(past, forKey: .past) }
        try c.encodeIfPresent(koboPath, forKey: .koboPath)
    }

    /// A bound as a number, or for a date field also as `"yyyy-mm-dd"` (stored as days since 1970-01-01).
    private static func decodeBound(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys, type: ColumnType) throws -> Double? {
        guard c.contains(key), try !c.decodeNil(forKey: key) else { return nil }
        if let number = try? c.decode(Double.self, forKey: key) { return number }
        let text = try c.decode(String.self, forKey: key)
        guard type == .date, let days = TextParsing.parseDate(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: c,
                debugDescription: type == .date ? "a date bound is written as yyyy-mm-dd, e.g. 2026-01-31" : "a bound is a number")
        }
        return Double(days)
    }

    /// A bound as a message shows it: a date for a date field, else the number.
    public func boundText(_ bound: Double) -> String {
        if type == .date, let days = Int32(exactly: bound) { return CivilDays.iso(days) }
        return TextParsing.trim(bound)
    }
}

extension Field {
    /// `pattern` as a regular expression matching the whole value, or nil when it is not one.
    public static func regularExpression(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: "^(?:" + pattern + ")$")
    }
}

/// A dataset's schema: its fields in order. Field names are unique.
public struct Schema: Sendable, Hashable, Codable {
    public var fields: [Field]
    /// Checks across fields of a row (``SchemaRule``); empty in most schemas, and left out of the JSON then.
    public var rules: [SchemaRule]

    public init(fields: [Field], rules: [SchemaRule] = []) {
        self.fields = fields
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case fields, rules }

    public init(from decoder: any Decoder) throws {
        try SchemaKeys.refuseUnknown(in: decoder, known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        fields = try c.decode([Field].self, forKey: .fields)
        rules = try c.decodeIfPresent([SchemaRule].self, forKey: .rules) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(fields, forKey: .fields)
        if !rules.isEmpty { try c.encode(rules, forKey: .rules) }
    }

    public func field(named name: String) -> Field? { fields.first { $0.name == name } }

    /// The column of `table` that holds `field`: the one of the field's name, else (HXL's purpose: files from
    /// different partners name columns differently but tag them alike) the one column whose tag equals the
    /// field's HXL tag (attributes in any order), when no field of the schema has that column's name.
    public func column(for field: Field, in table: Table) -> Column? {
        if let named = table[field.name] { return named }
        guard let hxl = field.hxl, let wanted = HXLTagSpec(parsing: hxl) else { return nil }
        let tagged = table.columns.filter { $0.tag?.canonical == wanted.canonical }
        guard tagged.count == 1, let only = tagged.first, self.field(named: only.name) == nil else { return nil }
        return only
    }

    /// The columns of `table` that hold no field (by name or by tag, see ``column(for:in:)``).
    public func unusedColumns(of table: Table) -> [String] {
        let used = Set(fields.compactMap { column(for: $0, in: table)?.name })
        return table.columnNames.filter { !used.contains($0) }
    }

    /// Names of the fields that play `role`.
    public func names(withRole role: DisclosureRole) -> [String] { fields.filter { $0.role == role }.map(\.name) }

    /// Checks that field names are unique and non-empty, that every pattern is a regular expression and
    /// that no range is empty: a constraint that cannot be checked must not look as if it were.
    public func validate() throws(DomainError) {
        var seen = Set<String>()
        for f in fields {
            guard !f.name.isEmpty else { throw .invalidField("schema", "has a field without a name") }
            guard seen.insert(f.name).inserted else { throw .invalidField("schema", "names the field \"\(f.name)\" twice") }
            if let p = f.pattern, Field.regularExpression(p) == nil {
                throw .invalidField("schema", "field \"\(f.name)\": the pattern is not a valid regular expression")
            }
            if let lo = f.minimum, let hi = f.maximum, lo > hi {
                throw .invalidField("schema", "field \"\(f.name)\": the minimum is above the maximum")
            }
            if let allowed = f.allowedValues, allowed.isEmpty {
                throw .invalidField("schema", "field \"\(f.name)\": the list of allowed values is empty")
            }
            // A constraint that no value could meet, or that is never checked, must not look as if it were.
            if f.minimum != nil || f.maximum != nil, f.type == .text || f.type == .boolean {
                throw .invalidField(
                    "schema", "field \"\(f.name)\": minimum and maximum apply to integer, decimal and date fields, not to a \(f.type.rawValue) field")
            }
            if f.type == .date, let bad = [f.minimum, f.maximum].compactMap({ $0 }).first(where: { Int32(exactly: $0) == nil }) {
                throw .invalidField("schema", "field \"\(f.name)\": the date bound \(TextParsing.trim(bad)) is not a date; write it as yyyy-mm-dd")
            }
            if f.type != .text, let allowed = f.allowedValues,
                let bad = allowed.first(where: { v in TextParsing.parse(v, as: f.type).map { $0.isNull } ?? true })
            {
                throw .invalidField(
                    "schema", "field \"\(f.name)\": the allowed value \"\(bad)\" is not \(TextParsing.article(f.type)), so no value of this \(f.type.rawValue) field could match it")
            }
        }
        for rule in rules {
            for name in rule.fields where field(named: name) == nil {
                throw .invalidField("schema", "rule \"\(rule)\" names the field \"\(name)\", which the schema does not have")
            }
            switch rule {
            case .dateNotAfter(let a, let b):
                for name in [a, b] where field(named: name)?.type != .date {
                    throw .invalidField("schema", "rule \"\(rule)\": the field \"\(name)\" is not a date")
                }
            case .requiredWhen(_, _, let values), .emptyWhen(_, _, let values):
                if values.isEmpty { throw .invalidField("schema", "rule \"\(rule)\" has an empty list of values") }
            case .rangeWhen(let f, _, let values, let lo, let hi):
                if values.isEmpty { throw .invalidField("schema", "rule \"\(rule)\" has an empty list of values") }
                if let t = field(named: f)?.type, t != .integer && t != .decimal {
                    throw .invalidField("schema", "rule \"\(rule)\": the field \"\(f)\" is not a number")
                }
                if lo == nil && hi == nil { throw .invalidField("schema", "rule \"\(rule)\" gives neither a minimum nor a maximum") }
                if let lo, let hi, lo > hi { throw .invalidField("schema", "rule \"\(rule)\": the minimum is above the maximum") }
                if [lo, hi].contains(where: { $0.map { !$0.isFinite } ?? false }) {
                    throw .invalidField("schema", "rule \"\(rule)\": the bounds must be finite numbers")
                }
            }
        }
    }
}


/// A key a schema file does not know (a misspelt `"requird"`, or `"allowed"` for `"allowed_values"`) is
/// refused: ignoring it would leave the user believing a check is made that is not. Only for a schema a
/// person wrote (``strict`` set in the decoder's `userInfo`): schemas stored by pim are read as they are.
public enum SchemaKeys {
    /// Set to `true` in a decoder's `userInfo` to refuse unknown keys (see ``strictDecoder()``).
    public static let strict = CodingUserInfoKey(rawValue: "pim.schema.strictKeys")

    /// A JSON decoder that refuses unknown keys in a schema.
    public static func strictDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        if let strict { decoder.userInfo[strict] = true }
        return decoder
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func refuseUnknown(in decoder: any Decoder, known: [String]) throws {
        guard let strict, decoder.userInfo[strict] as? Bool == true else { return }
        let all = try decoder.container(keyedBy: AnyKey.self)
        guard let unknown = all.allKeys.map(\.stringValue).filter({ !known.contains($0) }).sorted().first,
            let key = AnyKey(stringValue: unknown)
        else { return }
        throw DecodingError.dataCorruptedError(
            forKey: key, in: all,
            debugDescription: "unknown key \"\(unknown)\" (the keys are \(known.joined(separator: ", ")))")
    }
}
