import Foundation
import PIMCore
import PIMSQLite
import PIMStorage
import PIMTable
import Testing

/// `Store.table(of:columns:)`, which aggregated shares use to read only their dimensions.
@Suite struct SharingStoreColumnsTests {
    @Test func readsOnlyTheNamedColumnsInSchemaOrder() async throws {
        // Given a stored version with three columns
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pim-cols-\(UUID().uuidString)")
        let store = try SQLiteStore(directory: dir)
        try await store.migrate()
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        try await store.initialize(
            workspace: Workspace(name: "T", country: "SDN", adminLevels: ["A1"], createdAt: now),
            administrator: User(userName: "admin", displayName: "Admin", role: .administrator,
                                passwordHash: "$2b$04$abcdefghijklmnopqrstuu5s7oV2mZ.yrWb1Jp0n6J7wYJmY6JdZK", createdAt: now),
            replacingExisting: false, at: now)
        let schema = Schema(fields: [Field(name: "id", type: .text, role: .directIdentifier), Field(name: "sex", type: .text),
                                     Field(name: "age", type: .integer)])
        let dataset = Dataset(name: "d", category: "protection-monitoring", schema: schema, sensitivity: .high, purpose: "t",
                              createdAt: now)
        let table = try Table(columns: [
            Column(name: "id", data: .text(codes: [0, 1, 2], dictionary: ["R1", "R2", "R3"])),
            Column(name: "sex", data: .text(codes: [0, 1, 0], dictionary: ["f", "m"])),
            Column(name: "age", data: .integer(values: [30, 40, 50], nulls: NullMask())),
        ])
        let v = try await store.addVersion(
            of: dataset.id, table: table, schema: schema,
            provenance: Provenance(receivedAt: now, fileName: "t.csv", sha256: String(repeating: "a", count: 64), importedBy: "admin"),
            audit: AuditDraft(at: now, actor: "admin", action: .datasetImported), creating: dataset)
        // When two columns are asked for, in the opposite order, plus an unknown one
        let t = try await store.table(of: v, columns: ["age", "sex", "nope"])
        try await store.close()
        // Then exactly those come back, in schema order, with every row
        #expect(t.columnNames == ["sex", "age"])
        #expect(t.rowCount == 3)
        #expect(t["age"]?[2] == .integer(50))
        #expect(t["sex"]?[1] == .text("m"))
    }
}
