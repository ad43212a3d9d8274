/// A parsed JSON value that keeps numbers as their source text (so `5.0` stays a decimal and large
/// integers stay exact) and object keys in source order.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])
}

/// A small strict JSON parser (RFC 8259) over bytes, with the byte offset of the first error.
struct JSONParser {
    struct Failure: Error {
        var offset: Int
        var reason: String
    }

    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0

    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var p = JSONParser(bytes: bytes)
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { p.i = 3 }
        let v = try p.value()
        p.skipSpace()
        guard p.i == bytes.count else { throw Failure(offset: p.i, reason: "unexpected text after the JSON value") }
        return v
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func value() throws(Failure) -> JSONValue {
        skipSpace()
        guard i < bytes.count else { throw Failure(offset: i, reason: "unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try number()
        }
    }

    private mutating func literal(_ word: String, _ v: JSONValue) throws(Failure) -> JSONValue {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else {
            throw Failure(offset: i, reason: "invalid literal")
        }
        i += w.count
        return v
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let start = i
        if i < bytes.count && bytes[i] == UInt8(ascii: "-") { i += 1 }
        let digitsStart = i
        while i < bytes.count, bytes[i] &- 48 < 10 { i += 1 }
        guard i > digitsStart else { throw Failure(offset: start, reason: "invalid value") }
        if bytes[digitsStart] == 48 && i - digitsStart > 1 { throw Failure(offset: start, reason: "leading zero") }
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            i += 1
            let f = i
            while i < bytes.count, bytes[i] &- 48 < 10 { i += 1 }
            guard i > f else { throw Failure(offset: start, reason: "invalid number") }
        }
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            let e = i
            while i < bytes.count, bytes[i] &- 48 < 10 { i += 1 }
            guard i > e else { throw Failure(offset: start, reason: "invalid number") }
        }
        return .number(String(decoding: bytes[start..<i], as: UTF8.self))
    }

    private mutating func string() throws(Failure) -> String {
        let start = i
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw Failure(offset: start, reason: "unterminated string") }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                break
            }
            if c < 0x20 { throw Failure(offset: i, reason: "control character in string") }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < bytes.count else { throw Failure(offset: start, reason: "unterminated string") }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                var u = try hex4()
                if u >= 0xD800 && u <= 0xDBFF, i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"),
                    bytes[i + 1] == UInt8(ascii: "u")
                {
                    i += 2
                    let low = try hex4()
                    if low >= 0xDC00 && low <= 0xDFFF {
                        u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        TextDecoding.appendUTF8(0xFFFD, to: &out)
                        u = low
                    }
                }
                if u >= 0xD800 && u <= 0xDFFF { u = 0xFFFD }
                TextDecoding.appendUTF8(u, to: &out)
            default: throw Failure(offset: i - 1, reason: "invalid escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= bytes.count else { throw Failure(offset: i, reason: "invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw Failure(offset: i, reason: "invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private mutating func array() throws(Failure) -> JSONValue {
        depth += 1
        guard depth < 512 else { throw Failure(offset: i, reason: "nested too deeply") }
        defer { depth -= 1 }
        i += 1
        var out: [JSONValue] = []
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
            i += 1
            return .array(out)
        }
        while true {
            out.append(try value())
            skipSpace()
            guard i < bytes.count else { throw Failure(offset: i, reason: "unterminated array") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "]") else { throw Failure(offset: i, reason: "expected , or ]") }
            i += 1
            return .array(out)
        }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        depth += 1
        guard depth < 512 else { throw Failure(offset: i, reason: "nested too deeply") }
        defer { depth -= 1 }
        i += 1
        var out: [(key: String, value: JSONValue)] = []
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
            i += 1
            return .object(out)
        }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                throw Failure(offset: i, reason: "expected a key")
            }
            let k = try string()
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Failure(offset: i, reason: "expected :") }
            i += 1
            out.append((k, try value()))
            skipSpace()
            guard i < bytes.count else { throw Failure(offset: i, reason: "unterminated object") }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "}") else { throw Failure(offset: i, reason: "expected , or }") }
            i += 1
            return .object(out)
        }
    }
}
