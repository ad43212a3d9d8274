/// Tells date formats from number formats, and converts Excel serial numbers to days since 1970.
enum XLSXDateFormat {
    /// Whether the built-in or custom number format `id` with `code` displays a date or time.
    ///
    /// Built-in ids 14–22 and 45–47 are dates and times. A custom code is a date when it contains
    /// `d`, `m`, `y` or `h` outside quoted text, backslash escapes, `[...]` brackets (colours, locales,
    /// conditions) and the `_x`/`*x` spacing directives. Only the first section (before `;`) counts.
    static func isDate(id: Int, code: String?) -> Bool {
        if (14...22).contains(id) || (45...47).contains(id) { return true }
        guard let code else { return false }
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
                    if !b.isEmpty, b.allSatisfy({ $0 == "h" || $0 == "m" || $0 == "s" }) { return true }
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
            case ";": return false
            case "d", "D", "m", "M", "y", "Y", "h", "H": return true
            default: break
            }
        }
        return false
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

    /// `yyyy-mm-dd` for days since 1970-01-01 (the calendar arithmetic lives in ``CivilDate``).
    static func isoString(days: Int32) -> String { ValueFormatting.date(days) }
}
