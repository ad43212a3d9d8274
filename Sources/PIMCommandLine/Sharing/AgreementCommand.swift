import ArgumentParser
import Foundation
import PIMCore
import PIMFramework
import PIMServer
import PIMStorage

/// `pim agreement add|activate|suspend|revoke|list|show|except`.
struct AgreementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "Data-sharing agreements: who may receive which data, at what level, under which thresholds.",
        discussion: "Examples:\n  pim agreement list\n  pim agreement show ISP-2026-03",
        subcommands: [Add.self, Activate.self, Suspend.self, Revoke.self, List.self, Show.self, Except.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add",
            abstract: "Record a draft agreement (activate it to share). Audited.",
            discussion: """
                Example:
                  pim agreement add --id ISP-2026-03 --parties UNHCR,DRC \\
                      --purpose "Monthly protection trends" --basis public-interest \\
                      --covers pm --level aggregated --min-cell 5 \\
                      --valid-until 2026-12-31 --frequency monthly --by adm1_code,sex

                The first party is the producer (your organisation); scheduled shares go to the others. The agreement only narrows: a share is also bounded by the category's §10 policy and the dataset's sensitivity.
                """
        )
        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOption
        @Option(help: "Agreement id, e.g. ISP-2026-03.") var id: String
        @Option(help: "Party acronyms, comma-separated; the producer first.") var parties: String
        @Option(help: "The purpose of the sharing.") var purpose: String
        @Option(help: "Legal basis: consent, vital-interest, public-interest, legitimate-interest.") var basis: Agreement.LegalBasis
        @Option(help: "Dataset names or PIM category ids covered, comma-separated.") var covers: String
        @Option(help: "Most detailed level: aggregated, anonymised, pseudonymised, personal.") var level: DetailLevel
        @Option(help: "k of k-anonymity for microdata.") var k: Int = 5
        @Option(help: "Minimum published cell size of aggregated tables.") var minCell: Int = 5
        @Option(help: "Maximum global re-identification risk (0 to 1).") var maxRisk: Double = 0.03
        @Option(help: "Consent purpose every shared record must have granted: services, disclosure, reporting, tracing.") var consentPurpose: ConsentPurpose?
        @Option(help: "Days the recipient may keep the data.") var retentionDays: Int = 90
        @Option(help: "First day of validity, yyyy-mm-dd (default today).") var validFrom: String?
        @Option(help: "Last day of validity, yyyy-mm-dd.") var validUntil: String?
        @Option(help: "Schedule: weekly or monthly (see `pim share due`).") var frequency: Agreement.Frequency?
        @Option(help: "Dimensions of scheduled aggregated shares, comma-separated.") var by: String?

        func validate() throws {
            // An agreement no share could ever be made under is refused when it is recorded, not at every share.
            if Self.list(parties).count < 2 {
                throw ValidationError("--parties needs the producer and at least one recipient, e.g. --parties UNHCR,DRC.")
            }
            if basis == .consent, consentPurpose == nil {
                throw ValidationError("An agreement resting on consent needs --consent-purpose (services, disclosure, reporting or tracing): the consent every shared record must have granted.")
            }
            for (flag, v) in [("valid-from", validFrom), ("valid-until", validUntil)] {
                if let v, SharingCoding.day(v) == nil { throw ValidationError("--\(flag) must be a date as yyyy-mm-dd.") }
            }
        }

        func run() async throws {
            let now = Date()
            let until = validUntil.flatMap(SharingCoding.day).map { $0.addingTimeInterval(86_399) }
            let agreement = try Agreement(
                id: id, parties: Self.list(parties), purpose: purpose, legalBasis: basis, covers: Self.list(covers), level: level,
                thresholds: .init(k: k, minimumCellSize: minCell, maximumGlobalRisk: maxRisk), consentPurpose: consentPurpose,
                retentionDays: retentionDays, validFrom: validFrom.flatMap(SharingCoding.day) ?? now, validUntil: until,
                frequency: frequency, dimensions: by.map(AggregateCommand.dimensions) ?? [], createdAt: now, createdBy: actor.name)
            try await store.withStore(writing: true, command: "pim agreement add") { s in
                try await actor.check(in: s, needs: .manageSharing, to: "change data-sharing agreements")
                try await AgreementDocuments.create(agreement, in: s, actor: actor.name, at: now)
            }
            print("Recorded agreement \(id) as a draft (\(level.rawValue), parties \(agreement.parties.joined(separator: ", "))). Activate it with `pim agreement activate \(id)`.")
        }

        static func list(_ s: String) -> [String] {
            s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "activate",
            abstract: "Approve and activate an agreement (or resume a suspended one). Audited.",
            discussion: "Example:\n  pim agreement activate ISP-2026-03 --as dpfp")
        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOption
        @Argument(help: "Agreement id.") var id: String
        func run() async throws { try await Transition.run(id, to: .active, store: store, actor: actor) }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "suspend",
            abstract: "Suspend an active agreement: no share until it is activated again. Audited.",
            discussion: "Example:\n  pim agreement suspend ISP-2026-03")
        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOption
        @Argument(help: "Agreement id.") var id: String
        func run() async throws { try await Transition.run(id, to: .suspended, store: store, actor: actor) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke",
            abstract: "Revoke an agreement for good. Audited.",
            discussion: "Example:\n  pim agreement revoke ISP-2026-03")
        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOption
        @Argument(help: "Agreement id.") var id: String
        func run() async throws { try await Transition.run(id, to: .revoked, store: store, actor: actor) }
    }

    enum Transition {
        static func run(_ id: String, to next: Agreement.Status, store: StoreOptions, actor: ActorOption) async throws {
            let now = Date()
            let previous: Agreement.Status = try await store.withStore(writing: true, command: "pim agreement \(next.rawValue)") { s in
                let user = try await actor.check(in: s, needs: .manageSharing, to: "change data-sharing agreements")
                return try await AgreementDocuments.transition(id, to: next, in: s, actor: actor.name, role: user?.role, at: now)
            }
            print("Agreement \(id) is now \(next.rawValue) (was \(previous.rawValue)).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list",
            abstract: "List agreements with their status, level and schedule.",
            discussion: "Example:\n  pim agreement list --format json")
        @OptionGroup var store: StoreOptions
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text

        func run() async throws {
            let all = try await store.withStore(writing: false, command: "pim agreement list") { try await AgreementDocuments.all(in: $0) }
            let now = Date()
            switch format {
            case .json: try Output.printJSON(all)
            case .text:
                if all.isEmpty { print("No agreements yet. Record one with `pim agreement add` (see --help)."); return }
                print(Output.table(["id", "status", "level", "parties", "covers", "valid until", "schedule"], all.map { a in
                    [a.id, a.status(at: now).rawValue, a.level.rawValue, a.parties.joined(separator: ","), a.covers.joined(separator: ","),
                     a.validUntil.map(SharingCoding.dayText) ?? "-",
                     a.frequency.map { f in f.rawValue + (a.lastShared.map { " (last " + SharingCoding.dayText($0) + ")" } ?? "") } ?? "-"]
                }))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show",
            abstract: "Show one agreement in full, with its status history.",
            discussion: "Example:\n  pim agreement show ISP-2026-03")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Agreement id.") var id: String
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text

        func run() async throws {
            let (a, exceptions) = try await store.withStore(writing: false, command: "pim agreement show") { s in
                (try await AgreementDocuments.load(id, from: s), try await AgreementDocuments.exceptions(in: s).filter { $0.agreementID == id })
            }
            // The focal points' exceptions belong with the agreement a reviewer reads (QA11 S11).
            if format == .json { try Output.printJSON(AgreementShown(agreement: a, exceptions: exceptions)); return }
            let t = a.thresholds
            var lines = [
                "Agreement \(a.id) — \(a.status(at: Date()).rawValue)",
                "Purpose:      \(a.purpose)",
                "Legal basis:  \(a.legalBasis.rawValue)",
                "Parties:      \(a.parties.joined(separator: ", ")) (producer \(a.parties.first ?? "-"))",
                "Covers:       \(a.covers.joined(separator: ", "))",
                "Level:        \(a.level.rawValue) (at most \(a.level.phrase))",
                "Thresholds:   k = \(t.k), minimum cell \(t.minimumCellSize), maximum global risk \(t.maximumGlobalRisk)",
                "Consent:      \(a.consentPurpose.map { "records must have granted \($0.rawValue)" } ?? "no consent filter")",
                "Retention:    \(a.retentionDays) days",
                "Valid:        \(SharingCoding.dayText(a.validFrom)) to \(a.validUntil.map(SharingCoding.dayText) ?? "open")",
                "Approved by:  \(a.approvedBy ?? "-")",
                "Schedule:     \(a.frequency.map { "\($0.rawValue) by \(a.dimensions.joined(separator: ","))" } ?? "none")"
                    + (a.lastShared.map { ", last shared \(SharingCoding.dayText($0))" } ?? ""),
            ]
            let now = Date()
            for e in exceptions.sorted(by: { $0.dataset < $1.dataset }) {
                let state = e.applies(agreement: a.id, dataset: e.dataset, at: now) ? "in force" : "ended"
                lines.append("Exception:    \(e.dataset) up to \(e.level.rawValue), \(state) — \(e.reason) (by \(e.approvedBy) on "
                    + "\(SharingCoding.dayText(e.at)), \(e.validUntil.map { "until \(SharingCoding.dayText($0))" } ?? "no end date"))")
            }
            if !a.history.isEmpty {
                lines.append("History:")
                for h in a.history {
                    lines.append("  \(ISO8601DateFormatter().string(from: h.at))  \(h.from.rawValue) → \(h.to.rawValue) by \(h.by)")
                }
            }
            print(lines.joined(separator: "\n"))
        }
    }

    struct Except: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "except",
            abstract: "Record a focal point's exception to the policy or sensitivity bound.",
            discussion: """
                Example:
                  pim agreement except ISP-2026-03 --dataset pm --level anonymised \\
                      --reason "Joint analysis with DRC, DPIA 2026-04" --as dpfp

                The acting user (--as) must have the data-protection-focal-point role. The exception never goes beyond the agreement's own level.
                """)
        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOption
        @Argument(help: "Agreement id.") var id: String
        @Option(help: "Dataset name.") var dataset: String
        @Option(help: "Level allowed by the exception.") var level: DetailLevel
        @Option(help: "Why the exception is justified.") var reason: String
        @Option(help: "Last day the exception holds, yyyy-mm-dd.") var validUntil: String?

        func run() async throws {
            let now = Date()
            let exceptionID = "\(id)/\(dataset)"
            let lastDay = try validUntil.map { text -> Date in
                guard let day = SharingCoding.day(text) else { throw CLIError("--valid-until \(text) is not a date; write it as yyyy-mm-dd.") }
                return day.addingTimeInterval(86_399)
            }
            let replaced = try await store.withStore(writing: true, command: "pim agreement except") { s -> PolicyException? in
                guard let user = try await actor.check(in: s) else {
                    throw CLIError("Name the data-protection focal point with --as USER.")
                }
                _ = try await AgreementDocuments.load(id, from: s)
                let earlier = try await AgreementDocuments.exceptions(in: s).first { $0.id == exceptionID }
                let d = try await DatasetLookup.require(dataset, in: s)
                let e = try PolicyException(
                    id: exceptionID, agreementID: id, dataset: dataset, level: level, reason: reason, approvedBy: user.userName,
                    approverRole: user.role, at: now, validUntil: lastDay)
                try await s.putDocument(kind: .policyException, id: exceptionID, json: try SharingCoding.encode(e), audit: AuditDraft(
                    at: now, actor: actor.name, action: .agreementChanged, datasetID: d.id.rawValue, agreementID: id,
                    details: ["change": "policy-exception", "level": level.rawValue]
                        .merging(lastDay.map { ["valid_until": SharingCoding.dayText($0)] } ?? [:]) { $1 }))
                return earlier
            }
            print("Recorded policy exception \(exceptionID): \(dataset) may be shared up to \(level.rawValue) under \(id)"
                + (lastDay.map { " until \(SharingCoding.dayText($0))" } ?? "") + ".")
            // One exception per agreement and dataset: a new one replaces the one recorded before, which is said.
            if let replaced {
                print("It replaces the exception recorded by \(replaced.approvedBy) on \(SharingCoding.dayText(replaced.at)) "
                    + "(up to \(replaced.level.rawValue)\(replaced.validUntil.map { ", until \(SharingCoding.dayText($0))" } ?? "")).")
            }
        }
    }
}

/// What `pim agreement show --format json` prints: the agreement's fields, and its policy exceptions.
struct AgreementShown: Encodable {
    var agreement: Agreement
    var exceptions: [PolicyException]

    func encode(to encoder: any Encoder) throws {
        try agreement.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(exceptions, forKey: .exceptions)
    }

    enum Key: String, CodingKey { case exceptions }
}
