import CPIMSIMD

/// Finding a byte buffer's encoding and converting it to UTF-8.
enum TextDecoding {
    /// Whether `p[0..<n]` is valid UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
    static func isValidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i < n {
            // ASCII fast path (64 bytes at a time with AVX2).
            i += pim_ascii_prefix(p + i, n - i)
            guard i < n else { break }
            let c = p[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let len = sequenceLength(p + i, n - i)
            guard len > 0 else { return false }
            i += len
        }
        return true
    }

    /// Decodes mostly-UTF-8 bytes, replacing each invalid sequence with U+FFFD.
    /// - Returns: the UTF-8 bytes, how many sequences were replaced, and how many valid multi-byte
    ///   characters there were (to tell damaged UTF-8 from a legacy encoding).
    static func repairUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> (bytes: [UInt8], replaced: Int, multibyte: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(n)
        var replaced = 0
        var multibyte = 0
        var i = 0
        while i < n {
            let c = p[i]
            if c < 0x80 {
                out.append(c)
                i += 1
                continue
            }
            let len = sequenceLength(p + i, n - i)
            if len > 0 {
                out.append(contentsOf: UnsafeBufferPointer(start: p + i, count: len))
                multibyte += 1
                i += len
            } else {
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                replaced += 1
                i += 1
            }
        }
        return (out, replaced, multibyte)
    }

    /// The length of the valid multi-byte UTF-8 sequence at `p`, or 0 if it is not one.
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ available: Int) -> Int {
        let c = p[0]
        let len: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: len = 2
        case 0xE0:
            len = 3
            lower = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: len = 3
        case 0xED:
            len = 3
            upper = 0x9F
        case 0xF0:
            len = 4
            lower = 0x90
        case 0xF1...0xF3: len = 4
        case 0xF4:
            len = 4
            upper = 0x8F
        default: return 0
        }
        guard len <= available, p[1] >= lower, p[1] <= upper else { return 0 }
        for k in 2..<max(2, len) where p[k] & 0xC0 != 0x80 { return 0 }
        return len
    }

    /// Windows-1252 code points for bytes 0x80–0x9F (undefined bytes map to the C1 control, as Latin-1 does).
    static let cp1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// Converts Windows-1252 (and so Latin-1) bytes to UTF-8.
    static func windows1252ToUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(n + n / 8)
        for i in 0..<n {
            let b = p[i]
            if b < 0x80 {
                out.append(b)
            } else {
                let scalar = b < 0xA0 ? cp1252High[Int(b - 0x80)] : UInt32(b)
                appendUTF8(scalar, to: &out)
            }
        }
        return out
    }

    /// Converts UTF-16 (after its byte-order mark) to UTF-8, replacing unpaired surrogates with U+FFFD.
    static func utf16ToUTF8(_ p: UnsafePointer<UInt8>, _ n: Int, bigEndian: Bool) -> [UInt8] {
        var units: [UInt16] = []
        units.reserveCapacity(n / 2)
        var i = 0
        while i + 1 < n {
            units.append(bigEndian ? UInt16(p[i]) << 8 | UInt16(p[i + 1]) : UInt16(p[i + 1]) << 8 | UInt16(p[i]))
            i += 2
        }
        var out: [UInt8] = []
        out.reserveCapacity(units.count)
        var k = 0
        while k < units.count {
            let u = units[k]
            if u >= 0xD800 && u <= 0xDBFF, k + 1 < units.count, units[k + 1] >= 0xDC00, units[k + 1] <= 0xDFFF {
                let s = 0x10000 + ((UInt32(u) - 0xD800) << 10) + (UInt32(units[k + 1]) - 0xDC00)
                appendUTF8(s, to: &out)
                k += 2
                continue
            }
            appendUTF8(u >= 0xD800 && u <= 0xDFFF ? 0xFFFD : UInt32(u), to: &out)
            k += 1
        }
        return out
    }

    static func appendUTF8(_ s: UInt32, to out: inout [UInt8]) {
        switch s {
        case 0..<0x80: out.append(UInt8(s))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (s >> 6)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (s >> 12)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (s >> 18)))
            out.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        }
    }
}

extension TextDecoding {
    /// A whole buffer as UTF-8, decided as the CSV reader decides: a byte-order mark (UTF-8 or UTF-16)
    /// says what it is; valid UTF-8 stays as it is; mostly UTF-8 with a few damaged bytes stays UTF-8 with
    /// the damage replaced by U+FFFD (and said); anything else is a legacy file read as Windows-1252
    /// (and said). For readers that need the whole text at once (JSON).
    static func wholeUTF8(_ bytes: [UInt8]) -> (bytes: [UInt8], encoding: SourceEncoding, warning: ReadWarning?) {
        bytes.withUnsafeBufferPointer { b -> ([UInt8], SourceEncoding, ReadWarning?) in
            guard let p = b.baseAddress, b.count > 0 else { return (bytes, .utf8, nil) }
            let n = b.count
            if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
                let rest = Array(b[3...])
                let decoded = wholeUTF8(rest)
                return (decoded.bytes, decoded.encoding == .utf8 ? .utf8WithBOM : decoded.encoding, decoded.warning)
            }
            if n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)) {
                return (utf16ToUTF8(p + 2, n - 2, bigEndian: p[0] == 0xFE), .utf16, .convertedFromUTF16)
            }
            if isValidUTF8(p, n) { return (bytes, .utf8, nil) }
            let decoded = notUTF8(p, n)
            return (decoded.bytes, decoded.encoding, decoded.warning)
        }
    }

    /// Bytes that are not valid UTF-8, as UTF-8: mostly UTF-8 with a few damaged bytes stays UTF-8 (the
    /// damage replaced by U+FFFD); anything else is a legacy single-byte file, read as Windows-1252. With the
    /// warning that says which.
    static func notUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> (bytes: [UInt8], encoding: SourceEncoding, warning: ReadWarning) {
        let repaired = repairUTF8(p, n)
        if repaired.multibyte > repaired.replaced {
            return (repaired.bytes, .utf8, .replacedInvalidUTF8(count: repaired.replaced))
        }
        return (windows1252ToUTF8(p, n), .windows1252, .convertedFromWindows1252)
    }
}
