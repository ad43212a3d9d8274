import Foundation
import NIOCore
import PIMCore
import PIMStorage
import PIMTable
import PostgresNIO

extension PostgresStore {
    public func create(_ dataset: Dataset) async throws(StoreError) {
        let schema = try StoredJSON.encode(dataset.schema)
        try await transaction { conn in try await self.insertDataset(conn, dataset, schemaJSON: schema) }
    }

    func insertDataset(_ conn: PostgresConnection, _ d: Dataset, schemaJSON schema: String) async throws {
        // Names that differ only in case name one dataset to a reader: the one already stored is named.
        let names: [String] = try await rows(conn, "SELECT name FROM datasets").map { try $0.get("name") }
        if let existing = StoredNames.sameName(as: d.name, among: names) {
            throw StoreError.conflict(kind: "dataset", key: existing)
        }
        let created = StoredJSON.millis(d.createdAt)
        try await conn.query(
            """
            INSERT INTO datasets (id, name, category, schema_json, sensitivity, purpose, created_at)
            VALUES (\(d.id.rawValue), \(d.name), \(d.category), \(schema), \(d.sensitivity.rawValue), \(d.purpose), \(created))
            """, logger: logger)
    }

    public func update(_ dataset: Dataset) async throws(StoreError) {
        let d = dataset
        let schema = try StoredJSON.encode(d.schema)
        try await transaction { conn in
            let n = try await self.rows(
                conn,
                """
                UPDATE datasets SET category = \(d.category), schema_json = \(schema), sensitivity = \(d.sensitivity.rawValue),
                purpose = \(d.purpose) WHERE id = \(d.id.rawValue) RETURNING id
                """)
            guard n.count == 1 else { throw StoreError.notFound(kind: "dataset", key: d.name) }
        }
    }

    public func dataset(named name: String) async throws(StoreError) -> Dataset? {
        try await connection { conn in
            try await self.rows(conn, "SELECT * FROM datasets WHERE name = \(name)").first.map(Self.dataset(from:))
        }
    }

    public func dataset(id: Dataset.ID) async throws(StoreError) -> Dataset? {
        try await connection { conn in
            try await self.rows(conn, "SELECT * FROM datasets WHERE id = \(id.rawValue)").first.map(Self.dataset(from:))
        }
    }

    public func datasets() async throws(StoreError) -> [Dataset] {
        try await connection { conn in try await self.rows(conn, "SELECT * FROM datasets ORDER BY name").map(Self.dataset(from:)) }
    }

    static func dataset(from r: PostgresRandomAccessRow) throws -> Dataset {
        guard let s = Sensitivity(rawValue: try r.get("sensitivity")) else { throw StoreError.corrupt("unknown sensitivity") }
        return Dataset(
            id: .init(try r.get("id")), name: try r.get("name"), category: try r.get("category"),
            schema: try StoredJSON.decode(Schema.self, try r.get("schema_json"), what: "schema"), sensitivity: s,
            purpose: try r.get("purpose"), createdAt: StoredJSON.date(try r.get("created_at")))
    }

    // MARK: - Versions

    public func addVersion(
        of datasetID: Dataset.ID, table: PIMTable.Table, schema: Schema, provenance: Provenance, audit: AuditDraft,
        creating: Dataset?
    ) async throws(StoreError) -> DatasetVersion {
        try VersionRows.check(table: table, against: schema)
        let schemaJSON = try StoredJSON.encode(schema)
        let newDataset = try creating.map { d throws(StoreError) in (d, try StoredJSON.encode(d.schema)) }
        return try await transaction { conn in
            if let (d, json) = newDataset { try await self.insertDataset(conn, d, schemaJSON: json) }
            // Serialise version numbering per dataset.
            guard try await !self.rows(conn, "SELECT 1 FROM datasets WHERE id = \(datasetID.rawValue) FOR UPDATE").isEmpty
            else { throw StoreError.notFound(kind: "dataset", key: datasetID.rawValue) }
            if let dup = try await self.rows(
                conn, "SELECT number FROM dataset_versions WHERE dataset_id = \(datasetID.rawValue) AND sha256 = \(provenance.sha256) AND deleted_at IS NULL"
            ).first {
                throw StoreError.duplicateFile(version: Int(try dup.get("number", as: Int64.self)))
            }
            let maxRow = try await self.rows(
                conn, "SELECT COALESCE(MAX(number), 0) AS n FROM dataset_versions WHERE dataset_id = \(datasetID.rawValue)")
            let number = Int(try maxRow.first?.get("n", as: Int64.self) ?? 0) + 1
            let version = DatasetVersion(
                datasetID: datasetID, number: number, rowCount: table.rowCount, schema: schema, provenance: provenance,
                createdAt: audit.at)
            let layout = VersionTableLayout(version: version)
            try await self.createRowTable(conn, layout)
            try await self.copyRows(conn, layout, table)
            let p = provenance
            let received = StoredJSON.millis(p.receivedAt)
            let created = StoredJSON.millis(version.createdAt)
            try await conn.query(
                """
                INSERT INTO dataset_versions (id, dataset_id, number, row_count, schema_json, table_name,
                source_organization, source_system, method, period_start, period_end, area, received_at, file_name,
                sha256, imported_by, quality_notes, created_at) VALUES (\(version.id.rawValue), \(datasetID.rawValue),
                \(Int64(number)), \(Int64(table.rowCount)), \(schemaJSON), \(layout.tableName), \(p.sourceOrganization),
                \(p.sourceSystem), \(p.method), \(p.periodStart), \(p.periodEnd), \(p.area), \(received), \(p.fileName),
                \(p.sha256), \(p.importedBy), \(p.qualityNotes), \(created))
                """, logger: self.logger)
            var draft = audit
            draft.details["version"] = String(number)
            draft.recordCount = table.rowCount
            _ = try await self.appendAudit(conn, draft)
            return version
        }
    }

    func createRowTable(_ conn: PostgresConnection, _ layout: VersionTableLayout) async throws {
        let cols = zip(layout.columnNames, layout.types).map { name, type in
            let t: String
            switch type {
            case .integer: t = "BIGINT"
            case .decimal: t = "DOUBLE PRECISION"
            case .date: t = "DATE"
            case .boolean: t = "BOOLEAN"
            case .text: t = "TEXT"
            }
            return "\(VersionTableLayout.quote(name)) \(t)"
        }
        let sql = "CREATE TABLE \(VersionTableLayout.quote(layout.tableName)) (\"_row\" BIGINT PRIMARY KEY\(cols.isEmpty ? "" : ", ")\(cols.joined(separator: ", ")))"
        try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }

    /// Streams rows with `COPY … FROM STDIN` in text format, in chunks of about 1 MiB.
    func copyRows(_ conn: PostgresConnection, _ layout: VersionTableLayout, _ table: PIMTable.Table) async throws {
        let encoded = table.columns.map(CopyTextColumn.init)
        // PostgresNIO quotes these itself; they are generated by pim (`rows_<hex>`, `_row`, `cN`), never user input.
        let columns = ["_row"] + layout.columnNames
        try await conn.copyFrom(table: layout.tableName, columns: columns, logger: logger) { writer in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(1 << 20)
            for row in 0..<table.rowCount {
                buffer.writeString(String(row))
                for c in encoded {
                    buffer.writeInteger(UInt8(ascii: "\t"))
                    c.write(row: row, into: &buffer)
                }
                buffer.writeInteger(UInt8(ascii: "\n"))
                if buffer.readableBytes >= 1 << 20 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
    }

    public func versions(of datasetID: Dataset.ID) async throws(StoreError) -> [DatasetVersion] {
        try await connection { conn in
            try await self.rows(
                conn, "SELECT * FROM dataset_versions WHERE dataset_id = \(datasetID.rawValue) AND deleted_at IS NULL ORDER BY number"
            ).map(Self.version(from:))
        }
    }

    public func deleteVersion(number: Int, of datasetID: Dataset.ID, audit: AuditDraft) async throws(StoreError) -> DatasetVersion {
        try await transaction { conn in
            guard try await !self.rows(conn, "SELECT 1 FROM datasets WHERE id = \(datasetID.rawValue) FOR UPDATE").isEmpty,
                let row = try await self.rows(
                    conn,
                    "SELECT * FROM dataset_versions WHERE dataset_id = \(datasetID.rawValue) AND number = \(number) AND deleted_at IS NULL"
                ).first
            else { throw StoreError.notFound(kind: "version", key: String(number)) }
            let version = try Self.version(from: row)
            try await self.dropRows(conn, version)
            try await conn.query(
                // (The file's hash is kept, marked, so that the same file may be imported again.)
                "UPDATE dataset_versions SET deleted_at = \(StoredJSON.millis(audit.at)), sha256 = sha256 || ':deleted:' || id WHERE id = \(version.id.rawValue)",
                logger: self.logger)
            var draft = audit
            draft.details["version"] = String(number)
            draft.recordCount = version.rowCount
            _ = try await self.appendAudit(conn, draft)
            return version
        }
    }

    public func deleteDataset(_ datasetID: Dataset.ID, removing documents: [DocumentKey], audit: AuditDraft) async throws(StoreError) {
        try await transaction { conn in
            guard try await !self.rows(conn, "SELECT 1 FROM datasets WHERE id = \(datasetID.rawValue) FOR UPDATE").isEmpty
            else { throw StoreError.notFound(kind: "dataset", key: datasetID.rawValue) }
            let rows = try await self.rows(conn, "SELECT * FROM dataset_versions WHERE dataset_id = \(datasetID.rawValue) ORDER BY number")
            let versions = try rows.filter { try $0.get("deleted_at", as: Int64?.self) == nil }.map(Self.version(from:))
            for v in try rows.map(Self.version(from:)) { try await self.dropRows(conn, v) }
            try await conn.query("DELETE FROM dataset_versions WHERE dataset_id = \(datasetID.rawValue)", logger: self.logger)
            try await conn.query("DELETE FROM consent WHERE dataset_id = \(datasetID.rawValue)", logger: self.logger)
            for d in documents {
                try await conn.query("DELETE FROM documents WHERE kind = \(d.kind.rawValue) AND id = \(d.id)", logger: self.logger)
            }
            try await conn.query("DELETE FROM datasets WHERE id = \(datasetID.rawValue)", logger: self.logger)
            var draft = audit
            draft.details["versions"] = versions.map { String($0.number) }.joined(separator: ",")
            draft.recordCount = versions.reduce(0) { $0 + $1.rowCount }
            _ = try await self.appendAudit(conn, draft)
        }
    }

    /// Drops a version's row table.
    func dropRows(_ conn: PostgresConnection, _ version: DatasetVersion) async throws {
        let table = VersionTableLayout.quote(VersionTableLayout(version: version).tableName)
        try await conn.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(table)"), logger: logger)
    }

    static func version(from r: PostgresRandomAccessRow) throws -> DatasetVersion {
        let p = Provenance(
            sourceOrganization: try r.get("source_organization"), sourceSystem: try r.get("source_system"),
            method: try r.get("method"), periodStart: try r.get("period_start"), periodEnd: try r.get("period_end"),
            area: try r.get("area"), receivedAt: StoredJSON.date(try r.get("received_at")),
            fileName: try r.get("file_name"), sha256: try r.get("sha256"), importedBy: try r.get("imported_by"),
            qualityNotes: try r.get("quality_notes"))
        let number: Int64 = try r.get("number")
        let rows: Int64 = try r.get("row_count")
        return DatasetVersion(
            id: .init(try r.get("id")), datasetID: .init(try r.get("dataset_id")), number: Int(number),
            rowCount: Int(rows), schema: try StoredJSON.decode(Schema.self, try r.get("schema_json"), what: "schema"),
            provenance: p, createdAt: StoredJSON.date(try r.get("created_at")))
    }

    public func table(of version: DatasetVersion) async throws(StoreError) -> PIMTable.Table {
        let layout = VersionTableLayout(version: version)
        let exprs = zip(layout.columnNames, layout.types).map { name, type in
            let q = VersionTableLayout.quote(name)
            return type == .date ? "(\(q) - DATE '1970-01-01')::int4 AS \(q)" : q
        }
        let sql = "SELECT \(exprs.isEmpty ? "\"_row\"" : exprs.joined(separator: ", ")) FROM \(VersionTableLayout.quote(layout.tableName)) ORDER BY \"_row\""
        let schema = version.schema
        let expected = version.rowCount
        return try await connection { conn in
            var asm = RowTableAssembler(schema: schema, capacity: expected)
            for try await row in try await conn.query(PostgresQuery(unsafeSQL: sql), logger: self.logger) {
                var i = 0
                for cell in row where i < layout.types.count {
                    if cell.bytes == nil { asm.appendNull(i); i += 1; continue }
                    switch layout.types[i] {
                    case .integer: asm.append(i, integer: try cell.decode(Int64.self))
                    case .decimal: asm.append(i, decimal: try cell.decode(Double.self))
                    case .boolean: asm.append(i, boolean: try cell.decode(Bool.self))
                    case .date: asm.append(i, date: try cell.decode(Int32.self))
                    case .text: asm.append(i, text: try cell.decode(String.self))
                    }
                    i += 1
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

/// One column pre-encoded for COPY's text format: dictionary entries escaped once, not per row.
struct CopyTextColumn {
    let data: ColumnData
    let escapedDictionary: [[UInt8]]

    init(_ column: Column) {
        data = column.data
        if case .text(_, let d) = column.data { escapedDictionary = d.map(Self.escape) } else { escapedDictionary = [] }
    }

    /// COPY text format: backslash, tab, newline and carriage return are escaped; `\N` is null.
    static func escape(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\\"): out += [92, 92]
            case UInt8(ascii: "\t"): out += [92, UInt8(ascii: "t")]
            case UInt8(ascii: "\n"): out += [92, UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [92, UInt8(ascii: "r")]
            default: out.append(b)
            }
        }
        return out
    }

    func write(row: Int, into buffer: inout ByteBuffer) {
        switch data {
        case .integer(let v, let n):
            if n.isNull(row) { buffer.writeStaticString("\\N") } else { buffer.writeString(String(v[row])) }
        case .decimal(let v, let n):
            if n.isNull(row) { buffer.writeStaticString("\\N") } else {
                // (-0 is stored as 0, as SQLite stores it: a version reads back the same on every backend.)
                let x = v[row] == 0 ? 0 : v[row]
                buffer.writeString(x.isNaN ? "NaN" : x.isInfinite ? (x > 0 ? "Infinity" : "-Infinity") : "\(x)")
            }
        case .date(let v, let n):
            if n.isNull(row) { buffer.writeStaticString("\\N") } else { buffer.writeString(CivilDays.iso(v[row])) }
        case .boolean(let v, let n):
            if n.isNull(row) { buffer.writeStaticString("\\N") } else { buffer.writeStaticString(v[row] ? "t" : "f") }
        case .text(let c, _):
            if c[row] < 0 { buffer.writeStaticString("\\N") } else { buffer.writeBytes(escapedDictionary[Int(c[row])]) }
        }
    }
}
