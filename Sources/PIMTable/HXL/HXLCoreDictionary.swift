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
