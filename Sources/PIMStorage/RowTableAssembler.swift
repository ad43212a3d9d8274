import Foundation
import PIMCore
import PIMTable

/// Builds typed columns while rows are read back from a database, dictionary-encoding text as it goes.
///
/// Each column has a reference-typed builder so appends never copy the arrays (no copy-on-write churn).
public struct RowTableAssembler {
    private let builders: [ColumnBuilder]
    private let fields: [Field]
    public private(set) var rowCount = 0

    public init(schema: Schema, capacity: Int) {
        fields = schema.fields
        builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: capacity) }
    }

    public var columnCount: Int { builders.count }

    /// Appends a null to column `i` of the current row.
    public func appendNull(_ i: Int) { builders[i].appendNull(row: rowCount) }
    public func append(_ i: Int, integer v: Int64) { builders[i].ints.append(v) }
    public func append(_ i: Int, decimal v: Double) { builders[i].doubles.append(v) }
    public func append(_ i: Int, date v: Int32) { builders[i].days.append(v) }
    public func append(_ i: Int, boolean v: Bool) { builders[i].bools.append(v) }
    public func append(_ i: Int, text v: String) { builders[i].appendText(v) }
    /// Ends the current row.
    public mutating func endRow() { rowCount += 1 }

    public func finish() -> Table {
        let cols = zip(fields, builders).map { f, b in
            Column(name: f.name, tag: f.hxl.flatMap(HXLTagSpec.init(parsing:)), data: b.data())
        }
        return (try? Table(columns: cols)) ?? .empty
    }
}

final class ColumnBuilder {
    let type: ColumnType
    var ints: [Int64] = []
    var doubles: [Double] = []
    var days: [Int32] = []
    var bools: [Bool] = []
    var codes: [Int32] = []
    var dictionary: [String] = []
    var index: [String: Int32] = [:]
    var nulls = NullMask()

    init(type: ColumnType, capacity: Int) {
        self.type = type
        switch type {
        case .integer: ints.reserveCapacity(capacity)
        case .decimal: doubles.reserveCapacity(capacity)
        case .date: days.reserveCapacity(capacity)
        case .boolean: bools.reserveCapacity(capacity)
        case .text: codes.reserveCapacity(capacity)
        }
    }

    func appendNull(row: Int) {
        switch type {
        case .integer: ints.append(0)
        case .decimal: doubles.append(0)
        case .date: days.append(0)
        case .boolean: bools.append(false)
        case .text: codes.append(-1); return
        }
        nulls.setNull(row)
    }

    func appendText(_ s: String) {
        if let c = index[s] {
            codes.append(c)
        } else {
            let c = Int32(dictionary.count)
            dictionary.append(s)
            index[s] = c
            codes.append(c)
        }
    }

    func data() -> ColumnData {
        switch type {
        case .integer: .integer(values: ints, nulls: nulls)
        case .decimal: .decimal(values: doubles, nulls: nulls)
        case .date: .date(days: days, nulls: nulls)
        case .boolean: .boolean(values: bools, nulls: nulls)
        case .text: .text(codes: codes, dictionary: dictionary)
        }
    }
}

extension HXLTagSpec {
    /// Minimal parse of a stored `#tag+attr` spec (the full HXL parser lives in PIMTable's HXL reader).
    init?(parsing spec: String) {
        let s = spec.trimmingCharacters(in: .whitespaces).lowercased()
        guard s.hasPrefix("#") else { return nil }
        let parts = s.dropFirst().split(separator: "+").map(String.init)
        guard let tag = parts.first, !tag.isEmpty else { return nil }
        self.init(tag: tag, attributes: Array(parts.dropFirst()))
    }
}
