import Foundation

/// What `pim verify` shows of a verified package's `metadata.json`: the dataset, level and method, the
/// agreement, who sent it to whom, when it must be deleted, the period and area covered, consent and risk.
///
/// Read from the JSON object itself rather than decoded into `ShareMetadata`, so a package written by another
/// pim version still shows what it has. Text fields are the producer's own metadata (names, purposes,
/// methods), never record values; control characters are escaped.
struct PackageMetadataSummary {
    /// The parsed `metadata.json` object.
    let object: [String: Any]

    /// Nil when the file is not a JSON object.
    init?(data: Data) {
        guard let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        object = o
    }

    /// One "Label: value" line per field present, in a fixed order.
    var lines: [String] {
        let dataset = object["dataset"] as? [String: Any] ?? [:]
        let agreement = object["agreement"] as? [String: Any] ?? [:]
        let control = object["disclosure_control"] as? [String: Any] ?? [:]
        let provenance = object["provenance"] as? [String: Any] ?? [:]
        var out: [(String, String)] = []
        if let name = Self.text(dataset["name"]) {
            var s = name
            if let c = Self.text(dataset["category"]) { s += " (\(c))" }
            if let v = Self.text(dataset["version"]) { s += ", version \(v)" }
            if let sens = Self.text(dataset["sensitivity"]) { s += ", \(sens) sensitivity" }
            out.append(("Dataset", s))
        }
        if let shared = Self.text(dataset["records_shared"]), let stored = Self.text(dataset["records_stored"]) {
            out.append(("Records", "\(shared) of \(stored) stored"))
        }
        if let level = Self.text(object["level"]) {
            out.append(("Level", level + (Self.text(control["method"]).map { " — \($0)" } ?? "")))
        }
        if let id = Self.text(agreement["id"]) {
            var s = id
            if let p = Self.text(agreement["purpose"]) { s += " — \(p)" }
            if let b = Self.text(agreement["legal_basis"]) { s += " (legal basis: \(b))" }
            out.append(("Agreement", s))
        }
        let from = Self.text((object["producer"] as? [String: Any])?["acronym"])
        let to = Self.text((object["recipient"] as? [String: Any])?["acronym"])
        if from != nil || to != nil { out.append(("From → to", "\(from ?? "?") → \(to ?? "?")")) }
        if let c = Self.text(object["created"]) { out.append(("Created", c)) }
        if let d = Self.text(object["delete_by"]) {
            out.append(("Delete by", d + (Self.text(object["retention_days"]).map { " (retention \($0) days)" } ?? "")))
        }
        if let period = object["period_covered"] as? [String: Any], let start = Self.text(period["start"]), let end = Self.text(period["end"]) {
            out.append(("Period", "\(start) to \(end)" + (Self.text(period["basis"]).map { " (\($0))" } ?? "")))
        } else {
            let start = Self.text(provenance["period_start"]), end = Self.text(provenance["period_end"])
            if start != nil || end != nil { out.append(("Period", "\(start ?? "?") to \(end ?? "?")")) }
        }
        if let a = Self.text(provenance["area"]) { out.append(("Area", a)) }
        if let c = Self.text((object["consent"] as? [String: Any])?["summary"]) { out.append(("Consent", c)) }
        if let b = (control["risk_before"] as? [String: Any])?["global_risk"] as? Double,
           let a = (control["risk_after"] as? [String: Any])?["global_risk"] as? Double {
            out.append(("Risk", String(format: "global re-identification risk %.4f before, %.4f after", b, a)))
        }
        if let p = Self.text(control["cells_published"]) {
            let primary = Self.text(control["cells_suppressed_primary"]) ?? "0"
            let secondary = Self.text(control["cells_suppressed_secondary"]) ?? "0"
            out.append(("Cells", "\(p) published, \(primary) suppressed (primary), \(secondary) suppressed (secondary)"))
        }
        let width = max(12, (out.map(\.0.count).max() ?? 0) + 2)  // as the package README
        return out.map { label, value in
            (label + ":").padding(toLength: width, withPad: " ", startingAt: 0) + Output.visible(value)
        }
    }

    /// A scalar as text (strings as they are, numbers without a trailing ".0" for integers); nil otherwise.
    static func text(_ value: Any?) -> String? {
        switch value {
        case let s as String: s
        case let i as Int: String(i)
        case let d as Double: d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        default: nil
        }
    }
}
