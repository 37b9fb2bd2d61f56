/// Why the gate was stopped from outside before it reached a verdict.
///
/// The command line turns SIGINT and SIGTERM (a CI job being cancelled) into one of these; the gate then
/// stops watching and still returns everything it knows, so a partial report is printed and the exit
/// code (130 or 143) says which signal it was.
public enum GateInterruption: Sendable, Hashable, CustomStringConvertible {
    /// SIGINT, such as Ctrl-C.
    case interruptSignal
    /// SIGTERM, such as a CI runner cancelling the job.
    case terminationSignal
    /// The task running the gate was cancelled.
    case cancelled

    /// `interrupted by SIGINT`.
    public var description: String {
        switch self {
        case .interruptSignal: "interrupted by SIGINT"
        case .terminationSignal: "interrupted by SIGTERM"
        case .cancelled: "cancelled"
        }
    }
}
