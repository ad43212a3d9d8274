import Foundation
import PIMTable
import Testing

@Suite struct KoboTests {
    static let export = """
        start,group_a/age,group_a/sex,group_b/fruits,group_b/fruits/apple,group_b/fruits/pear,group_b/sex,_id,_uuid,_submission_time,_index
        2024-01-01,30,f,apple pear,1,1,m,1,u-1,2024-01-02,1
        2024-01-01,7,m,pear,0,1,f,2,u-2,2024-01-02,2

        """

    @Test func shortensGroupPathsAndKeepsThemInInfo() throws {
        let r = try readCSV(Self.export)
        let kobo = try #require(r.report.kobo)
        #expect(r.table["age"] != nil)
        #expect(kobo.questions.first { $0.name == "age" }?.groupPath == ["group_a"])
        #expect(kobo.questions.first { $0.name == "age" }?.exportedName == "group_a/age")
    }

    @Test func keepsFullPathWhenShortNamesWouldCollide() throws {
        let r = try readCSV(Self.export)
        #expect(r.table["group_a/sex"] != nil)
        #expect(r.table["group_b/sex"] != nil)
        #expect(r.table["sex"] == nil)
        #expect(r.report.kobo?.keptGroupPaths.sorted() == ["group_a/sex", "group_b/sex"])
    }

    @Test func recognisesSelectMultipleChoiceColumns() throws {
        let r = try readCSV(Self.export)
        let choices = try #require(r.report.kobo?.selectMultipleChoices)
        #expect(choices.map(\.choice) == ["apple", "pear"])
        #expect(choices.allSatisfy { $0.question == "fruits" })
        #expect(choices.map(\.column) == ["fruits/apple", "fruits/pear"])
        #expect(r.table.values("fruits/apple") == [.integer(1), .integer(0)])
    }

    @Test func recognisesMetaColumns() throws {
        let r = try readCSV(Self.export)
        let meta = try #require(r.report.kobo?.metaColumns)
        #expect(meta["_uuid"] == .uuid)
        #expect(meta["_id"] == .id)
        #expect(meta["_submission_time"] == .submissionTime)
        #expect(meta["_index"] == .index)
    }

    @Test func koboWithHXLRowWorks() throws {
        let r = try readCSV("grp/age,_uuid\n#age,#meta+uuid\n4,u-1\n")
        #expect(r.table.columnNames == ["age", "_uuid"])
        #expect(r.table["age"]?.tag == HXLTagSpec(tag: "age"))
    }

    /// A Kobo export with label headers: a label with a `/` ("Sex (M/F)") is not a group path and keeps
    /// its whole name, while XML-path headers beside it are still shortened.
    @Test func labelHeadersWithASlashKeepTheirNames() throws {
        let r = try readCSV("_id,Sex (M/F),Date (dd/mm/yyyy),grp/age,_uuid\n1,M,01/02/2024,4,u1\n2,F,02/02/2024,5,u2\n")
        #expect(r.report.kobo != nil)
        #expect(r.table.columnNames == ["_id", "Sex (M/F)", "Date (dd/mm/yyyy)", "age", "_uuid"])
        #expect(r.report.kobo?.questions.first { $0.name == "Sex (M/F)" }?.groupPath == [])
    }

    /// A KoboToolbox XLSX export has the same headers as its CSV export and is read the same way.
    @Test func xlsxExportIsReadAsKobo() throws {
        let csv = try readCSV(Self.export, options: CSVReadOptions(interpretKobo: false))
        #expect(csv.report.kobo == nil)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kobo-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        try XLSXWriter.write(csv.table, to: url)
        let r = try TableReader.read(url: url)
        let kobo = try #require(r.report.kobo)
        #expect(r.table["age"] != nil)
        #expect(r.table["group_a/sex"] != nil)
        #expect(kobo.metaColumns["_uuid"] == .uuid)
        #expect(kobo.selectMultipleChoices.map(\.choice) == ["apple", "pear"])
        #expect(r.report.profiles.map(\.name) == r.table.columnNames)
        #expect(kobo.keptGroupPaths.sorted() == ["group_a/sex", "group_b/sex"])
        #expect(r.report.warnings.contains(.keptGroupPaths(columns: kobo.keptGroupPaths)))
        // And when asked not to, the headers stay as they are.
        let plain = try TableReader.read(url: url, options: CSVReadOptions(interpretKobo: false))
        #expect(plain.report.kobo == nil)
        #expect(plain.table["group_a/age"] != nil)
    }

    @Test func plainCSVIsNotKobo() throws {
        let r = try readCSV("a/b,c\n1,2\n")
        #expect(r.report.kobo == nil)
        #expect(r.table.columnNames == ["a/b", "c"])
    }
}
