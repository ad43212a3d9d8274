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

    /// Columns are padded by characters: a family emoji (five scalars, eight UTF-16 units) or a flag stays whole.
    @Test func textPadsCellsByCharacterAndKeepsEmojiWhole() {
        // Given a label column with an emoji sequence, a flag and a longer plain label
        let family = "\u{1F469}\u{200D}\u{1F469}\u{200D}\u{1F467} (x)", flag = "\u{1F1F8}\u{1F1E9} y"
        let r = CategoryReport(category: "x", title: "T", sections: [
            ReportSection(name: "s", title: "S", columns: ["label", "n"],
                          rows: [[.text(family), .integer(1)], [.text(flag), .integer(2)], [.text("a longer label"), .integer(3)]]),
        ])
        let lines = ReportFormat.text.render(r).split(separator: "\n").map(String.init)
        // Then each cell appears whole, padded to the widest label (14 characters) plus the two-space gap
        #expect(lines.contains(family + String(repeating: " ", count: 14 - family.count) + "  1"))
        #expect(lines.contains(flag + String(repeating: " ", count: 14 - flag.count) + "  2"))
        #expect(!lines.joined().contains("\u{FFFD}"))
    }

    @Test func paddingNeverShortensAString() {
        #expect("abc".padded(toWidth: 5) == "abc  ")
        #expect("abcdef".padded(toWidth: 3) == "abcdef")
        #expect("\u{1F1F8}\u{1F1E9}".padded(toWidth: 2) == "\u{1F1F8}\u{1F1E9} ")
    }
}
