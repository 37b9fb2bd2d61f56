/// Why the gate itself could not decide: the `error.code` values of `type: "program"` errors.
///
/// This is the one list of program error codes; the exit-code table maps each onto its exit code.
/// The values never overlap `RolloutFailureCode`'s, so a script can switch on `error.code` alone.
public enum ProgramErrorCode: String, Codable, Sendable, CaseIterable {
    /// Bad flags, a bad selector or duration, unreadable or invalid manifests (exit 64).
    case invalidInput = "invalid-input"
    /// The kubeconfig, context, certificates or credential plugin could not be used (exit 3).
    case kubeconfig = "kubeconfig"
    /// The API server rejected the credentials: HTTP 401 (exit 4).
    case unauthorized = "unauthorized"
    /// The credentials lack a permission the gate needs: HTTP 403 (exit 4).
    case forbidden = "forbidden"
    /// The API server could not be reached or kept failing (exit 4).
    case apiUnavailable = "api-unavailable"
    /// SIGINT or SIGTERM stopped the gate; the report is partial (exit 130 or 143).
    case interrupted = "interrupted"
    /// A bug in the gate (exit 70).
    case `internal` = "internal"
}
