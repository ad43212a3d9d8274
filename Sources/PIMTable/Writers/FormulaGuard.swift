/// Neutralising spreadsheet formulas in exported text (CSV injection), and undoing it on import.
///
/// A text is *dangerous* when, after any leading whitespace, control or invisible formatting characters
/// (ASCII up to space and DEL, C1 controls, no-break and other Unicode spaces, zero-width and direction
/// marks, line and paragraph separators, the byte-order mark), its first character is one of `=` `+` `-`
/// `@` `|` `%`: a spreadsheet might run it as a formula.
///
/// The scheme (an exact round trip):
/// - **Write**: if the text, after removing any number of leading `'`, is dangerous, write one extra `'`
///   in front of it. Spreadsheets show a cell starting with `'` as text.
/// - **Read**: if a cell starts with `'` and the rest would have been guarded by the writer (that is, the
///   rest, after removing leading `'`, is dangerous), remove exactly that one `'`. Such a cell is always
///   text, never a number.
///
/// So `=1+1` is written `'=1+1`, `'=1+1` is written `''=1+1`, and `'hello` is written unchanged; reading
/// gives back the original in each case. Numbers in numeric columns (such as `-5`) are not text and are
/// never guarded.
public enum FormulaGuard {
    @inline(__always)
    static func isTrigger(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), UInt8(ascii: "|"),
            UInt8(ascii: "%"):
            true
        default: false
        }
    }

    /// The length in bytes of the whitespace, control or invisible formatting character (UTF-8) at `p[i]`,
    /// or 0 for any other.
    static func blankLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        let b = p[i]
        if b <= 0x20 || b == 0x7F { return 1 }
        guard b >= 0xC2, b <= 0xEF, i + 1 < n else { return 0 }
        let b1 = p[i + 1]
        // U+0080–U+00A0: C1 controls (NEL among them) and the no-break space.
        if b == 0xC2 { return b1 >= 0x80 && b1 <= 0xA0 ? 2 : 0 }
        guard i + 2 < n else { return 0 }
        let b2 = p[i + 2]
        switch (b, b1) {
        case (0xE1, 0x9A): return b2 == 0x80 ? 3 : 0  // U+1680 Ogham space mark
        // U+2000–U+200F (spaces, zero-width characters, direction marks), U+2028–U+202F (line and paragraph
        // separators, direction embeddings, narrow no-break space).
        case (0xE2, 0x80): return (b2 >= 0x80 && b2 <= 0x8F) || (b2 >= 0xA8 && b2 <= 0xAF) ? 3 : 0
        case (0xE2, 0x81): return b2 >= 0x9F && b2 <= 0xAF ? 3 : 0  // U+205F–U+206F: space, invisible operators, isolates
        case (0xE3, 0x80): return b2 == 0x80 ? 3 : 0  // U+3000 ideographic space
        case (0xEF, 0xBB): return b2 == 0xBF ? 3 : 0  // U+FEFF byte-order mark
        default: return 0
        }
    }

    /// Whether a spreadsheet might treat these bytes as a formula.
    @inline(__always)
    static func isDangerous(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i < n {
            let k = blankLength(p, i, n)
            if k == 0 { break }
            i += k
        }
        return i < n && isTrigger(p[i])
    }

    /// Whether the writer adds a `'` in front of these bytes.
    @inline(__always)
    static func needsGuard(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i < n && p[i] == UInt8(ascii: "'") { i += 1 }
        return isDangerous(p + i, n - i)
    }

    /// Whether a read cell carries a guard `'` that the reader removes.
    @inline(__always)
    static func isGuarded(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        n > 1 && p[0] == UInt8(ascii: "'") && needsGuard(p + 1, n - 1)
    }

    /// Whether the writer adds a `'` in front of `text`.
    public static func needsGuard(_ text: String) -> Bool {
        var t = text
        return t.withUTF8 { b in b.baseAddress.map { needsGuard($0, b.count) } ?? false }
    }

    /// `text` as the writer puts it in a cell.
    public static func guarded(_ text: String) -> String { needsGuard(text) ? "'" + text : text }

    /// A read cell's text with the writer's guard removed.
    public static func unguarded(_ text: String) -> String {
        var t = text
        let strip = t.withUTF8 { b in b.baseAddress.map { isGuarded($0, b.count) } ?? false }
        return strip ? String(text.dropFirst()) : text
    }
}
