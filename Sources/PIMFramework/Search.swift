import Foundation

/// Full-text search over the framework: which categories produce, share or describe data matching some words.
///
/// Token based and case-insensitive; plural and singular forms match (`figures` finds `figure`), as do British and
/// American spellings of `-ise`/`-ize`. Common words (`the`, `of`, `and`, …) are ignored. An entry matches when it
/// holds every word of the query; only when no entry does, entries with at least half of the words are returned.
/// Entries with the words in the query's order, and outputs or shared data, rank first.
public struct SearchResults: Sendable, Hashable, Codable {
    public let query: String
    /// The normalised words searched for.
    public let terms: [String]
    /// Matching categories, best first.
    public let hits: [CategoryHit]
}

/// A category whose matrix entries match a search.
public struct CategoryHit: Sendable, Hashable, Codable {
    public let category: PIMCategory.ID
    public let name: String
    public let score: Double
    /// True when one of its outputs (§9) or shared data (§10) matches every word: it produces the data.
    public let produces: Bool
    /// True when one of its §10 share rules matches every word.
    public let shares: Bool
    public let matches: [SearchMatch]
}

/// One matching matrix entry.
public struct SearchMatch: Sendable, Hashable, Codable {
    public let element: MatrixElement
    public let role: SearchRole
    public let text: String
    public let section: SectionReference
    public let source: Source
    public let score: Double
    /// True when the entry holds every word of the query.
    public let complete: Bool
}

/// What a matching entry says about the category.
public enum SearchRole: String, Sendable, Hashable, Codable {
    /// An output of the category (§9).
    case produces
    /// Data the category produces and should share (§10).
    case shares
    /// Any other element: definition, examples, approaches, tools.
    case describes
}

extension PIMFramework {
    /// Searches every category's matrix entries for the words of `text`.
    ///
    /// `search("population figures")` returns Population Data (output §9.1, share §10.1) and Case Management
    /// (share §10.4, population figures of its caseload) as producers.
    ///
    /// A question (`who produces population figures?`) is read as one: its question words are dropped, and
    /// "produces" or "shares" asks for the categories that produce or share the rest (QA11 C26: they were
    /// searched for as words, which no entry holds, and no category was found to produce anything).
    public func search(_ text: String) -> SearchResults {
        var ordered = SearchTokenizer.stems(text)
        var asked: SearchRole?
        if text.contains("?") || ordered.contains(where: SearchTokenizer.questionWords.contains) {
            let rest = ordered.filter { !SearchTokenizer.questionWords.contains($0) && SearchTokenizer.roleWords[$0] == nil }
            if !rest.isEmpty {
                asked = ordered.compactMap { SearchTokenizer.roleWords[$0] }.first
                ordered = rest
            }
        }
        let query = Array(Set(ordered)).sorted()
        guard !query.isEmpty else { return SearchResults(query: text, terms: [], hits: []) }
        var found: [(PIMCategory, [SearchMatch])] = []
        for category in categories {
            var matches: [SearchMatch] = []
            for element in MatrixElement.allCases {
                for entry in category.entries(for: element) {
                    if let match = Self.match(entry, element: element, query: query, ordered: ordered) {
                        matches.append(match)
                    }
                }
            }
            found.append((category, matches))
        }
        // Partial matches only count when nothing holds every word.
        if found.contains(where: { $0.1.contains(where: \.complete) }) {
            found = found.map { ($0.0, $0.1.filter(\.complete)) }
        }
        var hits: [CategoryHit] = []
        for (category, var matches) in found {
            guard let best = matches.map(\.score).max() else { continue }
            matches.sort { $0.score > $1.score }
            let produces = matches.contains { $0.complete && $0.role != .describes }
            let shares = matches.contains { $0.complete && $0.role == .shares }
            let score = best + 0.05 * Double(min(matches.count - 1, 4))
            hits.append(
                CategoryHit(
                    category: category.id, name: category.name, score: (score * 1000).rounded() / 1000,
                    produces: produces, shares: shares, matches: matches))
        }
        hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.category < $1.category }
        // "Who produces …?": the producers (or sharers) answer it, when there are any.
        switch asked {
        case .produces? where hits.contains(where: \.produces): hits = hits.filter(\.produces)
        case .shares? where hits.contains(where: \.shares): hits = hits.filter(\.shares)
        default: break
        }
        return SearchResults(query: text, terms: query, hits: hits)
    }

    private static func match(
        _ entry: Statement, element: MatrixElement, query: [String], ordered: [String]
    ) -> SearchMatch? {
        let words = SearchTokenizer.stems(entry.text)
        let present = Set(words)
        let found = query.filter { present.contains($0) }.count
        let coverage = Double(found) / Double(query.count)
        guard coverage >= 0.5 else { return nil }
        let role: SearchRole =
            switch element {
            case .output: .produces
            case .sharedData: .shares
            default: .describes
            }
        var score = coverage
        if ordered.count > 1 && SearchTokenizer.containsRun(ordered, in: words) { score += 0.5 }
        if role != .describes { score += 0.2 }
        return SearchMatch(
            element: element, role: role, text: entry.text, section: entry.section, source: entry.source,
            score: (score * 1000).rounded() / 1000, complete: found == query.count)
    }
}

/// Splits text into normalised word stems for search.
enum SearchTokenizer {
    static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "by", "e", "eg", "etc", "for", "from", "g", "i", "ie", "in", "is",
        "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "which", "with",
    ]

    /// Words that make a query a question (`who produces …?`), dropped from its terms.
    static let questionWords: Set<String> = ["who", "what", "where", "when", "how", "do", "doe", "does", "which", "whom", "whose"]

    /// In a question, the words that ask for a role rather than name the data, by their stems.
    static let roleWords: [String: SearchRole] = {
        var out: [String: SearchRole] = [:]
        for w in stems("produce produces producing produced") { out[w] = .produces }
        for w in stems("share shares sharing shared") { out[w] = .shares }
        return out
    }()

    /// The stems of the words of `text`, in order, without stop words.
    static func stems(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if character == "'" || character == "\u{2019}" {
                continue  // "population's" → "populations" → stem "population"
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.filter { !stopWords.contains($0) }.map(stem)
    }

    /// A deliberately small stemmer: plural to singular, and `-ize` spelled `-ise`.
    static func stem(_ word: String) -> String {
        var result = word
        for suffix in ["ize", "ized", "izes", "izing", "ization", "izations"]
        where result.hasSuffix(suffix) && result.count - suffix.count >= 3 {
            result = String(result.dropLast(suffix.count)) + "is" + String(suffix.dropFirst(2))
            break
        }
        if result.count > 4 && result.hasSuffix("ies") {
            result = String(result.dropLast(3)) + "y"
        } else if result.hasSuffix("sses") || result.hasSuffix("xes") || result.hasSuffix("ches")
            || result.hasSuffix("shes")
        {
            result = String(result.dropLast(2))
        } else if result.count > 3 && result.hasSuffix("s") && !result.hasSuffix("ss") && !result.hasSuffix("us")
            && !result.hasSuffix("is")
        {
            result = String(result.dropLast())
        }
        return result
    }

    /// True when `run` appears as consecutive words of `words`.
    static func containsRun(_ run: [String], in words: [String]) -> Bool {
        guard !run.isEmpty, words.count >= run.count else { return false }
        for start in 0...(words.count - run.count) where Array(words[start..<(start + run.count)]) == run {
            return true
        }
        return false
    }
}
