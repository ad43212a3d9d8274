/// The PIM Matrix (§6, §8), readable from any direction: by category or by element, optionally for one element.
///
/// CSV has one record per entry: `category_id,category,element_id,element,entry,section,source`.
public struct MatrixView: FrameworkView, Hashable {
    public static let viewName = "matrix"

    /// Which way the matrix is read (§8: "the rows can be approached from any direction").
    public enum Orientation: String, Sendable, Hashable, Codable, CaseIterable {
        /// One block per category, its elements inside.
        case category
        /// One block per element, every category's values inside.
        case element
    }

    /// The entries of one category for one element.
    public struct Cell: Sendable, Hashable, Codable {
        public let category: PIMCategory.ID
        public let element: MatrixElement
        public let entries: [Statement]
    }

    public let orientation: Orientation
    public let categories: [PIMCategory.ID]
    public let categoryNames: [String]
    public let elements: [MatrixElement]
    /// Cells in reading order for the orientation.
    public let cells: [Cell]

    /// - Parameter element: when given, only that element (for every category).
    public init(
        _ framework: PIMFramework = .standard, orientation: Orientation = .category, element: MatrixElement? = nil
    ) {
        self.orientation = orientation
        self.categories = framework.categories.map(\.id)
        self.categoryNames = framework.categories.map(\.name)
        self.elements = element.map { [$0] } ?? MatrixElement.allCases
        var cells: [Cell] = []
        switch orientation {
        case .category:
            for category in framework.categories {
                for element in elements {
                    cells.append(Cell(category: category.id, element: element, entries: category.entries(for: element)))
                }
            }
        case .element:
            for element in elements {
                for category in framework.categories {
                    cells.append(Cell(category: category.id, element: element, entries: category.entries(for: element)))
                }
            }
        }
        self.cells = cells
    }

    /// The cell for a category and an element, if in this view.
    public func cell(_ category: PIMCategory.ID, _ element: MatrixElement) -> Cell? {
        cells.first { $0.category == category && $0.element == element }
    }

    private func name(_ id: PIMCategory.ID) -> String {
        categories.firstIndex(of: id).map { categoryNames[$0] } ?? id.rawValue
    }

    public func renderText() -> String {
        var out = "PIM Matrix (§6, §8), by \(orientation.rawValue)\n"
        var heading = ""
        for cell in cells {
            let outer = orientation == .category ? name(cell.category) : cell.element.title
            let inner = orientation == .category ? cell.element.title : name(cell.category)
            if outer != heading {
                heading = outer
                out += "\n\(outer)\n"
            }
            out += "  \(inner)\n"
            for entry in cell.entries { out += Layout.bullet(entry, indent: "    ") + "\n" }
        }
        return out
    }

    /// The whole matrix as one table: rows are categories (by category) or elements (by element).
    public func renderMarkdown() -> String {
        var out = "# PIM Matrix (§6, §8), by \(orientation.rawValue)\n\n"
        out += "Entries marked *PIM Matrix* are filled from the published PIM Matrix, not the seed document.\n\n"
        func joined(_ cell: Cell?) -> String {
            guard let cell else { return "" }
            return cell.entries.map { "• " + Layout.cell($0.text) + " *(\(Layout.tag($0)))*" }.joined(separator: "<br>")
        }
        switch orientation {
        case .category:
            out += "| Category | " + elements.map(\.title).joined(separator: " | ") + " |\n"
            out += "| --- |" + String(repeating: " --- |", count: elements.count) + "\n"
            for category in categories {
                out += "| **\(Layout.cell(name(category)))** | "
                out += elements.map { joined(cell(category, $0)) }.joined(separator: " | ") + " |\n"
            }
        case .element:
            out += "| Element | " + categories.map { Layout.cell(name($0)) }.joined(separator: " | ") + " |\n"
            out += "| --- |" + String(repeating: " --- |", count: categories.count) + "\n"
            for element in elements {
                out += "| **\(element.title)** | "
                out += categories.map { joined(cell($0, element)) }.joined(separator: " | ") + " |\n"
            }
        }
        return out
    }

    public func renderCSV() -> String? {
        var out = Layout.csvRecord(["category_id", "category", "element_id", "element", "entry", "section", "source"])
        for cell in cells {
            for entry in cell.entries {
                out += Layout.csvRecord([
                    cell.category.rawValue, name(cell.category), cell.element.rawValue, cell.element.title, entry.text,
                    entry.section.description, entry.source.key,
                ])
            }
        }
        return out
    }
}
