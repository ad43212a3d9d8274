import Foundation
import PIMTable

/// Admin areas with P-codes by level, loaded from an HXL table (`#adm1+code`, `#adm1+name`, `#adm2+code`, …).
///
/// Each row describes one area at the deepest level it has, with its ancestors, so parents are known.
public struct Gazetteer: Sendable, Hashable {
    public struct Area: Sendable, Hashable, Codable {
        public var code: String
        public var name: String?
        public var level: Int
        public var parent: String?

        public init(code: String, name: String?, level: Int, parent: String?) {
            self.code = code
            self.name = name
            self.level = level
            self.parent = parent
        }
    }

    /// code → area.
    public private(set) var areas: [String: Area] = [:]
    /// The admin levels that have at least one area, in order.
    public private(set) var levels: [Int] = []
    /// Per level, the letters its codes start with (the country's code) and their lengths.
    private var shapes: [Int: (prefixes: Set<String>, lengths: Set<Int>)] = [:]

    public init(areas: [Area]) {
        var byCode: [String: Area] = [:]
        for a in areas { byCode[a.code] = a }
        self.areas = byCode
        levels = Set(byCode.values.map(\.level)).sorted()
        for a in byCode.values {
            shapes[a.level, default: ([], [])].prefixes.insert(Self.letterPrefix(a.code))
            shapes[a.level, default: ([], [])].lengths.insert(a.code.utf8.count)
        }
    }

    public static func == (a: Gazetteer, b: Gazetteer) -> Bool { a.areas == b.areas }
    public func hash(into hasher: inout Hasher) { hasher.combine(areas) }

    private static func letterPrefix(_ s: String) -> String {
        String(s.uppercased().prefix { $0.isASCII && $0.isLetter })
    }

    /// Whether `value` has the shape of a P-code of `level`: it starts with the letters the level's codes start
    /// with (the country's code) and is as long as one of them, give or take a character. A value of another
    /// shape in a P-code column is something else shifted there (a phone or case number), and is not quoted.
    public func isShaped(_ value: String, likeCodesOf level: Int) -> Bool {
        guard let shape = shapes[level] else { return false }
        let prefix = Self.letterPrefix(value)
        let n = value.utf8.count
        return !prefix.isEmpty && shape.prefixes.contains(prefix) && shape.lengths.contains { abs($0 - n) <= 1 }
    }

    /// Reads the gazetteer from a table whose columns carry `#admN+code` (and optionally `#admN+name`) tags.
    /// - Throws: ``GazetteerError/noCodeColumns`` when no `#admN+code` column exists.
    public init(table: Table) throws(GazetteerError) {
        var codeCols: [Int: Column] = [:]
        var nameCols: [Int: Column] = [:]
        for c in table.columns {
            guard let t = c.tag, t.tag.hasPrefix("adm"), let level = Int(t.tag.dropFirst(3)), (1...5).contains(level) else { continue }
            if t.has("code") { codeCols[level] = c } else if t.has("name") { nameCols[level] = c }
        }
        guard !codeCols.isEmpty else { throw .noCodeColumns }
        let levels = codeCols.keys.sorted()
        // Levels skipped between the top and the bottom one would make a grandparent pass for a parent.
        if let gap = (levels[0]...levels[levels.count - 1]).first(where: { codeCols[$0] == nil }) {
            throw .missingLevel(gap, present: levels)
        }
        var found: [String: Area] = [:]
        for row in 0..<table.rowCount {
            var parent: String?
            for (i, level) in levels.enumerated() {
                guard let col = codeCols[level], case .text(let code) = Self.text(col[row]) else {
                    parent = nil
                    continue
                }
                // An area under no area of the level above it, or under two, would make the parent checks wrong.
                if i > 0 && parent == nil { throw .missingParent(code: code, level: level, row: row + 1) }
                let name: String? = nameCols[level].flatMap { if case .text(let n) = Self.text($0[row]) { n } else { nil } }
                if let known = found[code] {
                    guard known.level == level, known.parent == parent else {
                        throw .conflictingParent(code: code, first: known.parent, second: parent)
                    }
                    if let name, let first = known.name, name != first {
                        throw .conflictingName(code: code, row: row + 1)
                    }
                    if known.name == nil, let name { found[code]?.name = name }
                } else {
                    found[code] = Area(code: code, name: name, level: level, parent: parent)
                }
                parent = code
            }
        }
        guard !found.isEmpty else { throw .noAreas(rows: table.rowCount) }
        self.init(areas: Array(found.values))
    }

    private static func text(_ v: Value) -> Value {
        switch v {
        case .integer(let i): .text(String(i))
        // (Codes and names as written, without the spaces around them that spreadsheets keep.)
        case .text(let s):
            s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? .null : .text(s.trimmingCharacters(in: .whitespacesAndNewlines))
        default: .null
        }
    }

    /// Codes at `level`, sorted.
    public func codes(atLevel level: Int) -> [String] { areas.values.filter { $0.level == level }.map(\.code).sorted() }

    public func contains(_ code: String, level: Int) -> Bool { areas[code]?.level == level }

    /// The ancestor of `code` at `level` (e.g. adm2 → adm1), if known.
    public func ancestor(of code: String, atLevel level: Int) -> String? {
        var current = areas[code]
        while let c = current, c.level > level { current = c.parent.flatMap { areas[$0] } }
        return current?.level == level ? current?.code : nil
    }

    /// Up to `limit` valid codes at `level` nearest to `code` by edit distance, for "did you mean" hints.
    public func suggestions(for code: String, level: Int, limit: Int = 3) -> [String] {
        let candidates = codes(atLevel: level)
        let scored = candidates.map { ($0, Self.editDistance(Array(code.uppercased().utf8), Array($0.uppercased().utf8))) }
        return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(limit).filter { $0.1 <= max(2, code.count / 2) }.map(\.0)
    }

    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}

public enum GazetteerError: Error, Sendable, Hashable, CustomStringConvertible {
    case noCodeColumns
    /// The `#admN+code` columns skip level N between two levels the file has.
    case missingLevel(Int, present: [Int])
    /// The code columns are there but hold no code.
    case noAreas(rows: Int)
    /// A code listed under two different parents (or at two levels).
    case conflictingParent(code: String, first: String?, second: String?)
    /// A code given another name on a later row (1-based, data rows) than on its first.
    case conflictingName(code: String, row: Int)
    /// A code of level N on a row (1-based, data rows) without the code of level N-1.
    case missingParent(code: String, level: Int, row: Int)

    public var description: String {
        switch self {
        case .noCodeColumns:
            "The gazetteer has no #adm1+code … #adm5+code columns; add an HXL hashtag row such as #adm1+code,#adm1+name,#adm2+code."
        case .missingLevel(let level, let present):
            "The gazetteer has \(present.map { "#adm\($0)+code" }.joined(separator: ", ")) but no #adm\(level)+code column, "
                + "so its areas' parents cannot be known; add the admin\(level) codes."
        case .conflictingParent(let code, let a, let b):
            a == nil || b == nil
                ? "The gazetteer lists \(code) both under \(a ?? b ?? "") and as a top-level area; each area has one parent."
                : "The gazetteer lists \(code) under \(a ?? "") and under \(b ?? ""); each area has one parent."
        case .conflictingName(let code, let row):
            "The gazetteer's data row \(row) gives \(code) another name than its first row does; each area has one name."
        case .missingParent(let code, let level, let row):
            "The gazetteer's data row \(row) has the admin\(level) code \(code) without its admin\(level - 1) code."
        case .noAreas(let rows):
            "The gazetteer's #admN+code columns hold no code in its \(rows) rows; is this the right file?"
        }
    }
}
