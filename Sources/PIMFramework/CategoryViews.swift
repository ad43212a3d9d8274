import Foundation

/// The list of the eight categories with their status (`pim framework categories`).
public struct CategoryListView: FrameworkView, Hashable {
    public static let viewName = "categories"

    /// One line of the list.
    public struct Row: Sendable, Hashable, Codable {
        public let id: PIMCategory.ID
        public let name: String
        public let status: AgreementStatus
        public let statusSection: SectionReference
        public let formerNames: [String]
        public let merged: [String]
    }

    public let rows: [Row]

    public init(_ framework: PIMFramework = .standard) {
        rows = framework.categories.map { category in
            Row(
                id: category.id, name: category.name, status: category.status, statusSection: category.statusSection,
                formerNames: category.formerNames,
                merged: framework.mergedCategories.filter { $0.mergedInto == category.id }.map(\.name))
        }
    }

    private static func notes(_ row: Row) -> String {
        var parts: [String] = []
        if !row.formerNames.isEmpty { parts.append("formerly " + row.formerNames.map { "\"\($0)\"" }.joined(separator: ", ")) }
        if !row.merged.isEmpty { parts.append("includes " + row.merged.joined(separator: ", ") + " (§7.2)") }
        return parts.joined(separator: "; ")
    }

    public func renderText() -> String {
        var out = "PIM categories (§6)\n"
        let width = rows.map(\.id.rawValue.count).max() ?? 0
        for row in rows {
            let padded = row.id.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
            out += "  \(padded)  \(row.name)\n"
            out += "  \(String(repeating: " ", count: width))  status: \(row.status.rawValue) [\(row.statusSection)]"
            let notes = Self.notes(row)
            out += notes.isEmpty ? "\n" : "; \(notes)\n"
        }
        return out
    }

    public func renderMarkdown() -> String {
        var out = "# PIM categories (§6)\n\n| Id | Category | Status | Notes |\n| --- | --- | --- | --- |\n"
        for row in rows {
            out += "| `\(row.id.rawValue)` | \(Layout.cell(row.name)) | \(row.status.summary) (\(row.statusSection)) | \(Layout.cell(Self.notes(row))) |\n"
        }
        return out
    }
}

/// Everything about one category: definition, status, aliases and all six matrix elements (`pim framework show`).
public struct CategoryDetailView: FrameworkView, Hashable {
    public static let viewName = "category"
    public let category: PIMCategory
    public let mergedCategories: [MergedCategory]

    public init(_ category: PIMCategory, framework: PIMFramework = .standard) {
        self.category = category
        self.mergedCategories = framework.mergedCategories.filter { $0.mergedInto == category.id }
    }

    public func renderText() -> String {
        var out = "\(category.name) (\(category.id.rawValue))\n"
        out += Layout.wrap("Status: \(category.status.summary) [\(category.statusSection)]", indent: "") + "\n"
        for alias in category.aliases {
            out += "Also: \"\(alias.name)\" (\(alias.kind.rawValue)) [\(Layout.tag(alias.section, alias.source))]\n"
        }
        for merged in mergedCategories {
            out += Layout.wrap("Merged: \(merged.name) — \(merged.explanation.text) [\(Layout.tag(merged.explanation))]", indent: "") + "\n"
        }
        for element in MatrixElement.allCases {
            out += "\n\(element.title)\n"
            for entry in category.entries(for: element) { out += Layout.bullet(entry) + "\n" }
            if element == .sharedData {
                for note in category.shareNotes { out += Layout.wrap("Note: \(note.text) [\(Layout.tag(note))]", indent: "  ") + "\n" }
                out += "  Conditions (\(SharingCondition.section)): "
                out += SharingCondition.allCases.map(\.title).joined(separator: ", ") + "\n"
            }
        }
        return out
    }

    public func renderMarkdown() -> String {
        var out = "# \(category.name)\n\n`\(category.id.rawValue)` · **Status:** \(category.status.summary) (\(category.statusSection))\n"
        if !category.aliases.isEmpty {
            out += "\n**Also known as:** "
            out += category.aliases.map { "\($0.name) (\($0.kind.rawValue), \(Layout.tag($0.section, $0.source)))" }
                .joined(separator: "; ") + "\n"
        }
        for merged in mergedCategories {
            out += "\n> **\(merged.name)** was merged into this category: \(merged.explanation.text) (\(merged.explanation.section))\n"
        }
        for element in MatrixElement.allCases {
            out += "\n## \(element.title)\n\n"
            for entry in category.entries(for: element) { out += "- \(entry.text) *(\(Layout.tag(entry)))*\n" }
            if element == .sharedData {
                for note in category.shareNotes { out += "\n*Note:* \(note.text) *(\(Layout.tag(note)))*\n" }
                out += "\nShared only under the conditions of \(SharingCondition.section): "
                out += SharingCondition.allCases.map(\.title).joined(separator: ", ") + ".\n"
            }
        }
        return out
    }
}

/// The data and information output of one category (§9; `pim framework outputs`).
public struct OutputsView: FrameworkView, Hashable {
    public static let viewName = "outputs"
    public let category: PIMCategory.ID
    public let name: String
    public let outputs: [Statement]

    public init(_ category: PIMCategory) {
        self.category = category.id
        self.name = category.name
        self.outputs = category.outputs
    }

    public func renderText() -> String {
        "Outputs of \(name) (§9)\n" + outputs.map { Layout.bullet($0) + "\n" }.joined()
    }

    public func renderMarkdown() -> String {
        "# Outputs of \(name) (§9)\n\n" + outputs.map { "- \($0.text) *(\(Layout.tag($0)))*\n" }.joined()
    }
}

/// The data and information one category should share, with levels and conditions (§10; `pim framework shares`).
public struct SharesView: FrameworkView, Hashable {
    public static let viewName = "shares"
    public let category: PIMCategory.ID
    public let name: String
    public let rules: [ShareRule]
    public let notes: [Statement]
    public let conditions: [SharingCondition]
    public let conditionsSection: SectionReference

    public init(_ category: PIMCategory) {
        self.category = category.id
        self.name = category.name
        self.rules = category.shares
        self.notes = category.shareNotes
        self.conditions = SharingCondition.allCases
        self.conditionsSection = SharingCondition.section
    }

    public func renderText() -> String {
        var out = "Data and information to share: \(name) (§10)\n"
        for rule in rules {
            out += Layout.wrap("\(rule.id)  \(rule.what)", indent: "  ", continuation: "          ") + "\n"
            out += "          level: \(rule.level.rawValue) [\(Layout.tag(rule.section, rule.source))]\n"
            if let note = rule.note { out += Layout.wrap("note: \(note)", indent: "          ") + "\n" }
        }
        for note in notes { out += Layout.wrap("Note: \(note.text) [\(Layout.tag(note))]", indent: "  ") + "\n" }
        out += "Conditions (\(conditionsSection)): " + conditions.map(\.title).joined(separator: ", ") + "\n"
        return out
    }

    public func renderMarkdown() -> String {
        var out = "# Data and information to share: \(name) (§10)\n\n| Rule | What | Level | Note | Section |\n"
        out += "| --- | --- | --- | --- | --- |\n"
        for rule in rules {
            out += "| \(rule.id) | \(Layout.cell(rule.what)) | \(rule.level.title) | \(Layout.cell(rule.note ?? "")) | \(Layout.tag(rule.section, rule.source)) |\n"
        }
        for note in notes { out += "\n*Note:* \(note.text) *(\(Layout.tag(note)))*\n" }
        out += "\n**Conditions (\(conditionsSection)):** " + conditions.map(\.title).joined(separator: ", ") + ".\n"
        return out
    }
}
