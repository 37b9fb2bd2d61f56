import Foundation
import KubeModel

/// The rule chain of a Deployment.
///
/// Order: `workload.deleting`, `workload.generation-not-observed`, `replicaset.replica-failure`, the pod
/// rules on the new ReplicaSet's pods, `deployment.replica-failure`, `deployment.progressing-false`,
/// `deployment.paused`, then kubectl's rule (`deployment.replicas-pending`, `deployment.complete`) with the
/// optional `deployment.old-pods-remaining`. Specific pod failures come before the Deployment's own
/// conditions so the report names the crashing container rather than only the deadline it caused.
struct DeploymentRules {
    let deployment: Deployment
    let observation: RolloutObservation
    let thresholds: RolloutThresholds
    let now: Date

    private var name: String { deployment.metadata.name }

    func verdict() -> RolloutVerdict {
        let status = deployment.status
        var context = RuleContext(
            thresholds: thresholds,
            now: now,
            replicas: ObservedReplicas(
                desired: deployment.spec.replicas ?? 1,
                current: status.replicas,
                updated: status.updatedReplicas,
                ready: status.readyReplicas,
                available: status.availableReplicas
            ),
            revision: deployment.revision
        )

        // workload.deleting
        if deployment.metadata.deletionTimestamp != nil {
            return context.failed(
                .workloadDeleting,
                code: .notFound,
                reason: "Terminating",
                message: "deployment \"\(name)\" is being deleted"
            )
        }

        // workload.generation-not-observed: before this, the status (and the revision annotation, which the
        // controller writes in the same update) describe the previous spec: a gate run right after
        // `kubectl apply` would otherwise pass on the old, finished rollout.
        guard (deployment.metadata.generation ?? 0) <= status.observedGeneration else {
            return context.progressing(.generationNotObserved, "Waiting for deployment spec update to be observed...")
        }

        let owned = observation.replicaSets.filter {
            $0.metadata.isControlled(by: deployment.metadata, kind: "Deployment")
        }
        let newReplicaSet = Self.newReplicaSet(of: deployment, among: owned)
        let newPods =
            newReplicaSet.map { replicaSet in
                observation.pods.filter { Self.belongs($0, to: replicaSet) }
            } ?? []
        let events = PodEvents(observation.events)
        context.disruptedPods = PodRules.disrupted(newPods)
        let findings = PodRules(context: context, events: events, judgesRestarts: true).judge(newPods)

        // replicaset.replica-failure
        if let newReplicaSet, let failure = Self.replicaFailure(newReplicaSet.status.conditions) {
            let reason = failure.reason ?? "FailedCreate"
            return context.failed(
                .replicaSetReplicaFailure,
                code: .resourceLimitsExceeded,
                reason: reason,
                message: "ReplicaSet \(newReplicaSet.metadata.name) cannot create pods (\(reason))"
                    + (failure.message.map { ": \($0)" } ?? "")
            )
        }

        // container.* and pod.* rules on the new ReplicaSet's pods.
        if let failure = findings.failure { return context.failed(failure) }

        // deployment.replica-failure
        if let failure = Self.replicaFailure(status.conditions) {
            let reason = failure.reason ?? "FailedCreate"
            return context.failed(
                .deploymentReplicaFailure,
                code: .resourceLimitsExceeded,
                reason: reason,
                message: "deployment \"\(name)\" cannot create pods (\(reason))"
                    + (failure.message.map { ": \($0)" } ?? "")
            )
        }

        let pending = kubectlPending()

        // deployment.progressing-false (kubectl fails on the ProgressDeadlineExceeded reason whatever the
        // status says; the controller only ever writes it with False).
        if let progressing = status.conditions.first(ofType: "Progressing"),
            progressing.status == .isFalse || progressing.reason == "ProgressDeadlineExceeded"
        {
            return notProgressing(
                progressing,
                newReplicaSet: newReplicaSet,
                newPods: newPods,
                events: events,
                context: context
            )
        }

        if let pending {
            // deployment.paused: a paused Deployment never finishes by itself.
            if deployment.spec.paused && !thresholds.allowPaused {
                return context.failed(
                    .deploymentPaused,
                    code: .notProgressing,
                    reason: "DeploymentPaused",
                    message: "deployment \"\(name)\" is paused with its rollout unfinished: \(pending) "
                        + "(resume it with kubectl rollout resume deployment/\(name), or pass --allow-paused)"
                )
            }
            // deployment.replicas-pending
            return context.progressing(
                .deploymentReplicasPending,
                "Waiting for deployment \"\(name)\" rollout to finish: \(pending)...",
                blockers: findings.blockers
            )
        }

        // deployment.old-pods-remaining
        if thresholds.requireOldPodsGone {
            let oldPods = observation.pods.filter { pod in
                owned.contains { $0.metadata.uid != newReplicaSet?.metadata.uid && Self.belongs(pod, to: $0) }
            }
            if !oldPods.isEmpty {
                let remaining =
                    oldPods.count == 1
                    ? "1 pod of old ReplicaSets remains" : "\(oldPods.count) pods of old ReplicaSets remain"
                return context.progressing(
                    .deploymentOldPodsRemaining,
                    "Waiting for deployment \"\(name)\" rollout to finish: \(remaining)...",
                    blockers: oldPods.sorted { $0.metadata.name < $1.metadata.name }.map { pod in
                        RolloutBlocker(
                            pod: pod.metadata.name,
                            reason: pod.isTerminating ? "Terminating" : (pod.status.phase ?? .pending).rawValue
                        )
                    }
                )
            }
        }

        // deployment.complete
        return context.succeeded(.deploymentComplete, "deployment \"\(name)\" successfully rolled out")
    }

    /// kubectl's replica checks, in its order, once the generation is observed: `nil` when all hold
    /// ("successfully rolled out"), else what is missing, in kubectl's words.
    ///
    /// `status.replicas` counts only non-terminated pods, so terminating old pods do not hold this up;
    /// `--require-old-pods-gone` adds that wait.
    func kubectlPending() -> String? {
        kubectlMissing().first
    }

    /// Every kubectl check that does not hold, in kubectl's order and words (kubectl itself stops at the
    /// first; a failure message names them all).
    func kubectlMissing() -> [String] {
        let status = deployment.status
        var missing: [String] = []
        if let desired = deployment.spec.replicas, status.updatedReplicas < desired {
            missing.append("\(status.updatedReplicas) out of \(desired) new replicas have been updated")
        }
        if status.replicas > status.updatedReplicas {
            missing.append("\(status.replicas - status.updatedReplicas) old replicas are pending termination")
        }
        if status.availableReplicas < status.updatedReplicas {
            missing.append("\(status.availableReplicas) of \(status.updatedReplicas) updated replicas are available")
        }
        return missing
    }

    /// `deployment.progressing-false`: the controller gave up on the rollout.
    ///
    /// Reads the `Progressing` condition; `False` (reason `ProgressDeadlineExceeded` or
    /// `ReplicaSetCreateError`) returns `not-progressing`, with what was still missing and the last
    /// readiness-probe failure seen on the new pods: the two things a user needs to know why.
    private func notProgressing(
        _ condition: Condition,
        newReplicaSet: ReplicaSet?,
        newPods: [Pod],
        events: PodEvents,
        context: RuleContext
    ) -> RolloutVerdict {
        let reason = condition.reason ?? "NotProgressing"
        var message: String
        switch reason {
        case "ProgressDeadlineExceeded":
            message = "deployment \"\(name)\" exceeded its progress deadline"
        case "ReplicaSetCreateError":
            message =
                "deployment \"\(name)\" cannot create its new ReplicaSet"
                + (condition.message.map { " (\($0))" } ?? "")
        default:
            message =
                "deployment \"\(name)\" is not progressing (\(reason))" + (condition.message.map { ": \($0)" } ?? "")
        }
        let missing = kubectlMissing()
        if !missing.isEmpty { message += ": " + missing.joined(separator: ", ") }
        var logSource: LogSource?
        var pod: String?
        var container: String?
        if let probe = events.lastReadinessFailure(
            pods: newPods,
            namePrefix: newReplicaSet.map { "\($0.metadata.name)-" }
        ) {
            let probePod = probe.involvedObject.name ?? "?"
            let probeContainer = probe.involvedObject.containerName
            message += "; last readiness probe failure: pod \(probePod)"
            message += probeContainer.map { " container \($0)" } ?? ""
            if let seen = context.elapsed(since: probe.lastSeen) { message += " \(DurationText.format(seen)) ago" }
            message += ": \(probe.message ?? "")"
            if let probeContainer, newPods.contains(where: { $0.metadata.name == probePod }) {
                pod = probePod
                container = probeContainer
                logSource = LogSource(pod: probePod, container: probeContainer, previous: false)
            }
        }
        return context.failed(
            .deploymentProgressingFalse,
            code: .notProgressing,
            reason: reason,
            message: message,
            pod: pod,
            container: container,
            logSource: logSource
        )
    }

    /// The `ReplicaFailure=True` condition, if any.
    static func replicaFailure(_ conditions: [Condition]) -> Condition? {
        conditions.first { $0.type == "ReplicaFailure" && $0.status == .isTrue }
    }

    /// The Deployment's new ReplicaSet among those it controls.
    ///
    /// The one whose `deployment.kubernetes.io/revision` equals the Deployment's; when the annotation is
    /// missing on either side, the one whose template equals the Deployment's once the `pod-template-hash`
    /// label is ignored (kubectl's `EqualIgnoreHash`). Ties go to the newest, then to the name, so the
    /// choice is deterministic. A ReplicaSet of another Deployment never qualifies: `owned` holds only
    /// those whose controller reference is this Deployment's UID.
    static func newReplicaSet(of deployment: Deployment, among owned: [ReplicaSet]) -> ReplicaSet? {
        func newest(_ candidates: [ReplicaSet]) -> ReplicaSet? {
            candidates.max { lhs, rhs in
                let left = lhs.metadata.creationTimestamp?.date ?? .distantPast
                let right = rhs.metadata.creationTimestamp?.date ?? .distantPast
                return left == right ? lhs.metadata.name > rhs.metadata.name : left < right
            }
        }
        let template = deployment.spec.template
        if let revision = deployment.revision {
            let matching = owned.filter { $0.revision == revision }
            if !matching.isEmpty {
                let equivalent = matching.filter { $0.spec.template.isEquivalent(to: template) }
                return newest(equivalent.isEmpty ? matching : equivalent)
            }
        }
        return newest(owned.filter { $0.spec.template.isEquivalent(to: template) })
    }

    /// Whether a pod belongs to a ReplicaSet: controlled by it, or (an orphan awaiting adoption) carrying
    /// its `pod-template-hash` in the same namespace and matching its selector (an invalid selector adopts
    /// nothing, as in the controller).
    static func belongs(_ pod: Pod, to replicaSet: ReplicaSet) -> Bool {
        if pod.metadata.controllerReference != nil {
            return pod.metadata.isControlled(by: replicaSet.metadata, kind: "ReplicaSet")
        }
        guard let hash = replicaSet.podTemplateHash, pod.metadata.namespace == replicaSet.metadata.namespace,
            pod.metadata.labels?[ReplicaSet.podTemplateHashLabel] == hash,
            let spec = replicaSet.spec.selector, let selector = try? LabelSelector(spec)
        else { return false }
        return selector.matches(pod.metadata.labels)
    }
}
