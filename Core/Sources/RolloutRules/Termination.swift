/// How a container instance ended: the exit code, the reason and the signal.
public struct Termination: Sendable, Hashable, CustomStringConvertible {
    /// The exit code; 137 is a SIGKILL such as the OOM killer's.
    public var exitCode: Int
    /// Such as `Error`, `OOMKilled`, `ContainerCannotRun`.
    public var reason: String?
    /// The signal, when the runtime reports one.
    public var signal: Int?
    /// The runtime's message (such as `exec format error`).
    public var message: String?

    /// Creates a termination record.
    public init(exitCode: Int, reason: String? = nil, signal: Int? = nil, message: String? = nil) {
        self.exitCode = exitCode
        self.reason = reason
        self.signal = signal
        self.message = message
    }

    /// `exit code 137 (OOMKilled)`, with the signal when known.
    public var description: String {
        var text = "exit code \(exitCode)"
        if let signal { text += ", signal \(signal)" }
        if let reason { text += " (\(reason))" }
        return text
    }
}
