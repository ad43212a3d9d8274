import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Where uploads go and how large they may be.
///
/// Uploaded files hold personal data, so they are private to the server's user: the upload directory and
/// every upload folder are created with mode 0700, files with 0600, and an existing upload directory that
/// another user owns (or a symbolic link) is refused rather than written into.
public struct UploadSettings: Sendable {
    /// Each upload gets its own folder below this directory.
    public internal(set) var directory: URL
    /// Largest request body accepted for an upload, in bytes.
    var maxBytes: Int

    init(directory: URL = UploadSettings.processDirectory, maxBytes: Int = 512 * 1024 * 1024) {
        self.directory = directory
        self.maxBytes = maxBytes
    }

    /// The default when none is configured (e.g. `pim serve --database`): a private folder of this process
    /// under the temporary directory, with a random name.
    static let processDirectory = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
        .appendingPathComponent("pim-uploads-" + UUID().uuidString.lowercased(), isDirectory: true)

    static let notWritable = ServerError.unprocessable("The server cannot store uploads: its upload directory is not writable.")

    /// Deletes every upload folder in `directory` and returns how many there were: the files of uploads a
    /// server held for confirmation when it stopped. Pending uploads live in the server's memory only, so
    /// after a restart nobody can import or discard them, and files never imported must not accumulate
    /// personal data outside the audited store. Call it only while no server uses the directory (at start,
    /// with the data directory locked, and at shutdown).
    @discardableResult
    public static func discardLeftovers(in directory: URL) -> Int {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil) else { return 0 }
        var removed = 0
        for entry in entries where (try? fm.removeItem(at: entry)) != nil { removed += 1 }
        return removed
    }

    /// A new, empty folder (0700) for one upload, in the checked upload directory.
    func newFolder() throws -> URL {
        try Self.preparePrivateDirectory(directory)
        let dir = directory.appendingPathComponent(UUID().uuidString.lowercased(), isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw Self.notWritable
        }
        return dir
    }

    /// Creates `url` as an empty file readable and writable by this user only (0600).
    static func createPrivateFile(at url: URL) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: url.path) else { throw notWritable }
        return handle
    }

    /// Makes sure `dir` is a real directory of this user with mode 0700: created so when missing; refused
    /// when it is a symbolic link or another user's; tightened to 0700 when it is ours.
    static func preparePrivateDirectory(_ dir: URL) throws {
        let fm = FileManager.default
        if let attributes = try? fm.attributesOfItem(atPath: dir.path) {
            guard attributes[.type] as? FileAttributeType == .typeDirectory,
                  (attributes[.ownerAccountID] as? NSNumber)?.uint32Value == getuid() else {
                throw ServerError.unprocessable(
                    "The server cannot store uploads: its upload directory is not a directory of the server's own user.")
            }
            if ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0) & 0o077 != 0 {
                do { try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir.path) } catch { throw notWritable }
            }
            return
        }
        do {
            try fm.createDirectory(at: dir.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.createDirectory(at: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            // Another request may have created it meanwhile: check it again.
            guard (try? fm.attributesOfItem(atPath: dir.path)) != nil else { throw notWritable }
            try preparePrivateDirectory(dir)
        }
    }

    /// Removes upload folders left by an earlier run (older than `age`) from the upload directory; called
    /// when the server starts (uploads in progress live in memory and do not survive a restart).
    @discardableResult
    func sweepStale(olderThan age: TimeInterval = 60 * 60, now: Date = Date()) -> Int {
        let fm = FileManager.default
        guard let attributes = try? fm.attributesOfItem(atPath: directory.path),
              attributes[.type] as? FileAttributeType == .typeDirectory,
              (attributes[.ownerAccountID] as? NSNumber)?.uint32Value == getuid(),
              let children = try? fm.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.contentModificationDateKey])
        else { return 0 }
        var removed = 0
        for child in children {
            guard let modified = try? child.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate,
                  now.timeIntervalSince(modified) > age else { continue }
            if (try? fm.removeItem(at: child)) != nil { removed += 1 }
        }
        return removed
    }

    var tooLarge: ServerError {
        .tooLarge("The file is larger than this server accepts (\(Self.size(maxBytes))); split it, or ask the administrator to raise the limit.")
    }

    /// `512 MB`, `64 KB`, `900 bytes`.
    static func size(_ bytes: Int) -> String {
        bytes >= 1024 * 1024 ? "\(bytes / (1024 * 1024)) MB" : bytes >= 1024 ? "\(bytes / 1024) KB" : "\(bytes) bytes"
    }
}

/// A file received in a form, stored in its own folder under its (sanitised) original name, so readers pick
/// the format by extension and validation issues name the file the user knows.
struct UploadedFile: Sendable, Hashable {
    var url: URL
    var fileName: String
    var size: Int

    /// Removes the file and its folder.
    func discard() {
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
    }

    /// A name safe to use in a path: the last component, with anything but letters, digits, `-_.` replaced.
    static func safeName(_ name: String) -> String {
        let base = String(name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "")
        let mapped = String(base.unicodeScalars.map { s -> Character in
            CharacterSet.alphanumerics.contains(s) || "-_.".unicodeScalars.contains(s) ? Character(s) : "_"
        }).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        let trimmed = String(mapped.suffix(120))
        return trimmed.isEmpty ? "upload" : trimmed
    }

    /// Streams a request body into a new upload folder, refusing it past `settings.maxBytes`.
    static func spool(_ body: RequestBody, fileName: String, settings: UploadSettings) async throws -> UploadedFile {
        let dir = try settings.newFolder()
        let url = dir.appendingPathComponent(safeName(fileName))
        do {
            let handle = try UploadSettings.createPrivateFile(at: url)
            defer { try? handle.close() }
            var size = 0
            for try await chunk in body {
                size += chunk.readableBytes
                guard size <= settings.maxBytes else { throw settings.tooLarge }
                try handle.write(contentsOf: Data(chunk.readableBytesView))
            }
            return UploadedFile(url: url, fileName: url.lastPathComponent, size: size)
        } catch {
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
    }
}

/// Reads a `multipart/form-data` body: text fields into memory (64 KB each at most), files streamed to disk.
enum MultipartForm {
    static let maxFieldBytes = 64 * 1024

    /// - Parameter check: called with each text field as soon as it is complete (the CSRF token, which the
    ///   forms send first, is checked before the file is read); throwing stops the upload and deletes its files.
    static func read(_ request: Request, settings: UploadSettings,
                     check: (String, String) throws -> Void = { _, _ in }) async throws -> Form {
        guard let contentType = request.headers[.contentType], var parser = MultipartParser(contentType: contentType) else {
            throw ServerError.badRequest("Send the form as multipart/form-data (the upload form does this).")
        }
        var fields: [String: String] = [:]
        var files: [String: UploadedFile] = [:]
        var folders: [URL] = []
        var current: MultipartParser.PartHeaders?
        var text: [UInt8] = []
        var handle: FileHandle?
        var fileURL: URL?
        var fileSize = 0
        var total = 0
        do {
            for try await chunk in request.body {
                total += chunk.readableBytes
                guard total <= settings.maxBytes else { throw settings.tooLarge }
                try parser.feed(chunk.readableBytesView) { event in
                    switch event {
                    case .begin(let h):
                        current = h
                        text = []
                        fileSize = 0
                        if let name = h.fileName, !name.isEmpty {
                            let dir = try settings.newFolder()
                            folders.append(dir)
                            let url = dir.appendingPathComponent(UploadedFile.safeName(name))
                            handle = try UploadSettings.createPrivateFile(at: url)
                            fileURL = url
                        }
                    case .data(let bytes):
                        if let handle {
                            try handle.write(contentsOf: Data(bytes))
                            fileSize += bytes.count
                        } else {
                            text.append(contentsOf: bytes)
                            guard text.count <= maxFieldBytes else { throw ServerError.badRequest("A form field is longer than 64 KB.") }
                        }
                    case .end:
                        guard let h = current else { return }
                        if let handle, let fileURL {
                            try handle.close()
                            if let old = files[h.name] { old.discard() }
                            // The sanitised name only: never the client's path (C:\Users\name\...) in provenance.
                            files[h.name] = UploadedFile(url: fileURL, fileName: fileURL.lastPathComponent, size: fileSize)
                        } else {
                            let value = String(decoding: text, as: UTF8.self)
                            try check(h.name, value)
                            fields[h.name] = value
                        }
                        handle = nil
                        fileURL = nil
                        current = nil
                    }
                }
            }
            try parser.finish()
        } catch {
            try? handle?.close()
            for f in folders { try? FileManager.default.removeItem(at: f) }
            if let e = error as? MultipartParser.ParseError { throw ServerError.badRequest("The upload could not be read: \(e.description).") }
            throw error
        }
        return Form(fields: fields, files: files)
    }
}
