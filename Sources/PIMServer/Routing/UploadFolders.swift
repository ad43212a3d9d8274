import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Upload folders of servers that share no data directory (`pim serve --database URL`): several servers may
/// use one PostgreSQL database, so none may empty a common folder at start, and a server that was killed
/// never empties its own.
///
/// Each server process claims a folder of its own below one parent (`$TMPDIR/pim-uploads-<uid>`), next to a
/// lock file it holds locked (`flock`) for as long as it runs. The kernel releases the lock when the process
/// ends, however it ends, so a starting server deletes every sibling folder whose lock it can take: the
/// uploads of servers that are gone (personal data that must not stay outside the audited store). A folder
/// whose lock is held belongs to a running server and is left alone.
///
/// The lock file is created and locked under a temporary name, then renamed, so that no sweep ever sees an
/// unlocked lock file of a live server.
public final class UploadProcessFolder: Sendable {
    /// The folder this process's uploads go to (see ``UploadSettings``).
    public let directory: URL
    private let lockPath: String
    private let descriptor: Int32

    /// The parent of every process's folder: private to this user (0700), one per user.
    public static var defaultParent: URL {
        URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("pim-uploads-\(getuid())", isDirectory: true)
    }

    /// Claims a new folder below `parent` (created 0700 when missing; refused when it is another user's or a
    /// link), held until ``release()`` or the end of the process.
    public init(parent: URL = UploadProcessFolder.defaultParent) throws {
        try UploadSettings.preparePrivateDirectory(parent)
        let name = UUID().uuidString.lowercased()
        let temporary = parent.appendingPathComponent(".\(name).claiming").path
        let fd = open(temporary, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw UploadSettings.notWritable }
        let lock = parent.appendingPathComponent("\(name).lock").path
        guard flock(fd, LOCK_EX | LOCK_NB) == 0, rename(temporary, lock) == 0 else {
            close(fd)
            unlink(temporary)
            throw UploadSettings.notWritable
        }
        let dir = parent.appendingPathComponent(name, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            unlink(lock)
            close(fd)
            throw UploadSettings.notWritable
        }
        directory = dir
        lockPath = lock
        descriptor = fd
    }

    /// Deletes the folder and its lock (at shutdown).
    public func release() {
        try? FileManager.default.removeItem(at: directory)
        unlink(lockPath)
        close(descriptor)
    }

    /// Deletes the folders below `parent` whose server is gone (their lock can be taken), and any folder
    /// without a lock file (a server claims its lock before its folder), and returns how many. Folders of
    /// running servers stay.
    @discardableResult
    public static func discardAbandoned(in parent: URL = UploadProcessFolder.defaultParent) -> Int {
        let fm = FileManager.default
        guard let attributes = try? fm.attributesOfItem(atPath: parent.path),
              attributes[.type] as? FileAttributeType == .typeDirectory,
              (attributes[.ownerAccountID] as? NSNumber)?.uint32Value == getuid(),
              let names = try? fm.contentsOfDirectory(atPath: parent.path)
        else { return 0 }
        var removed = 0
        let locks = Set(names.filter { $0.hasSuffix(".lock") }.map { String($0.dropLast(5)) })
        for name in locks.sorted() {
            let lock = parent.appendingPathComponent("\(name).lock").path
            let fd = open(lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            let dir = parent.appendingPathComponent(name, isDirectory: true)
            if fm.fileExists(atPath: dir.path) {
                guard (try? fm.removeItem(at: dir)) != nil else { continue }
                removed += 1
            }
            unlink(lock)
        }
        // A claim a server did not finish (killed between creating and renaming its lock).
        for name in names where name.hasPrefix(".") && name.hasSuffix(".claiming") {
            let path = parent.appendingPathComponent(name).path
            let fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { unlink(path) }
            close(fd)
        }
        for name in names where !name.hasPrefix(".") && !name.hasSuffix(".lock") && !locks.contains(name) {
            var isDirectory: ObjCBool = false
            let url = parent.appendingPathComponent(name, isDirectory: true)
            guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            if (try? fm.removeItem(at: url)) != nil { removed += 1 }
        }
        return removed
    }
}
