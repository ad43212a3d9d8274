/// Neutralising spreadsheet formulas in exported text (CSV injection), and undoing it on import.
///
/// A text is *dangerous* when, after any leading whitespace or control characters (bytes up to space),
/// its first character is one of `=` `+` `-` `@` `|` `%`: a spreadsheet might run it as a formula.
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

    /// Whether a spreadsheet might treat these bytes as a formula.
    @inline(__always)
    static func isDangerous(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i < n && p[i] <= 0x20 { i += 1 }
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
