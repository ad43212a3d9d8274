/// The workbook-level parts the reader needs: sheet list, relationships, shared strings and styles.
struct XLSXWorkbookParts {
    struct Sheet {
        var name: String
        var relationshipID: String
        var hidden: Bool
    }

    var sheets: [Sheet] = []
    var date1904 = false

    /// Parses `xl/workbook.xml`: the `<sheet>` list and `<workbookPr date1904>`.
    static func parseWorkbook(_ bytes: [UInt8], file: String, part: String) throws(XLSXError) -> XLSXWorkbookParts {
        try withXLSXTokenizer(bytes, file: file, part: part) { (t: inout XLSXXMLTokenizer) throws(XLSXXMLScanError) in
            var result = XLSXWorkbookParts()
            while let token = try t.next() {
                guard case .start(let name, let attrs, _) = token else { continue }
                if t.matches(name, "sheet") {
                    var sheet = Sheet(name: "", relationshipID: "", hidden: false)
                    let tk = t
                    try t.forEachAttribute(in: attrs) { n, v in
                        if tk.matches(n, "name") {
                            sheet.name = tk.string(v)
                        } else if tk.matches(n, "id"), tk.hasPrefixedName(n) {
                            sheet.relationshipID = tk.string(v)
                        } else if tk.matches(n, "state") {
                            sheet.hidden = !tk.matches(v, "visible")
                        }
                    }
                    result.sheets.append(sheet)
                } else if t.matches(name, "workbookPr") {
                    let tk = t
                    try t.forEachAttribute(in: attrs) { n, v in
                        if tk.matches(n, "date1904") { result.date1904 = tk.matches(v, "1") || tk.matches(v, "true") }
                    }
                }
            }
            return result
        }
    }

    /// Parses a `.rels` part into relationship id → (type, target path inside the package).
    ///
    /// Targets are resolved against `baseDirectory` (e.g. `xl/`); absolute targets start at the root.
    static func parseRelationships(
        _ bytes: [UInt8],
        baseDirectory: String,
        file: String,
        part: String
    ) throws(XLSXError) -> [String: (type: String, target: String)] {
        try withXLSXTokenizer(bytes, file: file, part: part) { (t: inout XLSXXMLTokenizer) throws(XLSXXMLScanError) in
            var result: [String: (type: String, target: String)] = [:]
            while let token = try t.next() {
                guard case .start(let name, let attrs, _) = token, t.matches(name, "Relationship") else { continue }
                var id = ""
                var type = ""
                var target = ""
                let tk = t
                try t.forEachAttribute(in: attrs) { n, v in
                    if tk.matches(n, "Id") { id = tk.string(v) }
                    else if tk.matches(n, "Type") { type = tk.string(v) }
                    else if tk.matches(n, "Target") { target = tk.string(v) }
                }
                result[id] = (type, resolve(target, against: baseDirectory))
            }
            return result
        }
    }

    /// `target` resolved against `base`, with `..` and `.` segments removed.
    static func resolve(_ target: String, against base: String) -> String {
        let joined = target.hasPrefix("/") ? String(target.dropFirst()) : base + target
        var segments: [Substring] = []
        for s in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if s == "." { continue }
            if s == ".." {
                if !segments.isEmpty { segments.removeLast() }
                continue
            }
            segments.append(s)
        }
        return segments.joined(separator: "/")
    }

    /// Parses `sharedStrings.xml`: one string per `<si>`, rich-text runs concatenated, phonetic runs skipped.
    static func parseSharedStrings(_ bytes: [UInt8], file: String, part: String) throws(XLSXError) -> [String] {
        try withXLSXTokenizer(bytes, file: file, part: part) { (t: inout XLSXXMLTokenizer) throws(XLSXXMLScanError) in
            var strings: [String] = []
            var inItem = false
            var inText = false
            var phonetic = 0
            var single: Range<Int>?
            var buffer: [UInt8] = []
            var pieces = 0
            // A part cut short would silently lose its last strings: its root must be closed.
            var closed = false
            while let token = try t.next() {
                switch token {
                case .start(let name, _, let selfClosing):
                    if t.matches(name, "sst") && selfClosing { closed = true }
                    if t.matches(name, "si") {
                        inItem = !selfClosing
                        pieces = 0
                        single = nil
                        buffer.removeAll(keepingCapacity: true)
                        if selfClosing { strings.append("") }
                    } else if t.matches(name, "t"), inItem, phonetic == 0 {
                        inText = !selfClosing
                    } else if t.matches(name, "rPh"), !selfClosing {
                        phonetic += 1
                    }
                case .end(let name):
                    if t.matches(name, "sst") { closed = true }
                    if t.matches(name, "si"), inItem {
                        inItem = false
                        if pieces == 1, let single {
                            strings.append(t.string(single, ooxmlEscapes: true))
                        } else {
                            strings.append(XLSXWorkbookParts.unescapeOOXML(buffer))
                        }
                    } else if t.matches(name, "t") {
                        inText = false
                    } else if t.matches(name, "rPh") {
                        phonetic = max(0, phonetic - 1)
                    }
                case .text(let r):
                    guard inText else { continue }
                    if pieces == 0 { single = r }
                    else if pieces == 1, let s = single { t.append(s, to: &buffer, ooxmlEscapes: false) }
                    if pieces >= 1 { t.append(r, to: &buffer, ooxmlEscapes: false) }
                    pieces += 1
                case .cdata(let r):
                    guard inText else { continue }
                    if pieces == 1, let s = single { t.append(s, to: &buffer, ooxmlEscapes: false) }
                    buffer.append(contentsOf: UnsafeBufferPointer(rebasing: t.bytes[r]))
                    pieces += 2
                }
            }
            guard closed else { throw .problem(.unclosedRoot) }
            return strings
        }
    }

    /// Decodes `_xHHHH_` escapes in already entity-decoded UTF-8 bytes.
    static func unescapeOOXML(_ bytes: [UInt8]) -> String {
        guard bytes.contains(UInt8(ascii: "_")) else { return String(decoding: bytes, as: UTF8.self) }
        return bytes.withUnsafeBufferPointer { b in
            let t = XLSXXMLTokenizer(b)
            var out: [UInt8] = []
            // Entities are already decoded; only `_x` escapes and line ends remain to handle.
            t.appendOOXMLOnly(0..<b.count, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Parses `styles.xml` into one entry per `cellXfs` entry: what its number format shows.
    static func parseDateStyles(_ bytes: [UInt8], file: String, part: String) throws(XLSXError) -> [XLSXDateFormat.Kind] {
        try withXLSXTokenizer(bytes, file: file, part: part) { (t: inout XLSXXMLTokenizer) throws(XLSXXMLScanError) in
            var customFormats: [Int: String] = [:]
            var xfFormats: [Int] = []
            var inCellXfs = false
            while let token = try t.next() {
                switch token {
                case .start(let name, let attrs, let selfClosing):
                    if t.matches(name, "numFmt") {
                        var id: Int?
                        var code: String?
                        let tk = t
                        try t.forEachAttribute(in: attrs) { n, v in
                            if tk.matches(n, "numFmtId") { id = tk.integer(v) }
                            else if tk.matches(n, "formatCode") { code = tk.string(v) }
                        }
                        if let id, let code { customFormats[id] = code }
                    } else if t.matches(name, "cellXfs") {
                        inCellXfs = !selfClosing
                    } else if t.matches(name, "xf"), inCellXfs {
                        var id = 0
                        let tk = t
                        try t.forEachAttribute(in: attrs) { n, v in
                            if tk.matches(n, "numFmtId") { id = tk.integer(v) ?? 0 }
                        }
                        xfFormats.append(id)
                    }
                case .end(let name):
                    if t.matches(name, "cellXfs") { inCellXfs = false }
                default:
                    break
                }
            }
            return xfFormats.map { XLSXDateFormat.kind(id: $0, code: customFormats[$0]) }
        }
    }
}

extension XLSXXMLTokenizer {
    /// Appends `range`, decoding only `_xHHHH_` escapes.
    func appendOOXMLOnly(_ range: Range<Int>, to out: inout [UInt8]) {
        var i = range.lowerBound
        while i < range.upperBound {
            if bytes[i] == UInt8(ascii: "_"), i + 7 <= range.upperBound, bytes[i + 1] == UInt8(ascii: "x"),
                bytes[i + 6] == UInt8(ascii: "_")
            {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[i + 2..<i + 6]), as: UTF8.self)
                if let v = UInt32(s, radix: 16) {
                    let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
                    out.append(contentsOf: UTF8.encode(scalar) ?? UTF8.EncodedScalar())
                    i += 7
                    continue
                }
            }
            out.append(bytes[i])
            i += 1
        }
    }
}
