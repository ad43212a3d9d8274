/// A small parser for HXL hashtag rows (`#adm1+code`), private to the XLSX reader.
///
/// The full HXL module lives elsewhere; this one only recognises a row of tag specs so the reader can
/// attach ``HXLTagSpec``s to columns and skip the row.
enum XLSXHashtagRow {
    /// The tag specs of a row, keyed by column, if the row is mostly (at least half of its non-empty
    /// cells) valid hashtag specs; nil otherwise.
    static func parse(_ cells: [Int: String]) -> [Int: HXLTagSpec]? {
        var specs: [Int: HXLTagSpec] = [:]
        var nonEmpty = 0
        for (column, text) in cells {
            let trimmed = text.xlsxTrimmed
            if trimmed.isEmpty { continue }
            nonEmpty += 1
            if let spec = spec(trimmed) { specs[column] = spec }
        }
        guard !specs.isEmpty, specs.count * 2 >= nonEmpty else { return nil }
        return specs
    }

    /// Parses `#tag +attr +attr` (spaces allowed before `+`), lowercased; nil if not a valid spec.
    static func spec(_ text: Substring) -> HXLTagSpec? {
        var s = text[...]
        guard s.first == "#" else { return nil }
        s.removeFirst()
        var parts: [String] = []
        var current = ""
        func isNameChar(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") }
        for c in s {
            if c == "+" {
                guard !current.isEmpty else { return nil }
                parts.append(current)
                current = ""
            } else if c == " " || c == "\t" {
                continue
            } else if isNameChar(c) {
                current.append(contentsOf: c.lowercased())
            } else {
                return nil
            }
        }
        guard !current.isEmpty else { return nil }
        parts.append(current)
        guard let tag = parts.first, let first = tag.first, first.isLetter else { return nil }
        return HXLTagSpec(tag: tag, attributes: Array(parts.dropFirst()))
    }
}
