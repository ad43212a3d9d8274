import Foundation
import PIMTable

/// What a person consented to. A share under an agreement with a consent purpose keeps only the records
/// whose latest decision for that purpose is "granted".
public enum ConsentPurpose: String, Sendable, Hashable, Codable, CaseIterable {
    /// Receiving services (assistance, case follow-up).
    case services
    /// Disclosure of their data to another organisation (referral, sharing).
    case disclosure
    /// Use in reports (even aggregated).
    case reporting
    /// Family tracing and reunification.
    case tracing
}

/// One consent decision of one record for one purpose (the store's consent rows, as the filter reads them).
public struct ConsentDecision: Sendable, Hashable, Codable {
    public var recordID: String
    /// A ``ConsentPurpose`` raw value.
    public var purpose: String
    public var granted: Bool
    public var at: Date

    public init(recordID: String, purpose: String, granted: Bool, at: Date) {
        self.recordID = recordID
        self.purpose = purpose
        self.granted = granted
        self.at = at
    }
}

/// Why a record was left out of a share by the consent filter.
public enum ConsentGap: String, Sendable, Hashable, Codable, CaseIterable {
    /// No decision was ever recorded for the purpose.
    case noDecision = "no-decision"
    /// The latest decision is a refusal or a withdrawal.
    case notGranted = "not-granted"
    /// The record has no id, so no decision can be matched to it.
    case missingRecordID = "missing-record-id"
}

/// The outcome of the consent filter: the kept rows and how many were left out, and why.
public struct ConsentFilterResult: Sendable {
    public var table: Table
    /// The rows of the input kept, in order (for callers that keep something per row beside the table).
    public var keptRows: [Int]
    public var purpose: ConsentPurpose
    public var considered: Int
    public var kept: Int { table.rowCount }
    public var leftOut: [ConsentGap: Int]
    public var leftOutTotal: Int { leftOut.values.reduce(0, +) }

    /// "412 records left out for lack of consent to disclosure: 300 no decision, 112 refused or withdrawn."
    public var summary: String {
        guard leftOutTotal > 0 else { return "All \(considered) records have granted consent for \(purpose.rawValue)." }
        let parts = ConsentGap.allCases.compactMap { g -> String? in
            guard let n = leftOut[g], n > 0 else { return nil }
            switch g {
            case .noDecision: return "\(n) with no decision"
            case .notGranted: return "\(n) refused or withdrawn"
            case .missingRecordID: return "\(n) without a record id"
            }
        }
        return "\(leftOutTotal) of \(considered) records left out for lack of consent to \(purpose.rawValue): "
            + parts.joined(separator: ", ") + "."
    }
}

/// Errors of the consent filter.
public enum ConsentError: Error, Sendable, Hashable, CustomStringConvertible {
    case noRecordIDField(dataset: String)
    case recordIDColumnMissing(String)
    /// Decisions refuse or withdraw consent, but the records have no record id to match them to (a version
    /// imported without the id column): shared, they might include those records.
    case refusalsUnmatched(decisions: Int)

    public var description: String {
        switch self {
        case .noRecordIDField(let d):
            "Dataset \(d) has no record id field (a field named record_id, or a direct identifier), so consent cannot be matched to records."
        case .recordIDColumnMissing(let c): "The stored rows have no column \"\(c)\" to match consent decisions to."
        case .refusalsUnmatched(let n):
            "\(n) recorded consent decision\(n == 1 ? " refuses or withdraws" : "s refuse or withdraw") consent, but these records have no "
                + "record id (record_id, or a direct identifier) to match \(n == 1 ? "it" : "them") to, so nothing is shared: the records "
                + "of those people could be among them. Import the data with its record ids."
        }
    }
}

/// Keeps the records whose latest consent decision for a purpose is granted. Pure.
///
/// Records are matched by the dataset's record id field: the field named `record_id` if there is one,
/// otherwise the first field whose disclosure role is direct identifier. Decisions are taken as the latest
/// by time per record and purpose, so a withdrawal recorded after a grant applies to every later share.
public enum ConsentFilter {
    /// The column in which a template records consent to `purpose` as collected: `consent_disclosure`, ….
    public static func collectedColumn(_ purpose: ConsentPurpose) -> String { "consent_" + purpose.rawValue }

    /// Answers to a consent question that give consent (compared trimmed and without case): yes, y, true, t,
    /// 1, given, granted, agreed, accepted, consent, consented, and the French, Spanish, Portuguese and Arabic
    /// yes (oui, si, sí, sim, نعم). Every other answer that is not empty counts as a refusal.
    public static let consentingAnswers: Set<String> = [
        "yes", "y", "true", "t", "1", "given", "granted", "agreed", "accepted", "consent", "consented",
        "oui", "si", "sí", "sim", "نعم",
    ]

    /// Whether an answer as collected gives consent (see ``consentingAnswers``); `nil` for no answer.
    public static func consents(_ answer: Value) -> Bool? {
        switch answer {
        case .null: nil
        case .boolean(let b): b
        case .integer(let v): v == 1
        case .decimal(let v): v == 1
        case .date: false
        case .text(let s): consents(text: s.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// ``consents(_:)`` of a trimmed text answer.
    private static func consents(text: String) -> Bool? {
        text.isEmpty ? nil : consentingAnswers.contains(text.lowercased())
    }

    /// Per row, whether consent to `purpose` was refused at collection; nil when the table has no
    /// ``collectedColumn(_:)`` or no row refuses.
    ///
    /// A row refuses when its answer is there and does not give consent (``consents(_:)``): "no", "n", "false",
    /// "0", a boolean false or an integer 0 (a column read as boolean or integer), and also an answer pim cannot
    /// read as consent ("refused", "unsure", "2"): consent is what the person gave, never assumed. An empty
    /// answer is no decision (the record stays unless a recorded decision or the agreement's purpose needs one).
    public static func refusedAtCollection(_ table: Table, purpose: ConsentPurpose) -> [Bool]? {
        guard let column = table[collectedColumn(purpose)] else { return nil }
        let refused: [Bool]
        switch column.data {
        case .text(let codes, let dictionary):
            let perCode = dictionary.map { consents(.text($0)) == false }
            guard perCode.contains(true) else { return nil }
            refused = codes.map { $0 >= 0 && perCode[Int($0)] }
        default:
            refused = (0..<column.count).map { consents(column[$0]) == false }
        }
        return refused.contains(true) ? refused : nil
    }

    /// `table` without the records whose consent to any of `purposes` was refused or withdrawn, and how many
    /// those were. Records without a decision stay. Recorded decisions are matched by `recordColumn` (when
    /// given and in the table); a record without one counts as refused when its answer as collected does not give consent
    /// (``consents(_:)``: "no", false, 0, …; see ``apply(to:recordColumn:entries:purpose:keepingUndecided:)``). Shares and partners' live outputs
    /// under agreements without a consent purpose use it.
    public static func leavingOutRefusals(
        _ table: Table, recordColumn: String?, entries: [ConsentDecision], purposes: [ConsentPurpose]
    ) throws(ConsentError) -> (table: Table, leftOut: Int) {
        var out = table
        var leftOut = 0
        for purpose in purposes {
            if let recordColumn, out[recordColumn] != nil {
                let r = try apply(to: out, recordColumn: recordColumn, entries: entries, purpose: purpose, keepingUndecided: true)
                leftOut += r.leftOutTotal
                out = r.table
            } else if case let refusals = standingRefusals(entries, purpose: purpose), refusals > 0 {
                // Withdrawals that cannot be matched to these records: refuse when in doubt (QA11 S14).
                throw .refusalsUnmatched(decisions: refusals)
            } else if let refused = refusedAtCollection(out, purpose: purpose) {
                // (No record id to match recorded decisions to: the answers as collected decide.)
                let kept = refused.indices.filter { !refused[$0] }
                leftOut += out.rowCount - kept.count
                out = out.selectingRows(kept)
            }
        }
        return (out, leftOut)
    }

    /// How many records' latest decision for `purpose` refuses or withdraws it.
    static func standingRefusals(_ entries: [ConsentDecision], purpose: ConsentPurpose) -> Int {
        latestDecisions(entries, purpose: purpose).values.filter { !$0.granted }.count
    }

    /// Per record id, its latest decision for `purpose` (by time).
    static func latestDecisions(_ entries: [ConsentDecision], purpose: ConsentPurpose) -> [String: ConsentDecision] {
        var latest: [String: ConsentDecision] = [:]
        for e in entries where e.purpose == purpose.rawValue {
            if let seen = latest[e.recordID], seen.at > e.at { continue }
            latest[e.recordID] = e
        }
        return latest
    }

    /// The record id field of a schema (see the type's documentation).
    public static func recordIDField(in schema: Schema) -> String? {
        if let f = schema.field(named: "record_id") { return f.name }
        return schema.names(withRole: .directIdentifier).first
    }

    /// Filters `table` to the records with granted consent for `purpose`.
    /// - Parameter keepingUndecided: keep the records with no decision for `purpose` (and those without a
    ///   record id); only a refusal or withdrawal leaves a record out. Shareable category outputs use it for
    ///   ``ConsentPurpose/reporting``: a record counts in reports until its consent to them is withdrawn.
    /// - Throws: ``ConsentError/recordIDColumnMissing(_:)`` when `recordColumn` is not in the table.
    ///
    /// Consent as collected counts as a refusal: a record without a recorded decision for `purpose` whose
    /// ``collectedColumn(_:)`` (`consent_disclosure`, `consent_reporting`, … of the templates) holds an answer that
    /// does not give consent (``consents(_:)``) is left out as not granted. A decision recorded with `pim consent` always wins over the collected answer.
    public static func apply(
        to table: Table, recordColumn: String, entries: [ConsentDecision], purpose: ConsentPurpose,
        keepingUndecided: Bool = false
    ) throws(ConsentError) -> ConsentFilterResult {
        guard let column = table[recordColumn] else { throw .recordIDColumnMissing(recordColumn) }
        let latest = latestDecisions(entries, purpose: purpose)
        let refused = refusedAtCollection(table, purpose: purpose)
        func gap(_ id: String?, refusedAtCollection: Bool) -> ConsentGap? {
            guard let id, !id.isEmpty else {
                return refusedAtCollection ? .notGranted : keepingUndecided ? nil : .missingRecordID
            }
            guard let e = latest[id] else { return refusedAtCollection ? .notGranted : keepingUndecided ? nil : .noDecision }
            return e.granted ? nil : .notGranted
        }
        var keep: [Int] = []
        keep.reserveCapacity(min(table.rowCount, latest.count))
        var leftOut: [ConsentGap: Int] = [:]
        switch column.data {
        case .text(let codes, let dictionary):
            // One decision per distinct id (and collected answer), then one pass over the integer codes.
            let perCode = dictionary.map { gap($0, refusedAtCollection: false) }
            let perCodeRefused = dictionary.map { gap($0, refusedAtCollection: true) }
            for (row, c) in codes.enumerated() {
                let r = refused?[row] ?? false
                let g = c < 0 ? gap(nil, refusedAtCollection: r) : r ? perCodeRefused[Int(c)] : perCode[Int(c)]
                if let g { leftOut[g, default: 0] += 1 } else { keep.append(row) }
            }
        default:
            for row in 0..<table.rowCount {
                let id: String? = switch column[row] {
                case .null: nil
                case .integer(let v): String(v)
                case .text(let s): s
                case .decimal(let v): String(v)
                case .date(let d): String(d)
                case .boolean(let b): String(b)
                }
                if let g = gap(id, refusedAtCollection: refused?[row] ?? false) { leftOut[g, default: 0] += 1 } else { keep.append(row) }
            }
        }
        let kept = keep.count == table.rowCount ? table : table.selectingRows(keep)
        return ConsentFilterResult(table: kept, keptRows: keep, purpose: purpose, considered: table.rowCount, leftOut: leftOut)
    }
}
