import Foundation
import PIMCore
import PIMStorage

/// A new agreement as typed in the form or sent as JSON, kept as text so that a form with errors is shown
/// again with what was typed. ``agreement(createdBy:at:)`` turns it into a domain ``Agreement`` or lists
/// every problem, each naming its field.
struct AgreementInput: Sendable, Hashable, Codable {
    var id = ""
    var parties = ""
    var purpose = ""
    var legalBasis = Agreement.LegalBasis.publicInterest.rawValue
    var covers = ""
    var level = DetailLevel.aggregated.rawValue
    var k = "5"
    var minCell = "5"
    var maxRisk = "0.03"
    var consentPurpose = ""
    var retentionDays = "90"
    var validFrom = ""
    var validUntil = ""
    var frequency = ""
    var dimensions = ""

    init() {}

    /// From the HTML form (`legal_basis`, `min_cell`, …).
    init(form: Form) {
        id = form["id"] ?? ""
        parties = form.values("parties").joined(separator: ",")
        purpose = form["purpose"] ?? ""
        legalBasis = form["legal_basis"] ?? ""
        covers = form.values("covers").joined(separator: ",")
        level = form["level"] ?? ""
        k = form["k"] ?? "5"
        minCell = form["min_cell"] ?? "5"
        maxRisk = form["max_risk"] ?? "0.03"
        consentPurpose = form["consent_purpose"] ?? ""
        retentionDays = form["retention_days"] ?? "90"
        validFrom = form["valid_from"] ?? ""
        validUntil = form["valid_until"] ?? ""
        frequency = form["frequency"] ?? ""
        dimensions = form["dimensions"] ?? ""
    }

    /// The JSON body of `POST /api/v1/agreements`.
    struct JSONBody: Decodable {
        var id: String?
        var parties: [String]?
        var purpose: String?
        var legalBasis: String?
        var covers: [String]?
        var level: String?
        var k: Int?
        var minimumCellSize: Int?
        var maximumGlobalRisk: Double?
        var consentPurpose: String?
        var retentionDays: Int?
        var validFrom: String?
        var validUntil: String?
        var frequency: String?
        var dimensions: [String]?
    }

    init(json b: JSONBody) {
        id = b.id ?? ""
        parties = (b.parties ?? []).joined(separator: ",")
        purpose = b.purpose ?? ""
        legalBasis = b.legalBasis ?? ""
        covers = (b.covers ?? []).joined(separator: ",")
        level = b.level ?? ""
        k = String(b.k ?? 5)
        minCell = String(b.minimumCellSize ?? 5)
        maxRisk = String(b.maximumGlobalRisk ?? 0.03)
        consentPurpose = b.consentPurpose ?? ""
        retentionDays = String(b.retentionDays ?? 90)
        validFrom = b.validFrom ?? ""
        validUntil = b.validUntil ?? ""
        frequency = b.frequency ?? ""
        dimensions = (b.dimensions ?? []).joined(separator: ",")
    }

    static func list(_ s: String) -> [String] {
        s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The draft agreement, or every problem found (field by field, then the domain's own check).
    func agreement(createdBy actor: String, at now: Date) -> Result<Agreement, Problems> {
        var problems: [String] = []
        func choice<T: RawRepresentable & CaseIterable>(_ text: String, _ field: String, _: T.Type) -> T? where T.RawValue == String {
            if let v = T(rawValue: text) { return v }
            problems.append("\(field) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")).")
            return nil
        }
        func integer(_ text: String, _ field: String) -> Int? {
            if let n = Int(text.trimmingCharacters(in: .whitespaces)) { return n }
            problems.append("\(field) must be a whole number.")
            return nil
        }
        func day(_ text: String, _ field: String) -> Date? {
            guard !text.isEmpty else { return nil }
            if let d = AuditQuery.day(text) { return d }
            problems.append("\(field) must be a date as yyyy-mm-dd.")
            return nil
        }
        let basis = choice(legalBasis, "Legal basis", Agreement.LegalBasis.self)
        let lvl = choice(level, "Level", DetailLevel.self)
        let consent = consentPurpose.isEmpty ? nil : choice(consentPurpose, "Consent purpose", ConsentPurpose.self)
        let freq = frequency.isEmpty ? nil : choice(frequency, "Frequency", Agreement.Frequency.self)
        let kk = integer(k, "k")
        let cell = integer(minCell, "Minimum cell size")
        let retention = integer(retentionDays, "Retention days")
        let risk = Double(maxRisk.trimmingCharacters(in: .whitespaces))
        if risk == nil { problems.append("Maximum global risk must be a number between 0 and 1, e.g. 0.03.") }
        let from = day(validFrom, "Valid from")
        // The last day of validity counts whole.
        let until = day(validUntil, "Valid until").map { $0.addingTimeInterval(86_399) }
        guard problems.isEmpty, let basis, let lvl, let kk, let cell, let retention, let risk else { return .failure(Problems(problems)) }
        do {
            return .success(try Agreement(
                id: id.trimmingCharacters(in: .whitespaces), parties: Self.list(parties), purpose: purpose, legalBasis: basis,
                covers: Self.list(covers), level: lvl, thresholds: .init(k: kk, minimumCellSize: cell, maximumGlobalRisk: risk),
                consentPurpose: consent, retentionDays: retention, validFrom: from ?? now, validUntil: until, frequency: freq,
                dimensions: RecodeSpec.dimensions(dimensions), createdAt: now, createdBy: actor))
        } catch {
            return .failure(Problems([error.description]))
        }
    }

    /// One or more sentences, each naming the field at fault.
    struct Problems: Error, Sendable, Hashable {
        var messages: [String]
        init(_ messages: [String]) { self.messages = messages }
    }
}
