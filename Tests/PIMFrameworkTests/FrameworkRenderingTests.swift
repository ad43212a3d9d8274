import Foundation
import Testing

@testable import PIMFramework

/// Views render in every format; JSON round-trips; CSV follows RFC 4180.
@Suite struct FrameworkRenderingTests {
    let framework = PIMFramework.standard

    @Test func csvFieldsAreQuotedPerRFC4180() {
        #expect(Layout.csvField("plain") == "plain")
        #expect(Layout.csvField("a,b") == "\"a,b\"")
        #expect(Layout.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(Layout.csvField("two\nlines") == "\"two\nlines\"")
        #expect(Layout.csvRecord(["a", "b,c"]) == "a,\"b,c\"\r\n")
    }

    @Test func matrixCSVHasOneRecordPerEntryWithQuotedCommas() throws {
        let csv = try MatrixView(framework).render(.csv)
        let records = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let entries = framework.categories.reduce(0) { total, category in
            total + MatrixElement.allCases.reduce(0) { $0 + category.entries(for: $1).count }
        }
        #expect(records.count == entries + 1)
        #expect(records.first == "category_id,category,element_id,element,entry,section,source")
        // "Security, Access, Safety" is not a matrix entry, but §9.8's "Community capacities, resources, …" is.
        #expect(csv.contains(
            "communicating-with-affected-communities,Communicating with Affected Communities,output,"
                + "Output (data and information),\"Community capacities, resources, skills of the communities\",§9.8,seed\r\n"))
        #expect(csv.contains(",\"Output (data and information)\",") == false)
    }

    @Test func markdownMatrixPrintsEveryCategoryAndElement() throws {
        for orientation in MatrixView.Orientation.allCases {
            let markdown = try MatrixView(framework, orientation: orientation).render(.markdown)
            for category in framework.categories { #expect(markdown.contains(category.name)) }
            for element in MatrixElement.allCases { #expect(markdown.contains(element.title)) }
            for category in framework.categories {
                for element in MatrixElement.allCases {
                    for entry in category.entries(for: element) {
                        #expect(markdown.contains(Layout.cell(entry.text)))
                    }
                }
            }
        }
    }

    @Test func matrixByElementCanBeLimitedToOneElement() {
        let view = MatrixView(framework, orientation: .element, element: .tools)
        #expect(view.cells.count == 8)
        #expect(view.cells.allSatisfy { $0.element == .tools })
        #expect(view.cell(.caseManagement, .tools)?.entries.contains { $0.text.contains("proGres") } == true)
    }

    @Test func csvIsOnlyForTheMatrix() {
        #expect(throws: FrameworkError.formatNotAvailable(format: "csv", view: "problems")) {
            try ProblemsView(framework).render(.csv)
        }
    }

    private func roundTrip<V: FrameworkView & Equatable>(_ view: V) throws {
        let json = try view.render(.json)
        let decoded = try JSONDecoder().decode(V.self, from: Data(json.utf8))
        #expect(decoded == view)
        #expect(try decoded.render(.json) == json)
    }

    @Test func everyViewRoundTripsThroughJSON() throws {
        let category = framework.category(.caseManagement)
        try roundTrip(CategoryListView(framework))
        try roundTrip(CategoryDetailView(category, framework: framework))
        try roundTrip(OutputsView(category))
        try roundTrip(SharesView(category))
        try roundTrip(MatrixView(framework))
        try roundTrip(MatrixView(framework, orientation: .element, element: .sharedData))
        for scenario in framework.scenarios { try roundTrip(ScenarioView(scenario, framework: framework)) }
        try roundTrip(ProblemsView(framework))
        try roundTrip(AccessView(framework))
        try roundTrip(PrinciplesView(framework))
        try roundTrip(TermsView(framework))
        try roundTrip(framework.search("population figures"))
    }

    @Test func theWholeFrameworkRoundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(framework)
        #expect(try JSONDecoder().decode(PIMFramework.self, from: data) == framework)
    }

    @Test func jsonKeysAreSorted() throws {
        let json = try AccessView(framework).render(.json)
        let detail = try #require(json.range(of: "\"detail\""))
        let identifier = try #require(json.range(of: "\"id\" : \"1a\""))
        #expect(detail.lowerBound < identifier.lowerBound)
    }

    @Test func sourcesEncodeAsKindAndSection() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode([Source.seed(SectionReference(10, 4)), .pimMatrix])
        #expect(String(decoding: data, as: UTF8.self) == #"[{"kind":"seed","section":"§10.4"},{"kind":"pim-matrix"}]"#)
    }

    @Test func textViewsShowSectionsAndMarkMatrixItems() throws {
        let detail = try CategoryDetailView(framework.category(.caseManagement), framework: framework).render(.text)
        #expect(detail.contains("§10.4"))
        #expect(detail.contains("PIM Matrix"))
        #expect(detail.contains("proGres"))
        let list = try CategoryListView(framework).render(.text)
        #expect(list.contains("formerly \"Security, Access, Safety\""))
        #expect(list.contains("includes Human Rights (§7.2)"))
    }

    @Test func termsCanBeFilteredByWord() {
        let consent = TermsView(framework, matching: "consent")
        #expect(consent.terms.map(\.name).first == "Informed consent")
        #expect(TermsView(framework, matching: "zzzqqq").terms.isEmpty)
        #expect(TermsView(framework).terms.count == framework.terms.count)
    }

    @Test func scenarioTextNamesProducers() throws {
        let scenario = try framework.scenario(named: "sudden-onset-emergency")
        let text = try ScenarioView(scenario, framework: framework).render(.text)
        #expect(text.contains("Must have"))
        #expect(text.contains("produced by: Population Data"))
    }
}
