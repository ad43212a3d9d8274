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
            Asks its questions on the terminal, or runs unattended when every answer is given:
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

    func run() async throws {
        let answers = try collectAnswers()
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
        print("Initialised workspace \"\(ws.name)\" (\(ws.country), levels \(ws.adminLevels.joined(separator: " > "))) in \(store.configuration.backendDescription).")
        print("Administrator: \(admin.userName).")
    }

    struct Answers {
        var workspace: String
        var country: String
        var levels: [String]
        var admin: String
        var password: String
    }

    func collectAnswers() throws -> Answers {
        let interactive = Terminal.isInteractive
        func value(_ given: String?, flag: String, question: String, default d: String? = nil) throws -> String {
            if let given { return given }
            if interactive, let a = Terminal.ask(question, default: d), !a.isEmpty { return a }
            if let d { return d }
            throw ValidationError("Missing --\(flag): give it on the command line (stdin is not a terminal to ask on).")
        }
        let name = try value(workspace, flag: "workspace", question: "Workspace name")
        let iso = try value(country, flag: "country", question: "Country (ISO3, e.g. SDN)").uppercased()
        let levels = try value(adminLevels, flag: "admin-levels", question: "Admin levels, comma-separated", default: "Admin1,Admin2")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let user = try value(admin, flag: "admin", question: "Administrator user name")
        let password: String
        if let passwordFile {
            password = try Secrets.password(file: passwordFile)
        } else if interactive {
            guard let p1 = Terminal.askSecret("Password for \(user) (12+ characters)"),
                  let p2 = Terminal.askSecret("Repeat the password"), p1 == p2 else {
                throw ValidationError("The two passwords differ; nothing was changed.")
            }
            password = p1
        } else {
            throw ValidationError("Missing --password-file: the password is read from a file or a prompt, never from a flag.")
        }
        return Answers(workspace: name, country: iso, levels: levels, admin: user, password: password)
    }
}
