import ArgumentParser
import Foundation
@testable import PIMCommandLine
import PIMCategories
import PIMCore
import PIMFramework
import PIMSQLite
import PIMServer
import PIMStorage
import Testing
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The demo workspace

@Suite struct DemoWorkspaceTests {
    static let hasher = PasswordHasher(cost: 4)

    func freshStore() throws -> (SQLiteStore, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pim-demo-tests-\(UUID().uuidString)")
        return (try SQLiteStore(directory: dir, command: "pim serve --demo (test)"), dir)
    }

    @Test func theSeedIsCompleteAndASecondRunChangesNothing() async throws {
        let (store, dir) = try freshStore()
        try await store.migrate()
        let files = dir.appendingPathComponent("demo-files")
        let first = try await DemoWorkspace.seed(into: store, files: files, hasher: Self.hasher)
        #expect(first.created)
        #expect(first.organizationsAdded == 4)
        #expect(first.usersAdded == DemoWorkspace.accounts.count - 1)  // the administrator comes with the workspace
        // One dataset per template: each category's, and protection monitoring's household and key-informant interviews
        #expect(first.datasetsImported == PIMCategory.ID.allCases.count + 1)
        let interviews = try #require(try await store.dataset(named: "demo-protection-monitoring-responses"))
        #expect(interviews.category == PIMCategory.ID.protectionMonitoring.rawValue)

        // Every role has a user, each in its organisation; the partner viewer is in a party of an active agreement.
        let users = try await store.users()
        let orgs = try await store.organizations()
        #expect(Set(users.map(\.role)) == Set(Role.allCases))
        #expect(Set(orgs.map(\.kind)) == [.un, .ingo, .nngo, .cluster])
        for u in users { #expect(u.organizationID != nil, "\(u.userName) belongs to an organisation") }
        for a in DemoWorkspace.accounts {
            let u = try #require(try await store.user(named: a.userName))
            #expect(u.role == a.role)
            #expect(a.password.count >= PasswordHasher.minimumLength)
            #expect(Self.hasher.verify(a.password, against: u.passwordHash), "the published password of \(a.userName) signs in")
        }
        let partner = try #require(users.first { $0.role == .partnerViewer })
        let partnerOrg = try #require(orgs.first { $0.id == partner.organizationID })
        let json = try #require(try await store.document(kind: .agreement, id: DemoWorkspace.agreementID))
        let agreement = try await AgreementDocuments.load(DemoWorkspace.agreementID, from: store)
        #expect(!json.isEmpty)
        #expect(agreement.status(at: Date()) == .active)
        #expect(agreement.parties.contains(partnerOrg.acronym))

        // Every category has a dataset with one version and its provenance; the gazetteer and files are written.
        for c in PIMCategory.ID.allCases {
            let d = try #require(try await store.dataset(named: DemoWorkspace.datasetName(c)), "dataset of \(c.rawValue)")
            #expect(d.category == c.rawValue)
            let versions = try await store.versions(of: d.id)
            #expect(versions.count == 1)
            #expect((versions.first?.rowCount ?? 0) > 0)
            #expect(versions.first?.provenance.sourceOrganization == DemoWorkspace.source(of: c).org)
            #expect(versions.first?.provenance.sha256.count == 64)
        }
        #expect(FileManager.default.fileExists(atPath: files.appendingPathComponent("gazetteer.csv").path))

        // Cases are assigned to the two demo case workers, both in the supervisor's team, so that the case-worker
        // and supervisor logins see their cases (the assignment field is a direct identifier: never shared)
        let cases = try #require(try await store.dataset(named: DemoWorkspace.datasetName(.caseManagement)))
        #expect(CaseAssignment.field(in: cases.schema) == "caseworker")
        #expect(cases.schema.field(named: "caseworker")?.role == .directIdentifier)
        let caseVersion = try #require(try await store.versions(of: cases.id).first)
        let assigned = try await store.table(of: caseVersion, columns: ["caseworker"])
        let own = CaseAssignment.visibleRows(of: assigned, assignment: "caseworker", scope: .assignedTo(["caseworker"]))?.count ?? 0
        #expect(own > 0 && own < caseVersion.rowCount)
        let supervisor = try #require(try await store.user(named: "supervisor"))
        #expect(try await Teams(store: store).memberNames(of: supervisor.id) == Set(DemoWorkspace.caseWorkers))
        let systems = try await store.documents(kind: .informationSystem)
        #expect(systems.count == DemoCommand.Load.systems.count)

        // A second run reuses everything.
        let events = try await store.auditEvents(.all).count
        let second = try await DemoWorkspace.seed(into: store, files: files, hasher: Self.hasher)
        #expect(second == DemoWorkspace.Outcome(created: false, organizationsAdded: 0, usersAdded: 0, datasetsImported: 0))
        #expect(try await store.users().count == users.count)
        #expect(try await store.auditEvents(.all).count == events)
        for c in PIMCategory.ID.allCases {
            let d = try #require(try await store.dataset(named: DemoWorkspace.datasetName(c)))
            #expect(try await store.versions(of: d.id).count == 1)
        }
        if case .intact = try await store.verifyAuditChain() {} else { Issue.record("the audit chain is intact") }
        try await store.close()
    }

    @Test func anInterruptedSeedIsCompleted() async throws {
        let (store, dir) = try freshStore()
        try await store.migrate()
        // As if the first run stopped after creating the workspace: only the administrator exists.
        let admin = User(userName: "admin", displayName: "a", role: .administrator,
                         passwordHash: try Self.hasher.hash(newPassword: "demo-admin-password"), createdAt: Date())
        try await store.initialize(workspace: Workspace(name: DemoWorkspace.workspaceName, country: "ZZZ", adminLevels: ["A", "B"],
                                                        createdAt: Date()), administrator: admin, replacingExisting: false, at: Date())
        let outcome = try await DemoWorkspace.seed(into: store, files: dir.appendingPathComponent("files"), hasher: Self.hasher)
        #expect(!outcome.created)
        #expect(outcome.datasetsImported == DemoGenerator.templates.count)
        #expect(Set(try await store.users().map(\.role)) == Set(Role.allCases))
        try await store.close()
    }

    @Test func aWorkspaceThatIsNotTheDemoIsRefused() async throws {
        let (store, dir) = try freshStore()
        try await store.migrate()
        let admin = User(userName: "amina", displayName: "Amina", role: .administrator,
                         passwordHash: try Self.hasher.hash(newPassword: "a real password here"), createdAt: Date())
        try await store.initialize(workspace: Workspace(name: "Sudan response", country: "SDN", adminLevels: ["State"], createdAt: Date()),
                                   administrator: admin, replacingExisting: false, at: Date())
        await #expect(throws: DemoWorkspace.SeedError.self) {
            _ = try await DemoWorkspace.seed(into: store, files: dir.appendingPathComponent("files"), hasher: Self.hasher)
        }
        #expect(try await store.users().map(\.userName) == ["amina"])
        #expect(try await store.datasets().isEmpty)
        try await store.close()
    }

    @Test func demoUsesPimDemoByDefaultAndTheGivenDirectoryOtherwise() throws {
        let plain = try #require(try PIMCommand.parseAsRoot(["serve", "--demo"]) as? ServeCommand)
        #expect(plain.effectiveStore.configuration.backend
                == .sqlite(directory: URL(fileURLWithPath: "pim-demo", isDirectory: true).standardizedFileURL))
        let given = try #require(try PIMCommand.parseAsRoot(["serve", "--demo", "--data-dir", "/tmp/x"]) as? ServeCommand)
        #expect(given.effectiveStore.configuration.backend == .sqlite(directory: URL(fileURLWithPath: "/tmp/x", isDirectory: true)))
        let notDemo = try #require(try PIMCommand.parseAsRoot(["serve"]) as? ServeCommand)
        #expect(notDemo.effectiveStore.dataDir == nil)
        #expect(throws: (any Error).self) { _ = try PIMCommand.parseAsRoot(["serve", "--tls-cert", "c.pem"]) }
    }
}

// MARK: - The running server: SIGTERM and TLS

/// A `pim serve` process on a free port.
struct ServerProcess {
    let process: Process
    let port: Int
    let out: Pipe

    /// A port nobody listens on now (bound to 0, then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw CLIError("no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func start(_ args: [String], in dir: URL) throws -> ServerProcess {
        let port = try freePort()
        let p = Process()
        p.executableURL = PIMBinary.url
        p.arguments = ["serve", "--port", String(port)] + args
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["PIM_DATABASE_URL"] = nil
        env["PIM_DATA_DIR"] = nil
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return ServerProcess(process: p, port: port, out: out)
    }

    /// Runs curl and returns its output (headers included with -i), or nil when it failed.
    static func curl(_ args: [String]) throws -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["curl", "-s", "--max-time", "5"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    /// Polls until `url` answers (up to a minute); returns the body.
    func waitUntilUp(_ curlArgs: [String]) async throws -> String? {
        for _ in 0..<240 {
            if !process.isRunning { return nil }
            if let body = try Self.curl(curlArgs) { return body }
            try await Task.sleep(for: .milliseconds(250))
        }
        return nil
    }

    /// Sends SIGTERM and waits (up to 30 s) for the process to end; returns its output.
    func terminate() async throws -> String {
        process.terminate()
        for _ in 0..<120 where process.isRunning { try await Task.sleep(for: .milliseconds(250)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}

@Suite(.serialized) struct ServeProcessTests {
    static let password = "correct horse battery"

    func initialisedWorkspace() throws -> URL {
        let dir = try PIMBinary.scratch()
        try "\(Self.password)\n".write(to: dir.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        let r = try PIMBinary.run(["init", "--workspace", "Test response", "--country", "SDN", "--admin", "amina",
                                   "--password-file", "pw"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        return dir
    }

    @Test(.timeLimit(.minutes(2))) func sigtermStopsTheServerCleanly() async throws {
        let dir = try initialisedWorkspace()
        // An upload an earlier run left waiting for confirmation (QA W25): nobody can confirm it any more
        let leftover = dir.appendingPathComponent("pim-data/uploads/0f3c-leftover", isDirectory: true)
        try FileManager.default.createDirectory(at: leftover, withIntermediateDirectories: true)
        try "name,sex\nsomeone,f\n".write(to: leftover.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        let server = try ServerProcess.start([], in: dir)
        let health = try await server.waitUntilUp(["http://127.0.0.1:\(server.port)/health"])
        #expect(health == #"{"status":"ok"}"#)
        // It was deleted at start-up, and the log says how many (not what)
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
        let log = try await server.terminate()
        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 0, "\(log)")
        #expect(!log.contains(Self.password))
        #expect(log.contains("deleted 1 upload(s) an earlier run left unconfirmed"), "\(log)")
        #expect(!log.contains("pm.csv"))
        // The data directory's lock was released: another writer may start.
        let again = try PIMBinary.run(["user", "list"], in: dir)
        #expect(again.status == 0, "\(again.err)")
    }

    @Test(.timeLimit(.minutes(2)), .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs openssl"))
    func tlsServesHTTPSWithSecureHostCookies() async throws {
        let dir = try initialisedWorkspace()
        let key = dir.appendingPathComponent("key.pem").path, cert = dir.appendingPathComponent("cert.pem").path
        let gen = Process()
        gen.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        gen.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        gen.standardOutput = FileHandle.nullDevice
        gen.standardError = FileHandle.nullDevice
        try gen.run()
        gen.waitUntilExit()
        try #require(gen.terminationStatus == 0)

        let server = try ServerProcess.start(["--tls-cert", cert, "--tls-key", key], in: dir)
        let base = "https://127.0.0.1:\(server.port)"
        let health = try await server.waitUntilUp(["--cacert", cert, base + "/health"])
        #expect(health == #"{"status":"ok"}"#)
        let login = try #require(try ServerProcess.curl(["-i", "--cacert", cert, base + "/login"]))
        #expect(login.hasPrefix("HTTP/"))
        let cookie = login.split(whereSeparator: \.isNewline).first { $0.lowercased().hasPrefix("set-cookie:") }.map(String.init) ?? ""
        #expect(cookie.contains("__Host-pim_session="), "\(cookie)")
        #expect(cookie.contains("Secure"))
        // Plain HTTP on the TLS port is not served.
        #expect(try ServerProcess.curl(["http://127.0.0.1:\(server.port)/health"]) == nil)
        let log = try await server.terminate()
        #expect(server.process.terminationStatus == 0, "\(log)")
    }

    @Test func aMissingCertificateIsNamed() throws {
        let dir = try initialisedWorkspace()
        let r = try PIMBinary.run(["serve", "--port", String(try ServerProcess.freePort()), "--tls-cert", "nope.pem", "--tls-key", "nope.key"], in: dir)
        #expect(r.status != 0)
        #expect(r.err.contains("nope.pem"), "\(r.err)")
    }
}
