import Foundation
import Testing

@testable import KubeSimulator

@Suite("Object store bookkeeping, history and snapshots")
struct ObjectStoreTests {
    static let deployments = ResourceType.named("Deployment")
    static let pods = ResourceType.named("Pod")
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func deployment(_ name: String, replicas: Int64 = 1, namespace: String = "shop") -> JSONValue {
        [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": ["replicas": .int(replicas)],
        ]
    }

    static func pod(_ name: String, owner: String? = nil, namespace: String = "shop") -> JSONValue {
        var value: JSONValue = [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "namespace": .string(namespace)],
        ]
        if let owner {
            value.setValue(
                [["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": .string(owner)]],
                at: ["metadata", "ownerReferences"]
            )
        }
        return value
    }

    @Test("a create assigns uid, resourceVersion, creationTimestamp and generation 1")
    func createBookkeeping() throws {
        var store = ObjectStore(historyLimit: 100)
        let stored = try store.create(Self.deployment("web"), type: Self.deployments, now: Self.now)
        #expect(stored.resourceVersion == 1)
        #expect(stored.value[path: ["metadata", "resourceVersion"]] == "1")
        #expect(stored.value[path: ["metadata", "generation"]] == 1)
        #expect(stored.value[path: ["metadata", "creationTimestamp"]] == .string(ObjectStore.timestamp(Self.now)))
        #expect(stored.uid.count == 36)
        #expect(throws: APIError.self) {
            try store.create(Self.deployment("web"), type: Self.deployments, now: Self.now)
        }
    }

    @Test("generation rises only when spec changes; resourceVersion on every change; a no-op writes nothing")
    func generation() throws {
        var store = ObjectStore(historyLimit: 100)
        let created = try store.create(Self.deployment("web"), type: Self.deployments, now: Self.now)
        var statusOnly = created.value
        statusOnly.setValue(["observedGeneration": 1], at: ["status"])
        let afterStatus = try store.update(statusOnly, type: Self.deployments, now: Self.now)
        #expect(afterStatus.value[path: ["metadata", "generation"]] == 1)
        #expect(afterStatus.resourceVersion == 2)
        var scaled = afterStatus.value
        scaled.setValue(3, at: ["spec", "replicas"])
        let afterScale = try store.update(scaled, type: Self.deployments, now: Self.now)
        #expect(afterScale.value[path: ["metadata", "generation"]] == 2)
        let noop = try store.update(afterScale.value, type: Self.deployments, now: Self.now)
        #expect(noop.resourceVersion == afterScale.resourceVersion)
        #expect(store.revision == 3)
        #expect(afterScale.uid == created.uid)
    }

    @Test("pods do not get a generation from the store")
    func podsWithoutGeneration() throws {
        var store = ObjectStore(historyLimit: 100)
        let pod = try store.create(Self.pod("p"), type: Self.pods, now: Self.now)
        #expect(pod.value[path: ["metadata", "generation"]] == nil)
    }

    @Test("a stale resourceVersion precondition is a 409 Conflict")
    func conflict() throws {
        var store = ObjectStore(historyLimit: 100)
        let created = try store.create(Self.deployment("web"), type: Self.deployments, now: Self.now)
        _ = try store.update(created.value, type: Self.deployments, now: Self.now)
        var changed = created.value
        changed.setValue(5, at: ["spec", "replicas"])
        _ = try store.update(changed, type: Self.deployments, now: Self.now)
        let error = #expect(throws: APIError.self) {
            try store.update(changed, type: Self.deployments, preconditions: .init(resourceVersion: 1), now: Self.now)
        }
        #expect(error?.code == 409)
        #expect(error?.reason == "Conflict")
    }

    @Test("changes after a revision are retained up to the limit, then compacted")
    func history() throws {
        var store = ObjectStore(historyLimit: 3)
        for index in 0..<5 {
            _ = try store.create(Self.pod("p\(index)"), type: Self.pods, now: Self.now)
        }
        #expect(store.changes(kind: "Pod", after: 1) == nil)
        let retained = try #require(store.changes(kind: "Pod", after: 2))
        #expect(retained.map(\.resourceVersion) == [3, 4, 5])
        #expect(store.changes(kind: "Pod", after: 5)?.isEmpty == true)
        store.expireHistory()
        #expect(store.changes(kind: "Pod", after: 4) == nil)
        #expect(store.changes(kind: "Pod", after: 5)?.isEmpty == true)
    }

    @Test("a list at an earlier revision reconstructs that state from history")
    func snapshot() throws {
        var store = ObjectStore(historyLimit: 100)
        let first = try store.create(Self.pod("a"), type: Self.pods, now: Self.now)
        _ = try store.create(Self.pod("b"), type: Self.pods, now: Self.now)
        let atTwo = store.revision
        var changed = first.value
        changed.setValue(["k": "v"], at: ["metadata", "labels"])
        _ = try store.update(changed, type: Self.pods, now: Self.now)
        _ = try store.delete(type: Self.pods, namespace: "shop", name: "b", now: Self.now)
        _ = try store.create(Self.pod("c"), type: Self.pods, now: Self.now)
        let past = try #require(store.list(kind: "Pod", namespace: "shop", at: atTwo))
        #expect(past.map(\.name) == ["a", "b"])
        #expect(past[0].labels.isEmpty)
        #expect(store.list(kind: "Pod", namespace: nil).map(\.name) == ["a", "c"])
    }

    @Test("deleting an owner deletes its dependents; orphaning keeps them without the reference")
    func garbageCollection() throws {
        var store = ObjectStore(historyLimit: 100)
        let replicaSets = try #require(ResourceType.storing(kind: "ReplicaSet"))
        let owner = try store.create(
            ["apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": ["name": "rs", "namespace": "shop"]],
            type: replicaSets,
            now: Self.now
        )
        _ = try store.create(Self.pod("p1", owner: owner.uid), type: Self.pods, now: Self.now)
        _ = try store.create(Self.pod("p2", owner: owner.uid), type: Self.pods, now: Self.now)
        _ = try store.create(Self.pod("other"), type: Self.pods, now: Self.now)
        _ = try store.delete(type: replicaSets, namespace: "shop", name: "rs", now: Self.now)
        #expect(store.list(kind: "Pod", namespace: "shop").map(\.name) == ["other"])

        let second = try store.create(
            ["apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": ["name": "rs2", "namespace": "shop"]],
            type: replicaSets,
            now: Self.now
        )
        _ = try store.create(Self.pod("kept", owner: second.uid), type: Self.pods, now: Self.now)
        _ = try store.delete(type: replicaSets, namespace: "shop", name: "rs2", propagation: .orphan, now: Self.now)
        let kept = try #require(store.get(kind: "Pod", namespace: "shop", name: "kept"))
        #expect(kept.value[path: ["metadata", "ownerReferences"]] == nil)
    }

    @Test("an object with finalizers is only marked, and goes when they are removed")
    func finalizers() throws {
        var store = ObjectStore(historyLimit: 100)
        var pod = Self.pod("p")
        pod.setValue(["example.com/hold"], at: ["metadata", "finalizers"])
        _ = try store.create(pod, type: Self.pods, now: Self.now)
        let marked = try store.delete(type: Self.pods, namespace: "shop", name: "p", now: Self.now)
        #expect(marked.value[path: ["metadata", "deletionTimestamp"]] != nil)
        var released = marked.value
        released.setValue(nil, at: ["metadata", "finalizers"])
        _ = try store.update(released, type: Self.pods, now: Self.now)
        #expect(store.get(kind: "Pod", namespace: "shop", name: "p") == nil)
        #expect(store.takeChanges().map(\.type) == [.added, .modified, .modified, .deleted])
    }

    @Test("a deleted object's last event carries the deletion's resourceVersion")
    func deletionVersion() throws {
        var store = ObjectStore(historyLimit: 100)
        _ = try store.create(Self.pod("p"), type: Self.pods, now: Self.now)
        _ = try store.delete(type: Self.pods, namespace: "shop", name: "p", now: Self.now)
        let change = try #require(store.takeChanges().last)
        #expect(change.type == .deleted)
        #expect(change.resourceVersion == 2)
        #expect(change.object.value[path: ["metadata", "resourceVersion"]] == "2")
    }

    static func scheduledPod(_ name: String, owner: String? = nil, phase: String = "Running") -> JSONValue {
        var value = pod(name, owner: owner)
        value.setValue("node-1", at: ["spec", "nodeName"])
        value.setValue(.string(phase), at: ["status", "phase"])
        return value
    }

    @Test("a graceful pod delete marks the pod; it stays only while a kubelet will finish it")
    func gracefulPodDeletion() throws {
        for keeps in [true, false] {
            var store = ObjectStore(historyLimit: 100, keepsTerminatingPods: keeps)
            _ = try store.create(Self.scheduledPod("p"), type: Self.pods, now: Self.now)
            let marked = try store.deletePodGracefully(
                namespace: "shop",
                name: "p",
                gracePeriodSeconds: nil,
                now: Self.now
            )
            #expect(marked.value[path: ["metadata", "deletionGracePeriodSeconds"]] == 30)
            #expect(
                marked.value[path: ["metadata", "deletionTimestamp"]]
                    == .string(ObjectStore.timestamp(Self.now + 30))
            )
            #expect((store.get(kind: "Pod", namespace: "shop", name: "p") != nil) == keeps)
            let types = store.takeChanges().map(\.type)
            #expect(types == (keeps ? [.added, .modified] : [.added, .modified, .deleted]))
        }
    }

    @Test(
        "pods with nothing to stop go at once: grace period 0, never scheduled, already finished",
        arguments: [
            (Self.scheduledPod("p"), Int64?.some(0)),
            (Self.pod("p"), nil),
            (Self.scheduledPod("p", phase: "Succeeded"), nil),
            (Self.scheduledPod("p", phase: "Failed"), Int64?.some(10)),
        ]
    )
    func immediatePodDeletion(pod: JSONValue, grace: Int64?) throws {
        var store = ObjectStore(historyLimit: 100, keepsTerminatingPods: true)
        _ = try store.create(pod, type: Self.pods, now: Self.now)
        _ = try store.deletePodGracefully(namespace: "shop", name: "p", gracePeriodSeconds: grace, now: Self.now)
        #expect(store.get(kind: "Pod", namespace: "shop", name: "p") == nil)
    }

    @Test("deleting a terminating pod again changes nothing; a second delete with grace 0 removes it")
    func repeatedPodDeletion() throws {
        var store = ObjectStore(historyLimit: 100, keepsTerminatingPods: true)
        _ = try store.create(Self.scheduledPod("p"), type: Self.pods, now: Self.now)
        let first = try store.deletePodGracefully(namespace: "shop", name: "p", gracePeriodSeconds: 5, now: Self.now)
        let again = try store.deletePodGracefully(
            namespace: "shop",
            name: "p",
            gracePeriodSeconds: 5,
            now: Self.now + 1
        )
        #expect(again == first)
        _ = try store.deletePodGracefully(namespace: "shop", name: "p", gracePeriodSeconds: 0, now: Self.now + 1)
        #expect(store.get(kind: "Pod", namespace: "shop", name: "p") == nil)
    }

    @Test("the garbage collector deletes dependent pods gracefully when a kubelet will finish them")
    func gracefulGarbageCollection() throws {
        var store = ObjectStore(historyLimit: 100, keepsTerminatingPods: true)
        let replicaSets = try #require(ResourceType.storing(kind: "ReplicaSet"))
        let owner = try store.create(
            ["apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": ["name": "rs", "namespace": "shop"]],
            type: replicaSets,
            now: Self.now
        )
        _ = try store.create(Self.scheduledPod("p1", owner: owner.uid), type: Self.pods, now: Self.now)
        _ = try store.create(Self.pod("pending", owner: owner.uid), type: Self.pods, now: Self.now)
        _ = try store.delete(type: replicaSets, namespace: "shop", name: "rs", now: Self.now)
        let left = store.list(kind: "Pod", namespace: "shop")
        #expect(left.map(\.name) == ["p1"])
        #expect(left.first?.value[path: ["metadata", "deletionTimestamp"]] != nil)
    }

    @Test("dependents follow ownerReferences as they change, across kinds, and only in the owner's namespace")
    func dependentsIndex() throws {
        var store = ObjectStore(historyLimit: 100)
        let replicaSets = try #require(ResourceType.storing(kind: "ReplicaSet"))
        let configMaps = try #require(ResourceType.storing(kind: "ConfigMap"))
        func replicaSet(_ name: String, namespace: String = "shop") throws -> StoredObject {
            try store.create(
                [
                    "apiVersion": "apps/v1", "kind": "ReplicaSet",
                    "metadata": ["name": .string(name), "namespace": .string(namespace)],
                ],
                type: replicaSets,
                now: Self.now
            )
        }
        let first = try replicaSet("a")
        let second = try replicaSet("b")
        let moved = try store.create(Self.pod("moved", owner: first.uid), type: Self.pods, now: Self.now)
        var configMap: JSONValue = [
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "cm", "namespace": "shop"],
        ]
        configMap.setValue(
            [["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "b", "uid": .string(second.uid)]],
            at: ["metadata", "ownerReferences"]
        )
        _ = try store.create(configMap, type: configMaps, now: Self.now)
        _ = try store.create(
            Self.pod("elsewhere", owner: first.uid, namespace: "other"),
            type: Self.pods,
            now: Self.now
        )
        #expect(store.dependents(ofUID: first.uid).map(\.name) == ["elsewhere", "moved"])

        // The pod changes owner: deleting its first owner leaves it, deleting the second takes it.
        var reowned = moved.value
        reowned.setValue(
            [["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "b", "uid": .string(second.uid)]],
            at: ["metadata", "ownerReferences"]
        )
        _ = try store.update(reowned, type: Self.pods, now: Self.now)
        _ = try store.delete(type: replicaSets, namespace: "shop", name: "a", now: Self.now)
        #expect(store.get(kind: "Pod", namespace: "shop", name: "moved") != nil)
        #expect(store.get(kind: "Pod", namespace: "other", name: "elsewhere") != nil, "not in the owner's namespace")
        _ = try store.delete(type: replicaSets, namespace: "shop", name: "b", now: Self.now)
        #expect(store.get(kind: "Pod", namespace: "shop", name: "moved") == nil)
        #expect(store.get(kind: "ConfigMap", namespace: "shop", name: "cm") == nil)
        #expect(store.dependents(ofUID: second.uid).isEmpty)
        #expect(store.dependents(ofUID: first.uid).map(\.name) == ["elsewhere"])
    }

    @Test("a removed pod's logs go with it; a new pod of the same name starts without them")
    func logsGoWithTheirPod() throws {
        var store = ObjectStore(historyLimit: 100)
        _ = try store.create(Self.pod("p"), type: Self.pods, now: Self.now)
        _ = try store.create(Self.pod("q"), type: Self.pods, now: Self.now)
        store.setLog(namespace: "shop", pod: "p", container: "app", current: "one", previous: nil)
        store.setLog(namespace: "shop", pod: "p", container: "sidecar", current: "two", previous: nil)
        store.setLog(namespace: "shop", pod: "q", container: "app", current: "three", previous: "zero")
        _ = try store.delete(type: Self.pods, namespace: "shop", name: "p", now: Self.now)
        #expect(store.log(namespace: "shop", pod: "p", container: "app") == nil)
        #expect(store.log(namespace: "shop", pod: "p", container: "sidecar") == nil)
        #expect(
            store.log(namespace: "shop", pod: "q", container: "app") == ContainerLog(current: "three", previous: "zero")
        )
        _ = try store.create(Self.pod("p"), type: Self.pods, now: Self.now)
        #expect(store.log(namespace: "shop", pod: "p", container: "app") == nil)
    }

    @Test("events expire a TTL after their last write, with a DELETED change; an update renews the TTL")
    func eventTTL() throws {
        var store = ObjectStore(historyLimit: 100)
        store.eventTTL = 10
        let events = try #require(ResourceType.storing(kind: "Event"))
        func event(_ name: String) -> JSONValue {
            [
                "apiVersion": "v1", "kind": "Event", "metadata": ["name": .string(name), "namespace": "shop"],
                "count": 1,
            ]
        }
        let renewed = try store.create(event("renewed"), type: events, now: Self.now)
        _ = try store.create(event("once"), type: events, now: Self.now)
        var update = renewed.value
        update.setValue(2, at: ["count"])
        _ = try store.update(update, type: events, now: Self.now + 5)
        _ = store.takeChanges()
        store.expireEvents(now: Self.now + 9)
        #expect(store.list(kind: "Event", namespace: "shop").map(\.name) == ["once", "renewed"])
        store.expireEvents(now: Self.now + 12)
        #expect(store.list(kind: "Event", namespace: "shop").map(\.name) == ["renewed"])
        store.expireEvents(now: Self.now + 16)
        #expect(store.list(kind: "Event", namespace: "shop").isEmpty)
        #expect(
            store.takeChanges().map { "\($0.type.rawValue) \($0.object.name)" } == ["DELETED once", "DELETED renewed"]
        )
    }
}
