import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// The §9 output of each category, computed from a table laid out as the category's template.
///
/// ```swift
/// let report = try CategoryOutputs.report(for: .caseManagement, table: table)
/// print(ReportFormat.markdown.render(report))
/// let shareable = try CategoryOutputs.shareableReport(for: .caseManagement, table: table)
/// ```
public enum CategoryOutputs {
    /// The full (internal) output.
    public static func report(for category: PIMCategory.ID, table: Table, options: Options = .init()) throws(CategoryDataError) -> CategoryReport {
        var r: CategoryReport
        switch category {
        case .populationData: r = try PopulationFigures.report(table, asOf: options.asOf)
        case .protectionMonitoring:
            r = MonitoringResponses.isResponses(table)
                ? try MonitoringResponses.report(table, period: options.period) : try MonitoringTrends.report(table, period: options.period)
        case .caseManagement: r = try Caseload.report(table, asOf: options.asOf)
        case .protectionNeedsAssessment: r = try NeedsShares.report(table)
        case .protectionResponseMonitoringEvaluation: r = try ResponseProgress.report(table)
        case .securitySituationalAwareness: r = try SecurityAccess.report(table)
        case .sectoralIMSystemsOther: r = try SectoralIndicators.report(table)
        case .communicatingWithAffectedCommunities: r = try FeedbackSummary.report(table, asOf: options.asOf)
        }
        r.notes.insert("Internal output: not checked against the sharing policy; use the shareable output to share.", at: 0)
        return r
    }

    /// The output that may leave the organisation under the category's §10 policy: aggregated at the
    /// policy's dimensions, direct identifiers never used, and every cell below `options.minCell` (at least
    /// ``SharingPolicyTables/minimumCell``) suppressed (with secondary suppression) by ``Aggregation``.
    ///
    /// With `consent` (a stored dataset's decisions), the records whose consent to reporting was withdrawn or
    /// refused are left out first, as `pim share` leaves them out, and the report states how many
    /// (``CategoryReport/leftOutForConsent``, a count only). Records whose `consent_reporting` column refuses (any answer other than consent)
    /// are left out with or without `consent` (see ``ReportingConsent``).
    /// - Throws: ``CategoryDataError/minimumCellBelowPolicy(requested:floor:)`` when `options.minCell` is below
    ///   the policy's floor: such a table would publish counts that identify people and is never labelled shareable;
    ///   ``CategoryDataError/consentUnmatched`` when withdrawals cannot be matched to records.
    public static func shareableReport(
        for category: PIMCategory.ID, table: Table, options: Options = .init(), consent: ReportingConsent? = nil
    ) throws(CategoryDataError) -> CategoryReport {
        guard options.minCell >= SharingPolicyTables.minimumCell else {
            throw .minimumCellBelowPolicy(requested: options.minCell, floor: SharingPolicyTables.minimumCell)
        }
        // Consent refused at collection (the template's consent_reporting column) counts even without recorded decisions.
        let (consented, leftOut) = try (consent ?? ReportingConsent(recordColumn: nil, decisions: [])).apply(to: table)
        if consented.rowCount == 0 && leftOut > 0 { throw .nothingLeftAfterConsent(leftOut: leftOut) }
        var options = options
        if category == .caseManagement && options.asOf == nil && leftOut > 0 {
            // The default reference day is the stored data's, as the internal output's: taken after the refusals
            // were left out, an earlier day would show that the latest records refused (QA14).
            options.asOf = try Caseload.latestDay(table)
        }
        var report = try SharingPolicyTables.report(for: category, table: consented, options: options)
        guard consent != nil || leftOut > 0 else { return report }
        report.leftOutForConsent = leftOut
        report.notes.append(ReportingConsent.note(leftOut: leftOut))
        return report
    }

    /// Options that some outputs use.
    public struct Options: Sendable, Hashable {
        /// The reference day (days since 1970-01-01) for population figures and caseload; default the latest in the data.
        public var asOf: Int32?
        /// Trend period for protection monitoring.
        public var period: TrendPeriod
        /// Smallest publishable cell in shareable outputs.
        public var minCell: Int

        public init(asOf: Int32? = nil, period: TrendPeriod = .month, minCell: Int = SharingPolicyTables.minimumCell) {
            self.asOf = asOf
            self.period = period
            self.minCell = minCell
        }
    }
}
