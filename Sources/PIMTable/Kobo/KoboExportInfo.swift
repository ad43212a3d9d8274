/// What a KoboToolbox export (CSV or XLSX with "XML values and headers") contains beyond plain columns.
///
/// Kobo names columns by the question's XML path, `group_a/age`; the reader shortens these to the
/// question name (`age`) and keeps the group path here. If shortening would make two names equal, the
/// full path is kept for those columns. A select-multiple question `q` is exported as a column `q`
/// (the choices separated by spaces) plus one 0/1 column `q/choice` per choice; these are recognised
/// as choices of `q`. Meta columns such as `_uuid` and `_submission_time` are listed by kind.
public struct KoboExportInfo: Sendable, Hashable {
    /// The kinds of meta column Kobo adds.
    public enum MetaColumn: String, Sendable, Hashable, CaseIterable {
        case id = "_id"
        case uuid = "_uuid"
        case submissionTime = "_submission_time"
        case index = "_index"
        case validationStatus = "_validation_status"
        case submittedBy = "_submitted_by"
        case status = "_status"
        case notes = "_notes"
        case tags = "_tags"
        case version = "__version__"
        case parentIndex = "_parent_index"
        case parentTableName = "_parent_table_name"
    }

    /// A question column and where it sits in the form.
    public struct Question: Sendable, Hashable {
        /// The column's name in the table.
        public var name: String
        /// The header as exported, e.g. `group_a/age`.
        public var exportedName: String
        /// The enclosing groups, outermost first, e.g. `["group_a"]`.
        public var groupPath: [String]
    }

    /// A 0/1 column marking one choice of a select-multiple question.
    public struct SelectMultipleChoice: Sendable, Hashable {
        /// The column's name in the table, e.g. `fruits/apple`.
        public var column: String
        /// The question's column name in the table, e.g. `fruits`.
        public var question: String
        /// The choice's XML value, e.g. `apple`.
        public var choice: String
    }

    /// Meta columns by table column name.
    public var metaColumns: [String: MetaColumn]
    public var questions: [Question]
    public var selectMultipleChoices: [SelectMultipleChoice]
    /// Columns whose group path was kept because the short name was not unique.
    public var keptGroupPaths: [String]

    /// Whether `name` is an XML path as Kobo writes its headers: `/`-separated XML names (a letter or
    /// `_`, then letters, digits, `_`, `.` or `-`), without spaces or brackets. Label headers are not.
    static func isXMLPath(_ name: String) -> Bool {
        name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { part in
            guard let first = part.first, first.isLetter || first == "_" else { return false }
            return part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }
        }
    }

    /// Recognises a Kobo export by its `_uuid` or `_submission_time` column; `nil` for other tables.
    public static func detect(in table: Table) -> KoboExportInfo? {
        let names = table.columnNames
        guard names.contains(MetaColumn.uuid.rawValue) || names.contains(MetaColumn.submissionTime.rawValue) else {
            return nil
        }
        let nameSet = Set(names)
        var meta: [String: MetaColumn] = [:]
        var choiceOf: [Int: (question: String, choice: String)] = [:]
        for (k, column) in table.columns.enumerated() {
            if let m = MetaColumn(rawValue: column.name) {
                meta[column.name] = m
                continue
            }
            guard isXMLPath(column.name), let slash = column.name.lastIndex(of: "/") else { continue }
            let question = String(column.name[..<slash])
            let choice = String(column.name[column.name.index(after: slash)...])
            if nameSet.contains(question) && !choice.isEmpty && isZeroOne(column) {
                choiceOf[k] = (question, choice)
            }
        }
        // Short names for questions; a short name used twice keeps the full path.
        var shortCount: [String: Int] = [:]
        // (A header that is not an XML path, such as the label "Sex (M/F)", is kept whole.)
        func short(_ name: String) -> String { isXMLPath(name) ? shortName(name) : name }
        for (k, column) in table.columns.enumerated() where meta[column.name] == nil && choiceOf[k] == nil {
            shortCount[short(column.name), default: 0] += 1
        }
        var finalName: [String: String] = [:]
        var questions: [Question] = []
        var kept: [String] = []
        for (k, column) in table.columns.enumerated() where meta[column.name] == nil && choiceOf[k] == nil {
            let short = short(column.name)
            let path = isXMLPath(column.name) ? column.name.split(separator: "/").dropLast().map(String.init) : []
            let collides =
                shortCount[short, default: 0] > 1 || meta[short] != nil
                || (short != column.name && nameSet.contains(short))
            let name = collides ? column.name : short
            if name != short { kept.append(column.name) }
            finalName[column.name] = name
            questions.append(Question(name: name, exportedName: column.name, groupPath: path))
        }
        var choices: [SelectMultipleChoice] = []
        var used = Set(finalName.values).union(meta.keys)
        for (k, column) in table.columns.enumerated() {
            guard let (q, c) = choiceOf[k] else { continue }
            let qName = finalName[q] ?? q
            var name = qName + "/" + c
            if used.contains(name) { name = column.name }
            used.insert(name)
            finalName[column.name] = name
            choices.append(SelectMultipleChoice(column: name, question: qName, choice: c))
        }
        return KoboExportInfo(metaColumns: meta, questions: questions, selectMultipleChoices: choices, keptGroupPaths: kept)
            .withRenames(finalName)
    }

    /// Exported name → table name, for ``apply(to:)``.
    private var renames: [String: String] = [:]

    private init(
        metaColumns: [String: MetaColumn], questions: [Question], selectMultipleChoices: [SelectMultipleChoice],
        keptGroupPaths: [String]
    ) {
        self.metaColumns = metaColumns
        self.questions = questions
        self.selectMultipleChoices = selectMultipleChoices
        self.keptGroupPaths = keptGroupPaths
    }

    private func withRenames(_ r: [String: String]) -> KoboExportInfo {
        var copy = self
        copy.renames = r
        return copy
    }

    /// The table with columns renamed to their short names.
    public func apply(to table: Table) -> Table {
        let columns = table.columns.map { c -> Column in
            var c = c
            if let n = renames[c.name] { c.name = n }
            return c
        }
        // Renaming is injective by construction; fall back to the original table if not.
        return (try? Table(columns: columns)) ?? table
    }

    private static func shortName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    private static func isZeroOne(_ column: Column) -> Bool {
        switch column.data {
        case .integer(let v, let nulls):
            return v.indices.allSatisfy { nulls.isNull($0) || v[$0] == 0 || v[$0] == 1 }
        case .decimal(let v, let nulls):
            return v.indices.allSatisfy { nulls.isNull($0) || v[$0] == 0 || v[$0] == 1 }
        case .boolean: return true
        case .text(let codes, _): return codes.allSatisfy { $0 < 0 }
        case .date: return false
        }
    }
}

extension ReadResult {
    /// Reads the table as a KoboToolbox export when it looks like one: group paths shortened, the export's
    /// description in the report, and a warning for the columns whose group path had to be kept. Every
    /// reader (CSV, JSON, XLSX) ends with this, so an export is read the same whatever its format.
    mutating func interpretKobo() {
        guard let kobo = KoboExportInfo.detect(in: table) else { return }
        table = kobo.apply(to: table)
        for (k, c) in table.columns.enumerated() where k < report.profiles.count { report.profiles[k].name = c.name }
        report.kobo = kobo
        if !kobo.keptGroupPaths.isEmpty { report.warnings.append(.keptGroupPaths(columns: kobo.keptGroupPaths)) }
    }
}
