import Foundation
import ZIPFoundation

/// Reads the parts of an XLSX package with ZIPFoundation, enforcing the zip-bomb limits.
struct XLSXArchiveReader {
    let file: String
    private let archive: Archive
    private let entries: [String: Entry]
    private let options: XLSXReadOptions
    private var totalRead = 0

    /// Opens `url`, telling an empty file, a non-zip file and a damaged zip apart.
    init(url: URL, options: XLSXReadOptions) throws(XLSXError) {
        let file = url.lastPathComponent
        self.file = file
        self.options = options
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw .unreadable(file: file) }
        let head = (try? handle.read(upToCount: 4)) ?? nil
        try? handle.close()
        guard let head, !head.isEmpty else { throw .emptyFile(file: file) }
        guard head.count == 4, Array(head) == [0x50, 0x4B, 0x03, 0x04] else { throw .notAZipArchive(file: file) }
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read, pathEncoding: nil)
        } catch {
            throw .corruptPart(file: file, part: "the zip directory")
        }
        self.archive = archive
        var entries: [String: Entry] = [:]
        for entry in archive where entry.type == .file {
            entries[entry.path.lowercased()] = entry
        }
        self.entries = entries
    }

    /// Whether the package has a part at `path` (compared case-insensitively).
    func contains(_ path: String) -> Bool { entries[path.lowercased()] != nil }

    /// The bytes of the part at `path`, or nil if the package has no such part.
    /// - Throws: a limit error, or ``XLSXError/corruptPart(file:part:)`` if it cannot be inflated.
    mutating func read(_ path: String) throws(XLSXError) -> [UInt8]? {
        guard let entry = entries[path.lowercased()] else { return nil }
        let declared = Int(clamping: entry.uncompressedSize)
        let compressed = Int(clamping: entry.compressedSize)
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
        var bytes: [UInt8] = []
        bytes.reserveCapacity(declared)
        let partLimit = min(options.maxPartSize, options.maxTotalSize - totalRead)
        let file = self.file
        let maxPart = options.maxPartSize
        let maxTotal = options.maxTotalSize
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: false) { chunk in
                // Declared sizes can lie: count what really comes out.
                if bytes.count + chunk.count > partLimit {
                    if partLimit < maxPart { throw XLSXError.workbookTooLarge(file: file, limit: maxTotal) }
                    throw XLSXError.partTooLarge(file: file, part: path, limit: maxPart)
                }
                bytes.append(contentsOf: chunk)
            }
        } catch let error as XLSXError {
            throw error
        } catch {
            throw .corruptPart(file: file, part: path)
        }
        totalRead += bytes.count
        return bytes
    }
}
