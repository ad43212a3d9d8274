import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable
import PropertyBased
import Testing

@testable import PIMCategories

/// Invariants over many seeds of the demo generator.
@Suite struct CategoryPropertyTests {
    @Test func populationTotalsAddUpForEverySeed() async {
        await propertyCheck(count: 25, input: Gen.int(in: 0...1_000_000)) { seed in
            let g = DemoGenerator(seed: UInt64(seed), scale: .small)
            guard let r = try? PopulationFigures.report(g.table(for: .populationData)),
                  let adm1 = r.section("by-adm1"), let sexAge = r.section("by-sex-age") else {
                Issue.record("no population report for seed \(seed)")
                return
            }
            // The grand total equals the sum of the admin 1 rows and the sum of the six sex x age cells
            let rows = adm1.rows.filter { $0[0] != .text("Total") }
            let sumOfAreas = rows.reduce(0) { acc, row in if case .integer(let v) = row[6] { acc + v } else { acc } }
            let cells = sexAge.rows.filter { $0[0] != .text("Total") }.reduce(0) { acc, row in if case .integer(let v) = row[2] { acc + v } else { acc } }
            #expect(adm1.value("total", where: ["Total"]) == .integer(sumOfAreas))
            #expect(sexAge.value("persons", where: ["Total"]) == .integer(cells))
            #expect(sumOfAreas == cells)
        }
    }

    @Test func shareableCaseloadNeverPublishesACountBelowFive() async {
        await propertyCheck(count: 25, input: Gen.int(in: 0...1_000_000)) { seed in
            let t = DemoGenerator(seed: UInt64(seed), scale: .small).table(for: .caseManagement)
            guard let s = try? CategoryOutputs.shareableReport(for: .caseManagement, table: t).section("shareable") else {
                Issue.record("no shareable caseload for seed \(seed)")
                return
            }
            for row in s.rows { if case .integer(let n) = row[4] { #expect(n == 0 || n >= 5) } }
        }
    }

    @Test func spikesNeedAnIncreaseOfAtLeastFive() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...20), Gen.int(in: 0...20), Gen.int(in: 0...20), Gen.int(in: 0...40)) { a, b, c, x in
            let series = [a, b, c, x].map(Double.init)
            if SpikeRule.standard.isSpike(series, at: 3) {
                #expect(series[3] - (series[0] + series[1] + series[2]) / 3 >= 5)
            }
        }
    }
}
