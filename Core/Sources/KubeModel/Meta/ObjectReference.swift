/// A reference to another object, as in an Event's `involvedObject`.
public struct ObjectReference: Codable, Sendable, Hashable {
    /// The kind, such as `Pod` or `ReplicaSet`.
    public var kind: String?
    /// The namespace.
    public var namespace: String?
    /// The name.
    public var name: String?
    /// The UID: it tells a re-created object of the same name from the one the event is about.
    public var uid: String?
    /// The apiVersion, such as `v1`.
    public var apiVersion: String?
    /// The part of the object, such as `spec.containers{main}`: it names the container an event is about.
    public var fieldPath: String?

    /// Creates a reference.
    public init(
        kind: String? = nil,
        namespace: String? = nil,
        name: String? = nil,
        uid: String? = nil,
        apiVersion: String? = nil,
        fieldPath: String? = nil
    ) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.apiVersion = apiVersion
        self.fieldPath = fieldPath
    }

    /// The container named by `fieldPath` (`spec.containers{main}` or `spec.initContainers{init}`), if any.
    public var containerName: String? {
        guard let fieldPath, let open = fieldPath.firstIndex(of: "{"), fieldPath.hasSuffix("}") else { return nil }
        let name = fieldPath[fieldPath.index(after: open)..<fieldPath.index(before: fieldPath.endIndex)]
        return name.isEmpty ? nil : String(name)
    }
}
