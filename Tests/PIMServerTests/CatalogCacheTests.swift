import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCategories
import PIMCore
import PIMDisclosure
import PIMFramework
@testable import PIMServer
import PIMSQLite
import PIMStorage
import PIMTable
import PIMTesting
import Testing

/// The catalog's per-version caches give what computing afresh gives, share one computation among concurrent
/// requests, and never serve an older version once a new one is stored.
@Suite struct CatalogCacheTests {
    static func json<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    /// Shareable outputs of stored datasets consult consent; with no withdrawal nothing is left out.
    static let noWithdrawals = ReportingConsent(recordColumn: "case_id", decisions: [])

    @Test func aWithdrawalOfConsentToReportingIsHonouredByTheCachedShareableOutput() async throws {
        let world = try await TestWorld.make()
        let catalog = DatasetCatalog(store: world.store)
        let entry = try await catalog.entry(named: TestWorld.datasetName, role: .administrator)
        let table = try await world.store.table(of: try #require(entry.latest))
        let column = try #require(table["case_id"]), collected = try #require(table["consent_reporting"])
        // (The demo's cases refuse reporting now and then as collected: those are left out from the start.)
        let refused = (0..<table.rowCount).filter { collected[$0] == .text("no") }.count
        let withdrawn = Array((0..<table.rowCount).filter { collected[$0] == .text("yes") }.prefix(3))
        let ids = withdrawn.compactMap { row -> String? in if case .text(let id) = column[row] { id } else { nil } }
        #expect(ids.count == 3 && refused > 0)
        // Given the shareable output was computed (and cached) before any withdrawal
        let before = try await catalog.output(entry, shareable: true)
        #expect(before.leftOutForConsent == refused)
        // When consent to reporting is withdrawn for three cases (no new version)
        try await world.store.recordConsent(
            datasetID: entry.dataset.id, entries: ids.map { ConsentEntry(recordID: $0, purpose: "reporting", granted: false, at: Fixtures.epoch) },
            audit: AuditDraft(at: Fixtures.epoch, actor: "test", action: .consentChanged))
        // Then the live shareable output leaves those 3 out and says so, as computing without them gives
        let after = try await catalog.output(entry, shareable: true)
        #expect(after.leftOutForConsent == refused + 3)
        let kept = table.selectingRows((0..<table.rowCount).filter { !withdrawn.contains($0) })
        var expected = try CategoryOutputs.shareableReport(for: .caseManagement, table: kept, consent: Self.noWithdrawals)
        #expect(expected.leftOutForConsent == refused)
        expected.leftOutForConsent = refused + 3
        expected.notes[expected.notes.count - 1] = "Consent: \(refused + 3) records left out because consent to reporting was withdrawn or refused."
        #expect(after == expected)
        // And the JSON served to partners is not the stale one either
        let json = String(buffer: try await catalog.outputJSON(entry, shareable: true))
        #expect(json.contains("\"leftOutForConsent\":\(refused + 3)"))
    }

    /// A table of counts is a report: every viewer's leaves out the cases that refused reporting as collected, and
    /// a withdrawal recorded since (no new version) changes the cached answer, which says how many are left out.
    @Test func aggregatesLeaveOutRefusalsOfReportingAndLaterWithdrawals() async throws {
        let world = try await TestWorld.make()
        let catalog = DatasetCatalog(store: world.store)
        let entry = try await catalog.entry(named: TestWorld.datasetName, role: .analyst)
        let table = try await world.store.table(of: try #require(entry.latest))
        let answers = try #require(table["consent_reporting"]), ids = try #require(table["case_id"])
        let refused = Set((0..<table.rowCount).filter { answers[$0] == .text("no") })
        func expected(_ leftOut: Set<Int>) throws -> String {
            let kept = table.selectingRows((0..<table.rowCount).filter { !leftOut.contains($0) })
            return try Self.json(TableCell.rows(of: try Aggregation.aggregate(kept, by: ["sex"], rule: .suppress(minCell: 5)).table()))
        }
        let before = try await catalog.aggregate(entry, by: ["sex"], minCell: 5)
        #expect(try Self.json(before.rows) == (try expected(refused)))
        #expect(before.note?.contains("Consent: \(refused.count) records left out because consent to reporting was withdrawn or refused.") == true)
        // When three cases that consented withdraw
        let withdrawn = Set((0..<table.rowCount).filter { !refused.contains($0) }.prefix(3))
        let entries = withdrawn.compactMap { r -> ConsentEntry? in
            guard case .text(let id) = ids[r] else { return nil }
            return ConsentEntry(recordID: id, purpose: "reporting", granted: false, at: Fixtures.epoch)
        }
        try await world.store.recordConsent(datasetID: entry.dataset.id, entries: entries,
                                            audit: AuditDraft(at: Fixtures.epoch, actor: "test", action: .consentChanged))
        let after = try await catalog.aggregate(entry, by: ["sex"], minCell: 5)
        #expect(try Self.json(after.rows) == (try expected(refused.union(withdrawn))))
        #expect(after.note?.contains("Consent: \(refused.count + 3) records left out") == true)
    }

    @Test func cachedOutputsAndColumnsEqualUncached() async throws {
        let world = try await TestWorld.make()
        let catalog = DatasetCatalog(store: world.store)
        let entry = try await catalog.entry(named: TestWorld.datasetName, role: .administrator)
        let latest = try #require(entry.latest)
        let table = try await world.store.table(of: latest)
        for shareable in [true, false] {
            let uncached = shareable
                ? try CategoryOutputs.shareableReport(for: .caseManagement, table: table, consent: Self.noWithdrawals)
                : try CategoryOutputs.report(for: .caseManagement, table: table)
            #expect(try await catalog.output(entry, shareable: shareable) == uncached)
            #expect(try await catalog.output(entry, shareable: shareable) == uncached, "the second (cached) answer is the same")
        }
        let (_, cachedTable) = try await catalog.latestTable(entry)
        #expect(cachedTable == table)
        let (_, two) = try await catalog.latestColumns(entry, ["sex", "adm1_code", "no-such-column", "sex"])
        #expect(two.columnNames == ["sex", "adm1_code"])
        #expect(two["sex"] == table["sex"])
        #expect(two["adm1_code"] == table["adm1_code"])

        let by = ["adm1_code", "sex"]
        // (A table of counts leaves out the cases that refused reporting as collected.)
        let answers = try #require(table["consent_reporting"])
        let reported = table.selectingRows((0..<table.rowCount).filter { answers[$0] != .text("no") })
        #expect(reported.rowCount < table.rowCount)
        let direct = try Aggregation.aggregate(reported, by: by, rule: .suppress(minCell: 5))
        let published = try direct.table()
        for _ in 0..<2 {
            let dto = try await catalog.aggregate(entry, by: by, minCell: 5)
            #expect(dto.columns == published.columnNames)
            #expect(try Self.json(dto.rows) == (try Self.json(TableCell.rows(of: published))))
            #expect(dto.version == latest.number)
        }
        #expect(await catalog.cache.aggregates.computations == 1)
        // The encoded answers are the encodings of the values.
        let outputJSON = try await catalog.outputJSON(entry, shareable: true)
        #expect(Array(buffer: outputJSON) == Array(JSON.encode(try CategoryOutputs.shareableReport(for: .caseManagement, table: table, consent: Self.noWithdrawals))))
        let aggregateJSON = try await catalog.aggregateJSON(entry, by: by, minCell: 5)
        #expect(Array(buffer: aggregateJSON) == Array(JSON.encode(try await catalog.aggregate(entry, by: by, minCell: 5))))
        #expect(await catalog.cache.outputs.computations == 2)
    }

    @Test func concurrentRequestsShareOneComputation() async throws {
        let world = try await TestWorld.make()
        let catalog = DatasetCatalog(store: world.store)
        let entry = try await catalog.entry(named: TestWorld.datasetName, role: .administrator)
        let reports = try await withThrowingTaskGroup(of: CategoryReport.self) { group in
            for _ in 0..<16 { group.addTask { try await catalog.output(entry, shareable: true) } }
            return try await group.reduce(into: [CategoryReport]()) { $0.append($1) }
        }
        #expect(reports.count == 16)
        #expect(Set(reports).count == 1)
        #expect(await catalog.cache.outputs.computations == 1)
    }

    @Test func aNewVersionIsServedAndInvalidationFreesTheOldOne() async throws {
        let world = try await TestWorld.make()
        let catalog = DatasetCatalog(store: world.store)
        let first = try await catalog.entry(named: TestWorld.datasetName, role: .administrator)
        let v1 = try #require(first.latest)
        let before = try await catalog.aggregate(first, by: ["sex"], minCell: 5)
        let outputBefore = try await catalog.output(first, shareable: false)

        // Store a second version with half the rows.
        let table = try await world.store.table(of: v1)
        let half = table.selectingRows(Array(0..<(table.rowCount / 2)))
        _ = try await world.store.addVersion(of: first.dataset.id, table: half, schema: v1.schema, provenance: Fixtures.provenance(sha: String(repeating: "b", count: 64)),
                                             audit: AuditDraft(at: Fixtures.epoch, actor: "test", action: .datasetImported))
        await catalog.invalidate(first.dataset.id)
        #expect(await catalog.cache.aggregates.count == 0)
        #expect(await catalog.cache.outputs.count == 0)

        let second = try await catalog.entry(named: TestWorld.datasetName, role: .administrator)
        let after = try await catalog.aggregate(second, by: ["sex"], minCell: 5)
        #expect(before.version == 1)
        #expect(after.version == 2)
        let (_, t2) = try await catalog.latestTable(second)
        #expect(t2.rowCount == half.rowCount)
        #expect(try await catalog.output(second, shareable: false) == (try CategoryOutputs.report(for: .caseManagement, table: half)))
        #expect(try await catalog.output(second, shareable: false) != outputBefore)
    }

    @Test func theStylesheetHasAnETagAndAnswers304() async throws {
        let world = try await TestWorld.make()
        try await world.application().test(.router) { client in
            let first = try await client.execute(uri: "/static/pim.css", method: .get)
            #expect(first.status == .ok)
            let etag = try #require(first.headers[.eTag])
            #expect(String(buffer: first.body).contains(":root"))
            let again = try await client.execute(uri: "/static/pim.css", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            let other = try await client.execute(uri: "/static/pim.css", method: .get, headers: [.ifNoneMatch: "\"0\""])
            #expect(other.status == .ok)
        }
    }

    @Test func warmingComputesEachDatasetsShareableOutputOnceAndServesTheSameJSON() async throws {
        let world = try await TestWorld.make()
        let catalog = DatasetCatalog(store: world.store)
        #expect(await catalog.warm() == 1)
        #expect(await catalog.cache.outputs.computations == 1)
        let entry = try await catalog.entry(named: TestWorld.datasetName, role: .administrator)
        let warmed = try await catalog.outputJSON(entry, shareable: true)
        #expect(await catalog.cache.outputs.computations == 1, "the request was answered from the warmed cache")
        let fresh = DatasetCatalog(store: world.store)
        #expect(try await fresh.outputJSON(entry, shareable: true) == warmed)
    }

}
