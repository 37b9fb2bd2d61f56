import KubeModel

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
    /// The container's `restartCount`, when the blocker is about a container: the live status shows it
    /// next to the reason, so a crash loop's progress towards `--max-restarts` is visible.
    public var restartCount: Int?

    /// Creates a blocker.
    public init(
        pod: String?,
        container: String? = nil,
        isInitContainer: Bool = false,
        reason: String,
        elapsed: Duration? = nil,
        detail: String? = nil,
        restartCount: Int? = nil
    ) {
        self.pod = pod
        self.container = container
        self.isInitContainer = isInitContainer
        self.reason = reason
        self.elapsed = elapsed
        self.detail = detail
        self.restartCount = restartCount
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
