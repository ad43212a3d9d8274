import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable
import Testing

@testable import PIMCategories

@Suite struct ReportFormatTests {
    static let report = CategoryReport(category: "x", title: "Example", sections: [
        ReportSection(name: "by-area", title: "By area", columns: ["area", "count", "share"],
                      rows: [[.text("A|1"), .integer(3), .number(37.5)], [.text("B"), .missing, .missing]], notes: ["a note"]),
    ], notes: ["top note"])

    @Test func csvWritesEachSectionAfterItsNameWithSuppressedCellsEmpty() {
        let csv = ReportFormat.csv.render(Self.report)
        // The writer quotes "|" because readers may sniff it as a delimiter.
        #expect(csv == "# section: by-area\narea,count,share\n\"A|1\",3,37.5\nB,,\n")
    }

    @Test func markdownEscapesPipesAndKeepsNotes() {
        let md = ReportFormat.markdown.render(Self.report)
        #expect(md.contains("| area | count | share |"))
        #expect(md.contains("| A\\|1 | 3 | 37.5 |"))
        #expect(md.contains("_a note_"))
    }

    @Test func jsonRoundTripsWithNullForMissing() throws {
        let json = ReportFormat.json.render(Self.report)
        #expect(json.contains("null"))
        let back = try JSONDecoder().decode(CategoryReport.self, from: Data(json.utf8))
        #expect(back == Self.report)
    }

    @Test func textAlignsColumns() {
        let text = ReportFormat.text.render(Self.report)
        #expect(text.contains("area  count  share"))
        #expect(text.contains("A|1   3      37.5"))
    }
}
