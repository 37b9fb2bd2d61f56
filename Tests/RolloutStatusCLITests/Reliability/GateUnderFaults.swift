import Foundation
import KubeClient
import KubeSimulator
import RolloutReport
import RolloutStatusCLI
import TestSupport

/// Runs the whole program (flags in; the real runner over HTTPS against the simulator; report and exit
/// code out) while a fault script breaks the simulator, and measures how long the gate took.
enum GateUnderFaults {
    /// One gate run and what the simulator saw.
    struct Run {
        var program: ProgramRun
        /// The counters after the gate returned and every stream it held was seen closed.
        var statistics: SimulatorStatistics
        /// From the start of the program to its exit code.
        var duration: Duration
        /// Whether every watch stream was closed within the wait after the gate returned.
        var streamsClosed: Bool
        /// The simulator's URL, as errors name it.
        var serverURL: String
    }

    /// A transport for tests: a 10 s idle limit (stalled streams found in seconds, not the default two
    /// minutes) and quick retries.
    ///
    /// Not shorter: on a loaded 2-core machine an in-process simulator can take seconds to start a large
    /// list's answer, and a limit of 2 s took that for a stall again and again until the deadline passed.
    static let fastTransport = TransportOptions(
        idleTimeout: .seconds(10),
        retry: RetryPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), maximumAttempts: 30)
    )

    /// Runs `arguments` (with a kubeconfig for the simulator appended) against `scenario`, with `faults`
    /// running beside the gate until it returns.
    static func run(
        _ arguments: [String],
        scenario: Scenario,
        configuration: KubeSimulatorConfiguration = KubeSimulatorConfiguration(),
        scenarioClock: ManualClock? = nil,
        transport: TransportOptions = fastTransport,
        authentication: SimulatedAPIServer.Authentication = .token(),
        faults: @escaping @Sendable (SimulatedAPIServer) async throws -> Void = { _ in },
        kubeconfigText: (@Sendable (SimulatedAPIServer) throws -> String)? = nil
    ) async throws -> Run {
        var configuration = configuration
        if let scenarioClock { configuration.clock = scenarioClock }
        // Bookmarks well within the transport's 10 s idle limit, as kube-apiserver's minute is within the
        // gate's default 120 s: a quiet watch is never taken for a stalled one.
        configuration.bookmarkInterval = .milliseconds(500)
        return try await withKubeSimulator(scenario: scenario, configuration: configuration) { sim in
            let kubeconfig: String
            if let kubeconfigText {
                kubeconfig =
                    FileManager.default.temporaryDirectory
                    .appendingPathComponent("gate-\(UUID().uuidString).kubeconfig").path
                try Data(try kubeconfigText(sim).utf8).write(to: URL(fileURLWithPath: kubeconfig))
            } else {
                kubeconfig = try sim.writeKubeconfig(authentication, namespace: "shop")
            }
            defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
            let stdout = CapturedOutput()
            let stderr = CapturedOutput()
            let program = GateProgram(
                environment: [:],
                standardInput: { Data() },
                standardOutput: stdout,
                standardError: stderr,
                runner: CoordinatorGateRunner(
                    environment: { diagnostics in
                        KubeClientEnvironment(variables: [:], homeDirectory: nil, diagnostics: diagnostics)
                    },
                    transport: transport
                )
            )
            let clock = ContinuousClock()
            let started = clock.now
            let code = try await withThrowingTaskGroup(of: GateExitCode?.self) { group in
                group.addTask { await program.execute(arguments: arguments + ["--kubeconfig", kubeconfig]) }
                group.addTask {
                    do {
                        try await faults(sim)
                    } catch is CancellationError {
                        // The gate returned first: the fault script is stopped, which is its normal end.
                    }
                    return nil
                }
                var code: GateExitCode?
                while let result = try await group.next() {
                    if let result {
                        code = result
                        group.cancelAll()
                    }
                }
                return code ?? .internalError
            }
            let duration = clock.now - started
            if !sim.simulator.isListening { sim.comeBack() }
            let closed = try await sim.eventually { sim.statistics.watchStreamsOpen == 0 }
            return Run(
                program: ProgramRun(exitCode: code, stdout: stdout.text, stderr: stderr.lines),
                statistics: sim.statistics,
                duration: duration,
                streamsClosed: closed,
                serverURL: sim.url
            )
        }
    }

    /// Repeats `action` every `interval` until cancelled (the gate returned).
    static func every(_ interval: Duration, _ action: @escaping @Sendable () throws -> Void) async throws {
        while true {
            try await Task.sleep(for: interval)
            try action()
        }
    }

    /// Plays the rollout in scenario time, a fault before each step: `steps` times, runs `fault`, moves the
    /// scenario clock on by `step` and lets the gate catch up; then moves time on until the gate returns.
    ///
    /// The scenario clock is manual, so the rollout advances only here, between faults: however loaded the
    /// machine, every fault lands while the rollout is under way, never after the gate already finished.
    static func drive(
        _ clock: ManualClock,
        steps: Int = 20,
        step: Duration = .milliseconds(400),
        pause: Duration = .milliseconds(150),
        fault: @escaping @Sendable (Int) throws -> Void
    ) async throws {
        for index in 0..<steps {
            try fault(index)
            clock.advance(by: step)
            try await Task.sleep(for: pause)
        }
        while true {
            clock.advance(by: step)
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits until the gate has opened at least `count` watch streams (its initial lists are done).
    static func watching(_ sim: SimulatedAPIServer, atLeast count: Int = 1) async throws {
        _ = try await sim.eventually { sim.statistics.watchStreamsOpened >= count }
    }
}

/// Scenarios for the fault tests, played by the simulator's behaviour model.
enum FaultScenarios {
    /// `shop/web`, a new Deployment of `replicas` pods that become ready `readyAfter` their creation (so
    /// the rollout lasts long enough for faults to hit it), or crash-loop when `crashing` (at a tenth of
    /// the kubelet's real back-off, so the restarts that make it certain come within seconds).
    static func rollout(replicas: Int = 3, readyAfter: String = "6s", crashing: Bool = false) throws -> Scenario {
        let behaviour =
            crashing
            ? """
            behaviour:
                    name: crash-loop
                    after: 1s
                    exitCode: 2
                    log: "panic: missing STRIPE_KEY"
            """
            : "behaviour: healthy after \(readyAfter)"
        return try Scenario.parse(
            yaml: """
                name: fault-rollout
                workloads:
                  timeScale: \(crashing ? "0.1" : "1")
                  deployments:
                    - name: web
                      namespace: shop
                      replicas: \(replicas)
                      image: registry.example.com/shop/web:2.0.0
                      \(behaviour)
                """,
            file: "fault-rollout.yaml"
        )
    }
}
