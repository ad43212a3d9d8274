import Foundation

/// A data-sharing agreement between organisations: who may receive what, why, at which level of detail,
/// under which disclosure thresholds, for how long. Stored as a JSON document of kind `agreement`.
///
/// An agreement only ever narrows what the category policy and the dataset's sensitivity allow
/// (see ``SharingRules``). It must be `active` and within its validity dates for any share.
///
///     var a = try Agreement(id: "ISP-2026-03", parties: ["UNHCR", "DRC"], purpose: "Monthly protection trends",
///                           legalBasis: .publicInterest, covers: ["pm"], level: .aggregated, createdAt: now)
///     try a.transition(to: .active, by: "dpfp", at: now)
public struct Agreement: Sendable, Hashable, Codable {
    /// Why the parties may process the data (GDPR-style lawful bases used in humanitarian data protection).
    public enum LegalBasis: String, Sendable, Hashable, Codable, CaseIterable {
        case consent
        case vitalInterest = "vital-interest"
        case publicInterest = "public-interest"
        case legitimateInterest = "legitimate-interest"
    }

    /// Life cycle: `draft → active ⇄ suspended`, and `expired` or `revoked` as final states.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case draft, active, suspended, expired, revoked

        /// The states this one may move to.
        public var successors: Set<Status> {
            switch self {
            case .draft: [.active, .revoked]
            case .active: [.suspended, .expired, .revoked]
            case .suspended: [.active, .expired, .revoked]
            case .expired, .revoked: []
            }
        }
    }

    /// How often a scheduled share is due: once per calendar period in UTC, a week from Monday (ISO 8601) or
    /// a calendar month, whatever the time of day of the runs. (Counting 7 days or a month from the last
    /// run's instant would let a weekly job that runs a few seconds earlier than the week before skip a week,
    /// and a monthly schedule begun on the 31st drift to the 28th.)
    public enum Frequency: String, Sendable, Hashable, Codable, CaseIterable {
        case weekly, monthly

        /// The start of the period after the one that contains `last`: the first moment the next share is due.
        public func next(after last: Date, calendar: Calendar = .utc) -> Date {
            var c = calendar
            c.firstWeekday = 2  // Monday
            c.minimumDaysInFirstWeek = 4
            switch self {
            case .weekly:
                let start = c.dateInterval(of: .weekOfYear, for: last)?.start ?? last
                return c.date(byAdding: .day, value: 7, to: start) ?? start.addingTimeInterval(7 * 86_400)
            case .monthly:
                let start = c.dateInterval(of: .month, for: last)?.start ?? last
                return c.date(byAdding: .month, value: 1, to: start) ?? start.addingTimeInterval(31 * 86_400)
            }
        }
    }

    /// Disclosure thresholds every share under the agreement must meet.
    public struct Thresholds: Sendable, Hashable, Codable {
        /// k of k-anonymity on the key variables (microdata levels).
        public var k: Int
        /// Smallest published non-zero cell of an aggregated table.
        public var minimumCellSize: Int
        /// Largest acceptable global re-identification risk (expected share of records re-identified).
        public var maximumGlobalRisk: Double

        public init(k: Int = 5, minimumCellSize: Int = 5, maximumGlobalRisk: Double = 0.03) {
            self.k = k
            self.minimumCellSize = minimumCellSize
            self.maximumGlobalRisk = maximumGlobalRisk
        }

        /// The first problem that makes the thresholds impossible to meet, if any.
        public var problem: ShareRefusal.ThresholdProblem? {
            if k < 2 { return .kBelowTwo(k) }
            if minimumCellSize < 1 { return .minimumCellNotPositive(minimumCellSize) }
            if !(maximumGlobalRisk > 0 && maximumGlobalRisk <= 1) { return .riskOutOfRange(maximumGlobalRisk) }
            return nil
        }
    }

    /// One status change, kept for the record.
    public struct StatusChange: Sendable, Hashable, Codable {
        public var from: Status
        public var to: Status
        public var by: String
        public var at: Date
    }

    public var id: String
    /// Acronyms of the organisations party to it. The first is the producer (this workspace's organisation);
    /// scheduled shares go to the others.
    public var parties: [String]
    public var purpose: String
    public var legalBasis: LegalBasis
    /// Dataset names or PIM category ids the agreement covers.
    public var covers: [String]
    /// The most detailed level shares under it may have.
    public var level: DetailLevel
    public var thresholds: Thresholds
    /// The consent purpose each shared record must have granted; required when the legal basis is consent
    /// and for personal data. Nil: no consent filter.
    public var consentPurpose: ConsentPurpose?
    /// Days a recipient may keep what it receives.
    public var retentionDays: Int
    public var validFrom: Date
    public var validUntil: Date?
    public private(set) var status: Status
    /// Who approved it (set when it first becomes active).
    public private(set) var approvedBy: String?
    public var frequency: Frequency?
    /// Dimensions of scheduled aggregated shares; when given, the only dimensions any aggregated share or
    /// partner output under the agreement may use.
    public var dimensions: [String]
    public var lastShared: Date?
    public var createdAt: Date
    public var createdBy: String
    public private(set) var history: [StatusChange]

    /// Creates a draft agreement.
    /// - Throws: ``AgreementError`` when the id, parties, purpose, coverage or thresholds are unusable.
    public init(
        id: String, parties: [String], purpose: String, legalBasis: LegalBasis, covers: [String], level: DetailLevel,
        thresholds: Thresholds = Thresholds(), consentPurpose: ConsentPurpose? = nil, retentionDays: Int = 90,
        validFrom: Date, validUntil: Date? = nil, frequency: Frequency? = nil, dimensions: [String] = [],
        createdAt: Date, createdBy: String = "system"
    ) throws(AgreementError) {
        self.id = id
        self.parties = parties
        self.purpose = purpose
        self.legalBasis = legalBasis
        self.covers = covers
        self.level = level
        self.thresholds = thresholds
        self.consentPurpose = consentPurpose
        self.retentionDays = retentionDays
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.status = .draft
        self.approvedBy = nil
        self.frequency = frequency
        self.dimensions = dimensions
        self.lastShared = nil
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.history = []
        try validate()
    }

    /// Checks the agreement's own consistency.
    public func validate() throws(AgreementError) {
        // Starting with a letter or digit: an id of dots alone (`.`, `..`) would be a path segment that browsers
        // remove from the agreement's address (QA19 F4).
        let idOK = (1...64).contains(id.count) && id.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
            && id.first.map { $0.isLetter || $0.isNumber } == true
        guard idOK else { throw .invalidID }
        guard !parties.isEmpty, parties.allSatisfy({ !$0.isEmpty }) else { throw .noParties }
        guard Set(parties).count == parties.count else { throw .repeatedParty }
        guard !purpose.trimmingCharacters(in: .whitespaces).isEmpty else { throw .noPurpose }
        guard !covers.isEmpty else { throw .coversNothing }
        if let p = thresholds.problem { throw .impossibleThresholds(p) }
        guard retentionDays > 0 else { throw .retentionNotPositive(retentionDays) }
        if let until = validUntil, until < validFrom { throw .validityReversed }
        // A scheduled aggregated share without dimensions would be refused at every run of `pim share due`.
        if frequency != nil, level == .aggregated, dimensions.isEmpty { throw .scheduleWithoutDimensions }
    }

    /// Moves to `next`, recording who did it.
    /// - Throws: ``AgreementError/invalidTransition(from:to:)`` for a move the life cycle does not allow,
    ///   ``AgreementError/expiredCannotActivate`` when activating past `validUntil`.
    /// The move is judged from the status in force at `now` (``status(at:)``): an agreement past its end date
    /// is expired, whatever status is stored, and can no longer be activated or suspended.
    public mutating func transition(to next: Status, by actor: String, at now: Date) throws(AgreementError) {
        let current = status(at: now)
        guard current.successors.contains(next) else { throw .invalidTransition(from: current, to: next) }
        if next == .active, let until = validUntil, now > until { throw .expiredCannotActivate }
        if next == .active, approvedBy == nil { approvedBy = actor }
        history.append(StatusChange(from: current, to: next, by: actor, at: now))
        status = next
    }

    /// The thresholds that are weaker than the workspace's defaults (``Thresholds/init(k:minimumCellSize:maximumGlobalRisk:)``:
    /// k 5, minimum cell 5, global risk 3 %), each in words; empty when none is. Only a data-protection focal
    /// point may activate an agreement that weakens them (see ``checkApprover(role:)``).
    public var weakenedThresholds: [String] {
        let d = Thresholds()
        var out: [String] = []
        if thresholds.k < d.k { out.append("k = \(thresholds.k) (the default is \(d.k))") }
        if thresholds.minimumCellSize < d.minimumCellSize {
            out.append("minimum cell \(thresholds.minimumCellSize) (the default is \(d.minimumCellSize))")
        }
        if thresholds.maximumGlobalRisk > d.maximumGlobalRisk {
            out.append("maximum global risk \(ShareRefusal.ThresholdProblem.percent(thresholds.maximumGlobalRisk)) (the default is \(ShareRefusal.ThresholdProblem.percent(d.maximumGlobalRisk)))")
        }
        return out
    }

    /// Checks that a user of `role` may activate this agreement: one whose thresholds are weaker than the
    /// defaults lets smaller groups of people be published, and needs a data-protection focal point's
    /// approval (whoever drafted it). `nil`: no workspace user acts (the operating-system account on the
    /// command line, with the access the machine gives it).
    /// - Throws: ``AgreementError/weakerThresholdsNeedFocalPoint(agreement:weakened:)``.
    public func checkApprover(role: Role?) throws(AgreementError) {
        let weakened = weakenedThresholds
        guard let role, !weakened.isEmpty, role != .dataProtectionFocalPoint else { return }
        throw .weakerThresholdsNeedFocalPoint(agreement: id, weakened: weakened)
    }

    /// The status in force at `now`: an active or suspended agreement past its end date is expired.
    public func status(at now: Date) -> Status {
        if let until = validUntil, now > until, status == .active || status == .suspended { return .expired }
        return status
    }

    /// The organisations a scheduled share goes to: every party after the producer.
    public var recipients: [String] { Array(parties.dropFirst()) }

    /// Whether a scheduled share is due at `now`.
    public func isDue(at now: Date) -> Bool {
        guard let frequency, status(at: now) == .active, now >= validFrom else { return false }
        guard let last = lastShared else { return true }
        return now >= frequency.next(after: last)
    }

    /// Checks that every party is a registered organisation and every covered name is a dataset or a
    /// category, given what the workspace holds. Pure; the command line and the web both call it.
    /// - Throws: ``AgreementError/unknownParty(_:)`` or ``AgreementError/unknownCoverage(_:)`` for the first bad name.
    public func checkReferences(organizations: Set<String>, datasets: Set<String>, categories: Set<String>) throws(AgreementError) {
        if let p = parties.first(where: { !organizations.contains($0) }) { throw .unknownParty(p) }
        if let c = covers.first(where: { !datasets.contains($0) && !categories.contains($0) }) { throw .unknownCoverage(c) }
    }

    /// Whether `organization` (an acronym) is a party and the agreement is in force at `now`: active and
    /// within its validity dates. What a partner viewer's access to shared outputs rests on.
    public func isInForce(for organization: String, at now: Date) -> Bool {
        parties.contains(organization) && status(at: now) == .active && now >= validFrom
    }

    /// Whether the agreement covers a dataset, by its name or its category.
    public func covers(_ dataset: Dataset) -> Bool {
        covers.contains(dataset.name) || covers.contains(dataset.category)
    }
}

/// Why an agreement cannot be created or changed.
public enum AgreementError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidID
    case noParties
    case repeatedParty
    case noPurpose
    case coversNothing
    case impossibleThresholds(ShareRefusal.ThresholdProblem)
    case retentionNotPositive(Int)
    case validityReversed
    case invalidTransition(from: Agreement.Status, to: Agreement.Status)
    case expiredCannotActivate
    case exceptionWithoutReason
    case exceptionNotByFocalPoint
    /// The exception's last day is before the day it is recorded (QA11 S11: it silently replaced a live one).
    case exceptionAlreadyEnded(validUntil: String)
    /// A party is not a registered organisation (its acronym).
    case unknownParty(String)
    /// A covered name is neither a dataset nor a PIM category id.
    case unknownCoverage(String)
    /// The agreement's thresholds are weaker than the workspace's defaults (in words), and the user
    /// activating it is not a data-protection focal point.
    case weakerThresholdsNeedFocalPoint(agreement: String, weakened: [String])
    /// A weekly or monthly schedule of aggregated tables names no dimensions to aggregate by.
    case scheduleWithoutDimensions

    public var description: String {
        switch self {
        case .invalidID: "The agreement id must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit, e.g. ISP-2026-03."
        case .noParties: "An agreement needs at least one party (organisation acronym)."
        case .repeatedParty: "An organisation is listed twice among the parties."
        case .noPurpose: "An agreement needs a stated purpose."
        case .coversNothing: "An agreement must cover at least one dataset name or PIM category id."
        case .impossibleThresholds(let p): "The thresholds cannot be met: \(p)."
        case .retentionNotPositive(let d): "The retention period must be at least one day, not \(d)."
        case .validityReversed: "The agreement ends before it starts."
        case .invalidTransition(let a, let b): "An agreement that is \(a.rawValue) cannot become \(b.rawValue)."
        case .expiredCannotActivate: "The agreement's end date has passed, so it cannot be activated; agree a new one."
        case .weakerThresholdsNeedFocalPoint(let id, let weakened):
            "Agreement \(id) lowers the workspace's disclosure thresholds (\(weakened.joined(separator: "; "))), so only a data-protection focal point may activate it."
        case .exceptionWithoutReason: "A policy exception must state its reason."
        case .exceptionNotByFocalPoint: "Only a data-protection focal point may record a policy exception."
        case .exceptionAlreadyEnded(let day): "The exception would end on \(day), before today: give a last day from today on."
        case .unknownParty(let p):
            "There is no organisation \"\(p)\"; register it first (`pim org add --acronym \(p) ...`)."
        case .unknownCoverage(let c): "\"\(c)\" is neither a dataset nor a PIM category id, so the agreement cannot cover it."
        case .scheduleWithoutDimensions:
            "A scheduled agreement of aggregated tables needs the tables' dimensions (--by COLUMN,...); without them every scheduled share would be refused."
        }
    }
}

extension Calendar {
    /// The Gregorian calendar in UTC, so schedules do not depend on the machine's time zone.
    public static var utc: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC") ?? c.timeZone
        return c
    }
}
