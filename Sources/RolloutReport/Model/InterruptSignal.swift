/// The signal that interrupted the gate, as the report names it.
///
/// CI systems cancel a job with SIGTERM (and people press Ctrl-C, SIGINT); the exit code differs
/// (143 against 130), so the report says which one it was.
public enum InterruptSignal: String, Codable, Sendable, CaseIterable {
    /// Ctrl-C.
    case sigint = "SIGINT"
    /// A polite stop, as CI systems send when a job is cancelled.
    case sigterm = "SIGTERM"

    /// The POSIX signal number.
    public var number: Int32 {
        switch self {
        case .sigint: 2
        case .sigterm: 15
        }
    }
}
