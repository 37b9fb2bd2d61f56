import KubeModel
import RolloutRules

/// The gate's in-memory copy of the cluster: what its watches delivered, joined by owner UID.
///
/// A pure value: watch changes go in, and out come the workloads each change may affect and, per workload,
/// the observation the rules judge. One LIST+WATCH per namespace and kind feeds every target in it, and
/// the join happens here instead of in per-Deployment API calls (what made the original tool slow).
struct ClusterStore: Sendable {
    private var deployments = ObjectIndex<Deployment>()
    private var statefulSets = ObjectIndex<StatefulSet>()
    private var daemonSets = ObjectIndex<DaemonSet>()
    private var jobs = ObjectIndex<Job>()
    private var replicaSets = ObjectIndex<ReplicaSet>()
    private var pods = ObjectIndex<Pod>()
    private var events = ObjectIndex<Event>()

    /// Which workloads a change may have affected.
    struct Update: Sendable, Equatable {
        /// Workloads whose observation may differ now.
        var touched: Set<WorkloadReference> = []
        /// Workloads that were present and are gone now (deleted, or out of every watch that saw them).
        var vanished: Set<WorkloadReference> = []
    }

    /// How many objects of each kind the store holds, for tests and diagnostics.
    var counts: [String: Int] {
        [
            "Deployment": deployments.count, "StatefulSet": statefulSets.count, "DaemonSet": daemonSets.count,
            "Job": jobs.count, "ReplicaSet": replicaSets.count, "Pod": pods.count, "Event": events.count,
        ]
    }

    /// Applies one change seen by `watch`.
    mutating func apply(_ change: ClusterChange, from watch: WatchID) -> Update {
        var update = Update()
        var parents: Set<String> = []
        switch change {
        case .deployment(let change): Self.applyWorkload(change, .deployment, from: watch, to: &deployments, &update)
        case .statefulSet(let change): Self.applyWorkload(change, .statefulSet, from: watch, to: &statefulSets, &update)
        case .daemonSet(let change): Self.applyWorkload(change, .daemonSet, from: watch, to: &daemonSets, &update)
        case .job(let change): Self.applyWorkload(change, .job, from: watch, to: &jobs, &update)
        case .replicaSet(let change): parents = Self.applyDependent(change, from: watch, to: &replicaSets)
        case .pod(let change): parents = Self.applyDependent(change, from: watch, to: &pods)
        case .event(.upserted(let event)) where !event.isWarning: break
        case .event(let change): parents = Self.applyDependent(change, from: watch, to: &events)
        }
        for parent in parents {
            if let reference = owningWorkload(ofUID: parent) { update.touched.insert(reference) }
        }
        return update
    }

    private static func applyWorkload<Object: StoredObject>(
        _ change: WatchChange<Object>,
        _ kind: Workload.Kind,
        from watch: WatchID,
        to index: inout ObjectIndex<Object>,
        _ update: inout Update
    ) {
        switch change {
        case .upserted(let object):
            index.upsert(object, from: watch)
            update.touched.insert(WorkloadReference(kind, object.metadata))
        case .deleted(let object):
            if index.remove(object, from: watch) != nil {
                update.vanished.insert(WorkloadReference(kind, object.metadata))
            }
        case .synced:
            break
        }
    }

    /// Applies a change to a ReplicaSet, pod or event; returns the UIDs of the objects it belonged to
    /// before and after, whose workloads it may affect.
    private static func applyDependent<Object: StoredObject>(
        _ change: WatchChange<Object>,
        from watch: WatchID,
        to index: inout ObjectIndex<Object>
    ) -> Set<String> {
        let parents: [String?]
        switch change {
        case .upserted(let object): parents = [index.upsert(object, from: watch)?.parentUID, object.parentUID]
        case .deleted(let object): parents = [index.remove(object, from: watch)?.parentUID]
        case .synced: parents = []
        }
        return Set(parents.compactMap { $0 })
    }

    /// The workload's current object, if present.
    func workload(_ reference: WorkloadReference) -> Workload? {
        let key = ObjectKey(namespace: reference.namespace, name: reference.name)
        switch reference.kind {
        case .deployment: return deployments[key].map(Workload.deployment)
        case .statefulSet: return statefulSets[key].map(Workload.statefulSet)
        case .daemonSet: return daemonSets[key].map(Workload.daemonSet)
        case .job: return jobs[key].map(Workload.job)
        }
    }

    /// What the rules judge for one workload: the object, the ReplicaSets it controls, the pods they (or
    /// it) control, and the Warning events about any of them.
    func observation(of reference: WorkloadReference) -> RolloutObservation? {
        guard let workload = workload(reference) else { return nil }
        guard let uid = workload.metadata.uid else { return RolloutObservation(workload: workload) }
        let ownedReplicaSets = replicaSets.children(of: uid)
        var ownedPods = pods.children(of: uid)
        for replicaSet in ownedReplicaSets {
            if let replicaSetUID = replicaSet.metadata.uid { ownedPods += pods.children(of: replicaSetUID) }
        }
        var uids = [uid]
        uids += ownedReplicaSets.compactMap(\.metadata.uid)
        uids += ownedPods.compactMap(\.metadata.uid)
        return RolloutObservation(
            workload: workload,
            replicaSets: ownedReplicaSets,
            pods: ownedPods,
            events: uids.flatMap { events.children(of: $0) }
        )
    }

    /// The workload that owns the object with `uid`, following controller references up to two levels
    /// (pod → ReplicaSet → Deployment).
    func owningWorkload(ofUID uid: String) -> WorkloadReference? {
        var current = uid
        for _ in 0..<3 {
            if let object = deployments[uid: current] { return WorkloadReference(.deployment, object.metadata) }
            if let object = statefulSets[uid: current] { return WorkloadReference(.statefulSet, object.metadata) }
            if let object = daemonSets[uid: current] { return WorkloadReference(.daemonSet, object.metadata) }
            if let object = jobs[uid: current] { return WorkloadReference(.job, object.metadata) }
            guard let parent = replicaSets[uid: current]?.parentUID ?? pods[uid: current]?.parentUID else { return nil }
            current = parent
        }
        return nil
    }

    /// The Warning events about the object with `uid`, by name.
    func warningEvents(about uid: String) -> [Event] { events.children(of: uid) }
}

extension WorkloadReference {
    /// The reference of a workload object of `kind`.
    init(_ kind: Workload.Kind, _ metadata: ObjectMeta) {
        self.init(kind: kind, namespace: metadata.namespace ?? "", name: metadata.name)
    }
}

extension Workload {
    /// The workload's pod selector (`spec.selector`) in kubectl's grammar, for narrowing watches to its own
    /// ReplicaSets and pods; `nil` when it has none or it cannot be rendered.
    var podSelector: String? {
        let spec: LabelSelectorSpec?
        switch self {
        case .deployment(let object): spec = object.spec.selector
        case .statefulSet(let object): spec = object.spec.selector
        case .daemonSet(let object): spec = object.spec.selector
        case .job(let object): spec = object.spec.selector
        }
        // The API server validated the selector when it stored the object; one it would reject only means the
        // watch is not narrowed, which changes nothing but its size.
        guard let spec, let selector = try? LabelSelector(spec), !selector.isEverything else { return nil }
        return selector.description
    }
}
