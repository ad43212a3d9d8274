extension String {
    /// The string followed by spaces up to `width` characters (grapheme clusters), unchanged when it is as
    /// wide already.
    ///
    /// Foundation's `padding(toLength:withPad:startingAt:)` counts UTF-16 units, so it cuts a flag, an emoji
    /// sequence or a surrogate pair whose column width was measured in characters (a U+FFFD and lost text).
    package func padded(toWidth width: Int) -> String {
        let missing = width - count
        return missing > 0 ? self + String(repeating: " ", count: missing) : self
    }
}
