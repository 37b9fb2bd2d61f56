import Foundation

/// Start-up: how long a command takes from `posix_spawn` to its exit, median of many runs, after two
/// unmeasured runs that warm the page cache.
public struct StartupSuite: Sendable {
    let context: BenchContext

    /// Creates the suite.
    public init(context: BenchContext) {
        self.context = context
    }

    /// `rollout-status --help`, a gate over an empty selection, and kubectl's nearest equivalents.
    public func run(repeats: Int) async throws -> [StartupResult] {
        let directory = try context.runDirectory("startup")
        let scenario = directory + "/empty.yaml"
        // A namespace with one unrelated Deployment: the gate lists, finds nothing selected, and reports.
        try """
        # rollout-bench start-up: one Deployment the gate's selector does not match.
        name: bench-startup
        workloads:
          deployments:
            - {name: web, namespace: bench, replicas: 1, start: rolled-out}

        """.write(toFile: scenario, atomically: true, encoding: .utf8)
        let context = context
        return try await SimulatorProcess.with(
            binary: context.simulator,
            scenario: scenario,
            directory: directory,
            environment: context.environment,
            pool: context.pool
        ) { simulator, _ in
            var rows: [(String, ProcessSpec)] = [
                (
                    "rollout-status --help",
                    ProcessSpec(executable: context.gate, arguments: ["--help"], environment: context.environment)
                ),
                (
                    "rollout-status, empty selection (not-found)",
                    ProcessSpec(
                        executable: context.gate,
                        arguments: ["-n", "bench", "-l", "app=none", "--kubeconfig", simulator.kubeconfig],
                        environment: context.environment
                    )
                ),
            ]
            if let kubectl = context.kubectl {
                let home = directory + "/home"
                try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
                let environment = context.kubectlEnvironment(home: home)
                rows += [
                    (
                        "kubectl rollout status --help",
                        ProcessSpec(
                            executable: kubectl,
                            arguments: ["rollout", "status", "--help"],
                            environment: environment
                        )
                    ),
                    (
                        "kubectl rollout status, missing Deployment (warm discovery cache)",
                        ProcessSpec(
                            executable: kubectl,
                            arguments: [
                                "rollout", "status", "deployment/none", "-n", "bench", "--kubeconfig",
                                simulator.kubeconfig,
                            ],
                            environment: environment
                        )
                    ),
                ]
            }
            var results: [StartupResult] = []
            for (name, spec) in rows {
                var milliseconds: [Double] = []
                var cpuMilliseconds: [Double] = []
                var last: ProcessOutcome?
                for round in 0..<(repeats + 2) {
                    let outcome = try await ChildProcess.launch(spec).wait(using: context.pool)
                    if round >= 2 {
                        milliseconds.append(outcome.wallSeconds * 1000)
                        cpuMilliseconds.append(outcome.cpuSeconds * 1000)
                    }
                    last = outcome
                }
                guard let last, let distribution = Distribution(milliseconds) else { continue }
                context.log(
                    "startup \(name): median \(String(format: "%.1f", distribution.median)) ms, "
                        + "p95 \(String(format: "%.1f", distribution.p95)) ms, CPU median "
                        + "\(String(format: "%.1f", Distribution(cpuMilliseconds)?.median ?? 0)) ms (\(last.termination))"
                )
                results.append(
                    StartupResult(
                        name: name,
                        command: spec.commandLine,
                        termination: last.termination,
                        milliseconds: distribution,
                        cpuMilliseconds: Distribution(cpuMilliseconds),
                        peakRSSBytes: last.peakRSSBytes
                    )
                )
            }
            return results
        }.result
    }
}
