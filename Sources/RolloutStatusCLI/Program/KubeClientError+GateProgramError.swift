import KubeClient
import RolloutReport

extension KubeClientError: GateProgramError {
    /// A kubeconfig, credential or certificate problem is `kubeconfig` (exit 3); an answer the API server
    /// refused is `unauthorized` or `forbidden`, anything else between us and it `api-unavailable` (exit 4).
    public var programErrorCode: ProgramErrorCode {
        switch self {
        case .invalidConfiguration, .credentials, .tlsVerification: .kubeconfig
        case .api(let failure) where failure.kind == .unauthorized: .unauthorized
        case .api(let failure) where failure.kind == .forbidden: .forbidden
        case .api, .tlsHandshake, .unreachable, .timeout, .malformedResponse, .watchGaveUp: .apiUnavailable
        case .cancelled: .interrupted
        }
    }
}
