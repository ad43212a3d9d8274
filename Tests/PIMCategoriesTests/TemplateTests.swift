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
        let allowed: Set = ["x_sex", "x_agegroup", "x_specificneed", "x_gbv", "x_weight", "x_ownership", "x_channel", "x_topic",
                            "x_casetype", "x_age", "x_consent", "x_aidworkers", "x_priority", "x_sensitive"]
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
        #expect(try settings.texts("form_title") == ["Case Management"])
        #expect(try settings.texts("form_id") == ["pim_case_management"])
    }

    /// QA11 C2: the form asks what the template accepts: a closed case needs its closed date, an open one is not
    /// asked for it, the closed date is not before the opened one, and the age agrees with the age group.
    @Test func xlsFormCarriesTheTemplatesChecksAcrossFields() throws {
        let form = XLSForm(template: CategoryTemplate.template(for: .caseManagement))
        func column(_ t: Table, _ name: String) throws -> [String] { try t.texts(name).map { $0 ?? "" } }
        let names = try column(form.survey, "name"), required = try column(form.survey, "required")
        let relevant = try column(form.survey, "relevant"), constraint = try column(form.survey, "constraint")
        let messages = try column(form.survey, "constraint_message")
        let closed = try #require(names.firstIndex(of: "closed")), age = try #require(names.firstIndex(of: "age"))
        let opened = try #require(names.firstIndex(of: "opened"))
        #expect(required[closed] == "${status} = 'closed'")
        #expect(relevant[closed] == "not(${status} = 'open' or ${status} = 'referred')")
        #expect(constraint[closed].contains("(${opened} = '' or . >= ${opened})"), "\(constraint[closed])")
        #expect(messages[closed] == "opened is not after closed")
        #expect(constraint[opened].isEmpty || !constraint[opened].contains("${closed}"))
        // (The age's own bounds stay, and each group's range applies when that group is chosen.)
        #expect(constraint[age].hasPrefix("(. >= 0 and . <= "), "\(constraint[age])")
        #expect(constraint[age].contains("(not(${age_group} = 'children') or (. >= 0 and . <= 17))"), "\(constraint[age])")
        #expect(constraint[age].contains("(not(${age_group} = 'elderly') or (. >= 60))"), "\(constraint[age])")
        // A field no rule reads keeps its plain required flag and no relevant
        let caseID = try #require(names.firstIndex(of: "case_id"))
        #expect(required[caseID] == "yes" && relevant[caseID].isEmpty)
        // The feedback form: a response is not dated before the feedback was received
        let feedback = XLSForm(template: CategoryTemplate.template(for: .communicatingWithAffectedCommunities))
        let fNames = try column(feedback.survey, "name"), fConstraint = try column(feedback.survey, "constraint")
        let responded = try #require(fNames.firstIndex(of: "responded"))
        #expect(fConstraint[responded].contains("${received} = '' or . >= ${received}"), "\(fConstraint[responded])")
        // And the expressions survive the .xlsx
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("form-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        try form.write(to: url)
        let survey = try XLSXReader.read(contentsOf: url, sheet: "survey").table
        #expect(try column(survey, "relevant")[closed] == relevant[closed])
    }

    @Test func xlsFormOffersGazetteerCodesFilteredByTheLevelAbove() throws {
        // Given a gazetteer of two admin 1 areas with one and two districts
        func col(_ name: String, _ tag: String, _ values: [String]) -> Column {
            Column(name: name, tag: HXLTagSpec.parseSpec(tag), data: .textColumn(values))
        }
        let g = try Gazetteer(table: Table(columns: [
            col("a1", "#adm1+code", ["A1", "A2", "A2"]), col("n1", "#adm1+name", ["North", "South", "South"]),
            col("a2", "#adm2+code", ["A101", "A201", "A202"]), col("n2", "#adm2+name", ["Oak", "Elm", "Fir"]),
        ]))
        let form = XLSForm(template: CategoryTemplate.template(for: .protectionMonitoring), gazetteer: g)
        let names = try form.survey.texts("name"), types = try form.survey.texts("type"), filters = try form.survey.texts("choice_filter")
        let adm2 = try #require(names.firstIndex(of: "adm2_code"))
        #expect(types[adm2] == "select_one adm2")
        #expect(filters[adm2] == "adm1=${adm1_code}")
        #expect(types[names.firstIndex(of: "adm1_code") ?? 0] == "select_one adm1")
        let lists = try form.choices.texts("list_name"), codes = try form.choices.texts("name"), parents = try form.choices.texts("adm1")
        let labels = try form.choices.texts("label")
        #expect(zip(lists, codes).filter { $0.0 == "adm2" }.map(\.1) == ["A101", "A201", "A202"])
        #expect(parents[codes.firstIndex(of: "A202") ?? 0] == "A2")
        #expect(labels[codes.firstIndex(of: "A101") ?? 0] == "Oak (A101)")
    }
}

@Suite struct CaseManagementRulesTests {
    @Test func theCaseManagementTemplateFlagsDatesThatDisagreeWithStatus() throws {
        // Given the QA fixture's cases (data from row 3, after the HXL row): C5 closed before it opened, C6 closed
        // without a closed date, C7 open with a closed date; C1 and C3 are consistent
        let t = fixture("case_id,opened,closed,adm1_code,adm2_code,sex,age_group,specific_need,gbv_incident_type,status,referral_service,org", [
            "C1,2026-01-05,2026-01-15,QQ01,QQ0101,female,adults,gbv-survivor,rape,closed,health,O",
            "C3,2026-02-01,,QQ02,QQ0201,female,children,child-at-risk,,open,,O",
            "C5,2026-03-10,2026-03-05,QQ02,QQ0202,male,adults,disability,,closed,,O",
            "C6,2026-03-12,,QQ02,QQ0202,male,adults,disability,,closed,,O",
            "C7,2026-03-15,2026-03-20,QQ02,QQ0202,male,adults,disability,,open,,O",
        ])
        let schema = CategoryTemplate.caseManagement.schema
        try schema.validate()
        let r = Validator(schema: schema, fileName: "cm.csv", firstDataRow: 3).validate(t)
        // Then rows 5, 6 and 7 (C5, C6, C7) each have one issue at "closed"
        #expect(r.issues.map { "\($0.row):\($0.column):\($0.rule.rawValue)" } == ["5:closed:date-order", "6:closed:conditional", "7:closed:conditional"])
        // And the template's schema file carries the rules
        let json = String(decoding: try JSONEncoder().encode(schema), as: UTF8.self)
        #expect(json.contains(#""rule":"required-when""#))
    }
}

@Suite struct FeedbackRulesTests {
    @Test func theFeedbackTemplateRefusesAResponseBeforeTheFeedback() throws {
        // Given feedback F2 answered three days before it was received; F1 answered the same day, F3 not yet
        let t = fixture("feedback_id,received,responded,adm1_code,adm2_code,channel,topic,status,sex,age_group", [
            "F1,2026-01-01,2026-01-01,QQ01,QQ0101,hotline,appreciation,closed,male,adults",
            "F2,2026-01-05,2026-01-02,QQ01,QQ0101,sms,other,closed,female,adults",
            "F3,2026-01-06,,QQ01,QQ0101,sms,other,open,female,adults",
        ])
        let schema = CategoryTemplate.communityFeedback.schema
        try schema.validate()
        let r = Validator(schema: schema, fileName: "fb.csv", firstDataRow: 3).validate(t)
        // Then only row 4 (F2) has an issue, at "responded", and it quotes no date
        #expect(r.issues.map { "\($0.row):\($0.column):\($0.rule.rawValue)" } == ["4:responded:date-order"])
        #expect(r.issues.first.map { !$0.description.contains("2026-") } == true)
    }
}

@Suite struct TemplateFieldsTests {
    /// Issue #6 lists, per category, the fields a template holds at least.
    @Test(arguments: [
        (PIMCategory.ID.protectionMonitoring, ["date", "adm2_code", "protection_risk", "gbv_incident_type", "perpetrator", "sex", "age_group",
                                               "source", "verification"]),
        (.caseManagement, ["case_unit", "sex", "age", "age_group", "adm2_code", "specific_need", "status", "opened", "closed",
                           "service_provided", "referral_service", "consent_services", "consent_disclosure", "consent_reporting",
                           "consent_tracing"]),
        (.securitySituationalAwareness, ["date", "adm2_code", "incident_type", "actor", "impact", "aid_workers_affected",
                                         "access_variable", "severity", "hazard_type", "latitude", "longitude"]),
        (.protectionResponseMonitoringEvaluation, ["org", "adm2_code", "activity", "indicator", "targeted_f_children",
                                                   "reached_m_elderly", "date", "period_end"]),
        (.communicatingWithAffectedCommunities, ["received", "channel", "adm2_code", "topic", "priority", "sensitive", "status",
                                                 "responded"]),
    ])
    func templatesHoldTheFieldsTheIssueLists(category: PIMCategory.ID, fields: [String]) {
        let schema = CategoryTemplate.template(for: category).schema
        for name in fields { #expect(schema.field(named: name) != nil, "\(category) \(name)") }
    }

    @Test func newOptionalFieldsAreOptionalAndCarryTheirRoles() {
        let cm = CategoryTemplate.caseManagement.schema
        #expect(cm.field(named: "age")?.role == .quasiIdentifier)
        #expect(cm.field(named: "consent_disclosure")?.allowedValues == ["yes", "no"])
        let pm = CategoryTemplate.protectionMonitoring.schema
        #expect(pm.field(named: "perpetrator")?.role == .sensitive)
        #expect(pm.field(named: "gbv_incident_type")?.allowedValues?.count == 6)
        let sec = CategoryTemplate.securityAwareness.schema
        #expect(sec.field(named: "latitude")?.hxl == "#geo+lat")
        #expect(sec.field(named: "latitude")?.role == .quasiIdentifier)
        // None is required, so files made with the earlier templates still import
        for t in [cm, pm, sec, CategoryTemplate.responseMonitoring.schema, CategoryTemplate.communityFeedback.schema] {
            for name in ["perpetrator", "source", "verification", "case_unit", "age", "consent_tracing", "actor", "impact",
                         "hazard_type", "latitude", "activity", "period_end", "priority", "sensitive"] {
                if let f = t.field(named: name) { #expect(!f.required, "\(name)") }
            }
        }
    }

    /// QA14: an activity report whose period ends before the month it reports is an issue, located, as the other
    /// categories' date pairs are.
    @Test func aReportingPeriodCannotEndBeforeItsMonth() throws {
        let schema = CategoryTemplate.responseMonitoring.schema
        #expect(schema.rules.contains(.dateNotAfter(field: "date", other: "period_end")))
        let t = try Table(columns: [
            Column(name: "date", data: .date(days: [20_485, 20_485], nulls: NullMask())),        // 2026-02-01
            Column(name: "period_end", data: .date(days: [20_468, 20_512], nulls: NullMask())),  // 2026-01-15, 2026-02-28
        ])
        let rules = Schema(fields: [Field(name: "date", type: .date), Field(name: "period_end", type: .date)], rules: schema.rules)
        let r = Validator(schema: rules, fileName: "me.csv", firstDataRow: 2).validate(t)
        #expect(r.issues.map { "\($0.row):\($0.rule.rawValue)" } == ["2:date-order"], "\(r.issues.map(\.description))")
    }
}
