import RolloutReport
import RolloutRules

/// The exit-code table of the gate: one code per kind of outcome, documented in `docs/exit-codes.md`.
///
/// A pipeline branches on the exit code first and on `error.code` second, so the codes are coarse and
/// stable. Every code is derived from a report (`init(report:)`), and every report error from a
/// thrown error by `ErrorPresentation.classify(_:)`: the two functions are the whole mapping.
public enum GateExitCode: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// Every target succeeded.
    case success = 0
    /// At least one rollout failed.
    case rolloutFailed = 1
    /// The global `--timeout` passed while something was still progressing.
    case deadlineExceeded = 2
    /// The kubeconfig, context, certificates or credentials could not be used.
    case configuration = 3
    /// The API server was unreachable, refused the credentials, or kept failing.
    case apiFailure = 4
    /// Bad flags, selector, durations, or unreadable or invalid manifests (BSD `EX_USAGE`).
    case usage = 64
    /// A bug (BSD `EX_SOFTWARE`).
    case internalError = 70
    /// SIGINT (128 + 2).
    case interrupted = 130
    /// SIGTERM (128 + 15).
    case terminated = 143

    /// The exit code a report stands for.
    public init(report: GateReport) {
        guard !report.success, let error = report.error else {
            self = report.success ? .success : .internalError
            return
        }
        self.init(error: error, signal: report.interruptedBy)
    }

    /// The exit code of a report error; the signal picks 130 or 143 for `interrupted`.
    public init(error: ReportError, signal: InterruptSignal? = nil) {
        switch error.code {
        case .rollout(.timeout): self = .deadlineExceeded
        case .rollout: self = .rolloutFailed
        case .program(.invalidInput): self = .usage
        case .program(.kubeconfig): self = .configuration
        case .program(.unauthorized), .program(.forbidden), .program(.apiUnavailable): self = .apiFailure
        case .program(.interrupted): self = signal == .sigterm ? .terminated : .interrupted
        case .program(.internal): self = .internalError
        }
    }

    /// `3 (configuration)`, for messages.
    public var description: String { "\(rawValue)" }
}
