import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PIMCore
import PIMServer
import PIMSQLite
import PIMStorage
import Synchronization
import Testing

/// Collects log lines (message and metadata) in memory.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    func handler(label: String) -> CapturingHandler { CapturingHandler(capture: self) }

    struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let line = "\(event.message) " + all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            capture.lines.withLock { $0.append(line) }
        }
    }
}

@Suite struct LoggingTests {
    @Test func logsNameNoUserNamePasswordOrQueryValues() async throws {
        // Given a server whose logs are captured
        let world = try await TestWorld.make()
        let hash = try PasswordHasher(cost: 4).hash(newPassword: TestWorld.password)
        let person = User(userName: "amira.k", displayName: "Amira K.", role: .pimOfficer, passwordHash: hash, createdAt: Date())
        try await world.store.add(person)
        let capture = LogCapture()
        let logger = Logger(label: "pim.server.capture") { capture.handler(label: $0) }
        let app = try buildApplication(world.configuration, store: world.store, logger: logger)
        try await app.test(.router) { client in
            // When a user fails once, signs in, and queries an aggregate
            let browser = try await Browser.atLoginForm(client)
            _ = try await browser.postLogin(client, user: "amira.k", password: "secret-typo-password")
            let (_, signedIn) = try await browser.postLogin(client, user: "amira.k")
            _ = try await signedIn.get(client, "/api/v1/datasets/cases/aggregate?by=adm1_code,sex")
        }
        // Then the log has the requests and the user id, but neither the user name, the passwords nor the query
        let text = capture.text
        #expect(text.contains("route=/api/v1/datasets/{name}/aggregate"))
        #expect(text.contains(person.id.rawValue))
        #expect(text.contains("reason=bad-password"))
        #expect(!text.contains("amira"))
        #expect(!text.contains("Amira"))
        #expect(!text.contains("secret-typo-password"))
        #expect(!text.contains(TestWorld.password))
        #expect(!text.contains("adm1_code,sex"))
    }
}
