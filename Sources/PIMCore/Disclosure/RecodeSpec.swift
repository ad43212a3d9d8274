import Foundation
import PIMDisclosure
import PIMTable

/// Parses recodings (`age=bands`, `date=month`, …) and location generalisations (`adm2_code=adm1`), as
/// `pim anonymize --recode/--generalize` and the web anonymisation preview take them.
public enum RecodeSpec {
    /// A recoding that cannot be parsed; the text says what to write instead.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Whether a dimension `COL=SPEC` is the `rare:N` recoding (categories with fewer than N records merged),
    /// which decides on true counts, so it cannot go with perturbed ones (the categories it names tell them).
    /// A comma-separated list of dimensions, where custom bands keep their commas: `sex,age=bands:0,18,60,adm1_code`
    /// is `sex`, `age=bands:0,18,60` and `adm1_code` (a number after a `=bands:` dimension continues it).
    public static func dimensions(_ text: String) -> [String] {
        var out: [String] = []
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            if let last = out.last, last.contains("=bands:"), Double(part) != nil {
                out[out.count - 1] = last + "," + part
            } else {
                out.append(part)
            }
        }
        return out
    }

    public static func mergesRareCategories(_ dimension: String) -> Bool {
        let parts = dimension.split(separator: "=", maxSplits: 1)
        guard parts.count == 2 else { return false }
        let spec = parts[1].trimmingCharacters(in: .whitespaces).lowercased()
        return spec.split(separator: ":").first.map(String.init) == "rare"
    }

    public static func parse(_ text: String, table: Table) throws -> Recode {
        let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty else {
            throw ParseError("recode takes COL=SPEC, e.g. age=bands, date=month, household_size=top:10, nationality=rare:20.")
        }
        let (col, spec) = (parts[0], parts[1].lowercased())
        guard table[col] != nil else { throw ParseError("recode: there is no column \"\(col)\"; the columns are: \(table.columnNames.joined(separator: ", ")).") }
        let arg = spec.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init)
        switch spec.split(separator: ":").first.map(String.init) ?? "" {
        case "bands":
            guard let arg else { return .ageBands(column: col) }
            let bounds = arg.split(separator: ",").compactMap { Int($0) }
            guard bounds.count >= 2, bounds.count == arg.split(separator: ",").count, bounds.first == 0,
                  zip(bounds, bounds.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw ParseError("recode \(col)=bands:LOWER,… takes increasing lower bounds starting at 0, e.g. bands:0,5,12,18,60.")
            }
            return .ageBands(column: col, bands: AgeBands(lowerBounds: bounds))
        case "week": return .datePeriod(column: col, period: .week)
        case "month": return .datePeriod(column: col, period: .month)
        case "quarter": return .datePeriod(column: col, period: .quarter)
        case "top":
            guard let v = arg.flatMap(Double.init) else { throw ParseError("recode \(col)=top:N needs a number.") }
            return .topBottomCode(column: col, bottom: nil, top: v)
        case "bottom":
            guard let v = arg.flatMap(Double.init) else { throw ParseError("recode \(col)=bottom:N needs a number.") }
            return .topBottomCode(column: col, bottom: v, top: nil)
        case "rare":
            guard let v = arg.flatMap(Int.init), v >= 1 else { throw ParseError("recode \(col)=rare:N needs a positive count.") }
            return .mergeRare(column: col, minCount: v)
        default:
            throw ParseError("recode \(col)=\(spec): unknown recoding; use bands, week, month, quarter, top:N, bottom:N or rare:N.")
        }
    }

    /// `adm2_code=adm1` or `adm2_code→adm1`: parents from the gazetteer, else learned from the table's own
    /// `#adm1+code` column (or, untagged, the column named `adm1_code`), else by P-code prefix.
    ///
    /// With a gazetteer or a parent column, every code of the column must have a parent there: a code without
    /// one is refused (it would be released at its own, finer level although a coarser one was asked).
    public static func parseGeneralization(_ text: String, table: Table, gazetteer: Gazetteer?) throws -> Recode {
        let normalized = text.replacingOccurrences(of: "→", with: "=").replacingOccurrences(of: "->", with: "=")
        let parts = normalized.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let level = Int(parts[1].lowercased().replacingOccurrences(of: "adm", with: "")), (1...4).contains(level) else {
            throw ParseError("generalize takes COL=admN, e.g. adm2_code=adm1.")
        }
        var col = parts[0]
        if table[col] == nil, let match = table.columns.first(where: { $0.tag?.tag == col.lowercased() && $0.tag?.has("code") == true }) {
            col = match.name
        }
        guard let column = table[col] else {
            throw ParseError("generalize: there is no column \"\(parts[0])\"; the columns are: \(table.columnNames.joined(separator: ", ")).")
        }
        var parents: [String: String] = [:]
        if case .text(let codes, let dict) = column.data {
            var source: String?
            if let g = gazetteer {
                source = "the gazetteer"
                for code in dict { if let p = g.ancestor(of: code, atLevel: level) { parents[code] = p } }
            } else if let parentColumn = table.columns.first(where: { $0.tag?.tag == "adm\(level)" && $0.tag?.has("code") == true })
                ?? table.columns.first(where: { $0.name.lowercased() == "adm\(level)_code" && $0.name != column.name })
            {
                source = "the column \"\(parentColumn.name)\""
                // A code under two parents ("01" in each state) is no P-code: generalising it by one of them would
                // move the other's records to the wrong area without a word (QA14).
                var ambiguous: [String: Set<String>] = [:]
                for r in 0..<table.rowCount {
                    guard case .text(let c) = column[r], case .text(let p) = parentColumn[r], !p.isEmpty else { continue }
                    if let earlier = parents[c], earlier != p { ambiguous[c, default: [earlier]].insert(p) }
                    parents[c] = p
                }
                if let (code, both) = ambiguous.min(by: { $0.key < $1.key }) {
                    throw ParseError(
                        "generalize: \(ambiguous.count) code\(ambiguous.count == 1 ? "" : "s") of \"\(col)\" lie\(ambiguous.count == 1 ? "s" : "") in more than one "
                            + "adm\(level) of the column \"\(parentColumn.name)\" (\"\(code)\" in \(both.sorted().map { "\"\($0)\"" }.joined(separator: " and "))), "
                            + "so \(ambiguous.count == 1 ? "it is not a P-code" : "they are not P-codes") and the parent area cannot be told from \(ambiguous.count == 1 ? "it" : "them"); "
                            + "give --gazetteer, or make the codes unique (prefix them with their adm\(level) code).")
                }
            }
            if let source {
                var present = Set<Int32>()
                for c in codes where c >= 0 { present.insert(c) }
                let unmapped = present.filter { parents[dict[Int($0)]] == nil }.count
                if unmapped > 0 {
                    throw ParseError(
                        "generalize: \(unmapped) of the \(present.count) codes of \"\(col)\" have no admin-\(level) parent in \(source), "
                            + "so they cannot be generalised to adm\(level) (they would be released as they are); "
                            + "add them to \(source) or correct them.")
                }
            }
        }
        if parents.isEmpty, case .text(_, let dict) = column.data {
            // Without a gazetteer or a parent column, P-codes nest by prefix (country, then two characters
            // per level): a code no longer than the prefix would be left as it is, which is refused.
            let short = dict.filter { $0.count <= 2 + 2 * level }.count
            if short > 0 {
                throw ParseError(
                    "generalize: no parent areas are known for \"\(col)\" (no --gazetteer, no column tagged #adm\(level)+code), "
                        + "and \(short) of its \(dict.count) codes are not longer than the \(2 + 2 * level) characters the P-code rule keeps, "
                        + "so they would not be generalised; give --gazetteer.")
            }
        }
        let fallback: LocationHierarchy.Fallback = parents.isEmpty ? .prefix(length: 2 + 2 * level) : .fail
        return .location(column: col, hierarchy: LocationHierarchy(parents: parents, fallback: fallback))
    }
}
