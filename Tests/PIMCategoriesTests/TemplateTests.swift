import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable
import Testing

@testable import PIMCategories

@Suite struct TemplateTests {
    @Test func everyCategoryHasAValidTemplateWithParsableHXLTags() throws {
        // Given the eight templates
        #expect(CategoryTemplate.all.count == 8)
        for t in CategoryTemplate.all {
            // Then each schema is valid and every field carries an HXL tag that parses
            try t.schema.validate()
            for f in t.schema.fields {
                let tag = try #require(f.hxl.flatMap(HXLTagSpec.parseSpec), "\(t.category) \(f.name)")
                #expect(!tag.tag.isEmpty)
            }
            #expect(t.emptyTable().columns.allSatisfy { $0.tag != nil })
            #expect(t.emptyTable().rowCount == 0)
        }
    }

    @Test func nonHXLTagsAreOnlyUsedWhereHXLHasNone() {
        // #x_ tags are allowed only for concepts without an HXL hashtag
        let allowed: Set = ["x_sex", "x_agegroup", "x_specificneed", "x_gbv", "x_service", "x_weight", "x_ownership", "x_channel", "x_topic"]
        for t in CategoryTemplate.all {
            for f in t.schema.fields {
                guard let tag = f.hxl.flatMap(HXLTagSpec.parseSpec), tag.tag.hasPrefix("x_") else { continue }
                #expect(allowed.contains(tag.tag), "\(f.name) uses \(tag)")
            }
        }
    }

    @Test func taxonomiesFollowTheirStatedSources() {
        #expect(Taxonomy.protectionRisk.codes.count == 15)
        #expect(Taxonomy.gbvIncidentType.codes == ["rape", "sexual-assault", "physical-assault", "forced-marriage", "denial-of-resources", "psychological-abuse"])
        #expect(Taxonomy.accessVariable.codes == PIMFramework.standard.accessDimensions.flatMap(\.variables).map(\.id))
        let cm = CategoryTemplate.template(for: .caseManagement)
        #expect(cm.schema.field(named: "gbv_incident_type")?.allowedValues?.count == 6)
        #expect(cm.schema.field(named: "case_id")?.role == .directIdentifier)
        #expect(cm.schema.field(named: "specific_need")?.role == .sensitive)
        #expect(CategoryTemplate.template(for: .securitySituationalAwareness).schema.field(named: "severity")?.maximum == 3)
        #expect(CategoryTemplate.template(for: .protectionNeedsAssessment).schema.names(withRole: .weight) == ["weight"])
    }

    @Test func hxlCSVHasHeaderAndHashtagRowAndNoData() {
        let t = CategoryTemplate.template(for: .populationData).emptyTable()
        let text = String(decoding: CSVWriter.bytes(t, hxl: true), as: UTF8.self)
        let lines = text.split(separator: "\r\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("date,adm1_code,adm2_code,population_group,source_org,population_f_children"))
        #expect(lines[1].hasPrefix("#date,#adm1+code,#adm2+code,#population+type,#org+source,#population+f+children"))
    }

    @Test func xlsFormHasSurveyChoicesAndSettingsSheets() throws {
        // Given the case-management form
        let form = XLSForm(template: CategoryTemplate.template(for: .caseManagement))
        // Then every field is a question, selects point at choice lists, and lists hold the taxonomy codes
        #expect(form.survey.rowCount == CategoryTemplate.caseManagement.fields.count)
        let types = try form.survey.texts("type"), names = try form.survey.texts("name")
        #expect(types[names.firstIndex(of: "status") ?? 0] == "select_one case_status")
        #expect(types[names.firstIndex(of: "opened") ?? 0] == "date")
        let lists = try form.choices.texts("list_name")
        #expect(lists.filter { $0 == "gbv_incident_type" }.count == 6)
        // When written as .xlsx, the three sheets read back
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("form-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        try form.write(to: url)
        let choices = try XLSXReader.read(contentsOf: url, sheet: "choices").table
        #expect(choices.rowCount == form.choices.rowCount)
        let settings = try XLSXReader.read(contentsOf: url, sheet: "settings").table
        #expect(try settings.texts("form_id") == ["pim_case_management"])
    }
}
