import Foundation
import PIMCore
import Testing

@Suite struct SharingRulesTests {
    typealias F = SharingFixtures

    func decide(_ a: Agreement, dataset: Dataset = F.dataset(), recipient: String = "DRC", level: DetailLevel,
                by: [String] = ["adm1", "sex"], exceptions: [PolicyException] = [], at: Date = F.now) -> ShareDecision {
        SharingRules.decide(ShareRequest(dataset: dataset, recipient: recipient, level: level, dimensions: by),
                            agreement: a, exceptions: exceptions, at: at)
    }

    func refusal(_ d: ShareDecision) -> ShareRefusal? { if case .refused(let r) = d { r } else { nil } }
    func plan(_ d: ShareDecision) -> SharePlan? { if case .allowed(let p) = d { p } else { nil } }

    // MARK: - Allowed

    @Test func activeCoveringAgreementAllowsAnAggregatedShare() throws {
        // Given an active agreement covering pm at aggregated level
        let p = try #require(plan(decide(try F.agreement(), level: .aggregated)))
        // Then the plan carries the agreement's thresholds and the three bounds
        #expect(p.level == .aggregated)
        #expect(p.dimensions == ["adm1", "sex"])
        #expect(p.agreementBound == .aggregated)
        #expect(p.policyBound == .aggregated)  // §10.3: protection monitoring is aggregated
        #expect(p.sensitivityBound == .anonymised)  // high sensitivity
        #expect(p.effectiveLevel == .aggregated)
    }

    /// An agreement that lists its tables' dimensions allows aggregated shares by those only.
    @Test func dimensionsOutsideTheAgreementsListAreRefused() throws {
        var a = try F.agreement()
        a.dimensions = ["adm1", "sex"]
        #expect(plan(decide(a, level: .aggregated, by: ["sex", "adm1"])) != nil)
        #expect(refusal(decide(a, level: .aggregated, by: ["adm1", "need"]))
            == .dimensionNotInAgreement("need", agreement: a.id, allowed: ["adm1", "sex"]))
        a.dimensions = []
        #expect(plan(decide(a, level: .aggregated, by: ["adm1", "need"])) != nil)
    }

    @Test func coverageByCategoryIdCounts() throws {
        let a = try F.agreement(covers: ["protection-monitoring"])
        #expect(plan(decide(a, level: .aggregated)) != nil)
    }

    // MARK: - Every refusal

    @Test func draftAgreementIsRefused() throws {
        let r = refusal(decide(try F.agreement(activate: false), level: .aggregated))
        #expect(r == .notActive(agreement: "ISP-2026-03", status: .draft))
        #expect(r?.description == "Agreement ISP-2026-03 is draft, not active; nothing may be shared under it until it is activated.")
    }

    @Test func suspendedAgreementIsRefused() throws {
        var a = try F.agreement()
        try a.transition(to: .suspended, by: "dpfp", at: F.now)
        #expect(refusal(decide(a, level: .aggregated)) == .notActive(agreement: "ISP-2026-03", status: .suspended))
    }

    @Test func expiredAgreementIsRefusedWithItsEndDate() throws {
        let end = F.now.addingTimeInterval(-F.day)  // 2026-03-31
        let r = refusal(decide(try F.agreement(validUntil: end), level: .aggregated))
        #expect(r == .expired(agreement: "ISP-2026-03", on: end))
        #expect(r?.description == "Agreement ISP-2026-03 expired on 2026-03-31; agree a new one before sharing.")
    }

    @Test func agreementNotYetValidIsRefused() throws {
        let start = F.now.addingTimeInterval(10 * F.day)
        var a = try F.agreement(validFrom: start, activate: false)
        try a.transition(to: .active, by: "dpfp", at: F.now)
        let r = refusal(decide(a, level: .aggregated))
        #expect(r == .notYetValid(agreement: "ISP-2026-03", from: start))
        #expect(r?.description.contains("valid only from 2026-04-11") == true)
    }

    @Test func recipientOutsideThePartiesIsRefused() throws {
        let r = refusal(decide(try F.agreement(), recipient: "WFP", level: .aggregated))
        #expect(r == .recipientNotParty(agreement: "ISP-2026-03", recipient: "WFP", parties: ["UNHCR", "DRC"]))
        #expect(r?.description == "WFP is not a party to agreement ISP-2026-03 (parties: UNHCR, DRC).")
    }

    @Test func datasetNotCoveredIsRefused() throws {
        let r = refusal(decide(try F.agreement(covers: ["cases"]), level: .aggregated))
        #expect(r == .doesNotCover(agreement: "ISP-2026-03", dataset: "pm", category: "protection-monitoring"))
    }

    @Test func levelAboveTheAgreementIsRefusedWithBothLevels() throws {
        let r = refusal(decide(try F.agreement(level: .aggregated), level: .anonymised))
        #expect(r == .levelExceedsAgreement(agreement: "ISP-2026-03", allowed: .aggregated, requested: .anonymised))
        #expect(r?.description == "Agreement ISP-2026-03 allows aggregated tables only; anonymised microdata was requested.")
    }

    @Test func levelAboveTheCategoryPolicyIsRefused() throws {
        // Given an agreement allowing anonymised data of a protection-monitoring dataset (§10.3: aggregated only)
        let r = refusal(decide(try F.agreement(level: .anonymised), level: .anonymised))
        #expect(r == .levelExceedsPolicy(category: "protection-monitoring", allowed: .aggregated, requested: .anonymised, withConsent: false))
        #expect(r?.description.hasPrefix("The sharing policy of category protection-monitoring (PIM framework §10) allows aggregated tables only; anonymised microdata was requested") == true)
    }

    @Test func levelAboveTheSensitivityBoundIsRefused() throws {
        // Needs assessment allows anonymised (§10.2.1) but a severe dataset only aggregated
        let d = F.dataset(category: "protection-needs-assessment", sensitivity: .severe)
        let r = refusal(decide(try F.agreement(level: .anonymised), dataset: d, level: .anonymised))
        #expect(r == .levelExceedsSensitivity(dataset: "pm", sensitivity: .severe, allowed: .aggregated, requested: .anonymised))
    }

    @Test func personalCaseDataWithoutAConsentPurposeIsRefused() throws {
        let d = F.dataset(category: "case-management", sensitivity: .low)
        let r = refusal(decide(try F.agreement(level: .personal), dataset: d, level: .personal))
        #expect(r == .consentPurposeMissing(agreement: "ISP-2026-03", requested: .personal, accepted: [.disclosure, .tracing]))
    }

    @Test func personalCaseDataWithDisclosureConsentIsAllowed() throws {
        let d = F.dataset(category: "case-management", sensitivity: .low)
        let a = try F.agreement(level: .personal, basis: .consent, consentPurpose: .disclosure)
        let p = try #require(plan(decide(a, dataset: d, level: .personal)))
        #expect(p.consentPurpose == .disclosure)
        #expect(p.policyBound == .personal)
    }

    @Test func consentBasisWithoutPurposeIsRefused() throws {
        let r = refusal(decide(try F.agreement(basis: .consent), level: .aggregated))
        #expect(r == .consentBasisWithoutPurpose(agreement: "ISP-2026-03"))
    }

    /// Thresholds weaker than the defaults are named, and only a focal point (or no workspace user: the
    /// machine's own account) may approve them; the defaults or stricter ones, anyone who manages sharing.
    @Test func weakerThresholdsNeedAFocalPointToActivate() throws {
        let weak = try F.agreement(thresholds: .init(k: 3, minimumCellSize: 2, maximumGlobalRisk: 0.1), activate: false)
        #expect(weak.weakenedThresholds == [
            "k = 3 (the default is 5)", "minimum cell 2 (the default is 5)", "maximum global risk 10.00% (the default is 3.00%)",
        ])
        #expect(throws: AgreementError.weakerThresholdsNeedFocalPoint(agreement: "ISP-2026-03", weakened: weak.weakenedThresholds)) {
            try weak.checkApprover(role: .pimOfficer)
        }
        #expect(throws: AgreementError.self) { try weak.checkApprover(role: .administrator) }
        try weak.checkApprover(role: .dataProtectionFocalPoint)
        try weak.checkApprover(role: nil)
        let strict = try F.agreement(thresholds: .init(k: 10, minimumCellSize: 10, maximumGlobalRisk: 0.01), activate: false)
        #expect(strict.weakenedThresholds.isEmpty)
        try strict.checkApprover(role: .pimOfficer)
    }

    @Test func impossibleThresholdsAreRefused() throws {
        var a = try F.agreement()
        a.thresholds.k = 1
        #expect(refusal(decide(a, level: .aggregated)) == .thresholdsImpossible(agreement: "ISP-2026-03", problem: .kBelowTwo(1)))
        a.thresholds = .init(k: 5, minimumCellSize: 0)
        #expect(refusal(decide(a, level: .aggregated)) == .thresholdsImpossible(agreement: "ISP-2026-03", problem: .minimumCellNotPositive(0)))
        a.thresholds = .init(maximumGlobalRisk: 0)
        #expect(refusal(decide(a, level: .aggregated)) == .thresholdsImpossible(agreement: "ISP-2026-03", problem: .riskOutOfRange(0)))
    }

    @Test func microdataWithoutKeyVariablesIsRefused() throws {
        var d = F.dataset(category: "protection-needs-assessment")
        d.schema.fields = d.schema.fields.map { var f = $0; if f.role == .quasiIdentifier { f.role = .other }; return f }
        let r = refusal(decide(try F.agreement(level: .anonymised), dataset: d, level: .anonymised))
        #expect(r == .thresholdsImpossible(agreement: "ISP-2026-03", problem: .noKeyVariables))
    }

    @Test func aggregatedShareNeedsSafeDimensions() throws {
        let a = try F.agreement()
        #expect(refusal(decide(a, level: .aggregated, by: [])) == .noDimensions)
        #expect(refusal(decide(a, level: .aggregated, by: ["age"])) == .unknownDimension("age", available: ["record_id", "household_id", "adm1", "sex", "need"]))
        #expect(refusal(decide(a, level: .aggregated, by: ["record_id"])) == .dimensionIsIdentifier("record_id"))
        #expect(refusal(decide(a, level: .aggregated, by: ["household_id"])) == .dimensionIsIdentifier("household_id"))
    }

    // MARK: - Narrowing and exceptions

    @Test(arguments: [
        // (agreement, category, sensitivity, expected effective level)
        (DetailLevel.personal, "protection-needs-assessment", Sensitivity.low, DetailLevel.anonymised),
        (.personal, "protection-needs-assessment", .severe, .aggregated),
        (.aggregated, "protection-needs-assessment", .low, .aggregated),
        (.pseudonymised, "sectoral-im-systems-other", .moderate, .anonymised),
        (.anonymised, "population-data", .low, .aggregated),
    ])
    func effectiveLevelIsTheMinimumOfTheThreeBounds(agreed: DetailLevel, category: String, sensitivity: Sensitivity,
                                                   expected: DetailLevel) throws {
        let d = F.dataset(category: category, sensitivity: sensitivity)
        // (Population figures are shared as persons, by the figures' dimensions.)
        let by = SharingRules.figureDimensions(category: category) == nil ? ["adm1", "sex"] : ["adm1_code", "sex"]
        let p = try #require(plan(decide(try F.agreement(level: agreed), dataset: d, level: .aggregated, by: by)))
        #expect(p.effectiveLevel == expected)
        // Every level above the effective one is refused; the effective one is allowed.
        for l in DetailLevel.allCases {
            let allowed = plan(decide(try F.agreement(level: agreed), dataset: d, level: l, by: by)) != nil
            #expect(allowed == (l <= expected), "\(l)")
        }
    }

    @Test func focalPointExceptionLiftsPolicyButNeverTheAgreement() throws {
        let a = try F.agreement(level: .anonymised)
        let e = try PolicyException(id: "x", agreementID: a.id, dataset: "pm", level: .pseudonymised, reason: "Joint analysis",
                                    approvedBy: "dpfp", approverRole: .dataProtectionFocalPoint, at: F.now.addingTimeInterval(-F.day))
        // Lifted past the §10.3 policy to the agreement's anonymised level
        let p = try #require(plan(decide(a, level: .anonymised, exceptions: [e])))
        #expect(p.exceptionID == "x")
        // but not past the agreement
        #expect(refusal(decide(a, level: .pseudonymised, exceptions: [e]))
                == .levelExceedsAgreement(agreement: a.id, allowed: .anonymised, requested: .pseudonymised))
        // and not for another dataset
        #expect(refusal(decide(try F.agreement(level: .anonymised, covers: ["pm2"]), dataset: F.dataset(name: "pm2"),
                               level: .anonymised, exceptions: [e])) != nil)
    }

    @Test func focalPointExceptionNeverLiftsTheConsentCondition() throws {
        // Given case data (§10.4: beyond aggregated only with consent for disclosure or tracing) and a focal
        // point's exception up to personal data for the agreement
        func exception(_ a: Agreement) throws -> PolicyException {
            try PolicyException(id: "x", agreementID: a.id, dataset: "pm", level: .personal, reason: "Referral SOP",
                                approvedBy: "dpfp", approverRole: .dataProtectionFocalPoint, at: F.now.addingTimeInterval(-F.day))
        }
        let low = F.dataset(category: "case-management", sensitivity: .low)
        // When the agreement checks consent for services only, or no consent at all (vital interest)
        for a in [try F.agreement(level: .personal, basis: .consent, consentPurpose: .services),
                  try F.agreement(level: .personal, basis: .vitalInterest)] {
            // Then every microdata level is refused for lack of consent to disclosure or tracing
            for level in [DetailLevel.anonymised, .pseudonymised, .personal] {
                #expect(refusal(decide(a, dataset: low, level: level, exceptions: [try exception(a)]))
                        == .consentPurposeMissing(agreement: a.id, requested: level, accepted: [.disclosure, .tracing]), "\(level)")
            }
            // and an aggregated table is still allowed
            #expect(plan(decide(a, dataset: low, level: .aggregated, exceptions: [try exception(a)])) != nil)
        }
        // With consent for disclosure, the exception lifts the high-sensitivity bound to personal data
        let a = try F.agreement(level: .personal, basis: .consent, consentPurpose: .disclosure)
        let high = F.dataset(category: "case-management", sensitivity: .high)
        #expect(refusal(decide(a, dataset: high, level: .personal)) != nil)
        let p = try #require(plan(decide(a, dataset: high, level: .personal, exceptions: [try exception(a)])))
        #expect(p.consentPurpose == .disclosure)
        #expect(p.exceptionID == "x")
    }

    @Test func theProducerIsNotARecipient() throws {
        // Given an agreement between UNHCR (the producer, first party) and DRC
        let a = try F.agreement()
        // Then a share to UNHCR is refused with its own reason, and one to DRC is allowed
        let r = refusal(decide(a, recipient: "UNHCR", level: .aggregated))
        #expect(r == .recipientIsProducer(agreement: "ISP-2026-03", producer: "UNHCR"))
        #expect(r?.description == "UNHCR is the producer under agreement ISP-2026-03 (its first party); a share goes to one of the other parties.")
        #expect(plan(decide(a, recipient: "DRC", level: .aggregated)) != nil)
    }

    @Test func dimensionsMayBeCoarsenedButNotRepeated() throws {
        let a = try F.agreement()
        // A coarsening is checked against its column
        #expect(plan(decide(a, level: .aggregated, by: ["adm1", "sex=rare:5"]))?.dimensions == ["adm1", "sex=rare:5"])
        #expect(refusal(decide(a, level: .aggregated, by: ["age=bands"]))
                == .unknownDimension("age", available: ["record_id", "household_id", "adm1", "sex", "need"]))
        #expect(refusal(decide(a, level: .aggregated, by: ["record_id=rare:5"])) == .dimensionIsIdentifier("record_id"))
        // The same column twice is refused with its own reason (and code, for the audit trail)
        let r = refusal(decide(a, level: .aggregated, by: ["adm1", "adm1"]))
        #expect(r == .repeatedDimension("adm1"))
        #expect(r?.code == "repeated-dimension")
        // An agreement listing a column allows its coarsening, not the reverse
        var listed = try F.agreement()
        listed.dimensions = ["adm1", "sex=rare:5"]
        #expect(plan(decide(listed, level: .aggregated, by: ["adm1=rare:5"])) != nil)
        #expect(refusal(decide(listed, level: .aggregated, by: ["sex"]))
                == .dimensionNotInAgreement("sex", agreement: a.id, allowed: ["adm1", "sex=rare:5"]))
    }

    @Test func revokedAgreementRefusalDoesNotPromiseActivation() throws {
        // Given a revoked agreement
        var a = try F.agreement()
        try a.transition(to: .revoked, by: "dpfp", at: F.now.addingTimeInterval(-F.day))
        // Then the refusal says it is revoked for good, not "until it is activated"
        let r = try #require(refusal(decide(a, level: .aggregated)))
        #expect(r == .notActive(agreement: "ISP-2026-03", status: .revoked))
        #expect(r.description == "Agreement ISP-2026-03 is revoked for good; nothing may be shared under it again (it cannot be activated; agree a new one).")
    }

    @Test func exceptionsNeedAFocalPointAndAReason() {
        #expect(throws: AgreementError.exceptionNotByFocalPoint) {
            _ = try PolicyException(id: "x", agreementID: "A", dataset: "pm", level: .personal, reason: "r", approvedBy: "u",
                                    approverRole: .pimOfficer, at: F.now)
        }
        #expect(throws: AgreementError.exceptionWithoutReason) {
            _ = try PolicyException(id: "x", agreementID: "A", dataset: "pm", level: .personal, reason: " ", approvedBy: "u",
                                    approverRole: .dataProtectionFocalPoint, at: F.now)
        }
    }

    // MARK: - Policy derivation from §10

    @Test func defaultPoliciesFollowSection10() {
        #expect(SharePolicy.default(for: "protection-monitoring").maximumLevel == .aggregated)
        #expect(SharePolicy.default(for: "protection-needs-assessment").maximumLevel == .anonymised)
        let cm = SharePolicy.default(for: "case-management")
        #expect(cm.maximumLevel == .aggregated)
        #expect(cm.personalWithConsent)
        #expect(cm.bound(consentPurpose: nil) == .aggregated)
        #expect(cm.bound(consentPurpose: .disclosure) == .personal)
        #expect(cm.bound(consentPurpose: .services) == .aggregated)
        let sectoral = SharePolicy.default(for: "sectoral-im-systems-other")
        #expect(sectoral.maximumLevel == .anonymised)
        #expect(sectoral.personalWithConsent)
        #expect(SharePolicy.default(for: "unknown").maximumLevel == .aggregated)
    }

    @Test func sensitivityBoundsTheLevel() {
        #expect(Sensitivity.severe.maximumLevel == .aggregated)
        #expect(Sensitivity.high.maximumLevel == .anonymised)
        #expect(Sensitivity.moderate.maximumLevel == .pseudonymised)
        #expect(Sensitivity.low.maximumLevel == .personal)
    }
}
