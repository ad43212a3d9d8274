/// The hashtags of the HXL core dictionary, to tell a file's tags that other HXL tools will not know.
///
/// HXL 1.1 (final, 2018): <https://hxlstandard.org/standard/dictionary/>. Any other hashtag is syntactically
/// valid and pim reads it as given, but a partner's HXL tools will not know what it means (a typo such as
/// `#amd1`, or a local tag such as `#sex`); the standard's way to add one is an extension tag, `#x_…`.
public enum HXLCoreDictionary {
    /// The 44 core hashtags of HXL 1.1, without `#`.
    public static let hashtags: Set<String> = [
        // Places
        "adm1", "adm2", "adm3", "adm4", "adm5", "country", "geo", "loc", "region",
        // People and households
        "affected", "beneficiary", "inneed", "population", "reached", "respondee", "targeted",
        // Responses and other operations
        "access", "activity", "capacity", "contact", "frequency", "indicator", "item", "need", "operations", "org",
        "output", "sector", "service", "subsector",
        // Cash and finance
        "channel", "currency", "modality", "value",
        // Crises, incidents and events
        "cause", "crisis", "event", "group", "impact", "severity",
        // Metadata
        "date", "description", "meta", "status",
    ]

    /// Whether `tag` (without `#`, lower case) is a core hashtag or an extension tag (`x_…`).
    public static func isKnown(_ tag: String) -> Bool {
        tag.hasPrefix("x_") || hashtags.contains(tag)
    }

    /// Hashtags outside the core dictionary that are common in protection data and that pim gives a meaning
    /// (its schema proposal reads `#sex`, `#gender`, `#age` and `#disability` as quasi-identifiers, `#household`
    /// and `#hh` with `+id` or `+size`, `#weight` as a survey weight). Other HXL tools will not know them, which a
    /// note says, but pim imports them; a hashtag neither core, extension nor one of these refuses an import
    /// unless a schema declares it (``isRecognised(_:)``).
    public static let recognisedLocalTags: Set<String> = ["age", "disability", "gender", "hh", "household", "sex", "weight"]

    /// Whether pim knows what `tag` (without `#`, lower case) means: core, extension, or a recognised local tag.
    public static func isRecognised(_ tag: String) -> Bool {
        isKnown(tag) || recognisedLocalTags.contains(tag)
    }

    /// The core hashtag `tag` (without `#`, lower case) is most likely a misspelling of: the one at the
    /// smallest edit distance, at most 1 (at most 2 for tags of six letters or more), when only one is that
    /// close. `nil` otherwise (a local tag, which belongs in an extension tag `#x_…`).
    public static func nearestCoreTag(to tag: String) -> String? {
        guard !isRecognised(tag) else { return nil }
        let word = Array(tag.utf8)
        let limit = word.count >= 6 ? 2 : 1
        var best: [String] = []
        var bestDistance = limit
        for core in hashtags {
            // (Exact up to `limit`; anything further comes back as `limit + 1`.)
            let d = editDistance(word, Array(core.utf8), limit: limit + 1)
            if d < bestDistance || (best.isEmpty && d == bestDistance) {
                bestDistance = d
                best = [core]
            } else if d == bestDistance {
                best.append(core)
            }
        }
        return best.count == 1 ? best[0] : nil
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit (`amd1` → `adm1`), or
    /// anything at least `limit` once it cannot be less.
    static func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if abs(a.count - b.count) >= limit { return limit }
        if a.isEmpty || b.isEmpty { return min(limit, max(a.count, b.count)) }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { d = min(d, before[j - 2] + 1) }
                current[j] = d
                rowMinimum = min(rowMinimum, d)
            }
            if rowMinimum >= limit { return limit }
            (before, previous, current) = (previous, current, before)
        }
        return min(limit, previous[b.count])
    }

    /// The hashtags among `specs` that are neither core nor extension tags, as `#tag`, each once, in column order.
    public static func unknownTags(in specs: [HXLTagSpec?]) -> [String] {
        var seen = Set<String>()
        return specs.compactMap { spec in
            guard let tag = spec?.tag, !isKnown(tag), seen.insert(tag).inserted else { return nil }
            return "#" + tag
        }
    }
}

extension ReadResult {
    /// Adds a ``ReadWarning/unknownHXLTags(_:)`` warning when the table's tags include hashtags outside the
    /// HXL core dictionary (extension tags `#x_…` excepted). Names tags only, never values; the file is
    /// still read as it is. Does nothing when the warning is already there.
    public mutating func noteUnknownHXLTags() {
        let unknown = HXLCoreDictionary.unknownTags(in: table.columns.map(\.tag))
        guard !unknown.isEmpty else { return }
        let warning = ReadWarning.unknownHXLTags(unknown)
        if !report.warnings.contains(warning) { report.warnings.append(warning) }
    }
}
