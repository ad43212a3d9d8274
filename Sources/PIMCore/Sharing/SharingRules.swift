import Foundation
import PIMFramework

/// What someone asks to share.
public struct ShareRequest: Sendable, Hashable {
    public var dataset: Dataset
    /// Recipient organisation acronym.
    public var recipient: String
    public var level: DetailLevel
    /// Dimensions of an aggregated table (ignored for microdata levels).
    public var dimensions: [String]

    public init(dataset: Dataset, recipient: String, level: DetailLevel, dimensions: [String] = []) {
        self.dataset = dataset
        self.recipient = recipient
        self.level = level
        self.dimensions = dimensions
    }
}

/// An allowed share: everything the builder needs, and the bounds that were checked (for the metadata).
public struct SharePlan: Sendable, Hashable, Codable {
    public var agreementID: String
    public var dataset: String
    public var category: String
    public var recipient: String
    public var level: DetailLevel
    public var dimensions: [String]
    public var thresholds: Agreement.Thresholds
    /// Records must have granted consent for this purpose; nil: no consent filter.
    public var consentPurpose: ConsentPurpose?
    public var retentionDays: Int
    /// The three bounds (after any exception) and the exception used, if any.
    public var agreementBound: DetailLevel
    public var policyBound: DetailLevel
    public var sensitivityBound: DetailLevel
    public var exceptionID: String?

    /// The most detailed level allowed: min(agreement, policy, sensitivity).
    public var effectiveLevel: DetailLevel { min(agreementBound, policyBound, sensitivityBound) }
}

/// The outcome of checking a request against an agreement.
public enum ShareDecision: Sendable, Hashable {
    case allowed(SharePlan)
    case refused(ShareRefusal)
}

/// The rules that decide whether a share may happen. Pure.
///
/// The narrowing rule: a share's level may not exceed
/// `min(agreement.level, categoryPolicy.bound(consent), dataset.sensitivity.maximumLevel)`. A
/// ``PolicyException`` for this agreement and dataset lifts the policy and sensitivity bounds to its level;
/// nothing lifts the agreement's level, nor the consent condition of a category whose policy allows more
/// detail only with consent (``SharePolicy/personalWithConsent``). Checks run in a fixed order so the first failing one is reported:
/// status, validity dates, recipient, coverage, thresholds, consent basis, agreement level, policy level,
/// sensitivity level, dimensions.
public enum SharingRules {
    /// The dimensions an aggregated table of a category whose rows are figures, not records, may be counted
    /// by: population figures are shared as the persons they stand for (see `PopulationFigures.personsInForce`
    /// in PIMCategories), by location, group, source, date, sex and age group. Nil for categories of records,
    /// whose tables count records by the dataset's own columns.
    public static func figureDimensions(category: String) -> [String]? {
        category == PIMCategory.ID.populationData.rawValue
            ? ["adm1_code", "adm2_code", "population_group", "source_org", "date", "sex", "age_group"] : nil
    }

    /// What a table of record counts says when its rows are figures (population figures), which it counts as
    /// rows, not as the persons they stand for; nil for categories of records.
    public static func figureRowsNote(category: String) -> String? {
        figureDimensions(category: category) == nil ? nil
            : "Each count is a number of population-figure rows (locations, groups and dates reported), not of persons; "
                + "for persons by location, sex and age use the category's output (pim output) or an aggregated share."
    }

    /// The column of a dimension: `date` for `date=month`, `age` for `age=bands:0,18,60`.
    public static func dimensionColumn(_ dimension: String) -> String {
        String(dimension.split(separator: "=", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces)
    }

    public static func decide(
        _ request: ShareRequest, agreement a: Agreement, policy: SharePolicy? = nil,
        exceptions: [PolicyException] = [], at now: Date
    ) -> ShareDecision {
        let d = request.dataset
        let status = a.status(at: now)
        if status == .expired, let until = a.validUntil { return .refused(.expired(agreement: a.id, on: until)) }
        guard status == .active else { return .refused(.notActive(agreement: a.id, status: status)) }
        if now < a.validFrom { return .refused(.notYetValid(agreement: a.id, from: a.validFrom)) }
        guard a.parties.contains(request.recipient) else {
            return .refused(.recipientNotParty(agreement: a.id, recipient: request.recipient, parties: a.parties))
        }
        // Shares go to the other parties (as scheduled shares do): the producer does not send itself a package.
        guard a.recipients.contains(request.recipient) else {
            return .refused(.recipientIsProducer(agreement: a.id, producer: request.recipient))
        }
        guard a.covers(d) else { return .refused(.doesNotCover(agreement: a.id, dataset: d.name, category: d.category)) }
        if let p = a.thresholds.problem { return .refused(.thresholdsImpossible(agreement: a.id, problem: p)) }
        if a.legalBasis == .consent, a.consentPurpose == nil { return .refused(.consentBasisWithoutPurpose(agreement: a.id)) }

        let policy = policy ?? SharePolicy.default(for: d.category)
        let exception = exceptions.first { $0.applies(agreement: a.id, dataset: d.name, at: now) }
        let lift = exception?.level ?? .aggregated
        let policyBound = max(policy.bound(consentPurpose: a.consentPurpose), lift)
        let sensitivityBound = max(d.sensitivity.maximumLevel, lift)

        if request.level > a.level {
            return .refused(.levelExceedsAgreement(agreement: a.id, allowed: a.level, requested: request.level))
        }
        // Where §10 allows more than the category's non-personal level only with express consent (case
        // management, referrals), that condition holds with or without an exception: an exception lifts
        // levels, never the consent condition.
        if policy.personalWithConsent, request.level > policy.maximumLevel,
           !(a.consentPurpose.map(policy.consentPurposes.contains) ?? false) {
            return .refused(.consentPurposeMissing(agreement: a.id, requested: request.level, accepted: policy.consentPurposes))
        }
        if request.level > policyBound {
            return .refused(.levelExceedsPolicy(category: d.category, allowed: policyBound, requested: request.level,
                                                withConsent: policy.personalWithConsent))
        }
        if request.level > sensitivityBound {
            return .refused(.levelExceedsSensitivity(dataset: d.name, sensitivity: d.sensitivity, allowed: sensitivityBound,
                                                     requested: request.level))
        }
        if request.level == .aggregated {
            guard !request.dimensions.isEmpty else { return .refused(.noDimensions) }
            let names = d.schema.fields.map(\.name)
            var seen = Set<String>()
            for c in request.dimensions {
                // A dimension is a column, or a column with a coarsening (`date=month`, `age=bands`).
                let column = dimensionColumn(c)
                if let figures = figureDimensions(category: d.category) {
                    // (Figures hold no identifiers: their dimensions are the persons table's.)
                    guard figures.contains(column) else { return .refused(.unknownDimension(column, available: figures)) }
                } else {
                    guard let f = d.schema.field(named: column) else { return .refused(.unknownDimension(column, available: names)) }
                    if f.role == .directIdentifier || f.role == .householdID { return .refused(.dimensionIsIdentifier(column)) }
                }
                guard seen.insert(column).inserted else { return .refused(.repeatedDimension(column)) }
                // An agreement that lists its tables' dimensions allows those only (as partners' live outputs), or
                // a coarsening of a column it lists as it is.
                if !a.dimensions.isEmpty && !a.dimensions.contains(c) && !a.dimensions.contains(column) {
                    return .refused(.dimensionNotInAgreement(c, agreement: a.id, allowed: a.dimensions))
                }
            }
        } else if d.schema.names(withRole: .quasiIdentifier).isEmpty, request.level != .personal {
            return .refused(.thresholdsImpossible(agreement: a.id, problem: .noKeyVariables))
        }
        return .allowed(SharePlan(
            agreementID: a.id, dataset: d.name, category: d.category, recipient: request.recipient, level: request.level,
            dimensions: request.level == .aggregated ? request.dimensions : [], thresholds: a.thresholds,
            consentPurpose: a.consentPurpose, retentionDays: a.retentionDays, agreementBound: a.level,
            policyBound: policyBound, sensitivityBound: sensitivityBound, exceptionID: exception?.id))
    }
}
