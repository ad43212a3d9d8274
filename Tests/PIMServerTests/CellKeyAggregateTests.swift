import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCore
import PIMDisclosure
import PIMSQLite
@testable import PIMServer
import PIMStorage
import PIMTable
import PIMTesting
import Testing

/// Ad-hoc aggregates for analysts and partners are perturbed by the cell-key method, so that two queries
/// cannot be differenced to recover a small cell (QA finding W31: 15 female GBV survivors in one table, 12 adults
/// in another, hence 3 children).
@Suite struct CellKeyAggregateTests {
    /// 15 female GBV survivors (12 adults, 3 children) and 9 male adults.
    static func install(_ world: TestWorld) async throws {
        var sex: [String] = []
        var age: [String] = []
        for _ in 0..<12 { sex.append("female"); age.append("adults") }
        for _ in 0..<3 { sex.append("female"); age.append("children") }
        for _ in 0..<9 { sex.append("male"); age.append("adults") }
        let n = sex.count
        func text(_ name: String, _ values: [String]) -> Column {
            Column(name: name, data: .textFromLabels(count: values.count) { values[$0] })
        }
        let table = try Table(columns: [
            text("record_id", (0..<n).map { "c\($0)" }), text("sex", sex), text("age_group", age),
            text("specific_need", Array(repeating: "gbv-survivor", count: n)),
        ])
        let roles: [String: DisclosureRole] = ["record_id": .directIdentifier, "sex": .quasiIdentifier, "age_group": .quasiIdentifier,
                                               "specific_need": .sensitive]
        try await store(table, as: "gbv", category: "case-management", sensitivity: .high, roles: roles, in: world)
    }

    /// Stores `table` as the first version of a new dataset, its fields' roles given (others: `other`).
    static func store(
        _ table: Table, as name: String, category: String, sensitivity: Sensitivity, roles: [String: DisclosureRole], in world: TestWorld
    ) async throws {
        let admin = try await world.user(.administrator).id.rawValue
        let schema = Schema(fields: table.columns.map { Field(name: $0.name, type: $0.type, role: roles[$0.name] ?? .other) })
        let d = Dataset(name: name, category: category, schema: schema, sensitivity: sensitivity, purpose: "Test", createdAt: Fixtures.epoch)
        _ = try await world.store.addVersion(of: d.id, table: table, schema: schema,
                                             provenance: Fixtures.provenance(sha: String(repeating: "a", count: 64)),
                                             audit: AuditDraft(at: Fixtures.epoch, actor: admin, action: .datasetImported), creating: d)
    }

    /// The answer's rows as (labels, count) and its method.
    static func cells(_ r: TestResponse) throws -> (method: String?, rows: [([String], Int?)]) {
        let d = try #require(try jsonObject(r) as? [String: Any])
        let columns = try #require(d["columns"] as? [String])
        let rows = try #require(d["rows"] as? [[Any]])
        let count = try #require(columns.firstIndex(of: "count"))
        let labels = columns.indices.filter { !["count", "flag", "note"].contains(columns[$0]) }
        return (d["method"] as? String, rows.map { row in (labels.map { row[$0] as? String ?? "" }, row[count] as? Int) })
    }

    /// QA19 F1/F2: a dimension named like one of pim's own columns, and custom age bands, through the API.
    @Test func dimensionsNamedLikePimsColumnsAndCustomBandsCanBeAsked() async throws {
        let world = try await TestWorld.make()
        let n = 60
        let table = try Table(columns: [
            Column(name: "record_id", data: .textFromLabels(count: n) { "r\($0)" }),
            Column(name: "note", data: .textFromLabels(count: n) { $0 % 2 == 0 ? "visit" : "call" }),
            Column(name: "count", data: .textFromLabels(count: n) { $0 % 3 == 0 ? "one" : "many" }),
            Column(name: "age", data: .integer(values: (0..<n).map { [70, 30, 10][$0 % 3] }, nulls: NullMask())),
        ])
        try await Self.store(table, as: "cols", category: "protection-monitoring", sensitivity: .moderate,
                             roles: ["record_id": .directIdentifier, "age": .quasiIdentifier], in: world)
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let named = try await analyst.get(client, "/api/v1/datasets/cols/aggregate?by=note,count&min_cell=5")
            #expect(named.status == .ok, "\(String(buffer: named.body))")
            let o = try #require(try jsonObject(named) as? [String: Any])
            let columns = try #require(o["columns"] as? [String])
            #expect(columns.starts(with: ["note_value", "count_value", "count"]), "\(columns)")
            let bands = try await analyst.get(client, "/api/v1/datasets/cols/aggregate?by=age=bands:0,18,60&min_cell=5")
            #expect(bands.status == .ok, "\(String(buffer: bands.body))")
            let labels = try Self.cells(bands).rows.map { $0.0.joined() }
            #expect(labels.contains { $0.hasPrefix("18") } && labels.contains { $0.hasPrefix("60") }, "\(labels)")
        }
    }

    @Test func analystsGetPerturbedCountsThatCannotBeDifferenced() async throws {
        let world = try await TestWorld.make()
        try await Self.install(world)
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let fine = try Self.cells(try await analyst.get(client, "/api/v1/datasets/gbv/aggregate?by=sex,age_group,specific_need&min_cell=5"))
            let coarse = try Self.cells(try await analyst.get(client, "/api/v1/datasets/gbv/aggregate?by=sex,specific_need&min_cell=5"))
            #expect(fine.method == "cell-key")
            #expect(coarse.method == "cell-key")
            // No count between 1 and 4 is shown, and nothing is flagged as suppressed
            for (_, count) in fine.rows + coarse.rows {
                let c = try #require(count)
                #expect(c >= 5)
            }
            // The same records show the same count in both tables: female GBV survivors (a margin of the fine
            // table, a cell of the coarse one), and the grand total
            func count(_ t: [([String], Int?)], _ labels: [String]) -> Int? { t.first { $0.0 == labels }?.1 }
            let femaleFine = count(fine.rows, ["female", "Total", "gbv-survivor"])
            let femaleCoarse = count(coarse.rows, ["female", "gbv-survivor"])
            #expect(femaleFine != nil)
            #expect(femaleFine == femaleCoarse)
            #expect(count(fine.rows, ["Total", "Total", "Total"]) == count(coarse.rows, ["Total", "Total"]))
            // Each count is the true one perturbed by its records' cell key (children: rows 12–14, 0 or 5)
            let children = try await SecurityFixTests.perturbedCount(world, dataset: "gbv", rows: [12, 13, 14])
            #expect(count(fine.rows, ["female", "children", "gbv-survivor"]) == (children == 0 ? nil : children))
            let female = try await SecurityFixTests.perturbedCount(world, dataset: "gbv", rows: Array(0..<15))
            #expect(femaleCoarse == female)
            let adults = try await SecurityFixTests.perturbedCount(world, dataset: "gbv", rows: Array(0..<12))
            #expect(count(fine.rows, ["female", "adults", "gbv-survivor"]) == adults)
            // Asked again, the same answer (no averaging over repeated queries)
            let again = try Self.cells(try await analyst.get(client, "/api/v1/datasets/gbv/aggregate?by=sex,specific_need&min_cell=5"))
            #expect(again.rows.map(\.1) == coarse.rows.map(\.1))
            // The producer's officer sees true counts with the small cell suppressed
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let own = try Self.cells(try await officer.get(client, "/api/v1/datasets/gbv/aggregate?by=sex,specific_need&min_cell=5"))
            #expect(own.method == "suppression")
            #expect(count(own.rows, ["female", "gbv-survivor"]) == 15)
            // An unknown dimension names the stored columns (not the hidden record keys)
            let unknown = try await analyst.get(client, "/api/v1/datasets/gbv/aggregate?by=district&min_cell=5")
            #expect(unknown.status == .badRequest)
            let message = String(buffer: unknown.body)
            #expect(message.contains("age_group"))
            #expect(!message.contains("record-key"))
        }
    }

    /// QA9 F1: the perturbation table depends on the smallest cell, so one cell asked with several `min_cell`s
    /// revealed its count (at `min_cell` = n it was published unchanged; 41 of 123 demo cells recovered exactly).
    /// The perturbation now keeps the viewer's floor; a larger `min_cell` only leaves out published counts below it.
    @Test func askingAnotherMinimumCellRevealsNothingMore() async throws {
        let world = try await TestWorld.make()
        try await Self.install(world)
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let path = "/api/v1/datasets/gbv/aggregate?by=sex,age_group&min_cell="
            let floor = try Self.cells(try await analyst.get(client, path + "5"))
            // Male adults (9 records, rows 15–23) at the floor: 9 perturbed by at most 2
            let male = try await SecurityFixTests.perturbedCount(world, dataset: "gbv", rows: Array(15..<24))
            #expect(floor.rows.first { $0.0 == ["male", "adults"] }?.1 == male)
            for m in 6...30 {
                let asked = try Self.cells(try await analyst.get(client, path + String(m)))
                let expected = floor.rows.filter { ($0.1 ?? 0) >= m }
                #expect(asked.rows.map(\.0) == expected.map(\.0), "min_cell \(m)")
                #expect(asked.rows.map(\.1) == expected.map(\.1), "min_cell \(m)")
            }
            // Below the floor is refused, as before
            #expect(try await analyst.get(client, path + "4").status == .badRequest)
        }
    }

    /// QA9 F2: `rare:N` keeps a category by its true count, so asking it with N = 1, 2, 3, … named a category
    /// until N exceeded its count (the 3 children are named up to rare:3, merged from rare:4). Refused for perturbed viewers; the
    /// producer's officer, whose counts are true anyway, keeps it.
    @Test func rareCategoryMergingIsRefusedWhenCountsArePerturbed() async throws {
        let world = try await TestWorld.make()
        try await Self.install(world)
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            for spec in ["age_group=rare:3", "age_group=RARE:2", "sex,age_group=rare:1"] {
                let r = try await analyst.get(client, "/api/v1/datasets/gbv/aggregate?by=\(spec)&min_cell=5")
                #expect(r.status == .badRequest, "\(spec)")
                #expect(!String(buffer: r.body).contains("children"))
                let page = try await analyst.get(client, "/datasets/gbv/aggregate/download?by=\(spec)&min_cell=5")
                #expect(!String(buffer: page.body).contains("children"))
            }
            // Other recodings still work for the analyst
            #expect(try await analyst.get(client, "/api/v1/datasets/gbv/aggregate?by=sex&min_cell=5").status == .ok)
            let officer = try await Browser.signedIn(client, as: .pimOfficer)
            let own = try await officer.get(client, "/api/v1/datasets/gbv/aggregate?by=age_group=rare:3&min_cell=1")
            #expect(own.status == .ok)
            #expect(String(buffer: own.body).contains("children"))
        }
    }

    /// QA9 F3: a perturbed answer's `cells` counted the true non-empty cells (413 against 299 rows shown in the
    /// demo), telling how many combinations shown as 0 hold records. It now counts the rows shown.
    @Test func perturbedAnswersCountOnlyTheCellsShown() async throws {
        let world = try await TestWorld.make()
        try await Self.install(world)
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            // rows 0–23 hold 4 non-empty interior cells and 5 margins; the largest cells are always shown
            for m in [5, 10, 20, 25] {
                let r = try await analyst.get(client, "/api/v1/datasets/gbv/aggregate?by=sex,age_group&min_cell=\(m)")
                let d = try #require(try jsonObject(r) as? [String: Any])
                let rows = try #require(d["rows"] as? [[Any]])
                #expect(d["cells"] as? Int == rows.count, "min_cell \(m)")
            }
        }
    }

    /// QA9 F7: record keys were drawn per version, so importing the same records again (a cumulative monthly
    /// file, or a version deleted and imported again) re-drew every cell's perturbation, and averaging versions
    /// recovered the counts. A record now keeps its key by its record id: the same records, in another order
    /// and with one more, show the same counts in the next version wherever the cell's records are the same.
    @Test func aRecordKeepsItsKeyAcrossVersions() async throws {
        let world = try await TestWorld.make()
        try await Self.install(world)
        let d = try #require(try await world.store.dataset(named: "gbv"))
        let v1 = try #require(try await world.store.versions(of: d.id).last)
        let first = try await world.store.table(of: v1)
        // Version 2: the 24 records reversed, and one more male child (c24)
        let order = Array((0..<first.rowCount).reversed())
        var columns: [Column] = []
        for c in first.selectingRows(order).columns {
            var labels = (0..<c.count).map { r -> String in if case .text(let t) = c[r] { t } else { "" } }
            labels.append(["record_id": "c24", "sex": "male", "age_group": "children", "specific_need": "gbv-survivor"][c.name] ?? "")
            let dictionary = Array(Set(labels)).sorted()
            columns.append(Column(name: c.name, data: .text(codes: labels.map { Int32(dictionary.firstIndex(of: $0) ?? 0) }, dictionary: dictionary)))
        }
        let second = try Table(columns: columns)
        let admin = try await world.user(.administrator).id.rawValue
        _ = try await world.store.addVersion(of: d.id, table: second, schema: v1.schema,
                                             provenance: Fixtures.provenance(sha: String(repeating: "b", count: 64)),
                                             audit: AuditDraft(at: Fixtures.epoch, actor: admin, action: .datasetImported), creating: nil)
        // The female cells hold the same records in both versions: the same perturbed counts
        let female = try await SecurityFixTests.perturbedCount(world, dataset: "gbv", rows: Array(9..<24))
        let femaleAdults = try await SecurityFixTests.perturbedCount(world, dataset: "gbv", rows: Array(12..<24))
        try await world.application().test(.router) { client in
            let analyst = try await Browser.signedIn(client, as: .analyst)
            let t = try Self.cells(try await analyst.get(client, "/api/v1/datasets/gbv/aggregate?by=sex,age_group&min_cell=5"))
            #expect(t.rows.first { $0.0 == ["female", "Total"] }?.1 == female)
            #expect(t.rows.first { $0.0 == ["female", "adults"] }?.1 == femaleAdults)
        }
        // … and these are the counts version 1 gave (its rows 0–14 are the female records)
        let keysV1 = try await Self.versionOneCounts(world, v1)
        #expect(keysV1.female == female)
        #expect(keysV1.femaleAdults == femaleAdults)
    }

    /// Version 1's perturbed counts of the female records (rows 0–14) and female adults (rows 0–11), from the
    /// record keys of its ids.
    static func versionOneCounts(_ world: TestWorld, _ v1: DatasetVersion) async throws -> (female: Int, femaleAdults: Int) {
        let secret = try await world.store.secret(named: RecordKeys.secretName, orCreate: RecordKeys.newSecret)
        let ids = (0..<v1.rowCount).map { Optional("c\($0)") }
        let keys = RecordKeys.keys(secret: secret, dataset: v1.datasetID.rawValue, recordIDs: ids, otherwise: [])
        func count(_ rows: [Int]) -> Int {
            CellKeyPerturbation(minCell: 5).published(count: rows.count, cellKey: rows.reduce(UInt32(0)) { $0 &+ keys[$1] })
        }
        return (count(Array(0..<15)), count(Array(0..<12)))
    }
}
