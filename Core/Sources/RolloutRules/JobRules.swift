import Foundation
import KubeModel

/// The rule chain of a Job: its own `Complete` and `Failed` conditions decide, and pod failures below
/// `backoffLimit` are progress.
///
/// Order: `workload.deleting`, `job.failed`, `job.complete`, `job.suspended`, the pod rules on its live
/// pods without the restart rules (the Job controller counts failures against `backoffLimit` itself), then
/// `job.running`. Image, configuration, mount and scheduling failures still fail at once: the Job would
/// only run into its deadline.
struct JobRules {
    let job: Job
    let observation: RolloutObservation
    let thresholds: RolloutThresholds
    let now: Date

    func verdict() -> RolloutVerdict {
        let name = job.metadata.name
        let status = job.status
        let completions = job.spec.completions ?? 1
        var context = RuleContext(
            thresholds: thresholds,
            now: now,
            replicas: ObservedReplicas(
                desired: completions,
                current: status.active,
                updated: status.succeeded,
                ready: status.ready ?? 0,
                available: status.succeeded,
                failed: status.failed
            ),
            revision: nil
        )
        if job.metadata.deletionTimestamp != nil {
            return context.failed(
                .workloadDeleting,
                code: .notFound,
                reason: "Terminating",
                message: "job \"\(name)\" is being deleted"
            )
        }
        let pods = observation.pods.filter { $0.metadata.isControlled(by: job.metadata, kind: "Job") }
        context.disruptedPods = PodRules.disrupted(pods)

        // job.failed: `FailureTarget` is set as soon as the controller has decided, before `Failed` (which
        // waits for the pods to terminate), so either one is certain.
        if let failed = status.conditions.first(where: {
            ["Failed", "FailureTarget"].contains($0.type) && $0.status == .isTrue
        }) {
            return jobFailed(failed, pods: pods, context: context)
        }

        // job.complete
        if status.conditions.contains(where: {
            ["Complete", "SuccessCriteriaMet"].contains($0.type) && $0.status == .isTrue
        }) {
            return context.succeeded(
                .jobComplete,
                "job \"\(name)\" completed: \(status.succeeded) of \(completions) completions succeeded"
            )
        }

        // job.suspended
        if job.spec.suspend && !thresholds.allowPaused {
            let reason = status.conditions.first(ofType: "Suspended")?.reason ?? "JobSuspended"
            return context.failed(
                .jobSuspended,
                code: .notProgressing,
                reason: reason,
                message: "job \"\(name)\" is suspended and creates no pods "
                    + "(resume it by setting spec.suspend to false, or pass --allow-paused)"
            )
        }

        let findings = PodRules(context: context, events: PodEvents(observation.events), judgesRestarts: false)
            .judge(pods)
        if let failure = findings.failure { return context.failed(failure) }

        // job.running
        let backoff = job.spec.backoffLimit.map { " (backoffLimit \($0))" } ?? ""
        return context.progressing(
            .jobRunning,
            "Waiting for job \"\(name)\" to complete: \(status.succeeded) of \(completions) completions succeeded, "
                + "\(status.active) active, \(status.failed) failed\(backoff)...",
            blockers: findings.blockers
        )
    }

    /// `job.failed`: the Job controller has given up.
    ///
    /// Reads the `Failed`/`FailureTarget` condition and the last failed pod. `DeadlineExceeded` (the Job ran
    /// past `activeDeadlineSeconds`) returns `not-progressing`; otherwise the last failed container decides:
    /// `OOMKilled` returns `resource-limits-exceeded`, anything else `process-crashing`.
    private func jobFailed(_ condition: Condition, pods: [Pod], context: RuleContext) -> RolloutVerdict {
        let reason = condition.reason ?? "Failed"
        var message = "job \"\(job.metadata.name)\" failed (\(reason))" + (condition.message.map { ": \($0)" } ?? "")
        let culprit = Self.lastFailedContainer(in: pods)
        var finding = PodFailure(
            rule: .jobFailed,
            code: reason == "DeadlineExceeded" ? .notProgressing : .processCrashing,
            reason: reason,
            message: message
        )
        if let culprit {
            let termination = culprit.status.state.terminated ?? culprit.status.lastState.terminated
            let last = termination.map {
                Termination(exitCode: $0.exitCode, reason: $0.reason, signal: $0.signal, message: $0.message)
            }
            if reason != "DeadlineExceeded" && termination?.reason == "OOMKilled" {
                finding.code = .resourceLimitsExceeded
            }
            message +=
                "; last failed pod \(culprit.pod.metadata.name): "
                + "\(culprit.isInit ? "init container" : "container") \(culprit.status.name)"
                + (last.map { " \($0)" } ?? "")
            finding.message = message
            finding.pod = culprit.pod.metadata.name
            finding.container = culprit.status.name
            finding.isInitContainer = culprit.isInit
            finding.restartCount = culprit.status.restartCount
            finding.lastTermination = last
            finding.logSource = LogSource(
                pod: culprit.pod.metadata.name,
                container: culprit.status.name,
                previous: culprit.status.state.terminated == nil && culprit.status.lastState.terminated != nil
            )
        }
        return context.failed(finding)
    }

    /// The container whose termination ended most recently with a failure, among the Job's pods.
    static func lastFailedContainer(in pods: [Pod]) -> (pod: Pod, status: ContainerStatus, isInit: Bool)? {
        var best: (pod: Pod, status: ContainerStatus, isInit: Bool, finished: Date)?
        for pod in pods.sorted(by: { $0.metadata.name < $1.metadata.name }) {
            let statuses =
                pod.status.initContainerStatuses.map { ($0, true) } + pod.status.containerStatuses.map { ($0, false) }
            for (status, isInit) in statuses {
                guard let terminated = status.state.terminated ?? status.lastState.terminated,
                    terminated.exitCode != 0 || terminated.reason == "OOMKilled"
                else { continue }
                let finished = terminated.finishedAt?.date ?? pod.metadata.creationTimestamp?.date ?? .distantPast
                if best == nil || finished > (best?.finished ?? .distantPast) {
                    best = (pod, status, isInit, finished)
                }
            }
        }
        return best.map { ($0.pod, $0.status, $0.isInit) }
    }
}
