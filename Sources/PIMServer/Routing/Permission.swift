import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore

/// The permission matrix: which roles hold which permission. The one place roles are mapped to rights;
/// routes name a permission (``Route/permission``) and handlers ask ``Permission/allows(_:)``.
///
/// | permission | administrator | pim-officer | DPFP | analyst | partner-viewer | case-worker | supervisor |
/// |---|---|---|---|---|---|---|---|
/// | anyone, signedIn | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
/// | browseDatasets (objects filtered) | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
/// | seeAllDatasets | ✓ | ✓ | ✓ | ✓ | – | – | – |
/// | analyseMicrodata (risk, internal outputs, small cells) | ✓ | ✓ | ✓ | – | – | – | – |
/// | readAudit | ✓ | – | ✓ | – | – | – | – |
/// | readSharing (objects filtered) | ✓ | ✓ | ✓ | ✓ | ✓ | – | – |
/// | manageSharing (agreements, share requests) | ✓ | ✓ | ✓ | – | – | – | – |
/// | downloadShares (objects filtered) | ✓ | ✓ | ✓ | – | ✓ | – | – |
public enum Permission: String, Sendable, Hashable, CaseIterable {
    /// No session needed.
    case anyone
    /// Any signed-in user.
    case signedIn
    /// May open dataset routes; which datasets are visible is decided per object by ``DatasetAccess``.
    case browseDatasets
    /// Sees every dataset of the workspace (metadata and aggregated, protected outputs).
    case seeAllDatasets
    /// Row-level analysis: re-identification risk, internal (unsuppressed) outputs, cells below 5.
    case analyseMicrodata
    /// Reads the audit log and checks its chain.
    case readAudit
    // MARK: Sharing
    /// Lists and reads agreements and share records; partner viewers see only their organisation's
    /// (``SharingAccess``).
    case readSharing
    /// Creates agreements, changes their status and requests shares.
    case manageSharing
    /// Downloads share packages; partner viewers only those addressed to their organisation. Analysts
    /// never: a package may hold (anonymised) microdata.
    case downloadShares

    /// The roles that hold this permission.
    public var roles: Set<Role> {
        switch self {
        case .anyone, .signedIn, .browseDatasets: Set(Role.allCases)
        case .seeAllDatasets: [.administrator, .pimOfficer, .dataProtectionFocalPoint, .analyst]
        case .analyseMicrodata: [.administrator, .pimOfficer, .dataProtectionFocalPoint]
        case .readAudit: [.administrator, .dataProtectionFocalPoint]
        // Sharing
        case .readSharing: [.administrator, .pimOfficer, .dataProtectionFocalPoint, .analyst, .partnerViewer]
        case .manageSharing: [.administrator, .pimOfficer, .dataProtectionFocalPoint]
        case .downloadShares: [.administrator, .pimOfficer, .dataProtectionFocalPoint, .partnerViewer]
        }
    }

    public func allows(_ role: Role) -> Bool { roles.contains(role) }

    /// Whether a request needs a session at all.
    public var needsSession: Bool { self != .anyone }
}

/// Object-level rules for datasets: a dataset a user may not see is answered exactly like a missing one.
public enum DatasetAccess {
    /// Whether `role` may see `dataset`, knowing only the role: roles that see every dataset do; the others
    /// do not (deny by default). Routes that know the requester use ``canSee(_:viewer:at:)``.
    public static func canSee(_ dataset: Dataset, role: Role) -> Bool {
        Permission.seeAllDatasets.allows(role)
    }

    /// Whether `viewer` may see `dataset`.
    ///
    /// - Roles with ``Permission/seeAllDatasets`` see every dataset.
    /// - A partner viewer sees a dataset only while an agreement with their organisation is in force
    ///   (active, within its dates) and covers it, by name or category; and then only its metadata and
    ///   shareable (aggregated, suppressed) outputs, never microdata (those routes need
    ///   ``Permission/analyseMicrodata``).
    /// - Case workers and supervisors see no dataset until case assignments are stored (deny by default).
    public static func canSee(_ dataset: Dataset, viewer: Viewer, at now: Date) -> Bool {
        if Permission.seeAllDatasets.allows(viewer.role) { return true }
        switch viewer.role {
        case .partnerViewer: return !coveringAgreements(dataset, viewer: viewer, at: now).isEmpty
        default: return false
        }
    }

    /// The agreements in force with the viewer's organisation that cover `dataset`.
    static func coveringAgreements(_ dataset: Dataset, viewer: Viewer, at now: Date) -> [Agreement] {
        guard viewer.role == .partnerViewer, let org = viewer.organization else { return [] }
        return viewer.agreements.filter { $0.isInForce(for: org, at: now) && $0.covers(dataset) }
    }

    /// The smallest cell an aggregate may publish for `role`: 1 for those who analyse microdata, else 5.
    public static func minimumCell(for role: Role) -> Int {
        Permission.analyseMicrodata.allows(role) ? 1 : 5
    }

    /// The smallest cell for `viewer` on `dataset`: for a partner viewer also at least the largest minimum
    /// cell size of the agreements that share the dataset with them.
    public static func minimumCell(for viewer: Viewer, dataset: Dataset, at now: Date) -> Int {
        let agreed = coveringAgreements(dataset, viewer: viewer, at: now).map(\.thresholds.minimumCellSize).max() ?? 0
        return max(minimumCell(for: viewer.role), agreed)
    }
}
