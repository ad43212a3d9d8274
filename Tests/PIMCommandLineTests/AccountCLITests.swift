import Foundation
@testable import PIMCommandLine
import PIMCore
import PIMSQLite
import PIMStorage
import Testing

@Suite struct AccountCLITests {
    /// A workspace whose administrator `amina` was created from `passwordFile` (bytes as given).
    static func workspace(passwordFile: String) throws -> URL {
        let dir = try PIMBinary.scratch()
        try passwordFile.write(to: dir.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        let r = try PIMBinary.run(["init", "--workspace", "T", "--country", "SDN", "--admin", "amina", "--password-file", "pw"], in: dir)
        guard r.status == 0 else { throw CLIError("init failed: \(r.err)") }
        return dir
    }

    static func passwordHash(of user: String, in dir: URL) async throws -> String {
        let store = try SQLiteStore(directory: dir.appendingPathComponent("pim-data"), mode: .readOnly)
        let u = try await store.user(named: user)
        try await store.close()
        return u?.passwordHash ?? ""
    }

    @Test func aPasswordFileWithWindowsLineEndsGivesThePasswordWithoutThem() async throws {
        // Given a password file saved with CRLF line ends (Notepad)
        let dir = try Self.workspace(passwordFile: "correct horse battery staple\r\nsecond line\r\n")
        // Then the stored hash is that of the first line only, without "\r"
        let hash = try await Self.passwordHash(of: "amina", in: dir)
        #expect(PasswordHasher().verify("correct horse battery staple", against: hash))
        #expect(!PasswordHasher().verify("correct horse battery staple\r", against: hash))
    }

    /// Unattended `pim init --password-file /dev/stdin` (or a process substitution) reads the password from a
    /// pipe; before, a pipe was refused as unreadable.
    @Test func aPasswordIsReadFromAPipe() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data("correct horse battery staple\nrest\n".utf8))
        try pipe.fileHandleForWriting.close()
        let password = try Secrets.password(file: "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)")
        #expect(password == "correct horse battery staple")
    }

    /// A password file is read only up to its first line end or 4096 bytes, whatever its size.
    @Test func aHugePasswordFileIsNotReadWhole() throws {
        let dir = try PIMBinary.scratch()
        let file = dir.appendingPathComponent("huge.pw")
        try Data(repeating: UInt8(ascii: "x"), count: 2_000_000).write(to: file)
        let password = try Secrets.password(file: file.path)
        #expect(password.utf8.count == Secrets.passwordReadLimit)
        #expect(throws: CLIError.self) { try Secrets.password(file: dir.path) }
    }

    /// `--as` finds the user whatever the case typed (names are unique without case), and the audit trail
    /// records the stored name.
    @Test func actingAsAUserIgnoresTheCaseOfTheName() throws {
        let dir = try Self.workspace(passwordFile: "correct horse battery staple\n")
        let r = try PIMBinary.run(["user", "add", "--name", "farah", "--role", "analyst", "--password-file", "pw", "--as", "AMINA"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        let audit = try PIMBinary.run(["audit", "list", "--action", "user.created", "--format", "json"], in: dir)
        #expect(audit.out.contains("\"actor\" : \"amina\""), "\(audit.out)")
        #expect(!audit.out.contains("AMINA"))
        // The audit search finds the user's events whatever the case typed.
        let byUpper = try PIMBinary.run(["audit", "list", "--actor", "AMINA", "--action", "user.created", "--format", "json"], in: dir)
        #expect(byUpper.out.contains("\"actor\" : \"amina\""), "\(byUpper.out) \(byUpper.err)")
        // The user commands find a user named in another case too (disable, then enable, "FARAH")
        let disable = try PIMBinary.run(["user", "disable", "FARAH", "--as", "amina"], in: dir)
        #expect(disable.status == 0, "\(disable.err)")
        let asDisabled = try PIMBinary.run(["user", "add", "--name", "zz", "--role", "analyst", "--password-file", "pw", "--as", "farah"], in: dir)
        #expect(asDisabled.status != 0)
        #expect(asDisabled.err.contains("is disabled"), "\(asDisabled.err)")
        let enable = try PIMBinary.run(["user", "enable", "Farah", "--as", "amina"], in: dir)
        #expect(enable.status == 0, "\(enable.err)")
        let unlock = try PIMBinary.run(["user", "unlock", "FaRaH", "--as", "amina"], in: dir)
        #expect(unlock.status == 0, "\(unlock.err)")
        // A name matching no user in any case is still refused
        let ghost = try PIMBinary.run(["user", "add", "--name", "xy", "--role", "analyst", "--password-file", "pw", "--as", "amin"], in: dir)
        #expect(ghost.status != 0)
        #expect(ghost.err.contains("There is no user \"amin\""), "\(ghost.err)")
    }

    @Test func theLastActiveAdministratorCannotBeDisabledOrDemoted() throws {
        let dir = try Self.workspace(passwordFile: "correct horse battery staple\n")
        // amina is the only administrator: disabling or demoting her is refused, and she stays administrator
        var r = try PIMBinary.run(["user", "disable", "amina", "--as", "amina"], in: dir)
        #expect(r.status != 0)
        #expect(r.err.contains("last active administrator"), "\(r.err)")
        r = try PIMBinary.run(["user", "set-role", "amina", "--role", "analyst", "--as", "amina"], in: dir)
        #expect(r.status != 0)
        r = try PIMBinary.run(["user", "list", "--format", "json"], in: dir)
        #expect(r.out.contains("\"role\" : \"administrator\"") || r.out.contains("\"role\":\"administrator\""), "\(r.out)")
        // With a second administrator, the first may step down
        r = try PIMBinary.run(["user", "add", "--name", "farah", "--role", "administrator", "--password-file", "pw", "--as", "amina"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        r = try PIMBinary.run(["user", "set-role", "amina", "--role", "analyst", "--as", "farah"], in: dir)
        #expect(r.status == 0, "\(r.err)")
    }

    @Test func anAdministratorSetsANewPasswordAndWeakOnesAreRefused() async throws {
        let dir = try Self.workspace(passwordFile: "correct horse battery staple\n")
        try "            \n".write(to: dir.appendingPathComponent("blank.pw"), atomically: true, encoding: .utf8)
        try "aaaaaaaaaaaaaaaa\n".write(to: dir.appendingPathComponent("same.pw"), atomically: true, encoding: .utf8)
        try "a new and longer passphrase\n".write(to: dir.appendingPathComponent("new.pw"), atomically: true, encoding: .utf8)
        // Twelve spaces, or one letter repeated, are refused
        for weak in ["blank.pw", "same.pw"] {
            let r = try PIMBinary.run(["user", "set-password", "amina", "--password-file", weak, "--as", "amina"], in: dir)
            #expect(r.status != 0)
            #expect(r.err.contains("at least 12 characters"), "\(r.err)")
        }
        #expect(PasswordHasher().verify("correct horse battery staple", against: try await Self.passwordHash(of: "amina", in: dir)))
        // A good one replaces the old, and the change is audited without the password
        let r = try PIMBinary.run(["user", "set-password", "amina", "--password-file", "new.pw", "--as", "amina"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        let hash = try await Self.passwordHash(of: "amina", in: dir)
        #expect(PasswordHasher().verify("a new and longer passphrase", against: hash))
        #expect(!PasswordHasher().verify("correct horse battery staple", against: hash))
        let audit = try PIMBinary.run(["audit", "list", "--format", "json"], in: dir)
        #expect(audit.out.contains("\"password\""))
        #expect(!audit.out.contains("passphrase"))
    }

    @Test func anExistingDatasetKeepsItsCategoryAndSensitivity() throws {
        let dir = try Self.workspace(passwordFile: "correct horse battery staple\n")
        try "id,sex\n1,f\n2,m\n".write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        try "id,sex\n3,f\n4,m\n".write(to: dir.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        var r = try PIMBinary.run(["import", "a.csv", "--dataset", "cm", "--category", "case-management", "--purpose", "t"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        // Another category or sensitivity for the next version is refused, and nothing is stored
        r = try PIMBinary.run(["import", "b.csv", "--dataset", "cm", "--category", "population-data"], in: dir)
        #expect(r.status != 0)
        #expect(r.err.contains("case-management dataset"), "\(r.err)")
        r = try PIMBinary.run(["import", "b.csv", "--dataset", "cm", "--sensitivity", "low"], in: dir)
        #expect(r.status != 0)
        r = try PIMBinary.run(["dataset", "show", "cm", "--format", "json"], in: dir)
        #expect(!r.out.contains("\"number\" : 2") && !r.out.contains("\"number\":2"), "\(r.out)")
        // The same category (or none) is fine
        r = try PIMBinary.run(["import", "b.csv", "--dataset", "cm", "--category", "case-management"], in: dir)
        #expect(r.status == 0, "\(r.err)")
    }

    @Test func aMistypedDataDirectoryIsNotCreatedByImport() throws {
        let dir = try PIMBinary.scratch()
        try "a,b\n1,2\n".write(to: dir.appendingPathComponent("f.csv"), atomically: true, encoding: .utf8)
        let r = try PIMBinary.run(["import", "f.csv", "--data-dir", "typo", "--dataset", "x", "--category", "case-management",
                                   "--purpose", "t"], in: dir)
        #expect(r.status != 0)
        #expect(r.err.contains("No workspace here yet"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("typo").path))
    }

    @Test func aFileWithMoreColumnsThanEitherStoreHoldsIsRefusedBeforeWriting() throws {
        let dir = try Self.workspace(passwordFile: "correct horse battery staple\n")
        let names = (0..<1601).map { "c\($0)" }
        try (names.joined(separator: ",") + "\n" + names.map { _ in "1" }.joined(separator: ",") + "\n")
            .write(to: dir.appendingPathComponent("wide.csv"), atomically: true, encoding: .utf8)
        let r = try PIMBinary.run(["import", "wide.csv", "--dataset", "w", "--category", "case-management", "--purpose", "t"], in: dir)
        #expect(r.status != 0)
        #expect(r.err.contains("1601 columns") && r.err.contains("at most 1600"), "\(r.err)")
        #expect(try PIMBinary.run(["datasets", "--format", "json"], in: dir).out.contains("\"w\"") == false)
    }

    @Test func datasetShowGivesTheDateReceived() throws {
        let dir = try Self.workspace(passwordFile: "correct horse battery staple\n")
        try "id,sex\n1,f\n".write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        var r = try PIMBinary.run(["import", "a.csv", "--dataset", "cm", "--category", "case-management", "--purpose", "t",
                                   "--received", "2026-03-04"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        r = try PIMBinary.run(["dataset", "show", "cm"], in: dir)
        #expect(r.out.contains("received 2026-03-04"), "\(r.out)")
    }

    @Test func aUserBecomesAPartnerViewerOfANamedOrganisation() async throws {
        // Given an analyst and a registered organisation
        let dir = try Self.workspace(passwordFile: "correct horse battery\n")
        var r = try PIMBinary.run(["org", "add", "--name", "Partner", "--acronym", "DRC", "--type", "ingo", "--as", "amina"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        r = try PIMBinary.run(["user", "add", "--name", "farah", "--role", "analyst", "--password-file", "pw", "--as", "amina"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        // Without --org the change is refused and says what to give
        r = try PIMBinary.run(["user", "set-role", "farah", "--role", "partner-viewer", "--as", "amina"], in: dir)
        #expect(r.status == 1)
        #expect(r.err.contains("give --org"), "\(r.err)")
        // An unknown organisation is refused
        r = try PIMBinary.run(["user", "set-role", "farah", "--role", "partner-viewer", "--org", "NRC", "--as", "amina"], in: dir)
        #expect(r.status == 1)
        #expect(r.err.contains("There is no organisation \"NRC\""), "\(r.err)")
        // With --org the user becomes a partner viewer of that organisation
        r = try PIMBinary.run(["user", "set-role", "farah", "--role", "partner-viewer", "--org", "DRC", "--as", "amina"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        let store = try SQLiteStore(directory: dir.appendingPathComponent("pim-data"), mode: .readOnly)
        let farah = try await store.user(named: "farah")
        let drc = try await store.organization(acronym: "DRC")
        try await store.close()
        #expect(farah?.role == .partnerViewer)
        #expect(farah?.organizationID != nil)
        #expect(farah?.organizationID == drc?.id)
    }
}
