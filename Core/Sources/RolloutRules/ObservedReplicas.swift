/// Replica counts as the workload's controller reports them, for the live status table and the report.
///
/// For Deployments and StatefulSets: `spec.replicas` and `status` counts. For DaemonSets: the numbers
/// scheduled (`desiredNumberScheduled`, `currentNumberScheduled`, `updatedNumberScheduled`,
/// `numberReady`, `numberAvailable`). For Jobs: `desired` is `spec.completions` (1 when unset),
/// `current` the active pods, `ready` the ready ones, `updated` and `available` the succeeded ones,
/// `failed` the failed ones.
public struct ObservedReplicas: Sendable, Hashable {
    /// How many pods are wanted (`spec.replicas`, 1 when unset as the API defaults it).
    public var desired: Int
    /// How many exist (`status.replicas`: non-terminated pods of every revision).
    public var current: Int
    /// How many run the new revision.
    public var updated: Int
    /// How many are ready.
    public var ready: Int
    /// How many are available (ready for `minReadySeconds`).
    public var available: Int
    /// How many failed (Jobs only).
    public var failed: Int?

    /// Creates counts.
    public init(desired: Int, current: Int, updated: Int, ready: Int, available: Int, failed: Int? = nil) {
        self.desired = desired
        self.current = current
        self.updated = updated
        self.ready = ready
        self.available = available
        self.failed = failed
    }
}
