import Foundation
import PIMCore
import PIMPostgres
import PIMStorage
import PIMTesting
import Testing

@Suite struct PostgresConnectionTests {
    @Test func sslModeIsReadFromTheURLAndUnknownModesAreRefused() throws {
        #expect(try PostgresStore.SSLMode.of(url: "postgres://u@h/db") == .disable)
        #expect(try PostgresStore.SSLMode.of(url: "postgres://u@h/db?sslmode=require") == .require)
        #expect(try PostgresStore.SSLMode.of(url: "postgres://u@h/db?application_name=x&sslmode=verify-full") == .verifyFull)
        #expect(try PostgresStore.SSLMode.of(url: "postgres://u@h/db?sslmode=verify-ca") == .verifyCA)
        #expect(throws: StoreError.self) { try PostgresStore.SSLMode.of(url: "postgres://u@h/db?sslmode=bogus") }
        // A URL with a mode pim does not know is refused when the store is opened, not ignored
        #expect(throws: StoreError.self) { _ = try PostgresStore(url: "postgres://u@h/db?sslmode=allow") }
    }

    @Test(.enabled(if: PostgresTestEnvironment.url != nil))
    func truncatingTheAuditTrailIsRefused() async throws {
        // Row triggers do not fire on TRUNCATE; a statement trigger refuses it on both audit tables
        let backend = PostgresBackend(adminURL: try #require(PostgresTestEnvironment.url))
        let scratch = try await backend.makeScratch()
        let store = scratch.store
        try await store.append(AuditDraft(at: Date(timeIntervalSince1970: 0), actor: "ana", action: .login))
        for table in ["audit_events", "audit_head"] {
            await #expect(throws: (any Error).self) { try await backend.executeRaw(["TRUNCATE \(table)"], on: store) }
        }
        #expect(try await store.verifyAuditChain() == .intact(events: 1))
        try await backend.drop(scratch)
    }

    /// Shares of one dataset from two processes (a server and `pim share`, or two servers) are made one at a time:
    /// a section holds a session advisory lock that another session cannot take until the section ends.
    @Test(.enabled(if: PostgresTestEnvironment.url != nil))
    func anExclusiveSectionHoldsALockOtherSessionsCannotTake() async throws {
        let backend = PostgresBackend(adminURL: try #require(PostgresTestEnvironment.url))
        let scratch = try await backend.makeScratch()
        let store = scratch.store
        let (group, id) = PostgresStore.advisoryKey("share:cm")
        // (Another session: takes the lock and gives it back at once, or fails when it is held.)
        let probe = "DO $$ BEGIN IF NOT pg_try_advisory_lock(\(group), \(id)) THEN RAISE EXCEPTION 'section held'; END IF; "
            + "PERFORM pg_advisory_unlock(\(group), \(id)); END $$"
        try await backend.executeRaw([probe], on: store)
        try await store.exclusively("share:cm") {
            await #expect(throws: (any Error).self) { try await backend.executeRaw([probe], on: store) }
            // (another key is free)
            try await backend.executeRaw([probe.replacingOccurrences(of: "\(id)", with: "\(id &+ 1)")], on: store)
        }
        try await backend.executeRaw([probe], on: store)
        // A section waits while another session holds the key (another process's share), and its body uses the store
        let holder = Task {
            try await backend.executeRaw(
                ["DO $$ BEGIN PERFORM pg_advisory_lock(\(group), \(id)); PERFORM pg_sleep(1.5); PERFORM pg_advisory_unlock(\(group), \(id)); END $$"],
                on: store)
        }
        try await Task.sleep(for: .milliseconds(400))
        let asked = ContinuousClock.now
        let waited = try await store.exclusively("share:cm") {
            _ = try await store.workspace()
            return ContinuousClock.now - asked
        }
        try await holder.value
        #expect(waited >= .milliseconds(900), "\(waited)")
        struct BodyFailed: Error {}
        await #expect(throws: BodyFailed.self) { try await store.exclusively("share:cm") { throw BodyFailed() } }
        try await backend.executeRaw([probe], on: store)
        try await backend.drop(scratch)
    }

    @Test(.enabled(if: PostgresTestEnvironment.url != nil))
    func connectionFailuresNameTheirCause() async throws {
        let base = try #require(PostgresTestEnvironment.url)
        var u = try #require(URLComponents(string: base))
        // A database that does not exist
        u.path = "/pim_no_such_database"
        await #expect { try await PostgresStore.checkConnection(url: u.string ?? "") } throws: { error in
            "\(error)".contains("database \"pim_no_such_database\" does not exist")
        }
        // A port nobody listens on
        u.path = "/postgres"
        u.port = 1
        await #expect { try await PostgresStore.checkConnection(url: u.string ?? "") } throws: { error in
            "\(error)".contains("cannot connect to") && "\(error)".contains(":1")
        }
        // And the test server itself is reached
        try await PostgresStore.checkConnection(url: base)
    }
}
