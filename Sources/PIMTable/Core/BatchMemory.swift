import CPIMSIMD
import Synchronization

/// Process-wide memory settings for pim's batch commands.
public enum BatchMemory {
    /// Keeps freed memory for reuse instead of returning it to the system at once (glibc's allocator;
    /// nothing elsewhere). A command that reads a large file builds and drops arrays of tens of
    /// megabytes, and every fresh one costs a page fault per 4 KiB; reusing freed ones saves about a tenth
    /// of the time of reading and aggregating a million rows. All threads share one allocator arena, so
    /// that what one reading thread frees the others reuse: call this before any thread is started. For
    /// short-lived processes only: a long-running server would keep its peak memory.
    ///
    /// (Backing the heap with 2 MiB transparent huge pages cut the faults of a 1M-row read from 64,000 to
    /// 8,000, but on this project's virtual machines a process that starts after a pause then spends
    /// 0.3–0.5 s more in the kernel getting those pages back from the host, so it is not done.)
    /// - Returns: whether the settings were applied.
    @discardableResult
    public static func tuneForBatchWork() -> Bool { pim_tune_allocator_for_batch() == 1 }

    /// Keeps `value` until the process ends, so that a batch command does not spend its last moments
    /// freeing a large table element by element (a million-row table's strings take about 6 ms to
    /// release) when the process's exit returns all its memory at once. For short-lived commands only.
    public static func keepUntilExit(_ value: some Sendable) {
        kept.withLock { $0.append(value) }
    }

    private static let kept = Mutex<[any Sendable]>([])
}
