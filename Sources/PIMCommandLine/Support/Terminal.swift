import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Interactive prompts on the controlling terminal.
enum Terminal {
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }

    /// Asks a question; an empty answer takes `defaultValue` (or is returned empty when there is none); nil
    /// only at the end of input.
    static func ask(_ question: String, default defaultValue: String? = nil) -> String? {
        let suffix = defaultValue.map { " [\($0)]" } ?? ""
        FileHandle.standardError.write(Data("\(question)\(suffix): ".utf8))
        guard let line = readLine(strippingNewline: true) else { return nil }
        let t = line.trimmingCharacters(in: .whitespaces)
        return t.isEmpty ? (defaultValue ?? "") : t
    }

    /// Reads a secret with echo turned off.
    static func askSecret(_ question: String) -> String? {
        FileHandle.standardError.write(Data("\(question): ".utf8))
        var old = termios()
        let hasTTY = tcgetattr(STDIN_FILENO, &old) == 0
        if hasTTY {
            var silent = old
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if hasTTY { tcsetattr(STDIN_FILENO, TCSAFLUSH, &old) }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}
