import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore
import PIMTable

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
/// | administer (users, organisations, teams, anyone's API tokens) | ✓ | – | – | – | – | – | – |
///
/// The same matrix is served at `/admin/roles`, generated from this type.
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
    // MARK: Accounts and access
    /// Manages users, organisations, case-management teams and anyone's API tokens.
    case administer

    /// The roles that hold this permission.
    public var roles: Set<Role> {
        switch self {
        case .anyone, .signedIn, .browseDatasets: Set(Role.allCases)
        case .seeAllDatasets: [.administrator, .pimOfficer, .dataProtectionFocalPoint, .analyst]
        case .analyseMicrodata: [.administrator, .pimOfficer, .dataProtectionFocalPoint]
        case .readAudit: [.administrator, .dataProtectionFocalPoint]
        case .administer: [.administrator]
        }
    }

    public func allows(_ role: Role) -> Bool { roles.contains(role) }

    /// One sentence for the role matrix page.
    public var summary: String {
        switch self {
        case .anyone: "Public: the sign-in form, the stylesheet, the health check and the OpenAPI document."
        case .signedIn: "Any signed-in user: the workspace, the framework browser and their own API tokens."
        case .browseDatasets: "Opens dataset routes; which datasets and rows are visible is decided per object."
        case .seeAllDatasets: "Sees every dataset of the workspace (metadata and aggregated, protected outputs)."
        case .analyseMicrodata: "Row-level analysis: re-identification risk, internal outputs, cells below 5."
        case .readAudit: "Reads the audit log and checks its hash chain."
        case .administer: "Manages users, organisations, case-management teams and anyone's API tokens."
        }
    }

    /// Whether a request needs a session at all.
    public var needsSession: Bool { self != .anyone }
}

/// Object-level rules for datasets: a dataset a user may not see is answered exactly like a missing one.
public enum DatasetAccess {
    /// Whether `role` may see `dataset`, knowing nothing else about the user.
    ///
    /// Partner viewers will see what agreements share with their organisation once agreements are stored.
    /// Case workers and supervisors need to be known by name (see ``canSee(_:viewer:)``), so with a role
    /// alone they see no dataset (deny by default).
    public static func canSee(_ dataset: Dataset, role: Role) -> Bool {
        Permission.seeAllDatasets.allows(role)
    }

    /// Whether `viewer` may see `dataset`: every dataset for roles that see all; for case workers and
    /// supervisors only case-management datasets with an assignment field (``CaseAssignment``).
    public static func canSee(_ dataset: Dataset, viewer: DatasetViewer) -> Bool {
        if canSee(dataset, role: viewer.role) { return true }
        guard CaseAssignment.roles.contains(viewer.role) else { return false }
        return CaseAssignment.applies(to: dataset)
    }

    /// The rows of a visible dataset that `viewer` may see.
    public static func rowScope(for viewer: DatasetViewer) -> RowScope {
        switch viewer.role {
        case .caseWorker: .assignedTo([viewer.userName])
        case .supervisor: .assignedTo(viewer.team.union([viewer.userName]))
        default: Permission.seeAllDatasets.allows(viewer.role) ? .all : .assignedTo([])
        }
    }

    /// The smallest cell an aggregate may publish for `role`: 1 for those who analyse microdata, else 5.
    public static func minimumCell(for role: Role) -> Int {
        Permission.analyseMicrodata.allows(role) ? 1 : 5
    }
}

/// Who is looking at datasets: the role, and for case management the user name and the team.
public struct DatasetViewer: Sendable, Hashable {
    public var role: Role
    public var userName: String
    /// The viewer's organisation (for rules that depend on it, e.g. what agreements share with it).
    public var organizationID: Organization.ID?
    /// For supervisors: the user names of their team's members (from the `team` document); empty otherwise.
    public var team: Set<String>

    public init(role: Role, userName: String, organizationID: Organization.ID? = nil, team: Set<String> = []) {
        self.role = role
        self.userName = userName
        self.organizationID = organizationID
        self.team = team
    }
}

/// Which rows of a dataset a viewer may see.
public enum RowScope: Sendable, Hashable {
    case all
    /// Only rows whose assignment field holds one of these pim user names.
    case assignedTo(Set<String>)
}

/// The case-management object rule.
///
/// A case-management dataset (category `case-management`) names the case worker of each row in its
/// *assignment field*: the schema field whose HXL tag is `#x_caseworker` (attributes allowed), or else the
/// field named `caseworker` or `assigned_to`. It holds pim user names. A case worker sees the rows assigned
/// to them; a supervisor the rows assigned to them or to a member of their team (kept by administrators on
/// `/admin/users`). They open no other dataset. When the rule cannot be applied (another category, no
/// assignment field) nothing is visible: deny by default.
public enum CaseAssignment {
    public static let category = "case-management"
    public static let hxlTag = "#x_caseworker"
    public static let fieldNames = ["caseworker", "assigned_to"]
    /// The roles this rule governs.
    public static let roles: Set<Role> = [.caseWorker, .supervisor]

    /// The assignment field's name in `schema`, if any.
    public static func field(in schema: Schema) -> String? {
        let tagged = schema.fields.first { f in
            guard let tag = f.hxl?.lowercased().split(whereSeparator: \.isWhitespace).first else { return false }
            return tag == hxlTag || tag.hasPrefix(hxlTag + "+")
        }
        if let tagged { return tagged.name }
        for name in fieldNames { if let f = schema.fields.first(where: { $0.name.lowercased() == name }) { return f.name } }
        return nil
    }

    public static func applies(to dataset: Dataset) -> Bool {
        dataset.category == category && field(in: dataset.schema) != nil
    }

    /// The indices of the rows of `table` visible under `scope` (all rows for ``RowScope/all``; none when the
    /// assignment column is missing).
    public static func visibleRows(of table: Table, assignment: String?, scope: RowScope) -> [Int]? {
        guard case .assignedTo(let names) = scope else { return nil }
        guard let assignment, let column = table[assignment] else { return [] }
        return (0..<table.rowCount).filter { r in
            if case .text(let s) = column[r] { return names.contains(s.trimmingCharacters(in: .whitespaces)) }
            return false
        }
    }

    /// `table` with only the rows visible under `scope`.
    public static func restrict(_ table: Table, assignment: String?, scope: RowScope) -> Table {
        guard let rows = visibleRows(of: table, assignment: assignment, scope: scope) else { return table }
        return table.selectingRows(rows)
    }
}
