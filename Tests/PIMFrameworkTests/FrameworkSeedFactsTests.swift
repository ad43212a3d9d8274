import Testing

@testable import PIMFramework

/// Facts checked against the seed document by hand.
@Suite struct FrameworkSeedFactsTests {
    let framework = PIMFramework.standard

    @Test func securityAndSituationalAwarenessWasSecurityAccessSafety() {
        let category = framework.category(.securitySituationalAwareness)
        #expect(category.formerNames == ["Security, Access, Safety"])
        #expect(category.aliases.first?.section == SectionReference(7, 1))
        #expect(category.status == .spiritEndorsed)
    }

    @Test func communicatingWithAffectedCommunitiesWasAffectedPopulations() {
        let category = framework.category(.communicatingWithAffectedCommunities)
        #expect(category.formerNames == ["Communicating with Affected Populations"])
        #expect(category.status == .separateCategoryAgreedDefinitionNot)
        #expect(category.statusSection == SectionReference(7, 4))
    }

    @Test func humanRightsIsMergedIntoProtectionMonitoring() {
        #expect(framework.mergedCategories.map(\.name) == ["Human Rights"])
        #expect(framework.mergedCategories.first?.mergedInto == .protectionMonitoring)
        #expect(framework.mergedCategories.first?.explanation.section == SectionReference(7, 2))
    }

    @Test func sectoralIMHasItsObjectiveButNotItsDefinitionAgreed() {
        let category = framework.category(.sectoralIMSystemsOther)
        #expect(category.status == .objectiveAgreedDefinitionNot)
        #expect(category.statusSection == SectionReference(7, 3))
        #expect(category.subCategoryExamples.map(\.text) == [
            "Shelter & NFIs", "WASH", "Education", "Livelihoods", "Health", "Food security",
        ])
    }

    @Test(arguments: [
        PIMCategory.ID.protectionMonitoring, .protectionNeedsAssessment, .caseManagement, .populationData,
        .protectionResponseMonitoringEvaluation,
    ])
    func fiveCategoriesWereEndorsedInMay2015(id: PIMCategory.ID) {
        #expect(framework.category(id).status == .endorsedMay2015)
        #expect(framework.category(id).statusSection == SectionReference(7))
    }

    @Test func protectionNeedsAssessmentSharesAnonymisedInformation() {
        let rules = framework.category(.protectionNeedsAssessment).shares
        #expect(rules.map(\.level) == [.anonymised])
        #expect(rules.first?.section == SectionReference(10, 2))
    }

    @Test func caseManagementSharesPopulationFiguresAggregatedAndPersonalDataOnlyWithConsent() {
        let rules = framework.category(.caseManagement).shares
        #expect(rules.map(\.id) == ["10.4.1", "10.4.2"])
        #expect(rules[0].level == .aggregated)
        #expect(rules[1].level == .personalUnderSOPWithConsent)
        #expect(rules[1].level.mayIdentifyPersons)
    }

    @Test func sectoralReferralDataIsPersonalOnlyWithConsent() {
        let rule = framework.shareRule(id: "10.7.5")
        #expect(rule?.level == .personalForReferralWithConsent)
        #expect(framework.shareRule(id: "10.7.6")?.level == .anonymised)
    }

    @Test func populationDataOutputIsFiguresByAgeSexAndLocation() {
        let outputs = framework.category(.populationData).outputs
        #expect(outputs.count == 1)
        #expect(outputs.first?.section == SectionReference(9, 1))
        #expect(outputs.first?.text.contains("age, sex and location") == true)
    }

    @Test func securityOutputsListTheTenItemsOfSectionNineSix() {
        let outputs = framework.category(.securitySituationalAwareness).outputs
        #expect(outputs.count == 10)
        #expect(outputs.allSatisfy { $0.section == SectionReference(9, 6) })
    }

    @Test func definitionIsTheSeedsWording() {
        #expect(framework.definition.section == SectionReference(2))
        #expect(framework.definition.text.hasPrefix("Principled, systematized, and collaborative approaches"))
        #expect(framework.vision.section == SectionReference(4))
    }
}
