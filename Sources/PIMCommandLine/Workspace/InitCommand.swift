import ArgumentParser
import Foundation
import PIMCore
import PIMStorage

/// `pim init`: creates a workspace and its first administrator.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a workspace (name, country, admin levels) and its first administrator.",
        discussion: """
            Asks its questions on the terminal, or runs unattended when every answer is given. Example:
              pim init --workspace "Sudan protection cluster" --country SDN --admin-levels State,Locality \\
                       --admin amina --password-file ./admin.pw
            The password is read from a prompt or from --password-file (first line), never from a flag, \
            so it does not show in `ps`. At least 12 characters. \
            Running it again on an initialised store refuses unless --force is given (which erases everything).
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Workspace name, e.g. the response or operation.") var workspace: String?
    @Option(help: "ISO 3166-1 alpha-3 country code, e.g. SDN.") var country: String?
    @Option(help: "Comma-separated admin level names, from level 1 down (default Admin1,Admin2).") var adminLevels: String?
    @Option(help: "User name of the first administrator.") var admin: String?
    @Option(help: "File whose first line is the administrator's password.") var passwordFile: String?
    @Flag(help: "Erase an existing workspace and everything in it, then initialise again.") var force = false
    @OptionGroup var output: ChangeFormat

    func run() async throws {
        // Asked on a terminal, the questions come after the check that the store is free: nobody should type a
        // workspace and a password only to be told it already exists.
        if !force, Terminal.isInteractive, answersMissing { try await refuseIfInitialised() }
        let answers = try collectAnswers(prompter: .terminal)
        let hasher = PasswordHasher()
        let hash = try hasher.hash(newPassword: answers.password)
        let now = Date()
        let ws = Workspace(name: answers.workspace, country: answers.country, adminLevels: answers.levels, createdAt: now)
        try ws.validate()
        try User.validateUserName(answers.admin)
        let admin = User(userName: answers.admin, displayName: answers.admin, role: .administrator, passwordHash: hash, createdAt: now)
        try await store.withStore(writing: true, command: "pim init") { s in
            try await s.initialize(workspace: ws, administrator: admin, replacingExisting: force, at: now)
        }
        // The erased workspace's audit anchors name events of a trail that is gone (QA20): a new trail starts afresh.
        if force, case .sqlite(let directory) = store.configuration.backend {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(AuditAnchorFile.name))
        }
        try output.report(
            "Initialised workspace \"\(ws.name)\" (\(ws.country), levels \(ws.adminLevels.joined(separator: " > "))) in \(store.configuration.backendDescription).\n"
                + "Administrator: \(admin.userName).",
            ["workspace": ws.name, "country": ws.country, "adminLevels": ws.adminLevels.joined(separator: ","),
             "store": store.configuration.backendDescription, "administrator": admin.userName])
    }

    /// Whether some answer would be asked on the terminal.
    var answersMissing: Bool { workspace == nil || country == nil || adminLevels == nil || admin == nil || passwordFile == nil }

    /// Throws ``StoreError/alreadyInitialized(workspace:)`` when the configured store already holds a workspace.
    func refuseIfInitialised() async throws {
        guard store.storeExists else { return }
        let existing = try? await store.withStore(writing: false, command: "pim init") { s in try await s.workspace() }
        if let name = existing?.name { throw StoreError.alreadyInitialized(workspace: name) }
    }

    struct Answers {
        var workspace: String
        var country: String
        var levels: [String]
        var admin: String
        var password: String
    }

    /// Where the answers not given as options come from: the terminal, or a script in tests.
    struct Prompter {
        var isInteractive: Bool
        /// Asks a question; returns the trimmed answer (the default when empty), or nil at end of input.
        var ask: (_ question: String, _ default: String?) -> String?
        /// Asks for a secret without echo; nil at end of input.
        var askSecret: (_ question: String) -> String?
        /// Tells the person at the terminal why an answer was not taken.
        var tell: (_ message: String) -> Void

        static var terminal: Prompter {
            Prompter(
                isInteractive: Terminal.isInteractive, ask: { Terminal.ask($0, default: $1) }, askSecret: { Terminal.askSecret($0) },
                tell: { FileHandle.standardError.write(Data("\($0)\n".utf8)) })
        }
    }

    /// How many times a question is asked before `pim init` gives up.
    static let attempts = 3

    func collectAnswers(prompter: Prompter) throws -> Answers {
        let interactive = prompter.isInteractive
        /// The option's value, or the answer to `question` (asked again while empty or refused by `check`).
        func value(_ given: String?, flag: String, question: String, default d: String? = nil,
                   check: (String) -> String? = { _ in nil }) throws -> String {
            if let given { return given }
            guard interactive else {
                if let d { return d }
                throw ValidationError("Missing --\(flag): give it on the command line (stdin is not a terminal to ask on).")
            }
            for _ in 0..<Self.attempts {
                guard let answer = prompter.ask(question, d) else {
                    throw CLIError("No answer for --\(flag) (the input ended); nothing was changed.")
                }
                if answer.isEmpty { prompter.tell("An answer is needed."); continue }
                if let problem = check(answer) { prompter.tell(problem); continue }
                return answer
            }
            throw CLIError("No usable answer for --\(flag) after \(Self.attempts) tries; nothing was changed.")
        }
        func problem(_ body: () throws(DomainError) -> Void) -> String? {
            do { try body(); return nil } catch { return error.description }
        }
        func workspaceWith(name: String = "Workspace", country: String = "SDN", levels: [String] = ["Admin1"]) -> Workspace {
            Workspace(name: name, country: country, adminLevels: levels, createdAt: Date(timeIntervalSince1970: 0))
        }
        let name = try value(workspace, flag: "workspace", question: "Workspace name") { a in
            problem { () throws(DomainError) in try workspaceWith(name: a).validate() }
        }
        let iso = try value(country, flag: "country", question: "Country (ISO3, e.g. SDN)") { a in
            problem { () throws(DomainError) in try workspaceWith(country: a.uppercased()).validate() }
        }.uppercased()
        let levels = Self.levels(try value(adminLevels, flag: "admin-levels", question: "Admin levels, comma-separated", default: "Admin1,Admin2") { a in
            problem { () throws(DomainError) in try workspaceWith(levels: Self.levels(a)).validate() }
        })
        let user = try value(admin, flag: "admin", question: "Administrator user name") { a in
            problem { () throws(DomainError) in try User.validateUserName(a) }
        }
        let password: String
        if let passwordFile {
            password = try Secrets.password(file: passwordFile)
        } else if interactive {
            password = try askPassword(for: user, prompter: prompter)
        } else {
            throw ValidationError("Missing --password-file: the password is read from a file or a prompt, never from a flag.")
        }
        return Answers(workspace: name, country: iso, levels: levels, admin: user, password: password)
    }

    /// Asks for the administrator's password and its repetition; a weak one is refused before the repetition.
    func askPassword(for user: String, prompter: Prompter) throws -> String {
        for _ in 0..<Self.attempts {
            guard let p1 = prompter.askSecret("Password for \(user) (\(PasswordHasher.minimumLength)+ characters)") else { break }
            if let weak = PasswordHasher.weakness(of: p1) { prompter.tell(weak.description); continue }
            guard let p2 = prompter.askSecret("Repeat the password") else { break }
            if p1 == p2 { return p1 }
            prompter.tell("The two passwords differ; try again.")
        }
        throw CLIError("No password was set; nothing was changed.")
    }

    /// The admin level names of a comma-separated answer, each trimmed; empty names are kept so that
    /// ``Workspace/validate()`` refuses them rather than dropping them unseen.
    static func levels(_ answer: String) -> [String] {
        answer.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
