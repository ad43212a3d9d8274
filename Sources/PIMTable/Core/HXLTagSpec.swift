/// A parsed HXL tag specification such as `#affected+f+children`: a tag and its attributes.
///
/// Tags and attributes are normalised to lower case without whitespace. Order of attributes is kept
/// as written but ignored for equality of meaning (see ``HXLTagPattern``).
public struct HXLTagSpec: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The tag without `#`, e.g. `affected`.
    public var tag: String
    /// The attributes without `+`, e.g. `["f", "children"]`.
    public var attributes: [String]

    public init(tag: String, attributes: [String] = []) {
        self.tag = tag
        self.attributes = attributes
    }

    public func has(_ attribute: String) -> Bool { attributes.contains(attribute) }

    /// The same tagspec with its attributes sorted and each once: two tagspecs mean the same column
    /// (`#inneed+f+adults`, `#inneed+adults+f`) when their canonical forms are equal.
    public var canonical: HXLTagSpec { HXLTagSpec(tag: tag, attributes: Set(attributes).sorted()) }

    /// `#tag+attr+attr`.
    public var description: String { "#" + ([tag] + attributes).joined(separator: "+") }
}
