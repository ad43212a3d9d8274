import Foundation

/// One lexical item of an XML part, as byte ranges into the part's buffer.
enum XLSXXMLToken {
    case start(name: Range<Int>, attributes: Range<Int>, selfClosing: Bool)
    case end(name: Range<Int>)
    case text(Range<Int>)
    case cdata(Range<Int>)
}

/// Why the tokenizer stopped.
enum XLSXXMLScanError: Error {
    case problem(XLSXXMLProblem)
    case documentType
    case cell(reference: String, problem: XLSXCellProblem)

    func error(file: String, part: String) -> XLSXError {
        switch self {
        case .problem(let p): .malformedXML(file: file, part: part, problem: p)
        case .documentType: .documentTypeDeclaration(file: file, part: part)
        case .cell(let r, let p): .invalidCell(file: file, cell: r, problem: p)
        }
    }
}

/// Runs `body` with a tokenizer over `bytes`, turning scan errors into ``XLSXError``s that name the part.
func withXLSXTokenizer<R>(
    _ bytes: [UInt8],
    file: String,
    part: String,
    _ body: (inout XLSXXMLTokenizer) throws(XLSXXMLScanError) -> R
) throws(XLSXError) -> R {
    let result: Result<R, XLSXXMLScanError> = bytes.withUnsafeBufferPointer { buffer in
        var tokenizer = XLSXXMLTokenizer(buffer)
        do throws(XLSXXMLScanError) {
            return .success(try body(&tokenizer))
        } catch {
            return .failure(error)
        }
    }
    switch result {
    case .success(let r): return r
    case .failure(let e): throw e.error(file: file, part: part)
    }
}

/// A minimal pull tokenizer over UTF-8 XML bytes, enough for SpreadsheetML parts.
///
/// It never builds a tree and never expands entities other than the five predefined ones and character
/// references: any `<!DOCTYPE` or `<!ENTITY` stops it, so entity-expansion attacks cannot start. Element
/// names are compared by their local part, so `<x:c>` and `<c>` are the same element. The buffer must
/// outlive the tokenizer (use it only inside `withUnsafeBufferPointer`).
struct XLSXXMLTokenizer {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        // Skip a UTF-8 byte order mark.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// The next token, or nil at the end of the buffer.
    mutating func next() throws(XLSXXMLScanError) -> XLSXXMLToken? {
        let n = bytes.count
        while position < n {
            if bytes[position] != UInt8(ascii: "<") {
                let start = position
                position = find(UInt8(ascii: "<"), from: position) ?? n
                return .text(start..<position)
            }
            guard position + 1 < n else { throw .problem(.unterminatedTag) }
            let c = bytes[position + 1]
            if c == UInt8(ascii: "/") {
                let nameStart = position + 2
                var i = nameStart
                while i < n, !isNameEnd(bytes[i]) { i += 1 }
                guard let gt = find(UInt8(ascii: ">"), from: i) else { throw .problem(.unterminatedTag) }
                position = gt + 1
                return .end(name: localName(nameStart..<i))
            }
            if c == UInt8(ascii: "?") {
                guard let end = find(sequence: "?>", from: position + 2) else { throw .problem(.unterminatedTag) }
                position = end + 2
                continue
            }
            if c == UInt8(ascii: "!") {
                if hasPrefix("<!--", at: position) {
                    guard let end = find(sequence: "-->", from: position + 4) else {
                        throw .problem(.unterminatedComment)
                    }
                    position = end + 3
                    continue
                }
                if hasPrefix("<![CDATA[", at: position) {
                    let start = position + 9
                    guard let end = find(sequence: "]]>", from: start) else { throw .problem(.unterminatedComment) }
                    position = end + 3
                    return .cdata(start..<end)
                }
                throw .documentType
            }
            let nameStart = position + 1
            var i = nameStart
            while i < n, !isNameEnd(bytes[i]) { i += 1 }
            let nameEnd = i
            // Find the closing '>' outside quoted attribute values.
            var quote: UInt8 = 0
            while i < n {
                let b = bytes[i]
                if quote != 0 {
                    if b == quote { quote = 0 }
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    quote = b
                } else if b == UInt8(ascii: ">") {
                    break
                } else if b == UInt8(ascii: "<") {
                    throw .problem(.unterminatedTag)
                }
                i += 1
            }
            guard i < n, nameEnd > nameStart else { throw .problem(.unterminatedTag) }
            let selfClosing = bytes[i - 1] == UInt8(ascii: "/") && i - 1 >= nameEnd
            position = i + 1
            return .start(
                name: localName(nameStart..<nameEnd),
                attributes: nameEnd..<(selfClosing ? i - 1 : i),
                selfClosing: selfClosing
            )
        }
        return nil
    }

    // MARK: - Names and attributes

    /// Whether the bytes in `range` spell `name`.
    @inline(__always)
    func matches(_ range: Range<Int>, _ name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        let p = name.utf8Start
        var j = 0
        for i in range {
            if bytes[i] != p[j] { return false }
            j += 1
        }
        return true
    }

    /// Calls `body` with each attribute's local name and raw value range.
    func forEachAttribute(
        in range: Range<Int>,
        _ body: (_ name: Range<Int>, _ value: Range<Int>) -> Void
    ) throws(XLSXXMLScanError) {
        var i = range.lowerBound
        let end = range.upperBound
        while true {
            while i < end, isSpace(bytes[i]) { i += 1 }
            if i >= end { return }
            let nameStart = i
            while i < end, bytes[i] != UInt8(ascii: "="), !isSpace(bytes[i]) { i += 1 }
            let nameEnd = i
            while i < end, isSpace(bytes[i]) { i += 1 }
            guard i < end, bytes[i] == UInt8(ascii: "="), nameEnd > nameStart else { throw .problem(.badAttribute) }
            i += 1
            while i < end, isSpace(bytes[i]) { i += 1 }
            guard i < end, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                throw .problem(.badAttribute)
            }
            let quote = bytes[i]
            i += 1
            let valueStart = i
            while i < end, bytes[i] != quote { i += 1 }
            guard i < end else { throw .problem(.badAttribute) }
            body(localName(nameStart..<nameEnd), valueStart..<i)
            i += 1
        }
    }

    /// The range without a namespace prefix (`x:c` → `c`).
    @inline(__always)
    func localName(_ range: Range<Int>) -> Range<Int> {
        var i = range.upperBound
        while i > range.lowerBound {
            if bytes[i - 1] == UInt8(ascii: ":") { return i..<range.upperBound }
            i -= 1
        }
        return range
    }

    /// The raw bytes of `range` spelled as a prefixed name, e.g. to tell `r:id` from `id`.
    func hasPrefixedName(_ range: Range<Int>) -> Bool {
        range.lowerBound > 0 && bytes[range.lowerBound - 1] == UInt8(ascii: ":")
    }

    // MARK: - Byte search

    @inline(__always)
    private func isNameEnd(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ">") || b == UInt8(ascii: "/") || isSpace(b)
    }

    @inline(__always)
    func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }

    @inline(__always)
    func find(_ byte: UInt8, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let hit = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - base
    }

    private func hasPrefix(_ s: StaticString, at i: Int) -> Bool {
        let m = s.utf8CodeUnitCount
        guard i + m <= bytes.count else { return false }
        let p = s.utf8Start
        for j in 0..<m where bytes[i + j] != p[j] { return false }
        return true
    }

    private func find(sequence s: StaticString, from start: Int) -> Int? {
        let first = s.utf8Start[0]
        var i = start
        while let hit = find(first, from: i) {
            if hasPrefix(s, at: hit) { return hit }
            i = hit + 1
        }
        return nil
    }
}
