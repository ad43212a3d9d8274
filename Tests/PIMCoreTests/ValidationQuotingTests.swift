import PIMCore
import PIMTable
import Testing

@Suite struct ValidationQuotingTests {
    @Test func noCellIsQuotedEvenInAnOrdinaryField() {
        // Given a shifted row that put a name into household_size (role "other") and into a date field
        let schema = Schema(fields: [
            Field(name: "household_size", type: .integer, minimum: 1, maximum: 40),
            Field(name: "visit", type: .date),
        ])
        let t = textTable([("household_size", ["4", "Amina Yusuf", "-3"]), ("visit", ["2026-01-02", "Amina 1990", "2026-13-01"])])
        let r = Validator(schema: schema, gazetteer: nil, fileName: "leak.csv", firstDataRow: 2).validate(t)
        let text = r.issues.map(\.description).joined(separator: "\n")
        // Then the name appears nowhere: the values are described by their length
        #expect(!text.contains("Amina"), "\(text)")
        #expect(text.contains("leak.csv:3:household_size: not an integer"), "\(text)")
        #expect(text.contains("an 11-character value"), "\(text)")
        #expect(text.contains("leak.csv:3:visit"), "\(text)")
        // And a number out of range, or a date written wrongly, is not quoted either (an age or a household
        // size is personal data too): its length is said, and the row and column locate it
        #expect(!text.contains("(-3)") && !text.contains("\"-3\""), "\(text)")
        #expect(!text.contains("2026-13-01"), "\(text)")
        #expect(text.contains("leak.csv:4:household_size: below the minimum (a 2-character value); expected at least 1"), "\(text)")
    }

    /// A length is written with the article it is said with.
    @Test(arguments: [(1, "a"), (3, "a"), (8, "an"), (11, "an"), (18, "an"), (80, "an"), (110, "a"), (800, "an"), (11_000, "an"), (1_100, "a")])
    func lengthsTakeTheirArticle(length: Int, article: String) {
        let t = textTable([("household_size", [String(repeating: "x", count: length)])])
        let r = Validator(schema: Schema(fields: [Field(name: "household_size", type: .integer)]), fileName: "f.csv", firstDataRow: 2)
            .validate(t)
        #expect(r.issues.first?.problem.contains("found \(article) \(length)-character value") == true, "\(r.issues)")
    }
}

@Suite struct DatasetNameTests {
    @Test func namesStartWithALetterOrDigit() throws {
        for good in ["pm-2026", "PM_2026.v1", "2026-pm", "é-sites"] { try Dataset.validateName(good) }
        for bad in ["..", ".", ".hidden", "-pm", "_pm", "", "a/b", String(repeating: "a", count: 101)] {
            #expect(throws: DomainError.self) { try Dataset.validateName(bad) }
        }
    }
}
