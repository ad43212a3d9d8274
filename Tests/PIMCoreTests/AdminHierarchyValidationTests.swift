import Foundation
import PIMCore
import PIMTable
import Testing

/// Admin codes are checked against the gazetteer's hierarchy, not only one by one.
@Suite struct AdminHierarchyValidationTests {
    let gazetteer = Gazetteer(areas: [
        Gazetteer.Area(code: "QQ01", name: "North", level: 1, parent: nil),
        Gazetteer.Area(code: "QQ0101", name: "A", level: 2, parent: "QQ01"),
        Gazetteer.Area(code: "QQ0102", name: "B", level: 2, parent: "QQ01"),
        Gazetteer.Area(code: "QQ02", name: "South", level: 1, parent: nil),
        Gazetteer.Area(code: "QQ0201", name: "C", level: 2, parent: "QQ02"),
    ])
    let schema = Schema(fields: [
        Field(name: "adm1_code", type: .text, role: .quasiIdentifier, adminLevel: 1),
        Field(name: "adm2_code", type: .text, role: .quasiIdentifier, adminLevel: 2),
        Field(name: "name", type: .text, role: .directIdentifier),
    ])

    @Test func anAdmin2UnderAnotherAdmin1IsAnErrorNamingTheRightCodes() {
        // Given rows 3 to 6 (header and HXL row above), row 4 with QQ0201 under QQ01 although the gazetteer puts it under QQ02
        let t = textTable([
            ("adm1_code", ["QQ01", "QQ01", "QQ02", "QQ01"]),
            ("adm2_code", ["QQ0101", "QQ0201", "QQ0201", "QQ9999"]),
            ("name", ["Person One", "Person Two", "Person Three", "Person Four"]),
        ])
        let r = Validator(schema: schema, gazetteer: gazetteer, fileName: "file.csv", firstDataRow: 3).validate(t)
        let hierarchy = r.issues.filter { $0.rule == .adminHierarchy }
        // Then exactly row 4 is reported, with the admin 2 codes that do lie under QQ01
        #expect(hierarchy.map(\.description) == ["file.csv:4:adm2_code: QQ0201 is not in admin1 QQ01; expected one of QQ0101, QQ0102"])
        // (the unknown QQ9999 is reported once, by the code check, not again here)
        #expect(r.issues.filter { $0.row == 6 }.map(\.rule) == [.adminCode])
        #expect(r.countsByRule[.adminHierarchy] == 1)
        #expect(r.rowsRejected == 2)
        // and no other value of the row is quoted
        #expect(!r.issues.contains { $0.description.contains("Person") })
    }

    @Test func withoutAGazetteerTheHierarchyIsNotChecked() {
        let t = textTable([("adm1_code", ["QQ01"]), ("adm2_code", ["QQ0201"]), ("name", ["x"])])
        let r = Validator(schema: schema, fileName: "file.csv", firstDataRow: 2).validate(t)
        #expect(r.isValid)
    }
}
