import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCore
import PIMSQLite
@testable import PIMServer
import PIMStorage
import PIMTable
import PIMTesting
import Testing

@Suite struct ImportPageTests {
    static func world(maxBytes: Int = 512 * 1024 * 1024) async throws -> (TestWorld, URL) {
        let dir = DataFixtures.tempDir()
        let world = try await TestWorld.make { c in
            c.uploadDirectory = dir
            c.maxUploadBytes = maxBytes
        }
        return (world, dir)
    }

    /// The upload form takes the CLI's reading choices (QA W14): a sheet, a delimiter, padding of short rows.
    @Test func theUploadFormTakesReadingChoices() async throws {
        let (world, _) = try await Self.world()
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let form = String(buffer: try await officer.get(client, "/import").body)
            for field in ["name=\"sheet\"", "name=\"delimiter\"", "name=\"allow_ragged\""] { #expect(form.contains(field), "\(field)") }
            let ragged = Array("site;count;note\nNorth;4;a\nSouth;5\nEast;6;c\n".utf8)
            // Refused without padding, at its row …
            let refused = try await officer.upload(client, file: "r.csv", bytes: ragged, dataset: "ragged", extra: [("purpose", "T")])
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("r.csv:3"))
            // … and previewed with it
            let up = try await officer.upload(client, file: "r.csv", bytes: ragged, dataset: "ragged",
                                              extra: [("purpose", "T"), ("delimiter", ";"), ("allow_ragged", "true")])
            #expect(up.status == .seeOther)
            let bad = try await officer.upload(client, file: "r.csv", bytes: ragged, dataset: "ragged", extra: [("delimiter", "x")])
            #expect(bad.status == .badRequest)
        }
    }

    /// QA14: the preview says which rows are dated outside the period the upload declares.
    @Test func thePreviewSaysRowsOutsideTheDeclaredPeriod() async throws {
        let (world, _) = try await Self.world()
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let up = try await officer.upload(client, file: "d.csv", bytes: Array("date,site\n2026-01-05,A\n2025-06-06,B\n".utf8),
                                              dataset: "dated", extra: [("purpose", "T"), ("category", "protection-monitoring"),
                                                                        ("period_start", "2026-01-01"), ("period_end", "2026-01-31")])
            #expect(up.status == .seeOther)
            let preview = String(buffer: try await officer.get(client, try #require(up.headers[.location])).body)
            #expect(preview.contains("d.csv:3:date: this row is dated outside the declared period 2026-01-01..2026-01-31"), "\(preview)")
        }
    }

    @Test func uploadPreviewConfirmAndImportAsAJobWithProvenance() async throws {
        let (world, dir) = try await Self.world()
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            // The form follows the contract
            let form = String(buffer: try await officer.get(client, "/import").body)
            #expect(form.contains("<form id=\"upload-form\" method=\"post\" action=\"/import\" enctype=\"multipart/form-data\">"))
            for field in ["name=\"file\"", "name=\"dataset\"", "name=\"category\"", "name=\"csrf_token\"", "id=\"upload-submit\"", "<option value=\"cases\">"] {
                #expect(form.contains(field), "\(field)")
            }
            #expect(form.contains("<li><a href=\"/import\">Import</a></li>"))
            // Upload → 303 to the preview
            let up = try await officer.upload(client, file: "people.csv", bytes: DataFixtures.peopleBytes, dataset: "incidents",
                                              extra: [("purpose", "Incident monitoring"), ("source_org", "DRC"), ("period_start", "2026-01-01")])
            #expect(up.status == .seeOther)
            let preview = try #require(up.headers[.location])
            #expect(preview.hasPrefix("/import/"))
            let html = String(buffer: try await officer.get(client, preview).body)
            #expect(html.contains("<table id=\"preview\">"))
            #expect(html.contains("<code>#</code>") == false)
            #expect(html.contains(">integer<"))  // inferred type of age
            #expect(html.contains("id=\"validation\""))
            #expect(html.contains("No issues in 5 rows."))
            #expect(html.contains("<form id=\"commit-form\" method=\"post\" action=\"\(preview)/commit\">"))
            #expect(html.contains("name=\"role.notes\""))
            #expect(html.contains("<option value=\"direct-identifier\" selected>"))  // notes proposed as identifying
            #expect(html.contains("id=\"commit-submit\""))
            // Another user cannot open the upload
            let admin = try await Browser.signedIn(client, as: .administrator)
            #expect(try await admin.get(client, preview).status == .notFound)
            // Confirm with a changed role
            let commit = try await officer.post(client, preview + "/commit",
                                                fields: [("role.age", "other"), ("mode", "reject"), ("purpose", "Incident monitoring")])
            #expect(commit.status == .seeOther)
            let job = try #require(commit.headers[.location])
            #expect(job.hasPrefix("/jobs/"))
            #expect(try await admin.get(client, job).status == .notFound)
            let done = try await officer.waitForJob(client, job)
            #expect(done.contains("id=\"progress\""))
            #expect(done.contains("100%"))
            #expect(done.contains("<a id=\"job-result\" href=\"/datasets/incidents\">"))
        }
        // Stored once, with provenance and the confirmed role; the upload folder is cleaned up
        let d = try #require(try await world.store.dataset(named: "incidents"))
        #expect(d.schema.field(named: "age")?.role == .other)
        #expect(d.schema.field(named: "notes")?.role == .directIdentifier)
        let versions = try await world.store.versions(of: d.id)
        #expect(versions.count == 1)
        let p = try #require(versions.first?.provenance)
        #expect(p.fileName == "people.csv")
        #expect(p.sha256 == (try DataFixtures.sha256(DataFixtures.peopleBytes)))
        #expect(p.importedBy == "pim-officer")
        #expect(p.sourceOrganization == "DRC")
        #expect(p.periodStart == "2026-01-01")
        #expect(versions.first?.rowCount == 5)
        let officerID = try await world.user(.pimOfficer).id.rawValue
        let audit = try await world.store.auditEvents(AuditFilter(action: .datasetImported, datasetID: d.id.rawValue))
        #expect(audit.count == 1)
        #expect(audit.first?.draft.actor == officerID)
        #expect(DataFixtures.files(in: dir).isEmpty)
    }

    @Test func anXLSXWithHXLTagsIsReadByTheSameReaderAsPimImport() async throws {
        let (world, _) = try await Self.world()
        let url = DataFixtures.tempDir().appendingPathExtension("xlsx")
        try XLSXWriter.write(Fixtures.mixedTable(), sheetName: "data", hxl: true, to: url)
        let bytes = Array(try Data(contentsOf: url))
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let up = try await officer.upload(client, file: "kobo.xlsx", bytes: bytes, dataset: "sheet", extra: [("purpose", "x")])
            #expect(up.status == .seeOther)
            let html = String(buffer: try await officer.get(client, try #require(up.headers[.location])).body)
            #expect(html.contains("4 rows × 6 columns"))
            #expect(html.contains("HXL hashtag row 2"))
            #expect(html.contains("<code>#meta+id</code>"))
            #expect(html.contains("<code>#affected+age</code>"))
            // record_id is tagged #meta+id: proposed as a direct identifier
            #expect(html.contains(#/name="role.record_id"><option value="direct-identifier" selected>/#))
        }
    }

    @Test func theSameFileTwiceIsDetectedAndRefused() async throws {
        let (world, _) = try await Self.world()
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            for attempt in 1...2 {
                let up = try await officer.upload(client, file: "people.csv", bytes: DataFixtures.peopleBytes, dataset: "incidents",
                                                  extra: [("purpose", "Incident monitoring")])
                let preview = try #require(up.headers[.location])
                let html = String(buffer: try await officer.get(client, preview).body)
                #expect(html.contains("id=\"duplicate\"") == (attempt == 2))
                let job = try #require(try await officer.post(client, preview + "/commit", fields: [("mode", "reject")]).headers[.location])
                let done = try await officer.waitForJob(client, job)
                if attempt == 2 {
                    #expect(done.contains("id=\"job-error\""))
                    #expect(done.contains("already imported as version 1"))
                }
            }
        }
        let d = try #require(try await world.store.dataset(named: "incidents"))
        #expect(try await world.store.versions(of: d.id).count == 1)
    }

    @Test func badFilesAreRefusedWithLocatedErrorsAndNothingIsStored() async throws {
        let (world, dir) = try await Self.world()
        let datasetsBefore = try await world.store.datasets().count
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let cases: [(String, [UInt8], String)] = [
                ("ragged.csv", Array("a,b,c\n1,2,3\n4,5\n".utf8), "ragged.csv:3"),
                ("quote.csv", Array("a,b\n1,\"open\n".utf8), "quote.csv"),
                ("fake.xlsx", Array("this is not a spreadsheet".utf8), "fake.xlsx"),
                ("empty.csv", [], "empty.csv is empty"),
                ("header-only.csv", Array("a,b\n".utf8), "header-only.csv"),
            ]
            for (name, bytes, located) in cases {
                let r = try await officer.upload(client, file: name, bytes: bytes, dataset: "bad-\(name.count)", extra: [("purpose", "x")])
                let html = String(buffer: r.body)
                #expect(r.status == .unprocessableContent, "\(name): \(r.status)")
                #expect(html.contains("id=\"upload-error\""), "\(name)")
                #expect(html.contains(located), "\(name) should name \(located)")
                #expect(html.contains("id=\"upload-form\""), "\(name): the form is shown again")
            }
        }
        #expect(try await world.store.datasets().count == datasetsBefore)
        #expect(DataFixtures.files(in: dir).isEmpty)
    }

    @Test func validationIssuesAreLocatedAndRejectStoresNothing() async throws {
        let (world, _) = try await Self.world()
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let first = try #require(try await officer.upload(client, file: "people.csv", bytes: DataFixtures.peopleBytes, dataset: "incidents",
                                                              extra: [("purpose", "Incident monitoring")]).headers[.location])
            _ = try await officer.waitForJob(client, try #require(try await officer.post(client, first + "/commit", fields: []).headers[.location]))
            // A second file whose age column has text in row 3
            let bad = Array("adm1_code,sex,age,incident_type,notes\nSD01,female,34,theft,\nSD02,male,old,theft,\n".utf8)
            let preview = try #require(try await officer.upload(client, file: "february.csv", bytes: bad, dataset: "incidents").headers[.location])
            let html = String(buffer: try await officer.get(client, preview).body)
            #expect(html.contains("<code>february.csv:3:age</code>"))
            #expect(html.contains("1 issue in 1 of 2 rows."))
            #expect(html.contains("<td>type</td><td class=\"num\">1</td>"))
            let job = try #require(try await officer.post(client, preview + "/commit", fields: [("mode", "reject")]).headers[.location])
            let done = try await officer.waitForJob(client, job)
            #expect(done.contains("id=\"job-error\""))
            #expect(done.contains("february.csv was not imported: 1 issue (fix it"))
            // valid-rows imports the one good row
            let again = try #require(try await officer.post(client, preview + "/commit", fields: [("mode", "valid-rows")]).headers[.location])
            let ok = try await officer.waitForJob(client, again)
            #expect(ok.contains("Stored 1 rows as version 2 (1 rows with issues left out)"))
            // The dataset page shows each version's validation result: v2 left out 1 row, v1 none
            let page = String(buffer: try await officer.get(client, "/datasets/incidents").body)
            #expect(page.contains("<td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">1</td>"))
            #expect(page.contains("<td class=\"num\">1</td><td class=\"num\">5</td><td class=\"num\">0</td>"))
        }
        let d = try #require(try await world.store.dataset(named: "incidents"))
        #expect(try await world.store.versions(of: d.id).map(\.rowCount) == [5, 1])
    }

    @Test func theMultipartFormNeedsTheCSRFToken() async throws {
        let (world, dir) = try await Self.world()
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let missing = try await officer.upload(client, file: "people.csv", bytes: DataFixtures.peopleBytes, dataset: "x", csrf: .some(nil))
            #expect(missing.status == .forbidden)
            let wrong = try await officer.upload(client, file: "people.csv", bytes: DataFixtures.peopleBytes, dataset: "x", csrf: "0123")
            #expect(wrong.status == .forbidden)
            #expect(String(buffer: wrong.body).contains("Form expired or forged"))
        }
        #expect(try await world.store.dataset(named: "x") == nil)
        #expect(DataFixtures.files(in: dir).isEmpty)
    }

    @Test func filesAboveTheLimitAreRefusedClearly() async throws {
        let (world, dir) = try await Self.world(maxBytes: 2000)
        let big = Array(("a,b\n" + String(repeating: "1,2\n", count: 1000)).utf8)
        try await world.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let r = try await officer.upload(client, file: "big.csv", bytes: big, dataset: "big", extra: [("purpose", "x")])
            #expect(r.status == .contentTooLarge)
            #expect(String(buffer: r.body).contains("larger than this server accepts"))
            // A file above 64 KB but below the limit is fine (no 64 KB cap on uploads)
        }
        #expect(DataFixtures.files(in: dir).isEmpty)
        let (roomy, _) = try await Self.world()
        let large = Array(("adm1_code,n\n" + String(repeating: "SD01,12345\n", count: 20_000)).utf8)
        #expect(large.count > 64 * 1024)
        try await roomy.application().test(.router) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let r = try await officer.upload(client, file: "large.csv", bytes: large, dataset: "large", extra: [("purpose", "x")])
            #expect(r.status == .seeOther)
            let html = String(buffer: try await officer.get(client, try #require(r.headers[.location])).body)
            #expect(html.contains("20000 rows × 2 columns"))
        }
    }

    @Test func onlyImportersMayUploadAndJobsBelongToTheirOwner() async throws {
        let (world, _) = try await Self.world()
        try await world.application().test(.router) { client in
            for role in Role.allCases {
                let b = try await Browser.signedIn(client, as: role)
                let r = try await b.upload(client, file: "people.csv", bytes: DataFixtures.peopleBytes, dataset: "by-\(role.rawValue)",
                                           extra: [("purpose", "x")])
                if [.administrator, .pimOfficer].contains(role) {
                    #expect(r.status == .seeOther, "\(role)")
                    let preview = try #require(r.headers[.location])
                    // The other importer gets 404 for both the upload and its commit
                    let other = try await Browser.signedIn(client, as: role == .administrator ? .pimOfficer : .administrator)
                    #expect(try await other.get(client, preview).status == .notFound)
                    #expect(try await other.post(client, preview + "/commit", fields: []).status == .notFound)
                } else {
                    #expect(r.status == .forbidden, "\(role)")
                    #expect(try await b.post(client, "/import/whatever/commit", fields: []).status == .forbidden, "\(role)")
                }
            }
        }
        #expect(try await world.store.dataset(named: "by-analyst") == nil)
    }
}

@Suite struct MultipartParserTests {
    static func events(_ body: [UInt8], chunk: Int) throws -> [MultipartParser.Event] {
        var p = try #require(MultipartParser(contentType: MultipartBody.contentType))
        var out: [MultipartParser.Event] = []
        var i = 0
        while i < body.count {
            try p.feed(body[i..<min(body.count, i + chunk)]) { out.append($0) }
            i += chunk
        }
        try p.finish()
        // Merge adjacent data events, which depend on chunking
        var merged: [MultipartParser.Event] = []
        for e in out {
            if case .data(let b) = e, case .data(let a)? = merged.last {
                merged[merged.count - 1] = .data(a + b)
            } else {
                merged.append(e)
            }
        }
        return merged
    }

    @Test func everyChunkingGivesTheSameParts() throws {
        var body = MultipartBody()
        body.field("csrf_token", "abc")
        body.file("file", fileName: "C:\\Users\\x\\a b.csv", Array("x,y\r\n1,2\r\n--not-a-boundary\r\n".utf8))
        body.field("dataset", "π-data")
        let bytes = body.bytes
        let reference = try Self.events(bytes, chunk: bytes.count)
        #expect(reference == [
            .begin(.init(name: "csrf_token")), .data(Array("abc".utf8)), .end,
            .begin(.init(name: "file", fileName: "a b.csv", contentType: "application/octet-stream")),
            .data(Array("x,y\r\n1,2\r\n--not-a-boundary\r\n".utf8)), .end,
            .begin(.init(name: "dataset")), .data(Array("π-data".utf8)), .end,
        ])
        for chunk in [1, 2, 3, 7, 16, 41, 64] {
            #expect(try Self.events(bytes, chunk: chunk) == reference, "chunk \(chunk)")
        }
    }

    @Test func aTruncatedBodyIsAnError() throws {
        var body = MultipartBody()
        body.file("file", fileName: "a.csv", Array("x,y\n".utf8))
        let truncated = Array(body.bytes.dropLast(10))
        #expect(throws: MultipartParser.ParseError.self) { try Self.events(truncated, chunk: 5) }
        #expect(MultipartParser(contentType: "application/x-www-form-urlencoded") == nil)
        #expect(MultipartParser(contentType: "multipart/form-data") == nil)
        #expect(MultipartParser(contentType: "multipart/form-data; boundary=\"quoted\"") != nil)
    }

    @Test func fileNamesAreMadeSafe() {
        #expect(UploadedFile.safeName("../../etc/passwd") == "passwd")
        #expect(UploadedFile.safeName("a b;c.csv") == "a_b_c.csv")
        #expect(UploadedFile.safeName("..") == "upload")
    }
}

/// The upload over a real socket, where the body arrives in many chunks (`PIM_LIVE_TESTS=1`, as LiveServerTests).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PIM_LIVE_TESTS"] != nil, "set PIM_LIVE_TESTS=1"))
struct LiveUploadTests {
    @Test func aLargeUploadStreamsThroughARealSocket() async throws {
        let world = try await TestWorld.make { c in
            c.port = 0
            c.uploadDirectory = DataFixtures.tempDir()
        }
        let app = try world.application()
        let large = Array(("adm1_code,n\n" + String(repeating: "SD01,12345\n", count: 100_000)).utf8)
        try await app.test(.live) { client in
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let r = try await officer.upload(client, file: "large.csv", bytes: large, dataset: "large", extra: [("purpose", "x")])
            #expect(r.status == .seeOther)
            let html = String(buffer: try await officer.get(client, try #require(r.headers[.location])).body)
            #expect(html.contains("100000 rows × 2 columns"))
        }
    }
}

@Suite struct JobPageTests {
    @Test func aRunningJobShowsItsPhaseAndReloadsAFinishedOneLinksTheDataset() throws {
        let pages = try PageRenderer()
        var model = PageModels.JobPage(fileName: "a.csv", dataset: "incidents", phase: "storing 10 rows in one transaction", percent: 60,
                                       running: true, succeeded: false, failed: false, error: nil, version: 0, rows: 0, rejected: nil,
                                       uploadID: "u1")
        let running = pages.html(.job, model, title: "Import", session: nil, refresh: true)
        #expect(running.contains("<meta http-equiv=\"refresh\" content=\"1\">"))
        #expect(running.contains("<p id=\"progress\" role=\"status\">storing 10 rows in one transaction: 60%</p>"))
        #expect(!running.contains("job-result"))
        model.running = false
        model.succeeded = true
        model.percent = 100
        model.version = 3
        model.rows = 10
        let done = pages.html(.job, model, title: "Import", session: nil)
        #expect(!done.contains("http-equiv=\"refresh\""))
        #expect(done.contains("<a id=\"job-result\" href=\"/datasets/incidents\">"))
        #expect(done.contains("Stored 10 rows as version 3"))
    }
}
