import Foundation
import GRDB
import GRDBSQLite
import PIMCore
import PIMStorage
import PIMTable

extension SQLiteStore {
    public func create(_ dataset: Dataset) async throws(StoreError) {
        let schema = try StoredJSON.encode(dataset.schema)
        try await write { db in try Self.insertDataset(db, dataset, schemaJSON: schema) }
    }

    static func insertDataset(_ db: Database, _ d: Dataset, schemaJSON schema: String) throws {
        // Names that differ only in case name one dataset to a reader: the one already stored is named.
        if let existing = StoredNames.sameName(as: d.name, among: try String.fetchAll(db, sql: "SELECT name FROM datasets")) {
            throw StoreError.conflict(kind: "dataset", key: existing)
        }
        try db.execute(
            sql: """
                INSERT INTO datasets (id, name, category, schema_json, sensitivity, purpose, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [d.id.rawValue, d.name, d.category, schema, d.sensitivity.rawValue, d.purpose, StoredJSON.millis(d.createdAt)])
    }

    public func update(_ dataset: Dataset) async throws(StoreError) {
        let d = dataset
        let schema = try StoredJSON.encode(d.schema)
        try await write { db in
            try db.execute(
                sql: "UPDATE datasets SET category = ?, schema_json = ?, sensitivity = ?, purpose = ? WHERE id = ?",
                arguments: [d.category, schema, d.sensitivity.rawValue, d.purpose, d.id.rawValue])
            guard db.changesCount == 1 else { throw StoreError.notFound(kind: "dataset", key: d.name) }
        }
    }

    public func dataset(named name: String) async throws(StoreError) -> Dataset? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM datasets WHERE name = ?", arguments: [name]).map(Self.dataset(from:))
        }
    }

    public func dataset(id: Dataset.ID) async throws(StoreError) -> Dataset? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM datasets WHERE id = ?", arguments: [id.rawValue]).map(Self.dataset(from:))
        }
    }

    public func datasets() async throws(StoreError) -> [Dataset] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM datasets ORDER BY name").map(Self.dataset(from:)) }
    }

    static func dataset(from r: Row) throws -> Dataset {
        guard let s = Sensitivity(rawValue: r["sensitivity"]) else { throw StoreError.corrupt("unknown sensitivity") }
        return Dataset(
            id: .init(r["id"]), name: r["name"], category: r["category"],
            schema: try StoredJSON.decode(Schema.self, r["schema_json"], what: "schema"), sensitivity: s,
            purpose: r["purpose"], createdAt: StoredJSON.date(r["created_at"]))
    }

    // MARK: - Versions

    public func addVersion(
        of datasetID: Dataset.ID, table: PIMTable.Table, schema: Schema, provenance: Provenance, audit: AuditDraft,
        creating: Dataset?
    ) async throws(StoreError) -> DatasetVersion {
        try VersionRows.check(table: table, against: schema)
        let schemaJSON = try StoredJSON.encode(schema)
        let newDataset = try creating.map { d throws(StoreError) in (d, try StoredJSON.encode(d.schema)) }
        return try await write { db in
            if let (d, json) = newDataset { try Self.insertDataset(db, d, schemaJSON: json) }
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM datasets WHERE id = ?", arguments: [datasetID.rawValue]) == true
            else { throw StoreError.notFound(kind: "dataset", key: datasetID.rawValue) }
            if let n = try Int.fetchOne(
                db, sql: "SELECT number FROM dataset_versions WHERE dataset_id = ? AND sha256 = ? AND deleted_at IS NULL",
                arguments: [datasetID.rawValue, provenance.sha256])
            {
                throw StoreError.duplicateFile(version: n)
            }
            let number = (try Int.fetchOne(
                db, sql: "SELECT MAX(number) FROM dataset_versions WHERE dataset_id = ?", arguments: [datasetID.rawValue]) ?? 0) + 1
            let version = DatasetVersion(
                datasetID: datasetID, number: number, rowCount: table.rowCount, schema: schema, provenance: provenance,
                createdAt: audit.at)
            let layout = VersionTableLayout(version: version)
            try Self.createRowTable(db, layout)
            try Self.insertRows(db, layout, table)
            let p = provenance
            try db.execute(
                sql: """
                    INSERT INTO dataset_versions (id, dataset_id, number, row_count, schema_json, table_name,
                    source_organization, source_system, method, period_start, period_end, area, received_at, file_name,
                    sha256, imported_by, quality_notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    version.id.rawValue, datasetID.rawValue, number, table.rowCount, schemaJSON, layout.tableName,
                    p.sourceOrganization, p.sourceSystem, p.method, p.periodStart, p.periodEnd, p.area,
                    StoredJSON.millis(p.receivedAt), p.fileName, p.sha256, p.importedBy, p.qualityNotes,
                    StoredJSON.millis(version.createdAt),
                ])
            var draft = audit
            draft.details["version"] = String(number)
            draft.recordCount = table.rowCount
            _ = try Self.appendAudit(db, draft)
            return version
        }
    }

    static func createRowTable(_ db: Database, _ layout: VersionTableLayout) throws {
        let cols = zip(layout.columnNames, layout.types).map { name, type in
            let t: String
            switch type {
            case .integer, .boolean: t = "INTEGER"
            case .decimal: t = "REAL"
            case .date, .text: t = "TEXT"
            }
            return "\(VersionTableLayout.quote(name)) \(t)"
        }
        try db.execute(sql: "CREATE TABLE \(VersionTableLayout.quote(layout.tableName)) (\"_row\" INTEGER PRIMARY KEY, \(cols.joined(separator: ", ")))")
    }

    /// Bulk insert with one prepared statement bound through SQLite's C API: no per-cell allocation.
    /// Text values point into one buffer holding every dictionary entry, valid for the whole loop.
    static func insertRows(_ db: Database, _ layout: VersionTableLayout, _ table: PIMTable.Table) throws {
        let names = (["_row"] + layout.columnNames).map(VersionTableLayout.quote).joined(separator: ", ")
        let marks = Array(repeating: "?", count: layout.columnNames.count + 1).joined(separator: ", ")
        let statement = try db.makeStatement(sql: "INSERT INTO \(VersionTableLayout.quote(layout.tableName)) (\(names)) VALUES (\(marks))")
        let stmt = statement.sqliteStatement
        let texts = TextArena(table: table)
        defer { texts.deallocate() }
        for row in 0..<table.rowCount {
            sqlite3_bind_int64(stmt, 1, Int64(row))
            for (ci, column) in table.columns.enumerated() {
                let p = Int32(ci + 2)
                switch column.data {
                case .integer(let v, let n):
                    if n.isNull(row) { sqlite3_bind_null(stmt, p) } else { sqlite3_bind_int64(stmt, p, v[row]) }
                case .decimal(let v, let n):
                    // (-0 as 0, which SQLite would make of it anyway; see the PostgreSQL store.)
                    if n.isNull(row) { sqlite3_bind_null(stmt, p) } else { sqlite3_bind_double(stmt, p, v[row] == 0 ? 0 : v[row]) }
                case .boolean(let v, let n):
                    if n.isNull(row) { sqlite3_bind_null(stmt, p) } else { sqlite3_bind_int64(stmt, p, v[row] ? 1 : 0) }
                case .date(let v, let n):
                    if n.isNull(row) { sqlite3_bind_null(stmt, p) } else {
                        let (ptr, len) = texts.date(v[row])
                        sqlite3_bind_text(stmt, p, ptr, len, nil)
                    }
                case .text(let c, _):
                    let code = c[row]
                    if code < 0 { sqlite3_bind_null(stmt, p) } else {
                        let (ptr, len) = texts.text(column: ci, code: Int(code))
                        sqlite3_bind_text(stmt, p, ptr, len, nil)
                    }
                }
            }
            let rc = sqlite3_step(stmt)
            guard rc == SQLITE_DONE else {
                throw StoreError.unavailable("SQLite could not insert row \(row + 1) (code \(rc))")
            }
            sqlite3_reset(stmt)
        }
    }

    public func versions(of datasetID: Dataset.ID) async throws(StoreError) -> [DatasetVersion] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM dataset_versions WHERE dataset_id = ? AND deleted_at IS NULL ORDER BY number",
                arguments: [datasetID.rawValue]
            ).map(Self.version(from:))
        }
    }

    public func deleteVersion(number: Int, of datasetID: Dataset.ID, audit: AuditDraft) async throws(StoreError) -> DatasetVersion {
        let deleted = try await write { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT * FROM dataset_versions WHERE dataset_id = ? AND number = ? AND deleted_at IS NULL",
                arguments: [datasetID.rawValue, number])
            else { throw StoreError.notFound(kind: "version", key: String(number)) }
            let version = try Self.version(from: row)
            try Self.dropRows(db, version)
            try db.execute(
                // (The file's hash is kept, marked, so that the same file may be imported again.)
                sql: "UPDATE dataset_versions SET deleted_at = ?, sha256 = sha256 || ':deleted:' || id WHERE id = ?",
                arguments: [StoredJSON.millis(audit.at), version.id.rawValue])
            var draft = audit
            draft.details["version"] = String(number)
            draft.recordCount = version.rowCount
            _ = try Self.appendAudit(db, draft)
            return version
        }
        await truncateLog()
        return deleted
    }

    public func deleteDataset(_ datasetID: Dataset.ID, removing documents: [DocumentKey], audit: AuditDraft) async throws(StoreError) {
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM datasets WHERE id = ?", arguments: [datasetID.rawValue]) == true
            else { throw StoreError.notFound(kind: "dataset", key: datasetID.rawValue) }
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM dataset_versions WHERE dataset_id = ? ORDER BY number", arguments: [datasetID.rawValue])
            let versions = try rows.filter { ($0["deleted_at"] as Int64?) == nil }.map(Self.version(from:))
            for v in try rows.map(Self.version(from:)) { try Self.dropRows(db, v) }
            try db.execute(sql: "DELETE FROM dataset_versions WHERE dataset_id = ?", arguments: [datasetID.rawValue])
            try db.execute(sql: "DELETE FROM consent WHERE dataset_id = ?", arguments: [datasetID.rawValue])
            for d in documents {
                try db.execute(sql: "DELETE FROM documents WHERE kind = ? AND id = ?", arguments: [d.kind.rawValue, d.id])
            }
            try db.execute(sql: "DELETE FROM datasets WHERE id = ?", arguments: [datasetID.rawValue])
            var draft = audit
            draft.details["versions"] = versions.map { String($0.number) }.joined(separator: ",")
            draft.recordCount = versions.reduce(0) { $0 + $1.rowCount }
            _ = try Self.appendAudit(db, draft)
        }
        await truncateLog()
    }

    /// Drops a version's row table.
    static func dropRows(_ db: Database, _ version: DatasetVersion) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS \(VersionTableLayout.quote(VersionTableLayout(version: version).tableName))")
    }

    static func version(from r: Row) throws -> DatasetVersion {
        let p = Provenance(
            sourceOrganization: r["source_organization"], sourceSystem: r["source_system"], method: r["method"],
            periodStart: r["period_start"], periodEnd: r["period_end"], area: r["area"],
            receivedAt: StoredJSON.date(r["received_at"]), fileName: r["file_name"], sha256: r["sha256"],
            importedBy: r["imported_by"], qualityNotes: r["quality_notes"])
        return DatasetVersion(
            id: .init(r["id"]), datasetID: .init(r["dataset_id"]), number: r["number"], rowCount: r["row_count"],
            schema: try StoredJSON.decode(Schema.self, r["schema_json"], what: "schema"), provenance: p,
            createdAt: StoredJSON.date(r["created_at"]))
    }

    public func table(of version: DatasetVersion) async throws(StoreError) -> PIMTable.Table {
        try await table(of: version, columns: version.schema.fields.map(\.name))
    }

    public func table(of version: DatasetVersion, columns wanted: [String]) async throws(StoreError) -> PIMTable.Table {
        let full = VersionTableLayout(version: version)
        let picked = version.schema.fields.indices.filter { wanted.contains(version.schema.fields[$0].name) }
        let schema = Schema(fields: picked.map { version.schema.fields[$0] })
        let layout = (columnNames: picked.map { full.columnNames[$0] }, types: picked.map { full.types[$0] },
                      tableName: full.tableName)
        let expected = version.rowCount
        return try await read { db in
            let cols = layout.columnNames.map(VersionTableLayout.quote).joined(separator: ", ")
            let sql = "SELECT \(cols.isEmpty ? "\"_row\"" : cols) FROM \(VersionTableLayout.quote(layout.tableName)) ORDER BY \"_row\""
            let statement = try db.makeStatement(sql: sql)
            let stmt = statement.sqliteStatement
            var asm = RowTableAssembler(schema: schema, capacity: expected)
            while true {
                let rc = sqlite3_step(stmt)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else { throw StoreError.unavailable("SQLite could not read the rows (code \(rc))") }
                for (i, type) in layout.types.enumerated() {
                    let c = Int32(i)
                    if sqlite3_column_type(stmt, c) == SQLITE_NULL { asm.appendNull(i); continue }
                    switch type {
                    case .integer: asm.append(i, integer: sqlite3_column_int64(stmt, c))
                    case .decimal: asm.append(i, decimal: sqlite3_column_double(stmt, c))
                    case .boolean: asm.append(i, boolean: sqlite3_column_int64(stmt, c) != 0)
                    case .date:
                        let s = sqlite3_column_text(stmt, c).map { String(cString: $0) } ?? ""
                        guard let d = CivilDays.parseISO(s) else { throw StoreError.corrupt("a stored date is not yyyy-mm-dd") }
                        asm.append(i, date: d)
                    case .text:
                        let n = Int(sqlite3_column_bytes(stmt, c))
                        let s = sqlite3_column_text(stmt, c).map {
                            String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
                        } ?? ""
                        asm.append(i, text: s)
                    }
                }
                asm.endRow()
            }
            guard asm.rowCount == expected else {
                throw StoreError.corrupt("version \(layout.tableName) holds \(asm.rowCount) rows, expected \(expected)")
            }
            return asm.finish()
        }
    }
}

/// UTF-8 bytes of every text dictionary entry and of ISO dates, in one allocation, for binding as SQLITE_STATIC.
final class TextArena {
    private var buffer: UnsafeMutablePointer<CChar>
    private var offsets: [[Int]]   // per column: start offsets, count+1 entries
    private var dateCache: [Int32: (Int, Int32)] = [:]
    private var dateBuffer: UnsafeMutablePointer<CChar>
    private var dateUsed = 0
    private let dateCapacity = 11 * 70_000

    init(table: PIMTable.Table) {
        var total = 0
        for c in table.columns { if case .text(_, let d) = c.data { for s in d { total += s.utf8.count } } }
        buffer = .allocate(capacity: max(total, 1))
        dateBuffer = .allocate(capacity: dateCapacity)
        offsets = []
        var pos = 0
        for c in table.columns {
            var o: [Int] = []
            if case .text(_, let d) = c.data {
                o.reserveCapacity(d.count + 1)
                for s in d {
                    o.append(pos)
                    for b in s.utf8 { buffer[pos] = CChar(bitPattern: b); pos += 1 }
                }
                o.append(pos)
            }
            offsets.append(o)
        }
    }

    func text(column: Int, code: Int) -> (UnsafePointer<CChar>, Int32) {
        let o = offsets[column]
        return (UnsafePointer(buffer + o[code]), Int32(o[code + 1] - o[code]))
    }

    /// ISO text of a date; dates are few distinct values, so each is formatted once.
    func date(_ days: Int32) -> (UnsafePointer<CChar>, Int32) {
        if let (off, len) = dateCache[days] { return (UnsafePointer(dateBuffer + off), len) }
        let s = CivilDays.iso(days)
        let bytes = Array(s.utf8)
        if dateUsed + bytes.count > dateCapacity {
            // Extremely many distinct dates: fall back to a fresh region (old pointers stay valid until deallocate).
            dateCache.removeAll()
            let fresh = UnsafeMutablePointer<CChar>.allocate(capacity: dateCapacity)
            retired.append(dateBuffer)
            dateBuffer = fresh
            dateUsed = 0
        }
        let off = dateUsed
        for (i, b) in bytes.enumerated() { dateBuffer[off + i] = CChar(bitPattern: b) }
        dateUsed += bytes.count
        dateCache[days] = (off, Int32(bytes.count))
        return (UnsafePointer(dateBuffer + off), Int32(bytes.count))
    }

    private var retired: [UnsafeMutablePointer<CChar>] = []

    func deallocate() {
        buffer.deallocate()
        dateBuffer.deallocate()
        for r in retired { r.deallocate() }
    }
}
