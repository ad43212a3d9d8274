import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable
import Testing

@testable import PIMCategories

/// Counts too large for exact 64-bit totals: refused with the column and row named, never a trap.
@Suite struct LargeCountTests {
    static let popHeader = OutputTests.popHeader
    /// 2^62: six of them overflow Int64 when added.
    static let huge = "4611686018427387904"

    @Test func populationPartsAbove64BitTotalsAreRefusedNamingTheColumn() {
        // Given a population row whose parts are 2^62 each
        let t = fixture(Self.popHeader, ["2026-01-01,A1,A101,idps,ORG-A,\(Self.huge),\(Self.huge),\(Self.huge),1,1,1,"])
        // When the internal and the shareable outputs are computed, Then both refuse with the first column and row
        let expected = CategoryDataError.countOutOfRange(column: "population_f_children", row: 1, limit: TemplateField.maximumCount)
        #expect(throws: expected) { try PopulationFigures.report(t) }
        #expect(throws: expected) { try CategoryOutputs.shareableReport(for: .populationData, table: t) }
    }

    /// QA11 C9: a national population (here 26 million in two areas) is shared: figures count as the persons they
    /// stand for, never expanded to a record each (which refused anything above 20 million).
    @Test func aPopulationOfTensOfMillionsIsShared() throws {
        let t = fixture(Self.popHeader, [
            "2026-03-01,A1,A101,host-community,ORG-A,3000000,3000000,500000,3000000,3000000,500000,13000000",
            "2026-03-01,A2,A201,host-community,ORG-A,3000000,3000000,500000,3000000,3000000,500000,13000000",
        ])
        let r = try CategoryOutputs.shareableReport(for: .populationData, table: t)
        let shared = try #require(r.section("shareable"))
        #expect(shared.value("persons", where: ["Total", "Total", "Total"]) == .integer(26_000_000))
        #expect(shared.value("persons", where: ["A1", "Total", "Total"]) == .integer(13_000_000))
    }

    @Test func monitoringAffectedAtInt64MaxIsRefusedNotSummed() {
        // Given two incidents each affecting Int64.max persons
        let t = fixture("date,adm1_code,adm2_code,protection_risk,affected",
                        ["2026-01-01,A1,A101,gbv,9223372036854775807", "2026-01-02,A1,A101,gbv,9223372036854775807"])
        // When the trend is computed, Then the column and its first row are named
        #expect(throws: CategoryDataError.countOutOfRange(column: "affected", row: 1, limit: TemplateField.maximumCount)) {
            try MonitoringTrends.report(t)
        }
        #expect(throws: CategoryDataError.countOutOfRange(column: "affected", row: 1, limit: TemplateField.maximumCount)) {
            try CategoryOutputs.shareableReport(for: .protectionMonitoring, table: t)
        }
    }

    @Test func responseAndSecurityCountsAreBoundedToo() {
        let sa = SexAge.all.map(\.suffix)
        let header = "org,adm1_code,indicator," + (sa.map { "targeted_\($0)" } + sa.map { "reached_\($0)" }).joined(separator: ",")
        let t = fixture(header, ["ORG,A1,ind," + Array(repeating: "1", count: 6).joined(separator: ",") + "," + Self.huge + ",1,1,1,1,1"])
        #expect(throws: CategoryDataError.countOutOfRange(column: "reached_f_children", row: 1, limit: TemplateField.maximumCount)) {
            try ResponseProgress.report(t)
        }
        let s = fixture("date,adm1_code,adm2_code,incident_type,access_variable,severity,casualties",
                        ["2026-01-01,A1,A101,attack,1a,2,3", "2026-01-02,A1,A101,attack,1a,1e300,-4"])
        #expect(throws: CategoryDataError.countOutOfRange(column: "casualties", row: 2, limit: TemplateField.maximumCount)) {
            try SecurityAccess.report(s)
        }
    }

    @Test func largestAllowedCountsAddUpExactly() throws {
        // Given three locations at the largest count a row may hold, in the same admin 1
        let m = TemplateField.maximumCount
        let rows = ["A101", "A102", "A103"].map { "2026-01-01,A1,\($0),idps,ORG-A,\(m),\(m - 1),0,0,0,7," }
        let r = try PopulationFigures.report(fixture(Self.popHeader, rows))
        // Then the totals are the exact integer sums (3 × (2m − 1 + 7))
        let expected = 3 * (m + (m - 1) + 7)
        #expect(r.section("by-adm1")?.value("total", where: ["Total"]) == .integer(Int(expected)))
        #expect(r.section("by-sex-age")?.value("persons", where: ["female", "children"]) == .integer(Int(3 * m)))
    }

    @Test func checkedAdditionNamesTheColumnOnOverflow() {
        #expect(throws: CategoryDataError.sumOverflow(column: "affected")) { try Int64.max.adding(1, in: "affected") }
        #expect((try? Int64(40).adding(2, in: "affected")) == 42)
    }

    @Test func templateCountFieldsRejectAbsurdValuesAtValidation() {
        // Given a population file with one part above the maximum count
        let schema = CategoryTemplate.template(for: .populationData).schema
        let t = fixture(Self.popHeader, ["2026-01-01,A1,A101,idps,ORG-A,9223372036854775000,1,1,1,1,1,"])
        let result = Validator(schema: schema, fileName: "pop.csv", firstDataRow: 3).validate(t)
        // Then the cell is reported as out of range at its row and column
        let issue = result.issues.first { $0.rule == .range }
        #expect(issue?.column == "population_f_children")
        #expect(issue?.row == 3)
        #expect(issue?.expected == "expected at most \(TemplateField.maximumCount)")
    }

    @Test func aDecimalTooLargeForIntDoesNotTrapWhenShown() {
        #expect(ReportValue.int(1e19) == .number(1e19))
        #expect(ReportValue.int(41.6) == .integer(42))
    }
}
