import RolloutRules

/// One LIST+WATCH the gate runs: which resource, and which objects of it.
struct WatchSpec: Sendable, Hashable, CustomStringConvertible {
    /// What the watch delivers.
    enum Resource: Sendable, Hashable {
        /// Workloads of one kind: what targets resolve to.
        case workloads(Workload.Kind)
        /// ReplicaSets, joined to Deployments by owner UID.
        case replicaSets
        /// Pods, joined to their ReplicaSet (or workload) by owner UID.
        case pods
        /// Warning events, joined to the object they are about by UID.
        case warningEvents
    }

    var resource: Resource
    var query: WatchQuery

    var description: String {
        let name =
            switch resource {
            case .workloads(let kind): "\(kind.rawValue)s"
            case .replicaSets: "replicasets"
            case .pods: "pods"
            case .warningEvents: "warning events"
            }
        return "\(name) in \(query)"
    }

    /// The watches that feed the rules for workloads in `namespace`, besides the workloads themselves.
    static func dependents(in namespace: String) -> [WatchSpec] {
        [
            WatchSpec(resource: .replicaSets, query: WatchQuery(namespace: namespace)),
            WatchSpec(resource: .pods, query: WatchQuery(namespace: namespace)),
            WatchSpec(resource: .warningEvents, query: WatchQuery(namespace: namespace, fieldSelector: "type=Warning")),
        ]
    }
}
