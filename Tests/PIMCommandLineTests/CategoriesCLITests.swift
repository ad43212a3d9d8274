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
        }
        let xlsform = try PIMBinary.run(["template", "case-management", "--format", "xlsform", "--gazetteer", "demo/gazetteer.csv",
                                         "--out", "cm-form.xlsx"], in: dir)
        #expect(xlsform.status == 0, "\(xlsform.err)")
        let form = try PIMBinary.run(["inspect", "cm-form.xlsx", "--sheet", "survey", "--format", "json"], in: dir)
        #expect(form.status == 0, "\(form.err)")
        #expect(form.out.contains("\"name\" : \"type\""))
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
