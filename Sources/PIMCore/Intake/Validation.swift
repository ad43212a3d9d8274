import Foundation
import PIMTable

/// The rule a validation issue broke; totals are reported per rule.
public enum ValidationRule: String, Sendable, Hashable, Codable, CaseIterable {
    case missingColumn = "missing-column"
    case type
    case required
    case allowedValues = "allowed-values"
    case range
    case pattern
    case unique
    case adminCode = "admin-code"
    /// An admin code that the gazetteer places under a different parent than the row's higher-level code.
    case adminHierarchy = "admin-hierarchy"
    /// A date after another date of the same row that it may not follow (``SchemaRule/dateNotAfter(field:other:)``).
    case dateOrder = "date-order"
    /// A value required, not allowed, or out of range because of another field's value
    /// (``SchemaRule/requiredWhen(field:when:values:)``, ``SchemaRule/emptyWhen(field:when:values:)``,
    /// ``SchemaRule/rangeWhen(field:when:values:minimum:maximum:)``).
    case conditional
    /// The column of the field's name carries another HXL tag than the field's, while another column carries
    /// the field's tag: which one holds the field is for a person to say.
    case hxlTag = "hxl-tag"
    /// A column stored with a hashtag that is neither in the HXL core dictionary nor an extension tag (`#x_…`)
    /// and that the schema does not declare (a misspelling such as `#amd1`, or a local tag no one confirmed).
    case unknownHXLTag = "unknown-hxl-tag"
}

/// One problem, located as the user sees it in a spreadsheet: `FILE:ROW:COLUMN: what is wrong; what was expected`.
///
/// Privacy: the offending value is quoted only for short values of fields that are neither identifiers (direct
/// or quasi) nor sensitive; otherwise only its shape is described.
public struct ValidationIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    /// Spreadsheet row number (the header is row 1; an HXL hashtag row below it is row 2).
    public var row: Int
    public var column: String
    public var rule: ValidationRule
    public var problem: String
    public var expected: String

    public var description: String { "\(file):\(row):\(column): \(problem); \(expected)" }
}

/// Whether a file with errors is refused whole, or its valid rows are imported and the rest reported.
public enum ValidationMode: String, Sendable, Hashable, Codable, CaseIterable {
    case reject
    case importValid = "import-valid"
}

/// Something validation noticed that makes no row invalid. Names columns only, never values.
public enum ValidationWarning: Sendable, Hashable, CustomStringConvertible {
    /// A field the schema does not require has no column in the file: its values are empty in every row.
    /// `row` is the header row as a spreadsheet shows it.
    case missingOptionalColumn(file: String, row: Int, column: String)
    /// The file has no column of the field's name, and its column `column` has the field's HXL tag: it is
    /// read as that field.
    case matchedByTag(file: String, column: String, field: String, tag: String)
    /// The field holds P-codes of an admin level (its `admin_level`, or an `#admN+code` tag) but no gazetteer
    /// was given: its codes were not checked.
    case adminCodesNotChecked(file: String, column: String, level: Int)
    /// Rows of a unique field that repeat the value of an earlier row rejected for other issues (so not duplicates
    /// of a kept row): `count` of them, the first at `row`, repeating `earlier` (QA11 I16).
    case repeatsRejectedRow(file: String, row: Int, column: String, earlier: Int, count: Int)
    /// Rows dated outside the period the import declares (provenance): `count` of them, the first at `row`. Trends
    /// and coverage go by these dates, not by the declared period.
    case outsideDeclaredPeriod(file: String, row: Int, column: String, count: Int, start: String?, end: String?)

    public var description: String {
        switch self {
        case .adminCodesNotChecked(let file, let column, let level):
            "\(file): the admin\(level) P-codes of column \"\(column)\" were not checked, as no gazetteer was given (pim: --gazetteer FILE)"
        case .matchedByTag(let file, let column, let field, let tag):
            "\(file): column \"\(column)\" is read as the schema's field \"\(field)\" (both are tagged \(tag))"
        case .repeatsRejectedRow(let file, let row, let column, let earlier, let count):
            "\(file):\(row):\(column): repeats the value of row \(earlier), which has other issues"
                + (count > 1 ? " (\(count) rows of this column repeat such a row)" : "")
                + "; once row \(earlier) is mended, the two are duplicates and one must go"
        case .outsideDeclaredPeriod(let file, let row, let column, let count, let start, let end):
            "\(file):\(row):\(column): \(count == 1 ? "this row is" : "\(count) rows are (the first here)") dated outside the declared "
                + "period \(start ?? "…")..\(end ?? "…"); trends and coverage use the data's dates, so check the dates or the period"
        case .missingOptionalColumn(let file, let row, let column):
            "\(file):\(row):\(column): the column is missing; the schema does not require it, so its values are empty in every row"
        }
    }
}

/// The result of validating a table against a schema.
public struct ValidationResult: Sendable {
    /// The table in schema order and types; in `importValid` mode only the valid rows. A missing optional
    /// field is a column of nulls.
    public var table: Table
    public var issues: [ValidationIssue]
    public var countsByRule: [ValidationRule: Int]
    public var rowsRead: Int
    public var rowsRejected: Int
    /// What was accepted but is worth saying (a missing optional column).
    public var warnings: [ValidationWarning] = []
    /// The hashtags (`#tag`, each once, in column order) that refused the file (``ValidationRule/unknownHXLTag``).
    public var unknownTags: [String] = []

    public var isValid: Bool { issues.isEmpty }
}

/// Checks a table against a schema and converts its columns to the schema's types.
public struct Validator: Sendable {
    public var schema: Schema
    public var gazetteer: Gazetteer?
    public var fileName: String
    /// Spreadsheet row number of the first data row (2 after a header, 3 after a header and an HXL row).
    public var firstDataRow: Int
    /// Maps a table row index to the row number a spreadsheet shows (accounts for skipped blank lines).
    public var rowNumber: @Sendable (Int) -> Int

    /// The day the file is checked (days since 1970-01-01): a ``Field/past`` date after it is an issue. Nil
    /// leaves such dates unchecked (a pure check; the commands give today).
    public var today: Int32?

    /// The spreadsheet row of the file's HXL hashtag row, where an unknown hashtag is located.
    public var hashtagRow: Int?

    /// The hashtags (without `#`, lower case) outside the HXL core dictionary that the columns the schema
    /// stores may carry, besides extension tags `#x_…`: by default those the schema's own fields declare, as
    /// a schema written or confirmed by a person vouches for its local tags. A schema proposed from the file
    /// echoes the file's tags and vouches for none (``vouchingForNoTags()``); `nil` accepts any hashtag
    /// (pim: `--allow-unknown-tags`). Any other hashtag refuses the file, in every mode (``ValidationRule/unknownHXLTag``).
    public var localTags: Set<String>?

    public init(schema: Schema, gazetteer: Gazetteer? = nil, fileName: String, firstDataRow: Int,
                rowNumber: (@Sendable (Int) -> Int)? = nil) {
        self.schema = schema
        self.gazetteer = gazetteer
        self.fileName = fileName
        self.firstDataRow = firstDataRow
        self.rowNumber = rowNumber ?? { firstDataRow + $0 }
        self.localTags = Set(schema.fields.compactMap { $0.hxl.flatMap(HXLTagSpec.init(parsing:))?.tag })
    }

    /// This validator for a schema proposed from the file itself, whose tags confirm nothing: only core and
    /// extension hashtags are accepted (unless any is, `localTags == nil`).
    public func vouchingForNoTags() -> Validator {
        var out = self
        if out.localTags != nil { out.localTags = [] }
        return out
    }

    /// This validator with the hashtags an import or a check accepts: none beyond core and extension ones when the
    /// schema was proposed from the file, any when unknown tags are allowed, else those the schema declares.
    public func acceptingTags(schemaProposed: Bool, allowingUnknown: Bool) -> Validator {
        var out = schemaProposed ? vouchingForNoTags() : self
        if allowingUnknown { out.localTags = nil }
        return out
    }

    /// A validator for a file as a reader read it.
    public init(schema: Schema, gazetteer: Gazetteer? = nil, report: ReadReport) {
        self.init(schema: schema, gazetteer: gazetteer, fileName: report.fileName, firstDataRow: report.firstDataRow,
                  rowNumber: { report.sourceRow(ofTableRow: $0) })
        hashtagRow = report.hxlRow
    }

    public func validate(_ table: Table) -> ValidationResult {
        var issues: [ValidationIssue] = []
        var bad = [Bool](repeating: false, count: table.rowCount)
        var columns: [Column] = []
        var flagged: [String: Set<Int>] = [:]
        var warnings: [ValidationWarning] = []
        // A gazetteer without a level the schema checks cannot judge that column: said once, not per row,
        // and no row is accepted (a check the user asked for could not be made).
        var uncheckable = false
        // Each field's column in the file, by name or by tag (see Schema.column(for:in:)), found once.
        let sources = schema.fields.map { schema.column(for: $0, in: table) }
        for (field, source) in zip(schema.fields, sources) {
            guard let level = field.checkedAdminLevel, let g = gazetteer, !g.levels.contains(level), source != nil
            else { continue }
            uncheckable = true
            let has = g.levels.map { "admin\($0)" }.joined(separator: ", ")
            issues.append(ValidationIssue(
                file: fileName, row: firstDataRow - 1, column: field.name, rule: .adminCode,
                problem: "the gazetteer has no admin level \(level) to check this column against (it has \(has))",
                expected: "a gazetteer with #adm\(level)+code, or a schema without admin_level \(level) for this column"))
        }
        // A partner's file names a column as the schema does but tags it otherwise, and tags another column as
        // the schema's field (QA11 I22: "Place" tagged #adm1+name beside "Code" tagged #adm1+code, for a field
        // Place #adm1+code): reading the named one would store names as P-codes and drop the codes unsaid.
        for (field, source) in zip(schema.fields, sources) {
            guard let source, source.name == field.name, let hxl = field.hxl, let wanted = HXLTagSpec(parsing: hxl),
                let tag = source.tag, tag.canonical != wanted.canonical,
                let other = table.columns.first(where: { $0.name != field.name && $0.tag?.canonical == wanted.canonical })
            else { continue }
            uncheckable = true
            issues.append(ValidationIssue(
                file: fileName, row: firstDataRow - 1, column: field.name, rule: .hxlTag,
                problem: "the column is tagged \(tag.description), but the schema's field \(field.name) is \(wanted.description), the tag of column \"\(other.name)\"",
                expected: "one column for the field: rename the columns or correct their tags so that the field's name and tag point to the same column"))
        }
        // A hashtag row with tags no one knows (QA11 I18): a column the schema stores under a hashtag outside the
        // HXL core dictionary, not an extension tag, and not one the schema declares, refuses the file.
        var unknownTags: [String] = []
        if let localTags {
            for (field, source) in zip(schema.fields, sources) {
                guard let source, let tag = source.tag, !HXLCoreDictionary.isRecognised(tag.tag), !localTags.contains(tag.tag)
                else { continue }
                uncheckable = true
                if !unknownTags.contains("#" + tag.tag) { unknownTags.append("#" + tag.tag) }
                let suggestion = HXLCoreDictionary.nearestCoreTag(to: tag.tag).map { "#\($0) if that is what is meant, " } ?? ""
                issues.append(ValidationIssue(
                    file: fileName, row: hashtagRow ?? max(1, firstDataRow - 1), column: source.name, rule: .unknownHXLTag,
                    problem: "the column's hashtag #\(tag.tag) (in \(tag.description)) is neither in the HXL core dictionary nor an extension tag"
                        + (field.name != source.name ? " (it is read as the field \(field.name))" : ""),
                    expected: "a core hashtag (\(suggestion)see hxlstandard.org), a local tag written #x_\(tag.tag), "
                        + "a schema that declares \(tag.description) (pim import --schema FILE), or the tag accepted as it is "
                        + "(--allow-unknown-tags; allow_unknown_tags on the web and in the API)"))
            }
        }
        for (field, found) in zip(schema.fields, sources) {
            guard let source = found else {
                if field.required {
                    issues.append(ValidationIssue(
                        file: fileName, row: firstDataRow - 1, column: field.name, rule: .missingColumn,
                        problem: "the column is missing", expected: "the schema requires a column named \"\(field.name)\""))
                } else {
                    // An optional field may be absent from a file: it is stored empty, and said.
                    warnings.append(.missingOptionalColumn(file: fileName, row: firstDataRow - 1, column: field.name))
                    var empty = TypedColumnBuilder(type: field.type, capacity: table.rowCount)
                    for _ in 0..<table.rowCount { empty.appendNull() }
                    columns.append(Column(name: field.name, tag: field.hxl.flatMap(HXLTagSpec.init(parsing:)), data: empty.finish()))
                }
                continue
            }
            if gazetteer == nil, let level = field.checkedAdminLevel {
                warnings.append(.adminCodesNotChecked(file: fileName, column: source.name, level: level))
            }
            if source.name != field.name {
                warnings.append(.matchedByTag(
                    file: fileName, column: source.name, field: field.name, tag: source.tag?.description ?? field.hxl ?? ""))
            }
            var checker = FieldChecker(field: field, file: fileName, rowNumber: rowNumber, gazetteer: gazetteer)
            checker.today = today
            let converted = checker.convert(source)
            checker.checkConstraints(converted)
            for i in checker.issues { bad[i.row] = true }
            if !schema.rules.isEmpty { flagged[field.name] = Set(checker.issues.map(\.row)) }
            issues.append(contentsOf: checker.issues.map(\.issue))
            columns.append(converted)
        }
        for located in adminHierarchyIssues(columns) + schemaRuleIssues(columns, flagged: flagged) {
            bad[located.row] = true
            issues.append(located.issue)
        }
        // Last, once every other issue is known: uniqueness is judged among the rows that are kept.
        for located in uniquenessIssues(columns, rejected: &bad, warnings: &warnings) {
            issues.append(located.issue)
        }
        var counts: [ValidationRule: Int] = [:]
        for i in issues { counts[i.rule, default: 0] += 1 }
        issues.sort { ($0.row, $0.column) < ($1.row, $1.column) }
        let missing = counts[.missingColumn, default: 0] > 0
        let goodRows = missing || uncheckable ? [] : (0..<table.rowCount).filter { !bad[$0] }
        let full = (try? Table(columns: columns)) ?? .empty
        let out = goodRows.count == table.rowCount ? full : full.selectingRows(goodRows)
        return ValidationResult(table: out, issues: issues, countsByRule: counts, rowsRead: table.rowCount,
                                rowsRejected: table.rowCount - goodRows.count, warnings: warnings, unknownTags: unknownTags)
    }
}

/// Per-field conversion and checks. Works per distinct value where it can (text is dictionary-encoded).
struct FieldChecker {
    /// `row` is the table row index; the issue carries the spreadsheet row number.
    struct Located { var row: Int; var issue: ValidationIssue }
    let field: Field
    let file: String
    let rowNumber: @Sendable (Int) -> Int
    let gazetteer: Gazetteer?
    var today: Int32?
    var issues: [Located] = []

    init(field: Field, file: String, rowNumber: @escaping @Sendable (Int) -> Int, gazetteer: Gazetteer?) {
        self.field = field
        self.file = file
        self.rowNumber = rowNumber
        self.gazetteer = gazetteer
    }

    /// Roles whose values no message quotes, not even a code (admin codes of a quasi-identifier column name
    /// places, and are quoted so that a typo can be found).
    /// "a 5-character", "an 8-character", "an 11-character": the article as the number is said.
    static func aLength(_ n: Int) -> String {
        let digits = String(n)
        let vowelSound = digits.hasPrefix("8") || ((digits.count - 2) % 3 == 0 && (digits.hasPrefix("11") || digits.hasPrefix("18")))
        return "\(vowelSound ? "an" : "a") \(n)-character"
    }

    static func protectsValues(_ role: DisclosureRole) -> Bool { [.directIdentifier, .sensitive, .householdID].contains(role) }


    /// Upper-case ASCII letters, digits, `-`, `_` or `.`, with a digit, at most 16 characters: a P-code or
    /// another code, never a name.
    static func looksLikeCode(_ s: String) -> Bool {
        s.utf8.count <= 16 && s.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 })
            && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }

    /// A cell's value in a message: never the value itself, whatever the field's role (an age or a household
    /// size out of range is personal data too; the row and column locate it), only its length.
    func shown(_ s: String) -> String { "found \(Self.aLength(s.count)) value" }

    /// A typed cell's value in a message: its length only (see ``shown(_:)``).
    func described(_ v: Value) -> String { "\(Self.aLength(v.plainText.count)) value" }

    mutating func report(_ row: Int, _ rule: ValidationRule, _ problem: String, _ expected: String) {
        let r = rowNumber(row)
        issues.append(Located(row: row, issue: ValidationIssue(file: file, row: r, column: field.name, rule: rule,
                                                              problem: problem, expected: expected)))
    }

    /// Converts `c` to the field's type; cells that do not convert become null and are reported.
    mutating func convert(_ c: Column) -> Column {
        let target = field.type
        if c.type == target { return Column(name: field.name, tag: c.tag, data: c.data) }
        let n = c.count
        // Text per distinct value: parse each dictionary entry once.
        if case .text(let codes, let dict) = c.data {
            let parsed = dict.map { TextParsing.parse($0, as: target) }
            var builder = TypedColumnBuilder(type: target, capacity: n)
            for row in 0..<n {
                let code = codes[row]
                if code < 0 { builder.appendNull(); continue }
                if let v = parsed[Int(code)] { builder.append(v) } else {
                    builder.appendNull()
                    report(row, .type, "not \(TextParsing.article(target)) (\(shown(dict[Int(code)])))", TextParsing.hint(target))
                }
            }
            return Column(name: field.name, tag: c.tag, data: builder.finish())
        }
        var builder = TypedColumnBuilder(type: target, capacity: n)
        for row in 0..<n {
            let v = c[row]
            if v.isNull { builder.appendNull(); continue }
            if let w = TextParsing.convert(v, to: target) { builder.append(w) } else {
                builder.appendNull()
                let found = "\(TextParsing.article(c.type)), \(v.plainText.count) characters long"
                report(row, .type, "not \(TextParsing.article(target)) (found \(found))",
                       TextParsing.hint(target))
            }
        }
        return Column(name: field.name, tag: c.tag, data: builder.finish())
    }

    mutating func checkConstraints(_ c: Column) {
        let n = c.count
        let failedType = Set(issues.map(\.row))
        if field.required {
            // Only spaces (or invisible characters such as a zero-width space) count as empty too.
            var blank: [Bool] = []
            if case .text(_, let dict) = c.data {
                blank = dict.map { $0.unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0.properties.isDefaultIgnorableCodePoint } }
            }
            for row in 0..<n where !failedType.contains(row) {
                let empty: Bool
                if case .text(let codes, _) = c.data { empty = codes[row] < 0 || blank[Int(codes[row])] } else { empty = c.isNull(row) }
                if empty { report(row, .required, "the value is empty", "this field is required") }
            }
        }
        // A pattern that is not a regular expression fails every value (schema files are checked when
        // read; this guards any other way a schema came in): it must not pass unchecked.
        let regex = field.pattern.flatMap(Field.regularExpression)
        let pattern = field.pattern
        let patternFails: (String) -> Bool = { s in
            guard pattern != nil else { return false }
            guard let regex else { return true }
            return regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil
        }
        let patternExpected = regex == nil
            ? "the schema's pattern is not a valid regular expression: fix the schema"
            : "expected text matching \(pattern ?? "")"
        // Allowed values of a typed field are compared as that type writes them: "01" allows 1, "yes" true.
        let allowed = field.allowedValues.map { values in
            Set(field.type == .text ? values : values.compactMap { TextParsing.parse($0, as: field.type).map(\.plainText) })
        }
        let level = field.checkedAdminLevel
        // Check each distinct value once when the column is text.
        if case .text(let codes, let dict) = c.data {
            var verdicts: [[(ValidationRule, String, String)]] = dict.map { s in
                var v: [(ValidationRule, String, String)] = []
                if let allowed, !allowed.contains(s) {
                    let list = allowed.sorted().prefix(12).joined(separator: ", ")
                    v.append((.allowedValues, "not an allowed value (\(shown(s)))", "use one of: \(list)\(allowed.count > 12 ? ", …" : "")"))
                }
                if patternFails(s) {
                    v.append((.pattern, "does not match the pattern (\(shown(s)))", patternExpected))
                }
                if let level, let g = gazetteer, g.levels.contains(level), !g.contains(s, level: level) {
                    // A value shaped like a code is quoted (a place, not a person, and it shows the typo), with the
                    // nearest codes; anything else, such as a name shifted into the column, is described. In a
                    // column marked identifying or sensitive nothing is quoted or suggested (a suggestion would
                    // narrow the value down).
                    // Code-like means shaped like this gazetteer's codes of the level (QA11 I24: a phone or case
                    // number shifted into the column was quoted, and went into the error report).
                    let protected = Self.protectsValues(field.role)
                    // A code written in another case ("sd01") is the gazetteer's code: said so, with the code as
                    // written in the gazetteer (grouping would otherwise count "sd01" and "SD01" as two areas).
                    if !protected, s.uppercased() != s, g.contains(s.uppercased(), level: level) {
                        v.append((.adminCode, "admin\(level) P-code \"\(s)\" is not in capital letters",
                                  "write it as the gazetteer does: \(s.uppercased())"))
                        return v
                    }
                    let shaped = !protected && Self.looksLikeCode(s) && g.isShaped(s, likeCodesOf: level)
                    let near = shaped ? g.suggestions(for: s, level: level) : []
                    let found = shaped
                        ? "\"\(s)\"" : "(found \(Self.aLength(s.count)) value\(protected ? "" : " not shaped like its P-codes"))"
                    v.append((.adminCode, "unknown admin\(level) P-code \(found)",
                              near.isEmpty ? "expected a P-code of admin level \(level) from the gazetteer" : "did you mean \(near.joined(separator: " or "))?"))
                }
                return v
            }
            for row in 0..<n {
                let code = codes[row]
                guard code >= 0 else { continue }
                for (rule, p, e) in verdicts[Int(code)] { report(row, rule, p, e) }
            }
            verdicts.removeAll()
            return
        }
        for row in 0..<n {
            let v = c[row]
            if v.isNull { continue }
            // A reader may have inferred inf or nan as decimals; no range check would catch nan.
            if case .decimal(let d) = v, !d.isFinite {
                report(row, .type, "not a finite number", TextParsing.hint(.decimal))
                continue
            }
            // (A day's grace: the file may come from a time zone ahead of UTC.)
            if field.past, let today, case .date(let d) = v, d > today + 1 {
                report(row, .range, "the date is in the future, for something that has happened",
                       "expected a date on or before \(CivilDays.iso(today)) (a mistyped year?)")
            }
            if let x = TextParsing.number(v) {
                if let lo = field.minimum, x < lo { report(row, .range, "below the minimum (\(described(v)))", "expected at least \(field.boundText(lo))") }
                if let hi = field.maximum, x > hi { report(row, .range, "above the maximum (\(described(v)))", "expected at most \(field.boundText(hi))") }
            }
            if let allowed, !allowed.contains(v.plainText) {
                report(row, .allowedValues, "not an allowed value", "use one of: \(allowed.sorted().prefix(12).joined(separator: ", "))")
            }
            // Numbers, dates and booleans are matched as written back (42, 2026-03-31, true).
            if patternFails(v.plainText) {
                report(row, .pattern, "does not match the pattern (\(described(v)))", patternExpected)
            }
        }
    }
}

extension Field {
    /// The admin level whose P-codes this field holds: its `admin_level`, or else the level of its HXL tag
    /// when that is `#admN+code` (a column tagged so is checked against a gazetteer given without being told).
    public var checkedAdminLevel: Int? {
        if let adminLevel { return adminLevel }
        return hxl.flatMap(HXLTagSpec.init(parsing:)).flatMap { SchemaProposal.adminLevel(tag: $0) }
    }
}
