import Foundation
import PIMCore
import PIMTable

/// Builds typed columns while rows are read back from a database, dictionary-encoding text as it goes.
public struct RowTableAssembler {
    private var builders: [TypedColumnBuilder]
    private let fields: [Field]
    public private(set) var rowCount = 0

    public init(schema: Schema, capacity: Int) {
        fields = schema.fields
        builders = schema.fields.map { TypedColumnBuilder(type: $0.type, capacity: capacity) }
    }

    public var columnCount: Int { builders.count }

    /// Appends a null to column `i` of the current row.
    public mutating func appendNull(_ i: Int) { builders[i].appendNull() }
    public mutating func append(_ i: Int, integer v: Int64) { builders[i].append(.integer(v)) }
    public mutating func append(_ i: Int, decimal v: Double) { builders[i].append(.decimal(v)) }
    public mutating func append(_ i: Int, date v: Int32) { builders[i].append(.date(v)) }
    public mutating func append(_ i: Int, boolean v: Bool) { builders[i].append(.boolean(v)) }
    public mutating func append(_ i: Int, text v: String) { builders[i].append(.text(v)) }
    /// Ends the current row.
    public mutating func endRow() { rowCount += 1 }

    public func finish() -> Table {
        let cols = zip(fields, builders).map { f, b in
            Column(name: f.name, tag: f.hxl.flatMap(HXLTagSpec.init(parsing:)), data: b.finish())
        }
        return (try? Table(columns: cols)) ?? .empty
    }
}
