import Foundation
import KubeModel

/// The rule chain of a StatefulSet: kubectl's rule, with the pod rules on the update revision's pods.
///
/// Order: `workload.deleting`, `statefulset.unsupported-strategy`, `workload.generation-not-observed`, the
/// pod rules on pods whose `controller-revision-hash` is `status.updateRevision`, then kubectl's checks
/// (`statefulset.replicas-pending`, `statefulset.complete`). Pods kept at the old revision by a partition
/// are not judged: their state is not this rollout's doing.
struct StatefulSetRules {
    let statefulSet: StatefulSet
    let observation: RolloutObservation
    let thresholds: RolloutThresholds
    let now: Date

    func verdict() -> RolloutVerdict {
        let name = statefulSet.metadata.name
        let spec = statefulSet.spec
        let status = statefulSet.status
        var context = RuleContext(
            thresholds: thresholds,
            now: now,
            replicas: ObservedReplicas(
                desired: spec.replicas ?? 1,
                current: status.replicas,
                updated: status.updatedReplicas,
                ready: status.readyReplicas,
                available: status.availableReplicas
            ),
            revision: status.updateRevision
        )
        if statefulSet.metadata.deletionTimestamp != nil {
            return context.failed(
                .workloadDeleting,
                code: .notFound,
                reason: "Terminating",
                message: "statefulset \"\(name)\" is being deleted"
            )
        }

        // statefulset.unsupported-strategy: reads spec.updateStrategy.type (the API defaults it to
        // RollingUpdate). With OnDelete the controller never replaces a pod by itself, so the update is
        // never observed to finish; kubectl refuses such StatefulSets too.
        let strategy = spec.updateStrategy?.type ?? .rollingUpdate
        guard strategy == .rollingUpdate else {
            return context.failed(
                .statefulSetUnsupportedStrategy,
                code: .notSupportedStrategy,
                reason: strategy.rawValue,
                message: "statefulset \"\(name)\" uses the \(strategy) update strategy: its pods change only when "
                    + "deleted, so there is no rollout to wait for (only RollingUpdate is supported)"
            )
        }

        // workload.generation-not-observed (kubectl also waits while observedGeneration is 0).
        guard status.observedGeneration != 0, (statefulSet.metadata.generation ?? 0) <= status.observedGeneration else {
            return context.progressing(.generationNotObserved, "Waiting for statefulset spec update to be observed...")
        }

        let owned = observation.pods.filter { $0.metadata.isControlled(by: statefulSet.metadata, kind: "StatefulSet") }
        let updated = owned.filter { pod in
            guard let revision = status.updateRevision else { return true }
            return pod.metadata.labels?[StatefulSet.controllerRevisionHashLabel] == revision
        }
        context.disruptedPods = PodRules.disrupted(updated)
        let findings = PodRules(context: context, events: PodEvents(observation.events), judgesRestarts: true)
            .judge(updated)
        if let failure = findings.failure { return context.failed(failure) }

        // kubectl's checks, in its order and words.
        if let desired = spec.replicas, status.readyReplicas < desired {
            return context.progressing(
                .statefulSetReplicasPending,
                "Waiting for \(desired - status.readyReplicas) pods to be ready...",
                blockers: findings.blockers
            )
        }
        if let rollingUpdate = spec.updateStrategy?.rollingUpdate {
            if let desired = spec.replicas, let partition = rollingUpdate.partition,
                status.updatedReplicas < desired - partition
            {
                return context.progressing(
                    .statefulSetReplicasPending,
                    "Waiting for partitioned roll out to finish: \(status.updatedReplicas) out of "
                        + "\(desired - partition) new pods have been updated...",
                    blockers: findings.blockers
                )
            }
            return context.succeeded(
                .statefulSetComplete,
                "partitioned roll out complete: \(status.updatedReplicas) new pods have been updated..."
            )
        }
        if status.updateRevision != status.currentRevision {
            return context.progressing(
                .statefulSetReplicasPending,
                "waiting for statefulset rolling update to complete \(status.updatedReplicas) pods at revision "
                    + "\(status.updateRevision ?? "")...",
                blockers: findings.blockers
            )
        }
        return context.succeeded(
            .statefulSetComplete,
            "statefulset rolling update complete \(status.currentReplicas) pods at revision \(status.currentRevision ?? "")..."
        )
    }
}
