import Foundation
import PIMCategories
import PIMCore
import PIMFramework
import PIMServer
import PIMStorage
import PIMTable

/// The demonstration workspace of `pim serve --demo`: synthetic data for all eight categories, a gazetteer,
/// four organisations, one user of every role and an active data-sharing agreement with the partner.
///
/// ```swift
/// let outcome = try await DemoWorkspace.seed(into: store, files: dataDir.appendingPathComponent("demo-files"))
/// for a in DemoWorkspace.accounts { print(a.userName, a.password) }
/// ```
///
/// Seeding is idempotent: every step checks what is already there, so a second run changes nothing and a run
/// that was interrupted is completed. A store that holds a workspace which is not the demo is refused, so the
/// demo's well-known passwords never reach real data.
enum DemoWorkspace {
    /// The demo workspace's name; a store whose workspace has another name is not the demo.
    static let workspaceName = "pim demo (synthetic data)"
    static let country = "ZZZ"
    static let generatorSeed: UInt64 = 7
    static let agreementID = "DSA-DEMO-01"

    struct OrganizationSpec: Sendable {
        var acronym: String
        var name: String
        var kind: Organization.Kind
    }

    /// Invented organisations (no real agency is implied).
    static let organizations: [OrganizationSpec] = [
        .init(acronym: "UNPA", name: "United Nations Protection Agency (demo)", kind: .un),
        .init(acronym: "RPI", name: "Relief Partners International (demo)", kind: .ingo),
        .init(acronym: "CAN", name: "Community Aid Network (demo)", kind: .nngo),
        .init(acronym: "PCL", name: "Protection Cluster (demo)", kind: .cluster),
    ]

    struct Account: Sendable, Hashable {
        var userName: String
        var role: Role
        var organization: String
        /// Published on purpose: the demo holds synthetic data only.
        var password: String
    }

    /// One user of every role; the partner viewer belongs to the partner organisation of the agreement.
    static let accounts: [Account] = [
        .init(userName: "admin", role: .administrator, organization: "UNPA", password: "demo-admin-password"),
        .init(userName: "officer", role: .pimOfficer, organization: "UNPA", password: "demo-officer-password"),
        .init(userName: "dpfp", role: .dataProtectionFocalPoint, organization: "UNPA", password: "demo-dpfp-password"),
        .init(userName: "analyst", role: .analyst, organization: "PCL", password: "demo-analyst-password"),
        .init(userName: "partner", role: .partnerViewer, organization: "RPI", password: "demo-partner-password"),
        .init(userName: "caseworker", role: .caseWorker, organization: "CAN", password: "demo-caseworker-password"),
        .init(userName: "caseworker2", role: .caseWorker, organization: "CAN", password: "demo-caseworker2-password"),
        .init(userName: "supervisor", role: .supervisor, organization: "CAN", password: "demo-supervisor-password"),
    ]

    /// Which organisation "collected" each category's demo data, and with which system.
    static func source(of category: PIMCategory.ID) -> (org: String, system: String, method: String) {
        switch category {
        case .populationData: ("UNPA", "site assessment forms", "key informant interviews")
        case .protectionMonitoring: ("RPI", "KoboToolbox", "household and key informant interviews")
        case .caseManagement: ("CAN", "Primero", "individual case management")
        case .protectionNeedsAssessment: ("PCL", "KoboToolbox", "multi-sector needs assessment")
        case .protectionResponseMonitoringEvaluation: ("PCL", "5W activity reporting", "partner activity reports")
        case .securitySituationalAwareness: ("UNPA", "incident database", "incident reporting")
        case .sectoralIMSystemsOther: ("PCL", "sector dashboards", "secondary data review")
        case .communicatingWithAffectedCommunities: ("CAN", "hotline and help desks", "feedback registration")
        }
    }

    static func datasetName(_ c: PIMCategory.ID) -> String { "demo-\(c.rawValue)" }

    /// The demo's case workers: each case is assigned to one of them, in turn.
    static let caseWorkers = ["caseworker", "caseworker2"]

    /// Adds the assignment field (`caseworker`, `#x_caseworker`) that decides which cases a case worker and
    /// a supervisor see (``CaseAssignment``). Staff user names, never shared: a direct identifier.
    static func assignCases(_ table: Table, _ schema: Schema) throws -> (Table, Schema) {
        let codes = (0..<table.rowCount).map { Int32($0 % caseWorkers.count) }
        let column = Column(name: "caseworker", tag: HXLTagSpec(parsing: "#x_caseworker"),
                            data: .text(codes: codes, dictionary: caseWorkers))
        let field = Field(name: "caseworker", label: "Assigned case worker (pim user name)", hxl: "#x_caseworker", type: .text,
                          role: .directIdentifier)
        return (try Table(columns: table.columns + [column]), Schema(fields: schema.fields + [field]))
    }

    /// What a seeding run did.
    struct Outcome: Sendable, Hashable {
        /// True when the workspace was created by this run (false: an existing demo was reused).
        var created: Bool
        var organizationsAdded: Int
        var usersAdded: Int
        var datasetsImported: Int
    }

    enum SeedError: Error, CustomStringConvertible {
        case notTheDemo(String)
        case invalidDemoFile(String, issues: Int)
        var description: String {
            switch self {
            case .notTheDemo(let name):
                "This store holds the workspace \"\(name)\", which is not the demo; --demo only serves a demo workspace (use another --data-dir)."
            case .invalidDemoFile(let f, let n): "The generated demo file \(f) has \(n) validation issues; the demo was not completed."
            }
        }
    }

    /// Creates the demo workspace in `store` (or completes it), writing the generated files into `files`.
    /// - Parameter hasher: bcrypt settings (tests lower the cost).
    static func seed(
        into store: any Store, files: URL, hasher: PasswordHasher = PasswordHasher(), now: Date = Date()
    ) async throws -> Outcome {
        var outcome = Outcome(created: false, organizationsAdded: 0, usersAdded: 0, datasetsImported: 0)
        let actor = "admin"
        if let ws = try await store.workspace() {
            guard ws.name == workspaceName else { throw SeedError.notTheDemo(ws.name) }
        } else {
            let ws = Workspace(name: workspaceName, country: country, adminLevels: ["Region", "District"], createdAt: now)
            guard let adminAccount = accounts.first(where: { $0.role == .administrator }) else { return outcome }
            let admin = User(userName: adminAccount.userName, displayName: "Demo administrator", role: .administrator,
                             passwordHash: try hasher.hash(newPassword: adminAccount.password), createdAt: now)
            try await store.initialize(workspace: ws, administrator: admin, replacingExisting: false, at: now)
            outcome.created = true
        }

        // Organisations.
        for o in organizations where try await store.organization(acronym: o.acronym) == nil {
            let org = Organization(name: o.name, acronym: o.acronym, kind: o.kind, createdAt: now)
            try await store.add(org)
            try await store.append(AuditDraft(at: now, actor: actor, action: .organizationAdded, organizationID: org.id.rawValue,
                                              details: ["acronym": o.acronym]))
            outcome.organizationsAdded += 1
        }
        var orgIDs: [String: Organization.ID] = [:]
        for o in try await store.organizations() { orgIDs[o.acronym] = o.id }

        // Users: one of every role, in their organisations.
        for a in accounts {
            if var existing = try await store.user(named: a.userName) {
                // The administrator made by `initialize` has no organisation yet.
                if existing.organizationID == nil, let org = orgIDs[a.organization] {
                    existing.organizationID = org
                    try await store.update(existing)
                }
                continue
            }
            let user = User(userName: a.userName, displayName: "Demo \(a.role.rawValue)", role: a.role,
                            organizationID: orgIDs[a.organization], passwordHash: try hasher.hash(newPassword: a.password),
                            createdAt: now)
            try await store.add(user)
            try await store.append(AuditDraft(at: now, actor: actor, action: .userCreated, details: ["user": user.id.rawValue, "role": a.role.rawValue]))
            outcome.usersAdded += 1
        }

        // The generated files (kept so that they can be tried in the import pages) and the datasets.
        do { try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true) } catch {
            throw CLIError("Cannot create the directory \(files.path) for the demo files: \(error.localizedDescription)")
        }
        let generator = DemoGenerator(seed: generatorSeed, scale: .small)
        _ = try generator.write(to: files)
        let gazetteer = try Gazetteer(table: generator.world.gazetteer())
        for template in DemoGenerator.templates {
            let c = template.category
            let stem = DemoGenerator.fileStem(template)
            let name = "demo-\(stem)"
            let existing = try await store.dataset(named: name)
            if let d = existing, !(try await store.versions(of: d.id)).isEmpty { continue }
            let url = files.appendingPathComponent(stem + ".csv")
            let read = try TableReader.read(url: url)
            var schema = template.schema
            let result = Validator(schema: schema, gazetteer: gazetteer, report: read.report).validate(read.table)
            guard result.isValid else { throw SeedError.invalidDemoFile(url.lastPathComponent, issues: result.issues.count) }
            var table = result.table
            if c == .caseManagement { (table, schema) = try assignCases(table, schema) }
            let dataset = existing ?? Dataset(
                name: name, category: c.rawValue, schema: schema, sensitivity: c == .caseManagement ? .high : .low,
                purpose: "Demonstration of \(PIMFramework.standard.category(c).name) with synthetic data", createdAt: now)
            let src = source(of: c)
            let sha = try FileDigest.sha256(of: url)
            let provenance = Provenance(
                sourceOrganization: src.org, sourceSystem: src.system, method: src.method, periodStart: "2026-01-01",
                periodEnd: "2026-06-30", area: "ZZ", receivedAt: now, fileName: url.lastPathComponent, sha256: sha,
                importedBy: actor, qualityNotes: "Synthetic data from `pim demo generate --seed \(generatorSeed)`; no real person or place.")
            let audit = AuditDraft(at: now, actor: actor, action: .datasetImported, datasetID: dataset.id.rawValue,
                                   details: ["sha256": sha, "rejected_rows": "0"])
            _ = try await store.addVersion(of: dataset.id, table: table, schema: schema, provenance: provenance,
                                           audit: audit, creating: existing == nil ? dataset : nil)
            outcome.datasetsImported += 1
        }

        // The supervisor's team: both demo case workers (so the supervisor sees both their cases).
        if let supervisor = try await store.user(named: "supervisor") {
            let teams = Teams(store: store)
            var members: [User.ID] = []
            for name in caseWorkers { if let u = try await store.user(named: name) { members.append(u.id) } }
            if try await teams.memberIDs(of: supervisor.id).count != members.count {
                let admin = try await store.user(named: actor)?.id ?? supervisor.id
                try await teams.setMembers(members, of: supervisor.id, actor: admin, at: now)
            }
        }

        // A partial systems map, so that the coverage report shows gaps.
        for s in DemoCommand.Load.systems {
            let system = InformationSystem(name: s.name, owner: source(of: s.category).org, category: s.category, area: "ZZ",
                                           tools: s.tools, method: s.method, frequency: s.frequency,
                                           dataset: datasetName(s.category), registeredAt: now)
            if try await store.document(kind: .informationSystem, id: system.id) != nil { continue }
            try await store.putDocument(kind: .informationSystem, id: system.id, json: try system.json(), audit: AuditDraft(
                at: now, actor: actor, action: .systemRegistered, details: ["system": system.id, "category": s.category.rawValue]))
        }

        // An active agreement: the producer (UNPA) shares aggregated monitoring and population figures with RPI.
        if try await store.document(kind: .agreement, id: agreementID) == nil {
            var agreement = try Agreement(
                id: agreementID, parties: ["UNPA", "RPI"], purpose: "Monthly protection monitoring trends and population figures",
                legalBasis: .publicInterest,
                covers: [datasetName(.protectionMonitoring), datasetName(.populationData)], level: .aggregated,
                validFrom: now.addingTimeInterval(-86_400), validUntil: now.addingTimeInterval(365 * 86_400),
                frequency: .monthly, dimensions: ["adm1_code", "sex"], createdAt: now, createdBy: actor)
            try agreement.transition(to: .active, by: "dpfp", at: now)
            try await AgreementDocuments.save(agreement, in: store, audit: AuditDraft(
                at: now, actor: "dpfp", action: .agreementChanged, agreementID: agreementID,
                details: ["change": "created", "level": agreement.level.rawValue, "status": "active"]))
        }
        return outcome
    }
}
