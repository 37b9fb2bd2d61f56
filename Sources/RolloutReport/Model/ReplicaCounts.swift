/// The replica counts of a Deployment, StatefulSet or DaemonSet when the gate stopped.
///
/// The same four numbers kubectl's success rule compares, so a reader can see how far a rollout got.
/// For a DaemonSet, `desired` is `status.desiredNumberScheduled`.
public struct ReplicaCounts: Sendable, Hashable, Codable {
    /// The replicas the spec asks for.
    public var desired: Int
    /// Replicas running the new template.
    public var updated: Int
    /// Replicas whose pods are ready.
    public var ready: Int
    /// Replicas ready for at least `minReadySeconds`.
    public var available: Int

    /// Creates the counts.
    public init(desired: Int, updated: Int, ready: Int, available: Int) {
        self.desired = desired
        self.updated = updated
        self.ready = ready
        self.available = available
    }
}

/// The pod counts of a Job when the gate stopped (`status.active`, `succeeded`, `failed`).
///
/// Jobs complete rather than roll out, so replica counts do not describe them.
public struct JobCounts: Sendable, Hashable, Codable {
    /// `spec.completions`, when set.
    public var completions: Int?
    /// Pods running.
    public var active: Int
    /// Pods that succeeded.
    public var succeeded: Int
    /// Pods that failed (below the back-off limit this is still progress).
    public var failed: Int

    /// Creates the counts.
    public init(completions: Int? = nil, active: Int, succeeded: Int, failed: Int) {
        self.completions = completions
        self.active = active
        self.succeeded = succeeded
        self.failed = failed
    }
}
