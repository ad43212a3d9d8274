import Foundation
import PIMCore
import PIMTable

/// Tiny synthetic sharing fixtures. No real people.
enum SharingFixtures {
    static let now = Date(timeIntervalSince1970: 1_775_001_600)  // 2026-04-01T00:00:00Z
    static let day: TimeInterval = 86_400

    static func schema() -> Schema {
        Schema(fields: [
            Field(name: "record_id", hxl: "#meta+id", type: .text, role: .directIdentifier, unique: true),
            Field(name: "household_id", hxl: "#household+id", type: .text, role: .householdID),
            Field(name: "adm1", hxl: "#adm1+code", type: .text, role: .quasiIdentifier),
            Field(name: "sex", hxl: "#sex", type: .text, role: .quasiIdentifier),
            Field(name: "need", hxl: "#need+sensitive", type: .text, role: .sensitive),
        ])
    }

    static func dataset(name: String = "pm", category: String = "protection-monitoring",
                        sensitivity: Sensitivity = .high) -> Dataset {
        Dataset(name: name, category: category, schema: schema(), sensitivity: sensitivity,
                purpose: "Synthetic test data", createdAt: now)
    }

    /// `n` records: ids R1…Rn, households of two, adm1 XY01/XY02 alternating in blocks, sex alternating.
    static func table(_ n: Int) -> Table {
        let ids = (1...n).map { "R\($0)" }
        let hh = (1...n).map { "H\(($0 + 1) / 2)" }
        func text(_ name: String, _ tag: String, _ values: [String]) -> Column {
            Column(name: name, tag: HXLTagSpec(parsing: tag), data: textData(values))
        }
        let cols = [
            text("record_id", "#meta+id", ids), text("household_id", "#household+id", hh),
            text("adm1", "#adm1+code", (0..<n).map { $0 < n / 2 ? "XY01" : "XY02" }),
            text("sex", "#sex", (0..<n).map { $0 % 2 == 0 ? "f" : "m" }),
            text("need", "#need+sensitive", (0..<n).map { ["a", "b", "c"][$0 % 3] }),
        ]
        return (try? Table(columns: cols)) ?? .empty
    }

    /// `n` synthetic records (record_id, adm1_code SD01–SD03, adm2_code two per adm1, sex, age 0–80) drawn from a
    /// fixed linear congruential sequence: the same rows in every run. With n = 100 and k = 24, local suppression
    /// suppresses adm1 while keeping adm2 in many rows (QA10 Q1).
    static func nestedAdminTable(_ n: Int) throws -> Table {
        var state: UInt64 = 5
        func next(_ m: Int) -> Int { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int((state >> 33) % UInt64(m)) }
        var adm1: [String] = [], adm2: [String] = [], sex: [String] = [], age: [Int64] = []
        for _ in 0..<n {
            let a = "SD0\(1 + next(3))"
            adm1.append(a)
            adm2.append(a + "0\(1 + next(2))")
            sex.append(next(2) == 0 ? "female" : "male")
            age.append(Int64(next(81)))
        }
        return try Table(columns: [
            Column(name: "record_id", data: textData((1...n).map { "R\($0)" })),
            Column(name: "adm1_code", data: textData(adm1)), Column(name: "adm2_code", data: textData(adm2)),
            Column(name: "sex", data: textData(sex)), Column(name: "age", data: .integer(values: age, nulls: NullMask())),
        ])
    }

    static func agreement(
        id: String = "ISP-2026-03", level: DetailLevel = .aggregated, covers: [String] = ["pm"],
        basis: Agreement.LegalBasis = .publicInterest, consentPurpose: ConsentPurpose? = nil,
        thresholds: Agreement.Thresholds = .init(), validFrom: Date? = nil, validUntil: Date? = nil, activate: Bool = true
    ) throws -> Agreement {
        var a = try Agreement(
            id: id, parties: ["UNHCR", "DRC"], purpose: "Protection trends", legalBasis: basis, covers: covers, level: level,
            thresholds: thresholds, consentPurpose: consentPurpose, validFrom: validFrom ?? now.addingTimeInterval(-30 * day),
            validUntil: validUntil, createdAt: now.addingTimeInterval(-30 * day))
        if activate { try a.transition(to: .active, by: "dpfp", at: now.addingTimeInterval(-29 * day)) }
        return a
    }
}

/// A text column's data from values (nil is null), coded in order of first appearance.
func textData(_ values: [String?]) -> ColumnData { .textFromLabels(count: values.count) { values[$0] } }
