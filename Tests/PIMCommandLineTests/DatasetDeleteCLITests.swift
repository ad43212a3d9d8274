import Foundation
import Testing

/// `pim dataset delete` (QA finding W30): a wrongly imported version, or a dataset whose retention period is
/// over, removed with one audited event.
@Suite struct DatasetDeleteCLITests {
    @Test func aVersionAndThenTheDatasetAreDeletedOnlyWhenConfirmedAndByWhoMay() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 30).write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        try syntheticCSV(rows: 12, seed: 2).write(to: dir.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        for file in ["a.csv", "b.csv"] {
            let r = try PIMBinary.run(["import", file, "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T"], in: dir)
            #expect(r.status == 0, "\(r.err)")
        }
        // Without --yes nothing is deleted, and the command says what it would delete
        let unconfirmed = try PIMBinary.run(["dataset", "delete", "pm", "--version", "2", "--reason", "wrong file"], in: dir)
        #expect(unconfirmed.status != 0)
        #expect(unconfirmed.err.contains("version 2 of pm (12 records)"), "\(unconfirmed.err)")
        // A version that does not exist is named with the ones that do
        let missing = try PIMBinary.run(["dataset", "delete", "pm", "--version", "7", "--reason", "x", "--yes"], in: dir)
        #expect(missing.err.contains("versions are: 1, 2"), "\(missing.err)")
        // An analyst may not delete
        try "correct horse battery\n".write(to: dir.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        #expect(try PIMBinary.run(["user", "add", "--name", "ana", "--role", "analyst", "--password-file", "pw"], in: dir).status == 0)
        let analyst = try PIMBinary.run(["dataset", "delete", "pm", "--version", "2", "--reason", "x", "--yes", "--as", "ana"], in: dir)
        #expect(analyst.status != 0)
        #expect(analyst.err.contains("only these roles may delete data"), "\(analyst.err)")
        // Deleted: version 1 remains
        let deleted = try PIMBinary.run(["dataset", "delete", "pm", "--version", "2", "--reason", "wrong file", "--yes", "--format", "json"], in: dir)
        #expect(deleted.status == 0, "\(deleted.err)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(deleted.out.utf8)) as? [String: Any])
        #expect(summary["deletedVersions"] as? [Int] == [2])
        #expect(summary["records"] as? Int == 12)
        #expect(summary["remainingVersions"] as? [Int] == [1])
        let show = try PIMBinary.run(["dataset", "show", "pm"], in: dir)
        #expect(show.out.contains("v1:"))
        #expect(!show.out.contains("v2:"))
        // The same file imports again, as version 3
        let again = try PIMBinary.run(["import", "b.csv", "--dataset", "pm", "--purpose", "T", "--format", "json"], in: dir)
        #expect(again.status == 0, "\(again.err)")
        #expect(again.out.contains("\"version\" : 3"), "\(again.out)")
        // An export of a version that is not there names the ones that are (QA11 I19); an export is its owner's only (I12)
        let none = try PIMBinary.run(["export", "pm", "--version", "2", "--out", "v.csv"], in: dir)
        #expect(none.status != 0)
        #expect(none.err.contains("its versions are: 1, 3."), "\(none.err)")
        let export = try PIMBinary.run(["export", "pm", "--version", "3", "--out", "v.csv"], in: dir)
        #expect(export.status == 0, "\(export.err)")
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("v.csv").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // The whole dataset, by the administrator
        let all = try PIMBinary.run(["dataset", "delete", "pm", "--reason", "retention period over", "--yes", "--as", "admin"], in: dir)
        #expect(all.status == 0, "\(all.err)")
        #expect(all.out.contains("2 version(s), 42 records"), "\(all.out)")
        #expect(try PIMBinary.run(["dataset", "show", "pm"], in: dir).status != 0)
        // Both deletions are in the audit trail with the reason, and the chain is intact
        let audit = try PIMBinary.run(["audit", "list", "--action", "dataset.deleted", "--format", "json"], in: dir)
        #expect(audit.out.contains("wrong file") && audit.out.contains("retention period over"), "\(audit.out)")
        #expect(try PIMBinary.run(["audit", "verify"], in: dir).status == 0)
    }

    /// QA11 C11: a system of the map linked to a deleted dataset kept the link, and so fed any later dataset of the
    /// same name, of whatever category. The link goes with the dataset, and the deletion says so.
    @Test func deletingADatasetRemovesTheSystemsMapLinkToIt() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 30).write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        for args in [
            ["import", "a.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T"],
            ["systems", "add", "--name", "Border monitoring", "--owner", "ORG-A", "--category", "protection-monitoring", "--area", "XY",
             "--dataset", "pm"],
        ] {
            let r = try PIMBinary.run(args, in: dir)
            #expect(r.status == 0, "\(r.err)")
        }
        let deleted = try PIMBinary.run(["dataset", "delete", "pm", "--reason", "retention period over", "--yes"], in: dir)
        #expect(deleted.status == 0, "\(deleted.err)")
        #expect(deleted.out.contains("The systems map no longer links \"Border monitoring\" to it"), "\(deleted.out)")
        #expect(try PIMBinary.run(["audit", "list", "--action", "system.unlinked"], in: dir).out.contains("system.unlinked"))
        // and the system feeds no dataset, so a later dataset of that name is not taken for its data
        let list = try PIMBinary.run(["systems", "list", "--format", "json"], in: dir)
        #expect(list.status == 0, "\(list.err)")
        let systems = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        #expect(systems.count == 1)
        #expect(systems.first?["dataset"] == nil || systems.first?["dataset"] is NSNull)
    }

    /// QA11 I11: a deleted version's records are not left readable in the database file's free pages nor in old
    /// frames of its write-ahead log (which the documented backup copies).
    @Test func aDeletedVersionLeavesNoRecordInTheDatabaseFiles() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 30).write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        try syntheticCSV(rows: 400, seed: 7).write(to: dir.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        for file in ["a.csv", "b.csv"] {
            let r = try PIMBinary.run(["import", file, "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T"], in: dir)
            #expect(r.status == 0, "\(r.err)")
        }
        func holds(_ marker: String) throws -> Bool {
            let data = dir.appendingPathComponent("pim-data")
            return try FileManager.default.contentsOfDirectory(atPath: data.path).contains { name in
                guard name.hasPrefix("pim.sqlite") else { return false }
                let bytes = try Data(contentsOf: data.appendingPathComponent(name))
                return bytes.range(of: Data(marker.utf8)) != nil
            }
        }
        #expect(try holds("R7-399"))
        let deleted = try PIMBinary.run(["dataset", "delete", "pm", "--version", "2", "--reason", "wrong file", "--yes"], in: dir)
        #expect(deleted.status == 0, "\(deleted.err)")
        #expect(try !holds("R7-399"))
        #expect(try !holds("R7-1"))
        #expect(try holds("R1-29"))
    }
}
