import Foundation
import RolloutRules

/// Judges one workload's observation at one instant: the rules, behind a seam the state machine calls.
protocol WorkloadEvaluator: Sendable {
    /// The verdict for `observation` at `now`, and the next instant at which it could change with no
    /// new event (a pending deadline or a grace period running out); `nil` when only a change can matter.
    func evaluate(_ observation: RolloutObservation, now: Date) -> (verdict: RolloutVerdict, reevaluateAt: Date?)
}
