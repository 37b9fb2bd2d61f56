import KubeClient
import KubeModel

/// The production `ClusterSource`: `KubeClient`'s self-healing watches and its log endpoint.
///
/// The client already recovers from closed streams, `410 Gone` (relisting and emitting the difference),
/// throttling and server errors; what reaches the coordinator is either a change or an error the watch
/// cannot recover from (credentials refused, RBAC, an API server that stays down), as a `KubeClientError`
/// the command line maps to its exit code.
public struct KubeClusterSource: ClusterSource {
    /// The client, from `withKubeClient`; every watch of the gate shares its connection pool.
    public let client: KubeClient

    /// Wraps a client.
    public init(client: KubeClient) {
        self.client = client
    }

    /// Lists then watches through the client, translating its updates into the coordinator's changes.
    public func watch<Object: KubeObject>(
        _ type: Object.Type,
        _ query: WatchQuery,
        onChange: (WatchChange<Object>) async -> Void
    ) async throws {
        let options = ListOptions(labelSelector: query.labelSelector, fieldSelector: query.fieldSelector)
        for try await update in client.watch(type, namespace: query.namespace, options: options) {
            switch update {
            case .added(let object), .modified(let object): await onChange(.upserted(object))
            case .deleted(let object): await onChange(.deleted(object))
            case .synced: await onChange(.synced)
            }
        }
    }

    /// Lists once through the client, following pages.
    public func list<Object: KubeObject>(_ type: Object.Type, _ query: WatchQuery) async throws -> [Object] {
        let options = ListOptions(labelSelector: query.labelSelector, fieldSelector: query.fieldSelector)
        return try await client.list(type, namespace: query.namespace, options: options).items
    }

    /// Reads the tail of a container's log.
    public func logs(_ request: LogRequest) async throws -> String {
        let options = LogOptions(
            container: request.container,
            previous: request.previous,
            tailLines: request.tailLines,
            limitBytes: request.limitBytes
        )
        return try await client.logs(pod: request.pod, namespace: request.namespace, options: options)
    }
}
