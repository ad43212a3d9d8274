import Testing

@testable import PIMFramework

/// The framework holds every item the seed and the issue require.
@Suite struct FrameworkCompletenessTests {
    let framework = PIMFramework.standard

    @Test func hasTheEightCategoriesInSeedOrder() {
        // Given the standard framework, then it lists the eight categories of §6 in order.
        #expect(framework.categories.count == 8)
        #expect(framework.categories.map(\.id) == PIMCategory.ID.allCases)
        #expect(framework.categories.map(\.name) == [
            "Protection Monitoring", "Protection Needs Assessment", "Case Management", "Population Data",
            "Protection Response Monitoring and Evaluation", "Communicating with Affected Communities",
            "Security and Situational Awareness", "Sectoral IM Systems / Other",
        ])
    }

    @Test(arguments: PIMCategory.ID.allCases, MatrixElement.allCases)
    func everyCategoryHasEveryElement(id: PIMCategory.ID, element: MatrixElement) {
        let entries = framework.category(id).entries(for: element)
        #expect(!entries.isEmpty)
        #expect(entries.allSatisfy { !$0.text.isEmpty })
    }

    @Test func everyShareRuleOfSectionTenIsPresent() {
        // §10.1 has 3 bullets, §10.2 1, §10.3 7, §10.4 2, §10.5 3, §10.6 3, §10.7 6, §10.8 2.
        let expected: [Int: Int] = [1: 3, 2: 1, 3: 7, 4: 2, 5: 3, 6: 3, 7: 6, 8: 2]
        var counts: [Int: Int] = [:]
        for rule in framework.shareRules {
            #expect(rule.section.path.count == 2 && rule.section.path[0] == 10)
            counts[rule.section.path[1], default: 0] += 1
            #expect(rule.id.hasPrefix("10.\(rule.section.path[1])."))
            #expect(rule.conditions == SharingCondition.allCases)
            #expect(rule.source == .seed(rule.section))
        }
        #expect(counts == expected)
        #expect(Set(framework.shareRules.map(\.id)).count == framework.shareRules.count)
    }

    @Test func shareRulesBelongToTheCategoryTheyAreListedUnder() {
        for category in framework.categories {
            #expect(category.shares.allSatisfy { $0.category == category.id })
        }
    }

    @Test func footnoteSevenHasFiveConditions() {
        #expect(SharingCondition.allCases.count == 5)
        #expect(SharingCondition.section.description == "§10 n.7")
    }

    @Test func everyScenarioHasMustHavesEachWithAProducer() {
        #expect(framework.scenarios.map(\.id) == Scenario.ID.allCases)
        #expect(Scenario.ID.allCases.map(\.rawValue) == [
            "sudden-onset-emergency", "protracted-emergency", "protracted-non-emergency", "comprehensive-solutions",
        ])
        for scenario in framework.scenarios {
            #expect(!scenario.mustHave.isEmpty)
            #expect(!scenario.niceToHave.isEmpty)
            for need in scenario.mustHave + scenario.niceToHave { #expect(!need.producers.isEmpty) }
        }
    }

    @Test func hasTenSharingProblemsInOrder() {
        #expect(framework.problems.count == 10)
        #expect(framework.problems.map(\.number) == Array(1...10))
        #expect(Set(framework.problems.map(\.id)).count == 10)
        #expect(framework.problems.allSatisfy { !$0.mitigation.isEmpty && !$0.pimFeature.isEmpty })
    }

    @Test func sharingProblemsNameThePimFeatures() {
        func feature(_ id: String) -> String? { framework.problems.first { $0.id == id }?.pimFeature }
        #expect(feature("metadata") == "signed share packages with metadata.json")
        #expect(feature("no-sops") == "agreements + default §10 policies")
        #expect(feature("risk-in-sharing") == "k-anonymity / small-cell suppression")
        #expect(feature("inappropriate-sharing") == "hash-chained audit trail")
        #expect(feature("timeliness") == "scheduled shares (`pim share due`)")
        #expect(feature("aggregation") == "aggregation levels per agreement")
    }

    @Test func accessFrameworkHasThreeDimensionsAndEightVariables() {
        #expect(framework.accessDimensions.count == 3)
        let ids = framework.accessDimensions.flatMap(\.variables).map(\.id)
        #expect(ids == ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "3c"])
        #expect(framework.accessDimensions.allSatisfy { $0.section == SectionReference(7, 1) })
    }

    @Test func hasEightPublishedPrinciplesMarkedAsNotFromTheSeed() {
        #expect(framework.principles.map(\.name) == [
            "People-centred and inclusive", "Do no harm", "Defined purpose", "Informed consent and confidentiality",
            "Data responsibility, protection and security", "Competency and capacity", "Impartiality",
            "Coordination and collaboration",
        ])
        #expect(framework.principles.allSatisfy { $0.source == .pimPrinciples })
    }

    @Test func glossaryHasUniqueSortedTerms() {
        #expect(framework.terms.count >= 20)
        #expect(Set(framework.terms.map(\.id)).count == framework.terms.count)
        #expect(framework.terms.map { $0.name.lowercased() } == framework.terms.map { $0.name.lowercased() }.sorted())
    }

    @Test func itemsFilledFromTheMatrixAreMarked() {
        // Given the five May-2015 categories, whose definitions the seed does not contain,
        // then their definitions are marked as PIM Matrix, anchored at §8.
        let endorsed = framework.categories.filter { $0.status == .endorsedMay2015 }
        #expect(endorsed.count == 5)
        for category in endorsed {
            #expect(category.definition.source == .pimMatrix)
            #expect(category.definition.section == SectionReference(8))
            #expect(category.outputs.allSatisfy { $0.source.isSeed })
        }
    }

    @Test func seedItemsCarryTheirOwnSection() {
        for category in framework.categories {
            for element in MatrixElement.allCases {
                for entry in category.entries(for: element) {
                    if case .seed(let section) = entry.source { #expect(section == entry.section) }
                }
            }
        }
    }
}
