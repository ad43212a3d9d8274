import Foundation
import Testing

@Suite struct CategoriesCLITests {
    static let categories = [
        "protection-monitoring", "protection-needs-assessment", "case-management", "population-data",
        "protection-response-monitoring-evaluation", "communicating-with-affected-communities",
        "security-situational-awareness", "sectoral-im-systems-other",
    ]

    /// QA10 F6: `pim output` printed a dataset's internal tables (counts of 1) to anyone and left no trace.
    @Test func outputsAreAuditedAndNeedARoleThatMaySeeThem() throws {
        // Given a case dataset, an analyst and a partner viewer
        let dir = try initialisedWorkspace()
        let gen = try PIMBinary.run(["demo", "generate", "--seed", "3", "--out", "demo", "--scale", "small"], in: dir)
        #expect(gen.status == 0, "\(gen.err)")
        #expect(try PIMBinary.run(["import", "demo/case-management.csv", "--dataset", "cases", "--category", "case-management",
                                   "--purpose", "Demo", "--gazetteer", "demo/gazetteer.csv"], in: dir).status == 0)
        try "another long password\n".write(to: dir.appendingPathComponent("pw2"), atomically: true, encoding: .utf8)
        #expect(try PIMBinary.run(["org", "add", "--name", "Partner", "--acronym", "PX", "--type", "ingo"], in: dir).status == 0)
        for (name, role) in [("ana", "analyst"), ("pv", "partner-viewer")] {
            let add = try PIMBinary.run(["user", "add", "--name", name, "--role", role, "--org", "PX", "--password-file", "pw2",
                                         "--as", "admin"], in: dir)
            #expect(add.status == 0, "\(add.err)")
        }
        // When each asks for the internal and the shareable output
        let anaInternal = try PIMBinary.run(["output", "cases", "--as", "ana"], in: dir)
        let anaShareable = try PIMBinary.run(["output", "cases", "--shareable", "--as", "ana"], in: dir)
        let pvShareable = try PIMBinary.run(["output", "cases", "--shareable", "--as", "pv"], in: dir)
        let admin = try PIMBinary.run(["output", "cases", "--as", "admin"], in: dir)
        // Then the analyst sees only the shareable one, the partner viewer neither (on the web: through agreements)
        #expect(anaInternal.status != 0)
        #expect(anaInternal.err.contains("ana is analyst, and only these roles may see the internal output of a dataset"), "\(anaInternal.err)")
        #expect(anaShareable.status == 0, "\(anaShareable.err)")
        #expect(pvShareable.status != 0)
        #expect(admin.status == 0, "\(admin.err)")
        // And every output shown is in the audit trail, with its kind and no record value
        let audit = try PIMBinary.run(["audit", "list", "--format", "json"], in: dir)
        #expect(audit.status == 0, "\(audit.err)")
        let viewed = audit.out.components(separatedBy: "output.viewed").count - 1
        #expect(viewed == 2, "\(audit.out)")
        #expect(audit.out.contains("\"kind\":\"shareable\"") || audit.out.contains("\"kind\" : \"shareable\""), "\(audit.out)")
        // QA11 C21: an option the category's output does not use is refused, not ignored
        let weekly = try PIMBinary.run(["output", "cases", "--period", "week"], in: dir)
        #expect(weekly.status != 0)
        #expect(weekly.err.contains("--period applies to protection monitoring's trends; cases is case-management."), "\(weekly.err)")
        #expect(try PIMBinary.run(["output", "cases", "--as-of", "2026-03-31"], in: dir).status == 0)
    }

    /// QA11 C28, C8: consent as collected counts in every category, however it is written. A consent_reporting
    /// column in a protection-monitoring file was dropped at import (not in that template), and a case file
    /// without two optional template columns lost the template: in both the refusals were counted, and the
    /// shareable output said none had refused. A stored schema that would drop such a column refuses the file.
    @Test func consentRefusedAtCollectionIsKeptAndHonouredInEveryCategory() throws {
        let dir = try initialisedWorkspace()
        let gen = try PIMBinary.run(["demo", "generate", "--seed", "3", "--out", "demo", "--scale", "small"], in: dir)
        #expect(gen.status == 0, "\(gen.err)")
        // Given the demo incidents with a consent_reporting answer each: every third one "n", the others "yes"
        let lines = try String(contentsOf: dir.appendingPathComponent("demo/protection-monitoring.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map(String.init)
        var refusals = 0
        var out = [lines[0] + ",consent_reporting", lines[1] + ",#x_consent+reporting"]
        for (i, line) in lines.dropFirst(2).enumerated() {
            out.append(line + (i % 3 == 0 ? ",n" : ",yes"))
            if i % 3 == 0 { refusals += 1 }
        }
        try (out.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("pm.csv"), atomically: true, encoding: .utf8)
        // When it is imported under its category and the shareable output is asked for
        let imp = try PIMBinary.run(["import", "pm.csv", "--dataset", "pm", "--category", "protection-monitoring", "--purpose", "Demo",
                                     "--gazetteer", "demo/gazetteer.csv"], in: dir)
        #expect(imp.status == 0, "\(imp.err)")
        #expect(!imp.err.contains("not stored"), "\(imp.err)")
        let shown = try PIMBinary.run(["output", "pm", "--shareable"], in: dir)
        // Then the refusals are left out and counted
        #expect(shown.status == 0, "\(shown.err)")
        #expect(shown.out.contains("Consent: \(refusals) records left out because consent to reporting was withdrawn or refused."),
                "\(shown.out)")
        // And a file of the same dataset whose stored schema lacks the column is refused, not stripped of it
        let plain = try PIMBinary.run(["import", "demo/protection-monitoring.csv", "--dataset", "pm2", "--category",
                                       "protection-monitoring", "--purpose", "Demo", "--gazetteer", "demo/gazetteer.csv"], in: dir)
        #expect(plain.status == 0, "\(plain.err)")
        let again = try PIMBinary.run(["import", "pm.csv", "--dataset", "pm2", "--gazetteer", "demo/gazetteer.csv"], in: dir)
        #expect(again.status != 0)
        #expect(again.err.contains("records consent as collected in consent_reporting"), "\(again.err)")
        // And a case file without two optional template columns keeps the template (consent_tracing is stored
        // empty; the file's own columns would not have it), and its refusals count
        let cases = try String(contentsOf: dir.appendingPathComponent("demo/case-management.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let drop = Set(["service_provided", "consent_tracing"].compactMap { cases[0].firstIndex(of: $0) })
        #expect(drop.count == 2)
        let reporting = try #require(cases[0].firstIndex(of: "consent_reporting"))
        var caseRefusals = 0
        let rows = cases.enumerated().map { i, row -> String in
            var r = row
            if i >= 2 {
                r[reporting] = i % 4 == 0 ? "no" : "yes"
                if i % 4 == 0 { caseRefusals += 1 }
            }
            return r.enumerated().filter { !drop.contains($0.offset) }.map(\.element).joined(separator: ",")
        }
        try (rows.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("cases.csv"), atomically: true, encoding: .utf8)
        let ci = try PIMBinary.run(["import", "cases.csv", "--dataset", "cases", "--category", "case-management", "--purpose", "Demo",
                                    "--gazetteer", "demo/gazetteer.csv", "--format", "json"], in: dir)
        #expect(ci.status == 0, "\(ci.err)")
        let show = try PIMBinary.run(["dataset", "show", "cases", "--format", "json"], in: dir)
        #expect(show.out.contains("consent_tracing"), "the template's schema: \(show.out.prefix(400))")
        let co = try PIMBinary.run(["output", "cases", "--shareable"], in: dir)
        #expect(co.status == 0, "\(co.err)")
        #expect(co.out.contains("Consent: \(caseRefusals) records left out"), "\(co.out)")
    }

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
        // QA11 C3: protection monitoring's household and key-informant interviews have their own template
        let responses = try PIMBinary.run(["template", "protection-monitoring", "--variant", "responses", "--format", "hxl"], in: dir)
        #expect(responses.status == 0, "\(responses.err)")
        #expect(responses.out.hasPrefix("interview_id,date,adm1_code,adm2_code,respondent_type,"), "\(responses.out)")
        let described = try PIMBinary.run(["template", "protection-monitoring"], in: dir)
        #expect(described.out.contains("Also: --variant responses for one row = one household or key-informant monitoring interview."), "\(described.out)")
        let unknown = try PIMBinary.run(["template", "case-management", "--variant", "responses"], in: dir)
        #expect(unknown.status != 0)
        #expect(unknown.err.contains("has one template (leave --variant out)"), "\(unknown.err)")
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

    /// QA11 C12: a demo load that met a damaged file stored three datasets and stopped, and every retry was refused.
    /// Now every file is checked first, and a second load skips what is already there.
    @Test func aDemoLoadStoresAllOrNothingAndCanBeRunAgain() throws {
        let dir = try initialisedWorkspace()
        #expect(try PIMBinary.run(["demo", "generate", "--seed", "3", "--out", "demo", "--scale", "small"], in: dir).status == 0)
        // Given a damaged population file (the fourth category loaded)
        let population = dir.appendingPathComponent("demo/population-data.csv")
        let good = try Data(contentsOf: population)
        try (good + Data("garbage,row\n".utf8)).write(to: population)
        let bad = try PIMBinary.run(["demo", "load", "--dir", "demo"], in: dir)
        // Then nothing is stored, and the error locates the damage
        #expect(bad.status != 0)
        #expect(bad.err.contains("population-data.csv:") && bad.err.contains("nothing was loaded"), "\(bad.err)")
        #expect(try PIMBinary.run(["datasets"], in: dir).out.contains("No datasets yet"))
        // When the file is mended, the load completes; run again, it skips every dataset and system
        try good.write(to: population)
        let load = try PIMBinary.run(["demo", "load", "--dir", "demo"], in: dir)
        #expect(load.status == 0, "\(load.err)")
        // (QA11 C20: it says as of which day coverage is judged, since the demo data ends on a fixed day)
        #expect(load.out.contains("--as-of 2026-06-30"), "\(load.out)")
        let again = try PIMBinary.run(["demo", "load", "--dir", "demo"], in: dir)
        #expect(again.status == 0, "\(again.err)")
        // (9 files: one per category and protection monitoring's interviews; 5 systems)
        #expect(again.out.components(separatedBy: "; skipped.").count - 1 == 9 + 5, "\(again.out)")
        let datasets = try PIMBinary.run(["datasets", "--format", "json"], in: dir)
        #expect(try JSONDecoder().decode([Listed].self, from: Data(datasets.out.utf8)).count == 9)
        // QA11 C22: a CSV template carries the HXL row too
        let csv = try PIMBinary.run(["template", "population-data", "--format", "csv"], in: dir)
        let lines = csv.out.split(whereSeparator: \.isNewline)
        #expect(lines.count == 2 && lines.last?.hasPrefix("#") == true, "\(csv.out)")
    }

    @Test func coverageShowsGapsAndWhoWouldFillThem() throws {
        let dir = try initialisedWorkspace()
        _ = try PIMBinary.run(["demo", "generate", "--seed", "3", "--out", "demo", "--scale", "small"], in: dir)
        let before = try PIMBinary.run(["coverage", "--scenario", "sudden-onset-emergency"], in: dir)
        #expect(before.status == 0, "\(before.err)")
        #expect(before.out.contains("0 of"))
        let load = try PIMBinary.run(["demo", "load", "--dir", "demo"], in: dir)
        #expect(load.status == 0, "\(load.err)")
        // The demo datasets get their category's sensitivity: cases high, security moderate, population figures low
        let datasets = try PIMBinary.run(["datasets", "--format", "json"], in: dir)
        let listed = try JSONDecoder().decode([Listed].self, from: Data(datasets.out.utf8))
        let sensitivity = Dictionary(listed.map { ($0.name, $0.sensitivity) }, uniquingKeysWith: { a, _ in a })
        #expect(sensitivity["demo-case-management"] == "high")
        #expect(sensitivity["demo-protection-monitoring"] == "high")
        #expect(sensitivity["demo-protection-monitoring-responses"] == "high")
        #expect(sensitivity["demo-security-situational-awareness"] == "moderate")
        #expect(sensitivity["demo-population-data"] == "low")
        // The demo data runs to 2026-06-30: recent as of that day
        let after = try PIMBinary.run(["coverage", "--scenario", "sudden-onset-emergency", "--as-of", "2026-06-30", "--format", "json"], in: dir)
        #expect(after.status == 0, "\(after.err)")
        #expect(after.out.contains("6 of 8 needs covered"))
        #expect(after.out.contains("\"covered\""))
        #expect(after.out.contains("\"partial\""))
        #expect(after.out.contains("data but no registered system"))
        // As of 2027-01-01 the same data (imported days ago) is over 90 days old: nothing is covered
        let later = try PIMBinary.run(["coverage", "--scenario", "sudden-onset-emergency", "--as-of", "2027-01-01"], in: dir)
        #expect(later.status == 0, "\(later.err)")
        #expect(later.out.contains("0 of 8 needs covered"))
        #expect(later.out.contains("never the import date"))
        let unknown = try PIMBinary.run(["coverage", "--scenario", "drought"], in: dir)
        #expect(unknown.status != 0)
        #expect(unknown.err.contains("sudden-onset-emergency"))
    }

    struct Listed: Decodable { var name: String; var sensitivity: String }
}

@Suite struct PublishedCountsParserTests {
    @Test func readsTheColumnBeforeTheFlag() {
        let csv = "# section: shareable\nadm1,sex,cases,flag\nA,f,,primary\nA,m,12,\n# section: b\nx,count,flag\nq,7,\n"
        #expect(CategoriesCLITests.publishedCounts(csv) == [12, 7])
    }
}

@Suite struct ShareableOutputConsentCLITests {
    @Test func shareableOutputLeavesOutWithdrawnRecordsAndSaysHowMany() throws {
        let dir = try initialisedWorkspace()
        // Given 7 open cases of adult women in A1 (C-1 … C-7)
        var csv = "case_id,opened,closed,adm1_code,adm2_code,sex,age_group,specific_need,gbv_incident_type,status,referral_service,org\n"
        for i in 1...7 { csv += "C-\(i),2026-01-0\(i),,A1,A101,female,adults,woman-at-risk,,open,,ORG\n" }
        try csv.write(to: dir.appendingPathComponent("cm.csv"), atomically: true, encoding: .utf8)
        let imp = try PIMBinary.run(["import", "cm.csv", "--dataset", "cm", "--category", "case-management", "--purpose", "Test"], in: dir)
        #expect(imp.status == 0, "\(imp.err)")
        // When consent to reporting is withdrawn for C-1 and C-2
        let w = try PIMBinary.run(["consent", "withdraw", "--dataset", "cm", "--purpose", "reporting", "--record", "C-1", "--record", "C-2"], in: dir)
        #expect(w.status == 0, "\(w.err)")
        // Then the shareable output counts 7 - 2 = 5 and states the 2 left out
        let json = try PIMBinary.run(["output", "cm", "--shareable", "--format", "json"], in: dir)
        #expect(json.status == 0, "\(json.err)")
        let report = try JSONDecoder().decode(Report.self, from: Data(json.out.utf8))
        #expect(report.leftOutForConsent == 2)
        let shareable = try #require(report.sections.first { $0.name == "shareable" })
        let row = try #require(shareable.rows.first { $0.prefix(4) == [.text("A1"), .text("female"), .text("adults"), .text("open")] })
        #expect(row[4] == .int(5))
        let text = try PIMBinary.run(["output", "cm", "--shareable"], in: dir)
        #expect(text.out.contains("2 records left out because consent to reporting was withdrawn or refused"))
        #expect(!text.out.contains("C-1"))
        // And the internal output is unchanged (7): it is not shared
        let internalOutput = try PIMBinary.run(["output", "cm", "--format", "json"], in: dir)
        #expect(!internalOutput.out.contains("leftOutForConsent"))
    }

    struct Report: Decodable {
        var leftOutForConsent: Int?
        var sections: [Section]
    }
    struct Section: Decodable {
        var name: String
        var rows: [[Cell]]
    }
    enum Cell: Decodable, Equatable {
        case int(Int), text(String), other
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int.self) { self = .int(i) } else if let s = try? c.decode(String.self) { self = .text(s) } else { self = .other }
        }
    }
}
