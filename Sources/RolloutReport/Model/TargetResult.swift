/// One target's entry in `results`: which workload, how it ended, and the evidence.
///
/// Results are sorted by namespace, kind and name in the report, so two runs over the same cluster
/// state print the same bytes.
public struct TargetResult: Sendable, Hashable, Codable {
    /// The workload kind.
    public var kind: WorkloadKind
    /// The workload's namespace.
    public var namespace: String
    /// The workload's name.
    public var name: String
    /// The revision being rolled out: a Deployment's `deployment.kubernetes.io/revision`, a
    /// StatefulSet's `updateRevision`, a DaemonSet's observed generation.
    public var revision: String?
    /// How the target ended.
    public var verdict: TargetVerdict
    /// Replica counts (Deployment, StatefulSet, DaemonSet).
    public var replicas: ReplicaCounts?
    /// Pod counts (Job).
    public var job: JobCounts?
    /// What the rollout was still waiting for, for `progressing` and `cancelled` targets.
    public var waitingFor: String?
    /// Why it failed; present exactly when `verdict` is `failed`.
    public var failure: TargetFailure?
    /// Recent Warning events of the workload, its new ReplicaSet and its failing pod, oldest first.
    public var events: [WarningEvent]

    /// Creates a result; events are put in a stable order.
    public init(
        kind: WorkloadKind,
        namespace: String,
        name: String,
        revision: String? = nil,
        verdict: TargetVerdict,
        replicas: ReplicaCounts? = nil,
        job: JobCounts? = nil,
        waitingFor: String? = nil,
        failure: TargetFailure? = nil,
        events: [WarningEvent] = []
    ) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.revision = revision
        self.verdict = verdict
        self.replicas = replicas
        self.job = job
        self.waitingFor = waitingFor
        self.failure = failure
        self.events = events.sorted(by: TargetResult.eventOrder)
    }

    /// `Kind namespace/name`, the way messages name a target.
    public var displayName: String { "\(kind.rawValue) \(namespace)/\(name)" }

    /// `namespace/name`, the prefix of progress lines.
    public var path: String { "\(namespace)/\(name)" }

    /// The report's order: namespace, then kind, then name.
    public static func reportOrder(_ lhs: TargetResult, _ rhs: TargetResult) -> Bool {
        (lhs.namespace, lhs.kind, lhs.name) < (rhs.namespace, rhs.kind, rhs.name)
    }

    /// Events by last timestamp (undated first), then object and reason, so the order never depends on
    /// the order the API listed them in.
    static func eventOrder(_ lhs: WarningEvent, _ rhs: WarningEvent) -> Bool {
        let left = (lhs.lastTimestamp ?? "", lhs.object, lhs.reason, lhs.message)
        let right = (rhs.lastTimestamp ?? "", rhs.object, rhs.reason, rhs.message)
        return left < right
    }
}
