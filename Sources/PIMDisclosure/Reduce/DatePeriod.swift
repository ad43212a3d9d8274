import PIMTable

/// A calendar period that dates are generalised to.
public enum DatePeriod: String, Sendable, Hashable, Codable, CaseIterable {
    /// ISO 8601 week, labelled `yyyy-Www` (the ISO week-numbering year, e.g. `2026-W01`).
    case week
    /// Calendar month, labelled `yyyy-mm`.
    case month
    /// Calendar quarter, labelled `yyyy-Qn`.
    case quarter

    /// The label of the period containing `days` (days since 1970-01-01, proleptic Gregorian).
    public func label(days: Int32) -> String {
        switch self {
        case .month:
            let (y, m, _) = PeriodCalendar.fromDays(Int64(days))
            return PeriodCalendar.pad4(y) + "-" + PeriodCalendar.pad2(m)
        case .quarter:
            let (y, m, _) = PeriodCalendar.fromDays(Int64(days))
            return PeriodCalendar.pad4(y) + "-Q" + String((m - 1) / 3 + 1)
        case .week:
            let (y, w) = PeriodCalendar.isoWeek(days: Int64(days))
            return PeriodCalendar.pad4(y) + "-W" + PeriodCalendar.pad2(w)
        }
    }
}

/// Period labels over PIMTable's ``CivilDate`` arithmetic (days since 1970-01-01).
enum PeriodCalendar {
    static func fromDays(_ z: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let (y, m, d) = CivilDate.civil(days: Int(z))
        return (Int64(y), Int64(m), Int64(d))
    }

    static func toDays(year y: Int64, month m: Int64, day d: Int64) -> Int64 {
        Int64(CivilDate.days(year: Int(y), month: Int(m), day: Int(d)))
    }

    /// ISO 8601 week-numbering year and week of `days`.
    static func isoWeek(days: Int64) -> (year: Int64, week: Int64) {
        // 1970-01-01 was a Thursday; ISO weekday Monday = 1 ... Sunday = 7.
        let weekday = ((days + 3) % 7 + 7) % 7 + 1
        let thursday = days - weekday + 4
        let year = fromDays(thursday).year
        let dayOfYear = thursday - toDays(year: year, month: 1, day: 1)
        return (year, dayOfYear / 7 + 1)
    }

    /// Parses `yyyy-mm-dd` (optionally followed by a time, which is ignored) into days since 1970-01-01.
    static func parse(_ s: String) -> Int32? {
        let u = Array(s.utf8.prefix(10))
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r {
                guard u[i] >= 48 && u[i] <= 57 else { return nil }
                v = v * 10 + Int64(u[i] - 48)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m), d >= 1 else { return nil }
        let days = toDays(year: y, month: m, day: d)
        guard fromDays(days).month == m else { return nil }  // rejects 2026-02-30
        return Int32(exactly: days)
    }

    static func pad2(_ n: Int64) -> String { n < 10 ? "0\(n)" : String(n) }
    static func pad4(_ n: Int64) -> String {
        let s = String(n)
        return n >= 0 && s.count < 4 ? String(repeating: "0", count: 4 - s.count) + s : s
    }
}
