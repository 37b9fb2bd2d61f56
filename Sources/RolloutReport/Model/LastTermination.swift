/// How a container's previous instance ended (`lastState.terminated`, or `state.terminated`).
///
/// The exit code and signal usually tell a crash from an OOM kill or a failed probe faster than the log.
public struct LastTermination: Sendable, Hashable, Codable {
    /// The process's exit code.
    public var exitCode: Int
    /// Kubernetes' reason, such as `Error`, `OOMKilled` or `Completed`.
    public var reason: String?
    /// The signal that killed the process, when the runtime reports one.
    public var signal: Int?

    /// Creates a termination record.
    public init(exitCode: Int, reason: String? = nil, signal: Int? = nil) {
        self.exitCode = exitCode
        self.reason = reason
        self.signal = signal
    }
}
