import KubeModel

/// One change delivered by a list-then-watch, in the order the API server made it.
///
/// `synced` separates the initial state from later changes: only after it may the gate conclude that a
/// named workload does not exist, or that a selector matches nothing. A source that relists after a
/// `410 Gone` delivers the difference as ordinary changes, so the consumer's view stays the server's.
public enum WatchChange<Object: KubeObject>: Sendable {
    /// The object was added or changed; this is its current state.
    case upserted(Object)
    /// The object was deleted (or left the watch's selection); this is its last state.
    case deleted(Object)
    /// Every object that existed when the watch started has been delivered.
    case synced
}
