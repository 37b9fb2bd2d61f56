import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Many processes run side by side, as a shell script's `for …; do cmd & done; wait` runs them, with at
/// most `parallelism` alive at once.
///
/// Everything happens on one thread of the pool: spawn up to the limit, then wait on the children's pidfds
/// (``ChildSet``), spawning the next as each ends.
public enum ProcessBatch {
    /// What a batch did.
    public struct Outcome: Sendable {
        /// Each process's outcome, in the order of `specs`.
        public var outcomes: [ProcessOutcome]
        /// The most processes alive at once.
        public var peakConcurrency: Int
    }

    /// Runs every spec, at most `parallelism` at a time.
    public static func run(_ specs: [ProcessSpec], parallelism: Int, using pool: NIOThreadPool) async throws -> Outcome
    {
        try await pool.runIfActive { () throws -> Outcome in
            var outcomes = [ProcessOutcome?](repeating: nil, count: specs.count)
            var indexOf: [pid_t: Int] = [:]
            var set = ChildSet()
            var next = 0
            var peak = 0
            do {
                while next < specs.count || !set.isEmpty {
                    while next < specs.count && set.count < max(1, parallelism) {
                        let child = try ChildProcess.launch(specs[next])
                        indexOf[child.pid] = next
                        next += 1
                        try set.insert(child)
                    }
                    peak = max(peak, set.count)
                    for (pid, outcome) in try set.reapSome() {
                        if let index = indexOf[pid] { outcomes[index] = outcome }
                    }
                }
            } catch {
                // Leave no process behind.
                set.killAll()
                throw error
            }
            return Outcome(outcomes: outcomes.compactMap { $0 }, peakConcurrency: peak)
        }
    }
}
