/// Decoding of text and attribute values: predefined entities, character references, line ends and
/// SpreadsheetML's `_xHHHH_` escapes.
extension XLSXXMLTokenizer {
    /// The decoded text of `range`.
    ///
    /// Only `&amp; &lt; &gt; &quot; &apos;` and numeric character references are expanded; any other
    /// `&name;` is kept as written (custom entities are never expanded). With `ooxmlEscapes`, `_xHHHH_`
    /// becomes the character U+HHHH, as Excel writes control characters that XML cannot hold.
    func string(_ range: Range<Int>, ooxmlEscapes: Bool = false) -> String {
        var plain = true
        for i in range {
            let b = bytes[i]
            if b == UInt8(ascii: "&") || b == 0x0D || (ooxmlEscapes && b == UInt8(ascii: "_")) {
                plain = false
                break
            }
        }
        if plain { return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        append(range, to: &out, ooxmlEscapes: ooxmlEscapes)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the decoded bytes of `range` to `out` (see ``string(_:ooxmlEscapes:)``).
    func append(_ range: Range<Int>, to out: inout [UInt8], ooxmlEscapes: Bool) {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let b = bytes[i]
            if b == UInt8(ascii: "&"), let (scalar, length) = entity(at: i, end: end) {
                appendScalar(scalar, to: &out)
                i += length
            } else if b == 0x0D {
                out.append(0x0A)
                i += (i + 1 < end && bytes[i + 1] == 0x0A) ? 2 : 1
            } else if ooxmlEscapes, b == UInt8(ascii: "_"), i + 7 <= end, bytes[i + 1] == UInt8(ascii: "x"),
                bytes[i + 6] == UInt8(ascii: "_"), let v = hexValue(i + 2..<i + 6)
            {
                appendScalar(v, to: &out)
                i += 7
            } else {
                out.append(b)
                i += 1
            }
        }
    }

    /// The bytes of `range` as they stand (for CDATA sections).
    func rawString(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// The entity or character reference starting at `i`: its code point and length in bytes.
    private func entity(at i: Int, end: Int) -> (UInt32, Int)? {
        var j = i + 1
        let limit = min(end, i + 12)
        while j < limit, bytes[j] != UInt8(ascii: ";") { j += 1 }
        guard j < limit else { return nil }
        let name = i + 1..<j
        let length = j - i + 1
        if matches(name, "amp") { return (0x26, length) }
        if matches(name, "lt") { return (0x3C, length) }
        if matches(name, "gt") { return (0x3E, length) }
        if matches(name, "quot") { return (0x22, length) }
        if matches(name, "apos") { return (0x27, length) }
        guard name.count >= 2, bytes[name.lowerBound] == UInt8(ascii: "#") else { return nil }
        if bytes[name.lowerBound + 1] == UInt8(ascii: "x") || bytes[name.lowerBound + 1] == UInt8(ascii: "X") {
            guard let v = hexValue(name.lowerBound + 2..<name.upperBound) else { return nil }
            return (v, length)
        }
        guard let v = decimalValue(name.lowerBound + 1..<name.upperBound) else { return nil }
        return (v, length)
    }

    private func hexValue(_ range: Range<Int>) -> UInt32? {
        guard !range.isEmpty, range.count <= 6 else { return nil }
        var v: UInt32 = 0
        for i in range {
            let b = bytes[i]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v * 16 + UInt32(d)
        }
        return v
    }

    private func decimalValue(_ range: Range<Int>) -> UInt32? {
        guard !range.isEmpty, range.count <= 7 else { return nil }
        var v: UInt32 = 0
        for i in range {
            let b = bytes[i]
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + UInt32(b - UInt8(ascii: "0"))
        }
        return v
    }

    private func appendScalar(_ value: UInt32, to out: inout [UInt8]) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        out.append(contentsOf: UTF8.encode(scalar) ?? UTF8.EncodedScalar())
    }

    // MARK: - Numbers

    /// The integer spelled by `range` (optional sign, digits, surrounding spaces), if it is one.
    func integer(_ range: Range<Int>) -> Int? {
        var i = range.lowerBound
        var end = range.upperBound
        while i < end, isSpace(bytes[i]) { i += 1 }
        while end > i, isSpace(bytes[end - 1]) { end -= 1 }
        guard i < end, end - i <= 18 else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
            guard i < end else { return nil }
        }
        var v = 0
        while i < end {
            let b = bytes[i]
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + Int(b - UInt8(ascii: "0"))
            i += 1
        }
        return negative ? -v : v
    }

    /// The number spelled by `range`, in XML Schema `xsd:double` syntax.
    func double(_ range: Range<Int>) -> Double? {
        if let v = integer(range), v.magnitude < (1 << 53) { return Double(v) }
        let s = string(range).xlsxTrimmed
        guard !s.isEmpty, let v = Double(s), v.isFinite else { return nil }
        return v
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace.
    var xlsxTrimmed: Substring {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        return s
    }
}
