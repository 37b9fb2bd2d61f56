import KubeClient
import RolloutReport

extension KubeClientError: GateProgramError {
    /// The client's own category, as a report code: a kubeconfig, credential or certificate problem is
    /// `kubeconfig` (exit 3); an answer the API server refused is `unauthorized` or `forbidden`, anything
    /// else between us and it `api-unavailable` (exit 4).
    public var programErrorCode: ProgramErrorCode {
        switch category {
        case .configuration, .credentials: .kubeconfig
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound, .unavailable: .apiUnavailable
        case .cancelled: .interrupted
        }
    }
}
