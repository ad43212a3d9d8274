import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// Calendar periods for trend tables: months (`yyyy-mm`) and ISO weeks (labelled by their Monday, `yyyy-mm-dd`).
public enum TrendPeriod: String, Sendable, Hashable, Codable, CaseIterable {
    case month, week

    /// The first day of the period that contains `days`.
    public func start(of days: Int32) -> Int32 {
        switch self {
        case .month:
            let (y, m, _) = CivilDays.ymd(days)
            return CivilDays.days(year: y, month: m, day: 1)
        case .week:
            // 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 on Mondays.
            let offset = ((Int(days) + 3) % 7 + 7) % 7
            return days - Int32(offset)
        }
    }

    /// The start of the period after the one starting at `start`.
    public func next(_ start: Int32) -> Int32 {
        switch self {
        case .month:
            let (y, m, _) = CivilDays.ymd(start)
            return m == 12 ? CivilDays.days(year: y + 1, month: 1, day: 1) : CivilDays.days(year: y, month: m + 1, day: 1)
        case .week: return start + 7
        }
    }

    /// `yyyy-mm` for months, the Monday's `yyyy-mm-dd` for weeks.
    public func label(_ start: Int32) -> String {
        switch self {
        case .month: String(CivilDays.iso(start).prefix(7))
        case .week: CivilDays.iso(start)
        }
    }

    /// The longest span a trend table covers: 100 years. Dates further apart hold an entry error (a year typed
    /// 1026 for 2026), and a series over them would be thousands of empty periods.
    public static let maximumSpanDays: Int32 = 36_525

    /// Every period from the one containing the earliest date of `dates` (rows of column `column`; nil is no
    /// date) to the one containing `end` (default: the latest date).
    /// - Throws: ``CategoryDataError/dateSpanTooLong(column:firstRow:lastRow:first:last:)`` when they are more than
    ///   ``maximumSpanDays`` apart, naming the rows of the two dates (never dropping rows silently).
    public func range(spanning dates: [Int32?], through end: Int32? = nil, column: String) throws(CategoryDataError) -> [Int32] {
        var firstRow = -1, lastRow = -1
        for (r, d) in dates.enumerated() {
            guard let d else { continue }
            if firstRow < 0 || d < (dates[firstRow] ?? d) { firstRow = r }
            if lastRow < 0 || d > (dates[lastRow] ?? d) { lastRow = r }
        }
        guard firstRow >= 0, let first = dates[firstRow], let latest = dates[lastRow] else { return [] }
        let last = end ?? latest
        guard Int64(last) - Int64(first) <= Int64(Self.maximumSpanDays) else {
            // (The row of the date furthest from the other end: with `end` given, the earliest.)
            let lastOne = end == nil ? lastRow : firstRow
            throw .dateSpanTooLong(
                column: column, firstRow: firstRow + 1, lastRow: lastOne + 1, first: String(CivilDays.iso(first).prefix(7)),
                last: String(CivilDays.iso(last).prefix(7)))
        }
        return range(first, last)
    }

    /// Every period start from the one containing `first` to the one containing `last`, in order.
    public func range(_ first: Int32, _ last: Int32) -> [Int32] {
        var out: [Int32] = []
        var p = start(of: first)
        let end = start(of: last)
        while p <= end && out.count < 10_000 {
            out.append(p)
            p = next(p)
        }
        return out
    }
}

/// Small statistics used by the outputs, each stated so a reader can recompute it.
public enum Statistics {
    /// The median; the mean of the two middle values for an even count; nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        let m = s.count / 2
        return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
    }

    /// Mean and population standard deviation.
    public static func meanAndSD(_ values: [Double]) -> (mean: Double, sd: Double) {
        guard !values.isEmpty else { return (0, 0) }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return (mean, variance.squareRoot())
    }

    /// `part / whole × 100`, or nil when `whole` is 0.
    public static func percent(_ part: Double, of whole: Double) -> Double? { whole > 0 ? part * 100 / whole : nil }
}

extension ReportValue {
    static func pct(_ part: Double, of whole: Double) -> ReportValue {
        Statistics.percent(part, of: whole).map(ReportValue.number) ?? .missing
    }
    /// A whole number; a value no `Int` can hold stays a decimal rather than trapping.
    static func int(_ d: Double) -> ReportValue { Int(exactly: d.rounded()).map(ReportValue.integer) ?? .number(d) }
    static func int(_ n: Int64) -> ReportValue { .integer(Int(n)) }
    static func opt(_ s: String?) -> ReportValue { s.map(ReportValue.text) ?? .missing }
}

extension Dictionary where Value == Double {
    mutating func add(_ key: Key, _ v: Double) { self[key, default: 0] += v }
}
