/// Turns scanned sheet cells into a typed ``Table``: finds the header (and an HXL hashtag row),
/// propagates merged header cells, and chooses each column's type.
struct XLSXTableBuilder {
    let cells: XLSXSheetCells
    let sharedStrings: [String]
    let sheet: String
    let detectHashtagRow: Bool
    /// Type text cells that read as numbers, dates or booleans (see ``XLSXReadOptions/typesFromText``).
    var typesFromText = true

    struct Output {
        var table: Table
        var headerRow: Int
        var warnings: [String]
        /// Sheet rows read as headers (above the hashtag row, if any).
        var headerRows: [Int] = []
        /// The sheet row of the hashtag row.
        var hxlRow: Int?
        /// The sheet row of the table's first row.
        var firstDataRow = 2
        /// Table row indices before which an empty sheet row was skipped (repeated for several), sorted.
        var emptyRowsBefore: [Int] = []
    }

    /// - Parameter file: the workbook's name, for errors.
    func build(file: String) throws(XLSXError) -> Output {
        var warnings: [String] = []
        if cells.errorCellCount > 0 {
            let listed = cells.errorCells.joined(separator: ", ")
            let more = cells.errorCellCount > cells.errorCells.count ? ", …" : ""
            warnings.append(
                "\(cells.errorCellCount) error cell(s) such as #N/A were read as empty: \(listed)\(more)")
        }
        if cells.uncomputedFormulaCount > 0 {
            // (A program that writes formulas without calculating them, such as a script, leaves no value to read.)
            let listed = cells.uncomputedFormulaCells.joined(separator: ", ")
            let more = cells.uncomputedFormulaCount > cells.uncomputedFormulaCells.count ? ", …" : ""
            warnings.append(
                "\(cells.uncomputedFormulaCount) formula cell(s) had no computed value and were read as empty: \(listed)\(more); "
                    + "open and save the workbook in a spreadsheet program to store their values")
        }
        // Rows that hold at least one cell.
        var maxRow = 0
        for column in cells.columns { for e in column { maxRow = max(maxRow, Int(e.row)) } }
        guard maxRow > 0 else { return Output(table: .empty, headerRow: 0, warnings: warnings, firstDataRow: 1) }
        var occupied = [Bool](repeating: false, count: maxRow + 1)
        for column in cells.columns { for e in column { occupied[Int(e.row)] = true } }
        let candidates = Array((1...maxRow).lazy.filter { occupied[$0] }.prefix(25))
        let firstRow = candidates[0]

        // Header rows and the hashtag row.
        var headerRows: [Int] = [firstRow]
        var tags: [Int: HXLTagSpec] = [:]
        var lastHeader = firstRow
        var hxlRow: Int?
        if detectHashtagRow, let found = findHashtagRow(candidates) {
            tags = found.specs
            lastHeader = found.row
            hxlRow = found.row
            let index = candidates.firstIndex(of: found.row) ?? 0
            if index == 0 {
                headerRows = []
            } else {
                headerRows = [candidates[index - 1]]
                if index >= 2, !isTitle(candidates[index - 2]),
                    hasHorizontalMerge(inRow: candidates[index - 2])
                        || hasVerticalMerge(from: candidates[index - 2], through: candidates[index - 1])
                {
                    headerRows.insert(candidates[index - 2], at: 0)
                }
                let skipped = index - headerRows.count
                if skipped > 0 { warnings.append("\(skipped) row(s) above the header were skipped") }
            }
        } else if isTitle(firstRow), candidates.count >= 2 {
            // A title merged across every column ("Survey 2026") above the header: not part of the names.
            headerRows = [candidates[1]]
            lastHeader = candidates[1]
            warnings.append("row \(firstRow) (a title across every column) was skipped")
        } else if candidates.count >= 2, candidates[1] == firstRow + 1,
            (hasHorizontalMerge(inRow: firstRow) && isSubHeader(firstRow + 1, under: firstRow))
                || (hasVerticalMerge(from: firstRow, through: firstRow + 1) && isTextRow(firstRow + 1))
        {
            // A two-row header: a group label merged across its columns over their labels, or labels merged
            // down over both rows beside labels of two rows ("Name" over A1:A2, "Age" over "years").
            headerRows = [firstRow, firstRow + 1]
            lastHeader = firstRow + 1
        }
        let dataStart = lastHeader + 1

        // Header texts, with merged cells propagated across their span.
        var headerTexts: [[Int: String]] = headerRows.map { rowTexts($0) }
        // Merges come from the file, so bound the work: distinct ranges, spans cut to the used columns.
        let usedColumns = max(cells.columns.count, 1)
        var originTexts: [Int: [Int: String]] = [:]
        // Columns that took a label from a merged cell beside them (one label over several columns).
        var spanned = Set<Int>()
        for (i, row) in headerRows.enumerated() {
            for m in Set(cells.merges) where m.firstRow <= row && row <= m.lastRow && m.firstColumn < usedColumns {
                if originTexts[m.firstRow] == nil { originTexts[m.firstRow] = rowTexts(m.firstRow) }
                guard let v = originTexts[m.firstRow]?[m.firstColumn] else { continue }
                for c in m.firstColumn...min(m.lastColumn, usedColumns - 1) where headerTexts[i][c] == nil {
                    headerTexts[i][c] = v
                    if c != m.firstColumn { spanned.insert(c) }
                }
            }
        }

        // Table rows: occupied sheet rows from dataStart on; fully empty rows are dropped, and remembered
        // so that row numbers stay those the spreadsheet shows.
        var tableRow = [Int32](repeating: -1, count: maxRow + 1)
        var rowCount = 0
        var firstDataRow = dataStart
        var emptyRowsBefore: [Int] = []
        if dataStart <= maxRow {
            firstDataRow = (dataStart...maxRow).first { occupied[$0] } ?? dataStart
            for r in firstDataRow...maxRow {
                if occupied[r] {
                    tableRow[r] = Int32(rowCount)
                    rowCount += 1
                } else {
                    emptyRowsBefore.append(rowCount)
                }
            }
            if !emptyRowsBefore.isEmpty {
                warnings.append("\(emptyRowsBefore.count) empty row(s) between data rows were skipped")
            }
        }

        // Columns.
        var built: [Column] = []
        var usedNames = Set<String>()
        let columnCount = max(cells.columns.count, headerTexts.map { ($0.keys.max() ?? -1) + 1 }.max() ?? 0)
        // The names, first, to tell repeated ones apart as the CSV reader does: by the columns' tags when
        // they differ; a label a merged cell spreads over several columns gets _2, _3; anything else repeated
        // is refused.
        var names: [Int: String] = [:]
        for c in 0..<columnCount {
            let entries = c < cells.columns.count ? cells.columns[c] : []
            let parts = headerTexts.compactMap { $0[c].map { String($0.xlsxTrimmed) } }.filter { !$0.isEmpty }
            var unique: [String] = []
            for p in parts where unique.last != p { unique.append(p) }
            let hasData = entries.contains { Int($0.row) >= dataStart }
            if unique.isEmpty, !hasData, tags[c] == nil { continue }
            var name = unique.joined(separator: " / ")
            if name.isEmpty { name = headerRows.isEmpty ? (tags[c]?.description ?? "") : "" }
            if name.isEmpty { name = "column_\(c + 1)" }
            names[c] = name
        }
        for group in Dictionary(grouping: names.keys, by: { names[$0] ?? "" }).values where group.count > 1 {
            let specs = group.compactMap { c in tags[c]?.canonical }
            if specs.count == group.count, Set(specs).count == specs.count {
                for c in group { names[c] = (names[c] ?? "") + " " + (tags[c]?.description ?? "") }
            } else if !group.contains(where: spanned.contains) {
                throw .duplicateColumn(file: file, sheet: sheet, column: names[group[0]] ?? "")
            }
        }
        for c in 0..<columnCount {
            let entries = c < cells.columns.count ? cells.columns[c] : []
            guard let name = names[c] else { continue }
            var candidate = name
            var n = 2
            while usedNames.contains(candidate) {
                candidate = "\(name)_\(n)"
                n += 1
            }
            usedNames.insert(candidate)
            let data = typedData(entries, tableRow: tableRow, dataStart: dataStart, rowCount: rowCount)
            built.append(Column(name: candidate, tag: tags[c], data: data))
        }
        let headerRow = headerRows.first ?? lastHeader
        return Output(
            table: Table(unchecked: built, rowCount: rowCount), headerRow: headerRow, warnings: warnings,
            headerRows: headerRows, hxlRow: hxlRow, firstDataRow: firstDataRow, emptyRowsBefore: emptyRowsBefore)
    }

    // MARK: - Header helpers

    /// The first row that is a hashtag row; or the row below it when that repeats its tags (names that are
    /// tagspecs written above the same tags, as HXL outputs of such tables are: see ``HXLHashtagRow/find(in:)``).
    /// A row of unknown tags beside another is data, as in ``HXLHashtagRow/isTagLikeData(_:at:)``.
    private func findHashtagRow(_ candidates: [Int]) -> (row: Int, specs: [Int: HXLTagSpec])? {
        let texts = candidates.map { row -> [String] in
            let cells = rowTexts(row)
            return (0..<((cells.keys.max() ?? -1) + 1)).map { cells[$0] ?? "" }
        }
        for (i, row) in candidates.enumerated() {
            guard let specs = XLSXHashtagRow.parse(rowTexts(row)), !HXLHashtagRow.isTagLikeData(texts, at: i) else {
                continue
            }
            if i + 1 < candidates.count, candidates[i + 1] == row + 1, let next = XLSXHashtagRow.parse(rowTexts(row + 1)),
                !specs.isEmpty, specs.allSatisfy({ next[$0.key]?.canonical == $0.value.canonical })
            {
                return (row + 1, next)
            }
            return (row, specs)
        }
        return nil
    }

    /// Whether `row` reads as the second row of a two-row header under `top`: every cell it has is text
    /// and lies under a cell of `top` merged across columns (the labels of a group's parts). A row with a
    /// number, a date or a value outside the merged groups is data, and must not become part of the names.
    private func isSubHeader(_ row: Int, under top: Int) -> Bool {
        let spans = cells.merges.filter { $0.firstRow == top && $0.lastRow == top && $0.lastColumn > $0.firstColumn }
        for (c, column) in cells.columns.enumerated() {
            for e in column where Int(e.row) == row {
                switch e.value {
                case .text, .shared: break
                default: return false
                }
                guard spans.contains(where: { $0.firstColumn <= c && c <= $0.lastColumn }) else { return false }
            }
        }
        return true
    }

    /// Whether `row` is a title: one cell merged across every column the sheet uses, over a row of labels
    /// (over data it is the columns' one header, as in "Score" over two columns of numbers).
    private func isTitle(_ row: Int) -> Bool {
        let width = cells.columns.count
        guard width > 1 else { return false }
        return cells.merges.contains { $0.firstRow == row && $0.lastRow == row && $0.firstColumn == 0 && $0.lastColumn >= width - 1 }
            && rowTexts(row).count == 1 && isTextRow(row + 1)
    }

    /// Whether a cell of `top` is merged down through row `bottom` (a label spanning both header rows).
    private func hasVerticalMerge(from top: Int, through bottom: Int) -> Bool {
        cells.merges.contains { $0.firstRow == top && $0.lastRow >= bottom }
    }

    /// Whether every cell `row` has is text (labels, not data).
    private func isTextRow(_ row: Int) -> Bool {
        var any = false
        for column in cells.columns {
            for e in column where Int(e.row) == row {
                switch e.value {
                case .text, .shared: any = true
                default: return false
                }
            }
        }
        return any
    }

    private func hasHorizontalMerge(inRow row: Int) -> Bool {
        cells.merges.contains { $0.firstRow == row && $0.lastRow == row && $0.lastColumn > $0.firstColumn }
    }

    /// The textual form of each cell in `row`, by column.
    private func rowTexts(_ row: Int) -> [Int: String] {
        var out: [Int: String] = [:]
        for (c, column) in cells.columns.enumerated() {
            // Header rows are near the top, so a linear scan from the start is short.
            for e in column {
                if Int(e.row) == row, case let s = text(e.value), !s.isEmpty { out[c] = s }
                if Int(e.row) >= row { break }
            }
        }
        return out
    }

    private func text(_ cell: XLSXCell) -> String {
        switch cell {
        case .number(let d): XLSXTableBuilder.shortest(d)
        case .date(let d): XLSXDateFormat.isoString(days: d)
        case .text(let s): s
        case .shared(let i): sharedStrings[Int(i)]
        case .boolean(let b): b ? "TRUE" : "FALSE"
        case .error: ""
        }
    }

    /// Whether every non-empty text cell reads as an integer, decimal, date or boolean by the CSV reader's
    /// rules (each shared string is looked at once). An empty text is a null, as in CSV.
    private func textsAreTyped(_ entries: [XLSXSheetCells.Entry], dataStart: Int) -> Bool {
        var seen: [Int32: Bool] = [:]
        func typed(_ s: String) -> Bool {
            var s = s
            return s.withUTF8 { b in
                guard let p = b.baseAddress, b.count > 0 else { return true }
                return CellParsing.classify(p, b.count) != .text
            }
        }
        for e in entries where Int(e.row) >= dataStart {
            switch e.value {
            case .text(let s):
                if !typed(s) { return false }
            case .shared(let i):
                if let known = seen[i] {
                    if !known { return false }
                } else {
                    let ok = Int(i) < sharedStrings.count && typed(sharedStrings[Int(i)])
                    seen[i] = ok
                    if !ok { return false }
                }
            case .number, .date, .boolean, .error: continue
            }
        }
        return true
    }

    /// The shortest text that reads back as `d`: `3` rather than `3.0`.
    static func shortest(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    // MARK: - Column typing

    private func typedData(_ entries: [XLSXSheetCells.Entry], tableRow: [Int32], dataStart: Int, rowCount: Int)
        -> ColumnData
    {
        var numbers = 0
        var integral = true
        var dates = 0
        var texts = 0
        var booleans = 0
        for e in entries where Int(e.row) >= dataStart {
            switch e.value {
            case .number(let d):
                numbers += 1
                if integral, Int64(exactly: d) == nil { integral = false }
            case .date: dates += 1
            case .text, .shared: texts += 1
            case .boolean: booleans += 1
            case .error: break
            }
        }
        let kinds = (numbers > 0 ? 1 : 0) + (dates > 0 ? 1 : 0) + (texts > 0 ? 1 : 0) + (booleans > 0 ? 1 : 0)
        var nulls = NullMask()
        var filled = [Bool](repeating: false, count: rowCount)
        func forEachDataCell(_ body: (Int, XLSXCell) -> Void) {
            for e in entries where Int(e.row) >= dataStart {
                if case .error = e.value { continue }
                let r = Int(tableRow[Int(e.row)])
                filled[r] = true
                body(r, e.value)
            }
            for r in 0..<rowCount where !filled[r] { nulls.setNull(r) }
        }
        if kinds == 1, numbers > 0, integral {
            var values = [Int64](repeating: 0, count: rowCount)
            forEachDataCell { r, v in if case .number(let d) = v { values[r] = Int64(exactly: d) ?? 0 } }
            return .integer(values: values, nulls: nulls)
        }
        if kinds == 1, numbers > 0 {
            var values = [Double](repeating: 0, count: rowCount)
            forEachDataCell { r, v in if case .number(let d) = v { values[r] = d } }
            return .decimal(values: values, nulls: nulls)
        }
        if kinds == 1, dates > 0 {
            var values = [Int32](repeating: 0, count: rowCount)
            forEachDataCell { r, v in if case .date(let d) = v { values[r] = d } }
            return .date(days: values, nulls: nulls)
        }
        if kinds == 1, booleans > 0 {
            var values = [Bool](repeating: false, count: rowCount)
            forEachDataCell { r, v in if case .boolean(let b) = v { values[r] = b } }
            return .boolean(values: values, nulls: nulls)
        }
        // Numbers, dates or booleans stored as text ("number stored as text", KoboToolbox's XLSX export by
        // default), alone or beside typed cells: typed from each cell's textual form as the CSV reader types
        // a column (so `007` stays text).
        if typesFromText, texts > 0, textsAreTyped(entries, dataStart: dataStart) {
            var cells = [String?](repeating: nil, count: rowCount)
            for e in entries where Int(e.row) >= dataStart {
                if case .error = e.value { continue }
                cells[Int(tableRow[Int(e.row)])] = text(e.value)
            }
            return TableAssembler.inferColumn(name: "", cells: cells, formulaGuards: false).0.data
        }
        // Text, or a mix of kinds: each cell's textual form, dictionary-encoded.
        var codes = [Int32](repeating: -1, count: rowCount)
        var dictionary: [String] = []
        var index: [String: Int32] = [:]
        var sharedCodes: [Int32: Int32] = [:]
        func code(for s: String) -> Int32 {
            if let c = index[s] { return c }
            let c = Int32(dictionary.count)
            dictionary.append(s)
            index[s] = c
            return c
        }
        for e in entries where Int(e.row) >= dataStart {
            let r = Int(tableRow[Int(e.row)])
            if case .shared(let i) = e.value {
                if let c = sharedCodes[i] {
                    codes[r] = c
                } else {
                    let c = code(for: sharedStrings[Int(i)])
                    sharedCodes[i] = c
                    codes[r] = c
                }
            } else if case .error = e.value {
                continue
            } else {
                codes[r] = code(for: text(e.value))
            }
        }
        return .text(codes: codes, dictionary: dictionary)
    }
}
