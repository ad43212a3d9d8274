import Synchronization

/// Results written by parallel workers, one slot each, read after they all finish.
final class ParallelSlots<T: Sendable>: Sendable {
    private let storage: Mutex<[T?]>

    init(count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }

    func set(_ index: Int, _ value: T) { storage.withLock { $0[index] = value } }

    var values: [T?] { storage.withLock { $0 } }
}
