import Foundation
import KubeModel

/// The rule chain of a DaemonSet: kubectl's rule, with the pod rules on the pods of the current template.
///
/// Order: `workload.deleting`, `daemonset.unsupported-strategy`, `workload.generation-not-observed`, the
/// pod rules on pods whose `pod-template-generation` label equals the DaemonSet's
/// `deprecated.daemonset.template.generation` annotation (all its pods when the annotation is missing),
/// then kubectl's checks on the numbers scheduled (`daemonset.pods-pending`, `daemonset.complete`).
struct DaemonSetRules {
    let daemonSet: DaemonSet
    let observation: RolloutObservation
    let thresholds: RolloutThresholds
    let now: Date

    func verdict() -> RolloutVerdict {
        let name = daemonSet.metadata.name
        let status = daemonSet.status
        var context = RuleContext(
            thresholds: thresholds,
            now: now,
            replicas: ObservedReplicas(
                desired: status.desiredNumberScheduled,
                current: status.currentNumberScheduled,
                updated: status.updatedNumberScheduled,
                ready: status.numberReady,
                available: status.numberAvailable
            ),
            revision: daemonSet.templateGeneration
        )
        if daemonSet.metadata.deletionTimestamp != nil {
            return context.failed(
                .workloadDeleting,
                code: .notFound,
                reason: "Terminating",
                message: "daemon set \"\(name)\" is being deleted"
            )
        }

        // daemonset.unsupported-strategy: reads spec.updateStrategy.type; OnDelete never replaces pods by
        // itself (kubectl refuses it too).
        let strategy = daemonSet.spec.updateStrategy?.type ?? .rollingUpdate
        guard strategy == .rollingUpdate else {
            return context.failed(
                .daemonSetUnsupportedStrategy,
                code: .notSupportedStrategy,
                reason: strategy.rawValue,
                message: "daemon set \"\(name)\" uses the \(strategy) update strategy: its pods change only when "
                    + "deleted, so there is no rollout to wait for (only RollingUpdate is supported)"
            )
        }

        guard (daemonSet.metadata.generation ?? 0) <= status.observedGeneration else {
            return context.progressing(.generationNotObserved, "Waiting for daemon set spec update to be observed...")
        }

        let owned = observation.pods.filter { $0.metadata.isControlled(by: daemonSet.metadata, kind: "DaemonSet") }
        let current = owned.filter { pod in
            guard let generation = daemonSet.templateGeneration else { return true }
            return pod.metadata.labels?[DaemonSet.podTemplateGenerationLabel] == generation
        }
        context.disruptedPods = PodRules.disrupted(current)
        let findings = PodRules(context: context, events: PodEvents(observation.events), judgesRestarts: true)
            .judge(current)
        if let failure = findings.failure { return context.failed(failure) }

        if status.updatedNumberScheduled < status.desiredNumberScheduled {
            return context.progressing(
                .daemonSetPodsPending,
                "Waiting for daemon set \"\(name)\" rollout to finish: \(status.updatedNumberScheduled) out of "
                    + "\(status.desiredNumberScheduled) new pods have been updated...",
                blockers: findings.blockers
            )
        }
        if status.numberAvailable < status.desiredNumberScheduled {
            return context.progressing(
                .daemonSetPodsPending,
                "Waiting for daemon set \"\(name)\" rollout to finish: \(status.numberAvailable) of "
                    + "\(status.desiredNumberScheduled) updated pods are available...",
                blockers: findings.blockers
            )
        }
        return context.succeeded(.daemonSetComplete, "daemon set \"\(name)\" successfully rolled out")
    }
}
