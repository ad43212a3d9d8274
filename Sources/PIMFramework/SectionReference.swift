import Foundation

/// A pointer into the seed document, the outcome document of the second PIM Working Meeting (Geneva, December 2015).
///
/// Rendered as `§10.4`, or `§10 n.7` for a footnote attached to a section. Encoded in JSON as that string.
///
/// ```swift
/// let reference = SectionReference(10, 4)
/// reference.description // "§10.4"
/// ```
public struct SectionReference: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Section numbers from the outermost, e.g. `[10, 4]` for §10.4. Never empty.
    public let path: [Int]
    /// A footnote number of the seed, when the item comes from a footnote.
    public let footnote: Int?

    /// Creates a reference to a section, e.g. `SectionReference(7, 1)` for §7.1.
    public init(_ first: Int, _ rest: Int..., footnote: Int? = nil) {
        self.path = [first] + rest
        self.footnote = footnote
    }

    /// Parses `§10.4`, `10.4` or `§10 n.7`; returns nil for anything else.
    public init?(parsing text: String) {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        if body.hasPrefix("§") { body = body.dropFirst() }
        var note: Int?
        if let range = body.range(of: " n.") {
            guard let number = Int(body[range.upperBound...]) else { return nil }
            note = number
            body = body[..<range.lowerBound]
        }
        let numbers = body.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard let first = numbers.first, numbers.allSatisfy({ $0 != nil }), let head = first else { return nil }
        self.path = [head] + numbers.dropFirst().compactMap { $0 }
        self.footnote = note
    }

    public var description: String {
        let base = "§" + path.map(String.init).joined(separator: ".")
        guard let footnote else { return base }
        return base + " n.\(footnote)"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.path != rhs.path { return lhs.path.lexicographicallyPrecedes(rhs.path) }
        return (lhs.footnote ?? 0) < (rhs.footnote ?? 0)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = SectionReference(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "A section reference looks like §10.4 or §10 n.7.")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Where a framework item comes from: the seed document itself, or a published PIM product that the seed
/// refers to but does not contain (the PIM Matrix, the PIM Principles, the Common PIM Terminology), or pim's own
/// editorial judgement where neither says.
///
/// Encoded in JSON as a string: `"seed"`, `"pim-matrix"`, `"pim-principles"`, `"pim-terminology"`, `"pim-project"`;
/// the section itself is carried next to it by every item (`section`).
public enum Source: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Stated in the seed at this section (paraphrased unless it is a name or short defined term).
    case seed(SectionReference)
    /// Filled in from the published PIM Matrix, which the seed refers to (§6, §8) but does not reproduce.
    case pimMatrix
    /// From the published PIM Principles, which the seed refers to (§6, Annex 2) but does not reproduce.
    case pimPrinciples
    /// From the published Common PIM Terminology, which the seed refers to (§5) but does not reproduce.
    case pimTerminology
    /// pim's own judgement, e.g. which categories produce a scenario's data item where the seed's annex is not given.
    case pimProject

    /// True when the item is stated in the seed.
    public var isSeed: Bool {
        if case .seed = self { return true }
        return false
    }

    /// The stable string used in JSON and CSV.
    public var key: String {
        switch self {
        case .seed: "seed"
        case .pimMatrix: "pim-matrix"
        case .pimPrinciples: "pim-principles"
        case .pimTerminology: "pim-terminology"
        case .pimProject: "pim-project"
        }
    }

    public var description: String {
        switch self {
        case .seed(let section): "seed \(section)"
        case .pimMatrix: "PIM Matrix (not in the seed)"
        case .pimPrinciples: "PIM Principles (not in the seed)"
        case .pimTerminology: "Common PIM Terminology (not in the seed)"
        case .pimProject: "pim's judgement (not in the seed)"
        }
    }

    private enum CodingKeys: String, CodingKey { case kind, section }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "seed": self = .seed(try container.decode(SectionReference.self, forKey: .section))
        case "pim-matrix": self = .pimMatrix
        case "pim-principles": self = .pimPrinciples
        case "pim-terminology": self = .pimTerminology
        case "pim-project": self = .pimProject
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "Unknown source kind.")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .kind)
        if case .seed(let section) = self { try container.encode(section, forKey: .section) }
    }
}

/// One sourced statement of the framework: a sentence or phrase, the seed section it belongs to, and its source.
///
/// `section` is always set: for items filled from the published PIM Matrix it is the seed section that refers to
/// that part of the matrix (e.g. §8 for the matrix elements).
public struct Statement: Sendable, Hashable, Codable {
    public let text: String
    public let section: SectionReference
    public let source: Source

    public init(_ text: String, section: SectionReference, source: Source) {
        self.text = text
        self.section = section
        self.source = source
    }

    /// A statement taken from the seed at `section`.
    public static func seed(_ text: String, _ section: SectionReference) -> Statement {
        Statement(text, section: section, source: .seed(section))
    }

    /// A statement filled from the published PIM Matrix, anchored at a seed section.
    public static func matrix(_ text: String, _ section: SectionReference = SectionReference(8)) -> Statement {
        Statement(text, section: section, source: .pimMatrix)
    }
}
