/// A rollout that is neither done nor failed: kubectl's message, what blocks it, and the counts.
public struct RolloutProgress: Sendable, Hashable {
    /// The rule that is waiting.
    public var rule: RolloutRule
    /// kubectl's message, such as `Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas
    /// are available...`.
    public var message: String
    /// What holds the new pods back, one entry per pod (or per container), in pod-name order.
    public var blockers: [RolloutBlocker]
    /// The counts for the live status table.
    public var replicas: ReplicaCounts
    /// The revision being rolled out, when known.
    public var revision: String?
    /// Disrupted pods of the new revision seen so far.
    public var disruptedPods: [DisruptedPod]

    /// Creates a progress value.
    public init(
        rule: RolloutRule,
        message: String,
        blockers: [RolloutBlocker] = [],
        replicas: ReplicaCounts,
        revision: String? = nil,
        disruptedPods: [DisruptedPod] = []
    ) {
        self.rule = rule
        self.message = message
        self.blockers = blockers
        self.replicas = replicas
        self.revision = revision
        self.disruptedPods = disruptedPods
    }

    /// The "still waiting for" text of a timeout report: the message, then each blocker.
    ///
    /// Such as `Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...;
    /// pod web-7f9-x: container main ContainerCreating for 40s: FailedMount secret "tls" not found`.
    public var waitingFor: String {
        ([message] + blockers.map(\.description)).joined(separator: "; ")
    }
}

/// One thing holding a new pod back, such as a container still being created or not yet ready.
public struct RolloutBlocker: Sendable, Hashable, CustomStringConvertible {
    /// The pod, or `nil` for a blocker of the workload itself.
    public var pod: String?
    /// The container, if the blocker is about one.
    public var container: String?
    /// Whether `container` is an init container.
    public var isInitContainer: Bool
    /// What it waits in, such as `ContainerCreating`, `CrashLoopBackOff`, `Unschedulable` or `NotReady`.
    public var reason: String
    /// How long it has been waiting, when the pod says.
    public var elapsed: Duration?
    /// The detail, such as `FailedMount secret "tls" not found` or a readiness-probe failure.
    public var detail: String?

    /// Creates a blocker.
    public init(
        pod: String?,
        container: String? = nil,
        isInitContainer: Bool = false,
        reason: String,
        elapsed: Duration? = nil,
        detail: String? = nil
    ) {
        self.pod = pod
        self.container = container
        self.isInitContainer = isInitContainer
        self.reason = reason
        self.elapsed = elapsed
        self.detail = detail
    }

    /// Such as `pod web-7f9-x: container main ContainerCreating for 40s: FailedMount secret "tls" not found`.
    public var description: String {
        var text = pod.map { "pod \($0): " } ?? ""
        if let container { text += "\(isInitContainer ? "init container" : "container") \(container) " }
        text += reason
        if let elapsed { text += " for \(DurationText.format(elapsed.seconds))" }
        if let detail { text += ": \(detail)" }
        return text
    }
}

/// A rollout that is done.
public struct RolloutSummary: Sendable, Hashable {
    /// The rule that found it done.
    public var rule: RolloutRule
    /// kubectl's message, such as `deployment "web" successfully rolled out`.
    public var message: String
    /// The final counts.
    public var replicas: ReplicaCounts
    /// The revision rolled out, when known.
    public var revision: String?
    /// Disrupted pods of the new revision seen on the way.
    public var disruptedPods: [DisruptedPod]

    /// Creates a summary.
    public init(
        rule: RolloutRule,
        message: String,
        replicas: ReplicaCounts,
        revision: String? = nil,
        disruptedPods: [DisruptedPod] = []
    ) {
        self.rule = rule
        self.message = message
        self.replicas = replicas
        self.revision = revision
        self.disruptedPods = disruptedPods
    }
}
