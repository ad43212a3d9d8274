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
/// | importData (upload files, import jobs, API versions) | ✓ | ✓ | – | – | – | – | – |
/// | administer (users, organisations, teams, anyone's API tokens) | ✓ | – | – | – | – | – | – |
///
/// The same matrix is served at `/admin/roles`, generated from this type.
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
    /// Uploads files and imports them as dataset versions (web import, API upload).
    case importData
    // MARK: Accounts and access
    /// Manages users, organisations, case-management teams and anyone's API tokens.
    case administer
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
        case .importData: [.administrator, .pimOfficer]
        case .administer: [.administrator]
        // Sharing
        case .readSharing: [.administrator, .pimOfficer, .dataProtectionFocalPoint, .analyst, .partnerViewer]
        case .manageSharing: [.administrator, .pimOfficer, .dataProtectionFocalPoint]
        case .downloadShares: [.administrator, .pimOfficer, .dataProtectionFocalPoint, .partnerViewer]
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
        case .importData: "Uploads files and imports them as dataset versions (web import, API upload)."
        case .readSharing: "Lists and reads agreements and share records (partner viewers: their organisation's only)."
        case .manageSharing: "Creates agreements, changes their status and requests shares."
        case .downloadShares: "Downloads share packages (partner viewers: those addressed to their organisation)."
        }
    }

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
    /// - A partner viewer sees a dataset only while an agreement sharing with their organisation (a recipient,
    ///   not the producer) is in force (active, within its dates) and covers it, by name or category; and then only its metadata and
    ///   shareable (aggregated, suppressed) outputs, never microdata (those routes need
    ///   ``Permission/analyseMicrodata``).
    /// - Case workers and supervisors see only case-management datasets with an assignment field
    ///   (``CaseAssignment``), and in them only their (team's) rows (``rowScope(for:)``).
    public static func canSee(_ dataset: Dataset, viewer: Viewer, at now: Date) -> Bool {
        if Permission.seeAllDatasets.allows(viewer.role) { return true }
        switch viewer.role {
        case .partnerViewer: return !coveringAgreements(dataset, viewer: viewer, at: now).isEmpty
        case _ where CaseAssignment.roles.contains(viewer.role): return CaseAssignment.applies(to: dataset)
        default: return false
        }
    }

    /// The rows of a visible dataset that `viewer` may see.
    public static func rowScope(for viewer: Viewer) -> RowScope {
        switch viewer.role {
        case .caseWorker: .assignedTo([viewer.userName])
        case .supervisor: .assignedTo(viewer.team.union([viewer.userName]))
        default: Permission.seeAllDatasets.allows(viewer.role) || viewer.role == .partnerViewer ? .all : .assignedTo([])
        }
    }

    /// The agreements in force that share `dataset` with the viewer's organisation: it must be a recipient
    /// (a party after the first). The producer (the first party) is not shared with, as `pim share` refuses
    /// it as a recipient (`recipient-is-producer`).
    static func coveringAgreements(_ dataset: Dataset, viewer: Viewer, at now: Date) -> [Agreement] {
        guard viewer.role == .partnerViewer, let org = viewer.organization else { return [] }
        return viewer.agreements.filter { $0.recipients.contains(org) && $0.isInForce(for: org, at: now) && $0.covers(dataset) }
    }

    // MARK: Partner viewers' live outputs (consent and dimensions of the agreements)

    /// The consent purposes of the agreements that share `dataset` with a partner viewer. Every live output
    /// they see is computed only from records that granted every one of these purposes (as a share package
    /// would be); empty for other roles.
    public static func consentPurposes(_ dataset: Dataset, viewer: Viewer, at now: Date) -> [ConsentPurpose] {
        Set(coveringAgreements(dataset, viewer: viewer, at: now).compactMap(\.consentPurpose)).sorted { $0.rawValue < $1.rawValue }
    }

    /// The dimensions a partner viewer may count by: those every covering agreement that lists dimensions
    /// allows. Nil when no agreement lists any (or for other roles): then any field but identifiers.
    public static func allowedDimensions(_ dataset: Dataset, viewer: Viewer, at now: Date) -> Set<String>? {
        let listed = coveringAgreements(dataset, viewer: viewer, at: now).map(\.dimensions).filter { !$0.isEmpty }
        guard let first = listed.first else { return nil }
        return listed.dropFirst().reduce(Set(first)) { $0.intersection($1) }
    }

    /// Fields that are never a dimension of a live aggregate, for anyone: direct identifiers and household ids.
    public static func forbiddenDimensions(in schema: Schema) -> Set<String> {
        Set(schema.fields.filter { $0.role == .directIdentifier || $0.role == .householdID }.map(\.name))
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
        // Each distinct name is compared once; the rows then by their codes.
        guard case .text(let codes, let dictionary) = column.data else { return [] }
        let assigned = dictionary.map { names.contains($0.trimmingCharacters(in: .whitespaces)) }
        return codes.indices.filter { r in codes[r] >= 0 && assigned[Int(codes[r])] }
    }

    /// `table` with only the rows visible under `scope`.
    public static func restrict(_ table: Table, assignment: String?, scope: RowScope) -> Table {
        guard let rows = visibleRows(of: table, assignment: assignment, scope: scope) else { return table }
        return table.selectingRows(rows)
    }
}
