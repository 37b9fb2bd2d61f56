/// A rollout that is done.
public struct RolloutSummary: Sendable, Hashable {
    /// The rule that found it done.
    public var rule: RolloutRule
    /// kubectl's message, such as `deployment "web" successfully rolled out`.
    public var message: String
    /// The final counts.
    public var replicas: ObservedReplicas
    /// The revision rolled out, when known.
    public var revision: String?
    /// Disrupted pods of the new revision seen on the way.
    public var disruptedPods: [DisruptedPod]

    /// Creates a summary.
    public init(
        rule: RolloutRule,
        message: String,
        replicas: ObservedReplicas,
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
