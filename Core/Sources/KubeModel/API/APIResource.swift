/// Where a kind of object lives in the Kubernetes REST API: its group, version and plural resource name.
///
/// `apps/v1` Deployments are `APIResource(group: "apps", version: "v1", plural: "deployments", kind:
/// "Deployment")`, served under `/apis/apps/v1/namespaces/{ns}/deployments`; core objects (group `""`)
/// are served under `/api/v1`.
public struct APIResource: Sendable, Hashable, CustomStringConvertible {
    /// The API group; empty for the core group.
    public var group: String
    /// The version, such as `v1`.
    public var version: String
    /// The plural resource name used in paths, such as `replicasets`.
    public var plural: String
    /// The kind, such as `ReplicaSet`.
    public var kind: String
    /// Whether objects live in namespaces.
    public var isNamespaced: Bool

    /// Describes a resource.
    public init(group: String, version: String, plural: String, kind: String, isNamespaced: Bool = true) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.isNamespaced = isNamespaced
    }

    /// `apps/v1`, or `v1` for the core group: the `apiVersion` field of the objects.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The path prefix of the group version: `/api/v1` or `/apis/{group}/{version}`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The collection path, in one namespace or (with `nil`) across all namespaces.
    public func collectionPath(namespace: String?) -> String {
        if isNamespaced, let namespace {
            return "\(groupVersionPath)/namespaces/\(namespace)/\(plural)"
        }
        return "\(groupVersionPath)/\(plural)"
    }

    /// The path of one named object.
    public func objectPath(namespace: String?, name: String) -> String {
        "\(collectionPath(namespace: namespace))/\(name)"
    }

    /// `deployments.apps`, the way kubectl names a resource.
    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }
}

/// A Kubernetes object the gate reads: it has metadata and a known place in the API.
public protocol KubeObject: Codable, Sendable {
    /// Where objects of this type are served.
    static var resource: APIResource { get }
    /// The object's metadata.
    var metadata: ObjectMeta { get }
}
