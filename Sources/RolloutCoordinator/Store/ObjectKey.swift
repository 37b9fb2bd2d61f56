import KubeModel

/// Where an object lives: its namespace and name, unique within one kind.
struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The namespace; empty for cluster-scoped objects.
    var namespace: String
    /// The name.
    var name: String

    init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    init(_ metadata: ObjectMeta) {
        self.init(namespace: metadata.namespace ?? "", name: metadata.name)
    }

    static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }

    var description: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }
}

/// An object the store keeps, with the UID of the object it belongs to.
///
/// The store joins objects in memory instead of asking the API server for each Deployment's ReplicaSets
/// and pods: a ReplicaSet or pod belongs to its controller (`ownerReferences` with `controller: true`), a
/// Kubernetes event to its `involvedObject`. Joining by UID, never by name or selector, keeps another
/// Deployment's ReplicaSets out even when selectors overlap, and survives delete-and-recreate.
protocol StoredObject: KubeObject {
    /// The UID of the object this one belongs to, if any.
    var parentUID: String? { get }
}
