import Foundation
import PIMCore
import PIMStorage

/// View models of the agreements and shares pages: plain, already formatted values (Mustache reads
/// stored properties only).
enum SharingPageModels {
    struct Option { var value: String; var label: String; var selected: Bool }
    struct Choice { var value: String; var selected: Bool }

    struct AgreementRow {
        var id: String
        var status: String
        var parties: String
        var producer: String
        var purpose: String
        var legalBasis: String
        var covers: String
        var level: String
        var k: Int
        var minCell: Int
        var maxRisk: String
        var consent: String
        var retentionDays: Int
        var validity: String
        var approvedBy: String
        var schedule: String
        var createdAt: String
        var createdBy: String

        init(_ a: Agreement, at now: Date, names: [String: String]) {
            id = a.id
            status = a.status(at: now).rawValue
            parties = a.parties.joined(separator: ", ")
            producer = a.parties.first ?? "—"
            purpose = a.purpose
            legalBasis = a.legalBasis.rawValue
            covers = a.covers.joined(separator: ", ")
            level = a.level.rawValue
            k = a.thresholds.k
            minCell = a.thresholds.minimumCellSize
            maxRisk = String(a.thresholds.maximumGlobalRisk)
            consent = a.consentPurpose.map { "records must have granted \($0.rawValue)" } ?? "no consent filter"
            retentionDays = a.retentionDays
            validity = Self.day(a.validFrom) + " to " + (a.validUntil.map(Self.day) ?? "open")
            approvedBy = a.approvedBy.map { names[$0] ?? $0 } ?? "—"
            schedule = a.frequency.map { "\($0.rawValue) by \(a.dimensions.joined(separator: ", "))" } ?? "none"
            createdAt = PageModels.format(a.createdAt)
            createdBy = names[a.createdBy] ?? a.createdBy
        }

        static func day(_ d: Date) -> String { CivilDays.iso(d) }
    }

    struct Agreements {
        var canManage: Bool
        var hasAgreements: Bool
        var agreements: [AgreementRow]
    }

    struct AgreementForm {
        var csrfToken: String
        var input: AgreementInput
        var hasErrors: Bool
        var errors: [String]
        var organizations: String
        var datasets: String
        var legalBases: [Choice]
        var levels: [Choice]
        var consentPurposes: [Option]
        var frequencies: [Option]

        init(csrfToken: String, input: AgreementInput, errors: [String], organizations: [String], datasets: [String]) {
            self.csrfToken = csrfToken
            self.input = input
            hasErrors = !errors.isEmpty
            self.errors = errors
            self.organizations = organizations.isEmpty ? "none yet" : organizations.joined(separator: ", ")
            self.datasets = datasets.isEmpty ? "none yet" : datasets.joined(separator: ", ")
            legalBases = Agreement.LegalBasis.allCases.map { Choice(value: $0.rawValue, selected: $0.rawValue == input.legalBasis) }
            levels = DetailLevel.allCases.map { Choice(value: $0.rawValue, selected: $0.rawValue == input.level) }
            consentPurposes = [Option(value: "", label: "none (no consent filter)", selected: input.consentPurpose.isEmpty)]
                + ConsentPurpose.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == input.consentPurpose) }
            frequencies = [Option(value: "", label: "none", selected: input.frequency.isEmpty)]
                + Agreement.Frequency.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == input.frequency) }
        }
    }

    struct HistoryRow { var at: String; var from: String; var to: String; var by: String }

    struct AgreementPage {
        var csrfToken: String
        var a: AgreementRow
        var hasErrors: Bool
        var errors: [String]
        var hasHistory: Bool
        var history: [HistoryRow]
        var canChange: Bool
        var successors: [String]
        var hasShares: Bool
        var shares: [ShareRow]
    }

    struct ShareRow {
        var id: String
        var outcome: String
        var created: String
        var agreement: String
        var dataset: String
        var recipient: String
        var level: String
        var records: String

        init(_ item: SharingDesk.Item) {
            let c = item.common
            id = c.id
            created = PageModels.format(c.created)
            agreement = c.agreement
            dataset = c.dataset
            recipient = c.recipient
            level = c.level.rawValue
            switch item {
            case .shared(let r):
                outcome = "shared"
                records = String(r.records)
            case .refused:
                outcome = "refused"
                records = "—"
            }
        }
    }

    struct Shares {
        var canManage: Bool
        var hasShares: Bool
        var shares: [ShareRow]
    }

    struct ShareForm {
        var csrfToken: String
        var hasErrors: Bool
        var errors: [String]
        var hasAgreements: Bool
        var agreements: [Option]
        var datasets: [Option]
        var recipients: [Option]
        var levels: [Option]
        var dimensions: String
    }

    struct Refusal { var reason: String; var code: String }

    struct Package {
        var records: Int
        /// Records the package was made from ("—" for shares recorded before it was kept).
        var recordsShared: String
        var leftOut: Int
        var bytes: String
        var sha256: String
        var fingerprint: String
        var downloadable: Bool
        var noDownloadReason: String
        var publicKeyPEM: String
    }

    /// The consent form of a dataset, with the outcome of the last submission.
    struct ConsentPage {
        var name: String
        var idField: String
        var csrfToken: String
        var purposes: [String]
        var hasErrors: Bool
        var errors: [String]
        var hasResult: Bool
        var result: String
    }

    struct SharePage {
        var id: String
        var agreement: String
        var dataset: String
        var recipient: String
        var level: String
        var created: String
        var actor: String
        var refusal: Refusal?
        var package: Package?
    }
}
