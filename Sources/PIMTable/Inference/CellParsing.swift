/// Byte-level parsers for cell values. Each takes the cell's bytes (already unquoted) and returns `nil`
/// when the bytes are not exactly that type. No `String` is created on the success path.
///
/// Accepted forms (chosen so that what the writers print reads back identically):
/// - integer: `-?[1-9][0-9]*` or `0`, fitting `Int64`. Leading zeros (`007`) are not integers, so codes
///   such as P-codes stay text; nor is a leading `+` (`+256700000001` is a phone number, and as a number
///   it would lose its `+`).
/// - decimal: an integer part (same rule, `0` allowed), optional `.digits`, optional `e[+-]digits`;
///   `.5` and `5.` are accepted; `nan`/`inf` are not.
/// - date: ISO `yyyy-mm-dd`, a real calendar day.
/// - boolean: `true`/`false` in lower, upper or title case.
enum CellParsing {
    static let zero = UInt8(ascii: "0")

    @inline(__always)
    static func integer(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        let first = p[0]
        if first == UInt8(ascii: "-") {
            negative = true
            i = 1
            guard n > 1 else { return nil }
        }
        let digits = n - i
        if p[i] == zero && digits > 1 { return nil }
        if digits > 19 { return nil }
        var v: UInt64 = 0
        while i < n {
            let d = p[i] &- zero
            guard d < 10 else { return nil }
            v = v &* 10 &+ UInt64(d)
            i += 1
        }
        if digits == 19 {
            // Up to 19 digits may overflow Int64; 19 nines fit in UInt64 so v is exact.
            if negative { return v <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- v) : nil }
            return v <= UInt64(Int64.max) ? Int64(v) : nil
        }
        return negative ? -Int64(v) : Int64(v)
    }

    /// Parses a decimal; `isIntegral` tells whether the text had neither point nor exponent.
    @inline(__always)
    static func decimal(_ p: UnsafePointer<UInt8>, _ n: Int) -> (value: Double, isIntegral: Bool)? {
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        // (No leading `+`, as for integers.)
        if p[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        }
        var mantissa: UInt64 = 0
        var significant = 0  // digits accumulated in mantissa
        var dropped = 0  // integer digits not accumulated (too many)
        var intDigits = 0
        let intStart = i
        // Significant digits written (from the first non-zero one, trailing zeros aside), to refuse a number
        // a double cannot hold: more than 17 of them.
        var written = 0
        var zeroRun = 0
        while i < n, p[i] &- zero < 10 {
            if significant < 19 {
                if mantissa != 0 || p[i] != zero { significant += 1 }
                mantissa = mantissa &* 10 &+ UInt64(p[i] &- zero)
            } else {
                dropped += 1
            }
            if written > 0 || p[i] != zero {
                written += 1
                zeroRun = p[i] == zero ? zeroRun + 1 : 0
            }
            intDigits += 1
            i += 1
        }
        if intDigits > 1 && p[intStart] == zero { return nil }
        var fracDigits = 0
        var sawPoint = false
        var scale = dropped
        if i < n && p[i] == UInt8(ascii: ".") {
            sawPoint = true
            i += 1
            while i < n, p[i] &- zero < 10 {
                if significant < 19 {
                    if mantissa != 0 || p[i] != zero { significant += 1 }
                    mantissa = mantissa &* 10 &+ UInt64(p[i] &- zero)
                    scale -= 1
                }
                if written > 0 || p[i] != zero {
                    written += 1
                    zeroRun = p[i] == zero ? zeroRun + 1 : 0
                }
                fracDigits += 1
                i += 1
            }
        }
        guard intDigits + fracDigits > 0 else { return nil }
        // 17 significant digits identify any double; a number written with more (an account number with a
        // decimal part, a coordinate to 20 places) would be rounded: it is not a decimal, and stays text.
        if written - zeroRun > 17 { return nil }
        var sawExponent = false
        if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            sawExponent = true
            i += 1
            var expNegative = false
            if i < n && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var expDigits = 0
            while i < n, p[i] &- zero < 10 {
                if e < 100_000 { e = e * 10 + Int(p[i] &- zero) }
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return nil }
            scale += expNegative ? -e : e
        }
        guard i == n else { return nil }
        let integral = !sawPoint && !sawExponent
        // Clinger's fast path: exact when the mantissa and the power of ten are both exact doubles.
        if mantissa < (1 << 53) && scale >= -22 && scale <= 22 {
            var d = Double(mantissa)
            if scale < 0 { d /= powersOfTen[-scale] } else { d *= powersOfTen[scale] }
            return (negative ? -d : d, integral)
        }
        let text = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
        guard let d = Double(text), d.isFinite else { return nil }
        return (d, integral)
    }

    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses `yyyy-mm-dd` into days since 1970-01-01.
    @inline(__always)
    static func date(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32? {
        guard n == 10, p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-") else { return nil }
        @inline(__always) func d(_ k: Int) -> Int? {
            let v = p[k] &- zero
            return v < 10 ? Int(v) : nil
        }
        guard let y0 = d(0), let y1 = d(1), let y2 = d(2), let y3 = d(3), let m0 = d(5), let m1 = d(6),
            let d0 = d(8), let d1 = d(9)
        else { return nil }
        let year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
        let month = m0 * 10 + m1
        let day = d0 * 10 + d1
        guard month >= 1, month <= 12, day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else {
            return nil
        }
        return Int32(CivilDate.days(year: year, month: month, day: day))
    }

    @inline(__always)
    static func boolean(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        @inline(__always) func matches(_ word: StaticString) -> Bool {
            guard n == word.utf8CodeUnitCount else { return false }
            let w = word.utf8Start
            // lower case, UPPER case, or Title case
            var lower = true
            var upper = true
            var title = true
            for k in 0..<n {
                let c = p[k]
                let l = w[k]
                let u = l &- 32
                if c != l { lower = false }
                if c != u { upper = false }
                if c != (k == 0 ? u : l) { title = false }
            }
            return lower || upper || title
        }
        if n == 4 && matches("true") { return true }
        if n == 5 && matches("false") { return false }
        return nil
    }

    /// The most specific type these bytes parse as.
    @inline(__always)
    static func classify(_ p: UnsafePointer<UInt8>, _ n: Int) -> ColumnType {
        // Numbers and dates start with a digit, a sign or a point, booleans with t or f: anything else
        // is text without trying each parser (identifiers and free text, most of a large dictionary).
        guard n > 0 else { return .text }
        let first = p[0] | 0x20
        guard first &- zero < 10 || first == UInt8(ascii: "-")
            || first == UInt8(ascii: ".") || first == UInt8(ascii: "t") || first == UInt8(ascii: "f")
        else { return .text }
        if integer(p, n) != nil { return .integer }
        if let d = decimal(p, n) { return d.isIntegral ? .text : .decimal }
        if date(p, n) != nil { return .date }
        if boolean(p, n) != nil { return .boolean }
        return .text
    }
}

/// Conversions between proleptic Gregorian dates and days since 1970-01-01 (Howard Hinnant's algorithms).
package enum CivilDate {
    package static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    package static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    package static func civil(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
