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
/// | importData (upload files, import jobs, API versions) | ✓ | ✓ | – | – | – | – | – |
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
    /// Uploads files and imports them as dataset versions (web import, API upload).
    case importData

    /// The roles that hold this permission.
    public var roles: Set<Role> {
        switch self {
        case .anyone, .signedIn, .browseDatasets: Set(Role.allCases)
        case .seeAllDatasets: [.administrator, .pimOfficer, .dataProtectionFocalPoint, .analyst]
        case .analyseMicrodata: [.administrator, .pimOfficer, .dataProtectionFocalPoint]
        case .readAudit: [.administrator, .dataProtectionFocalPoint]
        case .importData: [.administrator, .pimOfficer]
        }
    }

    public func allows(_ role: Role) -> Bool { roles.contains(role) }

    /// Whether a request needs a session at all.
    public var needsSession: Bool { self != .anyone }
}

/// Object-level rules for datasets: a dataset a user may not see is answered exactly like a missing one.
public enum DatasetAccess {
    /// Whether `role` may see `dataset`.
    ///
    /// Partner viewers will see what agreements share with their organisation, case workers their own
    /// cases and supervisors their team's, once agreements and case assignments are stored; until then they
    /// see no dataset (deny by default).
    public static func canSee(_ dataset: Dataset, role: Role) -> Bool {
        Permission.seeAllDatasets.allows(role)
    }

    /// The smallest cell an aggregate may publish for `role`: 1 for those who analyse microdata, else 5.
    public static func minimumCell(for role: Role) -> Int {
        Permission.analyseMicrodata.allows(role) ? 1 : 5
    }
}
