import Foundation
import KubeSimulator
import NIOHTTP1
import TestSupport
import Testing

/// A tiny stand-in controller: every Deployment gets one pod, which turns Running two seconds after it appears.
///
/// Enough to drive the runner's reconcile loop and wake-ups; the real model lives on branch `behaviour`.
struct OnePodPerDeployment: ClusterBehaviour {
    var calls = 0

    mutating func reconcile(now: Date, cluster: any ClusterSnapshot) -> BehaviourStep {
        calls += 1
        var writes: [ClusterWrite] = []
        var wake: Date?
        for deployment in cluster.objects(kind: "Deployment", namespace: nil) {
            let name = (deployment[path: ["metadata", "name"]]?.stringValue ?? "") + "-pod"
            let namespace = deployment[path: ["metadata", "namespace"]]?.stringValue ?? "default"
            guard let pod = cluster.object(kind: "Pod", namespace: namespace, name: name) else {
                writes.append(
                    .upsert([
                        "apiVersion": "v1", "kind": "Pod",
                        "metadata": ["name": .string(name), "namespace": .string(namespace)],
                        "status": ["phase": "Pending"],
                    ])
                )
                continue
            }
            guard pod[path: ["status", "phase"]] == "Pending",
                let created = pod[path: ["metadata", "creationTimestamp"]]?.stringValue,
                let createdAt = try? Date(created, strategy: .iso8601)
            else { continue }
            let readyAt = createdAt.addingTimeInterval(2)
            if now >= readyAt {
                var running = pod
                running.setValue("Running", at: ["status", "phase"])
                writes.append(.upsert(running))
            } else {
                wake = min(wake ?? readyAt, readyAt)
            }
        }
        return BehaviourStep(writes: writes, nextWake: wake)
    }
}

/// A broken behaviour that always has something to write: the runner must cap it, not hang.
struct Runaway: ClusterBehaviour {
    var counter = 0

    mutating func reconcile(now: Date, cluster: any ClusterSnapshot) -> BehaviourStep {
        counter += 1
        let event: JSONValue = [
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "spin", "namespace": "default"],
            "data": ["n": .string(String(counter))],
        ]
        return BehaviourStep(writes: [.upsert(event)])
    }
}

@Suite("Scenario runner: timeline and behaviour driven by an injected clock")
struct ScenarioRunnerTests {
    @Test("timeline steps apply when the clock reaches their offsets, not before")
    func timeline() async throws {
        let clock = ManualClock()
        var configuration = KubeSimulatorConfiguration()
        configuration.clock = clock
        let scenario = try Scenario.parse(
            yaml: """
                objects:
                - {kind: Pod, metadata: {name: web-1, namespace: shop}, spec: {containers: [{name: app, image: a}]}, status: {phase: Running}}
                timeline:
                - at: 2s
                  merge-patch: {kind: Pod, metadata: {name: web-1, namespace: shop}, status: {phase: Failed}}
                - at: 2s
                  log: {namespace: shop, pod: web-1, container: app, previous: "oom"}
                - at: 5s
                  delete: {kind: Pod, namespace: shop, name: web-1}
                - at: 5s
                  create: {kind: Pod, metadata: {name: web-2, namespace: jobs}}
                """,
            file: "t.yaml"
        )
        try await withKubeSimulator(scenario: scenario, configuration: configuration) { sim async throws in
            let cluster = sim.simulator.cluster
            func phase() -> JSONValue? {
                cluster.object(kind: "Pod", namespace: "shop", name: "web-1")?[path: ["status", "phase"]]
            }
            #expect(phase() == "Running")
            #expect(try await eventually { clock.sleeperCount == 1 })
            clock.advance(by: .seconds(1))
            #expect(try await eventually { clock.sleeperCount == 1 })
            #expect(phase() == "Running")
            clock.advance(by: .seconds(1))
            #expect(try await eventually { phase() == "Failed" })
            try await LiveClient.with(sim) { client async throws in
                let log = try await client.request(
                    .GET,
                    "/api/v1/namespaces/shop/pods/web-1/log?container=app&previous=true",
                    token: sim.token
                )
                #expect(log.text == "oom")
            }
            #expect(try await eventually { clock.sleeperCount == 1 })
            clock.advance(by: .seconds(3))
            #expect(try await eventually { cluster.object(kind: "Pod", namespace: "jobs", name: "web-2") != nil })
            #expect(cluster.object(kind: "Pod", namespace: "shop", name: "web-1") == nil)
            #expect(cluster.object(kind: "Namespace", namespace: nil, name: "jobs") != nil)
        }
    }

    @Test("the behaviour reacts to client writes at once and wakes when it asked to")
    func behaviour() async throws {
        let clock = ManualClock()
        var configuration = KubeSimulatorConfiguration()
        configuration.clock = clock
        let scenario = Scenario(objects: [Fixtures.deployment("web")], behaviour: OnePodPerDeployment())
        try await withKubeSimulator(scenario: scenario, configuration: configuration) { sim async throws in
            let cluster = sim.simulator.cluster
            #expect(try await eventually { cluster.object(kind: "Pod", namespace: "shop", name: "web-pod") != nil })
            try await LiveClient.with(sim) { client async throws in
                let created = try await client.request(
                    .POST,
                    "/apis/apps/v1/namespaces/shop/deployments",
                    token: sim.token,
                    body: Fixtures.deployment("api").serializedString()
                )
                #expect(created.status == 201)
            }
            // The client's write and the behaviour's reaction are one transaction.
            #expect(
                cluster.object(kind: "Pod", namespace: "shop", name: "api-pod")?[path: ["status", "phase"]] == "Pending"
            )
            #expect(try await eventually { clock.sleeperCount == 1 })
            clock.advance(by: .seconds(2))
            #expect(
                try await eventually {
                    cluster.object(kind: "Pod", namespace: "shop", name: "api-pod")?[path: ["status", "phase"]]
                        == "Running"
                }
            )
            #expect(
                cluster.object(kind: "Pod", namespace: "shop", name: "web-pod")?[path: ["status", "phase"]] == "Running"
            )
        }
    }

    @Test("a behaviour that never stops writing is capped per transaction instead of hanging")
    func runawayBehaviour() async throws {
        let scenario = Scenario(behaviour: Runaway())
        try await withKubeSimulator(scenario: scenario) { sim async throws in
            #expect(try await eventually { sim.simulator.cluster.reconcileStatistics.capHits >= 1 })
            #expect(sim.simulator.cluster.object(kind: "ConfigMap", namespace: "default", name: "spin") != nil)
        }
    }
}
