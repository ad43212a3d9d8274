/// A cell value as read from the sheet, before column types are chosen.
enum XLSXCell {
    case number(Double)
    /// A date-styled number or an ISO date cell: days since 1970-01-01.
    case date(Int32)
    case text(String)
    /// An index into the shared strings.
    case shared(Int32)
    case boolean(Bool)
    /// An error value such as `#N/A`: null, but the row is not empty.
    case error
}

/// The non-empty cells of a sheet, column by column, plus its merged ranges.
struct XLSXSheetCells {
    struct Entry {
        var row: Int32
        var value: XLSXCell
    }

    /// A merged range, 0-based columns and 1-based rows, inclusive.
    struct Merge: Hashable {
        var firstRow: Int
        var firstColumn: Int
        var lastRow: Int
        var lastColumn: Int
    }

    /// `columns[c]` holds the non-empty cells of column `c` in sheet order.
    var columns: [[Entry]] = []
    var merges: [Merge] = []
    var errorCells: [String] = []
    var errorCellCount = 0
    /// Formula cells saved without a computed value (no `<v>`: written by a program that does not calculate),
    /// read as empty; the first few references, and how many.
    var uncomputedFormulaCells: [String] = []
    var uncomputedFormulaCount = 0
}

/// A byte-level scanner for worksheet XML: `<row>`, `<c r t s>`, `<v>`, `<is><t>`, `<f>` and `<mergeCell>`.
///
/// It streams through the part once, never building a tree.
enum XLSXSheetScanner {
    private enum CellType {
        case number, shared, inline, formulaString, boolean, error, isoDate
    }

    /// Whether `name` is the root element of a sheet part (a worksheet, or a chart, dialog or macro sheet
    /// a workbook may list among its sheets).
    private static func isSheetRoot(_ name: Range<Int>, _ t: XLSXXMLTokenizer) -> Bool {
        t.matches(name, "worksheet") || t.matches(name, "chartsheet") || t.matches(name, "dialogsheet")
            || t.matches(name, "macrosheet")
    }

    /// Scans a worksheet part.
    /// - Parameters:
    ///   - sharedStrings: the workbook's shared strings, to validate `t="s"` indices; empty ones read as empty cells.
    ///   - dateStyles: for each `cellXfs` index, what its number format shows.
    static func scan(
        _ bytes: [UInt8],
        sheet: String,
        file: String,
        part: String,
        sharedStrings: [String],
        dateStyles: [XLSXDateFormat.Kind],
        date1904: Bool
    ) throws(XLSXError) -> XLSXSheetCells {
        try withXLSXTokenizer(bytes, file: file, part: part) { (t: inout XLSXXMLTokenizer) throws(XLSXXMLScanError) in
            var out = XLSXSheetCells()
            var inSheetData = false
            var rowNumber = 0
            var nextColumn = 0
            // The last cell read (row, column): cells come in order, each once (ECMA-376 §18.3.1.4, §18.3.1.73).
            var lastCell = (row: 0, column: -1)
            // Current cell.
            var inCell = false
            var cellRow = 0
            var cellColumn = 0
            var cellType = CellType.number
            var cellIsDate = XLSXDateFormat.Kind.number
            var inValue = false
            var inInline = false
            var inText = false
            var phonetic = 0
            var valueRange: Range<Int>?
            var valueBytes: [UInt8] = []
            var valueMulti = false
            var inlineBytes: [UInt8] = []
            var cellHasFormula = false
            var cellHasValue = false

            func reference() -> String { XLSXCellReference.name(sheet: sheet, column: cellColumn, row: cellRow) }
            // A sheet cut short would silently lose its last rows: its root must be closed.
            var closed = false

            while let token = try t.next() {
                switch token {
                case .start(let name, let attrs, let selfClosing):
                    if selfClosing && Self.isSheetRoot(name, t) { closed = true }
                    if inCell {
                        if t.matches(name, "v") {
                            inValue = !selfClosing
                            cellHasValue = true
                        } else if t.matches(name, "f") {
                            cellHasFormula = true
                        } else if t.matches(name, "is") {
                            inInline = !selfClosing
                        } else if t.matches(name, "rPh") {
                            if !selfClosing { phonetic += 1 }
                        } else if t.matches(name, "t"), inInline, phonetic == 0 {
                            inText = !selfClosing
                        }
                    } else if t.matches(name, "c"), inSheetData {
                        var ref: Range<Int>?
                        var type: Range<Int>?
                        var style = 0
                        let tk = t
                        try t.forEachAttribute(in: attrs) { n, v in
                            if tk.matches(n, "r") { ref = v }
                            else if tk.matches(n, "t") { type = v }
                            else if tk.matches(n, "s") { style = tk.integer(v) ?? 0 }
                        }
                        cellRow = max(rowNumber, 1)
                        cellColumn = nextColumn
                        if let ref {
                            guard let parsed = t.cellReference(ref) else {
                                throw .cell(reference: "\(sheet)!\(t.string(ref).prefix(12))", problem: .badReference)
                            }
                            cellColumn = parsed.column
                            if let r = parsed.row { cellRow = r }
                        }
                        guard cellColumn < XLSXCellReference.maxColumns else {
                            throw .cell(reference: "\(sheet)!\(cellRow):\(cellRow)", problem: .badReference)
                        }
                        guard cellRow > lastCell.row || (cellRow == lastCell.row && cellColumn > lastCell.column) else {
                            throw .cell(reference: XLSXCellReference.name(sheet: sheet, column: cellColumn, row: cellRow), problem: .definedTwice)
                        }
                        lastCell = (cellRow, cellColumn)
                        nextColumn = cellColumn + 1
                        if selfClosing { continue }
                        inCell = true
                        cellType = .number
                        if let type {
                            if t.matches(type, "s") { cellType = .shared }
                            else if t.matches(type, "inlineStr") { cellType = .inline }
                            else if t.matches(type, "str") { cellType = .formulaString }
                            else if t.matches(type, "b") { cellType = .boolean }
                            else if t.matches(type, "e") { cellType = .error }
                            else if t.matches(type, "d") { cellType = .isoDate }
                        }
                        cellIsDate = style >= 0 && style < dateStyles.count ? dateStyles[style] : .number
                        valueRange = nil
                        valueMulti = false
                        valueBytes.removeAll(keepingCapacity: true)
                        inlineBytes.removeAll(keepingCapacity: true)
                        inValue = false
                        inInline = false
                        inText = false
                        phonetic = 0
                        cellHasFormula = false
                        cellHasValue = false
                    } else if t.matches(name, "row") {
                        var r: Int?
                        let tk = t
                        try t.forEachAttribute(in: attrs) { n, v in
                            if tk.matches(n, "r") { r = tk.integer(v) }
                        }
                        rowNumber = r ?? rowNumber + 1
                        guard rowNumber >= 1, rowNumber <= XLSXCellReference.maxRows else {
                            throw .cell(reference: "\(sheet)!\(rowNumber):\(rowNumber)", problem: .badReference)
                        }
                        nextColumn = 0
                    } else if t.matches(name, "sheetData") {
                        inSheetData = !selfClosing
                    } else if t.matches(name, "mergeCell") {
                        let tk = t
                        var ref: Range<Int>?
                        try t.forEachAttribute(in: attrs) { n, v in
                            if tk.matches(n, "ref") { ref = v }
                        }
                        if let ref, let merge = parseMerge(ref, t) { out.merges.append(merge) }
                    }
                case .end(let name):
                    guard inCell else {
                        if t.matches(name, "sheetData") { inSheetData = false }
                        if Self.isSheetRoot(name, t) { closed = true }
                        continue
                    }
                    if t.matches(name, "c") {
                        inCell = false
                        let value = try finish(
                            type: cellType, isDate: cellIsDate, t: t, valueRange: valueMulti ? nil : valueRange,
                            valueBytes: valueBytes, inlineBytes: inlineBytes, sharedStrings: sharedStrings,
                            date1904: date1904, reference: reference)
                        if let value {
                            while out.columns.count <= cellColumn { out.columns.append([]) }
                            out.columns[cellColumn].append(XLSXSheetCells.Entry(row: Int32(cellRow), value: value))
                        } else if cellType == .error {
                            while out.columns.count <= cellColumn { out.columns.append([]) }
                            out.columns[cellColumn].append(XLSXSheetCells.Entry(row: Int32(cellRow), value: .error))
                            out.errorCellCount += 1
                            if out.errorCells.count < 10 { out.errorCells.append(reference()) }
                        } else if cellHasFormula && (!cellHasValue || cellType != .formulaString) {
                            // (No value, or an empty one where only a text result, t="str", may be empty.)
                            out.uncomputedFormulaCount += 1
                            if out.uncomputedFormulaCells.count < 10 { out.uncomputedFormulaCells.append(reference()) }
                        }
                    } else if t.matches(name, "v") {
                        inValue = false
                    } else if t.matches(name, "is") {
                        inInline = false
                    } else if t.matches(name, "t") {
                        inText = false
                    } else if t.matches(name, "rPh") {
                        phonetic = max(0, phonetic - 1)
                    }
                case .text(let r):
                    if inValue {
                        if valueRange == nil, !valueMulti {
                            valueRange = r
                        } else {
                            if let v = valueRange, !valueMulti { t.append(v, to: &valueBytes, ooxmlEscapes: false) }
                            valueMulti = true
                            t.append(r, to: &valueBytes, ooxmlEscapes: false)
                        }
                    } else if inText {
                        t.append(r, to: &inlineBytes, ooxmlEscapes: false)
                    }
                case .cdata(let r):
                    if inValue {
                        if let v = valueRange, !valueMulti { t.append(v, to: &valueBytes, ooxmlEscapes: false) }
                        valueMulti = true
                        valueBytes.append(contentsOf: UnsafeBufferPointer(rebasing: t.bytes[r]))
                    } else if inText {
                        inlineBytes.append(contentsOf: UnsafeBufferPointer(rebasing: t.bytes[r]))
                    }
                }
            }
            guard closed else { throw .problem(.unclosedRoot) }
            return out
        }
    }

    /// The value of a finished cell, or nil when it is empty or an error value.
    private static func finish(
        type: CellType,
        isDate: XLSXDateFormat.Kind,
        t: XLSXXMLTokenizer,
        valueRange: Range<Int>?,
        valueBytes: [UInt8],
        inlineBytes: [UInt8],
        sharedStrings: [String],
        date1904: Bool,
        reference: () -> String
    ) throws(XLSXXMLScanError) -> XLSXCell? {
        func valueText(ooxml: Bool) -> String {
            if let valueRange { return t.string(valueRange, ooxmlEscapes: ooxml) }
            return ooxml ? XLSXWorkbookParts.unescapeOOXML(valueBytes) : String(decoding: valueBytes, as: UTF8.self)
        }
        let hasValue = valueRange != nil || !valueBytes.isEmpty
        switch type {
        case .inline:
            if inlineBytes.isEmpty {
                // Some writers put an inline string's text in <v>.
                guard hasValue else { return nil }
                let s = valueText(ooxml: true)
                return s.isEmpty ? nil : .text(s)
            }
            return .text(XLSXWorkbookParts.unescapeOOXML(inlineBytes))
        case .error:
            return nil
        default:
            break
        }
        guard hasValue else { return nil }
        switch type {
        case .number:
            let v: Double?
            if let valueRange { v = t.double(valueRange) } else { v = Double(valueText(ooxml: false).xlsxTrimmed) }
            guard let v, v.isFinite else { throw .cell(reference: reference(), problem: .badNumber) }
            switch isDate {
            case .number:
                // An integer from 2^53 on may have no exact double (9007199254740993 reads as …992): its
                // digits are kept as text, which the column typing reads back as the exact integer.
                if abs(v) >= 9_007_199_254_740_992 {
                    let literal = valueText(ooxml: false).xlsxTrimmed
                    let digits = literal.hasPrefix("-") ? literal.dropFirst() : literal[...]
                    if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return .text(String(literal)) }
                }
            case .dateTime:
                // A time of day the cell shows is kept, as ISO 8601 text (the table's dates are days).
                if let stamp = XLSXDateFormat.isoDateTime(serial: v, date1904: date1904, evenAtMidnight: true) {
                    return .text(stamp)
                }
            case .date:
                if let days = XLSXDateFormat.days(serial: v, date1904: date1904) { return .date(days) }
            }
            return .number(v)
        case .shared:
            let i: Int? = valueRange.flatMap { t.integer($0) } ?? Int(valueText(ooxml: false).xlsxTrimmed)
            guard let i, i >= 0, i < sharedStrings.count else {
                throw .cell(reference: reference(), problem: .badSharedString)
            }
            return sharedStrings[i].isEmpty ? nil : .shared(Int32(i))
        case .formulaString:
            let s = valueText(ooxml: true)
            return s.isEmpty ? nil : .text(s)
        case .boolean:
            let s = valueText(ooxml: false).xlsxTrimmed
            if s == "1" || s == "true" { return .boolean(true) }
            if s == "0" || s == "false" { return .boolean(false) }
            throw .cell(reference: reference(), problem: .badBoolean)
        case .isoDate:
            let s = valueText(ooxml: false)
            let trimmed = String(s.xlsxTrimmed)
            if !XLSXDateFormat.hasTimeOfDay(iso: trimmed), let days = XLSXDateFormat.days(iso: trimmed) { return .date(days) }
            return s.isEmpty ? nil : .text(s)
        case .inline, .error:
            return nil
        }
    }

    private static func parseMerge(_ range: Range<Int>, _ t: XLSXXMLTokenizer) -> XLSXSheetCells.Merge? {
        var colon = range.lowerBound
        while colon < range.upperBound, t.bytes[colon] != UInt8(ascii: ":") { colon += 1 }
        guard colon < range.upperBound,
            let a = t.cellReference(range.lowerBound..<colon), let ar = a.row,
            let b = t.cellReference(colon + 1..<range.upperBound), let br = b.row
        else { return nil }
        return XLSXSheetCells.Merge(
            firstRow: min(ar, br), firstColumn: min(a.column, b.column),
            lastRow: max(ar, br), lastColumn: max(b.column, a.column))
    }
}
