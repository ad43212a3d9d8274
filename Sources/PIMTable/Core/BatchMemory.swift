import CPIMSIMD

/// Process-wide memory settings for pim's batch commands.
public enum BatchMemory {
    /// Keeps freed memory for reuse instead of returning it to the system at once (glibc's allocator;
    /// nothing elsewhere). A command that reads a large file builds and drops arrays of tens of
    /// megabytes, and every fresh one costs a page fault per 4 KiB; reusing freed ones saves about a tenth
    /// of the time of reading and aggregating a million rows. For short-lived processes only: a
    /// long-running server would keep its peak memory.
    /// - Returns: whether the settings were applied.
    @discardableResult
    public static func tuneForBatchWork() -> Bool { pim_tune_allocator_for_batch() == 1 }
}
