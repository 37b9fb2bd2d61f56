import Foundation
import KubeSimulator
import RolloutRules
import TestSupport
import Testing

@testable import RolloutCoordinator

/// The coordinator against every behaviour scenario of `examples/scenarios/`, with the verdict each
/// scenario's header promises: the simulated controllers and kubelet play the rollout in real time, the
/// real client and rules judge it.
@Suite("Coordinator against the scenario library", .timeLimit(.minutes(5)))
struct ScenarioLibraryGateTests {
    /// One scenario, the gate's arguments, and what it must answer.
    struct Case: Sendable, CustomTestStringConvertible {
        var scenario: String
        var selector: String
        var namespaces: SelectionScope = .namespaces(["default"])
        var kinds: [Workload.Kind] = [.deployment]
        var failFast = true
        var timeout: Duration = .seconds(90)
        var thresholds = RolloutThresholds.default
        /// The decisive failure's code; `nil` when every target succeeds.
        var code: RolloutFailureCode?
        /// For `timeout`: the gate's deadline passes instead of any failure.
        var deadline = false
        var results: Int?
        /// Per workload name, the failure code each one must end with (for `--no-fail-fast` cases).
        var failures: [String: RolloutFailureCode] = [:]

        var testDescription: String { "\(scenario) -l \(selector)" }
    }

    static let cases: [Case] = [
        Case(scenario: "crashloop-backoff", selector: "app=crashloop-backoff", code: .processCrashing),
        Case(scenario: "healthy-multi-namespace", selector: "tier=backend", namespaces: .allNamespaces, results: 9),
        Case(
            scenario: "healthy-multi-namespace",
            selector: "tier=backend",
            namespaces: .namespaces(["shop", "payments", "search"]),
            results: 9
        ),
        Case(scenario: "healthy-rolling-update", selector: "app=web", namespaces: .namespaces(["shop"]), results: 1),
        Case(scenario: "healthy-transient-crash", selector: "tier=backend"),
        Case(
            scenario: "healthy-all-kinds",
            selector: "release=r1",
            kinds: [.deployment, .statefulSet, .daemonSet, .job]
        ),
        Case(
            scenario: "failing-other-kinds",
            selector: "release=r2",
            kinds: [.statefulSet, .daemonSet, .job],
            failFast: false,
            results: 3,
            failures: ["db": .processCrashing, "log-agent": .invalidConfig, "migrate": .processCrashing]
        ),
        Case(scenario: "invalid-config-create-container-error", selector: "app=web", code: .invalidConfig),
        Case(
            scenario: "invalid-config-failed-mount",
            selector: "app=ingress",
            thresholds: RolloutThresholds(mountGrace: .seconds(5)),
            code: .invalidConfig
        ),
        Case(
            scenario: "invalid-config-image-pull",
            selector: "app=web",
            namespaces: .namespaces(["shop"]),
            code: .invalidConfig
        ),
        Case(scenario: "invalid-config-invalid-image-name", selector: "app=web", code: .invalidConfig),
        Case(scenario: "invalid-config-missing-configmap", selector: "app=web", code: .invalidConfig),
        Case(scenario: "invalid-config-missing-secret", selector: "app=api", code: .invalidConfig),
        Case(scenario: "never-ready-progress-deadline", selector: "app=never-ready", code: .notProgressing),
        Case(scenario: "not-found", selector: "app=cart", namespaces: .namespaces(["shop"]), code: .notFound),
        Case(scenario: "not-found", selector: "app=checkout", namespaces: .namespaces(["shop"]), code: .notFound),
        Case(scenario: "not-progressing-paused", selector: "app=web", code: .notProgressing),
        Case(scenario: "process-crashing-init-container", selector: "app=api", code: .processCrashing),
        Case(scenario: "process-crashing-run-container-error", selector: "app=worker", code: .processCrashing),
        Case(scenario: "resource-limits-limit-range", selector: "app=web", code: .resourceLimitsExceeded),
        Case(scenario: "resource-limits-oom", selector: "app=cache", code: .resourceLimitsExceeded),
        Case(
            scenario: "resource-limits-quota",
            selector: "app=report",
            namespaces: .namespaces(["batch"]),
            code: .resourceLimitsExceeded
        ),
        Case(
            scenario: "scheduling-unschedulable",
            selector: "app=ml",
            thresholds: RolloutThresholds(pendingDeadline: .seconds(5)),
            code: .scheduling
        ),
        Case(scenario: "timeout-slow-start", selector: "app=search", timeout: .seconds(10), deadline: true),
    ]

    @Test("the scenario's promised verdict", arguments: cases)
    func scenario(_ expected: Case) async throws {
        let scenario = try Scenario.load(file: RepositoryFiles.scenario(expected.scenario))
        let selection = WorkloadSelection(
            kinds: expected.kinds,
            scope: expected.namespaces,
            labelSelector: expected.selector
        )
        let policy = GatePolicy(failFast: expected.failFast, timeout: expected.timeout)
        try await SimulatorGateTests.gate(
            scenario,
            targets: [.selection(selection)],
            policy: policy,
            thresholds: expected.thresholds
        ) { sim, outcome in
            let closed = try await sim.eventually { sim.statistics.watchStreamsOpen == 0 }
            #expect(closed, "every watch stream is closed")
            let verdicts = outcome.results.map { "\($0.subject): \($0.verdict.name) \($0.failure?.message ?? "")" }
            if let results = expected.results { #expect(outcome.results.count == results, "\(verdicts)") }
            for (name, code) in expected.failures {
                let result = outcome.results.first { $0.subject.description.hasSuffix("/\(name)") }
                #expect(result?.failure?.code == code, "\(name): \(verdicts)")
            }
            if expected.deadline {
                guard case .deadlinePassed = outcome.ending else {
                    Issue.record("ending \(outcome.ending.name), expected deadline-passed: \(verdicts)")
                    return
                }
                #expect(outcome.unfinished.allSatisfy { $0.progress?.waitingFor.isEmpty == false })
            } else if let code = expected.code {
                #expect(outcome.decisiveFailure?.failure?.code == code, "\(outcome.ending.name): \(verdicts)")
            } else if expected.failures.isEmpty {
                #expect(outcome.succeeded, "\(outcome.ending.name): \(verdicts)")
            }
        }
    }

    @Test("the seed's example: process-crashing, with the crashed instance's panic as the log tail")
    func seedExampleLog() async throws {
        let scenario = try Scenario.load(file: RepositoryFiles.scenario("crashloop-backoff"))
        let selection = WorkloadSelection(scope: .namespaces(["default"]), labelSelector: "app=crashloop-backoff")
        try await SimulatorGateTests.gate(scenario, targets: [.selection(selection)]) { _, outcome in
            let failure = try #require(outcome.decisiveFailure?.failure)
            #expect(failure.code == .processCrashing)
            guard case .captured(let tail) = failure.details.log else {
                Issue.record("no log tail: \(failure.details.log)")
                return
            }
            #expect(tail.request.container == "main")
            // The rules read the previous instance once the container waits in back-off, the current one
            // while it lies terminated; either way the crashed instance's output holds the panic.
            #expect(tail.text.contains("panic: invalid configuration: unable to read client-key"))
            #expect(failure.details.events.contains { $0.reason == "BackOff" })
        }
    }
}
