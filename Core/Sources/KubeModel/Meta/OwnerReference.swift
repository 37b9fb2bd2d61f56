/// One entry of `metadata.ownerReferences`: the object that owns this one.
public struct OwnerReference: Codable, Sendable, Hashable {
    /// The owner's `apiVersion`, such as `apps/v1`.
    public var apiVersion: String
    /// The owner's kind, such as `ReplicaSet`.
    public var kind: String
    /// The owner's name.
    public var name: String
    /// The owner's UID: the only field that identifies the owner across delete and re-create.
    public var uid: String
    /// Whether the owner is the managing controller; at most one reference has it.
    public var controller: Bool?

    /// Creates an owner reference.
    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
    }
}
