/// One share of a dataset at a time in a process: a share reads what earlier shares of the dataset recorded (the
/// values a pseudonymised release left blank, the cells a table published) and records its own, so two made at
/// the same instant through the web would each miss the other's. The server runs every share of a dataset through
/// the queue; shares of other datasets go on side by side. (`pim share` holds the SQLite store's single writer
/// lock for the whole share, so it never overlaps another writer of the same directory.)
public actor ShareQueue {
    public static let shared = ShareQueue()

    private var busy: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    /// Runs `body` once no other share of `dataset` runs, and before any that asks later.
    public nonisolated func run<T: Sendable>(dataset: String, _ body: () async throws -> T) async throws -> T {
        await acquire(dataset)
        do {
            let result = try await body()
            await release(dataset)
            return result
        } catch {
            await release(dataset)
            throw error
        }
    }

    private func acquire(_ dataset: String) async {
        guard busy.contains(dataset) else {
            busy.insert(dataset)
            return
        }
        await withCheckedContinuation { waiting[dataset, default: []].append($0) }
    }

    /// Hands the dataset to the next share waiting for it (which then holds it), or frees it.
    private func release(_ dataset: String) {
        if var queue = waiting[dataset], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[dataset] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            busy.remove(dataset)
        }
    }
}
