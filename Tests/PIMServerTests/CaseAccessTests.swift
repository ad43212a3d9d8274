import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCore
import PIMFramework
import PIMSQLite
import PIMServer
import PIMTable
import PIMStorage
import Testing

@Suite struct CaseAccessTests {
    /// The latest version's row count as the API reports it to this browser.
    static func rowCount(_ client: some TestClientProtocol, _ b: Browser, _ name: String) async throws -> Int? {
        let r = try await b.get(client, "/api/v1/datasets/\(name)")
        guard r.status == .ok, let d = try jsonObject(r) as? [String: Any], let versions = d["versions"] as? [[String: Any]] else { return nil }
        return versions.last?["rowCount"] as? Int
    }

    /// The largest published count of an aggregate by `sex` (its margin row: the total of the viewer's rows).
    static func aggregateTotal(_ client: some TestClientProtocol, _ b: Browser) async throws -> (total: Int, suppressed: Int) {
        let r = try await b.get(client, "/api/v1/datasets/\(TestWorld.assignedDatasetName)/aggregate?by=sex&min_cell=5")
        let d = try #require(try jsonObject(r) as? [String: Any])
        let rows = try #require(d["rows"] as? [[Any]])
        let count = try #require((d["columns"] as? [String])?.firstIndex(of: "count"))
        let total = rows.compactMap { $0[count] as? Int }.max() ?? 0
        return (total, (d["primarySuppressed"] as? Int ?? 0) + (d["secondarySuppressed"] as? Int ?? 0))
    }

    @Test func aCaseWorkerSeesOnlyTheirOwnRows() async throws {
        let world = try await TestWorld.make()
        let counts = try await world.addAssignedCases()
        let own = try #require(counts["case-worker"])
        // (Tables of counts leave out the cases that refused reporting as collected.)
        let reported = TestWorld.assignedCasesReported()
        let ownReported = try #require(reported.counts["case-worker"])
        #expect(ownReported < own)
        try await world.application().test(.router) { client in
            let worker = try await Browser.signedIn(client, as: .caseWorker)
            // The list shows the assigned dataset only, with their row count
            let list = String(buffer: try await worker.get(client, "/api/v1/datasets").body)
            #expect(list.contains("\"\(TestWorld.assignedDatasetName)\""))
            #expect(!list.contains("\"cases\""))
            #expect(try await Self.rowCount(client, worker, TestWorld.assignedDatasetName) == own)
            // The dataset page shows their row count, not the whole dataset's
            let page = try await worker.get(client, "/datasets/\(TestWorld.assignedDatasetName)")
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("<td class=\"num\">\(own)</td>"))
            // Aggregates count their rows only
            let agg = try await Self.aggregateTotal(client, worker)
            #expect(agg.total == ownReported)
            // A case-management dataset without an assignment field, and any other dataset, are 404
            #expect(try await worker.get(client, "/api/v1/datasets/cases").status == .notFound)
            #expect(try await worker.get(client, "/datasets/cases").status == .notFound)
            // An analyst still sees every row
            let analyst = try await Browser.signedIn(client, as: .analyst)
            #expect(try await Self.rowCount(client, analyst, TestWorld.assignedDatasetName) == counts.values.reduce(0, +))
            // Once the analyst's views have cached the whole version (its table and columns), the case
            // worker is still given their rows only
            #expect(try await analyst.get(client, "/datasets/\(TestWorld.assignedDatasetName)").status == .ok)
            // (The analyst's total is perturbed by the cell key of all the rows: within 2 of the true total.)
            let total = reported.rows.count
            let perturbedTotal = try await SecurityFixTests.perturbedCount(world, dataset: TestWorld.assignedDatasetName, rows: reported.rows)
            #expect(abs(perturbedTotal - total) <= 2)
            #expect(try await Self.aggregateTotal(client, analyst).total == perturbedTotal)
            #expect(try await Self.aggregateTotal(client, worker).total == ownReported)
            #expect(try await Self.rowCount(client, worker, TestWorld.assignedDatasetName) == own)
        }
    }

    /// Rows are matched on the assignment column's values, each trimmed of spaces; empty cells and a
    /// column that is not text match nothing.
    @Test func visibleRowsMatchTrimmedNamesAndNothingElse() throws {
        let table = try Table(columns: [
            Column(name: "caseworker", data: .text(codes: [0, 1, -1, 2, 0, 3], dictionary: ["amina", " amina ", "omar", "Amina"])),
            Column(name: "n", data: .integer(values: [1, 2, 3, 4, 5, 6], nulls: NullMask())),
        ])
        #expect(CaseAssignment.visibleRows(of: table, assignment: "caseworker", scope: .assignedTo(["amina"])) == [0, 1, 4])
        #expect(CaseAssignment.visibleRows(of: table, assignment: "caseworker", scope: .assignedTo(["omar", "amina"])) == [0, 1, 3, 4])
        #expect(CaseAssignment.visibleRows(of: table, assignment: "caseworker", scope: .assignedTo(["nobody"])) == [])
        #expect(CaseAssignment.visibleRows(of: table, assignment: "n", scope: .assignedTo(["1"])) == [])
        #expect(CaseAssignment.visibleRows(of: table, assignment: "missing", scope: .assignedTo(["amina"])) == [])
        #expect(CaseAssignment.visibleRows(of: table, assignment: "caseworker", scope: .all) == nil)
        let restricted = CaseAssignment.restrict(table, assignment: "caseworker", scope: .assignedTo(["omar"]))
        #expect(restricted.rowCount == 1)
        #expect(restricted["n"]?[0] == .integer(4))
    }

    @Test func aSupervisorSeesTheirTeamsRows() async throws {
        let world = try await TestWorld.make()
        let counts = try await world.addAssignedCases()
        let mine = try #require(counts["supervisor"]), cw2 = try #require(counts["cw2"])
        try await world.application().test(.router) { client in
            let supervisor = try await Browser.signedIn(client, as: .supervisor)
            // Without a team: their own rows only
            #expect(try await Self.rowCount(client, supervisor, TestWorld.assignedDatasetName) == mine)
            // When an administrator puts cw2 in their team
            let admin = try await Browser.signedIn(client, as: .administrator)
            #expect(try await admin.post(client, "/admin/users/supervisor", ["change": "team", "members": "cw2"]).status == .seeOther)
            #expect(String(buffer: try await admin.get(client, "/admin/users").body).contains("value=\"cw2\""))
            // Then they see their rows and cw2's, not the other case worker's
            #expect(try await Self.rowCount(client, supervisor, TestWorld.assignedDatasetName) == mine + cw2)
            let agg = try await Self.aggregateTotal(client, supervisor)
            let reported = TestWorld.assignedCasesReported().counts
            #expect(agg.total == (reported["supervisor"] ?? 0) + (reported["cw2"] ?? 0))
            #expect(try await supervisor.get(client, "/api/v1/datasets/cases").status == .notFound)
            // And cw2 sees only cw2's rows
            let (r, b) = try await Browser.atLoginForm(client).postLogin(client, user: "cw2")
            #expect(r.status == .seeOther)
            #expect(try await Self.rowCount(client, b, TestWorld.assignedDatasetName) == cw2)
        }
    }

    @Test func theAssignmentFieldIsFoundByTagOrName() {
        let byTag = Schema(fields: [Field(name: "worker", hxl: "#x_caseworker+name", type: .text), Field(name: "caseworker", type: .text)])
        #expect(CaseAssignment.field(in: byTag) == "worker")
        let byName = Schema(fields: [Field(name: "id", type: .text), Field(name: "assigned_to", type: .text)])
        #expect(CaseAssignment.field(in: byName) == "assigned_to")
        let none = Schema(fields: [Field(name: "case_worker_team", hxl: "#x_caseworkerteam", type: .text)])
        #expect(CaseAssignment.field(in: none) == nil)
        // Partner viewers are not restricted by rows: they see only datasets an agreement covers, and only the
        // shareable (aggregated, suppressed) outputs computed from all of its rows
        #expect(DatasetAccess.rowScope(for: Viewer(role: .partnerViewer, userName: "p")) == .all)
        #expect(DatasetAccess.rowScope(for: Viewer(role: .caseWorker, userName: "w")) == .assignedTo(["w"]))
        #expect(DatasetAccess.rowScope(for: Viewer(role: .supervisor, userName: "s", team: ["a"])) == .assignedTo(["a", "s"]))
        #expect(DatasetAccess.rowScope(for: Viewer(role: .analyst, userName: "x")) == .all)
    }
}
