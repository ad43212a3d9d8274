import Foundation
import Testing

@Suite struct CategoriesCLITests {
    static let categories = [
        "protection-monitoring", "protection-needs-assessment", "case-management", "population-data",
        "protection-response-monitoring-evaluation", "communicating-with-affected-communities",
        "security-situational-awareness", "sectoral-im-systems-other",
    ]

    @Test func everyCategoryGoesFromTemplateToSharedOutput() throws {
        let dir = try initialisedWorkspace()
        // Given the demo data of every category
        let gen = try PIMBinary.run(["demo", "generate", "--seed", "3", "--out", "demo", "--scale", "small"], in: dir)
        #expect(gen.status == 0, "\(gen.err)")
        for c in Self.categories {
            // Then its template has a header and an HXL row
            let t = try PIMBinary.run(["template", c, "--format", "hxl", "--out", "\(c)-template.csv"], in: dir)
            #expect(t.status == 0, "\(c): \(t.err)")
            let lines = try String(contentsOf: dir.appendingPathComponent("\(c)-template.csv"), encoding: .utf8)
                .split(whereSeparator: \.isNewline)
            #expect(lines.count == 2 && lines[1].hasPrefix("#"), "\(c) template")
            // its generated file imports against the template's schema, with the gazetteer
            let imp = try PIMBinary.run(["import", "demo/\(c).csv", "--dataset", "demo-\(c)", "--category", c,
                                         "--purpose", "Demo", "--gazetteer", "demo/gazetteer.csv"], in: dir)
            #expect(imp.status == 0, "\(c): \(imp.err)")
            // its output is computed
            let out = try PIMBinary.run(["output", "demo-\(c)", "--format", "json"], in: dir)
            #expect(out.status == 0, "\(c): \(out.err)")
            #expect(out.out.count > 100)
            // and its shareable output publishes no count between 1 and 4
            let shared = try PIMBinary.run(["output", "demo-\(c)", "--shareable", "--format", "csv"], in: dir)
            #expect(shared.status == 0, "\(c): \(shared.err)")
            #expect(Self.publishedCounts(shared.out).allSatisfy { !(1...4).contains($0) }, "\(c) publishes a small cell")
        }
        let xlsform = try PIMBinary.run(["template", "case-management", "--format", "xlsform", "--gazetteer", "demo/gazetteer.csv",
                                         "--out", "cm-form.xlsx"], in: dir)
        #expect(xlsform.status == 0, "\(xlsform.err)")
        let form = try PIMBinary.run(["inspect", "cm-form.xlsx", "--sheet", "survey", "--format", "json"], in: dir)
        #expect(form.status == 0, "\(form.err)")
        #expect(form.out.contains("\"name\" : \"type\""))
    }

    /// Whole-number values of the count-like columns (`count`, `cases`, `incidents`, `persons`, …) in a
    /// sectioned CSV output: the column just before `flag` in each section.
    static func publishedCounts(_ csv: String) -> [Int] {
        var out: [Int] = []
        var countColumn: Int?
        for line in csv.split(whereSeparator: \.isNewline).map(String.init) {
            if line.hasPrefix("#") { countColumn = nil; continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if countColumn == nil {
                countColumn = cells.firstIndex(of: "flag").map { $0 - 1 }
                continue
            }
            if let k = countColumn, k >= 0, k < cells.count, let v = Int(cells[k]) { out.append(v) }
        }
        return out
    }

    @Test func coverageShowsGapsAndWhoWouldFillThem() throws {
        let dir = try initialisedWorkspace()
        _ = try PIMBinary.run(["demo", "generate", "--seed", "3", "--out", "demo", "--scale", "small"], in: dir)
        let before = try PIMBinary.run(["coverage", "--scenario", "sudden-onset-emergency"], in: dir)
        #expect(before.status == 0, "\(before.err)")
        #expect(before.out.contains("0 of"))
        let load = try PIMBinary.run(["demo", "load", "--dir", "demo"], in: dir)
        #expect(load.status == 0, "\(load.err)")
        let after = try PIMBinary.run(["coverage", "--scenario", "sudden-onset-emergency", "--format", "json"], in: dir)
        #expect(after.status == 0, "\(after.err)")
        #expect(after.out.contains("6 of 8 needs covered"))
        #expect(after.out.contains("\"covered\""))
        #expect(after.out.contains("\"partial\""))
        #expect(after.out.contains("data but no registered system"))
        let unknown = try PIMBinary.run(["coverage", "--scenario", "drought"], in: dir)
        #expect(unknown.status != 0)
        #expect(unknown.err.contains("sudden-onset-emergency"))
    }
}

@Suite struct PublishedCountsParserTests {
    @Test func readsTheColumnBeforeTheFlag() {
        let csv = "# section: shareable\nadm1,sex,cases,flag\nA,f,,primary\nA,m,12,\n# section: b\nx,count,flag\nq,7,\n"
        #expect(CategoriesCLITests.publishedCounts(csv) == [12, 7])
    }
}
