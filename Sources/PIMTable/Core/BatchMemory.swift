import CPIMSIMD

/// Process-wide memory settings for pim's batch commands.
public enum BatchMemory {
    /// Keeps freed memory for reuse instead of returning it to the system at once, and backs the heap with
    /// 2 MiB pages (glibc's allocator and Linux's transparent huge pages in "madvise" mode; nothing
    /// elsewhere). A command that reads a large file builds and drops arrays of tens of megabytes, and
    /// every fresh 4 KiB page costs a fault: reading the benchmark's million rows took 64,000 faults, a
    /// fifth of the process's time; with these settings it takes 8,000. All threads share one heap
    /// (one allocator arena), so call this before any thread is started. For short-lived processes only:
    /// a long-running server would keep its peak memory.
    /// - Returns: whether the settings were applied.
    @discardableResult
    public static func tuneForBatchWork() -> Bool { pim_tune_allocator_for_batch() == 1 }
}
