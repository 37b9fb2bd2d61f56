import Foundation
import KubeClient
import KubeModel
import KubeSimulator
import RolloutRules
import TestSupport
import Testing

@testable import RolloutCoordinator

/// The coordinator over HTTPS against the simulator: the real client and rules, a timeline playing the
/// controllers' writes, and the simulator's counters as the witness that every stream was closed.
@Suite("Coordinator against the simulator", .timeLimit(.minutes(3)))
struct SimulatorGateTests {
    /// Runs the gate against a simulator playing `scenario`, then hands the simulator and the outcome over.
    static func gate(
        _ scenario: Scenario,
        targets: [GateTarget],
        policy: GatePolicy = GatePolicy(timeout: .seconds(90)),
        thresholds: RolloutThresholds = .default,
        inspect: (SimulatedAPIServer, GateOutcome) async throws -> Void
    ) async throws {
        try await withKubeSimulator(scenario: scenario) { sim in
            let kubeconfig = try sim.writeKubeconfig(.clientCertificate(.ec))
            defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
            let environment = KubeClientEnvironment(variables: [:], homeDirectory: nil)
            let configuration = try ClientConfiguration.resolve(
                overrides: KubeconfigOverrides(kubeconfigPath: kubeconfig),
                environment: environment
            )
            let outcome = try await withKubeClient(configuration, environment: environment) { client in
                await RolloutCoordinator.run(
                    targets: targets,
                    policy: policy,
                    thresholds: thresholds,
                    source: KubeClusterSource(client: client)
                )
            }
            try await inspect(sim, outcome)
        }
    }

    static func value(_ json: [String: Any]) throws -> JSONValue {
        try JSONValue.parse(Array(JSONSerialization.data(withJSONObject: json)))
    }

    static func namespaceObject(_ name: String) throws -> JSONValue {
        try value(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": name], "status": ["phase": "Active"]])
    }

    /// A pod no workload owns, such as a batch runner: the gate must ignore it.
    static func unrelatedPod(_ name: String, namespace: String) throws -> JSONValue {
        try value([
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": name, "namespace": namespace, "labels": ["app": "batch-runner"]],
            "spec": ["containers": [["name": "runner", "image": "registry.example/batch:7"]]],
            "status": ["phase": "Running"],
        ])
    }

    /// A release of nine Deployments in three namespaces, all rolling out at the start.
    ///
    /// At 1 s the `api`
    /// Deployments and the `cart` ones outside `shop` become ready; at 2 s `shop/cart`'s pod crash-loops
    /// (its previous instance's log says why); the `worker` Deployments never finish.
    static func multiNamespaceRelease() throws -> Scenario {
        var objects: [JSONValue] = []
        var timeline: [TimelineStep] = []
        for namespace in ["shop", "payments", "search"] {
            objects.append(try namespaceObject(namespace))
            for index in 0..<5 { objects.append(try unrelatedPod("batch-runner-\(index)", namespace: namespace)) }
            for name in ["api", "worker", "cart"] {
                let labels = ["app": name, "release": "r42"]
                let rolling = Fixtures.deploymentJSON(name, namespace: namespace, labels: labels, replicas: 2, ready: 0)
                let deployment = try Fixtures.decode(Deployment.self, rolling)
                objects.append(try value(rolling))
                objects.append(try value(Fixtures.replicaSetJSON(of: deployment, replicas: 2, ready: 0)))
                let replicaSet = try Fixtures.replicaSet(of: deployment, replicas: 2, ready: 2)
                if name == "api" || (name == "cart" && namespace != "shop") {
                    let done = Fixtures.deploymentJSON(name, namespace: namespace, labels: labels, replicas: 2)
                    timeline.append(TimelineStep(at: .seconds(1), action: .replace(try value(done))))
                    timeline.append(
                        TimelineStep(
                            at: .seconds(1),
                            action: .replace(try value(Fixtures.replicaSetJSON(of: deployment)))
                        )
                    )
                    for suffix in ["a1b2c", "d3e4f"] {
                        let pod = Fixtures.readyPodJSON(suffix, of: replicaSet)
                        timeline.append(TimelineStep(at: .seconds(1), action: .create(try value(pod))))
                    }
                } else if name == "cart" {
                    let crashing = Fixtures.crashLoopingPodJSON("x9k2m", of: replicaSet, restarts: 3)
                    timeline.append(TimelineStep(at: .seconds(2), action: .create(try value(crashing))))
                    timeline.append(
                        TimelineStep(
                            at: .seconds(2),
                            action: .log(
                                namespace: namespace,
                                pod: "\(replicaSet.metadata.name)-x9k2m",
                                container: "app",
                                current: "",
                                previous: "starting cart\npanic: cannot reach redis at cart-cache:6379\n"
                            )
                        )
                    )
                    let backOff = Fixtures.warningJSON(
                        "BackOff",
                        "Back-off restarting failed container app in pod \(replicaSet.metadata.name)-x9k2m",
                        about: "Pod",
                        name: "\(replicaSet.metadata.name)-x9k2m",
                        namespace: namespace,
                        uid: "uid-pod-\(replicaSet.metadata.name)-x9k2m",
                        count: 3
                    )
                    timeline.append(TimelineStep(at: .seconds(2), action: .create(try value(backOff))))
                }
            }
        }
        return Scenario(name: "multi-namespace-crash", objects: objects, timeline: timeline)
    }

    @Test("a multi-namespace release with one crash loop: process-crashing, its log, the rest cancelled or done")
    func multiNamespaceCrash() async throws {
        let release = WorkloadSelection(
            scope: .namespaces(["shop", "payments", "search"]),
            labelSelector: "release=r42"
        )
        let started = ContinuousClock.now
        try await Self.gate(try Self.multiNamespaceRelease(), targets: [.selection(release)]) { sim, outcome in
            let elapsed = ContinuousClock.now - started
            let openAtReturn = sim.statistics.watchStreamsOpen
            let closed = try await sim.eventually { sim.statistics.watchStreamsOpen == 0 }
            #expect(closed, "every watch stream is closed")
            guard case .failedFast = outcome.ending else {
                Issue.record("ending \(outcome.ending.name); results \(outcome.results.map(\.verdict.name))")
                return
            }
            #expect(outcome.results.count == 9)
            let decisive = try #require(outcome.decisiveFailure)
            #expect(decisive.subject.description == "deployment shop/cart")
            let failure = try #require(decisive.failure)
            #expect(failure.code == .processCrashing)
            #expect(failure.reason == "CrashLoopBackOff")
            #expect(failure.container == "app")
            guard case .captured(let tail) = failure.details.log else {
                Issue.record("no log tail: \(failure.details.log)")
                return
            }
            #expect(tail.request.previous, "the crashed instance's log, not the waiting one's")
            #expect(tail.text == "starting cart\npanic: cannot reach redis at cart-cache:6379\n")
            #expect(failure.details.events.map(\.reason) == ["BackOff"])
            // The ready workloads were ready a second before the crash, but each namespace's watches deliver
            // on their own, so on a loaded machine the crash may be judged first: succeeded or cancelled.
            // The workers never finish: cancelled.
            for result in outcome.results where result.subject != decisive.subject {
                if result.subject.description.contains("worker") {
                    #expect(result.verdict == .cancelled, "\(result.subject)")
                } else {
                    #expect(result.verdict == .succeeded || result.verdict == .cancelled, "\(result.subject)")
                }
            }
            // One workload watch per namespace, and ReplicaSets, pods and events per namespace: 3 × 4.
            // (A stream may not have opened yet when fail-fast closed the others: the list comes first.)
            #expect(outcome.watches.count == 12)
            #expect(sim.statistics.watchStreamsOpened <= 12)
            print("multi-namespace release: failed fast after \(elapsed); \(openAtReturn) streams open at return")
        }
    }

    @Test("a selector matching nothing fails as not-found at once, without opening the dependent watches")
    func nothingMatches() async throws {
        let none = WorkloadSelection(scope: .namespaces(["shop"]), labelSelector: "release=nonexistent")
        try await Self.gate(try Self.multiNamespaceRelease(), targets: [.selection(none)]) { sim, outcome in
            #expect(outcome.decisiveFailure?.failure?.code == .notFound)
            #expect(outcome.decisiveFailure?.failure?.rule == "selection.matched-nothing")
            let requests = sim.statistics.requests
            #expect(requests["list"]?["deployments"] == 1)
            #expect(requests["list"]?["pods"] == nil, "nothing matched: no dependent list was made")
            let closed = try await sim.eventually { sim.statistics.watchStreamsOpen == 0 }
            #expect(closed)
        }
    }

    @Test("across all namespaces, the healthy part of the release succeeds while unrelated pods are ignored")
    func allNamespacesHealthy() async throws {
        let healthy = WorkloadSelection(scope: .allNamespaces, labelSelector: "app=api")
        try await Self.gate(try Self.multiNamespaceRelease(), targets: [.selection(healthy)]) { sim, outcome in
            #expect(outcome.succeeded, "\(outcome.ending.name): \(outcome.results.map(\.verdict.name))")
            #expect(
                outcome.results.map(\.subject.description) == [
                    "deployment payments/api", "deployment search/api", "deployment shop/api",
                ]
            )
            let closed = try await sim.eventually { sim.statistics.watchStreamsOpen == 0 }
            #expect(closed)
        }
    }
}
