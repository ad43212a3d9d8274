/// Tells date formats from number formats, and converts Excel serial numbers to days since 1970.
enum XLSXDateFormat {
    /// What a number format shows of a serial number.
    enum Kind: UInt8, Sendable {
        /// A plain number.
        case number
        /// A date (a time in the serial is not shown, and not kept).
        case date
        /// A time, alone or with a date (kept, as ISO 8601 text).
        case dateTime
    }

    /// What the built-in or custom number format `id` with `code` displays.
    ///
    /// Built-in ids 14–17 are dates, 18–22 and 45–47 times (22 with a date). A custom code is a date when
    /// it contains `d`, `m`, `y` or `h` outside quoted text, backslash escapes, `[...]` brackets (colours,
    /// locales, conditions) and the `_x`/`*x` spacing directives, and shows a time when it contains `h`, `s`
    /// or an elapsed-time bracket such as `[h]`. Only the first section (before `;`) counts.
    static func kind(id: Int, code: String?) -> Kind {
        if (14...17).contains(id) { return .date }
        if (18...22).contains(id) || (45...47).contains(id) { return .dateTime }
        guard let code else { return .number }
        var date = false
        var time = false
        var inQuote = false
        var skipNext = false
        var inBracket = false
        var bracket = ""
        for ch in code {
            if skipNext {
                skipNext = false
                continue
            }
            if inQuote {
                if ch == "\"" { inQuote = false }
                continue
            }
            if inBracket {
                if ch == "]" {
                    inBracket = false
                    // Elapsed-time brackets such as [h] or [mm] are times.
                    let b = bracket.lowercased()
                    if !b.isEmpty, b.allSatisfy({ $0 == "h" || $0 == "m" || $0 == "s" }) { return .dateTime }
                    bracket = ""
                } else {
                    bracket.append(ch)
                }
                continue
            }
            switch ch {
            case "\"": inQuote = true
            case "\\", "_", "*": skipNext = true
            case "[": inBracket = true
            case ";": return time ? .dateTime : date ? .date : .number
            case "d", "D", "m", "M", "y", "Y": date = true
            case "h", "H": time = true
            case "s", "S": if date || time { time = true }
            default: break
            }
        }
        return time ? .dateTime : date ? .date : .number
    }

    /// Days since 1970-01-01 of the date part of an Excel serial number.
    ///
    /// In the 1900 system serial 1 is 1900-01-01 and Excel counts a 29 February 1900 that never
    /// existed (serial 60), so serials below 61 are shifted by one day; serial 60 reads as 1900-03-01.
    /// In the 1904 system serial 0 is 1904-01-01. Returns nil outside the range of `Int32`.
    static func days(serial: Double, date1904: Bool) -> Int32? {
        guard serial.isFinite else { return nil }
        let whole = serial.rounded(.down)
        guard abs(whole) < 1e9 else { return nil }
        var days = Int(whole)
        if date1904 {
            days -= 24_107
        } else {
            days -= days < 61 ? 25_568 : 25_569
        }
        return Int32(exactly: days)
    }

    /// The 1900-system serial number of a day (inverse of ``days(serial:date1904:)`` for whole days).
    static func serial(days: Int32) -> Int {
        let d = Int(days)
        return d < -25_508 ? d + 25_568 : d + 25_569
    }

    /// Days since 1970-01-01 of an ISO 8601 date such as `2024-03-05` or `2024-03-05T10:00:00`.
    static func days(iso: String) -> Int32? {
        let parts = iso.prefix(10).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), (1...31).contains(d), abs(y) < 100_000
        else { return nil }
        return Int32(exactly: CivilDate.days(year: y, month: m, day: d))
    }

    /// `yyyy-mm-ddTHH:MM:SS` for a serial with a time of day (to the second), `HH:MM:SS` for a time
    /// alone (a serial below 1); for a whole day nil, or midnight with `evenAtMidnight` (a format that shows
    /// the time shows 00:00, and one column then has one shape).
    static func isoDateTime(serial: Double, date1904: Bool, evenAtMidnight: Bool = false) -> String? {
        guard serial.isFinite, abs(serial) < 1e9 else { return nil }
        let whole = serial.rounded(.down)
        var seconds = Int(((serial - whole) * 86_400).rounded())
        var day = whole
        if seconds >= 86_400 {
            seconds -= 86_400
            day += 1
        }
        guard seconds > 0 || evenAtMidnight else { return nil }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let time = "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
        if whole == 0 && !date1904 { return time }
        guard let days = Self.days(serial: day, date1904: date1904) else { return nil }
        return isoString(days: days) + "T" + time
    }

    /// Whether an ISO 8601 text names a time of day other than midnight (`2024-03-05T10:00:00`).
    static func hasTimeOfDay(iso: String) -> Bool {
        let u = Array(iso.utf8)
        guard u.count > 11, u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: " ") else { return false }
        return u[11...].contains { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }
    }

    /// `yyyy-mm-dd` for days since 1970-01-01 (the calendar arithmetic lives in ``CivilDate``).
    static func isoString(days: Int32) -> String { ValueFormatting.date(days) }
}
