import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable
import ZIPFoundation

/// An XLSForm (the form definition KoboToolbox and ODK read) for a category template: a `survey` sheet with
/// one question per field, a `choices` sheet with the taxonomies, and a `settings` sheet.
///
/// Question names equal the template's column names, so a KoboToolbox export of the form imports into a
/// dataset of the category without renaming.
public struct XLSForm: Sendable, Hashable {
    public let survey: Table
    public let choices: Table
    public let settings: Table

    /// Builds the form for `template`.
    ///
    /// With a `gazetteer`, admin P-code questions become `select_one` lists of the gazetteer's codes, and
    /// each level below the first is filtered by the answer to the level above (`choice_filter`).
    public init(template: CategoryTemplate, formID: String? = nil, gazetteer: Gazetteer? = nil) {
        var rows: [[String]] = []
        var choiceRows: [[String]] = []
        var listed = Set<String>()
        let rules = Self.ruleExpressions(template)
        for tf in template.fields {
            let f = tf.field
            let type: String
            var filter = ""
            if let level = f.adminLevel, let gazetteer, !gazetteer.codes(atLevel: level).isEmpty {
                type = "select_one adm\(level)"
                if listed.insert("adm\(level)").inserted {
                    choiceRows += gazetteer.codes(atLevel: level).map { code in
                        let area = gazetteer.areas[code]
                        let parent = level > 1 ? (gazetteer.ancestor(of: code, atLevel: level - 1) ?? "") : ""
                        return ["adm\(level)", code, area?.name.map { "\($0) (\(code))" } ?? code, parent]
                    }
                }
                if level > 1, template.fields.contains(where: { $0.field.adminLevel == level - 1 }) {
                    filter = "adm\(level - 1)=${adm\(level - 1)_code}"
                }
            } else if let tax = tf.taxonomy {
                type = "select_one \(tax.name)"
                if listed.insert(tax.name).inserted {
                    choiceRows += tax.values.map { [tax.name, $0.code, $0.label, ""] }
                }
            } else {
                switch f.type {
                case .integer: type = "integer"
                case .decimal: type = "decimal"
                case .date: type = "date"
                case .boolean: type = "select_one yes_no"
                case .text: type = "text"
                }
            }
            var constraint = ""
            // (A date field's bounds are days since 1970 in the schema, and dates in the form's XPath.)
            func bound(_ v: Double) -> String {
                f.type == .date ? "date('\(CivilDays.iso(Int32(clamping: Int64(v.rounded(.down)))))')" : Self.number(v)
            }
            if let lo = f.minimum { constraint = ". >= \(bound(lo))" }
            if let hi = f.maximum { constraint += (constraint.isEmpty ? "" : " and ") + ". <= \(bound(hi))" }
            if f.past { constraint += (constraint.isEmpty ? "" : " and ") + ". <= today()" }
            // The template's checks across fields, so that the form collects what the template accepts (QA11 C2).
            let across = rules.constraints[f.name, default: []]
            if !across.isEmpty {
                constraint = ([constraint].filter { !$0.isEmpty } + across).map { "(\($0))" }.joined(separator: " and ")
            }
            let requiredWhen = rules.requiredWhen[f.name, default: []]
            let required = f.required ? "yes" : requiredWhen.isEmpty ? "no" : requiredWhen.joined(separator: " or ")
            let emptyWhen = rules.emptyWhen[f.name, default: []]
            let relevant = emptyWhen.isEmpty ? "" : "not(\(emptyWhen.joined(separator: " or ")))"
            rows.append([type, f.name, f.label ?? f.name, tf.hint ?? "", required, constraint,
                         rules.messages[f.name, default: []].joined(separator: "; "), relevant, filter, f.hxl ?? ""])
        }
        survey = Self.table(["type", "name", "label", "hint", "required", "constraint", "constraint_message", "relevant",
                             "choice_filter", "hxl"], rows)
        choices = Self.table(["list_name", "name", "label", "adm1"], choiceRows)
        let id = formID ?? "pim_\(template.category.rawValue.replacingOccurrences(of: "-", with: "_"))" + (template.variant.map { "_" + $0 } ?? "")
        settings = Self.table(["form_title", "form_id", "version"], [[PIMFramework.standard.category(template.category).name, id, "1"]])
    }

    /// The `.xlsx` bytes: three sheets named `survey`, `choices` and `settings`.
    public func xlsx() throws(XLSForm.WriteError) -> Data {
        var sheets: [[UInt8]] = []
        for (name, table) in [("survey", survey), ("choices", choices), ("settings", settings)] {
            // The single-sheet writer builds each worksheet part; the workbook around them is assembled here.
            guard let package = try? XLSXWriter.package(table, sheetName: name, hxl: false, file: "form.xlsx"),
                  let archive = try? Archive(data: package, accessMode: .read, pathEncoding: nil),
                  let entry = archive["xl/worksheets/sheet1.xml"]
            else { throw .buildFailed(sheet: name) }
            var bytes: [UInt8] = []
            guard (try? archive.extract(entry, consumer: { bytes.append(contentsOf: $0) })) != nil else {
                throw .buildFailed(sheet: name)
            }
            sheets.append(bytes)
        }
        let names = ["survey", "choices", "settings"]
        var parts: [(path: String, bytes: [UInt8])] = [
            ("[Content_Types].xml", Array(Self.contentTypes(sheets: names.count).utf8)),
            ("_rels/.rels", Array(Self.rootRelationships.utf8)),
            ("xl/workbook.xml", Array(Self.workbook(names).utf8)),
            ("xl/_rels/workbook.xml.rels", Array(Self.workbookRelationships(sheets: names.count).utf8)),
            ("xl/styles.xml", Array(Self.styles.utf8)),
        ]
        for (i, s) in sheets.enumerated() { parts.append(("xl/worksheets/sheet\(i + 1).xml", s)) }
        do { return try XLSXZip.archive(parts, file: "form.xlsx") } catch { throw .buildFailed(sheet: "workbook") }
    }

    /// Writes the form to `url`.
    public func write(to url: URL) throws(XLSForm.WriteError) {
        let data = try xlsx()
        do { try data.write(to: url, options: .atomic) } catch { throw .cannotWrite(file: url.lastPathComponent) }
    }

    /// Why a form could not be written.
    public enum WriteError: Error, Sendable, Hashable, CustomStringConvertible {
        case buildFailed(sheet: String)
        case cannotWrite(file: String)

        public var description: String {
            switch self {
            case .buildFailed(let s): "The XLSForm's \(s) sheet could not be built."
            case .cannotWrite(let f): "Cannot write \(f); check the directory exists and is writable."
            }
        }
    }

    /// The template's rules (``SchemaRule``) as XLSForm expressions, by the field they go on: `constraint`s (a
    /// date not after another goes on whichever of the two the form asks last), `required` conditions, and the
    /// conditions under which a field must stay empty (the question is then not `relevant`, so it is not asked and
    /// its answer is left out).
    static func ruleExpressions(_ template: CategoryTemplate)
        -> (constraints: [String: [String]], messages: [String: [String]], requiredWhen: [String: [String]], emptyWhen: [String: [String]])
    {
        var constraints: [String: [String]] = [:], messages: [String: [String]] = [:]
        var requiredWhen: [String: [String]] = [:], emptyWhen: [String: [String]] = [:]
        let position = Dictionary(template.fields.enumerated().map { ($1.field.name, $0) }, uniquingKeysWith: { a, _ in a })
        func oneOf(_ field: String, _ values: [String]) -> String {
            values.map { "${\(field)} = \(literal($0))" }.joined(separator: " or ")
        }
        for rule in template.rules {
            switch rule {
            case .dateNotAfter(let a, let b):
                if position[a, default: 0] > position[b, default: 0] {
                    constraints[a, default: []].append("${\(b)} = '' or . <= ${\(b)}")
                    messages[a, default: []].append(rule.description)
                } else {
                    constraints[b, default: []].append("${\(a)} = '' or . >= ${\(a)}")
                    messages[b, default: []].append(rule.description)
                }
            case .requiredWhen(let f, let when, let values) where !values.isEmpty:
                requiredWhen[f, default: []].append(oneOf(when, values))
            case .emptyWhen(let f, let when, let values) where !values.isEmpty:
                emptyWhen[f, default: []].append(oneOf(when, values))
            case .rangeWhen(let f, let when, let values, let lo, let hi) where !values.isEmpty && (lo != nil || hi != nil):
                let range = [lo.map { ". >= \(number($0))" }, hi.map { ". <= \(number($0))" }].compactMap { $0 }
                constraints[f, default: []].append("not(\(oneOf(when, values))) or (\(range.joined(separator: " and ")))")
                messages[f, default: []].append(rule.description)
            case .requiredWhen, .emptyWhen, .rangeWhen:
                continue
            }
        }
        return (constraints, messages, requiredWhen, emptyWhen)
    }

    /// A string literal in an XLSForm expression (XPath has no escapes: a value with a single quote is double-quoted).
    static func literal(_ value: String) -> String { value.contains("'") ? "\"\(value)\"" : "'\(value)'" }

    // MARK: - Parts

    static func number(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }

    static func table(_ header: [String], _ rows: [[String]]) -> Table {
        let columns = header.enumerated().map { i, name in
            Column(name: name, data: .textColumn(rows.map { $0[i].isEmpty ? nil : $0[i] }))
        }
        return (try? Table(columns: columns)) ?? .empty
    }

    private static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    private static func contentTypes(sheets: Int) -> String {
        declaration + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
            + (1...sheets).map { "<Override PartName=\"/xl/worksheets/sheet\($0).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" }.joined()
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
            + "</Types>"
    }

    private static let rootRelationships = declaration
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "</Relationships>"

    private static func workbook(_ names: [String]) -> String {
        declaration + "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
            + "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><workbookPr/><sheets>"
            + names.enumerated().map { "<sheet name=\"\($1)\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 1)\"/>" }.joined()
            + "</sheets></workbook>"
    }

    private static func workbookRelationships(sheets: Int) -> String {
        declaration + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + (1...sheets).map { "<Relationship Id=\"rId\($0)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0).xml\"/>" }.joined()
            + "<Relationship Id=\"rId\(sheets + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
            + "</Relationships>"
    }

    private static let styles = declaration
        + "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        + "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\"/></numFmts>"
        + "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
        + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
        + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        + "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>"
        + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>"
}
