import Foundation

/// pim's typed configuration, resolved once: command-line flags, then `PIM_*` environment variables, then defaults.
public struct Configuration: Sendable, Hashable {
    /// Where the data lives.
    public enum Backend: Sendable, Hashable {
        case sqlite(directory: URL)
        case postgres(url: String)
    }

    public var backend: Backend

    /// Resolves the backend: `--database`, else `PIM_DATABASE_URL`, else `--data-dir`, else `PIM_DATA_DIR`, else `./pim-data`.
    public static func resolve(
        dataDir: String?, database: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Configuration {
        if let url = database ?? environment["PIM_DATABASE_URL"], !url.isEmpty, dataDir == nil {
            return Configuration(backend: .postgres(url: url))
        }
        // An empty PIM_DATA_DIR counts as unset (as an empty PIM_DATABASE_URL does): it would otherwise mean the
        // current directory.
        let dir = dataDir ?? environment["PIM_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "pim-data"
        return Configuration(backend: .sqlite(directory: URL(fileURLWithPath: dir, isDirectory: true).standardizedFileURL))
    }

    /// A description safe to print: never the password of a database URL.
    public var backendDescription: String {
        switch backend {
        case .sqlite(let d): return "SQLite in \(d.path)"
        case .postgres(let url):
            guard var u = URLComponents(string: url) else { return "PostgreSQL" }
            if u.password != nil { u.password = "***" }
            return "PostgreSQL at \(u.string ?? "?")"
        }
    }
}
