import Foundation
import RolloutRules
import Testing

@testable import RolloutCoordinator

/// Runs the real coordinator against the fake cluster and a manual clock, while a test script drives them.
///
/// The script waits on the gate's own progress events (never on wall time) to know the gate has seen a
/// change, then acts: changes objects, advances the clock, or interrupts. When the gate returns, the
/// progress stream ends, so a script waiting for an event that never comes fails instead of hanging.
struct GateRun {
    let cluster = FakeCluster()
    let clock = ManualClock()

    /// Runs the gate until it returns and the script has finished; returns the outcome.
    func run(
        _ targets: [GateTarget],
        policy: GatePolicy = GatePolicy(),
        thresholds: RolloutThresholds = .default,
        evaluator: (any WorkloadEvaluator)? = nil,
        interruptions: (any AsyncSequence<GateInterruption, Never> & Sendable)? = nil,
        source: (any ClusterSource)? = nil,
        script: @escaping @Sendable (ProgressLog) async throws -> Void = { _ in }
    ) async throws -> GateOutcome {
        let (events, sink) = AsyncStream<ProgressEvent>.makeStream()
        let source = source ?? cluster
        let clock = clock
        return try await withThrowingTaskGroup(of: GateOutcome?.self) { group in
            group.addTask {
                defer { sink.finish() }
                return await RolloutCoordinator.run(
                    targets: targets,
                    policy: policy,
                    evaluator: evaluator ?? RulesEvaluator(thresholds: thresholds),
                    source: source,
                    clock: clock,
                    interruptions: interruptions,
                    progress: { sink.yield($0) }
                )
            }
            group.addTask {
                try await script(ProgressLog(events))
                return nil
            }
            var outcome: GateOutcome?
            for try await result in group where result != nil { outcome = result }
            return try #require(outcome)
        }
    }
}

/// The progress events of one gate run, awaited in order by a test script (from the script's task only).
final class ProgressLog {
    private var iterator: AsyncStream<ProgressEvent>.Iterator
    /// Every event seen so far.
    private(set) var seen: [ProgressEvent] = []

    init(_ events: AsyncStream<ProgressEvent>) {
        iterator = events.makeAsyncIterator()
    }

    /// Waits for the next event that satisfies `predicate`; `nil` when the gate returned first.
    func next(where predicate: (ProgressEvent) -> Bool) async -> ProgressEvent? {
        while let event = await iterator.next() {
            seen.append(event)
            if predicate(event) { return event }
        }
        return nil
    }

    /// Waits for an event about the workload `namespace/name` that satisfies `predicate`.
    func next(_ qualifiedName: String, where predicate: (ProgressEvent) -> Bool = { _ in true }) async -> ProgressEvent?
    {
        await next { event in
            guard case .workload(let reference) = event.subject else { return false }
            return reference.qualifiedName == qualifiedName && predicate(event)
        }
    }
}
