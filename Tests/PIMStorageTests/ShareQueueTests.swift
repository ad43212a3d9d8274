import Foundation
import PIMStorage
import Testing

/// Review of QA11 S5: two web shares of a dataset at the same instant would each miss what the other records.
@Suite struct ShareQueueTests {
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
        let queue = ShareQueue()
        let probe = Probe()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for k in 0..<12 {
                group.addTask {
                    try await queue.run(dataset: "cm") {
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
        await #expect(throws: CancellationError.self) { try await queue.run(dataset: "cm") { throw CancellationError() } }
        #expect(try await queue.run(dataset: "cm") { 7 } == 7)
    }

    @Test func sharesOfOtherDatasetsDoNotWait() async throws {
        let queue = ShareQueue()
        // While "a" is held, a share of "b" runs (were they one queue, this would never finish)
        let result = try await queue.run(dataset: "a") {
            try await queue.run(dataset: "b") { "b ran" }
        }
        #expect(result == "b ran")
    }
}
