/// A1-style cell references: `C5` is column 2 (0-based), row 5 (1-based).
enum XLSXCellReference {
    /// Excel's limits: 16,384 columns and 1,048,576 rows.
    static let maxColumns = 16_384
    static let maxRows = 1_048_576

    /// The column letters of a 0-based column index (`0` → `A`, `27` → `AB`).
    static func letters(_ column: Int) -> String {
        var n = column + 1
        var out: [UInt8] = []
        while n > 0 {
            let r = (n - 1) % 26
            out.append(UInt8(ascii: "A") + UInt8(r))
            n = (n - 1) / 26
        }
        return String(decoding: out.reversed(), as: UTF8.self)
    }

    /// `Sheet!C5` for error messages and warnings.
    static func name(sheet: String, column: Int, row: Int) -> String {
        "\(sheet)!\(letters(column))\(row)"
    }
}

extension XLSXXMLTokenizer {
    /// Parses an A1 reference in `range`: 0-based column and 1-based row (nil when the row is absent).
    /// Returns nil for malformed or out-of-limits references.
    func cellReference(_ range: Range<Int>) -> (column: Int, row: Int?)? {
        var i = range.lowerBound
        var column = 0
        var letters = 0
        while i < range.upperBound {
            var b = bytes[i]
            if b >= UInt8(ascii: "a"), b <= UInt8(ascii: "z") { b -= 32 }
            guard b >= UInt8(ascii: "A"), b <= UInt8(ascii: "Z") else { break }
            column = column * 26 + Int(b - UInt8(ascii: "A") + 1)
            letters += 1
            guard letters <= 3 else { return nil }
            i += 1
        }
        guard letters > 0, column <= XLSXCellReference.maxColumns else { return nil }
        if i == range.upperBound { return (column - 1, nil) }
        guard let row = integer(i..<range.upperBound), row >= 1, row <= XLSXCellReference.maxRows else {
            return nil
        }
        return (column - 1, row)
    }
}
