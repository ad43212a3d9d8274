import Foundation

/// Reads one sheet of an XLSX workbook into a typed ``Table``.
///
/// The sheet's XML is scanned byte by byte as a stream of elements, never as a tree. Zip-bomb limits
/// come from ``XLSXReadOptions``; any DTD or entity declaration is refused.
///
/// ```swift
/// let result = try XLSXReader.read(contentsOf: url, sheet: "Data")
/// print(result.table.columnNames, result.warnings)
/// ```
public enum XLSXReader {
    /// Reads the sheet named `sheet` (case-insensitively), or the first visible sheet when nil.
    ///
    /// The first non-empty row is the header; an HXL hashtag row among the first 25 rows is parsed into
    /// column tags and skipped (the row above it is then the header). Columns whose cells are all
    /// integers, numbers, dates (date-styled numbers, date part only) or booleans get that type; text
    /// and mixed columns are text. Empty and error cells are null.
    /// - Throws: ``XLSXError`` naming the file and, where relevant, the part or cell.
    public static func read(
        contentsOf url: URL,
        sheet: String? = nil,
        options: XLSXReadOptions = .init()
    ) throws(XLSXError) -> XLSXReadResult {
        var archive = try XLSXArchiveReader(url: url, options: options)
        let file = archive.file
        let workbookPath = "xl/workbook.xml"
        guard let workbookBytes = try archive.read(workbookPath) else {
            throw .missingPart(file: file, part: workbookPath)
        }
        let workbook = try XLSXWorkbookParts.parseWorkbook(workbookBytes, file: file, part: workbookPath)
        guard !workbook.sheets.isEmpty else { throw .noSheets(file: file) }
        let names = workbook.sheets.map(\.name)

        let chosen: XLSXWorkbookParts.Sheet
        if let sheet {
            let wanted = sheet.lowercased()
            guard let found = workbook.sheets.first(where: { $0.name == sheet })
                ?? workbook.sheets.first(where: { $0.name.lowercased() == wanted })
            else { throw .sheetNotFound(file: file, sheet: sheet, available: names) }
            chosen = found
        } else {
            chosen = workbook.sheets.first { !$0.hidden } ?? workbook.sheets[0]
        }

        let relsPath = "xl/_rels/workbook.xml.rels"
        guard let relsBytes = try archive.read(relsPath) else { throw .missingPart(file: file, part: relsPath) }
        let rels = try XLSXWorkbookParts.parseRelationships(relsBytes, baseDirectory: "xl/", file: file, part: relsPath)
        guard let sheetPath = rels[chosen.relationshipID]?.target, !sheetPath.isEmpty else {
            throw .malformedXML(file: file, part: relsPath, problem: .badRelationship)
        }

        func partPath(typeSuffix: String, fallback: String) -> String? {
            if let r = rels.values.first(where: { $0.type.hasSuffix(typeSuffix) }) { return r.target }
            return archive.contains(fallback) ? fallback : nil
        }
        var sharedStrings: [String] = []
        if let path = partPath(typeSuffix: "/sharedStrings", fallback: "xl/sharedStrings.xml"),
            let bytes = try archive.read(path)
        {
            sharedStrings = try XLSXWorkbookParts.parseSharedStrings(bytes, file: file, part: path)
        }
        var dateStyles: [XLSXDateFormat.Kind] = []
        if let path = partPath(typeSuffix: "/styles", fallback: "xl/styles.xml"), let bytes = try archive.read(path) {
            dateStyles = try XLSXWorkbookParts.parseDateStyles(bytes, file: file, part: path)
        }

        let cells: XLSXSheetCells
        do {
            guard let sheetBytes = try archive.read(sheetPath) else {
                throw XLSXError.missingPart(file: file, part: sheetPath)
            }
            cells = try XLSXSheetScanner.scan(
                sheetBytes, sheet: chosen.name, file: file, part: sheetPath, sharedStrings: sharedStrings,
                dateStyles: dateStyles, date1904: workbook.date1904)
        }
        let output = try XLSXTableBuilder(
            cells: cells, sharedStrings: sharedStrings, sheet: chosen.name,
            detectHashtagRow: options.detectHashtagRow, typesFromText: options.typesFromText
        ).build(file: file)
        // A NUL in a cell's text (QA11 I15: PostgreSQL then refused the import as "unavailable", and CSV exports
        // of it could not be read back): refused, located, as the CSV and JSON readers refuse it.
        for column in output.table.columns {
            guard case .text(let codes, let dictionary) = column.data else { continue }
            let bad = Set(dictionary.indices.filter { dictionary[$0].utf8.contains(0) }.map { Int32($0) })
            guard !bad.isEmpty, let r = codes.firstIndex(where: { bad.contains($0) }) else { continue }
            let skipped = output.emptyRowsBefore.filter { $0 <= r }.count
            throw .nulCharacter(file: file, sheet: chosen.name, row: output.firstDataRow + r + skipped, column: column.name)
        }
        var warnings = output.warnings.map { "\(chosen.name): \($0)" }
        // Other visible sheets (a KoboToolbox export's repeat groups) are not read: said when none was named.
        let others = workbook.sheets.filter { !$0.hidden && $0.name != chosen.name }.map(\.name)
        if sheet == nil && !others.isEmpty {
            warnings.append(
                "the workbook has \(others.count + 1) sheets; only \"\(chosen.name)\" was read (the others: "
                    + others.map { "\"\($0)\"" }.joined(separator: ", ") + "; pim: --sheet NAME, web and API: sheet=NAME)")
        }
        return XLSXReadResult(
            table: output.table, sheetName: chosen.name, sheetNames: names,
            warnings: warnings, headerRow: output.headerRow,
            headerRows: output.headerRows, hxlRow: output.hxlRow, firstDataRow: output.firstDataRow,
            emptyRowsBefore: output.emptyRowsBefore)
    }
}
