import RolloutCoordinator
import RolloutReport

/// The runner the binary uses: the coordinator, plugged in with one call.
///
/// This is the one place the coordinator work changes.
/// Until the coordinator lands, it answers every request with a program error that says so, so the
/// command line, the report and the exit codes can be used and tested end to end already.
public struct CoordinatorGateRunner: GateRunner {
    /// Creates the runner.
    public init() {}

    /// Runs the gate.
    public func run(_ request: GateRequest, diagnostics: any DiagnosticSink) async throws -> GateReport {
        throw CoordinatorNotWiredError()
    }
}

/// The gate was run before the coordinator was wired in.
struct CoordinatorNotWiredError: GateProgramError {
    var programErrorCode: ProgramErrorCode { .internal }
    var description: String {
        "watching the cluster is not available in this build yet: the coordinator is not wired in"
    }
}
