/// Serialises a table as worksheet XML, appending bytes directly for speed.
package enum XLSXSheetWriter {
    /// The worksheet XML: header row, optional hashtag row, then one row per table row.
    package static func sheetXML(_ table: Table, hxl: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + table.rowCount * table.columns.count * 24)
        out.append(contentsOf: Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            """.utf8))
        let letters = table.columns.indices.map { Array(XLSXCellReference.letters($0).utf8) }
        var sheetRow = 1
        func openRow() {
            out.append(contentsOf: Array("<row r=\"".utf8))
            appendInt(sheetRow, to: &out)
            out.append(contentsOf: Array("\">".utf8))
        }
        let closeRow = Array("</row>".utf8)
        // Header.
        openRow()
        for (c, column) in table.columns.enumerated() {
            appendInlineString(column.name, reference: letters[c], row: sheetRow, to: &out)
        }
        out.append(contentsOf: closeRow)
        sheetRow += 1
        // (No hashtag row when no column has a tag: an empty row would read as a gap in the data.)
        if hxl && table.columns.contains(where: { $0.tag != nil }) {
            openRow()
            for (c, column) in table.columns.enumerated() {
                if let tag = column.tag {
                    appendInlineString(tag.description, reference: letters[c], row: sheetRow, to: &out)
                }
            }
            out.append(contentsOf: closeRow)
            sheetRow += 1
        }
        for r in 0..<table.rowCount {
            openRow()
            for (c, column) in table.columns.enumerated() {
                appendCell(column.data, row: r, reference: letters[c], sheetRow: sheetRow, to: &out)
            }
            out.append(contentsOf: closeRow)
            sheetRow += 1
        }
        out.append(contentsOf: Array("</sheetData></worksheet>".utf8))
        return out
    }

    private static let cellOpen = Array("<c r=\"".utf8)
    private static let valueOpen = Array("\"><v>".utf8)
    private static let dateValueOpen = Array("\" s=\"1\"><v>".utf8)
    private static let booleanValueOpen = Array("\" t=\"b\"><v>".utf8)
    private static let close = Array("</v></c>".utf8)
    private static let inlineOpen = Array("\" t=\"inlineStr\"><is><t>".utf8)
    private static let inlinePreserveOpen = Array("\" t=\"inlineStr\"><is><t xml:space=\"preserve\">".utf8)
    private static let inlineClose = Array("</t></is></c>".utf8)

    private static func appendCell(
        _ data: ColumnData, row r: Int, reference: [UInt8], sheetRow: Int, to out: inout [UInt8]
    ) {
        func open(_ attributes: [UInt8]) {
            out.append(contentsOf: cellOpen)
            out.append(contentsOf: reference)
            appendInt(sheetRow, to: &out)
            out.append(contentsOf: attributes)
        }
        switch data {
        case .integer(let v, let n):
            guard !n.isNull(r) else { return }
            // Spreadsheets keep 15 significant digits of a number (1234567890123456 becomes …450): a longer
            // integer (an ID, an account number) is written as its digits in a text cell, which reads back
            // as the same integer.
            guard v[r] >= -999_999_999_999_999, v[r] <= 999_999_999_999_999 else {
                appendInlineString(String(v[r]), reference: reference, row: sheetRow, to: &out)
                return
            }
            open(valueOpen)
            appendInt(Int(v[r]), to: &out)
            out.append(contentsOf: close)
        case .decimal(let v, let n):
            guard !n.isNull(r), v[r].isFinite else { return }
            open(valueOpen)
            out.append(contentsOf: Array(XLSXTableBuilder.shortest(v[r]).utf8))
            out.append(contentsOf: close)
        case .date(let v, let n):
            guard !n.isNull(r) else { return }
            let serial = XLSXDateFormat.serial(days: v[r])
            // Spreadsheets have no day before 1900-01-01 (serial 1): serial 0 shows as 1900-01-00 and a
            // negative one as ####. Such a day is written as its ISO text, which reads back as the date.
            guard serial >= 1 else {
                appendInlineString(XLSXDateFormat.isoString(days: v[r]), reference: reference, row: sheetRow, to: &out)
                return
            }
            open(dateValueOpen)
            appendInt(serial, to: &out)
            out.append(contentsOf: close)
        case .boolean(let v, let n):
            guard !n.isNull(r) else { return }
            open(booleanValueOpen)
            out.append(v[r] ? UInt8(ascii: "1") : UInt8(ascii: "0"))
            out.append(contentsOf: close)
        case .text(let codes, let dictionary):
            let code = Int(codes[r])
            guard code >= 0, code < dictionary.count else { return }
            appendInlineString(dictionary[code], reference: reference, row: sheetRow, to: &out)
        }
    }

    /// An inline-string cell. Inline strings are never evaluated, so formula-like text stays text.
    private static func appendInlineString(_ s: String, reference: [UInt8], row: Int, to out: inout [UInt8]) {
        guard !s.isEmpty else { return }
        out.append(contentsOf: cellOpen)
        out.append(contentsOf: reference)
        appendInt(row, to: &out)
        var needsPreserve = false
        for b in s.utf8 where b == 0x0A || b == 0x09 || b == 0x0D {
            needsPreserve = true
            break
        }
        if let f = s.unicodeScalars.first, f.properties.isWhitespace { needsPreserve = true }
        if let l = s.unicodeScalars.last, l.properties.isWhitespace { needsPreserve = true }
        out.append(contentsOf: needsPreserve ? inlinePreserveOpen : inlineOpen)
        appendEscaped(s, to: &out, attribute: false)
        out.append(contentsOf: inlineClose)
    }

    /// Appends `s` escaped for XML text (or an attribute value), with SpreadsheetML `_xHHHH_` escapes
    /// for characters XML 1.0 cannot hold (controls, U+FFFE/U+FFFF), for carriage returns (which XML
    /// would turn into line feeds) and for a literal `_x` that would otherwise read as an escape.
    static func appendEscaped(_ s: String, to out: inout [UInt8], attribute: Bool) {
        var plain = true
        for b in s.utf8 where b < 0x20 || b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x5F || b >= 0xEF {
            plain = false
            break
        }
        if plain {
            out.append(contentsOf: s.utf8)
            return
        }
        let scalars = Array(s.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            let v = scalar.value
            switch v {
            case 0x26: out.append(contentsOf: Array("&amp;".utf8))
            case 0x3C: out.append(contentsOf: Array("&lt;".utf8))
            case 0x3E: out.append(contentsOf: Array("&gt;".utf8))
            case 0x22 where attribute: out.append(contentsOf: Array("&quot;".utf8))
            case 0x09, 0x0A:
                if attribute { appendHexEscape(v, to: &out) } else { out.append(UInt8(v)) }
            case 0x00..<0x20, 0xFFFE, 0xFFFF:
                appendEscape(v, to: &out)
            case 0x5F where isEscapeLike(scalars, at: i):
                appendEscape(v, to: &out)
            default:
                out.append(contentsOf: UTF8.encode(scalar) ?? UTF8.EncodedScalar())
            }
        }
    }

    /// `_xHHHH_`.
    private static func appendEscape(_ v: UInt32, to out: inout [UInt8]) {
        out.append(contentsOf: Array("_x".utf8))
        let hex = Array("0123456789ABCDEF".utf8)
        for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int((v >> UInt32(shift)) & 0xF)]) }
        out.append(UInt8(ascii: "_"))
    }

    /// `&#xH;` for attribute values, where tabs and newlines would be normalised to spaces.
    private static func appendHexEscape(_ v: UInt32, to out: inout [UInt8]) {
        out.append(contentsOf: Array("&#x\(String(v, radix: 16));".utf8))
    }

    /// Whether `_` at `i` starts `_xHHHH_`, which a reader would decode.
    private static func isEscapeLike(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        guard i + 6 < s.count, s[i + 1] == "x" || s[i + 1] == "X", s[i + 6] == "_" else { return false }
        return (i + 2..<i + 6).allSatisfy { s[$0].properties.isASCIIHexDigit }
    }

    static func appendInt(_ value: Int, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            appendDigits(value.magnitude, to: &out)
        } else {
            appendDigits(UInt(value), to: &out)
        }
    }

    private static func appendDigits(_ value: UInt, to out: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
            UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                count += 1
            } while n > 0
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }
}
