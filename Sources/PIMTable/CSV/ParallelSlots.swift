import Foundation
import Synchronization

/// Results written by parallel workers, one slot each, read after they all finish.
package final class ParallelSlots<T: Sendable>: Sendable {
    private let storage: Mutex<[T?]>

    package init(count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }

    package func set(_ index: Int, _ value: T) { storage.withLock { $0[index] = value } }

    package var values: [T?] { storage.withLock { $0 } }

    /// Removes and returns the value in slot `index` (so that the caller holds the only reference).
    package func take(_ index: Int) -> T? {
        storage.withLock { slots in
            let value = slots[index]
            slots[index] = nil
            return value
        }
    }
}

/// Runs `count` pieces of work on as many threads (the calling thread takes piece 0) and waits for all.
///
/// Plain threads rather than a dispatch queue: the work is a few long CPU-bound pieces, and ordinary
/// threads keep normal scheduling priority when the machine is busy.
package enum ParallelWork {
    package static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        let done = DispatchSemaphore(value: 0)
        for k in 1..<count {
            let thread = Thread {
                body(k)
                done.signal()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        body(0)
        for _ in 1..<count { done.wait() }
    }

    /// `items` split into `threads` runs of consecutive items, as equal as can be (the first runs
    /// take the remainder).
    package static func runs(_ items: Int, threads: Int) -> [Range<Int>] {
        let t = max(1, threads)
        var out: [Range<Int>] = []
        var start = 0
        for k in 0..<t {
            let size = items / t + (k < items % t ? 1 : 0)
            out.append(start..<(start + size))
            start += size
        }
        return out
    }

    /// Runs `items` pieces of work on `threads` threads, each taking the consecutive run ``runs(_:threads:)``
    /// gives it, in order; a thread whose run is done takes the last piece not yet taken of another's, so
    /// that a thread the machine leaves waiting does not hold the other up. `body` is told the piece and the
    /// thread. Returns when every piece is done.
    package static func forEachInRuns(_ items: Int, threads: Int, _ body: @escaping @Sendable (Int, Int) -> Void) {
        let queue = RunQueue(runs(items, threads: threads))
        run(min(threads, items)) { worker in
            while let k = queue.take(worker) { body(k, worker) }
        }
    }

    /// Runs `items` pieces of work on `threads` threads that each take the next piece not yet taken, so
    /// that a thread the machine leaves waiting does not hold the others up (items should be ordered
    /// largest first). Returns when every piece is done.
    package static func forEach(_ items: Int, threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let counter = WorkCounter()
        run(min(threads, items)) { _ in
            while true {
                let k = counter.take()
                if k >= items { return }
                body(k)
            }
        }
    }
}

/// Runs of work items, one per thread: a thread takes its run's next item, and once its run is done, the
/// last item left of the longest other run.
final class RunQueue: Sendable {
    private let state: Mutex<(next: [Int], end: [Int])>

    init(_ runs: [Range<Int>]) { state = Mutex((runs.map(\.lowerBound), runs.map(\.upperBound))) }

    func take(_ worker: Int) -> Int? {
        state.withLock { s in
            if worker < s.next.count && s.next[worker] < s.end[worker] {
                s.next[worker] += 1
                return s.next[worker] - 1
            }
            guard let other = s.next.indices.max(by: { s.end[$0] - s.next[$0] < s.end[$1] - s.next[$1] }),
                s.next[other] < s.end[other]
            else { return nil }
            s.end[other] -= 1
            return s.end[other]
        }
    }
}

/// The shared position in a list of work items.
final class WorkCounter: Sendable {
    private let next: Atomic<Int>

    init() { next = Atomic(0) }

    func take() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}
