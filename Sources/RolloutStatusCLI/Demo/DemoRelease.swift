import Foundation
import KubeSimulator
import RolloutCoordinator
import RolloutReport

/// `rollout-status demo`: a monorepo release on an embedded simulated cluster, gated for real.
///
/// The simulator starts in this process over HTTPS on a free port, plays the release below (its
/// controllers and kubelet roll the Deployments out; `payments/checkout` crash-loops), and a temporary
/// kubeconfig with a client certificate points the ordinary gate at it: the same client, coordinator,
/// rules and report as against a real cluster, with live progress on stderr and the report on stdout.
public enum DemoRelease {
    /// The namespaces of the release.
    public static let namespaces = ["shop", "payments", "search"]
    /// The label every workload of the release carries.
    public static let selector = "release=2026.11"

    /// The release: ten Deployments over three namespaces beside unrelated pods.
    ///
    /// Times are scaled by ten (`timeScale: 0.1`): most services are ready within a few seconds, the
    /// checkout container dies at every start and passes the default `--max-restarts` in about four,
    /// while the ledger is still starting, so fail-fast cancels it.
    public static let scenario = """
        name: demo-monorepo-release
        description: A monorepo release of ten services in three namespaces; payments/checkout crash-loops.
        workloads:
          timeScale: 0.1
          deployments:
            - name: api
              namespace: [shop, payments, search]
              labels: {app: api, release: "2026.11"}
              replicas: 3
              image: registry.example.com/monorepo/api:2026.11.0
              behaviour: healthy after 30s
            - name: worker
              namespace: [shop, search]
              labels: {app: worker, release: "2026.11"}
              replicas: 2
              image: registry.example.com/monorepo/worker:2026.11.0
              behaviour: healthy after 45s
            - name: frontend
              namespace: [shop]
              labels: {app: frontend, release: "2026.11"}
              replicas: 4
              maxSurge: 50%
              image: registry.example.com/monorepo/frontend:2026.11.0
              behaviour: slow-start after 60s
            - name: cart
              namespace: [shop]
              labels: {app: cart, release: "2026.11"}
              replicas: 2
              image: registry.example.com/monorepo/cart:2026.11.0
              behaviour: healthy after 35s
            - name: checkout
              namespace: [payments]
              labels: {app: checkout, release: "2026.11"}
              replicas: 2
              container: server
              image: registry.example.com/monorepo/checkout:2026.11.0
              behaviour:
                name: crash-loop
                after: 1s
                exitCode: 1
                log: "panic: STRIPE_API_KEY is not set (did the release forget the payments-secrets Secret?)"
            - name: ledger
              namespace: [payments]
              labels: {app: ledger, release: "2026.11"}
              replicas: 3
              image: registry.example.com/monorepo/ledger:2026.11.0
              behaviour: slow-start after 300s
            - name: indexer
              namespace: [search]
              labels: {app: indexer, release: "2026.11"}
              replicas: 2
              image: registry.example.com/monorepo/indexer:2026.11.0
              behaviour: healthy after 40s
          pods:
            - name: "batch-runner-{i}"
              namespace: [shop, payments, search]
              count: 10
              labels: {app: batch-runner}
        """

    /// Runs the demo with `program`'s streams and runner; returns the gate's exit code.
    @Sendable
    public static func run(_ program: GateProgram) async -> GateExitCode {
        let started = Started(wallClock: program.wallClock)
        do {
            let release = try Scenario.parse(yaml: scenario, file: "demo-release.yaml")
            return try await KubeSimulator.withSimulator(scenario: release) { simulator in
                let directory = FileManager.default.temporaryDirectory
                    .appendingPathComponent("rollout-status-demo-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                let kubeconfig = directory.appendingPathComponent("kubeconfig").path
                let identity = KubeSimulatorConfiguration.adminIdentity
                let certificate = try simulator.pki.issueClientCertificate(
                    user: identity.user,
                    groups: identity.groups.filter { $0 != "system:authenticated" },
                    keyType: .ec
                )
                try simulator.kubeconfig(
                    contexts: [.init(name: "demo", credential: .clientCertificate(certificate), namespace: "shop")]
                )
                .write(to: kubeconfig)
                program.standardError.line(
                    "rollout-status demo: a simulated cluster at \(simulator.url) is rolling out release 2026.11 "
                        + "(ten Deployments in \(namespaces.joined(separator: ", "))); gating it:"
                )
                program.standardError.line(
                    "rollout-status demo: rollout-status -n \(namespaces.joined(separator: ",")) -l \(selector) "
                        + "--timeout 2m --kubeconfig \(kubeconfig)"
                )
                return await program.execute(arguments: [
                    "-n", namespaces.joined(separator: ","), "-l", selector, "--timeout", "2m", "--kubeconfig",
                    kubeconfig,
                ])
            }
        } catch {
            return program.fail(with: error, invocation: nil, started: started)
        }
    }
}
