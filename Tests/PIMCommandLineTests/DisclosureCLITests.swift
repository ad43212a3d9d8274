import Foundation
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
}
