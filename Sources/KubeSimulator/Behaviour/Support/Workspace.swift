import Foundation

/// One `reconcile` call's view of the cluster: the store's snapshot with this call's writes laid over it.
///
/// Controllers in one call build on each other (the Deployment controller scales a ReplicaSet, the
/// ReplicaSet controller then creates pods for it), so each reads what the others already decided.
/// Every object is written at most once per call, in the order it was first touched, and writes
/// that leave an object as the store holds it are dropped, so the store never bumps a
/// resourceVersion for nothing.
struct Workspace {
    let cluster: any ClusterSnapshot
    let now: Date
    private var overlay: [ObjectKey: JSONValue?] = [:]
    private var order: [ObjectKey] = []
    private var logWrites: [ClusterWrite] = []

    init(cluster: any ClusterSnapshot, now: Date) {
        self.cluster = cluster
        self.now = now
    }

    /// The object as this call sees it: written here, else stored.
    func get(_ key: ObjectKey) -> JSONValue? {
        if let written = overlay[key] { return written }
        return cluster.object(kind: key.kind, namespace: key.namespace, name: key.name)
    }

    /// The object as the store holds it, ignoring this call's writes.
    func stored(_ key: ObjectKey) -> JSONValue? {
        cluster.object(kind: key.kind, namespace: key.namespace, name: key.name)
    }

    /// Whether this call created the object (it has no uid yet, so nothing can refer to it).
    func isPendingCreate(_ key: ObjectKey) -> Bool {
        overlay[key] != nil && stored(key) == nil
    }

    /// Records an upsert of `object` under `key`.
    mutating func put(_ object: JSONValue, as key: ObjectKey) {
        if overlay.updateValue(object, forKey: key) == nil { order.append(key) }
    }

    /// Records a deletion.
    mutating func remove(_ key: ObjectKey) {
        if overlay.updateValue(nil, forKey: key) == nil { order.append(key) }
    }

    /// Records a log text for a container.
    mutating func setLog(namespace: String, pod: String, container: String, current: String, previous: String?) {
        logWrites.append(
            .setLog(namespace: namespace, pod: pod, container: container, current: current, previous: previous)
        )
    }

    /// The generation the store will give the object once this call's write of it lands.
    ///
    /// The store raises `metadata.generation` when `spec` changes; a controller that writes spec and
    /// status of the same object in one call observes the generation its own spec write creates.
    func predictedGeneration(_ key: ObjectKey) -> Int64 {
        guard let stored = stored(key) else { return 1 }
        let generation = max(stored.metaGeneration, 1)
        guard let current = overlay[key] ?? nil else { return generation }
        return current["spec"] == stored["spec"] ? generation : generation + 1
    }

    /// Objects of `kind` created in this call and in `namespace`, which the store does not list yet.
    func pendingCreates(kind: String, namespace: String?) -> [JSONValue] {
        order.compactMap { key in
            guard key.kind == kind, key.namespace == namespace, stored(key) == nil else { return nil }
            return overlay[key] ?? nil
        }
    }

    /// Whether anything was decided in this call.
    var isEmpty: Bool { order.isEmpty && logWrites.isEmpty }

    /// The writes to hand to the store, in order, without no-op upserts or deletes of absent objects.
    func writes() -> [ClusterWrite] {
        var result: [ClusterWrite] = []
        result.reserveCapacity(order.count + logWrites.count)
        for key in order {
            let stored = stored(key)
            switch overlay[key] {
            case .some(.some(let object)):
                if object != stored { result.append(.upsert(object)) }
            case .some(.none):
                if stored != nil { result.append(.delete(kind: key.kind, namespace: key.namespace, name: key.name)) }
            case .none:
                break
            }
        }
        return result + logWrites
    }
}
