/// A rollout that certainly failed: the stable code, the Kubernetes reason, the rule and where it fired.
public struct RolloutFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable report code, such as `process-crashing`.
    public var code: RolloutFailureCode
    /// The Kubernetes reason, such as `CrashLoopBackOff`, `OOMKilled`, `ProgressDeadlineExceeded`,
    /// `FailedCreate`, `Unschedulable`, `FailedMount`.
    public var reason: String
    /// One sentence saying what failed, where, and which threshold it passed.
    public var message: String
    /// The rule that fired.
    public var rule: RolloutRule
    /// The pod concerned, if the failure is about one.
    public var pod: String?
    /// The container concerned, if any.
    public var container: String?
    /// Whether `container` is an init container.
    public var isInitContainer: Bool
    /// The container's restart count, for crash and OOM failures.
    public var restartCount: Int?
    /// How the container's last instance ended (current state if terminated, else `lastState`).
    public var lastTermination: Termination?
    /// The counts at the time of the failure.
    public var replicas: ObservedReplicas
    /// The revision that failed, when known.
    public var revision: String?
    /// Disrupted pods of the new revision seen so far.
    public var disruptedPods: [DisruptedPod]
    /// Which log to fetch for the report, or `nil` when no container log can explain the failure
    /// (an image that was never pulled, a pod that was never scheduled).
    public var logSource: LogSource?

    /// Creates a failure.
    public init(
        code: RolloutFailureCode,
        reason: String,
        message: String,
        rule: RolloutRule,
        pod: String? = nil,
        container: String? = nil,
        isInitContainer: Bool = false,
        restartCount: Int? = nil,
        lastTermination: Termination? = nil,
        replicas: ObservedReplicas,
        revision: String? = nil,
        disruptedPods: [DisruptedPod] = [],
        logSource: LogSource? = nil
    ) {
        self.code = code
        self.reason = reason
        self.message = message
        self.rule = rule
        self.pod = pod
        self.container = container
        self.isInitContainer = isInitContainer
        self.restartCount = restartCount
        self.lastTermination = lastTermination
        self.replicas = replicas
        self.revision = revision
        self.disruptedPods = disruptedPods
        self.logSource = logSource
    }

    /// `code: message`, one line.
    public var description: String { "\(code.rawValue): \(message)" }
}
