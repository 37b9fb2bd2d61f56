import Foundation

/// What happened to an object in one change.
public enum ChangeType: String, Sendable, Hashable {
    /// The object was created.
    case added = "ADDED"
    /// The object was updated.
    case modified = "MODIFIED"
    /// The object was deleted.
    case deleted = "DELETED"
}

/// One change to the store: a watch event before filtering.
public struct Change: Sendable, Hashable {
    /// Created, updated or deleted.
    public var type: ChangeType
    /// The storage kind, such as `Pod`.
    public var kind: String
    /// The object after the change (for a deletion: its last state, carrying the deletion's resourceVersion).
    public var object: StoredObject
    /// The object before the change, for updates and deletions; watches use it to tell when an object
    /// stopped matching a selector.
    public var previous: StoredObject?

    /// The resourceVersion of the change.
    public var resourceVersion: Int64 { object.resourceVersion }
}

/// Preconditions a client may put on a write.
struct WritePreconditions: Sendable, Hashable {
    /// The resourceVersion the stored object must still have.
    var resourceVersion: Int64?
    /// The uid the stored object must have.
    var uid: String?
}

/// How a deletion treats the object's dependents (objects whose `ownerReferences` name it).
enum PropagationPolicy: String, Sendable {
    /// Dependents are deleted too (the garbage collector's default for API deletes).
    case background = "Background"
    /// Dependents are deleted too; the simulator does not model the owner waiting for them.
    case foreground = "Foreground"
    /// Dependents lose their owner reference and stay.
    case orphan = "Orphan"
}

/// The simulated etcd: objects indexed by kind and namespace, one global resourceVersion counter, and a
/// bounded history of changes per kind.
///
/// A pure value with no locks or I/O; `SimulatedCluster` wraps it for concurrent use. It does the
/// bookkeeping the API server does on every write (uid, resourceVersion, creationTimestamp, generation)
/// whoever writes: a client, a timeline step or the behaviour model.
///
/// Every write costs what it touches, not the size of the store: container logs are kept per pod and
/// dependents per owner uid, so removing one pod or collecting one owner's dependents never scans a
/// namespace (a release of 1000 Deployments deletes thousands of pods in a few seconds).
struct ObjectStore: Sendable {
    /// The resourceVersion of the latest change (0 before any).
    private(set) var revision: Int64 = 0
    private var objects: [String: [String: [String: StoredObject]]] = [:]
    private var histories: [String: History] = [:]
    private var logs: [PodLogKey: [String: ContainerLog]] = [:]
    /// The objects whose `ownerReferences` name each uid, for the garbage collector.
    private var dependents: [String: Set<ObjectAddress>] = [:]
    private var random: SplitMix64
    /// Changes since the last `takeChanges()`, for watch fan-out.
    private var pending: [Change] = []
    /// How many changes of each kind are kept for watch resumes and consistent paging.
    let historyLimit: Int
    /// Whether a deleted pod stays, terminating, until someone removes it (the behaviour model's kubelet).
    ///
    /// A real API server keeps a gracefully deleted pod (`deletionTimestamp` and
    /// `deletionGracePeriodSeconds` set) until the kubelet confirms its containers stopped. With no
    /// behaviour model nobody would, so the store then removes a marked pod at once.
    var keepsTerminatingPods = false
    /// How long an Event lives after its last write, as kube-apiserver's `--event-ttl` (default 1 h); nil keeps
    /// events forever.
    ///
    /// Events are most of a large cluster's objects (five per pod), so the TTL is what bounds their memory
    /// over a long run. Expired events are removed (with a DELETED watch event, as an etcd lease expiry
    /// shows) by `expireEvents(now:)`, which every transaction calls first.
    var eventTTL: TimeInterval?
    /// Event writes in time order, with the resourceVersion they wrote: the TTL's queue.
    private var eventWrites: [(expiresAt: Date, address: ObjectAddress, resourceVersion: Int64)] = []
    private var eventWritesStart = 0

    /// Creates an empty store.
    init(historyLimit: Int, seed: UInt64 = 0x5EED, keepsTerminatingPods: Bool = false) {
        self.historyLimit = max(1, historyLimit)
        self.random = SplitMix64(seed: seed)
        self.keepsTerminatingPods = keepsTerminatingPods
    }

    // MARK: Reads

    /// One object, if it exists.
    func get(kind: String, namespace: String, name: String) -> StoredObject? {
        objects[kind]?[namespace]?[name]
    }

    /// Every object of `kind` in one namespace or in all (`nil`), in etcd key order.
    func list(kind: String, namespace: String?) -> [StoredObject] {
        guard let byNamespace = objects[kind] else { return [] }
        if let namespace {
            return (byNamespace[namespace] ?? [:]).values.sorted { $0.name < $1.name }
        }
        return byNamespace.values.flatMap(\.values).sorted { $0.key < $1.key }
    }

    /// Every object of `kind` without sorting, for callers that filter or count.
    func unsortedObjects(kind: String, namespace: String?) -> [StoredObject] {
        guard let byNamespace = objects[kind] else { return [] }
        if let namespace { return Array((byNamespace[namespace] ?? [:]).values) }
        return byNamespace.values.flatMap(\.values)
    }

    /// How many objects of `kind` exist.
    func count(kind: String) -> Int {
        objects[kind]?.values.reduce(0) { $0 + $1.count } ?? 0
    }

    /// The oldest resourceVersion a watch of `kind` may resume from: changes after it are all retained.
    func compactedRevision(kind: String) -> Int64 {
        histories[kind]?.compacted ?? 0
    }

    /// The objects of `kind` as they were at `revision`, in key order, from the key `start` on; nil when
    /// that revision's changes are no longer retained (the caller answers 410 Expired).
    ///
    /// A `continue` page reads the list's snapshot: the current objects with every later change undone.
    /// Only keys from `start` on are rebuilt and sorted, so paging through a list stays linear per page.
    func list(kind: String, namespace: String?, at revision: Int64, from start: String = "") -> [StoredObject]? {
        let history = histories[kind] ?? History(limit: historyLimit)
        guard revision >= history.compacted || revision >= self.revision else { return nil }
        let later = revision >= self.revision ? [] : history.changes(after: revision)
        let current = unsortedObjects(kind: kind, namespace: namespace).filter { $0.key >= start }
        guard !later.isEmpty else { return current.sorted { $0.key < $1.key } }
        var state: [String: StoredObject] = [:]
        for object in current { state[object.key] = object }
        for change in later.reversed() where change.object.key >= start {
            if let namespace, change.object.namespace != namespace { continue }
            switch change.type {
            case .added: state[change.object.key] = nil
            case .modified, .deleted: state[change.object.key] = change.previous
            }
        }
        return state.values.sorted { $0.key < $1.key }
    }

    /// The changes of `kind` after `revision`, oldest first; nil when some are no longer retained.
    func changes(kind: String, after revision: Int64) -> [Change]? {
        let history = histories[kind] ?? History(limit: historyLimit)
        guard revision >= history.compacted else { return nil }
        return history.changes(after: revision)
    }

    /// The log texts of one container, if any were set.
    func log(namespace: String, pod: String, container: String) -> ContainerLog? {
        logs[PodLogKey(namespace: namespace, pod: pod)]?[container]
    }

    /// The objects whose `ownerReferences` name `uid`, in a stable order (kind, then namespace and name).
    func dependents(ofUID uid: String) -> [ObjectAddress] {
        (dependents[uid] ?? []).sorted()
    }

    // MARK: Writes

    /// Creates an object; fails with 409 AlreadyExists when the name is taken.
    mutating func create(_ value: JSONValue, type: ResourceType, now: Date) throws(APIError) -> StoredObject {
        let namespace = type.namespaced ? value[path: ["metadata", "namespace"]]?.stringValue ?? "" : ""
        let name = value[path: ["metadata", "name"]]?.stringValue ?? ""
        if get(kind: type.storageKind, namespace: namespace, name: name) != nil {
            throw APIError.alreadyExists(type, name: name)
        }
        return commit(value, type: type, previous: nil, now: now)
    }

    /// Replaces an existing object; fails with 404 when absent and 409 Conflict on a failed precondition.
    mutating func update(
        _ value: JSONValue,
        type: ResourceType,
        preconditions: WritePreconditions = .init(),
        now: Date
    ) throws(APIError) -> StoredObject {
        let namespace = type.namespaced ? value[path: ["metadata", "namespace"]]?.stringValue ?? "" : ""
        let name = value[path: ["metadata", "name"]]?.stringValue ?? ""
        guard let previous = get(kind: type.storageKind, namespace: namespace, name: name) else {
            throw APIError.notFound(type, name: name)
        }
        if let expected = preconditions.resourceVersion, expected != previous.resourceVersion {
            throw APIError.conflict(type, name: name)
        }
        if let uid = preconditions.uid, uid != previous.uid {
            throw APIError.conflict(type, name: name)
        }
        return commit(value, type: type, previous: previous, now: now)
    }

    /// Creates or replaces an object without preconditions: the behaviour model's and timeline's write.
    mutating func upsert(_ value: JSONValue, type: ResourceType, now: Date) -> StoredObject {
        let namespace = type.namespaced ? value[path: ["metadata", "namespace"]]?.stringValue ?? "" : ""
        let name = value[path: ["metadata", "name"]]?.stringValue ?? ""
        let previous = get(kind: type.storageKind, namespace: namespace, name: name)
        return commit(value, type: type, previous: previous, now: now)
    }

    /// Deletes an object; an object with finalizers is only marked (deletionTimestamp) until they are gone.
    ///
    /// Returns the object as the DELETE response shows it: its last state, or the marked object.
    mutating func delete(
        type: ResourceType,
        namespace: String,
        name: String,
        preconditions: WritePreconditions = .init(),
        propagation: PropagationPolicy = .background,
        now: Date
    ) throws(APIError) -> StoredObject {
        guard let existing = get(kind: type.storageKind, namespace: namespace, name: name) else {
            throw APIError.notFound(type, name: name)
        }
        if let expected = preconditions.resourceVersion, expected != existing.resourceVersion {
            throw APIError.conflict(type, name: name)
        }
        if let uid = preconditions.uid, uid != existing.uid {
            throw APIError.conflict(type, name: name)
        }
        let finalizers = existing.value[path: ["metadata", "finalizers"]]?.arrayValue ?? []
        if !finalizers.isEmpty {
            if existing.value[path: ["metadata", "deletionTimestamp"]] != nil { return existing }
            var marked = existing.value
            marked.setValue(.string(Self.timestamp(now)), at: ["metadata", "deletionTimestamp"])
            marked.setValue(.int(0), at: ["metadata", "deletionGracePeriodSeconds"])
            return commit(marked, type: type, previous: existing, now: now)
        }
        return remove(existing, type: type, propagation: propagation, now: now)
    }

    /// Deletes a pod gracefully, as the API server does for `DELETE .../pods/NAME`: marks it with
    /// `deletionTimestamp` (now + the grace period) and `deletionGracePeriodSeconds`.
    ///
    /// The grace period is the request's, else the pod's `terminationGracePeriodSeconds` (30 by default);
    /// a pod that is not scheduled on a node or has already finished is deleted at once, and so is any pod
    /// given a grace period of 0 (`kubectl delete --grace-period=0 --force`). A marked pod stays until its
    /// kubelet removes it (`keepsTerminatingPods`), or is removed right after the mark when nobody plays
    /// kubelets. Deleting a pod that is already terminating changes nothing. Returns the marked pod, or the
    /// last state of a removed one.
    mutating func deletePodGracefully(
        namespace: String,
        name: String,
        gracePeriodSeconds requested: Int64?,
        preconditions: WritePreconditions = .init(),
        now: Date
    ) throws(APIError) -> StoredObject {
        let type = Self.podType
        guard let existing = get(kind: "Pod", namespace: namespace, name: name) else {
            throw APIError.notFound(type, name: name)
        }
        if let expected = preconditions.resourceVersion, expected != existing.resourceVersion {
            throw APIError.conflict(type, name: name)
        }
        if let uid = preconditions.uid, uid != existing.uid {
            throw APIError.conflict(type, name: name)
        }
        return terminate(existing, gracePeriodSeconds: requested, now: now)
    }

    private mutating func terminate(
        _ pod: StoredObject,
        gracePeriodSeconds requested: Int64?,
        now: Date
    ) -> StoredObject {
        let grace = Self.gracePeriod(of: pod.value, requested: requested)
        let finalizers = pod.value[path: ["metadata", "finalizers"]]?.arrayValue ?? []
        if grace == 0 && finalizers.isEmpty {
            return remove(pod, type: Self.podType, propagation: .background, now: now)
        }
        if pod.value[path: ["metadata", "deletionTimestamp"]] != nil { return pod }
        var value = pod.value
        value.setValue(.string(Self.timestamp(now + Double(grace))), at: ["metadata", "deletionTimestamp"])
        value.setValue(.int(grace), at: ["metadata", "deletionGracePeriodSeconds"])
        return commit(value, type: Self.podType, previous: pod, now: now)
    }

    private static let podType = ResourceType.storing(kind: "Pod") ?? ResourceType.all[2]

    /// The grace period a pod deletion gets, as the pod strategy's `CheckGracefulDelete` decides it.
    static func gracePeriod(of pod: JSONValue, requested: Int64?) -> Int64 {
        let phase = pod[path: ["status", "phase"]]?.stringValue
        if (pod[path: ["spec", "nodeName"]]?.stringValue ?? "").isEmpty || phase == "Succeeded" || phase == "Failed" {
            return 0
        }
        return max(0, requested ?? pod[path: ["spec", "terminationGracePeriodSeconds"]]?.intValue ?? 30)
    }

    /// Sets the log texts one container serves.
    mutating func setLog(namespace: String, pod: String, container: String, current: String, previous: String?) {
        logs[PodLogKey(namespace: namespace, pod: pod), default: [:]][container] = ContainerLog(
            current: current,
            previous: previous
        )
    }

    /// Forgets every retained change: the next resume or continue from an earlier revision gets 410.
    mutating func expireHistory() {
        for kind in histories.keys { histories[kind]?.expire(at: revision) }
        for kind in objects.keys where histories[kind] == nil {
            var history = History(limit: historyLimit)
            history.expire(at: revision)
            histories[kind] = history
        }
    }

    /// Removes the events whose TTL passed since their last write.
    mutating func expireEvents(now: Date) {
        guard eventTTL != nil else { return }
        while eventWritesStart < eventWrites.count, eventWrites[eventWritesStart].expiresAt <= now {
            let write = eventWrites[eventWritesStart]
            eventWritesStart += 1
            // A later write renewed the event's lease: its own entry further on decides.
            guard let event = get(kind: "Event", namespace: write.address.namespace, name: write.address.name),
                event.resourceVersion == write.resourceVersion,
                let type = ResourceType.storing(kind: "Event")
            else { continue }
            _ = remove(event, type: type, propagation: .background, now: now)
        }
        if eventWritesStart > 1_024, eventWritesStart * 2 > eventWrites.count {
            eventWrites.removeFirst(eventWritesStart)
            eventWritesStart = 0
        }
    }

    /// Whether no change was made since the previous `takeChanges()`.
    var pendingIsEmpty: Bool { pending.isEmpty }

    /// The changes made since the previous call, oldest first.
    mutating func takeChanges() -> [Change] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }

    // MARK: Bookkeeping

    private mutating func commit(
        _ proposed: JSONValue,
        type: ResourceType,
        previous: StoredObject?,
        now: Date
    ) -> StoredObject {
        var value = proposed
        if value.objectValue == nil { value = .object([:]) }
        var metadata = value["metadata"]?.objectValue ?? [:]
        metadata["namespace"] = type.namespaced ? metadata["namespace"] : nil
        if let previous {
            let old = previous.value["metadata"]?.objectValue ?? [:]
            metadata["uid"] = old["uid"]
            metadata["creationTimestamp"] = old["creationTimestamp"]
            if old["deletionTimestamp"] != nil {
                metadata["deletionTimestamp"] = old["deletionTimestamp"]
                metadata["deletionGracePeriodSeconds"] = old["deletionGracePeriodSeconds"]
            }
            if type.tracksGeneration {
                let generation = old["generation"]?.intValue ?? 1
                let specChanged = value["spec"] != previous.value["spec"]
                metadata["generation"] = .int(specChanged ? generation + 1 : generation)
            }
            metadata["resourceVersion"] = .string(String(previous.resourceVersion))
            value["metadata"] = .object(metadata)
            if value == previous.value {
                // A no-op write is not written to etcd: no new resourceVersion, no watch event.
                return previous
            }
        } else {
            // A uid or creationTimestamp given by a scenario or the behaviour model is kept, so owner
            // references written ahead of time hold; the API layer strips both from clients' creates.
            if (metadata["uid"]?.stringValue ?? "").isEmpty { metadata["uid"] = .string(nextUID()) }
            if (metadata["creationTimestamp"]?.stringValue ?? "").isEmpty {
                metadata["creationTimestamp"] = .string(Self.timestamp(now))
            }
            if type.tracksGeneration { metadata["generation"] = 1 }
            metadata["deletionTimestamp"] = nil
            if type.storageKind == "Namespace" {
                Self.completeNamespace(&value, metadata: &metadata)
            }
        }
        revision += 1
        metadata["resourceVersion"] = .string(String(revision))
        value["metadata"] = .object(metadata)
        let stored = StoredObject(value: value, resourceVersion: revision)
        objects[type.storageKind, default: [:]][stored.namespace, default: [:]][stored.name] = stored
        indexOwners(of: stored, kind: type.storageKind, previous: previous)
        if let eventTTL, type.storageKind == "Event" {
            eventWrites.append(
                (now + eventTTL, ObjectAddress(kind: "Event", namespace: stored.namespace, name: stored.name), revision)
            )
        }
        record(
            Change(
                type: previous == nil ? .added : .modified,
                kind: type.storageKind,
                object: stored,
                previous: previous
            )
        )
        let finalizers = metadata["finalizers"]?.arrayValue ?? []
        if metadata["deletionTimestamp"] != nil, finalizers.isEmpty,
            !(keepsTerminatingPods && type.storageKind == "Pod")
        {
            return remove(stored, type: type, propagation: .background, now: now)
        }
        return stored
    }

    /// Keeps `dependents` in step with the owner uids an object's `ownerReferences` name.
    private mutating func indexOwners(of stored: StoredObject, kind: String, previous: StoredObject?) {
        let references = stored.value[path: ["metadata", "ownerReferences"]]
        let previousReferences = previous?.value[path: ["metadata", "ownerReferences"]]
        guard references != previousReferences else { return }
        let address = ObjectAddress(kind: kind, namespace: stored.namespace, name: stored.name)
        for uid in Self.ownerUIDs(previousReferences) { unindex(address, owner: uid) }
        for uid in Self.ownerUIDs(references) { dependents[uid, default: []].insert(address) }
    }

    private mutating func unindex(_ address: ObjectAddress, owner uid: String) {
        guard var set = dependents[uid] else { return }
        set.remove(address)
        dependents[uid] = set.isEmpty ? nil : set
    }

    private static func ownerUIDs(_ references: JSONValue?) -> [String] {
        (references?.arrayValue ?? []).compactMap { reference in
            guard let uid = reference["uid"]?.stringValue, !uid.isEmpty else { return nil }
            return uid
        }
    }

    private static func completeNamespace(_ value: inout JSONValue, metadata: inout [String: JSONValue]) {
        var labels = metadata["labels"]?.objectValue ?? [:]
        labels["kubernetes.io/metadata.name"] = metadata["name"]
        metadata["labels"] = .object(labels)
        if value[path: ["spec", "finalizers"]] == nil { value.setValue(["kubernetes"], at: ["spec", "finalizers"]) }
        if value[path: ["status", "phase"]] == nil { value.setValue("Active", at: ["status", "phase"]) }
    }

    private mutating func remove(
        _ existing: StoredObject,
        type: ResourceType,
        propagation: PropagationPolicy,
        now: Date
    ) -> StoredObject {
        revision += 1
        let deleted = existing.withResourceVersion(revision)
        objects[type.storageKind]?[existing.namespace]?[existing.name] = nil
        let address = ObjectAddress(kind: type.storageKind, namespace: existing.namespace, name: existing.name)
        for uid in Self.ownerUIDs(existing.value[path: ["metadata", "ownerReferences"]]) {
            unindex(address, owner: uid)
        }
        record(Change(type: .deleted, kind: type.storageKind, object: deleted, previous: existing))
        if type.storageKind == "Pod" {
            logs[PodLogKey(namespace: existing.namespace, pod: existing.name)] = nil
        }
        if type.storageKind == "Namespace" {
            deleteContents(ofNamespace: existing.name, now: now)
        } else {
            collectDependents(of: existing, propagation: propagation, now: now)
        }
        return existing
    }

    /// Deletes or orphans the objects whose ownerReferences name `owner`, as the garbage collector does.
    ///
    /// A namespaced owner's dependents are looked for in its namespace only, as the garbage collector
    /// resolves namespaced owner references. A dependent pod is deleted gracefully when pods are kept
    /// while they terminate, as the collector's DELETE would leave it.
    private mutating func collectDependents(of owner: StoredObject, propagation: PropagationPolicy, now: Date) {
        let uid = owner.uid
        guard !uid.isEmpty, dependents[uid] != nil else { return }
        for address in dependents(ofUID: uid) {
            guard owner.namespace.isEmpty || address.namespace == owner.namespace,
                let type = ResourceType.storing(kind: address.kind), !type.isView,
                let dependent = get(kind: address.kind, namespace: address.namespace, name: address.name)
            else { continue }
            switch propagation {
            case .orphan:
                let references = dependent.value[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
                var value = dependent.value
                let kept = references.filter { $0["uid"]?.stringValue != uid }
                value.setValue(kept.isEmpty ? nil : .array(kept), at: ["metadata", "ownerReferences"])
                _ = commit(value, type: type, previous: dependent, now: now)
            case .background, .foreground:
                if keepsTerminatingPods && address.kind == "Pod" {
                    _ = terminate(dependent, gracePeriodSeconds: nil, now: now)
                } else {
                    _ = remove(dependent, type: type, propagation: .background, now: now)
                }
            }
        }
    }

    private mutating func deleteContents(ofNamespace namespace: String, now: Date) {
        for type in ResourceType.all where !type.isView && type.namespaced {
            for object in unsortedObjects(kind: type.storageKind, namespace: namespace) {
                _ = remove(object, type: type, propagation: .background, now: now)
            }
        }
    }

    private mutating func record(_ change: Change) {
        histories[change.kind, default: History(limit: historyLimit)].append(change)
        pending.append(change)
    }

    private mutating func nextUID() -> String {
        let high = random.next()
        let low = random.next()
        return UUID(uuid: Self.uuidBytes(high: high, low: low)).uuidString.lowercased()
    }

    private static func uuidBytes(high: UInt64, low: UInt64) -> uuid_t {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(index)))
            bytes[index + 8] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(index)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        return (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        )
    }

    /// An RFC 3339 timestamp with whole seconds, as `metav1.Time` serializes.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

/// Identifies one pod's container logs.
struct PodLogKey: Hashable, Sendable {
    var namespace: String
    var pod: String
}

/// Where an object is stored: its kind, namespace (`""` for cluster-scoped) and name.
struct ObjectAddress: Hashable, Sendable, Comparable {
    var kind: String
    var namespace: String
    var name: String

    static func < (lhs: ObjectAddress, rhs: ObjectAddress) -> Bool {
        (lhs.kind, lhs.namespace, lhs.name) < (rhs.kind, rhs.namespace, rhs.name)
    }
}

/// The texts `pods/{name}/log` serves for one container.
public struct ContainerLog: Sendable, Hashable {
    /// The running (or last) instance's log.
    public var current: String
    /// The previous instance's log (`previous=true`), if the container restarted.
    public var previous: String?
}

/// The changes of one kind, bounded: the oldest drop off, and `compacted` remembers up to where.
struct History: Sendable {
    private var buffer: [Change] = []
    private var start = 0
    let limit: Int
    /// Every change after this resourceVersion is retained.
    private(set) var compacted: Int64 = 0

    init(limit: Int) {
        self.limit = limit
    }

    var count: Int { buffer.count - start }

    mutating func append(_ change: Change) {
        buffer.append(change)
        if count > limit {
            compacted = buffer[start].resourceVersion
            start += 1
        }
        // Compact the array storage once half of it is dead, keeping appends amortised O(1).
        if start > limit {
            buffer.removeFirst(start)
            start = 0
        }
    }

    mutating func expire(at revision: Int64) {
        buffer.removeAll()
        start = 0
        compacted = max(compacted, revision)
    }

    /// The retained changes after `revision`, oldest first.
    func changes(after revision: Int64) -> [Change] {
        var low = start
        var high = buffer.count
        while low < high {
            let middle = (low + high) / 2
            if buffer[middle].resourceVersion <= revision { low = middle + 1 } else { high = middle }
        }
        return Array(buffer[low...])
    }
}

/// A small deterministic random number generator, so uids and generated names are stable per seed.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
