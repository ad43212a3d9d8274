import Foundation
import ZIPFoundation

/// Reads the parts of an XLSX package, enforcing the zip-bomb limits.
///
/// The zip's central directory is parsed here (it is small and fixed-format) and each part's bytes are
/// sliced from the file held in memory, bounds-checked, then inflated with ZIPFoundation's `decompress`
/// fed by a provider that refuses to read past the part's compressed size. ZIPFoundation's own
/// `extract` keeps asking for input at end of file when a damaged deflate stream never ends, which
/// loops forever; a hostile or truncated workbook must give an error instead.
struct XLSXArchiveReader {
    struct Part {
        var method: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    let file: String
    private let bytes: [UInt8]
    private let entries: [String: Part]
    private let options: XLSXReadOptions
    private var totalRead = 0

    /// Opens `url`, telling an empty file, a non-zip file and a damaged zip apart.
    init(url: URL, options: XLSXReadOptions) throws(XLSXError) {
        let file = url.lastPathComponent
        self.file = file
        self.options = options
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .unreadable(file: file) }
        guard !data.isEmpty else { throw .emptyFile(file: file) }
        let bytes = [UInt8](data)
        guard bytes.count >= 4, Array(bytes[0..<4]) == [0x50, 0x4B, 0x03, 0x04] else { throw .notAZipArchive(file: file) }
        self.bytes = bytes
        guard let parts = Self.centralDirectory(bytes) else { throw .corruptPart(file: file, part: "the zip directory") }
        entries = parts
    }

    /// Whether the package has a part at `path` (compared case-insensitively).
    func contains(_ path: String) -> Bool { entries[path.lowercased()] != nil }

    /// The bytes of the part at `path`, or nil if the package has no such part.
    /// - Throws: a limit error, or ``XLSXError/corruptPart(file:part:)`` if it cannot be inflated.
    mutating func read(_ path: String) throws(XLSXError) -> [UInt8]? {
        guard let part = entries[path.lowercased()] else { return nil }
        let declared = part.uncompressedSize
        let compressed = part.compressedSize
        guard declared <= options.maxPartSize else {
            throw .partTooLarge(file: file, part: path, limit: options.maxPartSize)
        }
        guard totalRead + declared <= options.maxTotalSize else {
            throw .workbookTooLarge(file: file, limit: options.maxTotalSize)
        }
        if declared >= options.ratioCheckThreshold {
            let ratio = declared / max(compressed, 1)
            if ratio > options.maxCompressionRatio {
                throw .suspiciousCompression(file: file, part: path, ratio: ratio)
            }
        }
        guard let range = dataRange(of: part) else { throw .corruptPart(file: file, part: path) }
        let out: [UInt8]
        switch part.method {
        case 0:
            out = Array(bytes[range])
        case 8:
            out = try inflate(range, part: path, declared: declared)
        default:
            throw .corruptPart(file: file, part: path)
        }
        guard out.count == declared, Self.crc32(out) == part.crc32 else { throw .corruptPart(file: file, part: path) }
        totalRead += out.count
        return out
    }

    /// Where a part's compressed bytes lie, checked against the file's bounds.
    private func dataRange(of part: Part) -> Range<Int>? {
        let h = part.localHeaderOffset
        guard h >= 0, h + 30 <= bytes.count, Self.u32(bytes, h) == 0x0403_4B50 else { return nil }
        let start = h + 30 + Int(Self.u16(bytes, h + 26)) + Int(Self.u16(bytes, h + 28))
        let end = start + part.compressedSize
        guard start <= end, end <= bytes.count else { return nil }
        return start..<end
    }

    /// Inflates a part, stopping as soon as more comes out than the archive declared (`declared`, which the
    /// limits were checked against): a part whose sizes lie is refused before it can fill memory.
    private func inflate(_ range: Range<Int>, part path: String, declared: Int) throws(XLSXError) -> [UInt8] {
        var out: [UInt8] = []
        let limit = min(options.maxPartSize, options.maxTotalSize - totalRead)
        let (file, maxPart, maxTotal) = (self.file, options.maxPartSize, options.maxTotalSize)
        let source = bytes
        do {
            _ = try Data.decompress(size: Int64(range.count), bufferSize: 1 << 16, skipCRC32: true, provider: { position, size in
                let from = range.lowerBound + Int(position)
                // No more input while the deflate stream has not ended: the part is truncated or damaged.
                guard from < range.upperBound else { throw XLSXError.corruptPart(file: file, part: path) }
                // ZIPFoundation tells zlib the chunk holds `size` bytes whatever its length, so always hand
                // over exactly that many: the real bytes, then zeros (the next request then fails above).
                var chunk = Data(source[from..<min(range.upperBound, from + size)])
                if chunk.count < size { chunk.append(Data(count: size - chunk.count)) }
                return chunk
            }, consumer: { chunk in
                // Declared sizes can lie: count what really comes out, and stop at the first byte beyond.
                if out.count + chunk.count > declared { throw XLSXError.corruptPart(file: file, part: path) }
                if out.count + chunk.count > limit {
                    if limit < maxPart { throw XLSXError.workbookTooLarge(file: file, limit: maxTotal) }
                    throw XLSXError.partTooLarge(file: file, part: path, limit: maxPart)
                }
                out.append(contentsOf: chunk)
            })
        } catch let error as XLSXError {
            throw error
        } catch {
            throw .corruptPart(file: file, part: path)
        }
        return out
    }

    // MARK: - Zip structures

    /// Parses the end-of-central-directory record and the central directory. Nil when damaged.
    static func centralDirectory(_ b: [UInt8]) -> [String: Part]? {
        guard b.count >= 22 else { return nil }
        var eocd = -1
        var i = b.count - 22
        let lowest = max(0, b.count - 22 - 65_535)
        while i >= lowest {
            if u32(b, i) == 0x0605_4B50 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { return nil }
        let count = Int(u16(b, eocd + 10))
        let size = Int(u32(b, eocd + 12))
        var p = Int(u32(b, eocd + 16))
        guard p >= 0, p + size <= b.count else { return nil }
        var parts: [String: Part] = [:]
        for _ in 0..<count {
            guard p + 46 <= b.count, u32(b, p) == 0x0201_4B50 else { return nil }
            let nameLength = Int(u16(b, p + 28))
            let extraLength = Int(u16(b, p + 30))
            let commentLength = Int(u16(b, p + 32))
            guard p + 46 + nameLength <= b.count else { return nil }
            let name = String(decoding: b[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            let part = Part(method: u16(b, p + 10), crc32: u32(b, p + 16), compressedSize: Int(u32(b, p + 20)),
                            uncompressedSize: Int(u32(b, p + 24)), localHeaderOffset: Int(u32(b, p + 42)))
            // ZIP64 markers: a workbook that large is refused rather than half-read.
            if part.compressedSize == 0xFFFF_FFFF || part.uncompressedSize == 0xFFFF_FFFF || part.localHeaderOffset == 0xFFFF_FFFF {
                return nil
            }
            if !name.hasSuffix("/") { parts[name.lowercased()] = part }
            p += 46 + nameLength + extraLength + commentLength
        }
        return parts
    }

    @inline(__always) static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }

    @inline(__always) static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    /// CRC-32 (IEEE), table-driven.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
