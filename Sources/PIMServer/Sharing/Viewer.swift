import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore
import PIMStorage

/// Who is asking, with what the object-level rules need: the role, the user's organisation (acronym),
/// for partner viewers the agreements that name that organisation as a party, and for case management the
/// user name and (supervisors) the team.
public struct Viewer: Sendable, Hashable {
    public var userID: String
    public var role: Role
    /// The pim user name (case-management rows are assigned by user name).
    public var userName: String
    /// For supervisors: the user names of their team's members (from the `team` document); empty otherwise.
    public var team: Set<String>
    /// The acronym of the user's organisation, if they belong to one.
    public var organization: String?
    /// Agreements naming ``organization`` as a party (loaded for partner viewers only; empty otherwise).
    public var agreements: [Agreement]

    public init(userID: String, role: Role, organization: String? = nil, agreements: [Agreement] = [],
                userName: String = "", team: Set<String> = []) {
        self.userID = userID
        self.role = role
        self.organization = organization
        self.agreements = agreements
        self.userName = userName
        self.team = team
    }

    /// A case-management viewer known by name (and team).
    public init(role: Role, userName: String, team: Set<String> = []) {
        self.init(userID: "", role: role, userName: userName, team: team)
    }

    /// The signed-in user of the request as a viewer.
    static func of(_ context: PIMRequestContext, store: any Store) async throws -> Viewer {
        guard let user = context.user else { throw ServerError.unauthenticated }
        var viewer = Viewer(userID: user.id.rawValue, role: user.role, userName: user.userName)
        if user.role == .supervisor { viewer.team = try await Teams(store: store).memberNames(of: user.id) }
        if let orgID = user.organizationID {
            viewer.organization = try await store.organizations().first { $0.id == orgID }?.acronym
        }
        if user.role == .partnerViewer, let org = viewer.organization {
            viewer.agreements = try await AgreementDocuments.all(in: store).filter { $0.parties.contains(org) }
        }
        return viewer
    }
}

/// Object-level rules for agreements and shares. What a viewer may not see is answered as missing (404).
public enum SharingAccess {
    /// Roles that read every agreement and share record of the workspace.
    static func seesAll(_ role: Role) -> Bool {
        [.administrator, .pimOfficer, .dataProtectionFocalPoint, .analyst].contains(role)
    }

    /// Everyone who reads sharing sees every agreement, except partner viewers: only those their
    /// organisation is a party to.
    public static func canSee(_ agreement: Agreement, viewer: Viewer) -> Bool {
        if seesAll(viewer.role) { return true }
        guard viewer.role == .partnerViewer, let org = viewer.organization else { return false }
        return agreement.parties.contains(org)
    }

    /// A share record: partner viewers see only the shares addressed to their organisation.
    public static func canSee(_ share: ShareRecord, viewer: Viewer) -> Bool {
        if seesAll(viewer.role) { return true }
        guard viewer.role == .partnerViewer, let org = viewer.organization else { return false }
        return share.recipient == org
    }

    /// Refused requests are internal deliberations: never shown to partner viewers.
    public static func canSee(_ refusal: ShareRefusalRecord, viewer: Viewer) -> Bool { seesAll(viewer.role) }

    /// Downloading: the roles of ``Permission/downloadShares`` that also see the record. A partner viewer
    /// only while the share's agreement is in force for their organisation (active, within its dates: not
    /// revoked, suspended or expired) and the agreement's retention period since the share was made has not
    /// passed.
    public static func canDownload(_ share: ShareRecord, viewer: Viewer, at now: Date) -> Bool {
        guard Permission.downloadShares.allows(viewer.role), canSee(share, viewer: viewer) else { return false }
        guard viewer.role == .partnerViewer else { return true }
        guard let org = viewer.organization, let agreement = viewer.agreements.first(where: { $0.id == share.agreement }) else {
            return false
        }
        let keepUntil = share.created.addingTimeInterval(Double(agreement.retentionDays) * 86_400)
        return agreement.isInForce(for: org, at: now) && now < keepUntil
    }
}
