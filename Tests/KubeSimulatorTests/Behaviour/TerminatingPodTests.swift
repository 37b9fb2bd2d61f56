import Foundation
import Testing

@testable import KubeSimulator

/// Gracefully deleted pods stay, terminating, in the real store until the behaviour model's kubelet removes
/// them, as a real API server keeps them until the kubelet confirms; without a model they go at once.
@Suite("Terminating pods in the store, finished by the kubelet")
struct TerminatingPodTests {
    static let shopPods = "/api/v1/namespaces/shop/pods"

    static func scenario(_ workloads: String) throws -> Scenario {
        try Scenario.parse(yaml: "workloads:\n" + workloads, file: "terminating.yaml")
    }

    static func isTerminating(_ object: JSONValue) -> Bool {
        object[path: ["metadata", "deletionTimestamp"]] != nil
    }

    static func owned(_ pods: [JSONValue], by owner: JSONValue) -> [JSONValue] {
        pods.filter { pod in
            (pod[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).contains {
                $0["uid"] == owner[path: ["metadata", "uid"]]
            }
        }
    }

    @Test("a rolling update's old pods terminate in the store; status counts them apart from replicas")
    func rollingUpdateShowsTerminatingPods() throws {
        let fixture = HandlerFixture(
            scenario: try Self.scenario(
                """
                  deployments:
                    - name: web
                      namespace: shop
                      replicas: 2
                      start: rolled-out
                      image: web:1
                      updates:
                        - {at: 2s, image: "web:2"}
                """
            )
        )
        var terminatingPods = Set<String>()
        var replicaSetReported = false
        var deploymentReported = false
        fixture.advance(to: .seconds(30)) { cluster in
            let pods = cluster.objects(kind: "Pod", namespace: "shop")
            for pod in pods where Self.isTerminating(pod) {
                terminatingPods.insert(pod.metaName)
                #expect(pod[path: ["metadata", "deletionGracePeriodSeconds"]] == 30)
            }
            for replicaSet in cluster.objects(kind: "ReplicaSet", namespace: "shop") {
                let owned = Self.owned(pods, by: replicaSet)
                let terminating = owned.filter(Self.isTerminating).count
                #expect(replicaSet[path: ["status", "replicas"]]?.intValue == Int64(owned.count - terminating))
                #expect(replicaSet[path: ["status", "terminatingReplicas"]]?.intValue == Int64(terminating))
                if terminating > 0 { replicaSetReported = true }
            }
            let deployment = cluster.object(kind: "Deployment", namespace: "shop", name: "web")
            if (deployment?[path: ["status", "terminatingReplicas"]]?.intValue ?? 0) > 0 { deploymentReported = true }
        }
        #expect(terminatingPods.count == 2, "both revision-1 pods were seen terminating: \(terminatingPods)")
        #expect(replicaSetReported)
        #expect(deploymentReported)
        let pods = fixture.cluster.objects(kind: "Pod", namespace: "shop")
        #expect(pods.count == 2)
        #expect(pods.allSatisfy { !Self.isTerminating($0) })
        #expect(terminatingPods.isDisjoint(with: pods.map(\.metaName)), "the kubelet removed every old pod")
        let deployment = try #require(fixture.cluster.object(kind: "Deployment", namespace: "shop", name: "web"))
        #expect(KubectlRolloutStatus.deployment(deployment) == .done("deployment \"web\" successfully rolled out"))
    }

    @Test("a client's pod delete leaves it terminating (kubectl shows Terminating) until the kubelet removes it")
    func clientDeleteIsFinishedByTheKubelet() throws {
        let fixture = HandlerFixture(
            scenario: try Self.scenario(
                """
                  deployments:
                    - {name: web, namespace: shop, replicas: 1, start: rolled-out}
                """
            )
        )
        fixture.advance(to: .seconds(2))
        let name = try #require(fixture.cluster.objects(kind: "Pod", namespace: "shop").first?.metaName)
        let deleted = fixture.send("DELETE", "\(Self.shopPods)/\(name)")
        #expect(deleted.status == 200)
        #expect(deleted.json[path: ["metadata", "deletionGracePeriodSeconds"]] == 30)
        #expect(
            deleted.json[path: ["metadata", "deletionTimestamp"]]
                == .string(ObjectStore.timestamp(HandlerFixture.origin + 32))
        )
        let stored = fixture.send("GET", "\(Self.shopPods)/\(name)")
        #expect(stored.status == 200)
        #expect(Self.isTerminating(stored.json))
        let table = fixture.send(
            "GET",
            Self.shopPods,
            accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
        )
        let row = (table.json["rows"]?.arrayValue ?? []).first {
            $0[path: ["object", "metadata", "name"]] == .string(name)
        }
        #expect(row?["cells"]?.arrayValue?[2] == "Terminating")

        fixture.advance(to: .seconds(10))
        #expect(fixture.send("GET", "\(Self.shopPods)/\(name)").status == 404)
        let pods = fixture.cluster.objects(kind: "Pod", namespace: "shop")
        #expect(pods.count == 1)
        #expect(pods.first?.metaName != name, "the ReplicaSet replaced the deleted pod")
    }

    @Test("pods with nothing to stop go at once, even with a kubelet: grace 0, never scheduled, finished")
    func immediateDeletes() throws {
        var scenario = try Self.scenario(
            """
              deployments:
                - {name: big, namespace: shop, replicas: 1, behaviour: unschedulable}
            """
        )
        // Scenario objects keep the status they are written with (a client's create would reset it).
        scenario.objects = [Fixtures.pod("forced"), Fixtures.pod("done", phase: "Succeeded")]
        let fixture = HandlerFixture(scenario: scenario)
        fixture.advance(to: .seconds(2))
        let pending = try #require(
            fixture.cluster.objects(kind: "Pod", namespace: "shop").first { $0.metaName.hasPrefix("big-") }
        )
        #expect(pending[path: ["spec", "nodeName"]] == nil)
        for name in ["forced?gracePeriodSeconds=0", "done", pending.metaName] {
            #expect(fixture.send("DELETE", "\(Self.shopPods)/\(name)").status == 200)
        }
        let left = fixture.cluster.objects(kind: "Pod", namespace: "shop")
        #expect(left.count == 1, "only the unschedulable pod's replacement")
        #expect(left.allSatisfy { $0.metaName.hasPrefix("big-") && $0.metaName != pending.metaName })
        #expect(fixture.send("DELETE", "\(Self.shopPods)/x?gracePeriodSeconds=soon").status == 400)
    }

    @Test("a pod the scenario wrote with its own status also terminates, then goes")
    func scenarioPodsTerminateToo() throws {
        let fixture = HandlerFixture(objects: [Fixtures.pod("scripted")], behaviour: BehaviourModel())
        fixture.advance(to: .seconds(1))
        #expect(fixture.send("DELETE", "\(Self.shopPods)/scripted").status == 200)
        #expect(
            fixture.cluster.object(kind: "Pod", namespace: "shop", name: "scripted").map(Self.isTerminating) == true
        )
        fixture.advance(to: .seconds(5))
        #expect(fixture.cluster.object(kind: "Pod", namespace: "shop", name: "scripted") == nil)
    }

    @Test("deleting a Deployment removes its ReplicaSets at once and leaves their pods terminating")
    func garbageCollectedPodsTerminate() throws {
        let fixture = HandlerFixture(
            scenario: try Self.scenario(
                """
                  deployments:
                    - {name: web, namespace: shop, replicas: 2, start: rolled-out}
                """
            )
        )
        fixture.advance(to: .seconds(2))
        #expect(fixture.send("DELETE", "/apis/apps/v1/namespaces/shop/deployments/web").status == 200)
        #expect(fixture.cluster.objects(kind: "ReplicaSet", namespace: "shop").isEmpty)
        let pods = fixture.cluster.objects(kind: "Pod", namespace: "shop")
        #expect(pods.count == 2)
        #expect(pods.allSatisfy(Self.isTerminating))
        fixture.advance(to: .seconds(10))
        #expect(fixture.cluster.objects(kind: "Pod", namespace: "shop").isEmpty)
    }
}
