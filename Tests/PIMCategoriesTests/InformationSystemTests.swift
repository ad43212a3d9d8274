import Foundation
import PIMFramework
import Testing

@testable import PIMCategories

/// Registering a system never silently replaces another, never stores blanks, and links only its own category's data.
@Suite struct InformationSystemTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    func system(_ name: String, owner: String = "DRC", area: String = "ZZ01", dataset: String? = nil) -> InformationSystem {
        InformationSystem(name: name, owner: owner, category: .protectionMonitoring, area: area, dataset: dataset, registeredAt: now)
    }

    @Test func namesThatShareAnIdAreRefusedUnlessReplacing() throws {
        // Given "Old PM" registered, When "old pm" or "Old-PM!" (same id old-pm) is added
        let existing: Set = [system("Old PM").id]
        for name in ["old pm", "Old-PM!"] {
            #expect(system(name).id == "old-pm")
            // Then it is refused, and accepted with --replace
            #expect(throws: InformationSystemError.idTaken("old-pm")) {
                try system(name).checkRegistration(existing: existing, datasetCategory: nil, replacing: false)
            }
            try system(name).checkRegistration(existing: existing, datasetCategory: nil, replacing: true)
        }
        try system("New PM").checkRegistration(existing: existing, datasetCategory: nil, replacing: false)
    }

    @Test func blankNameOwnerOrAreaIsRefused() {
        #expect(throws: InformationSystemError.emptyField("name")) { try system("  ").checkRegistration(existing: [], datasetCategory: nil, replacing: false) }
        #expect(throws: InformationSystemError.emptyField("owner")) { try system("PM", owner: "").checkRegistration(existing: [], datasetCategory: nil, replacing: false) }
        #expect(throws: InformationSystemError.emptyField("area")) { try system("PM", area: " ").checkRegistration(existing: [], datasetCategory: nil, replacing: false) }
    }

    @Test func aDatasetOfAnotherCategoryCannotBeLinked() throws {
        let s = system("PM", dataset: "pop")
        #expect(throws: InformationSystemError.categoryMismatch(dataset: "pop", datasetCategory: "population-data", systemCategory: "protection-monitoring")) {
            try s.checkRegistration(existing: [], datasetCategory: "population-data", replacing: false)
        }
        try s.checkRegistration(existing: [], datasetCategory: "protection-monitoring", replacing: false)
    }
}
