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
