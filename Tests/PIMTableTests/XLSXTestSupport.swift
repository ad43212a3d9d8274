import Foundation
import PIMTable

/// Builds small synthetic XLSX packages from XML snippets for the XLSX tests.
enum XLSXFixture {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// A worksheet whose `<sheetData>` holds `rows`, followed by `extra` (e.g. `<mergeCells>`).
    static func sheet(_ rows: String, extra: String = "") -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"\(main)\"><sheetData>\(rows)</sheetData>\(extra)</worksheet>"
    }

    /// A styles part whose `cellXfs` use the given number format ids, plus custom formats.
    static func styles(xfs: [Int], custom: [Int: String] = [:]) -> String {
        let fmts = custom.sorted { $0.key < $1.key }.map { "<numFmt numFmtId=\"\($0.key)\" formatCode=\"\($0.value)\"/>" }
        return "<styleSheet xmlns=\"\(main)\"><numFmts count=\"\(fmts.count)\">\(fmts.joined())</numFmts>"
            + "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
            + "<cellXfs count=\"\(xfs.count)\">\(xfs.map { "<xf numFmtId=\"\($0)\" xfId=\"0\"/>" }.joined())</cellXfs></styleSheet>"
    }

    /// The parts of a workbook with the given sheets (name, worksheet XML).
    static func parts(
        sheets: [(name: String, xml: String)],
        sharedStrings: [String]? = nil,
        styles: String? = nil,
        date1904: Bool = false
    ) -> [(path: String, bytes: [UInt8])] {
        var sheetList = ""
        var rels = ""
        var out: [(path: String, bytes: [UInt8])] = []
        for (i, s) in sheets.enumerated() {
            sheetList += "<sheet name=\"\(s.name)\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
            rels += "<Relationship Id=\"rId\(i + 1)\" Type=\"\(rel)/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
            out.append(("xl/worksheets/sheet\(i + 1).xml", Array(s.xml.utf8)))
        }
        if let sharedStrings {
            let items = sharedStrings.map { "<si><t>\($0)</t></si>" }.joined()
            out.append(("xl/sharedStrings.xml", Array("<sst xmlns=\"\(main)\">\(items)</sst>".utf8)))
            rels += "<Relationship Id=\"rIdS\" Type=\"\(rel)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        }
        if let styles {
            out.append(("xl/styles.xml", Array(styles.utf8)))
            rels += "<Relationship Id=\"rIdT\" Type=\"\(rel)/styles\" Target=\"/xl/styles.xml\"/>"
        }
        let pr = date1904 ? "<workbookPr date1904=\"1\"/>" : "<workbookPr/>"
        let workbook = "<workbook xmlns=\"\(main)\" xmlns:r=\"\(rel)\">\(pr)<sheets>\(sheetList)</sheets></workbook>"
        out.insert(("xl/workbook.xml", Array(workbook.utf8)), at: 0)
        out.append((
            "xl/_rels/workbook.xml.rels",
            Array("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\(rels)</Relationships>".utf8)
        ))
        return out
    }

    /// Writes `data` to a fresh temporary file named `name` and returns its URL.
    static func file(_ data: Data, name: String = "book.xlsx") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    /// Zips `parts` into a temporary `.xlsx` file.
    static func file(parts: [(path: String, bytes: [UInt8])], name: String = "book.xlsx") throws -> URL {
        try file(XLSXZip.archive(parts), name: name)
    }

    /// Reads a one-sheet workbook built from `rows`.
    static func read(
        _ rows: String,
        extra: String = "",
        sharedStrings: [String]? = nil,
        styles: String? = nil,
        date1904: Bool = false
    ) throws -> XLSXReadResult {
        let url = try file(parts: parts(
            sheets: [("Sheet1", sheet(rows, extra: extra))], sharedStrings: sharedStrings, styles: styles,
            date1904: date1904))
        return try XLSXReader.read(contentsOf: url)
    }

    static func values(_ table: Table, _ name: String) -> [Value] {
        guard let c = table[name] else { return [] }
        return (0..<table.rowCount).map { c[$0] }
    }
}
