import Foundation

/// Writes a ``Table`` as JSON.
///
/// Integers and decimals are JSON numbers (non-finite decimals become null), dates `"yyyy-mm-dd"`
/// strings, booleans `true`/`false`, null `null`. ``JSONTableReader`` reads each style back.
public enum JSONTableWriter {
    public enum Style: String, Sendable, Hashable, CaseIterable {
        /// `[{"name": value, …}, …]`, keyed by column name.
        case records
        /// HXL object style: `[{"#tag+attr": value, …}, …]`, keyed by tagspec (column name when untagged
        /// or when two columns share a tagspec).
        case hxlObjects
        /// HXL array style: `[[names…], [tagspecs…], [values…], …]` (no tagspec row when no column is tagged).
        case hxlArrays
    }

    public static func bytes(_ table: Table, style: Style = .records) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + table.rowCount * max(1, table.columns.count) * 12)
        out.append(UInt8(ascii: "["))
        switch style {
        case .records, .hxlObjects:
            var keys: [[UInt8]] = []
            var used = Set<String>()
            for c in table.columns {
                var key = c.name
                if style == .hxlObjects, let t = c.tag, !used.contains(t.description) { key = t.description }
                used.insert(key)
                var k: [UInt8] = []
                appendString(key, to: &k)
                keys.append(k)
            }
            for r in 0..<table.rowCount {
                if r > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "{"))
                for (k, c) in table.columns.enumerated() {
                    if k > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: keys[k])
                    out.append(UInt8(ascii: ":"))
                    appendValue(c[r], to: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
        case .hxlArrays:
            out.append(UInt8(ascii: "["))
            for (k, c) in table.columns.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                appendString(c.name, to: &out)
            }
            out.append(UInt8(ascii: "]"))
            // The hashtag row, when any column has a tag (an empty one would read as a row of blanks).
            if table.columns.contains(where: { $0.tag != nil }) {
                out.append(contentsOf: Array(",[".utf8))
                for (k, c) in table.columns.enumerated() {
                    if k > 0 { out.append(UInt8(ascii: ",")) }
                    appendString(c.tag?.description ?? "", to: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
            for r in 0..<table.rowCount {
                out.append(contentsOf: Array(",[".utf8))
                for (k, c) in table.columns.enumerated() {
                    if k > 0 { out.append(UInt8(ascii: ",")) }
                    appendValue(c[r], to: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    public static func data(_ table: Table, style: Style = .records) -> Data { Data(bytes(table, style: style)) }

    /// Writes `table` to `url` atomically.
    public static func write(_ table: Table, style: Style = .records, to url: URL) throws(TableWriteError) {
        if let why = OutputGuard.refusal(writing: url) { throw .cannotWrite(file: url.lastPathComponent, reason: why) }
        do {
            try data(table, style: style).write(to: url, options: .atomic)
        } catch {
            throw .cannotWrite(file: url.lastPathComponent, reason: TableWriteError.reason(writing: url))
        }
    }

    static func appendValue(_ v: Value, to out: inout [UInt8]) {
        switch v {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .integer(let i): ValueFormatting.appendInteger(i, to: &out)
        case .decimal(let d):
            out.append(contentsOf: Array((ValueFormatting.decimal(d) ?? "null").utf8))
        case .date(let d): appendString(ValueFormatting.date(d), to: &out)
        case .boolean(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .text(let s): appendString(s, to: &out)
        }
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 10: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 13: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 9: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
