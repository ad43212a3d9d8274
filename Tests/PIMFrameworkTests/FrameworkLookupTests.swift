import Testing

@testable import PIMFramework

/// Looking categories, scenarios and elements up by id, name and alias.
@Suite struct FrameworkLookupTests {
    let framework = PIMFramework.standard

    @Test(arguments: [
        ("human-rights", PIMCategory.ID.protectionMonitoring),
        ("Human Rights", .protectionMonitoring),
        ("HUMAN RIGHTS", .protectionMonitoring),
        ("protection monitoring", .protectionMonitoring),
        ("case-management", .caseManagement),
        ("Case Management", .caseManagement),
        ("Security, Access, Safety", .securitySituationalAwareness),
        ("security and situational awareness", .securitySituationalAwareness),
        ("Communicating with Affected Populations", .communicatingWithAffectedCommunities),
        ("Sectoral IM Systems / Other", .sectoralIMSystemsOther),
        ("sectoral systems/other", .sectoralIMSystemsOther),
        ("  Population Data ", .populationData),
    ])
    func findsCategoryByIdNameOrAlias(text: String, expected: PIMCategory.ID) throws {
        #expect(try framework.category(named: text).id == expected)
    }

    @Test func everyIdLeadsToItsCategory() throws {
        for id in PIMCategory.ID.allCases { #expect(try framework.category(named: id.rawValue).id == id) }
    }

    @Test func unknownCategoryErrorListsTheValidIds() {
        #expect(throws: FrameworkError.unknownCategory(validIDs: PIMCategory.ID.allCases.map(\.rawValue))) {
            try framework.category(named: "logistics")
        }
        let message = FrameworkError.unknownCategory(validIDs: ["a", "b"]).description
        #expect(message == "No PIM category has that id, name or alias; valid ids: a, b.")
    }

    @Test func findsScenariosByIdOrName() throws {
        #expect(try framework.scenario(named: "sudden-onset-emergency").id == .suddenOnsetEmergency)
        #expect(try framework.scenario(named: "Protracted non-emergency").id == .protractedNonEmergency)
        #expect(throws: FrameworkError.self) { try framework.scenario(named: "peacetime") }
    }

    @Test(arguments: [
        ("tools", MatrixElement.tools), ("shared-data", .sharedData), ("shares", .sharedData),
        ("Output (data and information)", .output), ("outputs", .output), ("definition", .definitionAndPurpose),
        ("approaches", .approachesAndMethods), ("Sub-category examples", .subCategoryExamples),
    ])
    func findsElementsByIdTitleOrShortWord(text: String, expected: MatrixElement) throws {
        #expect(try framework.element(named: text) == expected)
    }

    @Test func sectionReferencesParseAndPrint() {
        #expect(SectionReference(10, 4).description == "§10.4")
        #expect(SectionReference(parsing: "§10.4") == SectionReference(10, 4))
        #expect(SectionReference(parsing: "7.1") == SectionReference(7, 1))
        #expect(SectionReference(parsing: "§10 n.7") == SectionReference(10, footnote: 7))
        #expect(SectionReference(parsing: "§x.1") == nil)
        #expect(SectionReference(parsing: "") == nil)
        #expect(SectionReference(9, 6) < SectionReference(10, 1))
        #expect(SectionReference(10) < SectionReference(10, 1))
    }
}
