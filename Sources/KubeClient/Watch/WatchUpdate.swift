import KubeModel

/// One change in the consumer's view of a watched collection.
///
/// The view starts empty; the initial list arrives as `added` objects followed by one `synced`, so a
/// consumer can tell "nothing matched" (synced, no objects) from "not listed yet". After that every case
/// carries the object's current (for `deleted`: last) state. Recovery after an expired resourceVersion
/// relists and emits only the difference, so applying the updates in order always yields the server's state.
public enum WatchUpdate<Object: KubeObject>: Sendable {
    /// An object entered the view.
    case added(Object)
    /// An object in the view changed.
    case modified(Object)
    /// An object left the view (deleted, or no longer matching the selector).
    case deleted(Object)
    /// The initial list has been delivered; sent once per watch.
    case synced

    /// The object of an `added`, `modified` or `deleted` update.
    public var object: Object? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): object
        case .synced: nil
        }
    }
}

/// The identity of an object within a watched collection: namespace and name.
struct ObjectKey: Hashable, Comparable, Sendable {
    var namespace: String
    var name: String

    init(_ metadata: ObjectMeta) {
        namespace = metadata.namespace ?? ""
        name = metadata.name
    }

    static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}
