import Foundation
import PIMCategories
import PIMCore
import PIMTable

/// A share that the rules refused. The refusal was already appended to the audit trail.
public struct ShareRefused: Error, Sendable, CustomStringConvertible {
    public let refusal: ShareRefusal
    /// The stored ``ShareRefusalRecord``, when the service keeps refusals (the web does).
    public let record: ShareRefusalRecord?
    public init(refusal: ShareRefusal, record: ShareRefusalRecord? = nil) {
        self.refusal = refusal
        self.record = record
    }
    public var description: String { "Refused: " + refusal.description }
}

/// One share from stored data to a signed package: the store-facing half of the sharing workflow, used by
/// `pim share` and by the web server alike. The decisions are the pure ``SharingRules`` and
/// ``ShareBuilder``; packaging is ``ShareAssembly``.
///
/// Two steps, so that nothing unaudited ever appears: ``prepare(dataset:to:agreement:level:dimensions:at:encrypted:seal:)``
/// checks, builds and signs (auditing a refusal); ``commit(_:storingPackage:)`` stores the record with its
/// `share.created` event (and, for the web, the package itself) in the store's transactions.
public struct ShareService: Sendable {
    public let store: any Store
    /// Who acts: a user id (web) or the `--as` name (command line).
    public let actor: String
    /// Keep each refusal as a ``ShareRefusalRecord`` document (written with its audit event), so the web can
    /// show it at its own address.
    public let recordingRefusals: Bool

    /// The key of ``Store/exclusively(_:_:)`` under which shares of a dataset are made one at a time: a share
    /// reads what earlier shares of the dataset recorded (the values a release left blank, the cells a table
    /// published) and records its own, so two made at the same instant, through the web, the command line or
    /// two servers on one PostgreSQL database, would each miss the other's.
    public static func sectionKey(dataset: String) -> String { "share:" + dataset.lowercased() }

    public init(store: any Store, actor: String, recordingRefusals: Bool = false) {
        self.store = store
        self.actor = actor
        self.recordingRefusals = recordingRefusals
    }

    /// Checks the request against the agreement, the category policy and the dataset's sensitivity,
    /// builds the protected table and signs the package.
    /// - Throws: ``ShareRefused`` (audited as `share.refused`) when a rule refuses, when the dataset or the agreement
    ///   does not exist, and when the share was allowed but could not be built (every request that shares nothing is
    ///   audited with its reason).
    public func prepare(
        dataset name: String, to recipient: String, agreement agreementID: String, level: DetailLevel, dimensions: [String],
        at now: Date, encrypted: Bool = false, seal: (Data) throws -> Data = { $0 }
    ) async throws -> AssembledShare {
        let found = try await store.dataset(named: name)
        let recipientOrg = try await store.organization(acronym: recipient)
        func refuse(_ r: ShareRefusal) async throws -> Never {
            try await refuseRequest(
                r, dataset: name, datasetID: found?.id.rawValue, recipient: recipient, recipientOrganizationID: recipientOrg?.id.rawValue,
                agreement: agreementID, level: level, dimensions: dimensions, at: now)
        }
        guard let dataset = found else { try await refuse(.unknownDataset(name)) }
        guard let agreement = try await AgreementDocuments.find(agreementID, in: store) else {
            try await refuse(.unknownAgreement(agreementID))
        }
        let exceptions = try await AgreementDocuments.exceptions(in: store)
        guard recipientOrg != nil else { try await refuse(.unknownOrganization(recipient)) }
        // The package names the agreement's first party as its producer: it must be who holds the data here.
        if let own = try await WorkspaceOrganization.acronym(in: store), let producer = agreement.parties.first, producer != own {
            try await refuse(.producerNotThisWorkspace(agreement: agreement.id, producer: producer, workspace: own))
        }
        let request = ShareRequest(dataset: dataset, recipient: recipient, level: level, dimensions: dimensions)
        let plan: SharePlan
        switch SharingRules.decide(request, agreement: agreement, exceptions: exceptions, at: now) {
        case .refused(let r): try await refuse(r)
        case .allowed(let p): plan = p
        }
        let versions = try await store.versions(of: dataset.id)
        guard let version = versions.last else { try await refuse(.noVersion(dataset: name)) }
        // Every stored decision counts, with or without a consent purpose in the agreement: a record whose
        // consent to disclosure (or, for a table, to reporting) was refused or withdrawn never leaves.
        let consent = try await store.consent(datasetID: dataset.id).map(\.decision)
        // An aggregated table needs only its dimensions' columns; consent as collected, whose refusals count as
        // recorded ones do; the record id when consent decisions or collected answers apply (a decision recorded
        // since wins over the collected answer); and the date columns, for the period the metadata reports.
        let collected = [ConsentPurpose.disclosure, .reporting].map(ConsentFilter.collectedColumn).filter { version.schema.field(named: $0) != nil }
        let idField = plan.consentPurpose != nil || !consent.isEmpty || !collected.isEmpty
            ? ConsentFilter.recordIDField(in: version.schema) : nil
        var columns: [String] = []
        // (And the owners of sectoral data, which the package names.)
        let owners = ["owner_org", "ownership"].filter { version.schema.field(named: $0) != nil }
        for c in plan.dimensions.map(SharingRules.dimensionColumn) + [idField].compactMap({ $0 }) + collected + owners
            + version.schema.fields.filter({ $0.type == .date }).map(\.name) where !columns.contains(c) {
            columns.append(c)
        }
        var table: Table
        var persons: String?
        if plan.level == .aggregated, SharingRules.figureDimensions(category: dataset.category) != nil {
            // Population figures: the table counts the persons of the figures in force, not the figure rows.
            do {
                table = try PopulationFigures.personsInForce(try await store.table(of: version)).table
            } catch let e as CategoryDataError {
                try await refuse(ShareBuildError.figures(e.description).refusal)
            }
            persons = "persons"
        } else {
            table = plan.level == .aggregated ? try await store.table(of: version, columns: columns) : try await store.table(of: version)
        }
        // Microdata releases remember their records by keyed pseudonyms (published only by a pseudonymised
        // one), and leave blank what an earlier release left blank (QA11 S5).
        let microdata = plan.level == .pseudonymised || plan.level == .anonymised
        let pseudonymizer = microdata
            ? HMACPseudonymizer(key: try await store.secret(named: HMACPseudonymizer.secretName, orCreate: HMACPseudonymizer.newKey))
            : nil
        let suppressedBefore = microdata ? try await ShareDocuments.suppressedPseudonyms(dataset: dataset.name, in: store) : [:]
        var output: ShareOutput
        do {
            output = try ShareBuilder.build(
                plan, dataset: dataset, table: table, consent: consent, pseudonymizer: pseudonymizer,
                rowOrderSeed: UInt64.random(in: .min ... .max), persons: persons, suppressedBefore: suppressedBefore)
        } catch {
            try await refuse(error.refusal)
        }
        // The package's data is HXL-tagged: a column the dataset left untagged takes the tag pim's templates give it
        // (QA18 F5), so that a recipient's HXL tools find the locations, sex and ages.
        for column in output.table.columns where column.tag == nil {
            if let tag = version.schema.field(named: column.name)?.hxl.flatMap(HXLTagSpec.init(parsing:))
                ?? CategoryTemplate.hxlTag(forColumn: column.name, category: dataset.category) {
                try? output.table.setColumn(Column(name: column.name, tag: tag, data: column.data))
            }
        }
        // Differencing: a table of this dataset to the same recipient over a population that differs by a few
        // records (consent decisions changed, or another version added or removed them) would show those
        // records as the difference of the two tables. Compared cell by cell, margins included, where the
        // earlier record kept its cells (a withdrawal in one cell and a grant in another leave the total as it
        // was, QA11 S8); by the records counted otherwise.
        if plan.level == .aggregated {
            let counted = version.rowCount - output.leftOutForConsent
            let minimumCell = plan.thresholds.minimumCellSize
            let rows = Dictionary(versions.map { ($0.number, $0.rowCount) }, uniquingKeysWith: { a, _ in a })
            let cells = ShareRecord.publishedCells(of: output.table) ?? [:]
            for earlier in try await ShareDocuments.all(in: store)
            where earlier.dataset == dataset.name && earlier.recipient == recipient && earlier.level == .aggregated {
                if let before = earlier.publishedCells {
                    let small = before.compactMap { key, n -> Int? in
                        guard let now = cells[key] else { return nil }
                        let change = abs(now - n)
                        return change > 0 && change < minimumCell ? change : nil
                    }
                    if let changed = small.min() {
                        try await refuse(.differencing(previous: earlier.id, changed: changed, minimumCell: minimumCell))
                    }
                    continue
                }
                guard let stored = rows[earlier.version] else { continue }
                let changed = abs(stored - earlier.leftOutForConsent - counted)
                if changed > 0 && changed < minimumCell {
                    try await refuse(.differencing(previous: earlier.id, changed: changed, minimumCell: minimumCell))
                }
            }
        }
        let key = try await store.secret(named: PackageKeys.signingSecretName, orCreate: PackageKeys.newSigningKey)
        let producerAcronym = agreement.parties.first ?? "-"
        let producerName = try await store.organization(acronym: producerAcronym)?.name
        // The package names its producer by user name: the web acts by user id, an internal id the recipient
        // cannot read (the audit trail keeps the id).
        let producedBy = try await store.users().first { $0.id.rawValue == actor }?.userName ?? actor
        return try ShareAssembly.assemble(
            shareID: ShareAssembly.newShareID(at: now), plan: plan, output: output, dataset: dataset, version: version,
            agreement: agreement, producer: .init(acronym: producerAcronym, name: producerName),
            recipient: .init(acronym: recipient, name: recipientOrg?.name), recipientOrganizationID: recipientOrg?.id.rawValue,
            actor: actor, producedBy: producedBy, signingKey: key, at: now, encrypted: encrypted, seal: seal)
    }

    /// Appends the `share.refused` event of a request that shares nothing (and, when the service keeps refusals, the
    /// ``ShareRefusalRecord`` with it), then throws ``ShareRefused``.
    public func refuseRequest(
        _ r: ShareRefusal, dataset name: String, datasetID: String?, recipient: String, recipientOrganizationID: String?,
        agreement agreementID: String, level: DetailLevel, dimensions: [String], at now: Date
    ) async throws -> Never {
        var audit = ShareAssembly.refusalAudit(
            r, datasetID: datasetID, recipient: recipient, recipientOrganizationID: recipientOrganizationID,
            agreementID: agreementID, level: level, actor: actor, at: now)
        guard recordingRefusals else {
            try await store.append(audit)
            throw ShareRefused(refusal: r)
        }
        let record = ShareRefusalRecord(
            id: ShareRefusalRecord.newID(at: now), refusal: r, agreement: agreementID, dataset: name, recipient: recipient,
            level: level, dimensions: dimensions, created: now, actor: actor)
        audit.details["refusal"] = record.id
        try await store.putDocument(kind: .shareRefusal, id: record.id, json: try DocumentCoding.encode(record), audit: audit)
        throw ShareRefused(refusal: r, record: record)
    }

    /// Stores the share record with its `share.created` audit event. With `storingPackage`, the package
    /// bytes are stored first (unreachable until the record exists), so the web can serve them later.
    @discardableResult
    public func commit(_ share: AssembledShare, storingPackage: Bool) async throws(StoreError) -> ShareRecord {
        var record = share.record
        // What the package left blank is kept first (a later release of the dataset keeps it blank), then the record.
        if !share.output.suppressedPseudonyms.isEmpty {
            try await ShareDocuments.putSuppressions(
                record.id, dataset: record.dataset, blank: share.output.suppressedPseudonyms, in: store)
        }
        if storingPackage {
            try await ShareDocuments.putPackage(record.id, share.package, in: store)
            record.storedPackage = true
        }
        try await store.putDocument(kind: .shareRecord, id: record.id, json: try DocumentCoding.encode(record), audit: share.audit)
        return record
    }
}
