import Foundation

/// A recorded, reasoned permission by a data-protection focal point to share a dataset under an
/// agreement at a more detailed level than its category policy or sensitivity allows.
///
/// It lifts the policy and sensitivity bounds up to ``level``; it never lifts the agreement's own level
/// (an agreement only narrows) nor the consent condition. Stored as a JSON document of kind
/// `policy-exception`; only exceptions approved with the focal-point role count.
public struct PolicyException: Sendable, Hashable, Codable {
    public var id: String
    public var agreementID: String
    /// Dataset name.
    public var dataset: String
    public var level: DetailLevel
    public var reason: String
    public var approvedBy: String
    public var approverRole: Role
    public var at: Date
    public var validUntil: Date?

    public init(id: String, agreementID: String, dataset: String, level: DetailLevel, reason: String,
                approvedBy: String, approverRole: Role, at: Date, validUntil: Date? = nil) throws(AgreementError) {
        self.id = id
        self.agreementID = agreementID
        self.dataset = dataset
        self.level = level
        self.reason = reason
        self.approvedBy = approvedBy
        self.approverRole = approverRole
        self.at = at
        self.validUntil = validUntil
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw .exceptionWithoutReason }
        guard approverRole == .dataProtectionFocalPoint else { throw .exceptionNotByFocalPoint }
        if let end = validUntil, end < at { throw .exceptionAlreadyEnded(validUntil: CivilDays.iso(end)) }
    }

    /// Whether it applies to this agreement and dataset at `now`.
    public func applies(agreement: String, dataset name: String, at now: Date) -> Bool {
        agreementID == agreement && dataset == name && approverRole == .dataProtectionFocalPoint && now >= at
            && (validUntil.map { now <= $0 } ?? true)
    }
}
