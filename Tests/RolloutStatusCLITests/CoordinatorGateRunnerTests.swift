import Foundation
import KubeClient
import KubeSimulator
import RolloutCoordinator
import RolloutReport
import RolloutRules
import RolloutStatusCLI
import TestSupport
import Testing

/// The whole program with the real runner: flags in, the coordinator over HTTPS against the simulator,
/// the JSON report and the exit code out.
@Suite("The real runner against the simulator", .timeLimit(.minutes(3)))
struct CoordinatorGateRunnerTests {
    /// Two Deployments in `shop` rolling out; at 1 s `web`'s new pod crash-loops (restart 3) and its
    /// previous instance's log tells why; `api` never finishes.
    static let crashingRelease = """
        name: shop-release
        objects:
        - apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
            namespace: shop
            uid: 0d7c4f1e-1111-4a1b-9c2d-3e4f5a6b7c01
            generation: 2
            labels: {app: web, tier: front}
            annotations: {deployment.kubernetes.io/revision: "2"}
          spec:
            replicas: 1
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec: {containers: [{name: app, image: "registry.example.com/shop/web:2.0.0"}]}
          status:
            observedGeneration: 2
            replicas: 1
            updatedReplicas: 1
            unavailableReplicas: 1
            conditions:
            - {type: Progressing, status: "True", reason: ReplicaSetUpdated, message: "ReplicaSet \\"web-6b8f9c7d5\\" is progressing.", lastUpdateTime: "2026-01-01T10:00:00Z", lastTransitionTime: "2026-01-01T10:00:00Z"}
        - apiVersion: apps/v1
          kind: ReplicaSet
          metadata:
            name: web-6b8f9c7d5
            namespace: shop
            uid: 0d7c4f1e-2222-4a1b-9c2d-3e4f5a6b7c02
            labels: {app: web, pod-template-hash: 6b8f9c7d5}
            annotations: {deployment.kubernetes.io/revision: "2"}
            ownerReferences:
            - {apiVersion: apps/v1, kind: Deployment, name: web, uid: 0d7c4f1e-1111-4a1b-9c2d-3e4f5a6b7c01, controller: true, blockOwnerDeletion: true}
          spec:
            replicas: 1
            selector: {matchLabels: {app: web, pod-template-hash: 6b8f9c7d5}}
            template:
              metadata: {labels: {app: web, pod-template-hash: 6b8f9c7d5}}
              spec: {containers: [{name: app, image: "registry.example.com/shop/web:2.0.0"}]}
          status: {replicas: 1, fullyLabeledReplicas: 1, observedGeneration: 1}
        - apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: api
            namespace: shop
            uid: 0d7c4f1e-3333-4a1b-9c2d-3e4f5a6b7c03
            generation: 1
            labels: {app: api, tier: front}
            annotations: {deployment.kubernetes.io/revision: "1"}
          spec:
            replicas: 2
            selector: {matchLabels: {app: api}}
            template:
              metadata: {labels: {app: api}}
              spec: {containers: [{name: app, image: "registry.example.com/shop/api:1.0.0"}]}
          status: {observedGeneration: 1, replicas: 2, updatedReplicas: 2, unavailableReplicas: 2}
        timeline:
        - at: 1s
          log:
            namespace: shop
            pod: web-6b8f9c7d5-q7w2e
            container: app
            current: ""
            previous: |
              starting web 2.0.0
              panic: missing STRIPE_KEY
        - at: 1s
          create:
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-6b8f9c7d5-q7w2e
              namespace: shop
              uid: 0d7c4f1e-4444-4a1b-9c2d-3e4f5a6b7c04
              labels: {app: web, pod-template-hash: 6b8f9c7d5}
              ownerReferences:
              - {apiVersion: apps/v1, kind: ReplicaSet, name: web-6b8f9c7d5, uid: 0d7c4f1e-2222-4a1b-9c2d-3e4f5a6b7c02, controller: true, blockOwnerDeletion: true}
            spec:
              nodeName: sim-node-1
              containers: [{name: app, image: "registry.example.com/shop/web:2.0.0"}]
            status:
              phase: Running
              conditions:
              - {type: PodScheduled, status: "True", lastTransitionTime: "2026-01-01T10:00:01Z"}
              - {type: Ready, status: "False", reason: ContainersNotReady, lastTransitionTime: "2026-01-01T10:00:01Z"}
              containerStatuses:
              - name: app
                image: registry.example.com/shop/web:2.0.0
                ready: false
                started: false
                restartCount: 3
                state:
                  waiting: {reason: CrashLoopBackOff, message: "back-off 40s restarting failed container=app pod=web-6b8f9c7d5-q7w2e_shop(0d7c4f1e-4444-4a1b-9c2d-3e4f5a6b7c04)"}
                lastState:
                  terminated: {exitCode: 2, reason: Error, startedAt: "2026-01-01T10:00:30Z", finishedAt: "2026-01-01T10:00:31Z"}
        """

    /// Runs the program with the real runner against a simulator playing `scenario`.
    static func run(_ arguments: [String], scenario: String) async throws -> (ProgramRun, SimulatorStatistics) {
        let loaded = try Scenario.parse(yaml: scenario, file: "shop-release.yaml")
        return try await withKubeSimulator(scenario: loaded) { sim in
            let kubeconfig = try sim.writeKubeconfig(.token(), namespace: "shop")
            defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
            let stdout = CapturedOutput()
            let stderr = CapturedOutput()
            let program = GateProgram(
                environment: [:],
                standardInput: { Data() },
                standardOutput: stdout,
                standardError: stderr,
                runner: CoordinatorGateRunner(environment: { diagnostics in
                    KubeClientEnvironment(variables: [:], homeDirectory: nil, diagnostics: diagnostics)
                })
            )
            let code = await program.execute(arguments: arguments + ["--kubeconfig", kubeconfig])
            _ = try await sim.eventually { sim.statistics.watchStreamsOpen == 0 }
            return (ProgramRun(exitCode: code, stdout: stdout.text, stderr: stderr.lines), sim.statistics)
        }
    }

    @Test("a crash loop: exit 1, process-crashing with the previous instance's log, the other target cancelled")
    func crashLoop() async throws {
        let (run, statistics) = try await Self.run(["-l", "tier=front"], scenario: Self.crashingRelease)
        #expect(run.exitCode == .rolloutFailed)
        let report = try run.report()
        #expect(!report.success)
        let error = try #require(report.error)
        #expect(error.code == .rollout(.processCrashing))
        #expect(error.type == .rollout)
        #expect(error.log?.contains("panic: missing STRIPE_KEY") == true)
        #expect(report.results.map(\.name) == ["api", "web"])
        #expect(report.results.map(\.verdict) == [.cancelled, .failed])
        let failure = try #require(report.results.last?.failure)
        #expect(failure.rule == RolloutRule.containerCrashLoop.rawValue)
        #expect(failure.restartCount == 3)
        #expect(failure.lastTermination?.exitCode == 2)
        #expect(failure.log?.previous == true)
        #expect(run.stderr.contains { $0.hasPrefix("shop/web: failed (process-crashing)") })
        #expect(run.stderr.contains { $0.hasPrefix("shop/api: ") })
        #expect(statistics.watchStreamsOpen == 0)
    }

    @Test("a selector matching nothing: exit 1 with not-found, as the original reports it")
    func nothingMatched() async throws {
        let (run, _) = try await Self.run(["-l", "tier=none"], scenario: Self.crashingRelease)
        #expect(run.exitCode == .rolloutFailed)
        let report = try run.report()
        #expect(report.error?.code == .rollout(.notFound))
        #expect(report.error?.message == "Found no deployments matching tier=none in namespace shop.")
        #expect(report.results.isEmpty)
    }

    @Test("the deadline: exit 2 with timeout, naming what was still awaited")
    func deadline() async throws {
        let (run, _) = try await Self.run(["-l", "app=api", "--timeout", "5s"], scenario: Self.crashingRelease)
        #expect(run.exitCode == .deadlineExceeded)
        let report = try run.report()
        #expect(report.error?.code == .rollout(.timeout))
        #expect(report.error?.message.contains("shop/api") == true)
        #expect(report.results.first?.verdict == .progressing)
        // What it waited for: the rollout, or on a loaded machine possibly still its initial lists.
        #expect(report.results.first?.waitingFor?.hasPrefix("Waiting for") == true)
    }

    @Test("a kubeconfig naming an unknown context: exit 3 before any request")
    func badContext() async throws {
        let (run, statistics) = try await Self.run(
            ["-l", "tier=front", "--context", "nowhere"],
            scenario: Self.crashingRelease
        )
        #expect(run.exitCode == .configuration)
        #expect(try run.report().error?.code == .program(.kubeconfig))
        #expect(statistics.requests.values.reduce(0) { $0 + $1.values.reduce(0, +) } == 0)
    }
}
