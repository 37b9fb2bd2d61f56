import Foundation
import Testing
import Yams

@testable import KubeSimulator

/// A store for tests of the behaviour model: applies writes with the API server's bookkeeping.
///
/// It assigns `uid-N`, one global resourceVersion counter, `creationTimestamp` (whole seconds), and
/// `metadata.generation` for apps and batch objects (1 on create, +1 when `spec` changes), as the
/// simulator's real store does; objects are indexed by kind so listing stays cheap. It keeps a change
/// feed as the real store does (the model follows it), unless `keepsChangeFeed` is off, which makes the
/// model list everything instead.
struct InMemoryCluster: ClusterSnapshot {
    private(set) var byKind: [String: [ObjectKey: JSONValue]] = [:]
    private(set) var logs: [String: (current: String, previous: String?)] = [:]
    private var uidCounter = 0
    private(set) var resourceVersion = 100
    /// Every change per kind, with its resourceVersion, oldest first.
    private var feed: [String: [(revision: Int, change: SnapshotChange)]] = [:]
    /// Whether the model may read the change feed.
    var keepsChangeFeed = true

    var revision: Int64? { keepsChangeFeed ? Int64(resourceVersion) : nil }

    func changes(kind: String, after revision: Int64) -> [SnapshotChange]? {
        guard keepsChangeFeed else { return nil }
        counters.feedReads += 1
        let entries = feed[kind] ?? []
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].revision <= Int(revision) { low = middle + 1 } else { high = middle }
        }
        return entries[low...].map(\.change)
    }

    init(objects: [JSONValue] = []) {
        for object in objects { apply(.upsert(object), at: Date(timeIntervalSince1970: 0)) }
    }

    func objects(kind: String, namespace: String?) -> [JSONValue] {
        countListing()
        let all = byKind[kind] ?? [:]
        guard let namespace else { return Array(all.values) }
        return all.values.filter { $0.metaNamespace == namespace }
    }

    func object(kind: String, namespace: String?, name: String) -> JSONValue? {
        countLookup()
        return byKind[kind]?[ObjectKey(kind: kind, namespace: namespace, name: name)]
    }

    // How many times the model asked for one object and for a list. Counting from the protocol's
    // non-mutating methods needs a reference; the box is shared by copies, which tests do not mind.
    private let counters = Counters()
    private final class Counters: @unchecked Sendable {
        var lookups = 0
        var listings = 0
        var feedReads = 0
    }
    private func countLookup() { counters.lookups += 1 }
    private func countListing() { counters.listings += 1 }

    /// Lookups and listings since the last `resetCounters()`.
    var counted: (lookups: Int, listings: Int) { (counters.lookups, counters.listings) }

    /// Reads of the change feed (one per kind per call) since the last `resetCounters()`.
    var feedReads: Int { counters.feedReads }

    func resetCounters() {
        counters.lookups = 0
        counters.listings = 0
        counters.feedReads = 0
    }

    mutating func apply(_ write: ClusterWrite, at now: Date) {
        switch write {
        case .upsert(var object):
            let kind = object.metaKind
            let namespace = kind == "Namespace" ? nil : object.metaNamespace
            let key = ObjectKey(kind: kind, namespace: namespace, name: object.metaName)
            resourceVersion += 1
            let versioned = ["apps/v1", "batch/v1"].contains(object["apiVersion"]?.stringValue ?? "")
            if let existing = byKind[kind]?[key] {
                object.set(["metadata", "uid"], existing["metadata"]?["uid"])
                object.set(["metadata", "creationTimestamp"], existing["metadata"]?["creationTimestamp"])
                if versioned {
                    let generation = existing.metaGeneration
                    object.set(
                        ["metadata", "generation"],
                        .int(existing["spec"] == object["spec"] ? generation : generation + 1)
                    )
                }
            } else {
                // A uid or creationTimestamp the writer gives is kept, as the simulator's store keeps them.
                uidCounter += 1
                if object.metaUID == nil { object.set(["metadata", "uid"], .string("uid-\(uidCounter)")) }
                if object[path: ["metadata", "creationTimestamp"]] == nil {
                    object.set(["metadata", "creationTimestamp"], .string(KubeTimestamp.seconds(now)))
                }
                if versioned { object.set(["metadata", "generation"], 1) }
            }
            object.set(["metadata", "resourceVersion"], .string(String(resourceVersion)))
            let type: ChangeType = byKind[kind]?[key] == nil ? .added : .modified
            byKind[kind, default: [:]][key] = object
            feed[kind, default: []].append((resourceVersion, SnapshotChange(type: type, object: object)))
        case .delete(let kind, let namespace, let name):
            let key = ObjectKey(kind: kind, namespace: namespace, name: name)
            guard let existing = byKind[kind]?[key] else { return }
            resourceVersion += 1
            byKind[kind]?[key] = nil
            feed[kind, default: []].append((resourceVersion, SnapshotChange(type: .deleted, object: existing)))
        case .setLog(let namespace, let pod, let container, let current, let previous):
            logs["\(namespace)/\(pod)/\(container)"] = (current, previous)
        }
    }

    // MARK: Reading in tests

    func get(_ kind: String, _ name: String, namespace: String? = "default") -> JSONValue? {
        byKind[kind]?[ObjectKey(kind: kind, namespace: namespace, name: name)]
    }

    func all(_ kind: String, namespace: String? = nil) -> [JSONValue] {
        (byKind[kind] ?? [:]).values.filter { namespace == nil || $0.metaNamespace == namespace }
            .sorted { $0.metaName < $1.metaName }
    }

    /// Objects of `kind` whose controller is `owner`.
    func owned(_ kind: String, by owner: JSONValue) -> [JSONValue] {
        all(kind, namespace: owner.metaNamespace).filter { $0.controllerReference?.uid == owner.metaUID }
    }

    /// The pods of a Deployment, through its ReplicaSets.
    func pods(ofDeployment deployment: JSONValue) -> [JSONValue] {
        owned("ReplicaSet", by: deployment).flatMap { owned("Pod", by: $0) }
    }

    /// Events about `object`, oldest first.
    func events(about object: JSONValue) -> [JSONValue] {
        all("Event", namespace: object.metaNamespace).filter {
            $0[path: ["involvedObject", "uid"]] == object["metadata"]?["uid"]
        }
    }

    func eventReasons(about object: JSONValue) -> [String] {
        events(about: object).compactMap { $0["reason"]?.stringValue }
    }
}

/// Plays a model against an `InMemoryCluster` the way the scenario runner does: after every change,
/// until the model has nothing more to write, and again at each `nextWake`.
struct ClusterDriver {
    var cluster: InMemoryCluster
    var model: BehaviourModel
    var now: Date
    var nextWake: Date?
    /// Reconcile calls so far.
    var calls = 0
    /// Every state the cluster passed through (after each applied step), when `recording` is on.
    var recording = false
    var history: [InMemoryCluster] = []

    static let epoch = Date(timeIntervalSince1970: 1_795_000_000)

    init(model: BehaviourModel = BehaviourModel(), objects: [JSONValue] = [], start: Date = ClusterDriver.epoch) {
        cluster = InMemoryCluster()
        for object in objects { cluster.apply(.upsert(object), at: start) }
        self.model = model
        now = start
    }

    /// A driver for a scenario's `workloads:` section written as YAML.
    init(workloads yaml: String, objects: [JSONValue] = []) throws {
        let node = try #require(try Yams.compose(yaml: yaml))
        self.init(model: try BehaviourModel.load(workloads: node, file: "test.yaml"), objects: objects)
    }

    /// Calls the model at the current time until it writes nothing more.
    mutating func settle() {
        for _ in 0..<1_000 {
            calls += 1
            let step = model.reconcile(now: now, cluster: cluster)
            nextWake = step.nextWake
            guard !step.writes.isEmpty else { return }
            for write in step.writes { cluster.apply(write, at: now) }
            if recording { history.append(cluster) }
        }
        Issue.record("the model kept writing at \(now)")
    }

    /// Advances the clock to `end`, waking the model whenever it asked to be.
    mutating func run(until end: Date) {
        settle()
        while let wake = nextWake, wake <= end {
            now = max(now, wake)
            settle()
            if nextWake == wake && wake == now {
                Issue.record("the model asked to be woken at the same moment again")
                return
            }
        }
        now = end
        settle()
    }

    mutating func run(for seconds: TimeInterval) { run(until: now + seconds) }

    /// A client's write (`kubectl apply`, `scale`, `delete`), followed by the model's reaction.
    mutating func client(_ write: ClusterWrite) {
        cluster.apply(write, at: now)
        settle()
    }

    /// Applies a change to a stored object as a client would.
    mutating func edit(
        _ kind: String,
        _ name: String,
        namespace: String = "default",
        _ change: (inout JSONValue) -> Void
    )
        throws
    {
        var object = try #require(cluster.get(kind, name, namespace: namespace))
        change(&object)
        client(.upsert(object))
    }
}

/// `kubectl rollout status`'s verdicts (`polymorphichelpers/rollout_status.go`), to hold the model to
/// what real kubectl concludes from the same objects.
enum KubectlRolloutStatus {
    enum Verdict: Equatable {
        case waiting(String)
        case done(String)
        case failed(String)
    }

    static func deployment(_ deployment: JSONValue) -> Verdict {
        let name = deployment.metaName
        let status = deployment["status"]
        func int(_ key: String) -> Int64 { status?[key]?.intValue ?? 0 }
        guard deployment.metaGeneration <= int("observedGeneration") else {
            return .waiting("Waiting for deployment spec update to be observed...")
        }
        let progressing = (status?["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Progressing" }
        if progressing?["reason"]?.stringValue == "ProgressDeadlineExceeded" {
            return .failed("deployment \"\(name)\" exceeded its progress deadline")
        }
        let replicas = deployment[path: ["spec", "replicas"]]?.intValue ?? 1
        if int("updatedReplicas") < replicas {
            return .waiting(
                "Waiting for deployment \"\(name)\" rollout to finish: \(int("updatedReplicas")) out of \(replicas) new replicas have been updated..."
            )
        }
        if int("replicas") > int("updatedReplicas") {
            return .waiting(
                "Waiting for deployment \"\(name)\" rollout to finish: \(int("replicas") - int("updatedReplicas")) old replicas are pending termination..."
            )
        }
        if int("availableReplicas") < int("updatedReplicas") {
            return .waiting(
                "Waiting for deployment \"\(name)\" rollout to finish: \(int("availableReplicas")) of \(int("updatedReplicas")) updated replicas are available..."
            )
        }
        return .done("deployment \"\(name)\" successfully rolled out")
    }

    static func statefulSet(_ statefulSet: JSONValue) -> Verdict {
        let status = statefulSet["status"]
        func int(_ key: String) -> Int64 { status?[key]?.intValue ?? 0 }
        if int("observedGeneration") == 0 || statefulSet.metaGeneration > int("observedGeneration") {
            return .waiting("Waiting for statefulset spec update to be observed...")
        }
        let replicas = statefulSet[path: ["spec", "replicas"]]?.intValue ?? 1
        if int("readyReplicas") < replicas {
            return .waiting("Waiting for \(replicas - int("readyReplicas")) pods to be ready...")
        }
        // kubectl takes this branch whenever the partition is set, 0 included (the API server defaults it).
        if let partition = statefulSet[path: ["spec", "updateStrategy", "rollingUpdate", "partition"]]?.intValue {
            if int("updatedReplicas") < replicas - partition {
                return .waiting(
                    "Waiting for partitioned roll out to finish: \(int("updatedReplicas")) out of \(replicas - partition) new pods have been updated..."
                )
            }
            return .done("partitioned roll out complete: \(int("updatedReplicas")) new pods have been updated...")
        }
        let update = status?["updateRevision"]?.stringValue ?? ""
        if update != status?["currentRevision"]?.stringValue {
            return .waiting(
                "waiting for statefulset rolling update to complete \(int("updatedReplicas")) pods at revision \(update)..."
            )
        }
        return .done("statefulset rolling update complete \(int("currentReplicas")) pods at revision \(update)...")
    }

    static func daemonSet(_ daemonSet: JSONValue) -> Verdict {
        let name = daemonSet.metaName
        let status = daemonSet["status"]
        func int(_ key: String) -> Int64 { status?[key]?.intValue ?? 0 }
        guard daemonSet.metaGeneration <= int("observedGeneration") else {
            return .waiting("Waiting for daemon set spec update to be observed...")
        }
        if int("updatedNumberScheduled") < int("desiredNumberScheduled") {
            return .waiting(
                "Waiting for daemon set \"\(name)\" rollout to finish: \(int("updatedNumberScheduled")) out of \(int("desiredNumberScheduled")) new pods have been updated..."
            )
        }
        if int("numberAvailable") < int("desiredNumberScheduled") {
            return .waiting(
                "Waiting for daemon set \"\(name)\" rollout to finish: \(int("numberAvailable")) of \(int("desiredNumberScheduled")) updated pods are available..."
            )
        }
        return .done("daemon set \"\(name)\" successfully rolled out")
    }
}

extension JSONValue {
    /// The condition of `type` in `status.conditions`.
    func condition(_ type: String) -> JSONValue? {
        (self[path: ["status", "conditions"]]?.arrayValue ?? []).first { $0["type"]?.stringValue == type }
    }

    /// The status of a container (by name, or the first).
    func containerStatus(_ name: String? = nil, initContainer: Bool = false) -> JSONValue? {
        let list =
            self[path: ["status", initContainer ? "initContainerStatuses" : "containerStatuses"]]?.arrayValue ?? []
        return name.map { name in list.first { $0["name"]?.stringValue == name } } ?? list.first
    }

    func int(_ path: String...) -> Int64? { self[path: path]?.intValue }
    func string(_ path: String...) -> String? { self[path: path]?.stringValue }
}
