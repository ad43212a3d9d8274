/// A pattern selecting columns by HXL tag, as HXL tools use them: `#affected+f`, `#adm1`, `#affected-m`,
/// `#*+code`, and the absolute form `#affected+f!`.
///
/// A column matches when its tag equals the pattern's tag (or the pattern's tag is `*`), it has every
/// `+` attribute of the pattern, and none of the `-` attributes; with `!` at the end it has no other attribute
/// either (`#affected+f!` is the total of women, not `#affected+f+children`). Untagged columns never match.
public struct HXLTagPattern: Sendable, Hashable, CustomStringConvertible {
    /// The tag without `#`, or `*` for any tag.
    public var tag: String
    public var include: [String]
    public var exclude: [String]
    /// Written with a final `!`: the column's attributes are exactly ``include``.
    public var absolute: Bool

    public init(tag: String, include: [String] = [], exclude: [String] = [], absolute: Bool = false) {
        self.tag = tag
        self.include = include
        self.exclude = exclude
        self.absolute = absolute
    }

    /// Parses a pattern, ignoring case and whitespace. Returns `nil` when the text is not a valid pattern.
    public init?(parse text: String) {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.filter { !$0.properties.isWhitespace }))
            .lowercased()
        guard cleaned.hasPrefix("#") else { return nil }
        let absolute = cleaned.hasSuffix("!")
        var body = Substring(cleaned.dropFirst().dropLast(absolute ? 1 : 0))
        let tagEnd = body.firstIndex { $0 == "+" || $0 == "-" } ?? body.endIndex
        let tag = body[..<tagEnd]
        guard tag == "*" || HXLTagSpec.isName(tag) else { return nil }
        body = body[tagEnd...]
        var include: [String] = []
        var exclude: [String] = []
        while let sign = body.first {
            body = body.dropFirst()
            let end = body.firstIndex { $0 == "+" || $0 == "-" } ?? body.endIndex
            let name = body[..<end]
            guard HXLTagSpec.isName(name) else { return nil }
            if sign == "+" { include.append(String(name)) } else { exclude.append(String(name)) }
            body = body[end...]
        }
        self.init(tag: String(tag), include: include, exclude: exclude, absolute: absolute)
    }

    /// Whether a column with this tagspec matches.
    public func matches(_ spec: HXLTagSpec?) -> Bool {
        guard let spec else { return false }
        guard tag == "*" || tag == spec.tag else { return false }
        guard include.allSatisfy({ spec.has($0) }) && !exclude.contains(where: { spec.has($0) }) else { return false }
        return !absolute || Set(spec.attributes.map { $0.lowercased() }) == Set(include)
    }

    public var description: String {
        "#" + tag + include.map { "+" + $0 }.joined() + exclude.map { "-" + $0 }.joined() + (absolute ? "!" : "")
    }
}

extension Table {
    /// The columns whose HXL tag matches `pattern`, in table order.
    public func columns(matching pattern: HXLTagPattern) -> [Column] {
        columns.filter { pattern.matches($0.tag) }
    }

    /// The first column whose HXL tag matches `pattern`.
    public func firstColumn(matching pattern: HXLTagPattern) -> Column? {
        columns.first { pattern.matches($0.tag) }
    }
}
