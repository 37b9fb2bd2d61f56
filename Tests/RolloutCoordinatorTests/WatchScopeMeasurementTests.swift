import Foundation
import KubeSimulator
import RolloutRules
import TestSupport
import Testing

@testable import RolloutCoordinator

/// Measures what each way of sharing the ReplicaSet, pod and event watches costs the API server.
///
/// With the simulator's counters, on one release: 10 namespaces × 10 Deployments of 2 replicas, plus 200
/// pods per namespace that no target owns. The numbers behind the default are in `docs/architecture.md`;
/// the test asserts the structural counts (how many watches each scope opens) and that every scope
/// reaches the same verdicts, and prints the rest.
@Suite("Watch scope: what each sharing costs", .serialized, .timeLimit(.minutes(5)))
struct WatchScopeMeasurementTests {
    static let namespaces = (1...10).map { String(format: "team-%02d", $0) }

    static var release: String {
        // Each service its own pod labels, so that per-workload watches have selectors of their own.
        let services = (1...10).map { index in
            """
                - name: svc-\(index)
                  namespace: [\(namespaces.joined(separator: ", "))]
                  labels: {tier: bench, app: svc-\(index)}
                  replicas: 2
                  behaviour: healthy after 2s
            """
        }
        return """
            name: watch-scope-measurement
            description: 100 Deployments over 10 namespaces, with 2000 unrelated pods.
            workloads:
              deployments:
            \(services.joined(separator: "\n"))
              pods:
                - name: unrelated-{i}
                  count: 200
                  namespace: [\(namespaces.joined(separator: ", "))]
                  labels: {app: unrelated}
            """
    }

    @Test(
        "every scope reaches the same verdicts; each opens the watches it should",
        arguments: DependentWatchScope.allCases
    )
    func measure(_ scope: DependentWatchScope) async throws {
        let scenario = try Scenario.parse(yaml: Self.release, file: "watch-scope-measurement.yaml")
        let selection = WorkloadSelection(scope: .allNamespaces, labelSelector: "tier=bench")
        let started = ContinuousClock.now
        try await SimulatorGateTests.gate(
            scenario,
            targets: [.selection(selection)],
            policy: GatePolicy(timeout: .seconds(120), watchScope: scope)
        ) { sim, outcome in
            let elapsed = ContinuousClock.now - started
            #expect(outcome.succeeded, "\(outcome.ending.name)")
            #expect(outcome.results.count == 100)
            let statistics = sim.statistics
            let expectedWatches =
                switch scope {
                case .namespace, .adaptive: 1 + 3 * Self.namespaces.count
                case .cluster: 1 + 3
                case .workload: 1 + Self.namespaces.count + 2 * 100
                }
            #expect(outcome.watches.count == expectedWatches, "\(outcome.watches.prefix(6))")
            let lists = statistics.requests["list"]?.values.reduce(0, +) ?? 0
            print(
                "watch scope \(scope): \(lists) lists, \(statistics.watchStreamsOpened) watch streams, "
                    + "\(statistics.bytesSent / 1024) KiB sent, \(elapsed) until every verdict"
            )
        }
    }

    /// The seed's use: one Deployment in a namespace that holds 200 other pods.
    static let lonelyService = """
        name: one-service-busy-namespace
        description: One Deployment beside 200 unrelated pods.
        workloads:
          deployments:
            - {name: checkout, namespace: shop, labels: {app: checkout}, replicas: 2, behaviour: healthy after 2s}
          pods:
            - {name: "unrelated-{i}", count: 200, namespace: [shop], labels: {app: unrelated}}
        """

    @Test(
        "one target in a busy namespace: the same four watches either way",
        arguments: [DependentWatchScope.namespace, .workload, .adaptive]
    )
    func lonelyService(_ scope: DependentWatchScope) async throws {
        let scenario = try Scenario.parse(yaml: Self.lonelyService, file: "one-service-busy-namespace.yaml")
        let selection = WorkloadSelection(scope: .namespaces(["shop"]), labelSelector: "app=checkout")
        try await SimulatorGateTests.gate(
            scenario,
            targets: [.selection(selection)],
            policy: GatePolicy(timeout: .seconds(60), watchScope: scope)
        ) { sim, outcome in
            #expect(outcome.succeeded, "\(outcome.ending.name)")
            #expect(outcome.watches.count == 4)
            print("one service, watch scope \(scope): \(sim.statistics.bytesSent / 1024) KiB sent")
        }
    }
}
