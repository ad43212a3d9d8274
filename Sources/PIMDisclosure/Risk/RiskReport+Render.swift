import Foundation

extension RiskReport {
    /// The report as plain text, pretty-printed JSON (sorted keys) or Markdown.
    public func render(_ format: ReportFormat) -> String {
        switch format {
        case .text: renderText()
        case .markdown: renderMarkdown()
        case .json: renderJSON()
        }
    }

    private func renderJSON() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(self), let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text + "\n"
    }

    private func renderText() -> String {
        var out = "Re-identification risk report\n"
        out += "Records: \(recordCount)\n"
        out += "Key variables: \(keys.joined(separator: ", "))\n"
        if let weight { out += "Sampling weight: \(weight)\n" }
        if let household { out += "Household id: \(household)\n" }
        if hasMissingKeys { out += "Some key values are missing; a missing value matches any category.\n" }
        out += "Equivalence classes: \(classCount) (\(smallestFigures))\n"
        out += "\nk-anonymity\n"
        for k in kAnonymity {
            out += "  k=\(k.k): \(count(k.violatingRecords, "record")) (\(percent(k.share))) in \(count(k.violatingClasses, "class", "classes")) violate\n"
        }
        if !riskiestCombinations.isEmpty {
            out += "\nKey combinations with the most records violating \(combinationK)-anonymity\n"
            for combo in riskiestCombinations {
                out += "  \(describe(combo.values)): \(count(combo.records, "record")) (fk \(combo.fk))\n"
            }
        }
        for l in lDiversity {
            out += "\nl-diversity of \(l.sensitive) (recursive c = \(fixed(l.c, 2)))\n"
            out += "  minimum distinct l \(l.minimumDistinctL), entropy l \(fixed(l.minimumEntropyL, 3)), recursive l \(l.minimumRecursiveL)\n"
            for s in l.below {
                out += "  below l=\(s.l): distinct \(s.distinctClasses) classes / \(s.distinctRecords) records; "
                out += "entropy \(s.entropyClasses) / \(s.entropyRecords); recursive \(s.recursiveClasses) / \(s.recursiveRecords)\n"
            }
            if let failing = l.failingClasses, !failing.isEmpty, let t = l.below.map(\.l).max() {
                out += "  classes failing l=\(t) (most records first):\n"
                for f in failing {
                    out += "    \(describe(f.values)): \(count(f.records, "record")) (distinct l \(f.distinctL), entropy l \(fixed(f.entropyL, 3)), recursive l \(f.recursiveL))\n"
                }
            }
        }
        let r = individualRisk
        out += "\nIndividual risk (\(r.method))\n"
        out += "  expected re-identifications: \(fixed(r.expectedReidentifications, 2)) (\(percent(r.globalRisk)))\n"
        out += "  global risk (mean): \(fixed(r.globalRisk, 6)); maximum \(fixed(r.maximumRisk, 4)); median \(fixed(r.medianRisk, 4)); MAD \(fixed(r.madRisk, 4))\n"
        out += "  records with higher risk than the main part: \(r.highRiskRecords) (\(r.highRiskRule))\n"
        if let warning = weightWarning { out += "  warning: \(warning)\n" }
        if let h = householdRisk {
            out += "\nHousehold risk (1 - product of (1 - r) over members)\n"
            out += "  households: \(h.households)\n"
            out += "  expected re-identifications: \(fixed(h.expectedReidentifications, 2)) (\(percent(h.globalRisk)))\n"
            out += "  maximum household risk: \(fixed(h.maximumRisk, 4))\n"
        }
        return out
    }

    private func renderMarkdown() -> String {
        var out = "# Re-identification risk report\n\n"
        out += "- Records: \(recordCount)\n- Key variables: \(keys.map { "`\($0)`" }.joined(separator: ", "))\n"
        if let weight { out += "- Sampling weight: `\(weight)`\n" }
        if let household { out += "- Household id: `\(household)`\n" }
        if hasMissingKeys { out += "- Some key values are missing; a missing value matches any category.\n" }
        out += "- Equivalence classes: \(classCount) (\(smallestFigures))\n"
        out += "\n## k-anonymity\n\n| k | violating records | share | violating classes |\n|---:|---:|---:|---:|\n"
        for k in kAnonymity { out += "| \(k.k) | \(k.violatingRecords) | \(percent(k.share)) | \(k.violatingClasses) |\n" }
        if !riskiestCombinations.isEmpty {
            out += "\n## Key combinations with the most records violating \(combinationK)-anonymity\n\n"
            out += "| " + keys.joined(separator: " | ") + " | records | fk |\n"
            out += "|" + String(repeating: "---|", count: keys.count) + "---:|---:|\n"
            for combo in riskiestCombinations {
                out += "| " + combo.values.map { markdownCell($0 ?? "(missing)") }.joined(separator: " | ")
                out += " | \(combo.records) | \(combo.fk) |\n"
            }
        }
        for l in lDiversity {
            out += "\n## l-diversity of `\(l.sensitive)`\n\n"
            out += "Minimum distinct l \(l.minimumDistinctL), entropy l \(fixed(l.minimumEntropyL, 3)), "
            out += "recursive (c = \(fixed(l.c, 2))) l \(l.minimumRecursiveL).\n\n"
            out += "| below l | distinct: classes | records | entropy: classes | records | recursive: classes | records |\n"
            out += "|---:|---:|---:|---:|---:|---:|---:|\n"
            for s in l.below {
                out += "| \(s.l) | \(s.distinctClasses) | \(s.distinctRecords) | \(s.entropyClasses) | \(s.entropyRecords) | "
                out += "\(s.recursiveClasses) | \(s.recursiveRecords) |\n"
            }
            if let failing = l.failingClasses, !failing.isEmpty, let t = l.below.map(\.l).max() {
                out += "\nClasses failing l = \(t), most records first:\n\n| " + keys.map(markdownCell).joined(separator: " | ")
                out += " | records | distinct l | entropy l | recursive l |\n|" + String(repeating: "---|", count: keys.count) + "---:|---:|---:|---:|\n"
                for f in failing {
                    out += "| " + f.values.map { markdownCell($0 ?? "(missing)") }.joined(separator: " | ")
                    out += " | \(f.records) | \(f.distinctL) | \(fixed(f.entropyL, 3)) | \(f.recursiveL) |\n"
                }
            }
        }
        let r = individualRisk
        out += "\n## Individual risk\n\nMethod: \(r.method).\n\n| measure | value |\n|---|---:|\n"
        out += "| expected re-identifications | \(fixed(r.expectedReidentifications, 2)) |\n"
        out += "| global risk (mean) | \(fixed(r.globalRisk, 6)) |\n| maximum | \(fixed(r.maximumRisk, 4)) |\n"
        out += "| median | \(fixed(r.medianRisk, 4)) |\n| MAD | \(fixed(r.madRisk, 4)) |\n"
        out += "| records with higher risk than the main part | \(r.highRiskRecords) |\n"
        if let warning = weightWarning { out += "\n**Warning:** \(warning)\n" }
        if let h = householdRisk {
            out += "\n## Household risk\n\n| measure | value |\n|---|---:|\n| households | \(h.households) |\n"
            out += "| expected re-identifications | \(fixed(h.expectedReidentifications, 2)) |\n"
            out += "| global risk (mean) | \(fixed(h.globalRisk, 6)) |\n| maximum | \(fixed(h.maximumRisk, 4)) |\n"
        }
        return out
    }

    /// The smallest class and the smallest fk. With missing key values they differ (a suppressed value is a
    /// class of its own but matches any category in fk), and k-anonymity is measured on fk: both are named.
    private var smallestFigures: String {
        guard hasMissingKeys else { return "smallest class \(smallestClassSize), smallest fk \(minimumFk)" }
        return "smallest class of identical keys \(smallestClassSize); smallest fk \(minimumFk), "
            + "a missing value matching any category, which k-anonymity is measured on"
    }

    /// Why some individual risks are not probabilities, when weights sum below the records they stand for.
    private var weightWarning: String? {
        guard let n = recordsWithFkBelowfk, n > 0 else { return nil }
        return "\(n) record\(n == 1 ? " is" : "s are") in classes whose weights sum to less than their number of records "
            + "(Fk < fk: weights below 1, normalised weights?). A sampling weight is the number of population units a record "
            + "stands for (1 or more); for these records the approx risk is not a probability (maximum here "
            + "\(fixed(individualRisk.maximumRisk, 4)))."
    }

    private func describe(_ values: [String?]) -> String {
        zip(keys, values).map { "\($0)=\($1 ?? "(missing)")" }.joined(separator: ", ")
    }

    private func markdownCell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// "1 record", "2 records".
    private func count(_ n: Int, _ one: String, _ many: String? = nil) -> String {
        "\(n) " + (n == 1 ? one : many ?? one + "s")
    }

    private func percent(_ share: Double) -> String { fixed(share * 100, 2) + "%" }

    private func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}
