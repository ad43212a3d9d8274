import Testing

@testable import PIMFramework

/// Token-based search over the matrix.
@Suite struct FrameworkSearchTests {
    let framework = PIMFramework.standard

    @Test func populationFiguresAreProducedByPopulationDataAndCaseManagement() {
        // Given §9.1/§10.1 (population figures) and §10.4 (population figures of the caseload),
        // when searching "population figures", then both categories are producers, Population Data first.
        let results = framework.search("population figures")
        let producers = results.hits.filter(\.produces).map(\.category)
        #expect(producers.contains(.populationData))
        #expect(producers.contains(.caseManagement))
        #expect(results.hits.first?.category == .populationData)
        #expect(results.hits.map(\.category) == [.populationData, .caseManagement])
        let caseManagement = results.hits.first { $0.category == .caseManagement }
        #expect(caseManagement?.matches.first?.section == SectionReference(10, 4))
    }

    /// QA11 C26: the issue's own example, asked as a question, names the producers (its question words and
    /// "produces" were searched for as words, and every category came out as producing nothing).
    @Test func aQuestionIsAnsweredByTheCategoriesInTheRoleItAsksFor() {
        let asked = framework.search("who produces population figures?")
        #expect(asked.terms == framework.search("population figures").terms)
        #expect(asked.hits.map(\.category) == [.populationData, .caseManagement])
        #expect(asked.hits.allSatisfy { $0.produces })
        let sharers = framework.search("Who shares population figures?")
        #expect(!sharers.hits.isEmpty && sharers.hits.allSatisfy { $0.shares })
        // Not a question: "sharing" stays a word of the data searched for
        #expect(framework.search("data sharing").terms.contains { $0.hasPrefix("shar") })
    }

    @Test func searchIgnoresCaseAndNumber() {
        let plural = framework.search("POPULATION FIGURES").hits.map(\.category)
        let singular = framework.search("population figure").hits.map(\.category)
        #expect(plural == singular)
        #expect(framework.search("Mines").hits.first?.category == .securitySituationalAwareness)
    }

    @Test func searchFindsSeedItemsWithTheirSection() {
        let hit = framework.search("refoulement").hits.first
        #expect(hit?.category == .protectionMonitoring)
        #expect(hit?.matches.first?.section == SectionReference(10, 3))
        #expect(hit?.shares == true)
    }

    @Test func searchWithOnlyStopWordsOrNoMatchIsEmpty() {
        #expect(framework.search("the of and").hits.isEmpty)
        #expect(framework.search("zzzqqq").hits.isEmpty)
    }

    @Test func partialMatchesAppearOnlyWhenNothingMatchesEveryWord() {
        let results = framework.search("refoulement zzzqqq")
        #expect(results.hits.first?.category == .protectionMonitoring)
        #expect(results.hits.first?.matches.allSatisfy { !$0.complete } == true)
        let complete = framework.search("population figures")
        #expect(complete.hits.allSatisfy { $0.matches.allSatisfy(\.complete) })
    }

    @Test(arguments: [
        ("figures", "figure"), ("needs", "need"), ("activities", "activity"), ("boxes", "box"),
        ("access", "access"), ("analysis", "analysis"), ("status", "status"), ("anonymized", "anonymised"),
    ])
    func stemmerFoldsPluralsAndSpelling(word: String, stem: String) {
        #expect(SearchTokenizer.stem(word) == stem)
    }

    @Test func tokenizerDropsPunctuationPossessivesAndStopWords() {
        #expect(SearchTokenizer.stems("A population's size, and the cause") == ["population", "size", "cause"])
    }
}
