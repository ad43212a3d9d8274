/// Errors in domain rules. Descriptions are single sentences without personal data.
public enum DomainError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidField(String, String)
    case weakPassword(minimumLength: Int)
    /// bcrypt reads only the first 72 bytes of a password: a longer one would be cut without a word.
    case passwordTooLong(maximumBytes: Int)
    case unknownCategory(String, known: [String])

    public var description: String {
        switch self {
        case .invalidField(let field, let why): "The \(field) \(why)."
        case .weakPassword(let n): "The password must have at least \(n) characters, not all of them spaces or the same character."
        case .passwordTooLong(let n):
            "The password must be at most \(n) bytes in UTF-8 (\(n) Latin letters, fewer in other scripts); a longer one would be cut at \(n) without notice."
        case .unknownCategory(let c, let known):
            "There is no PIM category \"\(c)\"; use one of: \(known.joined(separator: ", "))."
        }
    }
}
