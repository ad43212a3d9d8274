/// One §11 scenario with its must-have and nice-to-have data and the categories that produce them.
public struct ScenarioView: FrameworkView, Hashable {
    public static let viewName = "scenario"
    public let scenario: Scenario
    /// Names of the categories by id, for readers of the JSON.
    public let categoryNames: [String: String]

    public init(_ scenario: Scenario, framework: PIMFramework = .standard) {
        self.scenario = scenario
        self.categoryNames = Dictionary(uniqueKeysWithValues: framework.categories.map { ($0.id.rawValue, $0.name) })
    }

    private func producers(_ need: DataNeed) -> String {
        need.producers.map { categoryNames[$0.rawValue] ?? $0.rawValue }.joined(separator: ", ")
    }

    public func renderText() -> String {
        var out = "\(scenario.name) (\(scenario.id.rawValue)) [\(scenario.section)]\n"
        out += Layout.wrap(scenario.summary.text, indent: "") + "\n"
        for (title, needs) in [(DataPriority.mustHave.title, scenario.mustHave), (DataPriority.niceToHave.title, scenario.niceToHave)] {
            out += "\n\(title)\n"
            for need in needs {
                out += Layout.wrap("- \(need.text) [\(Layout.tag(need.section, need.source))]", indent: "  ", continuation: "    ") + "\n"
                out += Layout.wrap("produced by: \(producers(need))", indent: "    ") + "\n"
            }
        }
        return out
    }

    public func renderMarkdown() -> String {
        var out = "# \(scenario.name) (\(scenario.section))\n\n\(scenario.summary.text)\n"
        for (title, needs) in [(DataPriority.mustHave.title, scenario.mustHave), (DataPriority.niceToHave.title, scenario.niceToHave)] {
            out += "\n## \(title)\n\n| Data or information | Produced by | Source |\n| --- | --- | --- |\n"
            for need in needs {
                out += "| \(Layout.cell(need.text)) | \(Layout.cell(producers(need))) | \(Layout.tag(need.section, need.source)) |\n"
            }
        }
        return out
    }
}

/// The ten data-sharing problems of §12 and pim's mitigations.
public struct ProblemsView: FrameworkView, Hashable {
    public static let viewName = "problems"
    public let problems: [SharingProblem]

    public init(_ framework: PIMFramework = .standard) { problems = framework.problems }

    public func renderText() -> String {
        var out = "Data-sharing problems (§12) and what pim offers\n"
        for problem in problems {
            out += "\n\(problem.number). \(problem.title) (\(problem.id))\n"
            out += Layout.wrap("Risk: \(problem.risk)", indent: "   ", continuation: "         ") + "\n"
            out += Layout.wrap("pim: \(problem.mitigation)", indent: "   ", continuation: "        ") + "\n"
            out += "   feature: \(problem.pimFeature)\n"
        }
        return out
    }

    public func renderMarkdown() -> String {
        var out = "# Data-sharing problems (§12) and what pim offers\n\n"
        out += "Problems as listed in §12; mitigations are pim's own.\n\n| # | Problem | Risk | pim mitigation | Feature |\n"
        out += "| --- | --- | --- | --- | --- |\n"
        for problem in problems {
            out += "| \(problem.number) | \(Layout.cell(problem.title)) | \(Layout.cell(problem.risk)) | \(Layout.cell(problem.mitigation)) | \(Layout.cell(problem.pimFeature)) |\n"
        }
        return out
    }
}

/// OCHA's access framework as quoted in §7.1: three dimensions, eight variables.
public struct AccessView: FrameworkView, Hashable {
    public static let viewName = "access"
    public let dimensions: [AccessDimension]

    public init(_ framework: PIMFramework = .standard) { dimensions = framework.accessDimensions }

    private static func label(_ variable: AccessVariable) -> String {
        variable.detail.map { "\(variable.title) (\($0))" } ?? variable.title
    }

    public func renderText() -> String {
        var out = "OCHA humanitarian access framework (§7.1)\n"
        for dimension in dimensions {
            out += "\nDimension \(dimension.id): \(dimension.title)\n"
            for variable in dimension.variables {
                out += Layout.wrap("\(variable.id)  \(Self.label(variable))", indent: "  ", continuation: "      ") + "\n"
            }
        }
        return out
    }

    public func renderMarkdown() -> String {
        var out = "# OCHA humanitarian access framework (§7.1)\n"
        for dimension in dimensions {
            out += "\n## Dimension \(dimension.id): \(dimension.title)\n\n"
            for variable in dimension.variables { out += "- **\(variable.id)** \(Self.label(variable))\n" }
        }
        return out
    }
}

/// The PIM definition, vision, mission and principles.
public struct PrinciplesView: FrameworkView, Hashable {
    public static let viewName = "principles"
    public let definition: Statement
    public let vision: Statement
    public let mission: [Statement]
    public let principles: [Principle]

    public init(_ framework: PIMFramework = .standard) {
        definition = framework.definition
        vision = framework.vision
        mission = framework.mission
        principles = framework.principles
    }

    public func renderText() -> String {
        var out = "PIM [\(Layout.tag(definition))]\n" + Layout.wrap(definition.text, indent: "  ") + "\n"
        out += "\nVision [\(Layout.tag(vision))]\n" + Layout.wrap(vision.text, indent: "  ") + "\n"
        out += "\nMission [§4, paraphrased]\n" + mission.map { Layout.wrap("- " + $0.text, indent: "  ", continuation: "    ") + "\n" }.joined()
        out += "\nPIM principles [published PIM Principles, referred to in §6]\n"
        for principle in principles {
            out += "  \(principle.name) (\(principle.id))\n" + Layout.wrap(principle.summary, indent: "    ") + "\n"
        }
        return out
    }

    public func renderMarkdown() -> String {
        var out = "# Protection Information Management\n\n**PIM** (\(definition.section)): \(definition.text)\n\n"
        out += "**Vision** (\(vision.section)): \(vision.text)\n\n**Mission** (§4, paraphrased):\n\n"
        out += mission.map { "- \($0.text)\n" }.joined()
        out += "\n## PIM principles\n\n*From the published PIM Principles; the seed refers to them in §6.*\n\n"
        out += principles.map { "- **\($0.name)**: \($0.summary)\n" }.joined()
        return out
    }
}

/// The glossary, or the terms matching a word.
public struct TermsView: FrameworkView, Hashable {
    public static let viewName = "terms"
    public let query: String?
    public let terms: [Term]

    /// - Parameter word: keeps terms whose name or definition contains the word (plural and singular alike).
    public init(_ framework: PIMFramework = .standard, matching word: String? = nil) {
        query = word
        guard let word, !SearchTokenizer.stems(word).isEmpty else {
            terms = framework.terms
            return
        }
        let wanted = Set(SearchTokenizer.stems(word))
        let byName = framework.terms.filter { !wanted.isDisjoint(with: SearchTokenizer.stems($0.name)) }
        let byDefinition = framework.terms.filter {
            !byName.contains($0) && wanted.isSubset(of: Set(SearchTokenizer.stems($0.definition)))
        }
        terms = byName + byDefinition
    }

    public func renderText() -> String {
        var out = query.map { "PIM terms matching \"\($0)\"\n" } ?? "PIM terms\n"
        if terms.isEmpty { out += "  (none)\n" }
        for term in terms {
            out += "  \(term.name) [\(Layout.tag(term.section, term.source))]\n" + Layout.wrap(term.definition, indent: "    ") + "\n"
        }
        return out
    }

    public func renderMarkdown() -> String {
        var out = query.map { "# PIM terms matching \"\($0)\"\n\n" } ?? "# PIM terms\n\n"
        if terms.isEmpty { out += "*(none)*\n" }
        for term in terms { out += "- **\(term.name)**: \(term.definition) *(\(Layout.tag(term.section, term.source)))*\n" }
        return out
    }
}

extension SearchResults: FrameworkView {
    public static let viewName = "search"

    public func renderText() -> String {
        var out = "Search \"\(query)\" (words: \(terms.joined(separator: ", ")))\n"
        if hits.isEmpty { out += "  no category matches\n" }
        for hit in hits {
            let roles = [hit.produces ? "produces" : nil, hit.shares ? "shares" : nil].compactMap { $0 }
            out += "\n\(hit.name) (\(hit.category.rawValue)) score \(hit.score)"
            out += roles.isEmpty ? "\n" : " — \(roles.joined(separator: ", "))\n"
            for match in hit.matches {
                let mark = match.complete ? "" : " (partial)"
                out += Layout.wrap(
                    "- \(match.role.rawValue): \(match.text) [\(match.element.rawValue), \(Layout.tag(match.section, match.source))]\(mark)",
                    indent: "  ", continuation: "    ") + "\n"
            }
        }
        return out
    }

    public func renderMarkdown() -> String {
        var out = "# Search: \(query)\n\n"
        if hits.isEmpty { out += "No category matches.\n" }
        for hit in hits {
            let roles = [hit.produces ? "produces" : nil, hit.shares ? "shares" : nil].compactMap { $0 }
            out += "## \(hit.name) (`\(hit.category.rawValue)`)\n\nScore \(hit.score)"
            out += roles.isEmpty ? "\n\n" : "; \(roles.joined(separator: ", ")).\n\n"
            for match in hit.matches {
                out += "- **\(match.role.rawValue)** \(match.text) *(\(match.element.title), \(Layout.tag(match.section, match.source)))*"
                out += match.complete ? "\n" : " — partial\n"
            }
            out += "\n"
        }
        return out
    }
}
