import Foundation
import KubeModel

/// What every rule of one evaluation shares: the thresholds, "now", and the facts that go into every
/// verdict (counts, revision, disrupted pods).
struct RuleContext {
    let thresholds: RolloutThresholds
    let now: Date
    var replicas: ObservedReplicas
    var revision: String?
    var disruptedPods: [DisruptedPod] = []

    /// Seconds from `time` to now; `nil` when the object does not say when.
    func elapsed(since time: KubeTime?) -> Double? {
        time.map { now.timeIntervalSince($0.date) }
    }

    func failed(_ finding: PodFailure) -> RolloutVerdict {
        .failed(
            RolloutFailure(
                code: finding.code,
                reason: finding.reason,
                message: finding.message,
                rule: finding.rule,
                pod: finding.pod,
                container: finding.container,
                isInitContainer: finding.isInitContainer,
                restartCount: finding.restartCount,
                lastTermination: finding.lastTermination,
                replicas: replicas,
                revision: revision,
                disruptedPods: disruptedPods,
                logSource: finding.logSource
            )
        )
    }

    func failed(
        _ rule: RolloutRule,
        code: RolloutFailureCode,
        reason: String,
        message: String,
        pod: String? = nil,
        container: String? = nil,
        logSource: LogSource? = nil
    ) -> RolloutVerdict {
        failed(
            PodFailure(
                rule: rule,
                code: code,
                reason: reason,
                message: message,
                pod: pod,
                container: container,
                logSource: logSource
            )
        )
    }

    func progressing(_ rule: RolloutRule, _ message: String, blockers: [RolloutBlocker] = []) -> RolloutVerdict {
        .progressing(
            RolloutProgress(
                rule: rule,
                message: message,
                blockers: blockers,
                replicas: replicas,
                revision: revision,
                disruptedPods: disruptedPods
            )
        )
    }

    func succeeded(_ rule: RolloutRule, _ message: String) -> RolloutVerdict {
        .succeeded(
            RolloutSummary(
                rule: rule,
                message: message,
                replicas: replicas,
                revision: revision,
                disruptedPods: disruptedPods
            )
        )
    }
}

/// A failure found by a rule before the workload's counts and revision are attached.
struct PodFailure {
    var rule: RolloutRule
    var code: RolloutFailureCode
    var reason: String
    var message: String
    var pod: String?
    var container: String?
    var isInitContainer = false
    var restartCount: Int?
    var lastTermination: Termination?
    var logSource: LogSource?
}
