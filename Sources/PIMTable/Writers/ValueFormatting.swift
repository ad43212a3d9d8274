/// How writers print values: integers plain, decimals in the shortest form that reads back to the same
/// `Double`, dates ISO `yyyy-mm-dd`, booleans `true`/`false`, null empty.
///
/// Non-finite decimals (NaN, infinity) have no portable text form and are written as null.
public enum ValueFormatting {
    /// The text for `value`; `nil` for null.
    public static func text(_ value: Value) -> String? {
        switch value {
        case .null: nil
        case .integer(let v): String(v)
        case .decimal(let d): decimal(d)
        case .date(let days): date(days)
        case .boolean(let b): b ? "true" : "false"
        case .text(let s): s
        }
    }

    /// Shortest round-trip form (`1.5`, `5.0`, `1e-05`), or `nil` when not finite.
    public static func decimal(_ d: Double) -> String? { d.isFinite ? d.description : nil }

    /// `yyyy-mm-dd` for days since 1970-01-01.
    public static func date(_ days: Int32) -> String {
        let (y, m, d) = CivilDate.civil(days: Int(days))
        let year = y >= 0 && y < 10000 ? pad(y, 4) : String(y)
        return year + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Appends the decimal digits of `v` to `out` without creating a `String`.
    @inline(__always)
    static func appendInteger(_ v: Int64, to out: inout [UInt8]) {
        var magnitude = v.magnitude
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch
        let count = withUnsafeMutableBytes(of: &digits) { buf -> Int in
            var k = 0
            repeat {
                buf[23 - k] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 48
                magnitude /= 10
                k += 1
            } while magnitude > 0
            out.append(contentsOf: buf[(24 - k)...])
            return k
        }
        _ = count
    }
}
