import RolloutRules

/// Why one target failed: the rule that fired and the evidence it read.
///
/// Present exactly when the target's verdict is `failed`. `reason` is the Kubernetes word
/// (`CrashLoopBackOff`, `ProgressDeadlineExceeded`), `code` the stable word scripts switch on.
public struct TargetFailure: Sendable, Hashable, Codable {
    /// The stable failure code.
    public var code: RolloutFailureCode
    /// The Kubernetes reason, such as `CrashLoopBackOff`.
    public var reason: String?
    /// One plain sentence.
    public var message: String
    /// The identifier of the rule that fired, as listed in `docs/failure-codes.md`.
    public var rule: String
    /// The pod the rule read, when it read one.
    public var pod: String?
    /// The container the rule read, when it read one.
    public var container: String?
    /// Whether that container is an init container.
    public var initContainer: Bool?
    /// The container's restart count.
    public var restartCount: Int?
    /// How the container's previous instance ended.
    public var lastTermination: LastTermination?
    /// The container's log tail (the previous instance's after a restart).
    public var log: LogTail?

    /// Creates a failure record.
    public init(
        code: RolloutFailureCode,
        reason: String? = nil,
        message: String,
        rule: String,
        pod: String? = nil,
        container: String? = nil,
        initContainer: Bool? = nil,
        restartCount: Int? = nil,
        lastTermination: LastTermination? = nil,
        log: LogTail? = nil
    ) {
        self.code = code
        self.reason = reason
        self.message = message
        self.rule = rule
        self.pod = pod
        self.container = container
        self.initContainer = initContainer
        self.restartCount = restartCount
        self.lastTermination = lastTermination
        self.log = log
    }
}
