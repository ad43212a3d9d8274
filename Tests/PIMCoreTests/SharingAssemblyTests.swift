import Crypto
import Foundation
import PIMCore
import PIMTable
import Testing

/// The pure pieces the command line and the web share: reference checks, partner access, packaging.
@Suite struct SharingAssemblyTests {
    @Test func agreementReferencesMustBeRegisteredOrganisationsAndKnownDatasetsOrCategories() throws {
        let a = try SharingFixtures.agreement(covers: ["pm", "case-management"])
        // Given the workspace holds both organisations and dataset pm
        try a.checkReferences(organizations: ["UNHCR", "DRC"], datasets: ["pm"], categories: Agreement.categoryIDs)
        // Then a missing party or an unknown coverage is named
        #expect(throws: AgreementError.unknownParty("DRC")) {
            try a.checkReferences(organizations: ["UNHCR"], datasets: ["pm"], categories: Agreement.categoryIDs)
        }
        #expect(throws: AgreementError.unknownCoverage("pm")) {
            try a.checkReferences(organizations: ["UNHCR", "DRC"], datasets: [], categories: Agreement.categoryIDs)
        }
        #expect(Agreement.categoryIDs.count == 8)
    }

    @Test func anAgreementIsInForceForItsPartiesOnlyWhileActiveAndValid() throws {
        let now = SharingFixtures.now
        let a = try SharingFixtures.agreement(validUntil: now.addingTimeInterval(SharingFixtures.day))
        #expect(a.isInForce(for: "DRC", at: now))
        #expect(!a.isInForce(for: "NRC", at: now))
        #expect(!a.isInForce(for: "DRC", at: now.addingTimeInterval(2 * SharingFixtures.day)))
        #expect(!(try SharingFixtures.agreement(activate: false)).isInForce(for: "DRC", at: now))
        let future = try SharingFixtures.agreement(validFrom: now.addingTimeInterval(SharingFixtures.day))
        #expect(!future.isInForce(for: "DRC", at: now))
    }

    @Test func metadataSaysWhichPeriodTheSharedRecordsCover() throws {
        // Given 40 records dated 2026-04-01 to 2026-05-10, shared as a table by adm1 (no date dimension)
        let now = SharingFixtures.now
        var dataset = SharingFixtures.dataset()
        dataset.schema.fields.append(Field(name: "visit", hxl: "#date", type: .date))
        var table = SharingFixtures.table(40)
        try table.setColumn(Column(name: "visit", tag: HXLTagSpec(tag: "date"),
                                   data: .date(days: (0..<40).map { Int32(20_544 + $0) }, nulls: NullMask())))
        let agreement = try SharingFixtures.agreement()
        let request = ShareRequest(dataset: dataset, recipient: "DRC", level: .aggregated, dimensions: ["adm1"])
        guard case .allowed(let plan) = SharingRules.decide(request, agreement: agreement, at: now) else {
            Issue.record("the share should be allowed")
            return
        }
        let output = try ShareBuilder.build(plan, dataset: dataset, table: table, consent: [])
        #expect(output.daysInData == 20_544...20_583)
        func assemble(_ provenance: Provenance) throws -> ShareMetadata {
            let version = DatasetVersion(id: .random(), datasetID: dataset.id, number: 1, rowCount: 40, schema: dataset.schema,
                                         provenance: provenance, createdAt: now)
            return try ShareAssembly.assemble(
                shareID: "SHR-20260401-abcdef02", plan: plan, output: output, dataset: dataset, version: version, agreement: agreement,
                producer: .init(acronym: "UNHCR", name: nil), recipient: .init(acronym: "DRC", name: nil), recipientOrganizationID: "org-1",
                actor: "user-1", signingKey: Curve25519.Signing.PrivateKey().rawRepresentation, at: now).metadata
        }
        // When the import recorded no period, the metadata gives the data's first and last months
        let derived = try assemble(Provenance(receivedAt: now, fileName: "pm.csv", sha256: String(repeating: "c", count: 64), importedBy: "t"))
        #expect(derived.periodCovered == .init(start: "2026-04", end: "2026-05", basis: "first and last months in the shared records"))
        #expect(derived.readme.contains("Period:     2026-04 to 2026-05 (first and last months in the shared records)"))
        // and when it did, the period recorded at import, with the area
        let recorded = try assemble(Provenance(periodStart: "2026-04-01", periodEnd: "2026-06-30", area: "XY01", receivedAt: now,
                                               fileName: "pm.csv", sha256: String(repeating: "c", count: 64), importedBy: "t"))
        #expect(recorded.periodCovered == .init(start: "2026-04-01", end: "2026-06-30", basis: "recorded at import"))
        #expect(recorded.readme.contains("Area:       XY01"))
    }

    @Test func assemblySignsThePackageAndAuditsIdsAndCountsOnly() throws {
        // Given an allowed aggregated share of 40 synthetic records
        let now = SharingFixtures.now
        let dataset = SharingFixtures.dataset()
        let agreement = try SharingFixtures.agreement()
        let request = ShareRequest(dataset: dataset, recipient: "DRC", level: .aggregated, dimensions: ["adm1", "sex"])
        guard case .allowed(let plan) = SharingRules.decide(request, agreement: agreement, at: now) else {
            Issue.record("the share should be allowed")
            return
        }
        let table = SharingFixtures.table(40)
        let output = try ShareBuilder.build(plan, dataset: dataset, table: table, consent: [])
        let version = DatasetVersion(
            id: .random(), datasetID: dataset.id, number: 3, rowCount: 40, schema: dataset.schema,
            provenance: Provenance(receivedAt: now, fileName: "pm.csv", sha256: String(repeating: "c", count: 64), importedBy: "t"),
            createdAt: now)
        let key = Curve25519.Signing.PrivateKey()
        // When it is assembled
        let share = try ShareAssembly.assemble(
            shareID: "SHR-20260401-abcdef01", plan: plan, output: output, dataset: dataset, version: version, agreement: agreement,
            producer: .init(acronym: "UNHCR", name: nil), recipient: .init(acronym: "DRC", name: nil), recipientOrganizationID: "org-1",
            actor: "user-1", signingKey: key.rawRepresentation, at: now)
        // Then the package verifies with the public key, and the record and audit hold ids and counts
        let verified = try SharePackage.verify(share.package, publicKey: key.publicKey)
        #expect(verified.contents["data.csv"] != nil)
        #expect(share.record.version == 3)
        #expect(share.record.bytes == share.package.count)
        #expect(share.record.signerFingerprint == PackageKeys.fingerprint(key.publicKey.rawRepresentation))
        #expect(share.audit.action == .shareCreated)
        #expect(share.audit.details["share"] == "SHR-20260401-abcdef01")
        #expect(Set(share.audit.details.keys) == ["share", "level", "sha256", "version", "rows"])
        // QA10 Q4: the audit counts the 40 records disclosed, not the table's cells (adm1 × sex with margins: 9)
        #expect(output.table.rowCount == 9)
        #expect(share.audit.recordCount == 40)
        #expect(share.audit.details["rows"] == "9")
        #expect(share.record.records == 9)
        #expect(share.record.recordsShared == 40)
        let download = ShareAssembly.downloadAudit(share.record, datasetID: nil, recipientOrganizationID: nil, actor: "u", at: now)
        #expect(download.recordCount == 40)
        let audited = share.audit.details.values.joined(separator: " ")
        for i in 1...40 { #expect(!audited.contains("R\(i) ") && !audited.hasSuffix("R\(i)")) }
        // A refusal's record id has its own prefix
        #expect(ShareRefusalRecord.newID(at: now).hasPrefix("REF-20260401-"))
        #expect(ShareAssembly.defaultLevel(agreement: try SharingFixtures.agreement(level: .personal), dataset: dataset) == .aggregated)
    }
}
