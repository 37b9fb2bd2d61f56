import KubeModel

/// The gate's only view of the cluster: list-then-watch of one kind, one-off lists, and container logs.
///
/// Everything the coordinator needs from Kubernetes goes through this seam, so the coordinator is tested
/// against a scripted fake without any networking, and runs in production over `KubeClient`
/// (`KubeClusterSource`). A watch runs in the caller's task and calls back for every change, so its
/// lifetime is the lifetime of the child task that runs it: cancelling the task closes the stream.
public protocol ClusterSource: Sendable {
    /// Lists the objects of `type` that match `query`, then watches them, calling `onChange` with each
    /// change in order: the initial objects, then `synced`, then every later change.
    ///
    /// Runs until the task is cancelled (then it returns or throws `CancellationError`), or throws when the
    /// watch cannot go on (credentials refused, RBAC forbids it, the API server stays unreachable).
    /// Transient failures (a closed stream, `410 Gone`, `429`) are the source's to recover from.
    func watch<Object: KubeObject>(
        _ type: Object.Type,
        _ query: WatchQuery,
        onChange: (WatchChange<Object>) async -> Void
    ) async throws

    /// Lists the objects of `type` that match `query` once, such as the Warning events of a namespace when
    /// a failure is reported (the events watch may not have delivered the newest ones yet).
    func list<Object: KubeObject>(_ type: Object.Type, _ query: WatchQuery) async throws -> [Object]

    /// Returns the tail of a container's log, as text.
    func logs(_ request: LogRequest) async throws -> String
}
