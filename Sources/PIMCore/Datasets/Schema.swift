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
    public var minimum: Double?
    public var maximum: Double?
    /// A regular expression that every value must match entirely.
    public var pattern: String?
    public var unique: Bool
    /// Admin level whose P-codes this field holds (checked against the gazetteer), if any.
    public var adminLevel: Int?

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
        minimum = try c.decodeIfPresent(Double.self, forKey: .minimum)
        maximum = try c.decodeIfPresent(Double.self, forKey: .maximum)
        pattern = try c.decodeIfPresent(String.self, forKey: .pattern)
        unique = try c.decodeIfPresent(Bool.self, forKey: .unique) ?? false
        adminLevel = try c.decodeIfPresent(Int.self, forKey: .adminLevel)
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
