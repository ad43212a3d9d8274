import Foundation

/// An incremental `multipart/form-data` parser (RFC 7578): bytes go in as they arrive, events come out, and
/// only a delimiter's length of bytes is held back between chunks, so a file of any size streams to disk.
struct MultipartParser {
    struct PartHeaders: Sendable, Hashable {
        var name: String
        var fileName: String?
        var contentType: String?
    }

    enum Event: Sendable, Hashable {
        case begin(PartHeaders)
        case data([UInt8])
        case end
    }

    struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        let description: String
    }

    static let maxHeaderBytes = 16 * 1024

    private enum State { case preamble, afterDelimiter, headers, body, done }

    /// `CRLF--boundary`: the body is read as if it began with CRLF, so the first delimiter matches too.
    private let delimiter: [UInt8]
    private var buffer: [UInt8] = [13, 10]
    private var state = State.preamble

    /// Nil when `contentType` is not multipart/form-data with a boundary.
    init?(contentType: String) {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        guard let b = parts.dropFirst().first(where: { $0.lowercased().hasPrefix("boundary=") }) else { return nil }
        var boundary = String(b.dropFirst("boundary=".count))
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        guard !boundary.isEmpty, boundary.utf8.count <= 200 else { return nil }
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    var isComplete: Bool { state == .done }

    mutating func feed(_ bytes: some Sequence<UInt8>, _ sink: (Event) throws -> Void) throws {
        buffer.append(contentsOf: bytes)
        var pos = 0
        loop: while true {
            switch state {
            case .preamble:
                if let i = Self.find(delimiter, in: buffer, from: pos) {
                    pos = i + delimiter.count
                    state = .afterDelimiter
                } else {
                    pos = max(pos, buffer.count - delimiter.count + 1)
                    break loop
                }
            case .afterDelimiter:
                // Transport padding (spaces, tabs) may follow a delimiter.
                while pos < buffer.count, buffer[pos] == 32 || buffer[pos] == 9 { pos += 1 }
                guard buffer.count - pos >= 2 else { break loop }
                if buffer[pos] == 45 && buffer[pos + 1] == 45 {
                    state = .done
                } else if buffer[pos] == 13 && buffer[pos + 1] == 10 {
                    state = .headers  // keep the CRLF: an empty header block is then CRLF CRLF
                } else {
                    throw ParseError(description: "a part boundary is not followed by a line break")
                }
            case .headers:
                if let i = Self.find([13, 10, 13, 10], in: buffer, from: pos) {
                    let text = String(decoding: buffer[min(pos + 2, i)..<i], as: UTF8.self)
                    try sink(.begin(try Self.parseHeaders(text)))
                    pos = i + 4
                    state = .body
                } else {
                    if buffer.count - pos > Self.maxHeaderBytes { throw ParseError(description: "a part's headers are too long") }
                    break loop
                }
            case .body:
                if let i = Self.find(delimiter, in: buffer, from: pos) {
                    if i > pos { try sink(.data(Array(buffer[pos..<i]))) }
                    try sink(.end)
                    pos = i + delimiter.count
                    state = .afterDelimiter
                } else {
                    let safe = buffer.count - (delimiter.count - 1)
                    if safe > pos {
                        try sink(.data(Array(buffer[pos..<safe])))
                        pos = safe
                    }
                    break loop
                }
            case .done:
                pos = buffer.count
                break loop
            }
        }
        buffer.removeFirst(pos)
    }

    /// Throws unless the closing delimiter was seen.
    func finish() throws {
        guard state == .done else { throw ParseError(description: "the upload ended before the form's closing boundary (interrupted?)") }
    }

    static func parseHeaders(_ text: String) throws -> PartHeaders {
        var name: String?
        var fileName: String?
        var contentType: String?
        for line in text.components(separatedBy: "\r\n") where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw ParseError(description: "a part header has no colon") }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "content-disposition":
                let params = parameters(value)
                name = params["name"]
                fileName = params["filename"].map { f in
                    // Some browsers send a full path; keep the last component only.
                    String(f.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "")
                }
            case "content-type": contentType = value
            default: continue
            }
        }
        guard let name else { throw ParseError(description: "a part has no form-data name") }
        return PartHeaders(name: name, fileName: fileName, contentType: contentType)
    }

    /// `form-data; name="file"; filename="a.csv"` → ["name": "file", "filename": "a.csv"].
    static func parameters(_ value: String) -> [String: String] {
        var out: [String: String] = [:]
        var rest = Substring(value)
        while let semi = rest.firstIndex(of: ";") {
            rest = rest[rest.index(after: semi)...].drop { $0 == " " || $0 == "\t" }
            guard let eq = rest.firstIndex(of: "=") else { break }
            let key = rest[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var after = rest[rest.index(after: eq)...]
            var v = ""
            if after.first == "\"" {
                after = after.dropFirst()
                // Browsers percent-encode `"` in file names (HTML's form encoding) and send backslashes as they are.
                let end = after.firstIndex(of: "\"") ?? after.endIndex
                v = String(after[..<end])
                rest = end < after.endIndex ? after[after.index(after: end)...] : after[after.endIndex...]
            } else {
                let stop = after.firstIndex(of: ";") ?? after.endIndex
                v = after[..<stop].trimmingCharacters(in: .whitespaces)
                rest = after[stop...]
            }
            out[key] = v
        }
        return out
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, hay.count - from >= needle.count else { return nil }
        return hay.withUnsafeBufferPointer { h -> Int? in
            needle.withUnsafeBufferPointer { n -> Int? in
                let last = h.count - n.count
                var i = from
                while i <= last {
                    guard let base = h.baseAddress, let nb = n.baseAddress,
                          let p = memchr(base + i, Int32(first), last - i + 1) else { return nil }
                    let j = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + j, nb, n.count) == 0 { return j }
                    i = j + 1
                }
                return nil
            }
        }
    }
}
