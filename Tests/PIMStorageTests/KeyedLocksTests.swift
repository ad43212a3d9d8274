import Foundation
import PIMStorage
import Testing

/// The locks the server serialises shares of a dataset (review of QA11 S5) and changes of a user with.
@Suite struct KeyedLocksTests {
    actor Probe {
        var inside = 0
        var most = 0
        var order: [Int] = []
        func enter(_ k: Int) {
            inside += 1
            most = max(most, inside)
            order.append(k)
        }
        func leave() { inside -= 1 }
    }

    @Test func sharesOfOneDatasetRunOneAtATime() async throws {
        let queue = KeyedLocks()
        let probe = Probe()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for k in 0..<12 {
                group.addTask {
                    try await queue.run("cm") {
                        await probe.enter(k)
                        try await Task.sleep(for: .milliseconds(5))
                        await probe.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await probe.most == 1)
        #expect(await probe.order.count == 12)
        // A share that fails frees the dataset for the next
        await #expect(throws: CancellationError.self) { try await queue.run("cm") { throw CancellationError() } }
        #expect(try await queue.run("cm") { 7 } == 7)
    }

    @Test func sharesOfOtherDatasetsDoNotWait() async throws {
        let queue = KeyedLocks()
        // While "a" is held, a share of "b" runs (were they one queue, this would never finish)
        let result = try await queue.run("a") {
            try await queue.run("b") { "b ran" }
        }
        #expect(result == "b ran")
    }
}
