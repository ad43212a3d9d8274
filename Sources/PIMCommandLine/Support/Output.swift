import ArgumentParser
import Foundation
import PIMCore
import PIMServer
import PIMStorage
import PIMTable
import Synchronization

/// `--format text|json` for commands that print results.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}

/// `--format` of a command that reports one change (init, user, org): its sentence as text, or its fields as a
/// JSON object for scripts (QA11 I7).
struct ChangeFormat: ParsableArguments {
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func report(_ sentence: String, _ fields: [String: String]) throws {
        switch format {
        case .text: print(sentence)
        case .json: try Output.printJSON(fields)
        }
    }
}

enum Output {
    /// Pretty JSON with sorted keys, for scripts.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    /// Prints a command's JSON answer on stdout (and notes that it did: see ``printedJSON``).
    static func printJSON<T: Encodable>(_ value: T) throws {
        let text = try json(value)
        jsonPrinted.store(true, ordering: .relaxed)
        print(text)
    }

    private static let jsonPrinted = Atomic<Bool>(false)

    /// Whether this process has printed a JSON answer (a failure after it must not print a second object).
    static var printedJSON: Bool { jsonPrinted.load(ordering: .relaxed) }

    /// Refuses an output path that must not be written (see ``OutputGuard``): a workspace's data folder, an
    /// SQLite file, or one of the command's input files. Checked before any work, so nothing is half-done.
    ///
    /// It also makes what the command writes readable by its owner only (0600), as the store's own files are:
    /// full rows, error reports, tables and packages are personal data or close to it (QA11 I12: exports were
    /// world-readable).
    static func checkOutput(_ path: String?, inputs: [URL] = []) throws {
        guard let path else { return }
        umask(0o077)
        // "-" usually means standard output; writing a file named "-" instead would surprise.
        if path == "-" { throw CLIError("--out - is not supported: give a file name to write to.") }
        if let why = OutputGuard.refusal(writing: URL(fileURLWithPath: path), inputs: inputs) {
            throw CLIError("\(path): not written: \(why).")
        }
    }

    /// A plain text table with aligned columns. Control characters and direction overrides in a cell (a
    /// column name from a file, say) are shown escaped, as `\u{1B}`, so that a file cannot drive the
    /// terminal or reorder what is shown.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let header = header.map(visible)
        let rows = rows.map { $0.map(visible) }
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padded(toWidth: widths[i]) }
                .joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }

    static func stderr(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    /// `s` line by line through ``visible(_:)``: its line breaks kept, any other control character escaped.
    static func visibleLines(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { visible(String($0)) }.joined(separator: "\n")
    }

    /// `s` with C0 and C1 control characters and bidirectional overrides and isolates escaped as `\u{…}`.
    static func visible(_ s: String) -> String {
        func hidden(_ u: Unicode.Scalar) -> Bool {
            u.value < 0x20 || (0x7F...0x9F).contains(u.value) || (0x202A...0x202E).contains(u.value)
                || (0x2066...0x2069).contains(u.value)
        }
        guard s.unicodeScalars.contains(where: hidden) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            if hidden(u) { out += "\\u{\(String(u.value, radix: 16, uppercase: true))}" } else { out.unicodeScalars.append(u) }
        }
        return out
    }
}

/// Who a command acts as in the audit trail: the `--as` user, else the operating-system user as `cli:NAME`.
enum CLIActor {
    static func name(_ given: String?) -> String {
        given ?? "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? accountName() ?? "unknown")
    }

    /// `--as` names as given, mapped to the stored user's name once found (see ``ActorOption/check(in:roles:to:)``),
    /// so that the audit trail records the stored name whatever case was typed. A process runs one command.
    private static let resolved = Mutex<[String: String]>([:])

    static func remember(given: String, stored: String) {
        resolved.withLock { $0[given] = stored }
    }

    static func storedName(given: String) -> String? {
        resolved.withLock { $0[given] }
    }

    /// The account the process runs as, when `USER` is not set (services, containers).
    private static func accountName() -> String? {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }
}

/// `--as USER`: the workspace user a command acts as; a named user must exist.
struct ActorOption: ParsableArguments {
    @Option(name: .customLong("as"), help: "Workspace user acting (default: the operating-system user).") var actor: String?

    /// The name recorded in the audit trail: the stored user's name once ``check(in:roles:to:)`` found it
    /// (`--as Admin` acts as "admin"), else the name given, else the operating-system user.
    var name: String { actor.flatMap(CLIActor.storedName(given:)) ?? CLIActor.name(actor) }

    /// Checks that a named actor is a workspace user and, given `permission`, that their role allows it
    /// (as the web does); returns the user when one was named. Without `--as` the operating-system user
    /// acts, with the access the machine gives them.
    @discardableResult
    func check(in store: any Store, needs permission: Permission? = nil, to action: String = "do this") async throws -> User? {
        try await check(in: store, roles: permission.map { p in Set(Role.allCases.filter(p.allows)) }, to: action)
    }

    /// ``check(in:needs:to:)`` with the roles allowed given directly (for actions the web has no route for).
    @discardableResult
    func check(in store: any Store, roles allowed: Set<Role>?, to action: String) async throws -> User? {
        guard let given = actor else { return nil }
        // User names are unique without case, as at the web's sign-in: "Admin" is "admin".
        guard let u = try await store.user(signingInAs: given) else { throw CLIError("There is no user \"\(given)\" in this workspace.") }
        CLIActor.remember(given: given, stored: u.userName)
        // A disabled account cannot sign in on the web; it cannot act here either.
        guard !u.isDisabled else { throw CLIError("User \"\(u.userName)\" is disabled; an administrator can enable it again.") }
        if let allowed, !allowed.contains(u.role) {
            let roles = Role.allCases.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
            throw CLIError("\(u.userName) is \(u.role.rawValue), and only these roles may \(action): \(roles).")
        }
        return u
    }
}
