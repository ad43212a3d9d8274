import Foundation
import PIMSQLite
import Testing

/// End-to-end runs of `pim risk` and `pim aggregate` on small synthetic files.
@Suite struct DisclosureCLITests {
    @Test func aBadWeightIsLocatedAsInTheSpreadsheet() throws {
        // Given a file with a header (row 1), an HXL row (row 2), and a negative weight on spreadsheet row 4
        let dir = try PIMBinary.scratch()
        try "a,w\n#x,#weight\nx,3\nx,-1\ny,4\n".write(to: dir.appendingPathComponent("wth.csv"), atomically: true, encoding: .utf8)
        // When its risk is measured with that weight
        let r = try PIMBinary.run(["risk", "wth.csv", "--keys", "a", "--weight", "w"], in: dir)
        // Then the error names the file, the row as `pim validate` counts it, and the column
        #expect(r.status != 0)
        #expect(r.err.contains("wth.csv:4:w: the weight must be a non-negative number"), "\(r.err)")
        #expect(!r.err.contains("-1"))
    }

    /// QA10 Q15: on these 100 synthetic records with k = 24, local suppression keeps adm2 under a suppressed adm1
    /// in many rows; `pim anonymize` suppresses those adm2 values too and says so.
    @Test func aFinerAreaIsNeverKeptUnderASuppressedCoarserOne() throws {
        let dir = try PIMBinary.scratch()
        var state: UInt64 = 5
        func next(_ m: Int) -> Int { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int((state >> 33) % UInt64(m)) }
        var csv = "record_id,adm1_code,adm2_code,sex,age\n"
        for i in 1...100 {
            let a = "SD0\(1 + next(3))", b = a + "0\(1 + next(2))", sex = next(2) == 0 ? "female" : "male"
            csv += "R\(i),\(a),\(b),\(sex),\(next(81))\n"
        }
        try csv.write(to: dir.appendingPathComponent("na.csv"), atomically: true, encoding: .utf8)
        let r = try PIMBinary.run(["anonymize", "na.csv", "--k", "24", "--keys", "adm1_code,adm2_code,sex,age", "--recode", "age=bands",
                                   "--drop", "record_id", "--out", "o.csv"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("finer admin-level values in records whose coarser level was suppressed"), "\(r.out)")
        let lines = try String(contentsOf: dir.appendingPathComponent("o.csv"), encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        #expect(lines.count == 100)
        #expect(!lines.contains { $0.hasPrefix(",SD0") })
    }

    @Test func agesOutsideEveryBandAreReportedAsSetToMissing() throws {
        // Given ages of which one is negative
        let dir = try PIMBinary.scratch()
        var csv = "age,sex\n-1,f\n"
        for i in 0..<9 { csv += "\(20 + i),\(i % 2 == 0 ? "f" : "m")\n" }
        try csv.write(to: dir.appendingPathComponent("ages.csv"), atomically: true, encoding: .utf8)
        // When ages are banded on anonymisation
        let r = try PIMBinary.run(["anonymize", "ages.csv", "--k", "2", "--keys", "age,sex", "--recode", "age=bands", "--out", "o.csv"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        // Then the summary and the report say that one value of age was set to missing by recoding
        #expect(r.out.contains("Set to missing by recoding"), "\(r.out)")
        #expect(r.out.contains("age 1"))
        let md = try String(contentsOf: dir.appendingPathComponent("o.csv.report.md"), encoding: .utf8)
        #expect(md.contains("## Information loss"))
        #expect(md.contains("Set to missing by recoding"))
    }

    /// --by and --sum take an HXL tag pattern where a column name is expected; a pattern matching several
    /// columns, or nothing, is an error that names the columns (the full list, even for a file read by name).
    /// A release whose audit event cannot be written (another process holds the data directory) leaves no
    /// file behind: the table is written only once the release is recorded.
    /// `pim aggregate --cell-key` perturbs a stored dataset's counts: no count between 1 and min-cell − 1, a
    /// cell holding the same records shows the same count in two tables (so one table's total does not give
    /// away another's small cell), the same table twice is the same, and a file is refused (its records have
    /// no secret keys).
    /// QA10 F18: `pim aggregate` of a stored dataset counted records whose consent to reporting was refused
    /// or withdrawn, which the shareable outputs and shares leave out. A table is a report: they are not counted.
    @Test func aStoredDatasetsTableLeavesOutRecordsThatRefusedReporting() throws {
        // Given 40 records, of which R3 and R4 refused reporting at collection and R5 withdrew it since, and R4's
        // refusal was later reversed by a recorded grant
        let dir = try initialisedWorkspace()
        var csv = "record_id,sex,consent_reporting\n"
        for i in 1...40 { csv += "R\(i),\(i % 2 == 0 ? "f" : "m"),\(i == 3 || i == 4 ? "no" : "yes")\n" }
        try csv.write(to: dir.appendingPathComponent("cm.csv"), atomically: true, encoding: .utf8)
        try PIMBinary.expectSuccess([
            ["import", "cm.csv", "--dataset", "cm", "--category", "protection-monitoring", "--purpose", "T"],
            ["consent", "withdraw", "--dataset", "cm", "--purpose", "reporting", "--record", "R5"],
            ["consent", "record", "--dataset", "cm", "--purpose", "reporting", "--record", "R4"],
        ], in: dir)
        // When tabled by sex, exactly and perturbed
        let r = try PIMBinary.run(["aggregate", "cm", "--by", "sex", "--out", "t.csv"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("2 records are not counted: consent to reporting was refused or withdrawn"), "\(r.err)")
        // Then R3 (m) and R5 (m) are not counted, R4 (f) is: 20 f, 18 m
        let t = try String(contentsOf: dir.appendingPathComponent("t.csv"), encoding: .utf8).components(separatedBy: "\r\n")
        #expect(t.contains("f,20,") && t.contains("m,18,") && t.contains("Total,38,"), "\(t)")
        // (the cell-key method keeps each remaining record's own key: the table is made, from 38 records)
        let k = try PIMBinary.run(["aggregate", "cm", "--by", "sex", "--cell-key", "--out", "k.csv", "--format", "json"], in: dir)
        #expect(k.status == 0, "\(k.err)")
        #expect(k.out.contains("\"records\" : 38") || k.out.contains("\"records\":38"), "\(k.out)")
    }

    @Test func cellKeyTablesOfAStoredDatasetAgreeWithEachOther() throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 90).write(to: dir.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        #expect(try PIMBinary.run(["import", "pm.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T"], in: dir).status == 0)
        let fine = try PIMBinary.run(["aggregate", "pm", "--by", "sex,adm1_code", "--cell-key", "--out", "fine.csv", "--format", "json"], in: dir)
        #expect(fine.status == 0, "\(fine.err)")
        #expect(fine.out.contains("\"perturbed\""))
        #expect(try PIMBinary.run(["aggregate", "pm", "--by", "sex", "--cell-key", "--out", "coarse.csv"], in: dir).status == 0)
        #expect(try PIMBinary.run(["aggregate", "pm", "--by", "sex", "--cell-key", "--out", "again.csv"], in: dir).status == 0)
        func rows(_ name: String) throws -> [[String]] {
            try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
                .split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        let fineRows = try rows("fine.csv")
        let coarseRows = try rows("coarse.csv")
        #expect(fineRows.first?.prefix(3) == ["sex", "adm1_code", "count"])
        #expect(fineRows.first?.last == "note")
        // 45 records of each sex spread over 20 districts: most district cells hold 2 or 3 records, so they show 0
        // (left out) or 5; none shows 1 to 4
        let fineCounts = fineRows.dropFirst().compactMap { Int($0[2]) }
        #expect(!fineCounts.isEmpty)
        #expect(fineCounts.allSatisfy { $0 >= 5 })
        // Female total: a margin of the fine table, a cell of the coarse one; the grand totals too
        let femaleFine = fineRows.first { $0[0] == "f" && $0[1] == "Total" }?[2]
        let femaleCoarse = coarseRows.first { $0[0] == "f" }?[1]
        #expect(femaleFine != nil)
        #expect(femaleFine == femaleCoarse)
        #expect(fineRows.first { $0[0] == "Total" && $0[1] == "Total" }?[2] == coarseRows.first { $0[0] == "Total" }?[1])
        #expect(try rows("again.csv") == coarseRows)
        // A file has no secret record keys; --sum and --round do not go with --cell-key
        let file = try PIMBinary.run(["aggregate", "pm.csv", "--by", "sex", "--cell-key", "--out", "f.csv"], in: dir)
        #expect(file.status != 0)
        #expect(file.err.contains("needs a stored dataset"), "\(file.err)")
        #expect(try PIMBinary.run(["aggregate", "pm", "--by", "sex", "--cell-key", "--round", "5", "--seed", "1", "--out", "r.csv"], in: dir).status != 0)
        #expect(try PIMBinary.run(["aggregate", "pm", "--by", "sex", "--cell-key", "--sum", "age", "--out", "s.csv"], in: dir).status != 0)
    }

    /// QA9 F7: a record keeps its cell key across versions (by its record id), so the same records imported again
    /// in another order show the same perturbed counts (per-version keys re-drew them, and averaging versions
    /// recovered the counts).
    @Test func cellKeyCountsStayTheSameWhenTheSameRecordsAreImportedAgain() throws {
        let dir = try initialisedWorkspace()
        let csv = syntheticCSV(rows: 90)
        let lines = csv.split(whereSeparator: \.isNewline).map(String.init)
        let reversed = (Array(lines.prefix(2)) + lines.dropFirst(2).reversed()).joined(separator: "\n") + "\n"
        try csv.write(to: dir.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        try reversed.write(to: dir.appendingPathComponent("pm2.csv"), atomically: true, encoding: .utf8)
        #expect(try PIMBinary.run(["import", "pm.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T"], in: dir).status == 0)
        #expect(try PIMBinary.run(["aggregate", "pm", "--by", "sex,adm1_code", "--cell-key", "--out", "v1.csv"], in: dir).status == 0)
        #expect(try PIMBinary.run(["import", "pm2.csv", "--dataset", "pm"], in: dir).status == 0)
        #expect(try PIMBinary.run(["aggregate", "pm@2", "--by", "sex,adm1_code", "--cell-key", "--out", "v2.csv"], in: dir).status == 0)
        let v1 = try String(contentsOf: dir.appendingPathComponent("v1.csv"), encoding: .utf8)
        let v2 = try String(contentsOf: dir.appendingPathComponent("v2.csv"), encoding: .utf8)
        #expect(v1.split(whereSeparator: \.isNewline).count > 3)
        #expect(v1 == v2)
    }

    /// `--cell-key` perturbs from the same smallest cell whatever `--min-cell` (QA9 review F8): a table asked
    /// with a larger one shows the same counts, less those below it, so several tables tell nothing more; `rare:N`
    /// (decided on true counts) and a smallest cell below 5 are refused with it.
    @Test func cellKeyTablesDoNotDependOnTheMinimumCellAsked() throws {
        let dir = try initialisedWorkspace()
        // Groups of every size from 1 to 14 (in two sexes): the perturbation differs most near the smallest cell
        var csv = "record_id,site,sex\n"
        var id = 0
        for size in 1...14 {
            for k in 0..<size {
                csv += "R\(id),S\(String(format: "%02d", size)),\(k % 3 == 0 ? "m" : "f")\n"
                id += 1
            }
        }
        try csv.write(to: dir.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        #expect(try PIMBinary.run(["import", "pm.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T"], in: dir).status == 0)
        func counts(_ minCell: Int) throws -> [String: Int] {
            let out = "t\(minCell).csv"
            let r = try PIMBinary.run(["aggregate", "pm", "--by", "site,sex", "--cell-key", "--min-cell", String(minCell), "--out", out], in: dir)
            #expect(r.status == 0, "\(r.err)")
            var map: [String: Int] = [:]
            for line in try String(contentsOf: dir.appendingPathComponent(out), encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst() {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if f.count >= 3, let n = Int(f[2]) { map[f[0] + "|" + f[1]] = n }
            }
            return map
        }
        let base = try counts(5)
        #expect(!base.isEmpty)
        for m in [6, 8, 11] {
            let other = try counts(m)
            // The same cells with the same counts, less those published below m
            #expect(other == base.filter { $0.value >= m }, "min-cell \(m)")
        }
        let rare = try PIMBinary.run(["aggregate", "pm", "--by", "site=rare:12,sex", "--cell-key", "--out", "r.csv"], in: dir)
        #expect(rare.status != 0)
        #expect(rare.err.contains("true counts"), "\(rare.err)")
        #expect(try PIMBinary.run(["aggregate", "pm", "--by", "sex", "--cell-key", "--min-cell", "3", "--out", "l.csv"], in: dir).status != 0)
    }

    @Test func aReleaseThatCannotBeAuditedLeavesNoFile() async throws {
        let dir = try initialisedWorkspace()
        try syntheticCSV(rows: 40).write(to: dir.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        #expect(try PIMBinary.run(["import", "pm.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "T"], in: dir).status == 0)
        let holder = try SQLiteStore(directory: dir.appendingPathComponent("pim-data"), command: "pim serve")
        let aggregate = try PIMBinary.run(["aggregate", "pm", "--by", "sex", "--out", "t.csv"], in: dir)
        let anonymize = try PIMBinary.run(["anonymize", "pm", "--k", "2", "--out", "a.csv"], in: dir)
        try await holder.close()
        #expect(aggregate.status != 0)
        #expect(anonymize.status != 0)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!left.contains { $0 == "t.csv" || $0 == "a.csv" || $0.contains("partial") }, "\(left)")
        // With the directory free, the same release is written, and recorded.
        #expect(try PIMBinary.run(["aggregate", "pm", "--by", "sex", "--out", "t.csv"], in: dir).status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("t.csv").path))
    }

    @Test func aggregateTakesHXLTagPatterns() throws {
        // Given a tagged file with two #affected columns
        let dir = try PIMBinary.scratch()
        var csv = "adm1_code,sex,age,affected_f,affected_m\n#adm1+code,#x_sex,#x_age,#affected+f,#affected+m\n"
        for i in 0..<40 { csv += "XY0\(i % 2 + 1),\(i % 3 == 0 ? "m" : "f"),\(20 + i),1,2\n" }
        try csv.write(to: dir.appendingPathComponent("agg.csv"), atomically: true, encoding: .utf8)
        // When it is aggregated by #adm1 and banded #x_age, summing #affected+f
        let r = try PIMBinary.run(["aggregate", "agg.csv", "--by", "#adm1,#x_age=bands", "--sum", "#affected+f", "--out", "o.csv"], in: dir)
        // Then the patterns resolve to their columns
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("by adm1_code × age"), "\(r.out)")
        let lines = try String(contentsOf: dir.appendingPathComponent("o.csv"), encoding: .utf8).split(whereSeparator: \.isNewline)
        #expect(lines.first == "adm1_code,age,count,affected_f,flag")
        // A pattern matching two columns names both
        let several = try PIMBinary.run(["aggregate", "agg.csv", "--by", "#affected", "--out", "o.csv"], in: dir)
        #expect(several.status != 0)
        #expect(several.err.contains("#affected matches 2 columns (affected_f (#affected+f), affected_m (#affected+m))"), "\(several.err)")
        // A pattern or a name matching nothing lists every column
        for by in ["#adm2", "nope"] {
            let none = try PIMBinary.run(["aggregate", "agg.csv", "--by", by, "--out", "o.csv"], in: dir)
            #expect(none.status != 0)
            #expect(none.err.contains("the columns are: adm1_code (#adm1+code), sex (#x_sex), age (#x_age), affected_f"), "\(by): \(none.err)")
        }
    }

    /// --keys, --sensitive, --weight and --household of `pim risk` take HXL tag patterns as --by does; a name
    /// the file lacks is told with every column of the file, even when only the named columns were read.
    @Test func riskTakesHXLTagPatternsAndListsEveryColumnOfTheFile() throws {
        // Given a tagged file (header, HXL row, 12 records)
        let dir = try PIMBinary.scratch()
        var csv = "adm1_name,adm2_code,sex,need,w\n#adm1+name,#adm2+code,#x_sex,#x_need,#weight\n"
        for i in 0..<12 { csv += "North,XY0\(i % 2 + 1),\(i % 3 == 0 ? "m" : "f"),n\(i % 4),2\n" }
        try csv.write(to: dir.appendingPathComponent("risk.csv"), atomically: true, encoding: .utf8)
        // When its risk is measured with every column named by a pattern
        let r = try PIMBinary.run(["risk", "risk.csv", "--keys", "#adm2, #X_SEX", "--sensitive", "#x_need", "--weight", "#weight"], in: dir)
        // Then the patterns resolve to their columns
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Key variables: adm2_code, sex"), "\(r.out)")
        #expect(r.out.contains("l-diversity of need"), "\(r.out)")
        #expect(r.out.contains("Sampling weight: w"), "\(r.out)")
        // A pattern that matches two columns names both
        let several = try PIMBinary.run(["risk", "risk.csv", "--keys", "#*+code,#x_sex", "--sensitive", "#adm1"], in: dir)
        #expect(several.status == 0, "\(several.err)")
        // An option naming one column refuses a pattern that matches several
        let ambiguous = try PIMBinary.run(["risk", "risk.csv", "--keys", "#x_sex", "--weight", "#*"], in: dir)
        #expect(ambiguous.status != 0)
        #expect(ambiguous.err.contains("--weight: #* matches 5 columns"), "\(ambiguous.err)")
        // QA11 I4: in a list option a pattern selects every column it matches, each once; `!` asks for exactly its
        // attributes (the women's total, not the girls)
        var counts = "district,women,girls,sex\n#adm1+code,#affected+f,#affected+f+children,#x_sex\n"
        for i in 0..<12 { counts += "XY0\(i % 2 + 1),\(i % 3),\(i % 2),\(i % 3 == 0 ? "m" : "f")\n" }
        try counts.write(to: dir.appendingPathComponent("counts.csv"), atomically: true, encoding: .utf8)
        let every = try PIMBinary.run(["risk", "counts.csv", "--keys", "#affected+f,#x_sex,women"], in: dir)
        #expect(every.status == 0, "\(every.err)")
        #expect(every.out.contains("Key variables: women, girls, sex"), "\(every.out)")
        let exact = try PIMBinary.run(["risk", "counts.csv", "--keys", "#affected+f!,#x_sex"], in: dir)
        #expect(exact.status == 0, "\(exact.err)")
        #expect(exact.out.contains("Key variables: women, sex"), "\(exact.out)")
        // And a name the file lacks, with sensitive variables named (only those columns are read), lists
        // every column of the file, not only the ones named
        let missing = try PIMBinary.run(["risk", "risk.csv", "--keys", "adm2_code,nope", "--sensitive", "need"], in: dir)
        #expect(missing.status != 0)
        #expect(missing.err.contains("the columns are: adm1_name, adm2_code, sex, need, w"), "\(missing.err)")
    }

    /// QA11 S15: `--drop` adds to a file's direct identifiers instead of replacing them (names and ids stayed in
    /// the "anonymised" file); a proposed identifier is kept only when named with `--keep`.
    @Test func dropAddsToTheDirectIdentifiersAndKeepIsExplicit() throws {
        let dir = try PIMBinary.scratch()
        var csv = "record_id,name,adm1_code,sex,age,household_id,site\n"
        for i in 0..<60 { csv += "R\(1000 + i),Person \(i),SD0\(i % 3 + 1),\(i % 2 == 0 ? "female" : "male"),\(20 + i % 4),H\(i / 2),S\(i % 4)\n" }
        try csv.write(to: dir.appendingPathComponent("small.csv"), atomically: true, encoding: .utf8)
        let r = try PIMBinary.run(["anonymize", "small.csv", "--k", "2", "--keys", "adm1_code,sex", "--drop", "site", "--seed", "1",
                                   "--out", "b.csv"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        let out = try String(contentsOf: dir.appendingPathComponent("b.csv"), encoding: .utf8)
        #expect(out.hasPrefix("adm1_code,sex,age"), "\(out.prefix(80))")
        #expect(!out.contains("Person") && !out.contains("R10") && !out.contains(",S1"), "\(out.prefix(200))")
        #expect(r.out.contains("Dropped: site, record_id, name"), "\(r.out)")
        // A proposed identifier is kept when --keep names it, with a warning
        let kept = try PIMBinary.run(["anonymize", "small.csv", "--k", "2", "--keys", "adm1_code,sex", "--keep", "name", "--seed", "1",
                                      "--out", "c.csv"], in: dir)
        #expect(kept.status == 0, "\(kept.err)")
        #expect(kept.err.contains("warning: name looks like") || kept.err.contains("warning: name look like"), "\(kept.err)")
        #expect(try String(contentsOf: dir.appendingPathComponent("c.csv"), encoding: .utf8).contains("Person"))
        // --keep names only proposed identifiers
        let wrong = try PIMBinary.run(["anonymize", "small.csv", "--k", "2", "--keys", "adm1_code,sex", "--keep", "age", "--out", "d.csv"], in: dir)
        #expect(wrong.status != 0)
        #expect(wrong.err.contains("--keep keeps columns proposed as direct identifiers, and \"age\" is not one"), "\(wrong.err)")
    }

    /// QA14: the region released beside a suppressed district is a key too: the only man of region S is not written
    /// as `S,,m` in a "class" with the men of region N.
    @Test func anonymizeCountsAReleasedCoarserAdminLevelAsAKey() throws {
        let dir = try PIMBinary.scratch()
        try "adm1_code,adm2_code,sex\nN,N-1,m\nN,N-1,m\nS,S-1,f\nS,S-1,f\nS,S-2,m\n"
            .write(to: dir.appendingPathComponent("hz.csv"), atomically: true, encoding: .utf8)
        let r = try PIMBinary.run(["anonymize", "hz.csv", "--k", "2", "--keys", "adm2_code,sex", "--out", "o.csv", "--seed", "1"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("adm1_code is a coarser admin level of a key and is released: counted as a key too"), "\(r.err)")
        let risk = try PIMBinary.run(["risk", "o.csv", "--keys", "adm1_code,adm2_code,sex", "--format", "json"], in: dir)
        #expect(risk.status == 0, "\(risk.err)")
        let out = try String(contentsOf: dir.appendingPathComponent("o.csv"), encoding: .utf8)
        #expect(!out.contains("S,,m"), "\(out)")
        #expect(try PIMBinary.run(["risk", "o.csv", "--keys", "adm1_code,adm2_code,sex"], in: dir).out.contains("k=2: 0 records"))
    }

    /// QA14: district codes repeated across regions ("01" in each state) cannot be generalised from the region column:
    /// refused with the reason, rather than moving one region's records to the other.
    @Test func generalisingCodesThatRepeatAcrossRegionsIsRefused() throws {
        let dir = try PIMBinary.scratch()
        try "adm1_code,adm2_code,sex\nNorth,01,m\nNorth,01,m\nNorth,01,m\nSouth,01,f\nSouth,01,f\nSouth,01,f\nSouth,02,f\nSouth,02,f\nSouth,02,f\n"
            .write(to: dir.appendingPathComponent("gz.csv"), atomically: true, encoding: .utf8)
        let r = try PIMBinary.run(["anonymize", "gz.csv", "--k", "3", "--keys", "adm2_code,sex", "--generalize", "adm2_code=adm1",
                                   "--out", "o.csv", "--seed", "1"], in: dir)
        #expect(r.status != 0)
        #expect(r.err.contains("1 code of \"adm2_code\" lies in more than one adm1 of the column \"adm1_code\" (\"01\" in \"North\" and \"South\")"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.csv").path))
    }

    /// Every column option of `pim anonymize` takes an HXL tag pattern: keys, sensitive, drop, importance,
    /// and the column of --recode and --generalize.
    @Test func anonymizeTakesHXLTagPatterns() throws {
        // Given a tagged file of 20 records
        let dir = try PIMBinary.scratch()
        var csv = "name,adm1_code,adm2_code,age,sex\n#x_name,#adm1+code,#adm2+code,#affected+age,#affected+sex\n"
        for i in 0..<20 { csv += "p\(i),XY01,XY01\(i % 2 + 1),\(20 + i),\(i % 2 == 0 ? "m" : "f")\n" }
        try csv.write(to: dir.appendingPathComponent("an.csv"), atomically: true, encoding: .utf8)
        // When it is anonymised with every column named by a pattern
        let r = try PIMBinary.run([
            "anonymize", "an.csv", "--k", "2", "--keys", "#adm2,#affected+age,#affected+sex", "--drop", "#x_name",
            "--recode", "#affected+age=bands", "--generalize", "#adm2->adm1", "--importance", "#affected+sex",
            "--seed", "1", "--out", "o.csv"], in: dir)
        // Then it runs on the columns the patterns match: the name is dropped, age banded, adm2 generalised
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Dropped: name"), "\(r.out)")
        let out = try String(contentsOf: dir.appendingPathComponent("o.csv"), encoding: .utf8)
        #expect(out.split(whereSeparator: \.isNewline).first == "adm1_code,adm2_code,age,sex", "\(out)")
        #expect(!out.contains("XY0101") && !out.contains("XY0102"), "\(out)")
        // And a pattern that matches no column is an error naming the option and the columns
        let none = try PIMBinary.run(["anonymize", "an.csv", "--k", "2", "--keys", "#adm3", "--out", "o2.csv"], in: dir)
        #expect(none.status != 0)
        #expect(none.err.contains("--keys: no column is tagged #adm3; the columns are: name (#x_name), adm1_code (#adm1+code)"), "\(none.err)")
    }

    /// QA10 F2: `--generalize adm2_code=adm1 --gazetteer` released a code the gazetteer lacks at admin-2 level
    /// ("other codes kept"); and an untagged adm1_code column was ignored for the prefix guess.
    @Test func generalisingRefusesCodesWithoutAParentAndReadsAnUntaggedParentColumn() throws {
        // Given 12 records in four admin-2 areas, one of which (XY03009) the gazetteer does not hold
        let dir = try PIMBinary.scratch()
        try "adm1_code,adm1_name,adm2_code,adm2_name\n#adm1+code,#adm1+name,#adm2+code,#adm2+name\nXY01,One,XY01001,A\nXY01,One,XY01002,B\nXY02,Two,XY02001,C\n"
            .write(to: dir.appendingPathComponent("gaz.csv"), atomically: true, encoding: .utf8)
        var csv = "adm2_code,sex\n"
        for _ in 0..<3 { for c in ["XY01001", "XY01002", "XY02001", "XY03009"] { csv += "\(c),f\n" } }
        try csv.write(to: dir.appendingPathComponent("g.csv"), atomically: true, encoding: .utf8)
        // When it is generalised to admin 1 with that gazetteer
        let r = try PIMBinary.run(["anonymize", "g.csv", "--k", "2", "--keys", "adm2_code,sex", "--generalize", "adm2_code=adm1",
                                   "--gazetteer", "gaz.csv", "--seed", "1", "--out", "o.csv"], in: dir)
        // Then it is refused, with a count and no code, and no file is written
        #expect(r.status != 0)
        #expect(r.err.contains("1 of the 4 codes of \"adm2_code\" have no admin-1 parent in the gazetteer"), "\(r.err)")
        #expect(!r.err.contains("XY03009"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.csv").path))
        // Given admin-2 codes that do not nest by two characters per level (A1B01 in A1; the prefix rule would
        // make A1B0) and an untagged adm1_code column beside them
        var nested = "adm1_code,adm2_code,sex\n"
        for _ in 0..<3 { for (p, c) in [("A1", "A1B01"), ("A1", "A1B02"), ("A2", "A2B01")] { nested += "\(p),\(c),f\n" } }
        try nested.write(to: dir.appendingPathComponent("n.csv"), atomically: true, encoding: .utf8)
        // When admin 2 is generalised to admin 1 without a gazetteer
        let n = try PIMBinary.run(["anonymize", "n.csv", "--k", "2", "--keys", "adm2_code,sex", "--generalize", "adm2_code=adm1",
                                   "--seed", "1", "--out", "n-out.csv"], in: dir)
        #expect(n.status == 0, "\(n.err)")
        // Then the parents come from that column: every code is now one of its admin-1 codes
        let out = try String(contentsOf: dir.appendingPathComponent("n-out.csv"), encoding: .utf8)
        let released = Set(out.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[1] })
        #expect(released == ["A1", "A2"], "\(out)")
        #expect(!n.err.contains("guessed"), "\(n.err)")
        // And with neither a gazetteer nor a parent column, the prefix guess is said on the terminal
        var bare = "adm3_code,sex\n"
        for _ in 0..<3 { for c in ["XY01001001", "XY01002001"] { bare += "\(c),f\n" } }
        try bare.write(to: dir.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        let b = try PIMBinary.run(["anonymize", "b.csv", "--k", "2", "--keys", "adm3_code,sex", "--generalize", "adm3_code=adm2",
                                   "--seed", "1", "--out", "b-out.csv"], in: dir)
        #expect(b.status == 0, "\(b.err)")
        #expect(b.err.contains("the parent areas of \"adm3_code\" are guessed as the first 6 characters of its codes"), "\(b.err)")
    }

    /// `pim aggregate` and `pim anonymize` print results, so they take `--format json` (counts and names only).
    @Test func aggregateAndAnonymizePrintJSONWithFormatJSON() throws {
        // Given a file of 30 records
        let dir = try PIMBinary.scratch()
        var csv = "adm1_code,sex,age\n"
        for i in 0..<30 { csv += "XY0\(i % 2 + 1),\(i % 3 == 0 ? "m" : "f"),\(20 + i)\n" }
        try csv.write(to: dir.appendingPathComponent("j.csv"), atomically: true, encoding: .utf8)
        // When it is aggregated with --format json
        let a = try PIMBinary.run(["aggregate", "j.csv", "--by", "adm1_code,sex", "--format", "json", "--out", "a.csv"], in: dir)
        #expect(a.status == 0, "\(a.err)")
        // Then the summary is JSON with the counts, and rowsWritten is the file's row count
        let aggregate = try #require(try JSONSerialization.jsonObject(with: Data(a.out.utf8)) as? [String: Any], "\(a.out)")
        let written = try String(contentsOf: dir.appendingPathComponent("a.csv"), encoding: .utf8).split(whereSeparator: \.isNewline).count - 1
        #expect(aggregate["records"] as? Int == 30)
        #expect(aggregate["dimensions"] as? [String] == ["adm1_code", "sex"])
        #expect(aggregate["rowsWritten"] as? Int == written)
        #expect(aggregate["minCell"] as? Int == 5)
        #expect(aggregate["suppressed"] is Int)
        // When it is anonymised with --format json
        let n = try PIMBinary.run(["anonymize", "j.csv", "--k", "2", "--keys", "adm1_code,sex,age", "--recode", "age=bands",
                                   "--seed", "3", "--format", "json", "--out", "n.csv"], in: dir)
        #expect(n.status == 0, "\(n.err)")
        // Then the report is printed as JSON with the output file and its rows
        let anonymized = try #require(try JSONSerialization.jsonObject(with: Data(n.out.utf8)) as? [String: Any], "\(n.out)")
        let rows = try String(contentsOf: dir.appendingPathComponent("n.csv"), encoding: .utf8).split(whereSeparator: \.isNewline).count - 1
        #expect(anonymized["out"] as? String == "n.csv")
        #expect(anonymized["rowsWritten"] as? Int == rows)
        #expect((anonymized["report"] as? [String: Any])?["k"] as? Int == 2)
    }

    @Test func aggregateAndAnonymizePrintMarkdownWithFormatMarkdown() throws {
        // Given a file of 30 records
        let dir = try PIMBinary.scratch()
        var csv = "adm1_code,sex,age\n"
        for i in 0..<30 { csv += "XY0\(i % 2 + 1),\(i % 3 == 0 ? "m" : "f"),\(20 + i)\n" }
        try csv.write(to: dir.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
        // When it is aggregated and anonymised with --format markdown
        let a = try PIMBinary.run(["aggregate", "m.csv", "--by", "adm1_code,sex", "--format", "markdown", "--out", "a.csv"], in: dir)
        let n = try PIMBinary.run(["anonymize", "m.csv", "--k", "2", "--keys", "adm1_code,sex,age", "--recode", "age=bands",
                                   "--seed", "3", "--format", "markdown", "--out", "n.csv"], in: dir)
        #expect(a.status == 0, "\(a.err)")
        #expect(n.status == 0, "\(n.err)")
        // Then each prints Markdown: the aggregate's counts, and the anonymisation's report as in n.csv.report.md
        #expect(a.out.hasPrefix("# Aggregate of m.csv\n\n- Records: 30\n- Dimensions: `adm1_code` × `sex`\n"), "\(a.out)")
        #expect(a.out.contains("- Rows written to `a.csv`: "))
        let md = try String(contentsOf: dir.appendingPathComponent("n.csv.report.md"), encoding: .utf8)
        #expect(n.out.hasPrefix(md), "\(n.out)")
        #expect(n.out.contains("Wrote 30 rows to `n.csv`"))
    }

    @Test func roundingRefusesAMinimumCellItWouldNotHonour() throws {
        // Given a file of 12 records
        let dir = try PIMBinary.scratch()
        var csv = "sex\n"
        for i in 0..<12 { csv += "\(i < 4 ? "m" : "f")\n" }
        try csv.write(to: dir.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        // When it is rounded to base 3 with a minimum cell of 7 (an agreement's threshold, say)
        let both = try PIMBinary.run(["aggregate", "s.csv", "--by", "sex", "--round", "3", "--seed", "1", "--min-cell", "7", "--out", "b.csv"], in: dir)
        // Then it is refused (rounding would publish 3s and 6s, and silently ignored the threshold), and nothing is written
        #expect(both.status != 0)
        #expect(both.err.contains("--round and --min-cell exclude each other"), "\(both.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("b.csv").path))
        // And each alone works
        #expect(try PIMBinary.run(["aggregate", "s.csv", "--by", "sex", "--round", "3", "--seed", "1", "--out", "r.csv"], in: dir).status == 0)
        #expect(try PIMBinary.run(["aggregate", "s.csv", "--by", "sex", "--min-cell", "7", "--out", "m.csv"], in: dir).status == 0)
    }

    @Test func theRowOrderSeedStaysOutOfTheReportsThatTravelWithTheFile() throws {
        // Given a file of 20 records, anonymised with row order seed 918273645
        let dir = try PIMBinary.scratch()
        var csv = "sex,age\n"
        for i in 0..<20 { csv += "\(i % 2 == 0 ? "f" : "m"),\(20 + i % 4)\n" }
        try csv.write(to: dir.appendingPathComponent("o.csv"), atomically: true, encoding: .utf8)
        let text = try PIMBinary.run(["anonymize", "o.csv", "--k", "2", "--keys", "sex,age", "--seed", "918273645", "--out", "a.csv"], in: dir)
        let json = try PIMBinary.run(
            ["anonymize", "o.csv", "--k", "2", "--keys", "sex,age", "--seed", "918273645", "--format", "json", "--out", "b.csv"], in: dir)
        #expect(text.status == 0, "\(text.err)")
        #expect(json.status == 0, "\(json.err)")
        // Then the report files do not hold it (the shuffle, and so the source order, could be recomputed from it)
        for name in ["a.csv.report.md", "a.csv.report.json", "b.csv.report.md", "b.csv.report.json"] {
            let report = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            #expect(!report.contains("918273645"), "\(name)")
            #expect(!report.contains("seed"), "\(name)")
        }
        // But the producer is told it
        #expect(text.out.contains("Row order seed 918273645"), "\(text.out)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect((summary["seed"] as? NSNumber)?.uint64Value == 918_273_645)
    }

    @Test func anonymizeTakesTheSamplingWeightAsRiskDoes() throws {
        // Given a file whose column "weight" is only named like a sampling weight (no #weight tag)
        let dir = try PIMBinary.scratch()
        var csv = "sex,age,weight\n"
        for i in 0..<20 { csv += "\(i % 2 == 0 ? "f" : "m"),\(20 + i % 5),\(50 + 10 * i)\n" }
        try csv.write(to: dir.appendingPathComponent("w.csv"), atomically: true, encoding: .utf8)
        func json(_ text: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
        }
        // When its risk is measured, and it is anonymised, with the same keys
        let risk = try PIMBinary.run(["risk", "w.csv", "--keys", "sex,age", "--format", "json"], in: dir)
        let anon = try PIMBinary.run(
            ["anonymize", "w.csv", "--k", "2", "--keys", "sex,age", "--seed", "1", "--format", "json", "--out", "o.csv"], in: dir)
        #expect(risk.status == 0, "\(risk.err)")
        #expect(anon.status == 0, "\(anon.err)")
        // Then neither takes the column as a weight, both say so, and the "before" figures are risk's
        let before = try #require((try json(anon.out)["report"] as? [String: Any])?["before"] as? [String: Any])
        #expect(before["weight"] == nil)
        #expect(anon.err.contains("is not used as a sampling weight"), "\(anon.err)")
        let riskFigures = try json(risk.out)["individualRisk"] as? [String: Any]
        let beforeFigures = before["individualRisk"] as? [String: Any]
        #expect(riskFigures?["expectedReidentifications"] as? Double == beforeFigures?["expectedReidentifications"] as? Double)
        #expect(beforeFigures?["method"] as? String == "1/fk")
        // And --weight takes it
        let weighted = try PIMBinary.run(
            ["anonymize", "w.csv", "--k", "2", "--keys", "sex,age", "--weight", "weight", "--seed", "1", "--format", "json",
             "--out", "o2.csv"], in: dir)
        #expect(weighted.status == 0, "\(weighted.err)")
        let weightedBefore = (try json(weighted.out)["report"] as? [String: Any])?["before"] as? [String: Any]
        #expect(weightedBefore?["weight"] as? String == "weight")
    }

    @Test func roundedTablesNameTheirBaseAndRecordTheSeedInTheAuditTrail() throws {
        // Given a workspace with dataset pm (60 records)
        let dir = try SharingCLITests.workspace()
        // When it is aggregated by sex with rounding to base 5, seed 42
        var r = try PIMBinary.run(["aggregate", "pm", "--by", "sex", "--round", "5", "--seed", "42", "--out", "r.csv"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("with seed 42"), "\(r.out)")
        // Then the file says base and method (not the seed), and its total (60) is the sum of its cells
        let lines = try String(contentsOf: dir.appendingPathComponent("r.csv"), encoding: .utf8).split(whereSeparator: \.isNewline)
        #expect(lines.first == "sex,count,flag,note")
        #expect(lines.dropFirst().first?.contains("Rounded to base 5 by controlled random rounding") == true)
        #expect(lines.allSatisfy { !$0.contains("42") })
        let counts = lines.dropFirst().map { Int($0.split(separator: ",", omittingEmptySubsequences: false)[1]) ?? -1 }
        #expect(counts.last == 60)
        #expect(counts.dropLast().reduce(0, +) == 60)
        // And the seed is printed and recorded in the audit event
        r = try PIMBinary.run(["audit", "list", "--action", "dataset.exported", "--format", "json"], in: dir)
        #expect(r.out.contains("\"seed\""), "\(r.out)")
        #expect(r.out.contains("\"42\""))
        #expect(r.out.contains("\"controlled\""))
    }

    @Test func aFourWayRoundedTableSaysHowManyTotalsAreFurtherOff() throws {
        // Given 1,500 records by region (3) × sex × age band × month (6), written to a file
        var state: UInt64 = 5
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var csv = "region,sex,band,date\n"
        for _ in 0..<1500 {
            csv += "R\(next() % 3),\(next() % 2 == 0 ? "f" : "m"),B\(next() % 5),2026-0\(1 + next() % 6)-1\(next() % 9)\n"
        }
        let dir = try SharingCLITests.workspace()
        try csv.write(to: dir.appendingPathComponent("four.csv"), atomically: true, encoding: .utf8)
        // When it is aggregated with rounding to base 5 (JSON summary)
        let r = try PIMBinary.run(
            ["aggregate", "four.csv", "--by", "region,sex,band,date=month", "--round", "5", "--seed", "3", "--out", "four-r.csv",
             "--format", "json"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        struct Summary: Decodable { var roundingMethod: String?; var roundingTotalsOff: Int? }
        let summary = try JSONDecoder().decode(Summary.self, from: Data(r.out.utf8))
        // Then the summary's count of totals further than 4 from the truth is what the file shows
        let text = try String(contentsOf: dir.appendingPathComponent("four-r.csv"), encoding: .utf8)
        let rows = text.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let truth = try String(contentsOf: dir.appendingPathComponent("four.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",").map(String.init) }
        var off = 0
        for row in rows where row.count >= 5 && row[0...3].contains("Total") {
            // The true count of this total: records matching its non-total coordinates.
            let n = truth.filter { t in
                (0...2).allSatisfy { row[$0] == "Total" || t[$0] == row[$0] } && (row[3] == "Total" || t[3].hasPrefix(row[3]))
            }.count
            if abs((Int(row[4]) ?? -100) - n) >= 5 { off += 1 }
        }
        #expect(summary.roundingTotalsOff == off)
        #expect(summary.roundingMethod == (off == 0 ? "controlled" : "additive"))
        if off > 0 { #expect(text.contains("\(off) totals are up to")) }
    }
}
