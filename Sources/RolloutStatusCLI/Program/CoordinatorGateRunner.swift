import Foundation
import KubeClient
import KubeModel
import RolloutCoordinator
import RolloutReport
import Synchronization
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
    /// Timeouts, limits and the retry policy of the HTTP transport.
    let transport: TransportOptions

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

    /// A runner with its environment, clock, interruptions, terminal and transport injected.
    ///
    /// Fault tests shorten the transport's idle limit and retry budget (`TransportOptions`), so a stalled
    /// stream or an API server that never comes back is decided in seconds instead of minutes.
    public init(
        environment: @escaping @Sendable (_ diagnostics: @escaping @Sendable (String) -> Void) -> KubeClientEnvironment,
        clock: any GateClock = SystemGateClock(),
        interruptions: @escaping @Sendable () async -> (any AsyncSequence<GateInterruption, Never> & Sendable)? = {
            nil
        },
        terminal: TerminalInfo = .none,
        transport: TransportOptions = TransportOptions()
    ) {
        self.environment = environment
        self.clock = clock
        self.interruptions = interruptions
        self.terminal = terminal
        self.transport = transport
    }

    /// Resolves the cluster, runs the coordinator with progress on `diagnostics`, and reports.
    public func run(_ request: GateRequest, diagnostics: any DiagnosticSink) async throws -> GateReport {
        let clock = clock
        let display = ProgressDisplay(
            style: ProgressDisplay.style(for: request.verbosity, terminal: terminal),
            sink: diagnostics,
            startedAt: clock.now
        )
        var environment = environment { display.line("rollout-status: \($0)") }
        let health = WatchHealthRecord()
        environment.watchHealth = { health.record($0, at: clock.now) }
        var transport = transport
        if request.timeout != nil {
            // With a deadline, a watch keeps retrying an API server that went away until the deadline, not
            // for its usual budget of attempts: a control plane that restarts in two minutes must not fail a
            // gate allowed ten. At the deadline, a watch still failing makes the ending api-unavailable.
            transport.retry.maximumAttempts = .max
        }
        let configuration = try ClientConfiguration.resolve(
            overrides: KubeconfigOverrides(
                kubeconfigPath: request.cluster.kubeconfig,
                context: request.cluster.context
            ),
            environment: environment,
            transport: transport
        )
        let targets = request.targets(contextNamespace: configuration.namespace)
        let interruptions = await interruptions()
        var outcome = try await withKubeClient(configuration, environment: environment) { client in
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
        if case .deadlinePassed = outcome.ending, let timeout = request.timeout,
            let (watch, error) = health.failing(since: clock.now.addingTimeInterval(-Self.outageGrace(timeout)))
        {
            // The deadline passed while the API server was not answering: the rollout may well have been
            // done; what the pipeline must hear is that the cluster could not be read (exit 4).
            outcome.ending = .sourceFailed(GateSourceError(watch: watch.description, underlying: error))
        }
        return outcome.report(timeout: request.timeout, skipped: request.skipped) { error in
            ErrorPresentation.classify(error).error
        }
    }
}

extension CoordinatorGateRunner {
    /// How long a watch must have been failing at the deadline for the ending to be the API's fault: a
    /// quarter of the time allowed, at most 30 s.
    ///
    /// A 503 or a reset a moment before the deadline of a rollout that was simply slow is not an outage
    /// (the soak run found exactly that); an API server that stopped answering for a good part of the
    /// run is.
    static func outageGrace(_ timeout: Duration) -> TimeInterval {
        min(30, timeout.seconds / 4)
    }
}

/// Which watches are failing right now, and since when, from the client's health reports.
final class WatchHealthRecord: Sendable {
    private let failures = Mutex<[RequestDescription: (error: KubeClientError, since: Date)]>([:])

    /// Notes a report; a watch's failing streak starts at its first failure after it last worked.
    func record(_ health: WatchHealth, at now: Date) {
        failures.withLock { failures in
            switch health {
            case .retrying(let request, let error):
                failures[request] = (error, failures[request]?.since ?? now)
            case .recovered(let request):
                failures[request] = nil
            }
        }
    }

    /// One watch failing without a break since `instant` or earlier, and its last error, if any.
    func failing(since instant: Date) -> (RequestDescription, KubeClientError)? {
        failures.withLock { failures in
            failures.filter { $0.value.since <= instant }
                .min { $0.key.description < $1.key.description }
                .map { ($0.key, $0.value.error) }
        }
    }
}
