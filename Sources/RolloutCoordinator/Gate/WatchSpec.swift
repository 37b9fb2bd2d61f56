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

    var description: String { described.description }

    /// The watch as the outcome lists it.
    var described: WatchQuery.Described {
        let name =
            switch resource {
            case .workloads(let kind): "\(kind.rawValue)s"
            case .replicaSets: "replicasets"
            case .pods: "pods"
            case .warningEvents: "warning events"
            }
        return WatchQuery.Described(resource: name, query: query)
    }

    /// The watches that feed the rules for one workload, besides the workload itself.
    ///
    /// With `.namespace` they are shared by every workload of the namespace; with `.cluster` by every
    /// workload; with `.workload` the ReplicaSets and pods are narrowed by the workload's own pod
    /// selector (`selector`; namespace-wide when it has none) while events stay namespace-wide, since
    /// events carry no labels. `.adaptive` is decided per namespace before this is called; here it
    /// means `.namespace`.
    static func dependents(
        of reference: WorkloadReference,
        selector: String?,
        scope: DependentWatchScope
    ) -> [WatchSpec] {
        let namespace: String? = scope == .cluster ? nil : reference.namespace
        let labels = scope == .workload ? selector : nil
        return [
            WatchSpec(resource: .replicaSets, query: WatchQuery(namespace: namespace, labelSelector: labels)),
            WatchSpec(resource: .pods, query: WatchQuery(namespace: namespace, labelSelector: labels)),
            WatchSpec(resource: .warningEvents, query: WatchQuery(namespace: namespace, fieldSelector: "type=Warning")),
        ]
    }
}
