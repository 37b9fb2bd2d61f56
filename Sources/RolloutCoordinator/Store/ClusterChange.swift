import KubeModel

/// A change from one of the gate's watches, typed by the kind it watched.
enum ClusterChange: Sendable {
    case deployment(WatchChange<Deployment>)
    case statefulSet(WatchChange<StatefulSet>)
    case daemonSet(WatchChange<DaemonSet>)
    case job(WatchChange<Job>)
    case replicaSet(WatchChange<ReplicaSet>)
    case pod(WatchChange<Pod>)
    case event(WatchChange<Event>)

    /// Whether this is the end of a watch's initial list.
    var isSynced: Bool {
        switch self {
        case .deployment(.synced), .statefulSet(.synced), .daemonSet(.synced), .job(.synced), .replicaSet(.synced),
            .pod(.synced), .event(.synced):
            true
        default:
            false
        }
    }
}

extension Deployment: StoredObject {
    var parentUID: String? { nil }
}

extension StatefulSet: StoredObject {
    var parentUID: String? { nil }
}

extension DaemonSet: StoredObject {
    var parentUID: String? { nil }
}

extension Job: StoredObject {
    var parentUID: String? { nil }
}

extension ReplicaSet: StoredObject {
    var parentUID: String? { metadata.controllerReference?.uid }
}

extension Pod: StoredObject {
    var parentUID: String? { metadata.controllerReference?.uid }
}

extension Event: StoredObject {
    var parentUID: String? { involvedObject.uid }
}
