import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// An information system on the systems map: who runs it, which PIM category it belongs to, where and how it
/// collects, and (optionally) the dataset it feeds. Stored as a document of kind `information-system`.
public struct InformationSystem: Sendable, Hashable, Codable, Identifiable {
    /// A slug of the name, unique in the workspace.
    public var id: String
    public var name: String
    /// Organisation that owns the system (acronym).
    public var owner: String
    public var category: PIMCategory.ID
    /// Area covered (P-code or description).
    public var area: String
    public var tools: String?
    public var method: String?
    public var frequency: String?
    /// The dataset the system feeds in this workspace, if any.
    public var dataset: String?
    public var registeredAt: Date

    public init(name: String, owner: String, category: PIMCategory.ID, area: String, tools: String? = nil, method: String? = nil,
                frequency: String? = nil, dataset: String? = nil, registeredAt: Date) {
        id = Self.slug(name)
        self.name = name
        self.owner = owner
        self.category = category
        self.area = area
        self.tools = tools
        self.method = method
        self.frequency = frequency
        self.dataset = dataset
        self.registeredAt = registeredAt
    }

    /// Checks a registration before it is stored: name, owner and area must not be blank; an existing system
    /// with the same id (names that differ only in case or punctuation share one) is replaced only when
    /// `replacing` says so; a linked dataset must be of the system's category.
    /// - Parameters:
    ///   - existing: the ids of the systems already registered.
    ///   - datasetCategory: the category id of the linked dataset, when one is linked.
    /// - Throws: ``InformationSystemError``.
    public func checkRegistration(existing: Set<String>, datasetCategory: String?, replacing: Bool) throws(InformationSystemError) {
        for (field, value) in [("name", name), ("owner", owner), ("area", area)] where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .emptyField(field)
        }
        if existing.contains(id) && !replacing { throw .idTaken(id) }
        if let dataset, let datasetCategory, datasetCategory != category.rawValue {
            throw .categoryMismatch(dataset: dataset, datasetCategory: datasetCategory, systemCategory: category.rawValue)
        }
    }

    static func slug(_ s: String) -> String {
        var out = ""
        var dash = false
        for ch in s.lowercased() {
            if ch.isLetter || ch.isNumber {
                if dash && !out.isEmpty { out.append("-") }
                dash = false
                out.append(ch)
            } else { dash = true }
        }
        return out.isEmpty ? "system" : out
    }

    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return String(decoding: try e.encode(self), as: UTF8.self)
    }

    public static func decode(_ json: String) throws -> InformationSystem {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try d.decode(InformationSystem.self, from: Data(json.utf8))
    }
}

/// Why a system cannot be registered as given.
public enum InformationSystemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `name`, `owner` or `area` is blank.
    case emptyField(String)
    /// A system with this id is registered already.
    case idTaken(String)
    /// The linked dataset belongs to another category than the system.
    case categoryMismatch(dataset: String, datasetCategory: String, systemCategory: String)

    public var description: String {
        switch self {
        case .emptyField(let f): "The system's \(f) is empty; give a \(f)."
        case .idTaken(let id):
            "A system with the id \"\(id)\" is registered already (names that differ only in case or punctuation share an id); choose another name, or pass --replace to replace it."
        case .categoryMismatch(let d, let dc, let sc):
            "The dataset \"\(d)\" is of the category \(dc), but the system is of the category \(sc); link a dataset of the system's category."
        }
    }
}
