import Foundation

/// Writes a ``Table`` as a minimal SpreadsheetML workbook with one sheet.
///
/// Text is always written as inline strings, never as formulas, so text such as `=cmd|' /C calc'!A0`
/// is stored and read back verbatim and nothing is evaluated. Dates get a `yyyy-mm-dd` number format;
/// the workbook uses the 1900 date system. Null cells are omitted.
///
/// ```swift
/// try XLSXWriter.write(table, sheetName: "Data", hxl: true, to: url)
/// ```
public enum XLSXWriter {
    /// Writes `table` to `url`, replacing any file there.
    /// - Parameters:
    ///   - sheetName: the sheet's name; characters Excel forbids (`[]:*?/\`) are replaced by `_`
    ///     and it is cut to 31 characters.
    ///   - hxl: whether to write a hashtag row (each column's ``Column/tag``) under the header.
    /// - Throws: ``XLSXError/cannotWrite(file:reason:)``, ``XLSXError/writeFailed(file:)``, or
    ///   ``XLSXError/cellTooLong(file:cell:limit:)`` (nothing is written).
    public static func write(
        _ table: Table,
        sheetName: String = "Sheet1",
        hxl: Bool = false,
        to url: URL
    ) throws(XLSXError) {
        let file = url.lastPathComponent
        if let why = OutputGuard.refusal(writing: url) { throw .cannotWrite(file: file, reason: why) }
        let data = try package(table, sheetName: sheetName, hxl: hxl, file: file)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .cannotWrite(file: file, reason: TableWriteError.reason(writing: url))
        }
    }

    /// The bytes of the `.xlsx` package for `table`.
    /// The most characters (UTF-16 code units) a cell holds in Excel.
    package static let cellCharacterLimit = 32_767

    package static func package(_ table: Table, sheetName: String, hxl: Bool, file: String) throws(XLSXError) -> Data {
        // A cell Excel cannot hold would make it call the whole workbook damaged: refuse, naming the cell.
        let headerRows = hxl && table.columns.contains(where: { $0.tag != nil }) ? 2 : 1
        // (QA11 I3: a million rows and more were written, and Excel dropped the rows past its limit.)
        if table.rowCount + headerRows > XLSXCellReference.maxRows || table.columns.count > XLSXCellReference.maxColumns {
            throw .sheetTooLarge(file: file, rows: table.rowCount + headerRows, columns: table.columns.count)
        }
        for (c, column) in table.columns.enumerated() {
            if column.name.utf16.count > cellCharacterLimit {
                throw .cellTooLong(file: file, cell: XLSXCellReference.letters(c) + "1", limit: cellCharacterLimit)
            }
            guard case .text(let codes, let dictionary) = column.data else { continue }
            let long = Set(dictionary.indices.filter { dictionary[$0].utf16.count > cellCharacterLimit }.map(Int32.init))
            guard !long.isEmpty, let row = codes.firstIndex(where: { long.contains($0) }) else { continue }
            throw .cellTooLong(file: file, cell: XLSXCellReference.letters(c) + String(row + 1 + headerRows), limit: cellCharacterLimit)
        }
        var name = String(sheetName.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
        if name.isEmpty { name = "Sheet1" }
        var escapedName: [UInt8] = []
        XLSXSheetWriter.appendEscaped(name, to: &escapedName, attribute: true)
        let parts: [(path: String, bytes: [UInt8])] = [
            ("[Content_Types].xml", Array(contentTypes.utf8)),
            ("_rels/.rels", Array(rootRelationships.utf8)),
            ("xl/workbook.xml", Array(workbookHead.utf8) + escapedName + Array(workbookTail.utf8)),
            ("xl/_rels/workbook.xml.rels", Array(workbookRelationships.utf8)),
            ("xl/styles.xml", Array(styles.utf8)),
            ("xl/worksheets/sheet1.xml", XLSXSheetWriter.sheetXML(table, hxl: hxl)),
        ]
        return try XLSXZip.archive(parts, file: file)
    }

    // MARK: - Fixed parts

    private static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    private static let contentTypes = declaration + """
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        <Override PartName="/xl/styles.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        </Types>
        """

    private static let rootRelationships = declaration + """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" \
        Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
        Target="xl/workbook.xml"/>\
        </Relationships>
        """

    private static let workbookHead = declaration + """
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
        <workbookPr/><sheets><sheet name="
        """

    private static let workbookTail = """
        " sheetId="1" r:id="rId1"/></sheets></workbook>
        """

    private static let workbookRelationships = declaration + """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" \
        Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
        Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" \
        Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
        Target="styles.xml"/>\
        </Relationships>
        """

    /// Style 0 is the default; style 1 shows dates as `yyyy-mm-dd` (custom format 164).
    private static let styles = declaration + """
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>\
        <fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill>\
        <fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """
}
