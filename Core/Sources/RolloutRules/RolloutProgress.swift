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
    public var replicas: ObservedReplicas
    /// The revision being rolled out, when known.
    public var revision: String?
    /// Disrupted pods of the new revision seen so far.
    public var disruptedPods: [DisruptedPod]

    /// Creates a progress value.
    public init(
        rule: RolloutRule,
        message: String,
        blockers: [RolloutBlocker] = [],
        replicas: ObservedReplicas,
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
