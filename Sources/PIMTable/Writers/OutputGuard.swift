import Foundation

/// What an output file must never replace: a pim workspace's own files, any SQLite database or journal, and
/// the file being read. A report written over the workspace's database destroys every dataset, version and
/// audit event in it; a report written over its input destroys the data it reports on.
public enum OutputGuard {
    /// Why writing `url` is refused, or `nil` when it may be written.
    /// - Parameter inputs: the files the command reads (a report must not replace them).
    public static func refusal(writing url: URL, inputs: [URL] = []) -> String? {
        let target = url.standardizedFileURL.resolvingSymlinksInPath()
        let folder = target.deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("pim.sqlite").path) {
            return "\(folder.path) is a pim workspace's data folder (it holds pim.sqlite); write outputs elsewhere"
        }
        for input in inputs where same(target, input.standardizedFileURL.resolvingSymlinksInPath()) {
            return "it is the file being read (\(input.lastPathComponent)); write the output to another file"
        }
        if let handle = FileHandle(forReadingAtPath: target.path) {
            defer { try? handle.close() }
            let head = (try? handle.read(upToCount: 16)) ?? Data()
            if head.starts(with: Array("SQLite format 3".utf8)) {
                return "\(target.lastPathComponent) is an SQLite database; it is not replaced"
            }
            // A write-ahead log starts with 0x377f0682 or 0x377f0683 (big-endian).
            if head.count >= 4, head[head.startIndex] == 0x37, head[head.startIndex + 1] == 0x7F,
                head[head.startIndex + 2] == 0x06, head[head.startIndex + 3] & 0xFE == 0x82
            {
                return "\(target.lastPathComponent) is an SQLite journal; it is not replaced"
            }
        }
        return nil
    }

    /// The same file: the same path, or the same device and inode (a hard link, another spelling).
    private static func same(_ a: URL, _ b: URL) -> Bool {
        if a.path == b.path { return true }
        guard let x = try? FileManager.default.attributesOfItem(atPath: a.path),
            let y = try? FileManager.default.attributesOfItem(atPath: b.path),
            let ix = x[.systemFileNumber] as? NSNumber, let iy = y[.systemFileNumber] as? NSNumber,
            let dx = x[.systemNumber] as? NSNumber, let dy = y[.systemNumber] as? NSNumber
        else { return false }
        return ix == iy && dx == dy
    }
}
