import Foundation
@testable import PIMServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Servers of a PostgreSQL database keep uploads in folders of their own, and delete the folders of servers
/// that are gone (QA9 review F9: a killed server's uploads, personal data, stayed in /tmp for good).
@Suite struct UploadProcessFolderTests {
    static func parent() throws -> URL {
        let p = FileManager.default.temporaryDirectory.appendingPathComponent("pim-upload-test-" + UUID().uuidString, isDirectory: true)
        return p
    }

    /// A folder as a server that was killed leaves it: an upload inside, its lock file no longer locked.
    static func abandoned(in parent: URL, name: String) throws -> URL {
        let dir = parent.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("upload-1"), withIntermediateDirectories: true)
        try Data("record_id,sex\nr1,f\n".utf8).write(to: dir.appendingPathComponent("upload-1/pm.csv"))
        try Data().write(to: parent.appendingPathComponent(name + ".lock"))
        return dir
    }

    @Test func aStartingServerDeletesTheFoldersOfStoppedServersAndKeepsRunningOnes() throws {
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(at: parent) }
        // Given two running servers and the folders of two that are gone (one whose lock was already deleted)
        let running = try UploadProcessFolder(parent: parent)
        let other = try UploadProcessFolder(parent: parent)
        let killed = try Self.abandoned(in: parent, name: "0b1e2f")
        let noLock = try Self.abandoned(in: parent, name: "7c7c7c")
        try FileManager.default.removeItem(at: parent.appendingPathComponent("7c7c7c.lock"))
        try Data("x".utf8).write(to: running.directory.appendingPathComponent("waiting.csv"))
        // When a server starts
        #expect(UploadProcessFolder.discardAbandoned(in: parent) == 2)
        // Then the stopped servers' uploads are gone, the running servers' stay
        #expect(!FileManager.default.fileExists(atPath: killed.path))
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("0b1e2f.lock").path))
        #expect(!FileManager.default.fileExists(atPath: noLock.path))
        #expect(FileManager.default.fileExists(atPath: running.directory.appendingPathComponent("waiting.csv").path))
        #expect(FileManager.default.fileExists(atPath: other.directory.path))
        // … and a server that stops deletes its own
        other.release()
        #expect(!FileManager.default.fileExists(atPath: other.directory.path))
        #expect(UploadProcessFolder.discardAbandoned(in: parent) == 0)
        running.release()
        let left = try FileManager.default.contentsOfDirectory(atPath: parent.path)
        #expect(left.isEmpty)
    }

    @Test func theFoldersArePrivateAndALinkedParentIsRefused() throws {
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(at: parent) }
        let folder = try UploadProcessFolder(parent: parent)
        defer { folder.release() }
        for path in [parent.path, folder.directory.path] {
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)
            #expect(mode.intValue & 0o077 == 0, "\(path)")
        }
        // A parent that is a symbolic link (someone else's folder, say) is not written into
        let link = try Self.parent()
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: parent)
        defer { try? FileManager.default.removeItem(at: link) }
        #expect(throws: ServerError.self) { try UploadProcessFolder(parent: link) }
        #expect(UploadProcessFolder.discardAbandoned(in: link) == 0)
    }
}
