extension HXLTagSpec {
    /// Parses a tag specification such as `#affected+f+children`, ignoring case and whitespace
    /// (`# Affected +F` gives `#affected+f`). Returns `nil` when the text is not a valid tagspec.
    ///
    /// Tag and attribute names start with a letter and continue with letters, digits or `_`, so
    /// extension tags such as `#x_score` are accepted.
    public init?(parsing text: String) {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.filter { !$0.properties.isWhitespace }))
            .lowercased()
        guard cleaned.hasPrefix("#") else { return nil }
        let parts = cleaned.dropFirst().split(separator: "+", omittingEmptySubsequences: false)
        guard let first = parts.first, Self.isName(first) else { return nil }
        var attributes: [String] = []
        for a in parts.dropFirst() {
            guard Self.isName(a) else { return nil }
            attributes.append(String(a))
        }
        self.init(tag: String(first), attributes: attributes)
    }

    /// Whether `s` is a valid tag or attribute name: an ASCII letter, then letters, digits or `_`.
    static func isName(_ s: Substring) -> Bool {
        guard let f = s.utf8.first, (f >= 0x61 && f <= 0x7A) else { return false }
        return s.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    /// Whether `text`, ignoring whitespace, starts with `#` (so it is meant as a tagspec).
    static func looksLikeTag(_ text: String) -> Bool {
        text.unicodeScalars.first { !$0.properties.isWhitespace } == "#"
    }
}
