import Foundation

/// Why a share was refused. Each case reads as one precise sentence naming the agreement, the levels or
/// the counts involved, never record values.
public enum ShareRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why thresholds cannot be met.
    public enum ThresholdProblem: Sendable, Hashable, Codable, CustomStringConvertible {
        case kBelowTwo(Int)
        case minimumCellNotPositive(Int)
        case riskOutOfRange(Double)
        /// Fewer records remain than k, so no k-anonymous table exists.
        case fewerRecordsThanK(records: Int, k: Int)
        /// Even the strongest suppression tried leaves the global risk above the maximum.
        case riskNotReachable(best: Double, maximum: Double)
        /// The schema marks no quasi-identifiers, so re-identification risk cannot be measured.
        case noKeyVariables

        public var description: String {
            switch self {
            case .kBelowTwo(let k): "k is \(k), and k-anonymity needs k of 2 or more"
            case .minimumCellNotPositive(let m): "the minimum cell size is \(m); it must be at least 1"
            case .riskOutOfRange(let r): "the maximum global risk is \(r); it must be above 0 and at most 1"
            case .fewerRecordsThanK(let n, let k): "only \(n) records remain, fewer than k = \(k)"
            case .riskNotReachable(let best, let max):
                "the lowest global risk reached was \(Self.percent(best)), above the maximum of \(Self.percent(max))"
            case .noKeyVariables:
                "the dataset's schema marks no quasi-identifiers, so re-identification risk cannot be measured"
            }
        }

        static func percent(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }
    }

    case notActive(agreement: String, status: Agreement.Status)
    case expired(agreement: String, on: Date)
    case notYetValid(agreement: String, from: Date)
    case recipientNotParty(agreement: String, recipient: String, parties: [String])
    case unknownOrganization(String)
    case doesNotCover(agreement: String, dataset: String, category: String)
    case levelExceedsAgreement(agreement: String, allowed: DetailLevel, requested: DetailLevel)
    case levelExceedsPolicy(category: String, allowed: DetailLevel, requested: DetailLevel, withConsent: Bool)
    case levelExceedsSensitivity(dataset: String, sensitivity: Sensitivity, allowed: DetailLevel, requested: DetailLevel)
    /// The level needs records' consent for an accepted purpose, and the agreement names none of them.
    case consentPurposeMissing(agreement: String, requested: DetailLevel, accepted: [ConsentPurpose])
    /// The agreement's legal basis is consent, yet it names no consent purpose to filter on.
    case consentBasisWithoutPurpose(agreement: String)
    case thresholdsImpossible(agreement: String, problem: ThresholdProblem)
    case noDimensions
    case unknownDimension(String, available: [String])
    case dimensionIsIdentifier(String)
    /// The agreement lists the dimensions of its tables, and this one is not among them.
    case dimensionNotInAgreement(String, agreement: String, allowed: [String])
    /// No record remains after the consent filter.
    case noConsentingRecords(purpose: ConsentPurpose, leftOut: Int)
    /// An aggregated table of the dataset went to the same recipient over a population that differs by fewer
    /// records than the minimum cell (consent decisions, or another version): the two tables' difference
    /// would show those records.
    case differencing(previous: String, changed: Int, minimumCell: Int)
    /// The dataset has no version to share.
    case noVersion(dataset: String)
    /// A column an anonymised or pseudonymised share would keep as it is has a different value in nearly
    /// every record, so it would single them out; its schema role says it is neither an identifier nor a key.
    case uniqueColumnKept(column: String, distinct: Int, records: Int)
    /// The recipient is the agreement's producer (its first party), which shares, not receives.
    case recipientIsProducer(agreement: String, producer: String)
    /// The agreement's producer (its first party) is not the organisation this workspace belongs to, so the
    /// package would name as its producer an organisation that never held the data (QA11 S19).
    case producerNotThisWorkspace(agreement: String, producer: String, workspace: String)
    /// The same column is named twice among the dimensions.
    case repeatedDimension(String)
    /// A dimension's coarsening (`date=month`, `age=bands`) cannot be applied; the reason names no value.
    case invalidDimension(String, reason: String)
    /// Every cell of the aggregated table, margins included, would be suppressed: nothing would be shared.
    case everyCellSuppressed(dimensions: [String], minimumCell: Int)
    /// No dataset has this name.
    case unknownDataset(String)
    /// No agreement has this id.
    case unknownAgreement(String)
    /// The share was allowed but could not be built (consent that cannot be matched to records, disclosure control
    /// or risk measurement that failed, unreadable figures): nothing is shared. The reason names no record value.
    case notBuilt(code: String, reason: String)
    /// Who asked may not share data (their role, or no such user).
    case notPermitted(reason: String)

    public var description: String {
        switch self {
        case .notActive(let a, let s) where s.successors.isEmpty:
            "Agreement \(a) is \(s.rawValue) for good; nothing may be shared under it again (it cannot be activated; agree a new one)."
        case .notActive(let a, let s):
            "Agreement \(a) is \(s.rawValue), not active; nothing may be shared under it until it is activated."
        case .expired(let a, let d): "Agreement \(a) expired on \(Self.day(d)); agree a new one before sharing."
        case .notYetValid(let a, let d): "Agreement \(a) is valid only from \(Self.day(d)); nothing may be shared under it before."
        case .recipientNotParty(let a, let r, let p):
            "\(r) is not a party to agreement \(a) (parties: \(p.joined(separator: ", ")))."
        case .unknownOrganization(let r): "There is no organisation \"\(r)\"; add it with `pim org add`."
        case .doesNotCover(let a, let d, let c):
            "Agreement \(a) does not cover dataset \(d) (nor its category \(c))."
        case .levelExceedsAgreement(let a, let allowed, let requested):
            "Agreement \(a) allows \(Self.only(allowed)); \(requested.phrase) was requested."
        case .levelExceedsPolicy(let c, let allowed, let requested, let withConsent):
            "The sharing policy of category \(c) (PIM framework §10) allows \(Self.only(allowed)); \(requested.phrase) was requested"
                + (withConsent ? " (personal data needs an agreement whose consent purpose is disclosure or tracing)." : ".")
        case .levelExceedsSensitivity(let d, let s, let allowed, let requested):
            "Dataset \(d) is of \(s.rawValue) sensitivity, which allows \(Self.only(allowed)); \(requested.phrase) was requested (a data-protection focal point may record an exception)."
        case .consentPurposeMissing(let a, let requested, let accepted):
            "Sharing \(requested.phrase) needs each record's consent for \(accepted.map(\.rawValue).joined(separator: " or ")), and agreement \(a) names no such consent purpose."
        case .consentBasisWithoutPurpose(let a):
            "Agreement \(a) rests on consent but names no consent purpose to check records against."
        case .thresholdsImpossible(let a, let p): "The thresholds of agreement \(a) cannot be met: \(p)."
        case .noDimensions: "An aggregated share needs at least one dimension (--by COLUMN,...)."
        case .unknownDimension(let c, let available):
            "There is no column \"\(c)\" to aggregate by; the columns are: \(available.joined(separator: ", "))."
        case .dimensionIsIdentifier(let c):
            "Column \"\(c)\" is a direct identifier or household id and cannot be a dimension of a shared table."
        case .dimensionNotInAgreement(let c, let a, let allowed):
            "Agreement \(a) allows tables by \(allowed.joined(separator: ", ")) only; \"\(c)\" is not among them."
        case .noConsentingRecords(let p, let n):
            "No record has granted consent for \(p.rawValue) (\(n) left out), so there is nothing to share."
        case .differencing(let p, let n, let m):
            "Package \(p) of this dataset went to the same recipient with a count that this table would change by \(n) "
                + "(consent decisions or another version), fewer than the minimum cell of \(m): comparing the two tables would "
                + "show those records. Share again once every count the two tables have in common differs by 0 or at least \(m)."
        case .noVersion(let d): "Dataset \(d) has no stored version to share."
        case .uniqueColumnKept(let c, let distinct, let records):
            "Column \"\(c)\" has a different value in \(distinct) of \(records) records, so it would single them out of the "
                + "shared microdata; mark it as a direct identifier in the dataset's schema (it is then left out) before sharing."
        case .producerNotThisWorkspace(let a, let p, let w):
            "Agreement \(a) names \(p) as its producer (its first party), but this workspace is \(w)'s (`pim org list`), and a package "
                + "from it names its producer: share under an agreement whose first party is \(w)."
        case .recipientIsProducer(let a, let p):
            "\(p) is the producer under agreement \(a) (its first party); a share goes to one of the other parties."
        case .repeatedDimension(let c): "Column \"\(c)\" is named more than once among the dimensions; name each column once."
        case .invalidDimension(let c, let why): "The dimension \"\(c)\" cannot be used: \(why)"
        case .unknownDataset(let d): "There is no dataset \"\(d)\" (`pim datasets` lists them)."
        case .unknownAgreement(let a): "There is no agreement \"\(a)\" (`pim agreement list` lists them)."
        case .notBuilt(_, let reason): reason
        case .notPermitted(let reason): reason
        case .everyCellSuppressed(let d, let m):
            "Every cell of the table by \(d.joined(separator: ", ")) would be suppressed below the minimum cell of \(m), so nothing "
                + "would be shared; share by fewer or coarser dimensions."
        }
    }

    /// A stable code for audit details and scripts.
    public var code: String {
        switch self {
        case .notActive: "not-active"
        case .expired: "expired"
        case .notYetValid: "not-yet-valid"
        case .recipientNotParty: "recipient-not-party"
        case .unknownOrganization: "unknown-organization"
        case .doesNotCover: "does-not-cover"
        case .levelExceedsAgreement: "level-exceeds-agreement"
        case .levelExceedsPolicy: "level-exceeds-policy"
        case .levelExceedsSensitivity: "level-exceeds-sensitivity"
        case .consentPurposeMissing: "consent-purpose-missing"
        case .consentBasisWithoutPurpose: "consent-basis-without-purpose"
        case .thresholdsImpossible: "thresholds-impossible"
        case .noDimensions: "no-dimensions"
        case .unknownDimension: "unknown-dimension"
        case .dimensionIsIdentifier: "dimension-is-identifier"
        case .dimensionNotInAgreement: "dimension-not-in-agreement"
        case .noConsentingRecords: "no-consenting-records"
        case .differencing: "differencing"
        case .noVersion: "no-version"
        case .uniqueColumnKept: "unique-column-kept"
        case .everyCellSuppressed: "every-cell-suppressed"
        case .repeatedDimension: "repeated-dimension"
        case .recipientIsProducer: "recipient-is-producer"
        case .producerNotThisWorkspace: "producer-not-this-workspace"
        case .invalidDimension: "invalid-dimension"
        case .unknownDataset: "unknown-dataset"
        case .unknownAgreement: "unknown-agreement"
        case .notBuilt(let code, _): code
        case .notPermitted: "not-permitted"
        }
    }

    static func only(_ level: DetailLevel) -> String {
        level == .aggregated ? "aggregated tables only" : "at most \(level.phrase)"
    }

    static func day(_ d: Date) -> String {
        let f = DateFormatter()
        f.calendar = .utc
        f.timeZone = Calendar.utc.timeZone
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: d)
    }
}
