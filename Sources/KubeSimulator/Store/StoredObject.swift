/// One object in the store, with its JSON encoding cached.
///
/// Every list, get and watch event of the object reuses `json`, so an object is encoded once per change
/// however many clients read it — the benchmarks fan one change out to hundreds of watches.
public struct StoredObject: Sendable, Hashable {
    /// The object as served.
    public var value: JSONValue
    /// The compact JSON encoding of `value`.
    public var json: [UInt8]
    /// The resourceVersion of the change that produced this state.
    public var resourceVersion: Int64
    /// The namespace (`""` for cluster-scoped objects).
    public var namespace: String
    /// The name.
    public var name: String
    /// The labels, extracted once for selector matching.
    public var labels: [String: String]

    /// Wraps a value whose metadata the store has already completed.
    init(value: JSONValue, resourceVersion: Int64) {
        self.value = value
        self.json = value.serialized()
        self.resourceVersion = resourceVersion
        self.namespace = value[path: ["metadata", "namespace"]]?.stringValue ?? ""
        self.name = value[path: ["metadata", "name"]]?.stringValue ?? ""
        self.labels = Self.labels(of: value)
    }

    /// The `metadata.labels` of an object as a string map (non-string values are ignored).
    static func labels(of value: JSONValue) -> [String: String] {
        guard let members = value[path: ["metadata", "labels"]]?.objectValue else { return [:] }
        var labels: [String: String] = [:]
        for (key, value) in members {
            if let text = value.stringValue { labels[key] = text }
        }
        return labels
    }

    /// The sort key etcd would use (`namespace/name`, or `name` for cluster-scoped objects).
    var key: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    /// `metadata.uid`.
    var uid: String { value[path: ["metadata", "uid"]]?.stringValue ?? "" }

    /// The same object carrying another resourceVersion (a deletion, or a watch's synthetic DELETED).
    func withResourceVersion(_ resourceVersion: Int64) -> StoredObject {
        var value = self.value
        value.setValue(.string(String(resourceVersion)), at: ["metadata", "resourceVersion"])
        return StoredObject(value: value, resourceVersion: resourceVersion)
    }
}

extension JSONValue {
    /// Sets (or with `nil` removes) the value at a path of object keys, creating intermediate objects.
    ///
    /// A no-op when a non-object sits on the path, as a merge patch leaves such a value alone.
    public mutating func setValue(_ newValue: JSONValue?, at path: [String]) {
        guard let first = path.first else {
            if let newValue { self = newValue }
            return
        }
        guard case .object(var members) = self else { return }
        if path.count == 1 {
            members[first] = newValue
        } else {
            var child = members[first] ?? .object([:])
            if child.objectValue == nil { child = .object([:]) }
            child.setValue(newValue, at: Array(path.dropFirst()))
            members[first] = child
        }
        self = .object(members)
    }
}
