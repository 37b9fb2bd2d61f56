import RolloutReport

/// Runs a resolved gate and returns its report: the one call the command line makes.
///
/// The coordinator conforms to this; tests conform with scripted runners. A runner returns a report
/// for every outcome it can describe (success, failures, the deadline, an interruption with partial
/// results) and throws only for errors that end the gate without one (kubeconfig, API access); the
/// command line turns those into a program-error report.
public protocol GateRunner: Sendable {
    /// Waits for every target of `request`, writing progress for people to `diagnostics`.
    func run(_ request: GateRequest, diagnostics: any DiagnosticSink) async throws -> GateReport
}

/// Where progress and diagnostics for people go: stderr in the binary, a buffer in tests.
public protocol DiagnosticSink: Sendable {
    /// Writes one line (a newline is added).
    func line(_ text: String)
}
