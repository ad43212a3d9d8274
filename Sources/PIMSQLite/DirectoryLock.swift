import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on `<data dir>/pim.lock`, so one process at a time writes a data directory.
///
/// Debian 12's SQLite 3.40.1 has the WAL-reset race fixed only in 3.51.3: two processes writing and
/// checkpointing one WAL database at the same instant can corrupt it. The lock rules that out. The
/// holder's pid and command are written into the file so a second writer can be told who holds it.
/// The kernel drops the lock when the process dies, so a `kill -9` never leaves a stale lock.
final class DirectoryLock: Sendable {
    let path: String
    private let fd: Int32

    /// Takes the lock or throws ``LockError/held(by:)``: at once, or once `waiting` seconds have passed (for a
    /// command whose write takes milliseconds, such as the audit event of a viewed output: QA11 C17).
    init(directory: URL, command: String, waiting: Double = 0) throws(LockError) {
        path = directory.appendingPathComponent("pim.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        func holder() -> String {
            var buf = [UInt8](repeating: 0, count: 512)
            let n = pread(fd, &buf, 511, 0)
            return n > 0 ? String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "unknown process"
        }
        // (A running server holds the directory for good: no use waiting for it.)
        let deadline = Date().addingTimeInterval(waiting)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 && Date() < deadline && !holder().hasSuffix("pim serve") { usleep(50_000) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let held = holder()
            close(fd)
            throw .held(by: held)
        }
        _ = ftruncate(fd, 0)
        let text = "pid \(getpid()): \(command)\n"
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
    }

    /// Releases the lock.
    func release() {
        _ = ftruncate(fd, 0)
        _ = flock(fd, LOCK_UN)
        close(fd)
    }

    /// The system's reason for `errno`, in words ("Permission denied", "Not a directory").
    static func reason(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "system error \(code)" }
        return String(cString: text).lowercased()
    }

    enum LockError: Error {
        case held(by: String)
        case cannotOpen(path: String, errno: Int32)
    }
}
