import Foundation
import PIMTable

/// Conversions used when a column's values must take a schema's type.
enum TextParsing {
    static func parse(_ raw: String, as type: ColumnType) -> Value? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return .null }
        switch type {
        case .text: return .text(raw)
        case .integer: return Int64(s).map(Value.integer)
        case .decimal:
            // Only numbers a double holds: not hexadecimal, not more than 17 significant digits (an account
            // number with a decimal part would be rounded), not so small that it becomes 0.
            guard !s.contains(where: { $0 == "x" || $0 == "X" }), let d = Double(s), d.isFinite else { return nil }
            let mantissa = s.prefix { $0 != "e" && $0 != "E" }.filter(\.isWholeNumber)
            let significant = mantissa.drop { $0 == "0" }.reversed().drop { $0 == "0" }
            if significant.count > 17 || (d == 0 && !significant.isEmpty) { return nil }
            return .decimal(d)
        case .boolean:
            switch s.lowercased() {
            case "true", "yes", "y", "1", "t": return .boolean(true)
            case "false", "no", "n", "0", "f": return .boolean(false)
            default: return nil
            }
        case .date: return parseDate(s).map(Value.date)
        }
    }

    /// `yyyy-mm-dd` only, as the readers infer dates: `dd/mm/yyyy` and `mm/dd/yyyy` cannot be told apart
    /// for days up to 12 (a guess would swap them silently), and a time would be dropped.
    static func parseDate(_ s: String) -> Int32? {
        let u = Array(s.utf8)
        func num(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= u.count else { return nil }
            var v = 0
            for i in r {
                guard u[i] >= 48, u[i] <= 57 else { return nil }
                v = v * 10 + Int(u[i] - 48)
            }
            return v
        }
        var y: Int?, m: Int?, d: Int?
        if u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") {
            (y, m, d) = (num(0..<4), num(5..<7), num(8..<10))
        }
        guard let y, let m, let d, (1...12).contains(m), (1...daysIn(month: m, year: y)).contains(d) else { return nil }
        return CivilDays.days(year: y, month: m, day: d)
    }

    static func daysIn(month m: Int, year y: Int) -> Int { CivilDate.daysInMonth(year: y, month: m) }

    static func convert(_ v: Value, to type: ColumnType) -> Value? {
        switch (v, type) {
        case (.null, _): return .null
        case (.integer(let i), .decimal): return .decimal(Double(i))
        case (.decimal(let d), .integer): return d.rounded() == d && abs(d) < 9e18 ? .integer(Int64(d)) : nil
        case (.integer(let i), .boolean) where i == 0 || i == 1: return .boolean(i == 1)
        case (_, .text): return .text(v.plainText)
        default: return nil
        }
    }

    static func trim(_ d: Double) -> String {
        d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }

    static func number(_ v: Value) -> Double? {
        switch v {
        case .integer(let i): Double(i)
        case .decimal(let d): d
        case .date(let d): Double(d)
        default: nil
        }
    }

    static func article(_ t: ColumnType) -> String {
        switch t {
        case .integer: "an integer"
        case .decimal: "a number"
        case .date: "a date"
        case .boolean: "true or false"
        case .text: "text"
        }
    }

    static func hint(_ t: ColumnType) -> String {
        switch t {
        case .integer: "expected a whole number such as 42"
        case .decimal: "expected a number such as 3.5"
        case .date: "expected a date as yyyy-mm-dd, e.g. 2026-03-31 (not dd/mm/yyyy, whose day and month may be read the wrong way round; a date with a time needs a text field to keep the time)"
        case .boolean: "expected true/false, yes/no or 1/0"
        case .text: "expected text"
        }
    }
}

/// Days since 1970-01-01 ↔ civil dates for the domain layer and the doors; the arithmetic is PIMTable's
/// ``CivilDate``, so every module agrees on one calendar.
public enum CivilDays {
    public static func days(year: Int, month: Int, day: Int) -> Int32 {
        Int32(truncatingIfNeeded: CivilDate.days(year: year, month: month, day: day))
    }

    public static func ymd(_ days: Int32) -> (year: Int, month: Int, day: Int) { CivilDate.civil(days: Int(days)) }

    /// The day (UTC) of `date`, in days since 1970-01-01.
    public static func day(of date: Date) -> Int32 {
        Int32(truncatingIfNeeded: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    public static func iso(_ days: Int32) -> String { ValueFormatting.date(days) }

    /// The UTC day of an instant as `yyyy-mm-dd`.
    public static func iso(_ date: Date) -> String {
        iso(Int32(truncatingIfNeeded: Int((date.timeIntervalSince1970 / 86_400).rounded(.down))))
    }

    /// Parses exactly `yyyy-mm-dd`; nil otherwise.
    public static func parseISO(_ s: String) -> Int32? {
        s.utf8.count == 10 ? TextParsing.parseDate(s) : nil
    }

    /// `yyyy-mm-dd` as the start of that day (UTC); nil otherwise.
    public static func startOfDay(iso s: String) -> Date? {
        parseISO(s).map { Date(timeIntervalSince1970: Double($0) * 86_400) }
    }
}

/// Appends typed values into column storage without copy-on-write churn (used by validation and by the
/// stores when they read rows back).
package struct TypedColumnBuilder {
    package let type: ColumnType
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var days: [Int32] = []
    private var bools: [Bool] = []
    private var codes: [Int32] = []
    private var dict: [String] = []
    private var index: [String: Int32] = [:]
    private var nulls = NullMask()
    private var count = 0

    package init(type: ColumnType, capacity: Int) {
        self.type = type
        switch type {
        case .integer: ints.reserveCapacity(capacity)
        case .decimal: doubles.reserveCapacity(capacity)
        case .date: days.reserveCapacity(capacity)
        case .boolean: bools.reserveCapacity(capacity)
        case .text: codes.reserveCapacity(capacity)
        }
    }

    package mutating func appendNull() {
        switch type {
        case .integer: ints.append(0); nulls.setNull(count)
        case .decimal: doubles.append(0); nulls.setNull(count)
        case .date: days.append(0); nulls.setNull(count)
        case .boolean: bools.append(false); nulls.setNull(count)
        case .text: codes.append(-1)
        }
        count += 1
    }

    package mutating func append(_ v: Value) {
        switch (type, v) {
        case (_, .null): appendNull(); return
        case (.integer, .integer(let x)): ints.append(x)
        case (.decimal, .decimal(let x)): doubles.append(x)
        case (.date, .date(let x)): days.append(x)
        case (.boolean, .boolean(let x)): bools.append(x)
        case (.text, .text(let s)):
            if let c = index[s] { codes.append(c) } else {
                let c = Int32(dict.count)
                dict.append(s)
                index[s] = c
                codes.append(c)
            }
        default: appendNull(); return
        }
        count += 1
    }

    package func finish() -> ColumnData {
        switch type {
        case .integer: .integer(values: ints, nulls: nulls)
        case .decimal: .decimal(values: doubles, nulls: nulls)
        case .date: .date(days: days, nulls: nulls)
        case .boolean: .boolean(values: bools, nulls: nulls)
        case .text: .text(codes: codes, dictionary: dict)
        }
    }
}

extension Value {
    /// The value as a file would write it: integers and whole decimals without a fraction, other decimals in
    /// Swift's shortest form, dates as yyyy-mm-dd, booleans as true/false, null as the empty string.
    public var plainText: String {
        switch self {
        case .null: ""
        case .integer(let i): String(i)
        case .decimal(let d): TextParsing.trim(d)
        case .date(let d): CivilDays.iso(d)
        case .boolean(let b): b ? "true" : "false"
        case .text(let s): s
        }
    }
}
