import Foundation
import PIMCore
import PIMStorage

/// Case-management teams: for each supervisor, the case workers whose cases they see. Stored as a `team`
/// document under the supervisor's user id, holding member user ids (names are resolved when read, so the
/// document holds no personal data beyond ids).
public struct Teams: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    struct Document: Codable, Sendable, Hashable {
        var members: [String]
    }

    /// The member user ids of `supervisor`'s team.
    public func memberIDs(of supervisor: User.ID) async throws -> [User.ID] {
        guard let json = try await store.document(kind: .team, id: supervisor.rawValue) else { return [] }
        guard let doc = try? JSONDecoder().decode(Document.self, from: Data(json.utf8)) else {
            throw StoreError.corrupt("a team document cannot be read")
        }
        return doc.members.map(User.ID.init)
    }

    /// The user names of `supervisor`'s team members that still exist and are not disabled.
    public func memberNames(of supervisor: User.ID) async throws -> Set<String> {
        let ids = Set(try await memberIDs(of: supervisor))
        guard !ids.isEmpty else { return [] }
        return Set(try await store.users().filter { ids.contains($0.id) && !$0.isDisabled }.map(\.userName))
    }

    /// Replaces the team, audited with ids and a count only.
    public func setMembers(_ members: [User.ID], of supervisor: User.ID, actor: User.ID, at: Date) async throws {
        let doc = Document(members: members.map(\.rawValue))
        let json = String(decoding: JSON.encode(doc), as: UTF8.self)
        try await store.putDocument(kind: .team, id: supervisor.rawValue, json: json, audit: AuditDraft(
            at: at, actor: actor.rawValue, action: .teamChanged,
            details: ["supervisor": supervisor.rawValue, "members": String(members.count)]))
    }
}
