import Foundation

/// What the kubelet remembers about a pod between calls.
struct PodRecord: Sendable {
    var uid: String?
    /// The controller that owns the pod (ReplicaSet, StatefulSet, DaemonSet, Job), if any.
    var ownerKey: ObjectKey?
    var ownerUID: String?
    var bornAt: Date
    /// The pod's place among those its owner created (0 for the first), for per-pod behaviours.
    var ordinal: Int
    var nodeIndex: Int
    var podIP: String
    /// Resolved when the kubelet first sees the pod, then fixed for the pod's life.
    var behaviour: PodBehaviour?
    /// Events up to this moment have been recorded.
    var emittedThrough: Date?
    /// How many instances of each container have had their log written.
    var loggedInstances: [String: Int] = [:]
    var deletionRequestedAt: Date?
    /// Whether the kubelet drives this pod; pods that arrived with a status belong to the scenario.
    var managed: Bool
}

/// A first-in, first-out queue of objects to sync, each at most once at a time.
struct WorkQueue {
    private var items: [ObjectKey] = []
    private var head = 0
    private var queued: Set<ObjectKey> = []

    mutating func add(_ key: ObjectKey) {
        if queued.insert(key).inserted { items.append(key) }
    }

    mutating func next() -> ObjectKey? {
        guard head < items.count else { return nil }
        let key = items[head]
        head += 1
        queued.remove(key)
        return key
    }

    var remaining: [ObjectKey] { Array(items[head...]) }
    var count: Int { items.count - head }
}

/// The simulated control plane and nodes: the Deployment, ReplicaSet, StatefulSet, DaemonSet and Job
/// controllers, the garbage collector, the scheduler and the kubelets, with their memory between calls.
///
/// Like the real controllers it is level-triggered: each sync reads the object and what it owns and
/// writes what should be, so a client's `kubectl scale` or `kubectl apply` in between is simply the
/// next state to reconcile. To stay cheap with thousands of objects it indexes ReplicaSets and pods by
/// owner, syncs only objects that changed or whose timer is due, and reads what changed since its
/// previous call from the snapshot's change feed, as controllers follow watches. A snapshot without a
/// feed (or whose feed no longer reaches back far enough) is listed instead: other clients' changes to
/// pods and ReplicaSets are then noticed by their count (at once) and by a periodic resync.
struct ControlPlane: Sendable {
    let configuration: BehaviourConfiguration
    /// How often pods and ReplicaSets are re-listed in full to notice edits that keep their count.
    var resyncInterval: TimeInterval = 1

    var startedAt: Date?
    var nextUpdateIndex = 0
    var scheduledUpdates: [(at: TimeInterval, workload: Int, update: WorkloadUpdate)] = []
    var declaredBehaviours: [ObjectKey: [String: PodBehaviour]] = [:]
    /// Declared `rolled-out` workloads whose first revision is still being laid out.
    var settling: Set<ObjectKey> = []

    /// Top-level workloads seen, with the resourceVersion and uid last seen.
    var seen: [ObjectKey: (resourceVersion: String, uid: String)] = [:]
    var seenCount: [String: Int] = [:]
    /// Objects that arrived with a status: the scenario's own, left alone with everything they own.
    var unmanagedUIDs: Set<String> = []
    /// Known ReplicaSets: uid and the uid of their controller (a Deployment), if any.
    var replicaSets: [ObjectKey: (uid: String, owner: String?)] = [:]
    var pods: [ObjectKey: PodRecord] = [:]
    var expectedCount: [String: Int] = [:]
    /// How many pods and ReplicaSets the store listed at the start of this call.
    var listedCount: [String: Int] = [:]
    var lastResync: Date?
    /// A call skipped the full re-list because the last one was recent: one more is owed.
    var resyncPending = false
    /// The snapshot revision the previous call read: the next call reads the change feed after it.
    var feedRevision: Int64?
    var replicaSetsByOwner: [String: Set<ObjectKey>] = [:]
    var podsByOwner: [String: Set<ObjectKey>] = [:]
    var keyOfUID: [String: ObjectKey] = [:]
    var timers: [ObjectKey: Date] = [:]
    var carry: Set<ObjectKey> = []
    var recorder = EventRecorder()
    var podsCreated: [String: Int] = [:]
    var nodeCursor = 0
    var addressCursor: [Int: Int] = [:]
    /// Pod templates per StatefulSet uid and revision, as ControllerRevisions would keep them.
    var revisionTemplates: [String: [String: JSONValue]] = [:]
    /// Admission rejections per ReplicaSet uid: how many so far, for the retry back-off.
    var rejections: [String: Int] = [:]

    init(configuration: BehaviourConfiguration) {
        self.configuration = configuration
        var updates: [(at: TimeInterval, workload: Int, update: WorkloadUpdate)] = []
        for (index, workload) in configuration.workloads.enumerated() {
            for update in workload.updates { updates.append((update.at, index, update)) }
            declaredBehaviours[workload.key] = workload.behaviourByImage
        }
        scheduledUpdates = updates.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map(\.element)
    }

    func scaled(_ seconds: Double) -> TimeInterval { seconds * configuration.timeScale }

    // MARK: The call

    mutating func reconcile(now: Date, cluster: any ClusterSnapshot) -> BehaviourStep {
        var workspace = Workspace(cluster: cluster, now: now)
        var queue = WorkQueue()
        if startedAt == nil {
            startedAt = now
            bootstrap(&workspace, queue: &queue)
        }
        applyDueUpdates(&workspace, queue: &queue)
        let revision = cluster.revision
        if let from = feedRevision, let feed = changeFeed(cluster, after: from) {
            followChanges(feed, &workspace, queue: &queue)
        } else {
            detectChanges(&workspace, queue: &queue)
        }
        feedRevision = revision
        for key in carry { queue.add(key) }
        carry.removeAll()
        for (key, due) in timers where due <= now {
            timers[key] = nil
            queue.add(key)
        }

        var budget = 50_000 + queue.count * 20
        while let key = queue.next() {
            if budget == 0 {
                carry.insert(key)
                continue
            }
            budget -= 1
            sync(key, &workspace, queue: &queue)
        }
        let writes = workspace.writes()
        if feedRevision == nil { rememberCounts(after: writes, cluster: cluster) }
        return BehaviourStep(writes: writes, nextWake: nextWake(now: now))
    }

    mutating func sync(_ key: ObjectKey, _ workspace: inout Workspace, queue: inout WorkQueue) {
        switch key.kind {
        case "Deployment": syncDeployment(key, &workspace, queue: &queue)
        case "ReplicaSet": syncReplicaSet(key, &workspace, queue: &queue)
        case "StatefulSet": syncStatefulSet(key, &workspace, queue: &queue)
        case "DaemonSet": syncDaemonSet(key, &workspace, queue: &queue)
        case "Job": syncJob(key, &workspace, queue: &queue)
        case "Pod": syncPod(key, &workspace, queue: &queue)
        default: break
        }
    }

    func nextWake(now: Date) -> Date? {
        var wake: Date? = carry.isEmpty ? nil : now
        for due in timers.values { wake = earliest(wake, due) }
        if let startedAt, nextUpdateIndex < scheduledUpdates.count {
            wake = earliest(wake, startedAt + scheduledUpdates[nextUpdateIndex].at)
        }
        if let lastResync, resyncPending {
            wake = earliest(wake, lastResync + resyncInterval)
        }
        return wake.map { max($0, now) }
    }

    /// Sets a timer to sync `key` at `date`, keeping an earlier one.
    mutating func wake(_ key: ObjectKey, at date: Date) {
        if let existing = timers[key], existing <= date { return }
        timers[key] = date
    }

    // MARK: Noticing changes

    /// The kinds the control plane follows.
    static let topLevelKinds = ["Deployment", "StatefulSet", "DaemonSet", "Job"]

    /// The last change of each object of each followed kind after `revision`, or nil when the snapshot has
    /// no feed or no longer retains all of it (the caller lists everything instead).
    func changeFeed(_ cluster: any ClusterSnapshot, after revision: Int64) -> [String: [SnapshotChange]]? {
        var feed: [String: [SnapshotChange]] = [:]
        for kind in Self.topLevelKinds + ["ReplicaSet", "Pod"] {
            guard let changes = cluster.changes(kind: kind, after: revision) else { return nil }
            guard !changes.isEmpty else { continue }
            var last: [ObjectKey: Int] = [:]
            var order: [SnapshotChange] = []
            for change in changes {
                let key = change.object.objectKey(kind: kind)
                if let index = last[key] {
                    order[index] = change
                } else {
                    last[key] = order.count
                    order.append(change)
                }
            }
            feed[kind] = order
        }
        return feed
    }

    /// Takes in what changed since the previous call: the work is the size of the change, not the cluster.
    mutating func followChanges(
        _ feed: [String: [SnapshotChange]],
        _ workspace: inout Workspace,
        queue: inout WorkQueue
    ) {
        for kind in Self.topLevelKinds {
            // The full re-list compares counts; after following changes its count is unknown.
            if feed[kind] != nil { seenCount[kind] = nil }
            for change in feed[kind] ?? [] {
                let object = change.object
                let key = object.objectKey(kind: kind)
                let uid = object.metaUID ?? ""
                if change.type == .deleted {
                    guard let known = seen[key], known.uid == uid else { continue }
                    seen[key] = nil
                    keyOfUID[uid] = nil
                    timers[key] = nil
                    collectGarbage(ownerUID: uid, &workspace, queue: &queue)
                } else {
                    noticeTopLevel(object, key: key, &workspace, queue: &queue)
                }
            }
        }
        for change in feed["ReplicaSet"] ?? [] {
            let key = change.object.objectKey(kind: "ReplicaSet")
            if change.type == .deleted {
                if let known = replicaSets[key], known.uid == change.object.metaUID, !workspace.isPendingCreate(key) {
                    forgetReplicaSet(key, uid: known.uid, &workspace, queue: &queue)
                }
            } else {
                noticeReplicaSet(change.object, key: key, &workspace, queue: &queue)
            }
        }
        for change in feed["Pod"] ?? [] {
            let key = change.object.objectKey(kind: "Pod")
            if change.type == .deleted {
                guard let record = pods[key] else { continue }
                if record.uid == change.object.metaUID || (record.uid == nil && workspace.get(key) == nil) {
                    forgetPod(key, &workspace, queue: &queue)
                }
            } else {
                noticePod(change.object, key: key, &workspace, queue: &queue)
            }
        }
        lastResync = workspace.now
        resyncPending = false
        expectedCount = [:]
    }

    /// A Deployment, StatefulSet, DaemonSet or Job as listed or changed: queued when it is new or changed.
    ///
    /// Returns whether it was not known before.
    @discardableResult
    mutating func noticeTopLevel(
        _ object: JSONValue,
        key: ObjectKey,
        _ workspace: inout Workspace,
        queue: inout WorkQueue
    )
        -> Bool
    {
        let resourceVersion = object.metaResourceVersion ?? ""
        guard seen[key]?.resourceVersion != resourceVersion else { return false }
        let uid = object.metaUID ?? ""
        var added = false
        if let previous = seen[key], previous.uid != uid {
            // Deleted and created again under the same name between two calls.
            collectGarbage(ownerUID: previous.uid, &workspace, queue: &queue)
        } else if seen[key] == nil {
            added = true
            if hasStatus(object) { unmanagedUIDs.insert(uid) }
        }
        seen[key] = (resourceVersion, uid)
        keyOfUID[uid] = key
        queue.add(key)
        return added
    }

    mutating func detectChanges(_ workspace: inout Workspace, queue: inout WorkQueue) {
        let cluster = workspace.cluster
        for kind in ["Deployment", "StatefulSet", "DaemonSet", "Job"] {
            let objects = cluster.objects(kind: kind, namespace: nil)
            var added = false
            for object in objects {
                let key = object.objectKey(kind: kind)
                if noticeTopLevel(object, key: key, &workspace, queue: &queue) { added = true }
            }
            if added || objects.count != seenCount[kind] {
                let present = Set(objects.map { $0.objectKey(kind: kind) })
                for (key, info) in seen where key.kind == kind && !present.contains(key) {
                    seen[key] = nil
                    keyOfUID[info.uid] = nil
                    timers[key] = nil
                    collectGarbage(ownerUID: info.uid, &workspace, queue: &queue)
                }
                seenCount[kind] = objects.count
            }
        }

        let dueForResync = lastResync.map { workspace.now.timeIntervalSince($0) >= resyncInterval } ?? true
        let replicaSetList = cluster.objects(kind: "ReplicaSet", namespace: nil)
        let podList = cluster.objects(kind: "Pod", namespace: nil)
        listedCount = ["ReplicaSet": replicaSetList.count, "Pod": podList.count]
        if dueForResync || replicaSetList.count != expectedCount["ReplicaSet"] {
            scanReplicaSets(replicaSetList, &workspace, queue: &queue)
        }
        if dueForResync || podList.count != expectedCount["Pod"] {
            scanPods(podList, &workspace, queue: &queue)
        }
        if dueForResync {
            lastResync = workspace.now
            resyncPending = false
        } else {
            resyncPending = true
        }
    }

    func hasStatus(_ object: JSONValue) -> Bool {
        guard let status = object["status"]?.objectValue else { return false }
        return !status.isEmpty
    }

    mutating func scanReplicaSets(_ list: [JSONValue], _ workspace: inout Workspace, queue: inout WorkQueue) {
        var present = Set<ObjectKey>()
        present.reserveCapacity(list.count)
        for object in list {
            let key = object.objectKey(kind: "ReplicaSet")
            present.insert(key)
            noticeReplicaSet(object, key: key, &workspace, queue: &queue)
        }
        for (key, known) in replicaSets where !present.contains(key) && !workspace.isPendingCreate(key) {
            forgetReplicaSet(key, uid: known.uid, &workspace, queue: &queue)
        }
    }

    /// A ReplicaSet as listed or changed: indexed under its owner when it is new (or a new uid).
    mutating func noticeReplicaSet(
        _ object: JSONValue,
        key: ObjectKey,
        _ workspace: inout Workspace,
        queue: inout WorkQueue
    ) {
        guard let uid = object.metaUID else { return }
        if replicaSets[key]?.uid == uid { return }
        if let previous = replicaSets[key] { forgetReplicaSet(key, uid: previous.uid, &workspace, queue: &queue) }
        replicaSets[key] = (uid, object.controllerReference?.uid)
        keyOfUID[uid] = key
        if let owner = object.controllerReference {
            replicaSetsByOwner[owner.uid, default: []].insert(key)
            if unmanagedUIDs.contains(owner.uid) { unmanagedUIDs.insert(uid) }
            if let ownerKey = keyOfUID[owner.uid] { queue.add(ownerKey) }
        } else if hasStatus(object) {
            unmanagedUIDs.insert(uid)
        }
        queue.add(key)
    }

    mutating func scanPods(_ list: [JSONValue], _ workspace: inout Workspace, queue: inout WorkQueue) {
        var present = Set<ObjectKey>()
        present.reserveCapacity(list.count)
        for object in list {
            let key = object.objectKey(kind: "Pod")
            present.insert(key)
            noticePod(object, key: key, &workspace, queue: &queue)
        }
        for (key, record) in pods where !present.contains(key) {
            // Pods this call created are not listed yet; only forget what the store once held.
            guard record.uid != nil || workspace.get(key) == nil else { continue }
            forgetPod(key, &workspace, queue: &queue)
        }
    }

    /// A pod as listed or changed: adopted when new, handed to the kubelet when it needs one.
    mutating func noticePod(_ object: JSONValue, key: ObjectKey, _ workspace: inout Workspace, queue: inout WorkQueue) {
        let uid = object.metaUID
        if var record = pods[key] {
            if record.uid == nil {
                // Created by this model in an earlier call; now the store has named it.
                record.uid = uid
                pods[key] = record
                if record.managed { queue.add(key) }
                return
            }
            if record.uid == uid {
                // Known: a client may have deleted it gracefully, which the kubelet must finish and its
                // owner must count (and replace).
                if record.deletionRequestedAt == nil && object.isTerminating {
                    queue.add(key)
                    if let ownerUID = record.ownerUID, let ownerKey = keyOfUID[ownerUID] { queue.add(ownerKey) }
                }
                return
            }
            forgetPod(key, &workspace, queue: &queue)
        }
        pods[key] = adopt(object, now: workspace.now)
        if let ownerUID = pods[key]?.ownerUID {
            podsByOwner[ownerUID, default: []].insert(key)
            if let ownerKey = keyOfUID[ownerUID] { queue.add(ownerKey) }
        }
        if pods[key]?.managed == true { queue.add(key) }
    }

    /// A record for a pod someone else created: managed when it has no status of its own yet.
    func adopt(_ object: JSONValue, now: Date) -> PodRecord {
        let owner = object.controllerReference
        let ownerManaged = owner.map { !unmanagedUIDs.contains($0.uid) && keyOfUID[$0.uid] != nil } ?? true
        let phase = object[path: ["status", "phase"]]?.stringValue
        let fresh = phase == nil || (phase == "Pending" && object[path: ["spec", "nodeName"]] == nil)
        let born =
            object[path: ["metadata", "creationTimestamp"]]?.stringValue.flatMap(KubeTimestamp.parse).map {
                min($0, now)
            }
            ?? now
        return PodRecord(
            uid: object.metaUID,
            ownerKey: owner.flatMap { keyOfUID[$0.uid] },
            ownerUID: owner?.uid,
            bornAt: born,
            ordinal: 0,
            nodeIndex: 0,
            podIP: "",
            managed: ownerManaged && fresh
        )
    }

    // MARK: Forgetting and the garbage collector

    mutating func forgetPod(_ key: ObjectKey, _ workspace: inout Workspace, queue: inout WorkQueue) {
        guard let record = pods.removeValue(forKey: key) else { return }
        timers[key] = nil
        if let uid = record.uid { recorder.forget(uid: uid) }
        if let ownerUID = record.ownerUID {
            podsByOwner[ownerUID]?.remove(key)
            if let ownerKey = keyOfUID[ownerUID] { queue.add(ownerKey) }
        }
    }

    mutating func forgetReplicaSet(_ key: ObjectKey, uid: String, _ workspace: inout Workspace, queue: inout WorkQueue)
    {
        let owner = replicaSets.removeValue(forKey: key)?.owner
        keyOfUID[uid] = nil
        timers[key] = nil
        recorder.forget(uid: uid)
        if let owner {
            replicaSetsByOwner[owner]?.remove(key)
            if let ownerKey = keyOfUID[owner] { queue.add(ownerKey) }
        }
        collectGarbage(ownerUID: uid, &workspace, queue: &queue)
    }

    /// The garbage collector: when an owner is gone, its dependents go too (background propagation).
    mutating func collectGarbage(ownerUID: String, _ workspace: inout Workspace, queue: inout WorkQueue) {
        recorder.forget(uid: ownerUID)
        for key in replicaSetsByOwner.removeValue(forKey: ownerUID) ?? [] {
            workspace.remove(key)
            if let known = replicaSets[key] { forgetReplicaSet(key, uid: known.uid, &workspace, queue: &queue) }
        }
        for key in podsByOwner[ownerUID] ?? [] {
            deletePod(key, &workspace, queue: &queue)
        }
    }

    mutating func rememberCounts(after writes: [ClusterWrite], cluster: any ClusterSnapshot) {
        var delta: [String: Int] = ["ReplicaSet": 0, "Pod": 0]
        for write in writes {
            switch write {
            case .upsert(let object):
                let kind = object.metaKind
                guard kind == "ReplicaSet" || kind == "Pod" else { continue }
                let exists = cluster.object(kind: kind, namespace: object.metaNamespace, name: object.metaName) != nil
                if !exists { delta[kind, default: 0] += 1 }
            case .delete(let kind, _, _):
                if kind == "ReplicaSet" || kind == "Pod" { delta[kind, default: 0] -= 1 }
            case .setLog:
                break
            }
        }
        for kind in ["ReplicaSet", "Pod"] {
            expectedCount[kind] = (listedCount[kind] ?? 0) + (delta[kind] ?? 0)
        }
    }
}
