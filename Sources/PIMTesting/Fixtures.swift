import Foundation
import PIMCore
import PIMTable

/// Small synthetic fixtures. Never real people's data.
public enum Fixtures {
    public static let epoch = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    public static func workspace() -> Workspace {
        Workspace(name: "Test response", country: "SDN", adminLevels: ["State", "Locality"], createdAt: epoch)
    }

    public static func user(_ name: String = "admin", role: Role = .administrator) -> User {
        // A fixed, syntactically valid bcrypt hash: stores never check passwords.
        User(userName: name, displayName: "Test \(name)", role: role,
             passwordHash: "$2b$04$abcdefghijklmnopqrstuu5s7oV2mZ.yrWb1Jp0n6J7wYJmY6JdZK", createdAt: epoch)
    }

    public static func organization(_ acronym: String = "NGO1", kind: Organization.Kind = .ingo) -> Organization {
        Organization(name: "Organisation \(acronym)", acronym: acronym, kind: kind, createdAt: epoch)
    }

    /// A table with every column type, nulls in each, and awkward text (tabs, newlines, quotes, backslashes, RTL script).
    public static func mixedTable() -> Table {
        var intNulls = NullMask(); intNulls.setNull(2)
        var decNulls = NullMask(); decNulls.setNull(0)
        var dateNulls = NullMask(); dateNulls.setNull(3)
        var boolNulls = NullMask(); boolNulls.setNull(1)
        let columns = [
            Column(name: "record_id", tag: HXLTagSpec(tag: "meta", attributes: ["id"]),
                   data: .text(codes: [0, 1, 2, 3], dictionary: ["R-1", "R-2", "R-3", "R-4"])),
            Column(name: "age", tag: HXLTagSpec(tag: "affected", attributes: ["age"]),
                   data: .integer(values: [34, -1, 0, Int64.max], nulls: intNulls)),
            Column(name: "weight", data: .decimal(values: [0, 1.5, 1e-9, -273.15], nulls: decNulls)),
            Column(name: "date", tag: HXLTagSpec(tag: "date"), data: .date(days: [0, 20_454, -365, 0], nulls: dateNulls)),
            Column(name: "consent", data: .boolean(values: [true, false, false, true], nulls: boolNulls)),
            Column(name: "notes", data: .text(
                codes: [0, -1, 1, 2],
                dictionary: ["tab\there, new\nline \\ back \"quote\"", "نازحون", "=SUM(A1)"])),
        ]
        return (try? Table(columns: columns)) ?? .empty
    }

    /// The schema matching ``mixedTable()``.
    public static func mixedSchema() -> Schema {
        Schema(fields: [
            Field(name: "record_id", hxl: "#meta+id", type: .text, role: .directIdentifier, unique: true),
            Field(name: "age", hxl: "#affected+age", type: .integer, role: .quasiIdentifier),
            Field(name: "weight", type: .decimal, role: .weight),
            Field(name: "date", hxl: "#date", type: .date),
            Field(name: "consent", type: .boolean),
            Field(name: "notes", type: .text, role: .sensitive),
        ])
    }

    public static func dataset(_ name: String = "pm-survey") -> Dataset {
        Dataset(name: name, category: "protection-monitoring", schema: mixedSchema(), sensitivity: .high,
                purpose: "Protection monitoring of displaced households", createdAt: epoch)
    }

    public static func provenance(sha: String = String(repeating: "a", count: 64)) -> Provenance {
        Provenance(sourceOrganization: "NGO1", sourceSystem: "KoboToolbox", method: "household survey",
                   periodStart: "2026-01-01", periodEnd: "2026-01-31", area: "SD01", receivedAt: epoch,
                   fileName: "survey.csv", sha256: sha, importedBy: "admin", qualityNotes: "synthetic")
    }
}
