import Foundation
import KubeModel
import RolloutRules
import Testing

@testable import RolloutCoordinator

@Suite("Cluster store: joins by owner UID")
struct ClusterStoreTests {
    let deploymentWatch = WatchID(rawValue: 1)
    let replicaSetWatch = WatchID(rawValue: 2)
    let podWatch = WatchID(rawValue: 3)
    let eventWatch = WatchID(rawValue: 4)
    let web = WorkloadReference(kind: .deployment, namespace: "prod", name: "web")

    @Test("a pod reaches its Deployment through its ReplicaSet; the observation holds exactly the workload's own")
    func join() throws {
        var store = ClusterStore()
        let deployment = try Fixtures.deployment("web")
        let other = try Fixtures.deployment("api", labels: ["app": "web"])
        let replicaSet = try Fixtures.replicaSet(of: deployment)
        let foreign = try Fixtures.replicaSet(of: other, hash: "77c9d8f6b")
        #expect(store.apply(.deployment(.upserted(deployment)), from: deploymentWatch).touched == [web])
        _ = store.apply(.deployment(.upserted(other)), from: deploymentWatch)
        #expect(store.apply(.replicaSet(.upserted(replicaSet)), from: replicaSetWatch).touched == [web])
        _ = store.apply(.replicaSet(.upserted(foreign)), from: replicaSetWatch)
        let pod = try Fixtures.readyPod("a1", of: replicaSet)
        let foreignPod = try Fixtures.readyPod("b2", of: foreign)
        #expect(store.apply(.pod(.upserted(pod)), from: podWatch).touched == [web])
        _ = store.apply(.pod(.upserted(foreignPod)), from: podWatch)
        let observation = try #require(store.observation(of: web))
        #expect(observation.replicaSets.map(\.metadata.name) == [replicaSet.metadata.name])
        #expect(observation.pods.map(\.metadata.name) == [pod.metadata.name], "overlapping labels do not leak")
    }

    @Test("a Warning event touches the workload of the pod it is about; Normal events are not kept")
    func events() throws {
        var store = ClusterStore()
        let deployment = try Fixtures.deployment("web")
        let replicaSet = try Fixtures.replicaSet(of: deployment)
        let pod = try Fixtures.crashLoopingPod("a1", of: replicaSet)
        _ = store.apply(.deployment(.upserted(deployment)), from: deploymentWatch)
        _ = store.apply(.replicaSet(.upserted(replicaSet)), from: replicaSetWatch)
        _ = store.apply(.pod(.upserted(pod)), from: podWatch)
        let uid = try #require(pod.metadata.uid)
        let backOff = try Fixtures.warning(
            "BackOff",
            "Back-off restarting",
            about: "Pod",
            name: pod.metadata.name,
            uid: uid
        )
        #expect(store.apply(.event(.upserted(backOff)), from: eventWatch).touched == [web])
        var normal = try Fixtures.warning("Pulled", "pulled", about: "Pod", name: pod.metadata.name, uid: uid, at: 3)
        normal.type = "Normal"
        #expect(store.apply(.event(.upserted(normal)), from: eventWatch).touched.isEmpty)
        #expect(store.observation(of: web)?.events.map(\.reason) == ["BackOff"])
    }

    @Test("an object two watches hold leaves only when both have deleted it")
    func holders() throws {
        var store = ClusterStore()
        let deployment = try Fixtures.deployment("web")
        let selectionWatch = WatchID(rawValue: 9)
        _ = store.apply(.deployment(.upserted(deployment)), from: deploymentWatch)
        _ = store.apply(.deployment(.upserted(deployment)), from: selectionWatch)
        #expect(store.apply(.deployment(.deleted(deployment)), from: selectionWatch).vanished.isEmpty)
        #expect(store.workload(web) != nil)
        #expect(store.apply(.deployment(.deleted(deployment)), from: deploymentWatch).vanished == [web])
        #expect(store.workload(web) == nil)
    }

    @Test("a pod that arrives before its ReplicaSet is joined once the ReplicaSet comes")
    func outOfOrder() throws {
        var store = ClusterStore()
        let deployment = try Fixtures.deployment("web")
        let replicaSet = try Fixtures.replicaSet(of: deployment)
        let pod = try Fixtures.readyPod("a1", of: replicaSet)
        _ = store.apply(.deployment(.upserted(deployment)), from: deploymentWatch)
        #expect(store.apply(.pod(.upserted(pod)), from: podWatch).touched.isEmpty)
        #expect(store.apply(.replicaSet(.upserted(replicaSet)), from: replicaSetWatch).touched == [web])
        #expect(store.observation(of: web)?.pods.count == 1)
    }

    @Test("a re-created Deployment (new UID) no longer owns the old one's ReplicaSets")
    func recreated() throws {
        var store = ClusterStore()
        let old = try Fixtures.deployment("web", uid: "uid-old")
        let replicaSet = try Fixtures.replicaSet(of: old)
        _ = store.apply(.deployment(.upserted(old)), from: deploymentWatch)
        _ = store.apply(.replicaSet(.upserted(replicaSet)), from: replicaSetWatch)
        #expect(store.observation(of: web)?.replicaSets.count == 1)
        _ = store.apply(.deployment(.upserted(try Fixtures.deployment("web", uid: "uid-new"))), from: deploymentWatch)
        #expect(store.observation(of: web)?.replicaSets.isEmpty == true)
    }
}
