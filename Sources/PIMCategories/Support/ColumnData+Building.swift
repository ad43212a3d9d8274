import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

extension ColumnData {
    /// A dictionary-encoded text column; nil is null.
    static func textColumn(_ values: [String?]) -> ColumnData { textFromLabels(count: values.count) { values[$0] } }

    static func integerColumn(_ values: [Int?]) -> ColumnData {
        var nulls = NullMask()
        for (i, v) in values.enumerated() where v == nil { nulls.setNull(i) }
        return .integer(values: values.map { Int64($0 ?? 0) }, nulls: nulls)
    }

    static func decimalColumn(_ values: [Double?]) -> ColumnData {
        var nulls = NullMask()
        for (i, v) in values.enumerated() where v == nil { nulls.setNull(i) }
        return .decimal(values: values.map { $0 ?? 0 }, nulls: nulls)
    }

    static func dateColumn(_ values: [Int32?]) -> ColumnData {
        var nulls = NullMask()
        for (i, v) in values.enumerated() where v == nil { nulls.setNull(i) }
        return .date(days: values.map { $0 ?? 0 }, nulls: nulls)
    }
}

extension Table {
    /// The cells of column `name` as text (numbers and dates formatted, `yyyy-mm-dd` for dates); nil when null.
    /// - Throws: ``CategoryDataError/missingColumn(_:)``.
    func texts(_ name: String) throws(CategoryDataError) -> [String?] {
        guard let c = self[name] else { throw .missingColumn(name) }
        switch c.data {
        case .text(let codes, let dict):
            return codes.map { $0 < 0 ? nil : Self.blankToNil(dict[Int($0)]) }
        case .date(let d, let n): return d.indices.map { n.isNull($0) ? nil : CivilDays.iso(d[$0]) }
        case .integer(let v, let n): return v.indices.map { n.isNull($0) ? nil : String(v[$0]) }
        case .decimal(let v, let n): return v.indices.map { n.isNull($0) ? nil : String(v[$0]) }
        case .boolean(let v, let n): return v.indices.map { n.isNull($0) ? nil : (v[$0] ? "yes" : "no") }
        }
    }

    /// The cells of column `name` as numbers; nil when null or not a number.
    func numbers(_ name: String) throws(CategoryDataError) -> [Double?] {
        guard let c = self[name] else { throw .missingColumn(name) }
        switch c.data {
        case .integer(let v, let n): return v.indices.map { n.isNull($0) ? nil : Double(v[$0]) }
        case .decimal(let v, let n): return v.indices.map { n.isNull($0) || !v[$0].isFinite ? nil : v[$0] }
        case .text(let codes, let dict):
            // "nan" and "inf" parse as Double but are no figures.
            return codes.map { c in
                guard c >= 0, let d = Double(dict[Int(c)].trimmingCharacters(in: .whitespaces)), d.isFinite else { return nil }
                return d
            }
        case .boolean(let v, let n): return v.indices.map { n.isNull($0) ? nil : (v[$0] ? 1 : 0) }
        case .date: throw .wrongType(name, expected: "a number")
        }
    }

    /// The cells of column `name` as counts of persons or incidents: whole numbers from 0 to
    /// ``TemplateField/maximumCount`` (decimals are rounded); nil when null or not a number.
    ///
    /// Bounding each count keeps every sum the outputs form exact in `Int64` (see ``Int64/adding(_:in:)``).
    /// - Throws: ``CategoryDataError/countOutOfRange(column:row:limit:)`` naming the first row outside the
    ///   range (the value itself is not quoted).
    func counts(_ name: String) throws(CategoryDataError) -> [Int64?] {
        let values = try numbers(name)
        var out = [Int64?](repeating: nil, count: values.count)
        for (r, v) in values.enumerated() {
            guard let v else { continue }
            let rounded = v.rounded()
            guard rounded >= 0, rounded <= Double(TemplateField.maximumCount), let n = Int64(exactly: rounded) else {
                throw .countOutOfRange(column: name, row: r + 1, limit: TemplateField.maximumCount)
            }
            out[r] = n
        }
        return out
    }

    /// The cells of column `name` as days since 1970-01-01; nil when null or not a `yyyy-mm-dd` date.
    func days(_ name: String) throws(CategoryDataError) -> [Int32?] {
        guard let c = self[name] else { throw .missingColumn(name) }
        switch c.data {
        case .date(let d, let n): return d.indices.map { n.isNull($0) ? nil : d[$0] }
        case .text(let codes, let dict):
            return codes.map { $0 < 0 ? nil : CivilDays.parseISO(String(dict[Int($0)].prefix(10))) }
        default: throw .wrongType(name, expected: "a date")
        }
    }

    private static func blankToNil(_ s: String) -> String? {
        let t = s.trimmingCharacters(in: .whitespaces)
        return t.isEmpty ? nil : t
    }
}

/// Why a table cannot feed a category output.
public enum CategoryDataError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingColumn(String)
    case wrongType(String, expected: String)
    case noTemplate(category: String)
    case noRows
    case disclosure(String)
    /// A count in `column`, data row `row` (1-based), is negative or above `limit`.
    case countOutOfRange(column: String, row: Int, limit: Int64)
    /// A total formed from `column` does not fit a 64-bit integer.
    case sumOverflow(column: String)
    /// A shareable output was asked for with a smallest cell below the sharing policy's floor.
    case minimumCellBelowPolicy(requested: Int, floor: Int)
    /// Consent to reporting was withdrawn for some records, but the dataset has no record id field to match
    /// the decisions to, so a shareable output cannot leave those records out.
    case consentUnmatched
    /// Every record was left out because its consent to reporting was withdrawn or refused (QA11 C25).
    case nothingLeftAfterConsent(leftOut: Int)
    /// No record is dated on or before the reference date asked for.
    case nothingByReferenceDate(String)
    /// A sampling weight in data row `row` (1-based) is not a finite number from 0 to `limit`.
    case weightOutOfRange(row: Int, limit: Int64)
    /// The dates of `column` are further apart than a trend covers (``TrendPeriod/maximumSpanDays``): data rows
    /// `firstRow` and `lastRow` (1-based) hold the earliest and latest, months `first` and `last`.
    case dateSpanTooLong(column: String, firstRow: Int, lastRow: Int, first: String, last: String)

    public var description: String {
        switch self {
        case .missingColumn(let c):
            "The table has no column \"\(c)\"; use the category's template (`pim template CATEGORY`) for the column names."
        case .wrongType(let c, let e): "Column \"\(c)\" should hold \(e)."
        case .noTemplate(let c): "There is no template for the category \"\(c)\"."
        case .noRows: "The table has no rows to analyse."
        case .disclosure(let why): "Disclosure control failed: \(why)."
        case .countOutOfRange(let c, let r, let limit):
            "Column \"\(c)\", data row \(r): a count must be a whole number from 0 to \(limit); correct the value and import again."
        case .sumOverflow(let c): "The total of column \"\(c)\" is too large to compute exactly; check the column's values."
        case .minimumCellBelowPolicy(let requested, let floor):
            "A shareable output cannot publish cells below \(floor) (asked for \(requested)): the sharing policy's smallest cell is \(floor); use --min-cell \(floor) or more, or the internal output."
        case .weightOutOfRange(let r, let limit):
            "Column \"weight\", data row \(r): a sampling weight must be a finite number from 0 to \(limit) (households represented); correct the value and import again."
        case .dateSpanTooLong(let c, let r1, let r2, let first, let last):
            "Column \"\(c)\" spans from \(first) (data row \(r1)) to \(last)\(r2 == r1 ? "" : " (data row \(r2))"): more than "
                + "\(TrendPeriod.maximumSpanDays / 365) years, which no trend covers; a date is probably mistyped. Correct it and import "
                + "again (a schema's minimum and maximum for the field make pim validate find such dates)."
        case .nothingLeftAfterConsent(let n):
            "Nothing to share: all \(n) records were left out because their consent to reporting was withdrawn or refused."
        case .nothingByReferenceDate(let day):
            "No record is dated on or before \(day), so a table as of that day would be empty; give a later --as-of."
        case .consentUnmatched:
            "Consent to reporting was withdrawn for some records, but the dataset has no record id field (record_id, or a direct identifier) to match the decisions to, so no shareable output can leave them out; import the data with its record ids."
        }
    }
}

extension Int64 {
    /// `self + other`, or ``CategoryDataError/sumOverflow(column:)`` naming `column` when the sum does not fit.
    func adding(_ other: Int64, in column: String) throws(CategoryDataError) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard !overflow else { throw .sumOverflow(column: column) }
        return sum
    }
}

extension [Int64] {
    /// The exact sum, or ``CategoryDataError/sumOverflow(column:)`` naming `column`.
    func total(in column: String) throws(CategoryDataError) -> Int64 {
        var sum: Int64 = 0
        for v in self { sum = try sum.adding(v, in: column) }
        return sum
    }
}
