import Foundation
import KubeModel
import RolloutRules

/// The production evaluator: the rollout rules, plus the next instant at which their verdict could change
/// with no new event.
///
/// The time-based rules (`--pending-deadline`, `--image-pull-grace`, `--mount-grace`) measure from a pod's
/// creation or from one of its conditions' `lastTransitionTime`. Rather than copy each rule's choice of
/// start, the evaluator wakes at the earliest "start + limit" over every such timestamp of the observed
/// pods that is still ahead: a superset of the instants where a rule can fire. An early wake-up costs one
/// evaluation that changes nothing; a missed one would let a stuck pod wait for the global deadline.
struct RulesEvaluator: WorkloadEvaluator {
    /// The rules' own evaluator, with the thresholds from the command line.
    let rules: RolloutEvaluator

    init(thresholds: RolloutThresholds) {
        rules = RolloutEvaluator(thresholds: thresholds)
    }

    func evaluate(_ observation: RolloutObservation, now: Date) -> (verdict: RolloutVerdict, reevaluateAt: Date?) {
        let verdict = rules.evaluate(observation, now: now)
        guard !verdict.isFinal else { return (verdict, nil) }
        return (verdict, Self.nextChange(of: observation, thresholds: rules.thresholds, after: now))
    }

    /// The earliest instant after `now` at which a time-based threshold could be passed.
    static func nextChange(of observation: RolloutObservation, thresholds: RolloutThresholds, after now: Date) -> Date?
    {
        let limits = [thresholds.pendingDeadline, thresholds.imagePullGrace, thresholds.mountGrace]
            .compactMap { $0 }
            .filter { $0 > .zero }
            .map(\.seconds)
        guard !limits.isEmpty else { return nil }
        // A threshold holds when the elapsed time is strictly longer than the limit: wake just after it.
        let margin = 0.001
        var next: Date?
        for pod in observation.pods where pod.metadata.deletionTimestamp == nil {
            let starts = [pod.metadata.creationTimestamp] + pod.status.conditions.map(\.lastTransitionTime)
            for start in starts.compactMap({ $0?.date }) {
                for limit in limits {
                    let instant = start.addingTimeInterval(limit + margin)
                    if instant > now, next.map({ instant < $0 }) ?? true { next = instant }
                }
            }
        }
        return next
    }
}
