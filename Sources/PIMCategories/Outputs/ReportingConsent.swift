import Foundation
import PIMCore
import PIMTable

/// The consent decisions of a stored dataset, as a shareable category output honours them: a record whose
/// latest decision for ``purpose`` (reporting) is a refusal or a withdrawal is left out before anything is
/// counted; records without a decision count until their consent is withdrawn. The same ``ConsentFilter``
/// as `pim share` decides which records those are.
///
/// Consent as collected counts too: a record whose ``collectedColumn`` (the case-management template's
/// `consent_reporting`) holds an answer other than consent ("no", false, 0, or one that
/// cannot be read as consent; see ``ConsentFilter/consents(_:)``) was refused at collection and is left out, unless a decision recorded
/// later with `pim consent record` grants it (a recorded decision always wins over the collected answer).
///
/// ```swift
/// let consent = ReportingConsent(recordColumn: ConsentFilter.recordIDField(in: version.schema), decisions: decisions)
/// let report = try CategoryOutputs.shareableReport(for: .caseManagement, table: table, consent: consent)
/// report.leftOutForConsent   // 2
/// ```
public struct ReportingConsent: Sendable, Hashable {
    /// The consent purpose that governs reports, aggregated or not (``ConsentPurpose/reporting``).
    public static let purpose = ConsentPurpose.reporting

    /// The dataset's record id field (``ConsentFilter/recordIDField(in:)``); nil when it has none.
    public var recordColumn: String?
    public var decisions: [ConsentDecision]

    public init(recordColumn: String?, decisions: [ConsentDecision]) {
        self.recordColumn = recordColumn
        self.decisions = decisions
    }

    /// The ids of the records whose latest decision for ``purpose`` is not granted, sorted: what decides
    /// which records an output leaves out (a cache of outputs keys on it). The latest decision is taken as
    /// ``ConsentFilter`` takes it.
    public var withdrawnRecordIDs: [String] {
        var latest: [String: ConsentDecision] = [:]
        for d in decisions where d.purpose == Self.purpose.rawValue {
            if let seen = latest[d.recordID], seen.at > d.at { continue }
            latest[d.recordID] = d
        }
        return latest.values.filter { !$0.granted }.map(\.recordID).sorted()
    }

    /// The column holding consent to reporting as collected (`yes`/`no`, or true/false, 1/0).
    public static let collectedColumn = ConsentFilter.collectedColumn(purpose)

    /// Per row of `table`, whether consent to reporting was refused at collection (see
    /// ``ConsentFilter/refusedAtCollection(_:purpose:)``); nil when the table has no such column or no row refuses.
    static func refusedAtCollection(in table: Table) -> [Bool]? { ConsentFilter.refusedAtCollection(table, purpose: purpose) }

    /// `table` without the records whose consent to reporting was refused or withdrawn, and how many those were.
    /// - Throws: ``CategoryDataError/consentUnmatched`` when some consent was withdrawn but the dataset has no
    ///   record id field (or the table no such column) to match it to: nothing is shared when in doubt.
    func apply(to table: Table) throws(CategoryDataError) -> (table: Table, leftOut: Int) {
        guard let rows = try keptRows(in: table) else { return (table, 0) }
        let leftOut = table.rowCount - rows.count
        return (leftOut == 0 ? table : table.selectingRows(rows), leftOut)
    }

    /// The rows of `table` that may be counted, in order; nil when every row may (nothing refused or withdrawn).
    /// For callers that keep something per row beside the table (the cell-key method's record keys).
    /// - Throws: ``CategoryDataError/consentUnmatched`` as ``apply(to:)``.
    public func keptRows(in table: Table) throws(CategoryDataError) -> [Int]? {
        let refused = Self.refusedAtCollection(in: table)
        if withdrawnRecordIDs.isEmpty && refused == nil { return nil }
        guard let recordColumn, table[recordColumn] != nil else {
            // Withdrawals that cannot be matched refuse; refusals at collection stand on their own (a grant
            // that cannot be matched leaves them standing).
            guard withdrawnRecordIDs.isEmpty, let refused else { throw .consentUnmatched }
            return refused.indices.filter { !refused[$0] }
        }
        // (The collected answers count as refusals there too, each overridden by a decision recorded since.)
        do {
            return try ConsentFilter.apply(to: table, recordColumn: recordColumn, entries: decisions, purpose: Self.purpose,
                                           keepingUndecided: true).keptRows
        } catch {
            throw .consentUnmatched
        }
    }

    /// The note a shareable output carries: a count only, never which records.
    public static func note(leftOut: Int) -> String {
        leftOut == 0
            ? "Consent: none of the records counted has withdrawn or refused consent to \(purpose.rawValue)."
            : "Consent: \(leftOut) record\(leftOut == 1 ? "" : "s") left out because consent to \(purpose.rawValue) was withdrawn or refused."
    }
}
