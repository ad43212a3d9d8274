import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// A data template for one PIM category: the fields a system of that category records, with HXL tags,
/// disclosure roles and closed value lists from stated taxonomies.
///
/// ```swift
/// let t = CategoryTemplate.template(for: .caseManagement)
/// try CSVWriter.write(t.emptyTable(), hxl: true, to: url)   // header + HXL row, no data
/// ```
public struct CategoryTemplate: Sendable, Hashable {
    public let category: PIMCategory.ID
    /// What one row of the template describes, e.g. "one incident".
    public let unit: String
    public let fields: [TemplateField]
    /// Checks across fields of a row (a case is not closed before it was opened).
    public let rules: [SchemaRule]
    /// The name of a second template of the category (`responses` for protection monitoring's household and
    /// key-informant interviews); nil for the category's main template.
    public let variant: String?

    public init(category: PIMCategory.ID, unit: String, fields: [TemplateField], rules: [SchemaRule] = [], variant: String? = nil) {
        self.category = category
        self.unit = unit
        self.fields = fields
        self.rules = rules
        self.variant = variant
    }

    /// The schema a dataset of this template is validated and analysed with.
    public var schema: Schema { Schema(fields: fields.map(\.field), rules: rules) }

    /// The field named `name`, if any.
    public func field(_ name: String) -> TemplateField? { fields.first { $0.field.name == name } }

    /// A table with the template's columns and HXL tags and no rows.
    public func emptyTable() -> Table {
        let columns = fields.map { f -> Column in
            let tag = f.field.hxl.flatMap(HXLTagSpec.parseSpec)
            let data: ColumnData
            switch f.field.type {
            case .integer: data = .integer(values: [], nulls: NullMask())
            case .decimal: data = .decimal(values: [], nulls: NullMask())
            case .date: data = .date(days: [], nulls: NullMask())
            case .boolean: data = .boolean(values: [], nulls: NullMask())
            case .text: data = .text(codes: [], dictionary: [])
            }
            return Column(name: f.field.name, tag: tag, data: data)
        }
        return (try? Table(columns: columns)) ?? .empty
    }

    /// The sensitivity a dataset of this category calls for (what `pim demo load` gives the demo datasets; an
    /// import gives `high` unless told otherwise). It bounds the most detailed level a share may have
    /// (``Sensitivity/maximumLevel``):
    /// - high: records about identifiable people and protection incidents or needs — case management (cases of
    ///   persons with specific needs, GBV incident types), protection monitoring (incidents with survivor sex and
    ///   age), needs-assessment microdata (households with ids and weights), community feedback (complaints,
    ///   some marked sensitive);
    /// - moderate: security incidents and access constraints (no individuals, but operationally sensitive);
    /// - low: figures already aggregated — population figures, 5W activity reports, other sectors' indicators.
    public var sensitivity: Sensitivity {
        switch category {
        case .caseManagement, .protectionMonitoring, .protectionNeedsAssessment, .communicatingWithAffectedCommunities: .high
        case .securitySituationalAwareness: .moderate
        case .populationData, .protectionResponseMonitoringEvaluation, .sectoralIMSystemsOther: .low
        }
    }

    /// The templates of all eight categories, in the order of §6.
    public static var all: [CategoryTemplate] { PIMCategory.ID.allCases.map(template(for:)) }

    /// Every template of a category, the main one first.
    public static func templates(for id: PIMCategory.ID) -> [CategoryTemplate] {
        id == .protectionMonitoring ? [.protectionMonitoring, .monitoringResponses] : [template(for: id)]
    }

    /// The category's template of that variant (nil or "" for the main one); nil when the category has none.
    public static func template(for id: PIMCategory.ID, variant: String?) -> CategoryTemplate? {
        guard let variant, !variant.isEmpty else { return template(for: id) }
        return templates(for: id).first { $0.variant == variant }
    }

    /// The category's main template.
    public static func template(for id: PIMCategory.ID) -> CategoryTemplate {
        switch id {
        case .populationData: .populationData
        case .protectionMonitoring: .protectionMonitoring
        case .caseManagement: .caseManagement
        case .protectionNeedsAssessment: .protectionNeedsAssessment
        case .protectionResponseMonitoringEvaluation: .responseMonitoring
        case .securitySituationalAwareness: .securityAwareness
        case .sectoralIMSystemsOther: .sectoralSystems
        case .communicatingWithAffectedCommunities: .communityFeedback
        }
    }
}

/// One field of a template, with the taxonomy its values come from and a hint for data collectors.
public struct TemplateField: Sendable, Hashable {
    public let field: Field
    public let taxonomy: Taxonomy?
    public let hint: String?

    public init(_ field: Field, taxonomy: Taxonomy? = nil, hint: String? = nil) {
        var f = field
        if let taxonomy { f.allowedValues = taxonomy.codes }
        self.field = f
        self.taxonomy = taxonomy
        self.hint = hint
    }
}

extension CategoryTemplate {
    /// The HXL tag pim's templates give a column of this name: the category's own templates first, then any
    /// template's (`adm1_code`, `sex`, … are common to several); nil when no template has the column.
    public static func hxlTag(forColumn name: String, category: String) -> HXLTagSpec? {
        let own = PIMCategory.ID(rawValue: category).map { templates(for: $0) } ?? []
        for template in own + all {
            if let tag = template.field(name)?.field.hxl.flatMap(HXLTagSpec.parseSpec) { return tag }
        }
        return nil
    }
}

extension HXLTagSpec {
    /// Parses `#tag+attr+attr`; nil when the text does not start with `#` or has an empty tag.
    static func parseSpec(_ text: String) -> HXLTagSpec? {
        guard text.hasPrefix("#") else { return nil }
        let parts = text.dropFirst().lowercased().split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        guard let tag = parts.first, !tag.isEmpty else { return nil }
        return HXLTagSpec(tag: tag, attributes: Array(parts.dropFirst()))
    }
}

// MARK: - Field builders

extension TemplateField {
    /// A date of the response's events (an incident, an interview, a case opened): from 1900-01-01, so that a
    /// year typed 1026 for 2026 is found at import (FILE:ROW:COLUMN) rather than stretching every trend.
    /// With `past` (the default), the date is of something that has happened, and may not be after the day the
    /// file is checked (``Field/past``: a year typed 2062 for 2026 is found at import too).
    static func date(_ name: String, _ label: String, hxl: String = "#date", required: Bool = true, past: Bool = true) -> TemplateField {
        var field = Field(name: name, label: label, hxl: hxl, type: .date, required: required,
                          minimum: Double(CivilDays.days(year: 1900, month: 1, day: 1)))
        field.past = past
        return TemplateField(field, hint: "yyyy-mm-dd")
    }

    static func admin(_ level: Int, required: Bool = true) -> TemplateField {
        TemplateField(Field(name: "adm\(level)_code", label: "Admin \(level) P-code", hxl: "#adm\(level)+code", type: .text,
                            role: .quasiIdentifier, required: required, adminLevel: level),
                      hint: "P-code from the gazetteer")
    }

    static func choice(_ name: String, _ label: String, hxl: String, _ taxonomy: Taxonomy, role: DisclosureRole = .other,
                       required: Bool = true) -> TemplateField {
        TemplateField(Field(name: name, label: label, hxl: hxl, type: .text, role: role, required: required), taxonomy: taxonomy)
    }

    /// The largest count one row may hold: ten billion, above the world's population, so a larger figure is
    /// a data-entry error; bounding counts keeps the outputs' totals exact (a row of 2^62 crashed them).
    public static let maximumCount: Int64 = 10_000_000_000

    static func count(_ name: String, _ label: String, hxl: String, required: Bool = true) -> TemplateField {
        TemplateField(Field(name: name, label: label, hxl: hxl, type: .integer, required: required, minimum: 0,
                            maximum: Double(maximumCount)))
    }

    static func text(_ name: String, _ label: String, hxl: String, role: DisclosureRole = .other, required: Bool = false,
                     unique: Bool = false) -> TemplateField {
        TemplateField(Field(name: name, label: label, hxl: hxl, type: .text, role: role, required: required, unique: unique))
    }

    static let sex = choice("sex", "Sex", hxl: "#x_sex", .sex, role: .quasiIdentifier)
    static let ageGroup = choice("age_group", "Age group", hxl: "#x_agegroup", .ageGroup, role: .quasiIdentifier)
    static let org = text("org", "Reporting organisation (acronym)", hxl: "#org+acronym", required: true)

    /// Six count columns `<prefix>_f_children` … `<prefix>_m_elderly` tagged `#<tag>+f+children` …
    static func sexAgeCounts(_ prefix: String, tag: String, label: String) -> [TemplateField] {
        SexAge.all.map { sa in
            count("\(prefix)_\(sa.suffix)", "\(label), \(sa.label)", hxl: "#\(tag)+\(sa.sex == "female" ? "f" : "m")+\(sa.age)")
        }
    }
}

/// One sex × age-group cell of the HXL disaggregation (`+f+children` … `+m+elderly`).
public struct SexAge: Sendable, Hashable {
    public let sex: String
    public let age: String

    /// `f_children`, `m_elderly`, …: the column-name suffix.
    public var suffix: String { (sex == "female" ? "f" : "m") + "_" + age }
    public var label: String { "\(sex) \(age)" }

    /// The six cells, female first, then by age group.
    public static let all: [SexAge] = Taxonomy.sex.codes.flatMap { s in Taxonomy.ageGroup.codes.map { SexAge(sex: s, age: $0) } }
}
