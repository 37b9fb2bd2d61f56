/// The gate's outcome over many workloads: the first failure wins, in the order the verdicts are given.
///
/// The coordinator passes its targets in a stable order (such as namespace, kind, name), so the same
/// cluster state always yields the same decisive failure: the one the report puts at the top level, as
/// the original's single `error` object.
public enum RolloutAggregate<Key: Sendable & Hashable>: Sendable, Hashable {
    /// Every workload succeeded (also for no workloads at all; the coordinator reports "nothing matched"
    /// as `not-found` before it gets here).
    case succeeded
    /// None failed, and these are still progressing, in the given order.
    case progressing(waitingOn: [Key])
    /// At least one failed: the first one, its failure, and how many failed in all.
    case failed(key: Key, failure: RolloutFailure, failureCount: Int)

    /// Combines verdicts, keyed by whatever identifies a target (such as `namespace/kind/name`).
    public init(_ verdicts: [(key: Key, verdict: RolloutVerdict)]) {
        let failures = verdicts.compactMap { item in item.verdict.failure.map { (item.key, $0) } }
        if let (key, failure) = failures.first {
            self = .failed(key: key, failure: failure, failureCount: failures.count)
            return
        }
        let waiting = verdicts.filter { !$0.verdict.isFinal }.map(\.key)
        self = waiting.isEmpty ? .succeeded : .progressing(waitingOn: waiting)
    }
}
