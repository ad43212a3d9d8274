import Foundation

/// Decides which of a file's first rows are headers, and the column names and HXL tags they give.
///
/// If one of the first rows is an HXL hashtag row, the row directly above it (if any) gives the names,
/// any rows above that are extra header rows, and the data starts below the hashtag row. Otherwise
/// the first row gives the names. A column with no name is named by its tagspec, else `column_N`; a name
/// shared by several tagged columns is followed by each one's tagspec. In a hashtag row that is the first
/// row, a cell not written as a tag (no `#`) names an untagged column.
struct HeaderResolver {
    var names: [String]
    var tags: [HXLTagSpec?]
    /// Index (in the given records) of the hashtag row.
    var hxlRecord: Int?
    /// Index of the first data record.
    var dataRecord: Int
    /// The columns that have neither a name nor a tag (named `column_N` by their place).
    var unnamed: Set<Int>
    /// Columns (0-based) whose cell in the hashtag row is text, not a tag: untagged (HXL 1.1; QA11 I23).
    var untaggedText: [Int] = []
    /// Names made unique with `_2`, `_3`, …: columns named by a hashtag another column has too.
    var numberedTagNames: [String] = []

    /// What the reader says of the header: text in the hashtag row, hashtags numbered into names.
    var warnings: [ReadWarning] {
        (untaggedText.isEmpty ? [] : [.untaggedInHashtagRow(positions: untaggedText.map { $0 + 1 })])
            + (numberedTagNames.isEmpty ? [] : [.repeatedTagNames(columns: numberedTagNames)])
    }

    /// - Parameters:
    ///   - records: the first rows' cells, with quoting and formula guards removed.
    ///   - rowNumbers: each record's 1-based row number, for errors.
    init(records: [[String]], rowNumbers: [Int], fileName: String, detectHXL: Bool, searchRows: Int)
        throws(TableReadError)
    {
        let hxl = detectHXL ? HXLHashtagRow.find(in: Array(records.prefix(max(1, searchRows)))) : nil
        let nameRecord = hxl.map { max(0, $0 - 1) } ?? 0
        let hasNameRow = hxl.map { $0 > 0 } ?? true
        let nameCells = hasNameRow && nameRecord < records.count ? records[nameRecord] : []
        var fields = nameCells.count
        var tagCells: [String] = []
        if let h = hxl {
            tagCells = records[h]
            let lastTag = tagCells.lastIndex { !$0.allSatisfy(\.isWhitespace) } ?? -1
            fields = max(fields, lastTag + 1)
        }
        var names: [String] = []
        for k in 0..<fields {
            let text = k < nameCells.count ? nameCells[k].trimmingCharacters(in: .whitespacesAndNewlines) : ""
            names.append(text)
        }
        // An empty name under a header row above (a label spanning two rows, "Site" over an empty cell beside
        // "Age" over "years") takes that row's label; a title row (one cell) gives no names.
        if hasNameRow, nameRecord > 0 {
            for above in stride(from: nameRecord - 1, through: 0, by: -1) {
                let cells = records[above].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                guard cells.filter({ !$0.isEmpty }).count > 1 else { break }
                for k in 0..<fields where names[k].isEmpty && k < cells.count { names[k] = cells[k] }
            }
        }
        var tags: [HXLTagSpec?] = Array(repeating: nil, count: fields)
        var fromTag = Set<Int>()
        if let h = hxl {
            for k in 0..<fields {
                let cell = k < tagCells.count ? tagCells[k] : ""
                if cell.allSatisfy(\.isWhitespace) { continue }
                // A hashtag row that is the file's first row has no names above it: a cell in it that is not
                // written as a tag is the name of an untagged column (a CSV of names, most of them tagspecs,
                // as pim writes a table read from HXL JSON objects), not a mistaken tag.
                if !hasNameRow, !HXLTagSpec.looksLikeTag(cell) {
                    names[k] = cell.trimmingCharacters(in: .whitespacesAndNewlines)
                    continue
                }
                // Under names, a cell not written as a tag ("see annex") leaves its column untagged, as HXL tools
                // read it; one written as a tag but malformed is still refused (a typo in a tag).
                if hasNameRow, cell.drop(while: \.isWhitespace).first != "#" {
                    untaggedText.append(k)
                    continue
                }
                guard let spec = HXLTagSpec(parsing: cell) else {
                    let name = names[k].isEmpty ? "column_\(k + 1)" : names[k]
                    throw .invalidHashtag(file: fileName, row: rowNumbers[h], column: name)
                }
                tags[k] = spec
                if names[k].isEmpty {
                    names[k] = spec.description
                    fromTag.insert(k)
                }
            }
        }
        let unnamed = Set((0..<fields).filter { names[$0].isEmpty })
        for k in unnamed { names[k] = "column_\(k + 1)" }
        // A label repeated over several columns (a group label such as "People in need" over its female
        // and male columns) is told apart by the columns' tags: each becomes "label #tag+attributes".
        let repeated = Dictionary(grouping: names.indices, by: { names[$0] }).values.filter { $0.count > 1 }
        for group in repeated {
            // (Attributes are a set in HXL: #inneed+f+adults and #inneed+adults+f are the same column.)
            let specs = group.compactMap { k in tags[k]?.canonical }
            guard specs.count == group.count, Set(specs).count == specs.count else { continue }
            for k in group { names[k] = names[k] + " " + (tags[k]?.description ?? "") }
        }
        // HXL lets several columns carry the same hashtag: those named by it (no header name) are numbered.
        var taken = Set(names.indices.filter { !fromTag.contains($0) }.map { names[$0] })
        for k in names.indices where fromTag.contains(k) {
            guard taken.contains(names[k]) else {
                taken.insert(names[k])
                continue
            }
            var n = 2
            while taken.contains(names[k] + "_\(n)") { n += 1 }
            names[k] += "_\(n)"
            taken.insert(names[k])
            numberedTagNames.append(names[k])
        }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw .duplicateColumn(file: fileName, column: name, row: nameRecord < rowNumbers.count ? rowNumbers[nameRecord] : nil)
        }
        self.names = names
        self.tags = tags
        self.hxlRecord = hxl
        self.dataRecord = (hxl ?? nameRecord) + 1
        self.unnamed = unnamed
    }
}
