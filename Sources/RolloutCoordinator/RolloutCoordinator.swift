import Foundation
import KubeModel
import RolloutRules

/// Turns targets into verdicts: one structured task group watches the cluster, judges every workload
/// as changes arrive, stops at the first certain failure (or waits for all), and honours one deadline.
///
/// The command line calls `run` once and maps the `GateOutcome` to the report and the exit code. Inside,
/// a pure `GateStateMachine` makes every decision; this shell only runs what it asks for: one child task
/// per shared watch, one per scheduled wake-up, one per log fetch. Children never throw: they report into
/// one inbox, so the decision point stays single, and cancelling the group closes every stream.
public enum RolloutCoordinator {
    /// Watches `targets` until each has a verdict, the deadline passes, or the gate is interrupted.
    ///
    /// - Parameters:
    ///   - targets: selections and named workloads, as the command line resolved them.
    ///   - policy: fail-fast, the deadline, log and event limits.
    ///   - thresholds: the rules' thresholds (restarts, pending deadline, grace periods).
    ///   - source: the cluster (`KubeClusterSource` in production).
    ///   - clock: the wall clock; tests pass a manual one.
    ///   - interruptions: the first element stops the gate (the command line feeds SIGINT and SIGTERM here).
    ///   - progress: called, in order, whenever a target's progress or verdict changes.
    /// - Returns: every result; never throws: API failures and cancellation are endings of the outcome.
    public static func run(
        targets: [GateTarget],
        policy: GatePolicy = GatePolicy(),
        thresholds: RolloutThresholds = .default,
        source: some ClusterSource,
        clock: some GateClock = SystemGateClock(),
        interruptions: (any AsyncSequence<GateInterruption, Never> & Sendable)? = nil,
        progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in }
    ) async -> GateOutcome {
        await run(
            targets: targets,
            policy: policy,
            evaluator: RulesEvaluator(thresholds: thresholds),
            source: source,
            clock: clock,
            interruptions: interruptions,
            progress: progress
        )
    }

    /// `run` with the evaluator injected, so tests can drive time-based decisions precisely.
    static func run(
        targets: [GateTarget],
        policy: GatePolicy,
        evaluator: any WorkloadEvaluator,
        source: some ClusterSource,
        clock: some GateClock,
        interruptions: (any AsyncSequence<GateInterruption, Never> & Sendable)?,
        progress: @escaping @Sendable (ProgressEvent) -> Void
    ) async -> GateOutcome {
        let mailbox = Mailbox<GateStateMachine.Input>()
        // The signal listener lives outside the watching group: stopping the watches (fail-fast) must not
        // stop listening, so a signal that arrives while the failure's details are fetched still wins.
        return await withDiscardingTaskGroup(returning: GateOutcome.self) { listener in
            if let interruptions {
                listener.addTask {
                    for await reason in interruptions {
                        mailbox.post(.interrupted(reason))
                        return
                    }
                }
            }
            let outcome = await watch(
                targets: targets,
                policy: policy,
                evaluator: evaluator,
                source: source,
                clock: clock,
                mailbox: mailbox,
                progress: progress
            )
            listener.cancelAll()
            return outcome
        }
    }

    /// The watching group: one child per watch, wake-up and details fetch, all feeding `mailbox`.
    private static func watch(
        targets: [GateTarget],
        policy: GatePolicy,
        evaluator: any WorkloadEvaluator,
        source: some ClusterSource,
        clock: some GateClock,
        mailbox: Mailbox<GateStateMachine.Input>,
        progress: @escaping @Sendable (ProgressEvent) -> Void
    ) async -> GateOutcome {
        var machine = GateStateMachine(targets: targets, policy: policy, evaluator: evaluator, startedAt: clock.now)
        return await withDiscardingTaskGroup { group in
            var stopped = false
            var inlineDetails: [(WorkloadReference, DetailsRequest)] = []

            func perform(_ actions: [GateStateMachine.Action]) {
                for action in actions {
                    switch action {
                    case .openWatch(let id, let spec):
                        guard !stopped else { continue }
                        group.addTask { await runWatch(id, spec, source: source, into: mailbox) }
                    case .wake(let instant):
                        guard !stopped else { continue }
                        group.addTask {
                            do { try await clock.sleep(until: instant) } catch { return }
                            mailbox.post(.wake(instant))
                        }
                    case .fetchDetails(let reference, let request):
                        if stopped {
                            inlineDetails.append((reference, request))
                        } else {
                            group.addTask {
                                let details = await fetchDetails(
                                    request,
                                    source: source,
                                    clock: clock,
                                    timeout: policy.detailsTimeout
                                )
                                mailbox.post(.detailsFetched(reference, details))
                            }
                        }
                    case .progress(let event):
                        progress(event)
                    case .stopWatching:
                        stopped = true
                        group.cancelAll()
                    }
                }
            }

            perform(machine.start())
            while machine.outcome == nil {
                if stopped {
                    // The group is cancelled: fetch the details the verdict still needs in a group of their
                    // own, while the inbox stays open for a signal, which ends the gate without them.
                    let requests = inlineDetails
                    inlineDetails = []
                    guard !requests.isEmpty else {
                        perform(machine.handle(.interrupted(.cancelled), now: clock.now))
                        continue
                    }
                    machine = await withDiscardingTaskGroup(returning: GateStateMachine.self) { details in
                        details.addTask {
                            for (reference, fetched) in await fetchAllDetails(
                                requests,
                                source: source,
                                clock: clock,
                                timeout: policy.detailsTimeout
                            ) {
                                mailbox.post(.detailsFetched(reference, fetched))
                            }
                        }
                        var collecting = machine
                        while collecting.outcome == nil {
                            let inputs = await mailbox.takeAll()
                            // Watching has stopped: the only actions left to run are progress lines.
                            let actions =
                                inputs.isEmpty
                                ? collecting.handle(.interrupted(.cancelled), now: clock.now)
                                : collecting.handle(inputs, now: clock.now)
                            for case .progress(let event) in actions { progress(event) }
                        }
                        details.cancelAll()
                        return collecting
                    }
                    continue
                }
                let inputs = await mailbox.takeAll()
                guard !inputs.isEmpty else {
                    // The task running the gate was cancelled: the gate reports what it has.
                    perform(machine.handle(.interrupted(.cancelled), now: clock.now))
                    continue
                }
                perform(machine.handle(inputs, now: clock.now))
            }
            group.cancelAll()
            return machine.outcome
                ?? GateOutcome(
                    results: [],
                    ending: .interrupted(.cancelled),
                    startedAt: clock.now,
                    finishedAt: clock.now
                )
        }
    }

    /// Runs one watch until cancelled, forwarding its changes; reports a failure or an unexpected end.
    private static func runWatch(
        _ id: WatchID,
        _ spec: WatchSpec,
        source: some ClusterSource,
        into mailbox: Mailbox<GateStateMachine.Input>
    ) async {
        do {
            switch spec.resource {
            case .workloads(.deployment):
                try await source.watch(Deployment.self, spec.query) { mailbox.post(.changed(id, .deployment($0))) }
            case .workloads(.statefulSet):
                try await source.watch(StatefulSet.self, spec.query) { mailbox.post(.changed(id, .statefulSet($0))) }
            case .workloads(.daemonSet):
                try await source.watch(DaemonSet.self, spec.query) { mailbox.post(.changed(id, .daemonSet($0))) }
            case .workloads(.job):
                try await source.watch(Job.self, spec.query) { mailbox.post(.changed(id, .job($0))) }
            case .replicaSets:
                try await source.watch(ReplicaSet.self, spec.query) { mailbox.post(.changed(id, .replicaSet($0))) }
            case .pods:
                try await source.watch(Pod.self, spec.query) { mailbox.post(.changed(id, .pod($0))) }
            case .warningEvents:
                try await source.watch(Event.self, spec.query) { mailbox.post(.changed(id, .event($0))) }
            }
            if Task.isCancelled { return }
            mailbox.post(.watchFailed(id, WatchEndedError(watch: spec.description)))
        } catch {
            // Cancellation is how the gate stops watching; it is never a failure of the rollout or the API.
            if Task.isCancelled || error is CancellationError { return }
            mailbox.post(.watchFailed(id, error))
        }
    }

    /// Fetches the details of several failures at once, each bounded by `timeout`.
    private static func fetchAllDetails(
        _ requests: [(WorkloadReference, DetailsRequest)],
        source: some ClusterSource,
        clock: some GateClock,
        timeout: Duration
    ) async -> [(WorkloadReference, FetchedDetails)] {
        await withTaskGroup(of: (WorkloadReference, FetchedDetails).self) { group in
            for (reference, request) in requests {
                group.addTask {
                    (reference, await fetchDetails(request, source: source, clock: clock, timeout: timeout))
                }
            }
            var fetched: [(WorkloadReference, FetchedDetails)] = []
            for await details in group { fetched.append(details) }
            return fetched
        }
    }

    /// Fetches a failure's log and lists its namespace's Warning events, both at once, giving up on either
    /// after `timeout`: the verdict is known, and its details must not hold the pipeline.
    static func fetchDetails(
        _ request: DetailsRequest,
        source: some ClusterSource,
        clock: some GateClock,
        timeout: Duration
    ) async -> FetchedDetails {
        let giveUpAt = clock.now.addingTimeInterval(timeout.seconds)
        async let log: LogCapture = {
            guard let logRequest = request.log else { return .notApplicable }
            let capture = await withDeadline(giveUpAt, clock: clock) { () async -> LogCapture in
                do {
                    let text = try await source.logs(logRequest)
                    let truncated = text.utf8.count >= logRequest.limitBytes
                    return .captured(LogTail(request: logRequest, text: text, truncated: truncated))
                } catch {
                    return .failed(request: logRequest, reason: String(describing: error))
                }
            }
            return capture ?? .failed(request: logRequest, reason: "the log did not arrive within \(timeout)")
        }()
        async let events: [Event]? =
            withDeadline(giveUpAt, clock: clock) { () async -> [Event]? in
                // A failed list only means the report keeps the events the watch delivered; the verdict and the
                // log stand, so there is nothing to tell the user beyond what the watch already showed.
                do {
                    return try await source.list(Event.self, request.eventsQuery)
                } catch {
                    return nil
                }
            } ?? nil
        return FetchedDetails(log: await log, events: await events)
    }

    /// Runs `operation` until it returns or the clock passes `deadline`, whichever comes first; `nil` when
    /// the deadline won (the operation is then cancelled).
    static func withDeadline<Value: Sendable>(
        _ deadline: Date,
        clock: some GateClock,
        _ operation: @escaping @Sendable () async -> Value
    ) async -> Value? {
        await withTaskGroup(of: Value?.self) { group in
            group.addTask { await operation() }
            group.addTask {
                // Woken or cancelled, the timer's answer is the same: the operation did not finish first.
                do { try await clock.sleep(until: deadline) } catch {}
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

/// A watch ended although nobody cancelled it: the source gave up without saying why.
struct WatchEndedError: Error, CustomStringConvertible {
    var watch: String
    var description: String { "the watch of \(watch) ended unexpectedly" }
}
