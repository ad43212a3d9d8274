import ArgumentParser
import Foundation
@testable import PIMCommandLine
import Testing

/// Runs the built `pim` binary (it sits next to the test bundle in the build directory).
struct PIMBinary {
    static var url: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // swift-testing may run from inside the .xctest bundle on some platforms
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("pim").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("pim")
    }

    struct Result { var status: Int32; var out: String; var err: String }

    static func run(_ args: [String], in dir: URL, environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = url
        p.arguments = args
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["PIM_DATABASE_URL"] = nil
        env["PIM_DATA_DIR"] = nil
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// Runs each command in `dir`, in order, expecting each to succeed (a failure names the command and its
    /// standard error at the caller's line).
    static func expectSuccess(_ commands: [[String]], in dir: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for args in commands {
            let r = try run(args, in: dir)
            #expect(r.status == 0, "\(args): \(r.err)", sourceLocation: sourceLocation)
        }
    }

    static func scratch() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("pim-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}

@Suite struct ConfigurationTests {
    @Test func flagsWinOverEnvironmentAndDefaults() {
        let env = ["PIM_DATABASE_URL": "postgres://u@h/db", "PIM_DATA_DIR": "/env/dir"]
        #expect(Configuration.resolve(dataDir: nil, database: nil, environment: [:]).backend
                == .sqlite(directory: URL(fileURLWithPath: "pim-data", isDirectory: true).standardizedFileURL))
        #expect(Configuration.resolve(dataDir: nil, database: nil, environment: env).backend == .postgres(url: "postgres://u@h/db"))
        #expect(Configuration.resolve(dataDir: "/flag", database: nil, environment: env).backend
                == .sqlite(directory: URL(fileURLWithPath: "/flag", isDirectory: true)))
        #expect(Configuration.resolve(dataDir: nil, database: nil, environment: ["PIM_DATA_DIR": "/env/dir"]).backend
                == .sqlite(directory: URL(fileURLWithPath: "/env/dir", isDirectory: true)))
    }

    @Test func anEmptyDataDirIsNeverTheCurrentDirectory() throws {
        // An empty PIM_DATA_DIR is unset: the default ./pim-data, not the current directory
        #expect(Configuration.resolve(dataDir: nil, database: nil, environment: ["PIM_DATA_DIR": ""]).backend
                == .sqlite(directory: URL(fileURLWithPath: "pim-data", isDirectory: true).standardizedFileURL))
        // An empty --data-dir or --database is refused before anything is created
        let dir = try PIMBinary.scratch()
        try "correct horse battery\n".write(to: dir.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        let r = try PIMBinary.run(["init", "--data-dir", "", "--workspace", "W", "--country", "SDN", "--admin", "amina",
                                   "--password-file", "pw"], in: dir)
        #expect(r.status != 0)
        #expect(r.err.contains("--data-dir must name a directory"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("pim.sqlite").path))
        let d = try PIMBinary.run(["datasets", "--database", ""], in: dir)
        #expect(d.status != 0)
        #expect(d.err.contains("--database must be a URL"), "\(d.err)")
    }

    @Test func databasePasswordsAreNeverPrinted() {
        let c = Configuration(backend: .postgres(url: "postgres://pim:s3cret@db.local:5432/pim"))
        #expect(!c.backendDescription.contains("s3cret"))
        #expect(c.backendDescription.contains("db.local"))
    }

    @Test func dataDirAndDatabaseTogetherAreRefused() {
        #expect(throws: (any Error).self) { _ = try PIMCommand.parseAsRoot(["init", "--data-dir", "x", "--database", "postgres://u@h/d"]) }
    }

    @Test func passwordIsNotAcceptedAsAFlag() {
        #expect(throws: (any Error).self) { _ = try PIMCommand.parseAsRoot(["init", "--password", "hunter2hunter2"]) }
    }
}

@Suite struct CLIBinaryTests {
    @Test func initRunsUnattendedAndRefusesASecondTimeWithoutForce() throws {
        let dir = try PIMBinary.scratch()
        try "correct horse battery\n".write(to: dir.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        let args = ["init", "--workspace", "Test response", "--country", "SDN", "--admin", "amina", "--password-file", "pw"]
        let first = try PIMBinary.run(args, in: dir)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("Initialised workspace \"Test response\""))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("pim-data/pim.sqlite").path))
        let second = try PIMBinary.run(args, in: dir)
        #expect(second.status != 0)
        #expect(second.err.contains("--force"))
        #expect(try PIMBinary.run(["audit", "verify"], in: dir).status == 0)
        let forced = try PIMBinary.run(args + ["--force"], in: dir)
        #expect(forced.status == 0, "\(forced.err)")
        // The erased trail's anchors go with it: the new trail verifies (QA20)
        let verified = try PIMBinary.run(["audit", "verify"], in: dir)
        #expect(verified.status == 0, "\(verified.err)")
        // The password never appears in what pim stored or printed.
        let db = try Data(contentsOf: dir.appendingPathComponent("pim-data/pim.sqlite"))
        #expect(db.range(of: Data("correct horse battery".utf8)) == nil)
        #expect(!forced.out.contains("correct horse"))
    }

    @Test func initExplainsWhatIsMissingWhenUnattended() throws {
        let dir = try PIMBinary.scratch()
        let r = try PIMBinary.run(["init", "--country", "SDN"], in: dir)
        #expect(r.status != 0)
        #expect(r.err.contains("--workspace"))
    }

    @Test func frameworkSearchFindsTheProducersOfPopulationFigures() throws {
        let r = try PIMBinary.run(["framework", "search", "population figures", "--format", "json"], in: try PIMBinary.scratch())
        #expect(r.status == 0)
        #expect(r.out.contains("population-data"))
        #expect(r.out.contains("case-management"))
    }

    @Test func frameworkMatrixMarkdownHasEveryCategory() throws {
        let r = try PIMBinary.run(["framework", "matrix", "--format", "markdown"], in: try PIMBinary.scratch())
        #expect(r.status == 0)
        for name in ["Protection Monitoring", "Protection Needs Assessment", "Case Management", "Population Data",
                     "Protection Response Monitoring and Evaluation", "Communicating with Affected Communities",
                     "Security and Situational Awareness", "Sectoral IM Systems"] {
            #expect(r.out.contains(name), "missing \(name)")
        }
    }

    @Test func unknownCategoryListsTheValidOnes() throws {
        let r = try PIMBinary.run(["framework", "show", "nutrition"], in: try PIMBinary.scratch())
        #expect(r.status != 0)
        #expect(r.err.contains("case-management"))
    }

    @Test func everyCommandHasHelpWithAnExample() throws {
        for cmd in [["init"], ["framework"], ["framework", "matrix"], ["framework", "search"]] {
            let r = try PIMBinary.run(cmd + ["--help"], in: try PIMBinary.scratch())
            #expect(r.status == 0)
            #expect(r.out.contains("pim "), "help of \(cmd) shows no example")
        }
    }
}

@Suite struct UserCLITests {
    @Test func usersAreAddedWithRolesListedAndDisabled() throws {
        let dir = try initialisedWorkspace()
        try "another long password\n".write(to: dir.appendingPathComponent("u.pw"), atomically: true, encoding: .utf8)
        let add = try PIMBinary.run(["user", "add", "--name", "farah", "--role", "data-protection-focal-point", "--password-file", "u.pw"], in: dir)
        #expect(add.status == 0, "\(add.err)")
        let viewer = try PIMBinary.run(["user", "add", "--name", "v1", "--role", "partner-viewer", "--password-file", "u.pw"], in: dir)
        #expect(viewer.status != 0)
        #expect(viewer.err.contains("--org"))
        let dup = try PIMBinary.run(["user", "add", "--name", "farah", "--role", "analyst", "--password-file", "u.pw"], in: dir)
        #expect(dup.status != 0)
        // An actor named with --as must be a workspace user: no audit entry names a made-up person.
        let ghost = try PIMBinary.run(["user", "disable", "farah", "--as", "ghost"], in: dir)
        #expect(ghost.status != 0)
        #expect(ghost.err.contains("no user \"ghost\""))
        _ = try PIMBinary.run(["user", "disable", "farah", "--as", "admin"], in: dir)
        let list = try PIMBinary.run(["user", "list", "--format", "json"], in: dir)
        #expect(list.out.contains("\"role\" : \"data-protection-focal-point\""))
        #expect(list.out.contains("\"disabled\" : true"))
        let audit = try PIMBinary.run(["audit", "list", "--action", "user.created"], in: dir)
        #expect(audit.out.contains("user.created"))
        #expect(!audit.out.contains("another long password"))
        // Enable, unlock and change the role again
        #expect(try PIMBinary.run(["user", "enable", "farah", "--as", "admin"], in: dir).status == 0)
        #expect(try PIMBinary.run(["user", "unlock", "farah", "--as", "admin"], in: dir).status == 0)
        #expect(try PIMBinary.run(["user", "set-role", "farah", "--role", "analyst", "--as", "admin"], in: dir).status == 0)
        let noOrg = try PIMBinary.run(["user", "set-role", "farah", "--role", "partner-viewer", "--as", "admin"], in: dir)
        #expect(noOrg.status != 0)
        #expect(noOrg.err.contains("organisation"))
        let after = try PIMBinary.run(["user", "list", "--format", "json"], in: dir)
        #expect(after.out.contains("\"role\" : \"analyst\""))
        #expect(!after.out.contains("\"disabled\" : true"))
        let missing = try PIMBinary.run(["user", "enable", "ghost", "--as", "admin"], in: dir)
        #expect(missing.status != 0)
        // A user named with --as acts with their role, as on the web: an analyst may not manage users,
        // share or change agreements, nor export full rows; an administrator may.
        #expect(try PIMBinary.run(["org", "add", "--name", "Partner Two", "--acronym", "DRC", "--type", "ingo", "--as", "admin"], in: dir).status == 0)
        let asAnalyst = try PIMBinary.run(["user", "disable", "admin", "--as", "farah"], in: dir)
        #expect(asAnalyst.status != 0)
        #expect(asAnalyst.err.contains("farah is analyst, and only these roles may manage users: administrator"), "\(asAnalyst.err)")
        let agreement = try PIMBinary.run(["agreement", "add", "--id", "A-1", "--parties", "DRC,UNHCR", "--purpose", "p", "--basis",
                                           "public-interest", "--covers", "protection-monitoring", "--level", "aggregated", "--as", "farah"], in: dir)
        #expect(agreement.status != 0)
        #expect(agreement.err.contains("change data-sharing agreements"))
        try syntheticCSV(rows: 10).write(to: dir.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        let imp = try PIMBinary.run(["import", "pm.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T", "--as", "farah"], in: dir)
        #expect(imp.status != 0)
        #expect(try PIMBinary.run(["import", "pm.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T", "--as", "admin"], in: dir).status == 0)
        let export = try PIMBinary.run(["export", "pm", "--out", "x.csv", "--as", "farah"], in: dir)
        #expect(export.status != 0)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.csv").path))
        // A perturbed table (the cell-key method, cells of 5 or more) is what an analyst sees on the web, and here
        // too (QA11 S6): exact suppressed tables and roundings under chosen seeds are refused, saying why
        let exact = try PIMBinary.run(["aggregate", "pm", "--by", "sex", "--out", "t.csv", "--as", "farah"], in: dir)
        #expect(exact.status != 0)
        #expect(exact.err.contains("analyst: your tables of a stored dataset are perturbed by the cell-key method"), "\(exact.err)")
        let rounded = try PIMBinary.run(["aggregate", "pm", "--by", "sex", "--round", "5", "--seed", "7", "--out", "t.csv", "--as", "farah"], in: dir)
        #expect(rounded.status != 0)
        #expect(rounded.err.contains("add --cell-key instead of --round"), "\(rounded.err)")
        let perturbed = try PIMBinary.run(["aggregate", "pm", "--by", "sex", "--cell-key", "--out", "t.csv", "--as", "farah"], in: dir)
        #expect(perturbed.status == 0, "\(perturbed.err)")
        #expect(try PIMBinary.run(["aggregate", "pm", "--by", "sex", "--out", "t.csv", "--as", "admin"], in: dir).status == 0)
        let small = try PIMBinary.run(["aggregate", "pm", "--by", "sex", "--min-cell", "2", "--out", "t2.csv", "--as", "farah"], in: dir)
        #expect(small.status != 0)
        #expect(small.err.contains("aggregate with cells below 5"))
        #expect(try PIMBinary.run(["export", "pm", "--out", "x.csv", "--as", "admin"], in: dir).status == 0)
        // Consent is recorded by those who take it, not by an analyst
        let consent = try PIMBinary.run(["consent", "record", "--dataset", "pm", "--purpose", "disclosure", "--record", "R1-1", "--as", "farah"], in: dir)
        #expect(consent.status != 0)
        #expect(consent.err.contains("record consent decisions"))
        // Nor by a case worker (QA11 S7: the web refuses them; here they could change any dataset's consent)
        #expect(try PIMBinary.run(["user", "add", "--name", "cw", "--role", "case-worker", "--password-file", "u.pw", "--as", "admin"], in: dir).status == 0)
        let byCaseWorker = try PIMBinary.run(["consent", "withdraw", "--dataset", "pm", "--purpose", "disclosure", "--record", "R1-1", "--as", "cw"], in: dir)
        #expect(byCaseWorker.status != 0)
        #expect(byCaseWorker.err.contains("cw is case-worker, and only these roles may record consent decisions"), "\(byCaseWorker.err)")
        #expect(try PIMBinary.run(["consent", "record", "--dataset", "pm", "--purpose", "disclosure", "--record", "R1-1", "--as", "admin"], in: dir).status == 0)
        // A disabled user cannot act
        #expect(try PIMBinary.run(["user", "set-role", "farah", "--role", "pim-officer", "--as", "admin"], in: dir).status == 0)
        #expect(try PIMBinary.run(["user", "disable", "farah", "--as", "admin"], in: dir).status == 0)
        let disabled = try PIMBinary.run(["export", "pm", "--out", "y.csv", "--as", "farah"], in: dir)
        #expect(disabled.status != 0)
        #expect(disabled.err.contains("disabled"))
    }
}
