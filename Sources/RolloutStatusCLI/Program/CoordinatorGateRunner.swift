import Foundation
import KubeClient
import RolloutCoordinator
import RolloutReport
import UnixSignals

/// The runner the binary uses: the kubeconfig resolved into a client, the coordinator run over it, and
/// its outcome turned into the report.
///
/// Configuration and credentials are resolved before any request, so a bad kubeconfig fails here with
/// its own error (exit 3). Everything after that ends with a report: failures, the deadline, an
/// interruption and API failures keep the results seen so far.
public struct CoordinatorGateRunner: GateRunner {
    /// Builds the client's environment (variables, home, files, clock) around a sink for its warnings.
    let environment: @Sendable (_ diagnostics: @escaping @Sendable (String) -> Void) -> KubeClientEnvironment
    /// The wall clock the gate judges and sleeps by.
    let clock: any GateClock
    /// Makes the sequence whose first element stops the gate (SIGINT, SIGTERM), if any.
    let interruptions: @Sendable () async -> (any AsyncSequence<GateInterruption, Never> & Sendable)?
    /// Whether stderr is a terminal the live status table can be redrawn on.
    let terminal: TerminalInfo

    /// The runner of this process: its environment, the system clock, and SIGINT/SIGTERM.
    ///
    /// While the gate runs, the two signals are trapped instead of killing the process: the first one
    /// stops the gate, which still prints its partial report, and the exit code says which signal it was
    /// (130 or 143).
    public init() {
        self.init(
            environment: { KubeClientEnvironment.live(diagnostics: $0) },
            interruptions: {
                await UnixSignalsSequence(trapping: .sigint, .sigterm).map { signal in
                    signal == .sigterm ? GateInterruption.terminationSignal : .interruptSignal
                }
            },
            terminal: .standardError(environment: ProcessInfo.processInfo.environment)
        )
    }

    /// A runner with its environment, clock and interruptions injected.
    public init(
        environment: @escaping @Sendable (_ diagnostics: @escaping @Sendable (String) -> Void) -> KubeClientEnvironment,
        clock: any GateClock = SystemGateClock(),
        interruptions: @escaping @Sendable () async -> (any AsyncSequence<GateInterruption, Never> & Sendable)? = {
            nil
        },
        terminal: TerminalInfo = .none
    ) {
        self.environment = environment
        self.clock = clock
        self.interruptions = interruptions
        self.terminal = terminal
    }

    /// Resolves the cluster, runs the coordinator with progress on `diagnostics`, and reports.
    public func run(_ request: GateRequest, diagnostics: any DiagnosticSink) async throws -> GateReport {
        let clock = clock
        let display = ProgressDisplay(
            style: ProgressDisplay.style(for: request.verbosity, terminal: terminal),
            sink: diagnostics,
            startedAt: clock.now
        )
        let environment = environment { display.line("rollout-status: \($0)") }
        let configuration = try ClientConfiguration.resolve(
            overrides: KubeconfigOverrides(
                kubeconfigPath: request.cluster.kubeconfig,
                context: request.cluster.context
            ),
            environment: environment
        )
        let targets = request.targets(contextNamespace: configuration.namespace)
        let interruptions = await interruptions()
        let outcome = try await withKubeClient(configuration, environment: environment) { client in
            await withDiscardingTaskGroup(returning: GateOutcome.self) { group in
                group.addTask { await display.runTicks(clock: clock) }
                let outcome = await RolloutCoordinator.run(
                    targets: targets,
                    policy: request.policy,
                    thresholds: request.thresholds,
                    source: KubeClusterSource(client: client),
                    clock: clock,
                    interruptions: interruptions,
                    progress: { display.show($0, now: clock.now) }
                )
                group.cancelAll()
                return outcome
            }
        }
        display.finish(now: clock.now)
        return outcome.report(timeout: request.timeout, skipped: request.skipped) { error in
            ErrorPresentation.classify(error).error
        }
    }
}
