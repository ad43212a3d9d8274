/// Errors in domain rules. Descriptions are single sentences without personal data.
public enum DomainError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidField(String, String)
    case weakPassword(minimumLength: Int)
    case unknownCategory(String, known: [String])

    public var description: String {
        switch self {
        case .invalidField(let field, let why): "The \(field) \(why)."
        case .weakPassword(let n): "The password must have at least \(n) characters, not all of them spaces or the same character."
        case .unknownCategory(let c, let known):
            "There is no PIM category \"\(c)\"; use one of: \(known.joined(separator: ", "))."
        }
    }
}
