import Foundation
import KubeModel

/// The rollout rules: an observation, "now" and the thresholds give a verdict.
///
/// Pure: no I/O, no clock, no tasks, so every rule is tested with tables of objects.
///
/// Each kind runs one ordered chain of small rules (`RolloutRule`), kstatus style: the first rule that
/// fires decides. Deployments: deletion, generation, the new ReplicaSet's `ReplicaFailure`, the pod and
/// container rules on its pods, the Deployment's `ReplicaFailure`, `Progressing=False`, paused, then
/// kubectl's success rule. StatefulSets and DaemonSets follow kubectl's rules with the same pod rules on
/// the pods of their update revision; Jobs their `Complete`/`Failed` conditions.
public struct RolloutEvaluator: Sendable {
    /// The thresholds every rule reads.
    public var thresholds: RolloutThresholds

    /// Creates an evaluator with the given thresholds (the documented defaults if omitted).
    public init(thresholds: RolloutThresholds = .default) {
        self.thresholds = thresholds
    }

    /// Judges one observation at the instant `now` (the coordinator's clock, injected).
    public func evaluate(_ observation: RolloutObservation, now: Date) -> RolloutVerdict {
        switch observation.workload {
        case .deployment(let deployment):
            DeploymentRules(
                deployment: deployment,
                observation: observation,
                thresholds: thresholds,
                now: now
            ).verdict()
        case .statefulSet(let statefulSet):
            StatefulSetRules(
                statefulSet: statefulSet,
                observation: observation,
                thresholds: thresholds,
                now: now
            ).verdict()
        case .daemonSet(let daemonSet):
            DaemonSetRules(daemonSet: daemonSet, observation: observation, thresholds: thresholds, now: now)
                .verdict()
        case .job(let job):
            JobRules(job: job, observation: observation, thresholds: thresholds, now: now).verdict()
        }
    }
}

extension ObjectMeta {
    /// Whether this object is controlled by `owner` (same namespace, controller reference to its UID).
    ///
    /// Without a UID on the owner (hand-made objects), the controller reference's kind and name must match.
    func isControlled(by owner: ObjectMeta, kind: String) -> Bool {
        if let namespace, let ownerNamespace = owner.namespace, namespace != ownerNamespace { return false }
        guard let controller = controllerReference else { return false }
        if let uid = owner.uid { return controller.uid == uid }
        return controller.kind == kind && controller.name == owner.name
    }
}
