import Foundation
import PIMCore
import PIMSQLite
import PIMStorage
import PIMTable
import Testing

/// A synthetic HXL CSV (never real people's data).
func syntheticCSV(rows: Int, badRows: Set<Int> = [], seed: Int = 1) -> String {
    var s = "record_id,adm1_code,sex,age,date\n#meta+id,#adm1+code,#sex,#age,#date\n"
    for i in 0..<rows {
        let age = badRows.contains(i) ? "unknown" : String((i * 7 + seed) % 90)
        s += "R\(seed)-\(i),XY\(String(format: "%02d", i % 20 + 1)),\(i % 2 == 0 ? "f" : "m"),\(age),2026-0\(i % 9 + 1)-1\(i % 9)\n"
    }
    return s
}

func initialisedWorkspace() throws -> URL {
    let dir = try PIMBinary.scratch()
    try "correct horse battery\n".write(to: dir.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
    let r = try PIMBinary.run(["init", "--workspace", "T", "--country", "SDN", "--admin", "admin", "--password-file", "pw"], in: dir)
    #expect(r.status == 0, "\(r.err)")
    return dir
}

@Suite struct ImportCLITests {
    /// QA11 I7: the commands that report a change take --format json, and refusals in JSON carry where (row,
    /// column) and, for a file already imported, which version it is, in fields of their own.
    @Test func changesAndRefusalsAnswerScriptsInJSON() throws {
        let dir = try PIMBinary.scratch()
        try "correct horse battery\n".write(to: dir.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        func object(_ args: [String]) throws -> [String: Any] {
            let r = try PIMBinary.run(args, in: dir)
            return try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], "\(args): \(r.out) \(r.err)")
        }
        let initialised = try object(["init", "--workspace", "T", "--country", "SDN", "--admin", "admin", "--password-file", "pw",
                                      "--format", "json"])
        #expect(initialised["workspace"] as? String == "T" && initialised["administrator"] as? String == "admin")
        let org = try object(["org", "add", "--name", "Partner", "--acronym", "PX", "--type", "ingo", "--format", "json"])
        #expect(org["acronym"] as? String == "PX" && org["thisWorkspace"] as? String == "false")
        let user = try object(["user", "add", "--name", "jx", "--role", "analyst", "--password-file", "pw", "--format", "json"])
        #expect(user["user"] as? String == "jx" && user["role"] as? String == "analyst" && user["change"] as? String == "added")
        let disabled = try object(["user", "disable", "jx", "--format", "json"])
        #expect(disabled["change"] as? String == "disabled")
        // A file that cannot be read: its row and column
        try "a,b\n1,\"x\n".write(to: dir.appendingPathComponent("unb.csv"), atomically: true, encoding: .utf8)
        let unreadable = try object(["inspect", "unb.csv", "--format", "json"])
        #expect(unreadable["row"] as? Int == 2 && unreadable["column"] as? String == "b", "\(unreadable)")
        // The same file imported twice: the version it already is
        try syntheticCSV(rows: 12).write(to: dir.appendingPathComponent("ok.csv"), atomically: true, encoding: .utf8)
        let first = try PIMBinary.run(["import", "ok.csv", "--dataset", "d", "--category", "protection-monitoring", "--purpose", "T"], in: dir)
        #expect(first.status == 0, "\(first.err)")
        let twice = try object(["import", "ok.csv", "--dataset", "d", "--purpose", "T", "--format", "json"])
        #expect(twice["duplicateOfVersion"] as? Int == 1, "\(twice)")
        // (QA11 I20: an export for Excel on Windows starts with a UTF-8 byte-order mark, only when asked)
        #expect(try PIMBinary.run(["export", "d", "--out", "e.csv", "--excel"], in: dir).status == 0)
        #expect(try PIMBinary.run(["export", "d", "--out", "p.csv"], in: dir).status == 0)
        #expect(Array(try Data(contentsOf: dir.appendingPathComponent("e.csv")).prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(try Data(contentsOf: dir.appendingPathComponent("p.csv")).first != 0xEF)
        #expect(try PIMBinary.run(["export", "d", "--out", "x.xlsx", "--format", "xlsx", "--excel"], in: dir).status != 0)
    }

    /// QA11 I6: the purpose, file name and provenance are shown with control characters made visible, as column
    /// names are, so that a file name or a field of the web's import form cannot drive the terminal.
    @Test func datasetShowAndInspectCannotDriveTheTerminal() throws {
        let dir = try initialisedWorkspace()
        let name = "e\u{1B}[7mx.csv"
        try syntheticCSV(rows: 5).write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        let imp = try PIMBinary.run(["import", name, "--dataset", "esc", "--category", "protection-monitoring", "--purpose", "p\u{1B}[7m",
                                     "--notes", "bad\u{1B}[2Jnote", "--source-org", "\u{1B}]0;pwn\u{07}DRC"], in: dir)
        #expect(imp.status == 0, "\(imp.err)")
        let show = try PIMBinary.run(["dataset", "show", "esc"], in: dir)
        #expect(show.status == 0, "\(show.err)")
        #expect(!show.out.contains("\u{1B}") && !show.out.contains("\u{07}"), "\(show.out)")
        #expect(show.out.contains("notes: bad\\u{1B}[2Jnote"), "\(show.out)")
        let inspect = try PIMBinary.run(["inspect", name], in: dir)
        #expect(!inspect.out.contains("\u{1B}"), "\(inspect.out)")
    }

    /// The JSON of `pim validate` and `pim import` gives each column's type and HXL tag (issue #3: "JSON for
    /// scripts, with row and column counts, types and tags").
    @Test func validateAndImportJSONGiveTypesAndTags() throws {
        // Given an HXL file of 5 rows
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 5).write(to: dir.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        let expected: [[String: String]] = [
            ["name": "record_id", "type": "text", "hxl": "#meta+id"], ["name": "adm1_code", "type": "text", "hxl": "#adm1+code"],
            ["name": "sex", "type": "text", "hxl": "#sex"], ["name": "age", "type": "integer", "hxl": "#age"],
            ["name": "date", "type": "date", "hxl": "#date"],
        ]
        // When it is validated and imported with --format json
        let v = try PIMBinary.run(["validate", "pm.csv", "--format", "json"], in: dir)
        let i = try PIMBinary.run(["import", "pm.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "Test",
                                   "--format", "json"], in: dir)
        #expect(i.status == 0, "\(i.err)")
        // Then both list the fields with their types and tags
        for r in [v, i] {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], "\(r.out)")
            #expect(json["fields"] as? [[String: String]] == expected, "\(r.out)")
        }
    }

    /// `pim inspect` of a workbook names the sheet it read, in its text and its JSON.
    @Test func inspectNamesTheSheetOfAWorkbook() throws {
        // Given a workbook whose only sheet is "Survey"
        let dir = try PIMBinary.scratch()
        let table = try Table(columns: [Column(name: "n", data: .integer(values: [1, 2], nulls: NullMask()))])
        try XLSXWriter.write(table, sheetName: "Survey", to: dir.appendingPathComponent("w.xlsx"))
        // When it is inspected
        let text = try PIMBinary.run(["inspect", "w.xlsx"], in: dir)
        let json = try PIMBinary.run(["inspect", "w.xlsx", "--format", "json"], in: dir)
        // Then both name the sheet; a CSV file has none
        #expect(text.out.hasPrefix("w.xlsx, sheet \"Survey\": 2 rows × 1 columns"), "\(text.out)\(text.err)")
        #expect(json.out.contains("\"sheet\" : \"Survey\""), "\(json.out)")
        try "n\n1\n".write(to: dir.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
        #expect(!(try PIMBinary.run(["inspect", "c.csv", "--format", "json"], in: dir).out.contains("\"sheet\"")))
    }

    /// An HXL export of a dataset whose schema tags no field has no hashtag row, and says so; one row is "1 row".
    @Test func anHXLExportWithoutTagsSaysItHasNoHashtagRow() throws {
        // Given a dataset of one untagged row
        let dir = try initialisedWorkspace()
        try "a,b\nx,1\n".write(to: dir.appendingPathComponent("plain.csv"), atomically: true, encoding: .utf8)
        let imp = try PIMBinary.run(["import", "plain.csv", "--dataset", "plain", "--category", "protection-monitoring", "--purpose", "Test"], in: dir)
        #expect(imp.status == 0, "\(imp.err)")
        // When it is exported as HXL CSV and HXL JSON
        for format in ["hxl", "hxl-json", "hxl-json-objects"] {
            let e = try PIMBinary.run(["export", "plain", "--format", format, "--out", "p-\(format).txt"], in: dir)
            // Then the export works, and a note says that the file has no hashtag row
            #expect(e.status == 0, "\(e.err)")
            #expect(e.err.contains("note: plain has no HXL tags"), "\(format): \(e.err)")
            #expect(e.out.contains("Wrote 1 row of plain version 1"), "\(e.out)")
        }
        // A plain CSV export says nothing of tags
        let csv = try PIMBinary.run(["export", "plain", "--format", "csv", "--out", "p.csv"], in: dir)
        #expect(csv.status == 0)
        #expect(!csv.err.contains("HXL"))
        // And `dataset show` counts one row as "1 row"
        let show = try PIMBinary.run(["dataset", "show", "plain"], in: dir)
        #expect(show.out.contains("v1: 1 row from plain.csv"), "\(show.out)")
    }

    /// `--out -` would otherwise write a file named "-" and report it as written.
    @Test func exportToDashIsRefusedInsteadOfWritingAFileNamedDash() throws {
        let dir = try initialisedWorkspace()
        try "a,b\nx,1\n".write(to: dir.appendingPathComponent("plain.csv"), atomically: true, encoding: .utf8)
        let imp = try PIMBinary.run(["import", "plain.csv", "--dataset", "plain", "--category", "protection-monitoring", "--purpose", "Test"], in: dir)
        #expect(imp.status == 0, "\(imp.err)")
        let e = try PIMBinary.run(["export", "plain", "--format", "csv", "--out", "-"], in: dir)
        #expect(e.status == 1)
        #expect(e.err.contains("--out - is not supported"), "\(e.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("-").path))
    }

    /// `--format json` answers on stdout whatever refuses the file (a file that cannot be read, one without
    /// columns), and the notes said on stderr are in its warnings too.
    @Test func everyImportAnswersInJSON() throws {
        let dir = try initialisedWorkspace()
        try "a,b\n1,2,3\n".write(to: dir.appendingPathComponent("ragged.csv"), atomically: true, encoding: .utf8)
        try "[{},{}]".write(to: dir.appendingPathComponent("empty.json"), atomically: true, encoding: .utf8)
        let create = ["--category", "protection-monitoring", "--purpose", "Test", "--format", "json"]
        for file in ["ragged.csv", "empty.json"] {
            let r = try PIMBinary.run(["import", file, "--dataset", "x"] + create, in: dir)
            #expect(r.status != 0)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], "\(file): \(r.out)")
            #expect(json["imported"] as? Bool == false)
            #expect((json["error"] as? String)?.contains(file) == true, "\(json)")
        }
        // inspect and validate answer in JSON too.
        for command in ["inspect", "validate"] {
            let r = try PIMBinary.run([command, "ragged.csv", "--format", "json"], in: dir)
            #expect(r.status != 0)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], "\(command): \(r.out)")
            #expect((json["error"] as? String)?.contains("ragged.csv") == true, "\(json)")
        }
        // A schema without fields is refused as such (it reached the store as an SQL error).
        try #"{"fields":[]}"#.write(to: dir.appendingPathComponent("none.json"), atomically: true, encoding: .utf8)
        try "a,b\n1,2\n".write(to: dir.appendingPathComponent("ok.csv"), atomically: true, encoding: .utf8)
        let noFields = try PIMBinary.run(["import", "ok.csv", "--dataset", "x", "--schema", "none.json"] + create, in: dir)
        #expect(noFields.status != 0)
        #expect(noFields.err.contains("the schema has no fields"), "\(noFields.err)")
        let empty = try PIMBinary.run(["import", "empty.json", "--dataset", "x"] + create, in: dir)
        #expect(empty.err.contains("no columns"))
        #expect(!empty.err.contains("syntax error"))
        // A stored import's JSON carries the notes: an unknown hashtag, the same file in another dataset.
        try syntheticCSV(rows: 10).replacingOccurrences(of: "#sex", with: "#gender")
            .write(to: dir.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        let first = try PIMBinary.run(["import", "pm.csv", "--dataset", "pm"] + create, in: dir)
        #expect(first.status == 0, "\(first.err)")
        let second = try PIMBinary.run(["import", "pm.csv", "--dataset", "pm2"] + create, in: dir)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(second.out.utf8)) as? [String: Any])
        let warnings = try #require(json["warnings"] as? [String])
        #expect(warnings.contains { $0.contains("#gender") })
        #expect(warnings.contains { $0.contains("already stored as version 1 of dataset \"pm\"") })
    }

    /// pim's own HXL JSON object export (keys are tagspecs) imports back into its dataset: each column is
    /// found by its tag.
    @Test func anHXLObjectExportImportsBackIntoItsDataset() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 12).write(to: dir.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        let first = try PIMBinary.run(["import", "pm.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T"], in: dir)
        #expect(first.status == 0, "\(first.err)")
        let e = try PIMBinary.run(["export", "pm", "--format", "hxl-json-objects", "--out", "pm.json"], in: dir)
        #expect(e.status == 0, "\(e.err)")
        let back = try PIMBinary.run(["import", "pm.json", "--dataset", "pm"], in: dir)
        #expect(back.status == 0, "\(back.err)")
        #expect(back.out.contains("Imported 12 rows into dataset \"pm\" as version 2"), "\(back.out)")
        #expect(back.err.contains("is read as the schema's field \"record_id\""), "\(back.err)")
        let a = try PIMBinary.run(["export", "pm", "--version", "1", "--format", "csv", "--out", "v1.csv"], in: dir)
        let b = try PIMBinary.run(["export", "pm", "--version", "2", "--format", "csv", "--out", "v2.csv"], in: dir)
        #expect(a.status == 0 && b.status == 0)
        #expect(try String(contentsOf: dir.appendingPathComponent("v1.csv"), encoding: .utf8)
            == String(contentsOf: dir.appendingPathComponent("v2.csv"), encoding: .utf8))
    }

    /// No output replaces the workspace's files (its database, its journal) or the file being read: each is
    /// refused before any work, and the workspace and the input stay as they were.
    @Test func outputsNeverReplaceTheWorkspaceOrTheInput() throws {
        let dir = try initialisedWorkspace()
        let csv = syntheticCSV(rows: 10)
        try csv.write(to: dir.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        let imp = try PIMBinary.run(["import", "pm.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T"], in: dir)
        #expect(imp.status == 0, "\(imp.err)")
        let database = try #require(FileManager.default.contentsOfDirectory(atPath: dir.path).first { name in
            FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).appendingPathComponent("pim.sqlite").path)
        })
        let db = "\(database)/pim.sqlite"
        let before = try Data(contentsOf: dir.appendingPathComponent(db))
        for args in [["export", "pm", "--format", "csv", "--out", db], ["inspect", "pm.csv", "--schema-out", db],
                     ["export", "pm", "--format", "xlsx", "--out", "\(database)/copy.xlsx"],
                     ["validate", "pm.csv", "--errors-out", "pm.csv"], ["inspect", "pm.csv", "--schema-out", "pm.csv"],
                     ["aggregate", "pm.csv", "--by", "sex", "--out", "pm.csv"]] {
            let r = try PIMBinary.run(args, in: dir)
            #expect(r.status != 0, "\(args)")
            #expect(r.err.contains("not written"), "\(args): \(r.err)")
        }
        #expect(try Data(contentsOf: dir.appendingPathComponent(db)) == before)
        #expect(try String(contentsOf: dir.appendingPathComponent("pm.csv"), encoding: .utf8) == csv)
        let show = try PIMBinary.run(["dataset", "show", "pm"], in: dir)
        #expect(show.status == 0, "\(show.err)")
    }

    /// A file already stored in another dataset is imported (a file may feed several datasets), and the
    /// earlier copy is named; a first import says nothing of the kind.
    @Test func theSameFileInAnotherDatasetIsSaid() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 20).write(to: dir.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        let first = try PIMBinary.run(["import", "pm.csv", "--dataset", "pm", "--category", "protection-monitoring",
                                       "--purpose", "Test"], in: dir)
        #expect(first.status == 0, "\(first.err)")
        #expect(!first.err.contains("already stored"))
        let second = try PIMBinary.run(["import", "pm.csv", "--dataset", "pm-north", "--category", "protection-monitoring",
                                        "--purpose", "Test"], in: dir)
        #expect(second.status == 0, "\(second.err)")
        #expect(second.err.contains("already stored as version 1 of dataset \"pm\""))
        #expect(second.out.contains("Imported 20 rows"))
        // The audit search takes the dataset's name in any case (names are unique regardless of case).
        let audit = try PIMBinary.run(["audit", "list", "--dataset", "PM-North", "--format", "json"], in: dir)
        #expect(audit.status == 0, "\(audit.err)")
        #expect(audit.out.contains("dataset.imported") || audit.out.contains("import"), "\(audit.out)")
    }

    @Test func importValidateInspectExportRoundTrip() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 200).write(to: dir.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        let inspect = try PIMBinary.run(["inspect", "pm.csv", "--format", "json", "--schema-out", "s.json"], in: dir)
        #expect(inspect.status == 0, "\(inspect.err)")
        #expect(inspect.out.contains("\"rows\" : 200"))
        #expect(inspect.out.contains("\"hxlRow\" : 2"))
        #expect(inspect.out.contains("\"firstDataRow\" : 3"))
        #expect(inspect.out.contains("\"columnInfo\""))
        #expect(!inspect.out.contains("R1-0"), "inspect must not print cell values")
        let imp = try PIMBinary.run(["import", "pm.csv", "--dataset", "pm", "--category", "protection-monitoring",
                                     "--purpose", "Test", "--source-org", "NGO1", "--period-start", "2026-01-01",
                                     "--period-end", "2026-03-31"], in: dir)
        #expect(imp.status == 0, "\(imp.err)")
        #expect(imp.out.contains("Imported 200 rows into new dataset \"pm\" as version 1"))
        // The same file again is detected and refused.
        let again = try PIMBinary.run(["import", "pm.csv", "--dataset", "pm"], in: dir)
        #expect(again.status != 0)
        #expect(again.err.contains("already imported as version 1"))
        let show = try PIMBinary.run(["dataset", "show", "pm", "--format", "json"], in: dir)
        #expect(show.out.contains("\"sourceOrganization\" : \"NGO1\""))
        #expect(show.out.contains("\"rowCount\" : 200"))
        // Export to HXL and read back the same number of data rows.
        let exp = try PIMBinary.run(["export", "pm", "--format", "hxl", "--out", "out.csv"], in: dir)
        #expect(exp.status == 0, "\(exp.err)")
        let text = try String(contentsOf: dir.appendingPathComponent("out.csv"), encoding: .utf8)
        #expect(text.split(whereSeparator: \.isNewline).count == 202)
        #expect(text.contains("#meta+id"))
        // HXL JSON, both styles, read back by pim itself with their tags
        for style in ["hxl-json", "hxl-json-objects"] {
            let out = "out-\(style).json"
            let e = try PIMBinary.run(["export", "pm", "--format", style, "--out", out], in: dir)
            #expect(e.status == 0, "\(e.err)")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(out)))
            if style == "hxl-json" {
                let rows = try #require(json as? [[Any]])
                #expect(rows.count == 202)
                #expect(rows[1].contains { $0 as? String == "#meta+id" })
            } else {
                let rows = try #require(json as? [[String: Any]])
                #expect(rows.count == 200)
                #expect(rows[0]["#meta+id"] as? String == "R1-0")
            }
            let back = try PIMBinary.run(["inspect", out, "--format", "json"], in: dir)
            #expect(back.status == 0, "\(back.err)")
            #expect(back.out.contains("\"rows\" : 200"))
            #expect(back.out.contains("#adm1+code"))
        }
        // import --format json: counts for scripts
        try syntheticCSV(rows: 30, badRows: [4], seed: 9).write(to: dir.appendingPathComponent("j.csv"), atomically: true, encoding: .utf8)
        let j = try PIMBinary.run(["import", "j.csv", "--dataset", "pm", "--mode", "import-valid", "--format", "json"], in: dir)
        #expect(j.status == 0, "\(j.err)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [String: Any])
        #expect(summary["version"] as? Int == 2)
        #expect(summary["rowsStored"] as? Int == 29)
        #expect(summary["rowsRejected"] as? Int == 1)
        #expect(summary["issueCount"] as? Int == 1)
        #expect((summary["countsByRule"] as? [String: Int])?["type"] == 1)
    }

    /// validate, datasets and dataset show give the column count beside the row count in JSON.
    @Test func jsonOutputsCountColumnsBesideRows() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 12).write(to: dir.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        let v = try PIMBinary.run(["validate", "pm.csv", "--format", "json"], in: dir)
        #expect(v.status == 0, "\(v.err)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(v.out.utf8)) as? [String: Any])
        #expect(summary["rowsRead"] as? Int == 12)
        #expect(summary["columns"] as? Int == 5)
        #expect(summary["file"] as? String == "pm.csv")
        let imp = try PIMBinary.run(["import", "pm.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T"], in: dir)
        #expect(imp.status == 0, "\(imp.err)")
        let list = try PIMBinary.run(["datasets", "--format", "json"], in: dir)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        #expect(entries.first?["latestRows"] as? Int == 12)
        #expect(entries.first?["columns"] as? Int == 5)
        let show = try PIMBinary.run(["dataset", "show", "pm", "--format", "json"], in: dir)
        let detail = try #require(try JSONSerialization.jsonObject(with: Data(show.out.utf8)) as? [String: Any])
        let versions = try #require(detail["versions"] as? [[String: Any]])
        #expect(versions.first?["rowCount"] as? Int == 12)
        #expect(versions.first?["columns"] as? Int == 5)
        // the version's own keys are all still there
        #expect(versions.first?["provenance"] is [String: Any])
        #expect(versions.first?["schema"] is [String: Any])
        #expect(versions.first?["number"] as? Int == 1)
    }

    /// inspect, validate and import warn about hashtags outside the HXL core dictionary, naming the tags only;
    /// extension tags are fine, and the file is still read.
    @Test func unknownHashtagsAreWarnedOnInspectValidateAndImport() throws {
        let dir = try initialisedWorkspace()
        let csv = "record_id,sex,age,score\n#meta+id,#sex,#age,#x_score\nR1,f,30,1\nR2,m,41,2\n"
        try csv.write(to: dir.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let inspect = try PIMBinary.run(["inspect", "t.csv", "--format", "json"], in: dir)
        #expect(inspect.status == 0, "\(inspect.err)")
        #expect(inspect.out.contains("2 HXL hashtags are not in the HXL core dictionary: #sex, #age;"), "\(inspect.out)")
        #expect(!inspect.out.contains("#x_score;"))
        let validate = try PIMBinary.run(["validate", "t.csv"], in: dir)
        #expect(validate.status == 0, "\(validate.err)")
        #expect(validate.err.contains("note: 2 HXL hashtags are not in the HXL core dictionary: #sex, #age;"), "\(validate.err)")
        let imp = try PIMBinary.run(["import", "t.csv", "--dataset", "t", "--category", "protection-monitoring", "--purpose", "T"], in: dir)
        #expect(imp.status == 0, "\(imp.err)")
        #expect(imp.err.contains("#sex, #age"), "\(imp.err)")
    }

    /// A hashtag row with tags that neither HXL's core dictionary, an extension tag nor pim gives a meaning
    /// (QA11 I18: #3 "a hashtag row with unknown tags … gets a clear error and nothing is stored"): validate and
    /// import refuse the file in every mode, located at the hashtag row and the column, with the likely core tag;
    /// a schema that declares the tag, or --allow-unknown-tags, accepts it.
    @Test func unknownHashtagsRefuseTheFileUnlessDeclaredOrAllowed() throws {
        let dir = try initialisedWorkspace()
        let csv = "record_id,district,score,sex\n#meta+id,#amd2+code,#foo+bar,#sex\nR1,XY0101,1,f\nR2,XY0102,2,m\n"
        try csv.write(to: dir.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let validate = try PIMBinary.run(["validate", "t.csv"], in: dir)
        #expect(validate.status == 1)
        #expect(validate.out.contains("t.csv:2:district: the column's hashtag #amd2"), "\(validate.out)")
        #expect(validate.out.contains("#adm2 if that is what is meant"), "\(validate.out)")
        #expect(validate.out.contains("t.csv:2:score: the column's hashtag #foo"), "\(validate.out)")
        #expect(!validate.out.contains(":sex:"), "\(validate.out)")
        for mode in ["reject", "import-valid"] {
            let imp = try PIMBinary.run(
                ["import", "t.csv", "--dataset", "t", "--category", "protection-monitoring", "--purpose", "T", "--mode", mode], in: dir)
            #expect(imp.status != 0)
            #expect(imp.err.contains("t.csv was not imported: its hashtag row has 2 tags"), "\(imp.err)")
            #expect(imp.err.contains("#amd2, #foo"), "\(imp.err)")
        }
        let json = try PIMBinary.run(
            ["import", "t.csv", "--dataset", "t", "--category", "protection-monitoring", "--purpose", "T", "--format", "json"], in: dir)
        #expect(json.status != 0)
        #expect(json.out.contains("unknown-hxl-tag"), "\(json.out)")
        #expect(!(try PIMBinary.run(["datasets", "--format", "json"], in: dir).out.contains("\"t\"")))
        #expect(try PIMBinary.run(["dataset", "show", "t"], in: dir).status != 0)
        // Accepted as it is when asked,
        let allowed = try PIMBinary.run(
            ["import", "t.csv", "--dataset", "t", "--category", "protection-monitoring", "--purpose", "T", "--allow-unknown-tags"], in: dir)
        #expect(allowed.status == 0, "\(allowed.err)")
        #expect(allowed.out.contains("Imported 2 rows"), "\(allowed.out)")
        // and under a schema that declares the tags: the next version needs no flag.
        try "record_id,district,score,sex\n#meta+id,#amd2+code,#foo+bar,#sex\nR3,XY0101,3,f\n"
            .write(to: dir.appendingPathComponent("t2.csv"), atomically: true, encoding: .utf8)
        let next = try PIMBinary.run(["import", "t2.csv", "--dataset", "t"], in: dir)
        #expect(next.status == 0, "\(next.err)")
        // A schema file that declares one of them only still refuses the other.
        let schema = ##"{"fields":[{"name":"record_id","type":"text","hxl":"#meta+id"},{"name":"score","type":"integer","hxl":"#foo+bar"},{"name":"district","type":"text"}]}"##
        try schema.write(to: dir.appendingPathComponent("s.json"), atomically: true, encoding: .utf8)
        let declared = try PIMBinary.run(["validate", "t.csv", "--schema", "s.json"], in: dir)
        #expect(declared.status == 1)
        #expect(declared.out.contains("t.csv:2:district:"), "\(declared.out)")
        #expect(!declared.out.contains("t.csv:2:score:"), "\(declared.out)")
        let both = try PIMBinary.run(["validate", "t.csv", "--schema", "s.json", "--allow-unknown-tags"], in: dir)
        #expect(both.status == 0, "\(both.out)")
    }

    /// Column names come from the file: in validate's issues and in the notes of validate, import and inspect,
    /// their control characters are shown escaped, so a file cannot drive the terminal (set its title, colour).
    @Test func columnNamesInIssuesAndNotesCannotDriveTheTerminal() throws {
        let dir = try initialisedWorkspace()
        let evil = "\u{1B}]0;x\u{07}\u{1B}[31mred"
        let csv = "id,\(evil),grp/\(evil),_id,_uuid,_submission_time,_index\nx,2,3,1,u1,2024-01-01T00:00:00,1\n"
        try csv.write(to: dir.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let schema = #"{"fields":[{"name":"id","type":"integer"}]}"#
        try schema.write(to: dir.appendingPathComponent("s.json"), atomically: true, encoding: .utf8)
        let validate = try PIMBinary.run(["validate", "t.csv", "--schema", "s.json"], in: dir)
        #expect(validate.status == 1)
        let imp = try PIMBinary.run(
            ["import", "t.csv", "--dataset", "t", "--category", "protection-monitoring", "--purpose", "T",
             "--schema", "s.json", "--mode", "import-valid"], in: dir)
        let inspect = try PIMBinary.run(["inspect", "t.csv"], in: dir)
        for r in [validate, imp, inspect] {
            #expect(!r.err.contains("\u{1B}") && !r.out.contains("\u{1B}"), "\(r.err)\(r.out)")
        }
        #expect(validate.out.contains("t.csv:2:id:"), "\(validate.out)")
        #expect(imp.err.contains("\\u{1B}[31mred"), "\(imp.err)")
        // And an error that names such a column (a repeated name) says it escaped, with the usual status
        try "\(evil),\(evil)\n1,2\n".write(to: dir.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let dup = try PIMBinary.run(["inspect", "d.csv"], in: dir)
        #expect(dup.status == 1)
        #expect(!dup.err.contains("\u{1B}"), "\(dup.err)")
        #expect(dup.err.hasPrefix("Error: d.csv:1:\\u{1B}]0;x\\u{7}"), "\(dup.err)")
    }

    /// A text field keeps the file's text even where the reader typed the column (`4.50`, `1.10`, `1e3` as
    /// decimals, `TRUE` as a boolean): codes `1.10` and `1.1` stay two codes.
    @Test func aTextFieldKeepsTheFilesOwnText() throws {
        let dir = try initialisedWorkspace()
        try "code,flag\n4.50,TRUE\n1.10,False\n1e3,true\n1.1,FALSE\n".write(
            to: dir.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let schema = #"{"fields":[{"name":"code","type":"text","unique":true},{"name":"flag","type":"text"}]}"#
        try schema.write(to: dir.appendingPathComponent("s.json"), atomically: true, encoding: .utf8)
        let validate = try PIMBinary.run(["validate", "t.csv", "--schema", "s.json"], in: dir)
        #expect(validate.status == 0, "\(validate.err)")
        let imp = try PIMBinary.run(
            ["import", "t.csv", "--dataset", "t", "--category", "protection-monitoring", "--purpose", "T", "--schema", "s.json"],
            in: dir)
        #expect(imp.status == 0, "\(imp.err)")
        let export = try PIMBinary.run(["export", "t", "--format", "csv", "--out", "out.csv"], in: dir)
        #expect(export.status == 0, "\(export.err)")
        let text = try String(contentsOf: dir.appendingPathComponent("out.csv"), encoding: .utf8)
        #expect(text == "code,flag\r\n4.50,TRUE\r\n1.10,False\r\n1e3,true\r\n1.1,FALSE\r\n", "\(text)")
    }

    /// A cell over the limit names the option that raises it; with --max-cell-mb the same file reads.
    @Test func aLargeCellCanBeAllowedWithMaxCellMB() throws {
        let dir = try PIMBinary.scratch()
        // Given a CSV whose one note is 2 MB (over the 1 MB default)
        let big = String(repeating: "x", count: 2 << 20)
        try "id,note\n1,\"\(big)\"\n2,short\n".write(to: dir.appendingPathComponent("big.csv"), atomically: true, encoding: .utf8)
        // Then the default refuses it, naming the place and the option
        let refused = try PIMBinary.run(["inspect", "big.csv"], in: dir)
        #expect(refused.status != 0)
        #expect(refused.err.contains("big.csv:2:note: a cell is larger than 1 MB"), "\(refused.err)")
        #expect(refused.err.contains("--max-cell-mb"), "\(refused.err)")
        // and a limit of 3 MB reads it, for validate too
        let inspect = try PIMBinary.run(["inspect", "big.csv", "--max-cell-mb", "3", "--format", "json"], in: dir)
        #expect(inspect.status == 0, "\(inspect.err)")
        #expect(inspect.out.contains("\"rows\" : 2"))
        let validate = try PIMBinary.run(["validate", "big.csv", "--max-cell-mb", "3"], in: dir)
        #expect(validate.status == 0, "\(validate.err)")
        // A limit out of range is refused before reading.
        let zero = try PIMBinary.run(["inspect", "big.csv", "--max-cell-mb", "0"], in: dir)
        #expect(zero.status != 0)
        #expect(zero.err.contains("--max-cell-mb takes a whole number"), "\(zero.err)")
    }

    @Test func rejectModeStoresNothingAndImportValidStoresTheRest() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 50).write(to: dir.appendingPathComponent("v1.csv"), atomically: true, encoding: .utf8)
        _ = try PIMBinary.run(["import", "v1.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T"], in: dir)
        try syntheticCSV(rows: 50, badRows: [3, 10], seed: 2).write(to: dir.appendingPathComponent("v2.csv"), atomically: true, encoding: .utf8)
        let reject = try PIMBinary.run(["import", "v2.csv", "--dataset", "pm", "--errors-out", "issues.csv"], in: dir)
        #expect(reject.status != 0)
        #expect(reject.err.contains("v2.csv:6:age: not an integer"))
        #expect(reject.err.contains("v2.csv:13:age"))
        #expect(reject.err.contains("was not imported"))
        let issues = try String(contentsOf: dir.appendingPathComponent("issues.csv"), encoding: .utf8)
        #expect(issues.split(whereSeparator: \.isNewline).count == 3)
        let list = try PIMBinary.run(["datasets", "--format", "json"], in: dir)
        #expect(list.out.contains("\"versions\" : 1"))
        let partial = try PIMBinary.run(["import", "v2.csv", "--dataset", "pm", "--mode", "import-valid"], in: dir)
        #expect(partial.status == 0, "\(partial.err)")
        #expect(partial.out.contains("Imported 48 rows"))
        #expect(partial.out.contains("2 rows with issues left out"))
        // A file with no valid row is refused in every mode: an empty version would hide the last good one.
        try syntheticCSV(rows: 3, badRows: [0, 1, 2], seed: 3).write(to: dir.appendingPathComponent("v3.csv"), atomically: true, encoding: .utf8)
        let none = try PIMBinary.run(["import", "v3.csv", "--dataset", "pm", "--mode", "import-valid"], in: dir)
        #expect(none.status != 0)
        #expect(none.err.contains("none of its 3 rows is valid"), "\(none.err)")
        try "record_id,adm1_code,sex,age,date\n".write(to: dir.appendingPathComponent("v4.csv"), atomically: true, encoding: .utf8)
        let empty = try PIMBinary.run(["import", "v4.csv", "--dataset", "pm", "--mode", "import-valid"], in: dir)
        #expect(empty.status != 0)
        #expect(empty.err.contains("no data rows"), "\(empty.err)")
        let after = try PIMBinary.run(["datasets", "--format", "json"], in: dir)
        #expect(after.out.contains("\"versions\" : 2"))
    }

    /// A refused file with `--format json` still prints one JSON object on stdout (why, the counts and every
    /// issue) and exits non-zero; nothing is stored.
    @Test func aRefusedImportPrintsItsProblemsAsJSON() throws {
        // Given a dataset with one version, and a second file with two bad ages
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 20).write(to: dir.appendingPathComponent("v1.csv"), atomically: true, encoding: .utf8)
        _ = try PIMBinary.run(["import", "v1.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T"], in: dir)
        try syntheticCSV(rows: 20, badRows: [3, 10], seed: 2).write(to: dir.appendingPathComponent("v2.csv"), atomically: true, encoding: .utf8)
        // When it is imported in reject mode with --format json
        let r = try PIMBinary.run(["import", "v2.csv", "--dataset", "pm", "--format", "json"], in: dir)
        // Then the status is non-zero and stdout is a JSON object with the problems and the counts
        #expect(r.status != 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], "stdout: \(r.out)")
        #expect(json["imported"] as? Bool == false)
        #expect(json["rowsRead"] as? Int == 20)
        #expect(json["columns"] as? Int == 5)
        #expect(json["rowsValid"] as? Int == 18)
        #expect(json["rowsRejected"] as? Int == 2)
        #expect(json["issueCount"] as? Int == 2)
        #expect((json["countsByRule"] as? [String: Int])?["type"] == 2)
        // (The keys it shares with validate's JSON are validate's: a script reads both the same way.)
        let problems = try #require(json["issues"] as? [[String: Any]])
        #expect(problems.map { $0["row"] as? Int } == [6, 13])
        #expect(problems.allSatisfy { $0["column"] as? String == "age" })
        #expect((json["error"] as? String)?.contains("2 issues") == true)
        #expect(r.err.contains("was not imported"))
        // and nothing was stored
        let list = try PIMBinary.run(["datasets", "--format", "json"], in: dir)
        #expect(list.out.contains("\"versions\" : 1"))
        // A file with no valid row is refused as JSON too.
        try syntheticCSV(rows: 2, badRows: [0, 1], seed: 3).write(to: dir.appendingPathComponent("v3.csv"), atomically: true, encoding: .utf8)
        let none = try PIMBinary.run(["import", "v3.csv", "--dataset", "pm", "--mode", "import-valid", "--format", "json"], in: dir)
        #expect(none.status != 0)
        let noneJSON = try #require(try JSONSerialization.jsonObject(with: Data(none.out.utf8)) as? [String: Any], "stdout: \(none.out)")
        #expect(noneJSON["rowsValid"] as? Int == 0)
        #expect((noneJSON["issues"] as? [Any])?.count == 2)
        // The same file again is refused as JSON too.
        let again = try PIMBinary.run(["import", "v1.csv", "--dataset", "pm", "--format", "json"], in: dir)
        #expect(again.status != 0)
        let againJSON = try #require(try JSONSerialization.jsonObject(with: Data(again.out.utf8)) as? [String: Any], "stdout: \(again.out)")
        #expect(againJSON["imported"] as? Bool == false)
        #expect((againJSON["error"] as? String)?.contains("already imported as version 1") == true)
    }

    /// A schema given for an existing dataset that lowers a disclosure role (or drops a field) is refused,
    /// naming the change; confirmed with --replace-schema it replaces the stored schema and is audited.
    @Test func aDifferentSchemaForAnExistingDatasetNeedsConfirmation() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 20).write(to: dir.appendingPathComponent("v1.csv"), atomically: true, encoding: .utf8)
        let inspect = try PIMBinary.run(["inspect", "v1.csv", "--schema-out", "s.json"], in: dir)
        #expect(inspect.status == 0, "\(inspect.err)")
        #expect(try PIMBinary.run(["import", "v1.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T",
                                   "--schema", "s.json"], in: dir).status == 0)
        // The same schema again is fine.
        try syntheticCSV(rows: 20, seed: 2).write(to: dir.appendingPathComponent("v2.csv"), atomically: true, encoding: .utf8)
        #expect(try PIMBinary.run(["import", "v2.csv", "--dataset", "pm", "--schema", "s.json"], in: dir).status == 0)
        // A schema that makes the record id an ordinary field
        let data = try Data(contentsOf: dir.appendingPathComponent("s.json"))
        var json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var fields = try #require(json["fields"] as? [[String: Any]])
        let id = try #require(fields.firstIndex { $0["name"] as? String == "record_id" })
        #expect(fields[id]["role"] as? String == "direct-identifier")
        fields[id]["role"] = "other"
        json["fields"] = fields
        try JSONSerialization.data(withJSONObject: json).write(to: dir.appendingPathComponent("lowered.json"))
        try syntheticCSV(rows: 20, seed: 3).write(to: dir.appendingPathComponent("v3.csv"), atomically: true, encoding: .utf8)
        let refused = try PIMBinary.run(["import", "v3.csv", "--dataset", "pm", "--schema", "lowered.json"], in: dir)
        #expect(refused.status != 0)
        #expect(refused.err.contains("record_id: role direct-identifier → other"), "\(refused.err)")
        #expect(refused.err.contains("--replace-schema"))
        var show = try PIMBinary.run(["dataset", "show", "pm", "--format", "json"], in: dir)
        #expect(show.out.contains("\"rowCount\" : 20"))
        #expect(!show.out.contains("\"number\" : 3"))
        // Confirmed: stored, the schema replaced, the change in the audit log
        let replaced = try PIMBinary.run(["import", "v3.csv", "--dataset", "pm", "--schema", "lowered.json", "--replace-schema"], in: dir)
        #expect(replaced.status == 0, "\(replaced.err)")
        #expect(replaced.err.contains("was replaced"))
        show = try PIMBinary.run(["dataset", "show", "pm", "--format", "json"], in: dir)
        #expect(show.out.contains("\"number\" : 3"))
        let audit = try PIMBinary.run(["audit", "list", "--action", "dataset.schema.changed", "--format", "json"], in: dir)
        #expect(audit.status == 0, "\(audit.err)")
        #expect(audit.out.contains("direct-identifier->other"))
    }

    /// The meta columns of a KoboToolbox export.
    static let koboMeta = "_uuid,_id,_submission_time,_index"

    /// An initialised workspace holding `files` (name → text).
    static func workspace(with files: [String: String]) throws -> URL {
        let dir = try initialisedWorkspace()
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    /// QA11 I26: a KoboToolbox question fills the field it filled before, whatever its short name in this month's
    /// export. The form gained `hh/age`, so `resp/age` kept its path; a month without `resp/age` is not filled from
    /// `hh/age`, which has the same short name.
    @Test func aKoboQuestionFillsItsFieldWhateverQuestionsTheFormGains() throws {
        // Given a dataset made from January's export, where resp/age was read as age
        let meta = Self.koboMeta
        let dir = try Self.workspace(with: [
            "jan.csv": "resp/age,resp/sex,\(meta)\n30,f,u1,1,2026-01-01,1\n40,m,u2,2,2026-01-02,2\n",
            "feb.csv": "resp/age,resp/sex,hh/age,\(meta)\n31,f,5,u3,3,2026-02-01,1\n41,m,6,u4,4,2026-02-02,2\n",
            "mar.csv": "hh/age,resp/sex,\(meta)\n7,f,u5,5,2026-03-01,1\n",
        ])
        let jan = try PIMBinary.run(["import", "jan.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "Monitoring"], in: dir)
        #expect(jan.status == 0, "\(jan.err)")
        let show = try PIMBinary.run(["dataset", "show", "pm", "--format", "json"], in: dir)
        #expect(show.out.contains("\"kobo_path\" : \"resp\\/age\"") || show.out.contains("\"kobo_path\" : \"resp/age\""), "\(show.out)")
        // When February's export, with hh/age beside it, is imported
        let feb = try PIMBinary.run(["import", "feb.csv", "--dataset", "pm"], in: dir)
        // Then resp/age fills age, and hh/age is left out
        #expect(feb.status == 0, "\(feb.err)")
        #expect(feb.err.contains("not stored (data minimisation): hh/age"), "\(feb.err)")
        let out = try PIMBinary.run(["export", "pm", "--format", "csv", "--out", "feb-out.csv"], in: dir)
        #expect(out.status == 0, "\(out.err)")
        let exported = try String(contentsOf: dir.appendingPathComponent("feb-out.csv"), encoding: .utf8)
        #expect(exported.hasPrefix("age,sex,"), "\(exported)")
        #expect(exported.contains("\n31,f,") && exported.contains("\n41,m,") && !exported.contains("\n5,"), "\(exported)")
        // And March's hh/age, read as age, does not fill the field: the question it came from is missing
        let mar = try PIMBinary.run(["import", "mar.csv", "--dataset", "pm"], in: dir)
        #expect(mar.status != 0)
        #expect(mar.out.contains("mar.csv:1:age: the column is missing") || mar.err.contains("mar.csv:1:age: the column is missing"), "\(mar.out)\(mar.err)")
    }

    /// Review of QA11 I26: a question kept with its path (beside a sibling of the same name) still fills its field
    /// when the sibling goes, and a new question outside any group named like a field does not fill it.
    @Test func aKoboQuestionKeepsItsFieldWhenSiblingsComeAndGo() throws {
        let meta = Self.koboMeta
        let dir = try Self.workspace(with: [
            "jan.csv": "resp/age,hh/age,resp/sex,\(meta)\n30,5,f,u1,1,2026-01-01,1\n40,,m,u2,2,2026-01-02,2\n",
            "feb.csv": "resp/age,resp/sex,\(meta)\n31,f,u3,3,2026-02-01,1\n",
            "one.csv": "resp/age,resp/sex,\(meta)\n50,f,u5,5,2026-01-01,1\n",
            "two.csv": "resp/age,age,resp/sex,\(meta)\n52,99,f,u6,6,2026-02-01,1\n",
        ])
        // January: both ages keep their paths, as fields resp/age and hh/age (hh/age optional: one is blank)
        let jan = try PIMBinary.run(["import", "jan.csv", "--dataset", "ages", "--category", "protection-monitoring", "--purpose", "Monitoring"], in: dir)
        #expect(jan.status == 0, "\(jan.err)")
        // February: resp/age alone is read as age, and still fills resp/age
        let feb = try PIMBinary.run(["import", "feb.csv", "--dataset", "ages"], in: dir)
        #expect(feb.status == 0, "\(feb.err)")
        #expect(try PIMBinary.run(["export", "ages", "--format", "csv", "--out", "ages.csv"], in: dir).status == 0)
        let ages = try String(contentsOf: dir.appendingPathComponent("ages.csv"), encoding: .utf8)
        #expect(ages.hasPrefix("resp/age,hh/age,") && ages.contains("\n31,,f,"), "\(ages)")
        // A dataset whose field age came from resp/age: a new question "age" outside any group does not fill it
        let one = try PIMBinary.run(["import", "one.csv", "--dataset", "solo", "--category", "protection-monitoring", "--purpose", "Monitoring"], in: dir)
        #expect(one.status == 0, "\(one.err)")
        let two = try PIMBinary.run(["import", "two.csv", "--dataset", "solo"], in: dir)
        #expect(two.status == 0, "\(two.err)")
        #expect(two.err.contains("not stored (data minimisation): /age"), "\(two.err)")
        #expect(try PIMBinary.run(["export", "solo", "--format", "csv", "--out", "solo.csv"], in: dir).status == 0)
        let solo = try String(contentsOf: dir.appendingPathComponent("solo.csv"), encoding: .utf8)
        #expect(solo.hasPrefix("age,sex,") && solo.contains("\n52,f,") && !solo.contains("99"), "\(solo)")
    }

    /// QA11 I22: the column of the field's name carries another tag than the field's, and another column carries the
    /// field's tag: the file is refused, naming both, instead of storing names as P-codes and dropping the codes.
    @Test func aColumnNamedAsAFieldButTaggedAsAnotherIsAnIssue() throws {
        let dir = try initialisedWorkspace()
        let schema = ##"{"fields":[{"name":"Place","hxl":"#adm1+code","type":"text","role":"quasi-identifier"},{"name":"n","type":"integer","role":"other"}]}"##
        try schema.write(to: dir.appendingPathComponent("s.json"), atomically: true, encoding: .utf8)
        try "Place,Code,n\n#adm1+name,#adm1+code,#affected\nKhartoum,SD01,3\n".write(
            to: dir.appendingPathComponent("f.csv"), atomically: true, encoding: .utf8)
        let v = try PIMBinary.run(["validate", "f.csv", "--schema", "s.json"], in: dir)
        #expect(v.status != 0)
        #expect(v.out.contains("f.csv:2:Place: the column is tagged #adm1+name, but the schema's field Place is #adm1+code, the tag of column \"Code\""), "\(v.out)")
        #expect(!v.out.contains("Khartoum") && !v.err.contains("Khartoum"))
        let i = try PIMBinary.run(["import", "f.csv", "--dataset", "amb", "--category", "population-data", "--purpose", "t",
                                   "--schema", "s.json", "--mode", "import-valid"], in: dir)
        #expect(i.status != 0)
        #expect(try PIMBinary.run(["datasets"], in: dir).out.contains("amb") == false)
        // The same file without the contradicting tag is read by name, as before
        try "Place,Code,n\n#adm1+code,#x_code,#affected\nSD01,SD01,3\n".write(
            to: dir.appendingPathComponent("g.csv"), atomically: true, encoding: .utf8)
        let g = try PIMBinary.run(["validate", "g.csv", "--schema", "s.json"], in: dir)
        #expect(g.status == 0, "\(g.out)\(g.err)")
    }

    @Test func newDatasetNeedsACategoryAndAPurpose() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 5).write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        let noCat = try PIMBinary.run(["import", "a.csv", "--dataset", "x"], in: dir)
        #expect(noCat.err.contains("--category"))
        let badCat = try PIMBinary.run(["import", "a.csv", "--dataset", "x", "--category", "nutrition", "--purpose", "p"], in: dir)
        #expect(badCat.status != 0)
        #expect(badCat.err.contains("case-management"))
        let noPurpose = try PIMBinary.run(["import", "a.csv", "--dataset", "x", "--category", "case-management"], in: dir)
        #expect(noPurpose.err.contains("--purpose"))
        let list = try PIMBinary.run(["datasets", "--format", "json"], in: dir)
        #expect(list.out.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || list.out.contains("[]"))
    }

    /// A schema file with a key pim does not know is refused, naming the key and where it is: ignoring a
    /// misspelt constraint would let the file pass a check that is never made.
    @Test func aSchemaWithAnUnknownKeyIsRefused() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 5).write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        let schema = #"{"fields":[{"name":"record_id","type":"text"},{"name":"adm1_code","type":"text"},"#
            + #"{"name":"sex","type":"text","allowed":["x"]},{"name":"age","type":"integer"},{"name":"date","type":"date"}]}"#
        try schema.write(to: dir.appendingPathComponent("s.json"), atomically: true, encoding: .utf8)
        let r = try PIMBinary.run(["validate", "a.csv", "--schema", "s.json"], in: dir)
        #expect(r.status != 0)
        #expect(r.err.contains("unknown key \"allowed\""), "\(r.err)")
        #expect(r.err.contains("fields[2]"), "\(r.err)")
        let fixed = schema.replacingOccurrences(of: "\"allowed\"", with: "\"allowed_values\"")
        try fixed.write(to: dir.appendingPathComponent("s.json"), atomically: true, encoding: .utf8)
        let checked = try PIMBinary.run(["validate", "a.csv", "--schema", "s.json"], in: dir)
        #expect(checked.status != 0, "sex values are not in the allowed list")
        #expect(checked.out.contains("allowed"), "\(checked.out)")
    }

    /// A schema field that is not required may be absent from the file (a warning names it); a required one
    /// may not. The summary counts in words: "1 issue", not "1 issues".
    @Test func aMissingOptionalColumnIsAWarningAndASingleIssueIsSingular() throws {
        // Given a schema whose date is optional, and a file without it
        let dir = try initialisedWorkspace()
        let schema = #"{"fields":[{"name":"record_id","type":"text","required":true},{"name":"adm1_code","type":"text"},"#
            + #"{"name":"sex","type":"text"},{"name":"age","type":"integer","required":true},{"name":"date","type":"date"}]}"#
        try schema.write(to: dir.appendingPathComponent("s.json"), atomically: true, encoding: .utf8)
        let noDate = syntheticCSV(rows: 10).split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
        try (noDate.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        // When it is validated and imported
        let r = try PIMBinary.run(["validate", "a.csv", "--schema", "s.json"], in: dir)
        // Then it passes with a warning naming the column
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("warning: a.csv:2:date: the column is missing; the schema does not require it"), "\(r.err)")
        let imp = try PIMBinary.run(["import", "a.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T",
                                     "--schema", "s.json", "--format", "json"], in: dir)
        #expect(imp.status == 0, "\(imp.err)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(imp.out.utf8)) as? [String: Any])
        #expect(summary["rowsStored"] as? Int == 10)
        #expect((summary["warnings"] as? [String])?.contains { $0.contains("the column is missing") && $0.contains("date") } == true)
        // A required column missing is still an error, counted in the singular
        let noAge = syntheticCSV(rows: 10).split(separator: "\n").map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).enumerated().filter { $0.offset != 3 }.map(\.element).joined(separator: ",")
        }
        try (noAge.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        let bad = try PIMBinary.run(["validate", "b.csv", "--schema", "s.json"], in: dir)
        #expect(bad.status != 0)
        // (The issues are validate's result: on standard output, QA11 I1.)
        #expect(bad.out.contains("b.csv:2:age: the column is missing"), "\(bad.out)")
        #expect(bad.out.contains("1 issue in 10 of 10 rows"), "\(bad.out)")
        #expect(!bad.out.contains("1 issues"))
        // Importing it, even with --mode import-valid, is refused for the missing column, without advice to
        // use the mode already given.
        let refused = try PIMBinary.run(["import", "b.csv", "--dataset", "pm", "--schema", "s.json", "--mode", "import-valid"], in: dir)
        #expect(refused.status != 0)
        #expect(refused.err.contains("1 required column is missing"), "\(refused.err)")
        #expect(!refused.err.contains("use --mode import-valid"), "\(refused.err)")
    }

    /// A new dataset whose name differs from a stored one only in case is refused, naming the stored one.
    @Test func aNameDifferingOnlyInCaseIsTheSameDataset() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 5).write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        try syntheticCSV(rows: 6, seed: 2).write(to: dir.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        let first = try PIMBinary.run(
            ["import", "a.csv", "--dataset", "Registration", "--category", "protection-monitoring", "--purpose", "p"], in: dir)
        #expect(first.status == 0, "\(first.err)")
        let variant = try PIMBinary.run(
            ["import", "b.csv", "--dataset", "registration", "--category", "protection-monitoring", "--purpose", "p"], in: dir)
        #expect(variant.status != 0)
        #expect(variant.err.contains("\"Registration\" already exists"), "\(variant.err)")
        let list = try PIMBinary.run(["datasets", "--format", "json"], in: dir)
        #expect(!list.out.contains("\"registration\""))
    }

    /// A dataset looked up with the wrong case is not found, and the error suggests the stored name.
    @Test func aNameInTheWrongCaseSuggestsTheStoredOne() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 5).write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        let imp = try PIMBinary.run(["import", "a.csv", "--dataset", "pm1", "--category", "protection-monitoring", "--purpose", "p"], in: dir)
        #expect(imp.status == 0, "\(imp.err)")
        for command in [["dataset", "show", "PM1"], ["export", "PM1", "--out", "x.csv"], ["risk", "PM1"]] {
            let r = try PIMBinary.run(command, in: dir)
            #expect(r.status != 0)
            #expect(r.err.contains("There is no dataset \"PM1\"; did you mean \"pm1\"?"), "\(command): \(r.err)")
        }
        // A name matching nothing has no suggestion.
        let other = try PIMBinary.run(["dataset", "show", "pm2"], in: dir)
        #expect(other.status != 0)
        #expect(other.err.contains("There is no dataset \"pm2\"."), "\(other.err)")
        #expect(!other.err.contains("did you mean"))
    }

    /// kill -9 at random moments of an import: the store holds either no version or the complete one.
    @Test func killedImportLeavesThePreviousOrTheCompleteVersion() async throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 60_000, seed: 9).write(to: dir.appendingPathComponent("big.csv"), atomically: true, encoding: .utf8)
        var sawComplete = false
        var sawNothing = false
        for attempt in 0..<6 {
            let p = Process()
            p.executableURL = PIMBinary.url
            p.arguments = ["import", "big.csv", "--dataset", "big", "--category", "population-data", "--purpose", "kill test"]
            p.currentDirectoryURL = dir
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            try await Task.sleep(for: .milliseconds(100 + attempt * 150))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let store = try SQLiteStore(directory: dir.appendingPathComponent("pim-data"), mode: .readOnly)
            if let d = try await store.dataset(named: "big") {
                let versions = try await store.versions(of: d.id)
                #expect(versions.count == 1)
                if let v = versions.first {
                    #expect(v.rowCount == 60_000)
                    #expect(try await store.table(of: v).rowCount == 60_000)
                    sawComplete = true
                }
            } else {
                sawNothing = true
            }
            #expect(try await store.verifyAuditChain().description.contains("intact"))
            try await store.close()
            if sawComplete { break }
        }
        // The lock died with the process: a new writer gets in at once.
        let after = try SQLiteStore(directory: dir.appendingPathComponent("pim-data"))
        try await after.close()
        #expect(sawNothing || sawComplete)
    }
}
