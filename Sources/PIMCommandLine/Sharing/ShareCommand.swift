import ArgumentParser
import Foundation
import PIMCore
import PIMServer
import PIMStorage

/// `pim share DATASET --to ACR --agreement ID --level LEVEL [--by COLS] --out FILE`, and `pim share due`.
///
/// `share` is a namespace whose default subcommand (`make`) takes the dataset, so `pim share pm ...` and
/// `pim share due ...` both read naturally.
struct ShareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "share",
        abstract: "Share a dataset under an agreement as a signed package, or refuse with the precise reason. Audited.",
        discussion: Make.examples,
        subcommands: [Make.self, Due.self],
        defaultSubcommand: Make.self
    )
}

extension ShareCommand {
    /// `pim share [make] DATASET ...`.
    struct Make: AsyncParsableCommand {
        static let examples = """
            Examples:
              pim share pm --to DRC --agreement ISP-2026-03 --level aggregated \\
                  --by adm1_code,sex --out pm-drc.zip
              pim share pm --to DRC --agreement NA-2026-01 --level anonymised \\
                  --out pm-drc.pimenc --passphrase-file pass.txt
              pim share due --out outbox/

            pim checks the agreement (active, valid today, recipient a party, covers the dataset, allows the level), the category's §10 policy and the dataset's sensitivity; keeps only records with consent when the agreement names a consent purpose; applies disclosure control until the thresholds are met; then writes one ZIP (data.csv with HXL tags, data.json, metadata.json, README.txt, signed manifest) signed with the workspace's Ed25519 key. Give recipients the public key with `pim key export`.
            """
        static let configuration = CommandConfiguration(
            commandName: "make",
            abstract: "Share a dataset (the default: `pim share DATASET ...`).",
            discussion: examples
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOption
        @Argument(help: "Dataset name.") var dataset: String
        @Option(help: "Recipient organisation acronym.") var to: String
        @Option(help: "Agreement id.") var agreement: String
        @Option(help: "aggregated, anonymised, pseudonymised or personal.") var level: DetailLevel
        @Option(help: "Dimensions of an aggregated table, comma-separated; a column may be coarsened first: date=month, date=week, age=bands, age=bands:0,18,60.") var by: String?
        @Option(help: "Package file to write (.zip; .pimenc if encrypted).") var out: String
        @OptionGroup var sealing: SealingOptions

        func run() async throws {
            try Output.checkOutput(out)
            // An earlier package at that path is an audited disclosure: its file is not replaced.
            if FileManager.default.fileExists(atPath: out) {
                throw CLIError("\(out): not written: the file exists (it may be an earlier share's package); give another --out or move it away first.")
            }
            // Before any work (and before a refusal or a share is audited): the package's folder must exist.
            let folder = URL(fileURLWithPath: out).deletingLastPathComponent()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError("\(out): not written: the folder \(folder.path) does not exist.")
            }
            let sealing = try self.sealing.sealing()
            let outcome = try await store.withStore(writing: true, command: "pim share") { s in
                try await ShareFileDelivery.checkSharer(actor, in: s, request: "share \(dataset)", agreement: agreement, recipient: to)
                return try await ShareFileDelivery.share(
                    store: s, actor: actor.name, dataset: dataset, to: to, agreement: agreement, level: level,
                    dimensions: by.map(AggregateCommand.dimensions) ?? [], out: URL(fileURLWithPath: out), sealing: sealing, at: Date())
            }
            print(Self.summary(outcome, file: out))
        }

        static func summary(_ o: ShareFileDelivery.Outcome, file: String) -> String {
            let r = o.record
            var lines = ["Shared \(r.dataset) v\(r.version) with \(r.recipient) under \(r.agreement) as \(r.level.rawValue): \(r.records) rows → \(file)" + (r.encrypted ? " (encrypted)" : "")]
            if let c = o.output.consent { lines.append("  consent: \(c.summary)") }
            lines.append("  disclosure control: \(o.output.disclosure.method)")
            let d = o.output.disclosure
            if let p = d.cellsPublished {
                lines.append("  cells: \(p) published, \(d.cellsSuppressedPrimary ?? 0) suppressed (primary), \(d.cellsSuppressedSecondary ?? 0) suppressed (secondary)")
            }
            if let b = d.riskBefore, let a = d.riskAfter {
                lines.append(String(format: "  global risk: %.4f before, %.4f after (maximum %.4f)", b.globalRisk, a.globalRisk,
                                    o.metadata.agreement.thresholds.maximumGlobalRisk))
            }
            lines.append("  share \(r.id), sha256 \(r.sha256), signed by key \(o.metadata.signerFingerprint)")
            return lines.joined(separator: "\n")
        }
    }
}

extension ShareCommand {
    /// `pim share due --out DIR`: every scheduled share whose time has come.
    struct Due: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "due",
            abstract: "Make every scheduled share that is due. Audited.",
            discussion: """
                Example:
                  pim share due --out outbox/

                For each active agreement whose weekly or monthly share is due, each dataset it covers and each recipient (every party after the producer), shares at the most detailed level allowed (the agreement's level narrowed by policy and sensitivity) by the agreement's dimensions. Refusals are reported and audited, and make the command exit with status 1; the agreement's last-shared date moves when at least one share was made. A weekly schedule is due once per ISO week (from Monday, UTC), a monthly one once per calendar month.
                """)
        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOption
        @Option(help: "Directory for the packages.") var out: String
        @Flag(help: "List what is due without sharing.") var dryRun = false

        func run() async throws {
            let dir = URL(fileURLWithPath: out, isDirectory: true)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let now = Date()
            let lines: [String] = try await store.withStore(writing: true, command: "pim share due") { s in
                try await ShareFileDelivery.checkSharer(actor, in: s, request: "share due", agreement: nil, recipient: nil)
                var lines: [String] = []
                let datasets = try await s.datasets()
                for var a in try await AgreementDocuments.all(in: s) where a.isDue(at: now) {
                    var made = 0
                    for d in datasets where a.covers(d) {
                        let level = ShareAssembly.defaultLevel(agreement: a, dataset: d)
                        for r in a.recipients {
                            // (Never over an earlier package: each is an audited disclosure, and keeps its file.)
                            let stem = "\(a.id)-\(d.name)-\(r)-\(SharingCoding.dayText(now))"
                            var name = stem + ".zip"
                            var n = 1
                            while FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path) {
                                n += 1
                                name = "\(stem)-\(n).zip"
                            }
                            if dryRun { lines.append("due: \(a.id) \(d.name) → \(r) (\(level.rawValue))"); continue }
                            do {
                                let o = try await ShareFileDelivery.share(
                                    store: s, actor: actor.name, dataset: d.name, to: r, agreement: a.id, level: level,
                                    dimensions: a.dimensions,
                                    out: dir.appendingPathComponent(name), sealing: .none, at: now)
                                lines.append("shared: \(a.id) \(d.name) → \(r) (\(level.rawValue), \(o.record.records) rows) \(name)")
                                made += 1
                            } catch let e as ShareRefused {
                                lines.append("refused: \(a.id) \(d.name) → \(r): \(e.refusal)")
                            } catch {
                                // Whatever else went wrong with one share, the others due are still made.
                                lines.append("refused: \(a.id) \(d.name) → \(r): \(error)")
                            }
                        }
                    }
                    if made > 0 {
                        a.lastShared = now
                        try await AgreementDocuments.save(a, in: s, audit: AuditDraft(
                            at: now, actor: actor.name, action: .agreementChanged, agreementID: a.id,
                            details: ["change": "last-shared", "shares": String(made)]))
                    }
                }
                return lines
            }
            print(lines.isEmpty ? "No scheduled share is due." : lines.joined(separator: "\n"))
            // A refused scheduled share must not pass unnoticed by the job that runs this.
            let refused = lines.filter { $0.hasPrefix("refused: ") }.count
            if refused > 0 {
                Output.stderr("\(refused) of \(lines.count) scheduled shares were refused; see the reasons above.")
                throw ExitCode(1)
            }
        }
    }
}

/// `--passphrase-file` / `--recipient-key`: optional encryption of a package.
struct SealingOptions: ParsableArguments {
    @Option(help: "Encrypt with the passphrase in this file (scrypt + ChaCha20-Poly1305).") var passphraseFile: String?
    @Option(help: "Encrypt to the recipient's X25519 public key (PEM, from `pim key recipient`).") var recipientKey: String?

    func validate() throws {
        if passphraseFile != nil, recipientKey != nil {
            throw ValidationError("Give either --passphrase-file or --recipient-key, not both.")
        }
    }

    func sealing() throws -> PackageSealing {
        if let f = passphraseFile { return .passphrase(try Secrets.passphrase(file: f)) }
        if let f = recipientKey { return .recipient(try PackageKeys.agreementPublicKey(pem: try Secrets.text(file: f))) }
        return .none
    }
}

enum Secrets {
    static func text(file: String) throws -> String {
        guard let t = try? String(contentsOfFile: file, encoding: .utf8) else { throw CLIError("\(file): cannot read the file.") }
        return t
    }

    /// The first line of a password file, whatever its line ends (`\n`, Windows' `\r\n`, `\r`), which are not
    /// part of the password. (Swift takes `\r\n` as one character, so splitting at `"\n"` kept it.)
    ///
    /// Only the start of the file is read (up to the first line end, at most ``passwordReadLimit`` bytes), so a
    /// pipe such as `/dev/stdin` or `<(pass show pim)` works and a huge or endless file is not read whole.
    static func password(file: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw CLIError("Cannot read the password file \(file).") }
        defer { try? handle.close() }
        var bytes = Data()
        do {
            while bytes.count < passwordReadLimit, !bytes.contains(where: { $0 == 0x0A || $0 == 0x0D }),
                  let chunk = try handle.read(upToCount: passwordReadLimit - bytes.count), !chunk.isEmpty {
                bytes.append(chunk)
            }
        } catch {
            throw CLIError("Cannot read the password file \(file).")
        }
        guard let t = String(data: bytes, encoding: .utf8) else { throw CLIError("Cannot read the password file \(file): it is not UTF-8 text.") }
        return t.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map(String.init) ?? ""
    }

    /// The most bytes read from a password file: far more than any acceptable password (72 bytes).
    static let passwordReadLimit = 4096

    /// The first line of a passphrase file, at least 8 characters.
    static func passphrase(file: String) throws -> String {
        let p = try text(file: file).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard p.count >= 8 else { throw CLIError("The passphrase in \(file) must have at least 8 characters.") }
        return p
    }
}
