import Foundation
import KubeModel

/// The container and pod rules, applied to the pods of the revision being rolled out.
///
/// Each pod and container gets at most one finding: a failure, or a blocker (a signal still under its
/// threshold, or plain progress such as a container being created). When several pods fail, the failure
/// of the earliest rule in `PodRules.order` wins, then the first pod by name, then the first container
/// (init containers first): the same observation always gives the same verdict.
struct PodRules {
    /// The rules in the order their failures take precedence: the certain configuration errors first,
    /// then thresholds on restarts, then time-based ones.
    static let order: [RolloutRule] = [
        .containerImageInvalid, .containerImagePull, .containerConfigError, .containerCreateError,
        .containerOOMKilled, .containerCrashLoop, .podVolumeMount, .podUnschedulable,
    ]

    /// The reasons of `containerImagePull`: the kubelet retries them, so a grace period applies.
    static let imagePullReasons: Set<String> = [
        "ErrImagePull", "ImagePullBackOff", "RegistryUnavailable", "ImageInspectError",
    ]
    /// The reasons of `containerImageInvalid`: retrying cannot help.
    static let invalidImageReasons: Set<String> = ["InvalidImageName", "ErrImageNeverPull"]
    /// Waiting reasons of a container that failed to start or run and is being restarted.
    static let crashWaitingReasons: Set<String> = [
        "CrashLoopBackOff", "RunContainerError", "PostStartHookError", "PreStartHookError",
    ]
    /// Events of a volume that cannot be attached or mounted.
    static let volumeEventReasons: Set<String> = ["FailedMount", "FailedAttachVolume", "FailedMapVolume"]

    let context: RuleContext
    let events: PodEvents
    /// Whether crashes count against `--max-restarts`; false for Jobs, whose own `backoffLimit` decides.
    let judgesRestarts: Bool

    /// What the rules found in a set of pods.
    struct Findings {
        var failure: PodFailure?
        var blockers: [RolloutBlocker] = []
    }

    /// Applies the rules to the pods that can still become available: not terminating, not finished.
    func judge(_ pods: [Pod]) -> Findings {
        var findings = Findings()
        var failures: [(rank: Int, failure: PodFailure)] = []
        for pod in pods.sorted(by: { $0.metadata.name < $1.metadata.name }) where Self.isLive(pod) {
            for finding in judge(pod) {
                switch finding {
                case .failure(let failure):
                    failures.append((Self.order.firstIndex(of: failure.rule) ?? Self.order.count, failure))
                case .blocked(let blocker):
                    findings.blockers.append(blocker)
                }
            }
        }
        // A stable sort keeps pod-name and container order within one rule.
        findings.failure =
            failures.enumerated().min { lhs, rhs in
                (lhs.element.rank, lhs.offset) < (rhs.element.rank, rhs.offset)
            }?.element.failure
        return findings
    }

    /// Whether a pod can still become available: not terminating, not `Succeeded` or `Failed`.
    static func isLive(_ pod: Pod) -> Bool {
        !pod.isTerminating && pod.status.phase != .failed && pod.status.phase != .succeeded
    }

    /// Pods of the revision that were evicted, preempted or lost: phase `Failed` with a pod-level reason,
    /// or a `DisruptionTarget=True` condition.
    static func disrupted(_ pods: [Pod]) -> [DisruptedPod] {
        pods.sorted { $0.metadata.name < $1.metadata.name }.compactMap { pod in
            if pod.status.phase == .failed, let reason = pod.status.reason {
                return DisruptedPod(name: pod.metadata.name, reason: reason, message: pod.status.message)
            }
            if let target = pod.status.conditions.first(ofType: "DisruptionTarget"), target.status == .isTrue {
                return DisruptedPod(
                    name: pod.metadata.name,
                    reason: target.reason ?? "DisruptionTarget",
                    message: target.message
                )
            }
            return nil
        }
    }

    private enum Finding {
        case failure(PodFailure)
        case blocked(RolloutBlocker)
    }

    private func judge(_ pod: Pod) -> [Finding] {
        var findings: [Finding] = []
        let statuses =
            pod.status.initContainerStatuses.map { ($0, true) } + pod.status.containerStatuses.map { ($0, false) }
        for (status, isInit) in statuses {
            if let finding = judge(status, isInit: isInit, in: pod) { findings.append(finding) }
        }
        if let finding = unschedulable(pod) ?? creating(pod) { findings.append(finding) }
        return findings
    }

    // MARK: Container rules

    private func judge(_ status: ContainerStatus, isInit: Bool, in pod: Pod) -> Finding? {
        switch status.state {
        case .waiting(let waiting):
            let reason = waiting.reason ?? "Waiting"
            if reason == "ContainerCreating" || reason == "PodInitializing" { return nil }
            if Self.invalidImageReasons.contains(reason) {
                return imageInvalid(status, waiting, isInit: isInit, in: pod)
            }
            if Self.imagePullReasons.contains(reason) { return imagePull(status, waiting, isInit: isInit, in: pod) }
            if reason == "CreateContainerConfigError" { return configError(status, waiting, isInit: isInit, in: pod) }
            if reason == "CreateContainerError" { return createError(status, waiting, isInit: isInit, in: pod) }
            if Self.crashWaitingReasons.contains(reason) {
                return restarts(status, reason: reason, isInit: isInit, in: pod)
            }
            return .blocked(blocker(pod, status, isInit: isInit, reason: reason, detail: waiting.message))
        case .terminated(let terminated):
            if terminated.exitCode == 0 && terminated.reason != "OOMKilled" { return nil }
            return restarts(status, reason: terminated.reason ?? "Error", isInit: isInit, in: pod)
        case .running(let running):
            if isInit {
                let elapsed = context.elapsed(since: running.startedAt).map { Duration.seconds($0) }
                return .blocked(blocker(pod, status, isInit: true, reason: "Running", elapsed: elapsed))
            }
            guard !status.ready else { return nil }
            let probe = events.about(pod)
                .filter { $0.reason == "Unhealthy" && ($0.involvedObject.containerName ?? status.name) == status.name }
                .latest
            return .blocked(blocker(pod, status, isInit: false, reason: "NotReady", detail: probe?.message))
        case .unknown:
            return nil
        }
    }

    /// `container.image-invalid`: an image reference or pull policy that no retry can fix.
    ///
    /// Reads `state.waiting.reason` `InvalidImageName` / `ErrImageNeverPull`; returns `invalid-config` at
    /// once, whatever `--image-pull-grace` says.
    private func imageInvalid(
        _ status: ContainerStatus,
        _ waiting: ContainerState.Waiting,
        isInit: Bool,
        in pod: Pod
    )
        -> Finding
    {
        let reason = waiting.reason ?? "InvalidImageName"
        let image = status.image.map { " \"\($0)\"" } ?? ""
        return .failure(
            failure(
                .containerImageInvalid,
                .invalidConfig,
                pod,
                status,
                isInit: isInit,
                reason: reason,
                message: "\(subject(pod, status.name, isInit)) cannot use its image\(image) (\(reason))"
                    + (waiting.message.map { ": \($0)" } ?? "")
            )
        )
    }

    /// `container.image-pull`: an image that cannot be pulled.
    ///
    /// Reads `state.waiting.reason` `ErrImagePull` / `ImagePullBackOff` (and the older
    /// `RegistryUnavailable`, `ImageInspectError`); returns `invalid-config` once the pull has failed for
    /// longer than `--image-pull-grace` (default 0 s: at once).
    private func imagePull(
        _ status: ContainerStatus,
        _ waiting: ContainerState.Waiting,
        isInit: Bool,
        in pod: Pod
    )
        -> Finding
    {
        let reason = waiting.reason ?? "ErrImagePull"
        let elapsed = context.elapsed(since: pullStart(pod, isInit: isInit))
        let grace = context.thresholds.imagePullGrace
        if grace <= .zero || (elapsed.map { exceeds($0, grace) } ?? false) {
            let image = status.image.map { " \"\($0)\"" } ?? ""
            let waited =
                grace > .zero
                ? " for \(DurationText.format(elapsed ?? 0)), longer than --image-pull-grace \(DurationText.format(grace))"
                : ""
            return .failure(
                failure(
                    .containerImagePull,
                    .invalidConfig,
                    pod,
                    status,
                    isInit: isInit,
                    reason: reason,
                    message: "\(subject(pod, status.name, isInit)) cannot pull image\(image) (\(reason))\(waited)"
                        + (waiting.message.map { ": \($0)" } ?? "")
                )
            )
        }
        return .blocked(
            blocker(
                pod,
                status,
                isInit: isInit,
                reason: reason,
                elapsed: elapsed.map { .seconds($0) },
                detail: waiting.message
            )
        )
    }

    /// `container.config-error`: a container whose ConfigMap, Secret or key is missing.
    ///
    /// Reads `state.waiting.reason` `CreateContainerConfigError`; returns `invalid-config`, except for a
    /// missing Secret under `--ignore-secret-not-found` and for the kubelet's "failed to sync … cache"
    /// (both progress).
    private func configError(
        _ status: ContainerStatus,
        _ waiting: ContainerState.Waiting,
        isInit: Bool,
        in pod: Pod
    )
        -> Finding
    {
        let reason = waiting.reason ?? "CreateContainerConfigError"
        let tolerated =
            (context.thresholds.ignoreSecretNotFound && KubeletMessage.isSecretNotFound(waiting.message))
            || KubeletMessage.isCacheSyncDelay(waiting.message)
        if tolerated {
            return .blocked(blocker(pod, status, isInit: isInit, reason: reason, detail: waiting.message))
        }
        return .failure(
            failure(
                .containerConfigError,
                .invalidConfig,
                pod,
                status,
                isInit: isInit,
                reason: reason,
                message: "\(subject(pod, status.name, isInit)) cannot be configured (\(reason))"
                    + (waiting.message.map { ": \($0)" } ?? "")
            )
        )
    }

    /// `container.create-error`: a container the runtime cannot create.
    ///
    /// Reads `state.waiting.reason` `CreateContainerError`; returns `invalid-config`, except while
    /// containerd still reserves the name of an earlier attempt (progress).
    private func createError(
        _ status: ContainerStatus,
        _ waiting: ContainerState.Waiting,
        isInit: Bool,
        in pod: Pod
    )
        -> Finding
    {
        let reason = waiting.reason ?? "CreateContainerError"
        if KubeletMessage.isNameReservationDelay(waiting.message) {
            return .blocked(blocker(pod, status, isInit: isInit, reason: reason, detail: waiting.message))
        }
        return .failure(
            failure(
                .containerCreateError,
                .invalidConfig,
                pod,
                status,
                isInit: isInit,
                reason: reason,
                message: "\(subject(pod, status.name, isInit)) cannot be created (\(reason))"
                    + (waiting.message.map { ": \($0)" } ?? "")
            )
        )
    }

    /// `container.oom-killed` and `container.crash-loop`: a container that keeps dying.
    ///
    /// Read `restartCount`, the waiting reason and the last termination (`state.terminated`, else
    /// `lastState.terminated`, where an OOM kill hides behind a back-off); once `restartCount` exceeds
    /// `--max-restarts`, an `OOMKilled` termination returns `resource-limits-exceeded` and anything else
    /// `process-crashing`. Below the threshold, and for Jobs, it is progress.
    private func restarts(_ status: ContainerStatus, reason: String, isInit: Bool, in pod: Pod) -> Finding {
        let last = status.state.terminated ?? status.lastState.terminated
        let termination = last.map {
            Termination(exitCode: $0.exitCode, reason: $0.reason, signal: $0.signal, message: $0.message)
        }
        let limit = context.thresholds.maxRestarts
        if judgesRestarts, let limit, status.restartCount > limit {
            let oom = last?.reason == "OOMKilled"
            let subject = subject(pod, status.name, isInit)
            let times =
                "restarted \(status.restartCount) \(status.restartCount == 1 ? "time" : "times"), more than --max-restarts \(limit)"
            var failure = failure(
                oom ? .containerOOMKilled : .containerCrashLoop,
                oom ? .resourceLimitsExceeded : .processCrashing,
                pod,
                status,
                isInit: isInit,
                reason: oom ? "OOMKilled" : reason,
                message: oom
                    ? "\(subject) was OOMKilled and \(times)" + (termination.map { "; last \($0)" } ?? "")
                    : "\(subject) is crashing (\(reason)): \(times)" + (termination.map { "; last \($0)" } ?? "")
            )
            failure.restartCount = status.restartCount
            failure.lastTermination = termination
            failure.logSource = LogSource(
                pod: pod.metadata.name,
                container: status.name,
                previous: status.state.terminated == nil && status.lastState.terminated != nil
            )
            return .failure(failure)
        }
        var detail = "restarted \(status.restartCount)"
        if judgesRestarts, let limit { detail += " of at most \(limit)" }
        detail += status.restartCount == 1 && !(judgesRestarts && limit != nil) ? " time" : " times"
        if let termination { detail += "; last \(termination)" }
        return .blocked(blocker(pod, status, isInit: isInit, reason: reason, detail: detail))
    }

    // MARK: Pod rules

    /// `pod.unschedulable`: a pod no node can take.
    ///
    /// Reads the `PodScheduled` condition of a pending pod; returns `scheduling` once it has been `False`
    /// for longer than `--pending-deadline` (from its `lastTransitionTime`). Unlike the original, a pod
    /// that *is* scheduled but slow to start (a large image) never counts here.
    private func unschedulable(_ pod: Pod) -> Finding? {
        guard pod.status.phase == nil || pod.status.phase == .pending,
            let condition = pod.status.conditions.first(ofType: "PodScheduled"), condition.status == .isFalse
        else { return nil }
        let reason = condition.reason ?? "Unschedulable"
        let elapsed = context.elapsed(since: condition.lastTransitionTime)
        if let deadline = context.thresholds.pendingDeadline, let elapsed, exceeds(elapsed, deadline) {
            return .failure(
                PodFailure(
                    rule: .podUnschedulable,
                    code: .scheduling,
                    reason: reason,
                    message:
                        "pod \(pod.metadata.name) is unschedulable (\(reason)) for \(DurationText.format(elapsed)), "
                        + "longer than --pending-deadline \(DurationText.format(deadline))"
                        + (condition.message.map { ": \($0)" } ?? ""),
                    pod: pod.metadata.name
                )
            )
        }
        return .blocked(
            RolloutBlocker(
                pod: pod.metadata.name,
                reason: reason,
                elapsed: elapsed.map { .seconds($0) },
                detail: condition.message
            )
        )
    }

    /// `pod.volume-mount`: a pod whose volumes cannot be attached or mounted.
    ///
    /// Reads `FailedMount`, `FailedAttachVolume` and `FailedMapVolume` events about a scheduled pod whose
    /// containers have not started; returns `invalid-config` once it has been stuck for longer than
    /// `--mount-grace` since it was scheduled. A missing Secret under `--ignore-secret-not-found` stays
    /// progress. These failures never appear in the pod's status (it just shows `ContainerCreating`),
    /// which is why no other tool catches them before the progress deadline.
    private func creating(_ pod: Pod) -> Finding? {
        guard pod.status.phase == nil || pod.status.phase == .pending else { return nil }
        // Only a pod none of whose containers got further: a container waiting for another reason (an
        // image pull, a missing ConfigMap) has its own finding, and it means the volumes were mounted.
        let statuses = pod.status.initContainerStatuses + pod.status.containerStatuses
        let creatingReasons: Set<String> = ["ContainerCreating", "PodInitializing"]
        guard statuses.allSatisfy({ creatingReasons.contains($0.state.waiting?.reason ?? "") }) else { return nil }
        let scheduled = pod.status.conditions.first(ofType: "PodScheduled")
        guard scheduled?.status == .isTrue || pod.spec.nodeName != nil else {
            return .blocked(RolloutBlocker(pod: pod.metadata.name, reason: "Pending"))
        }
        let waitingStatus = statuses.first
        let isInit = waitingStatus.map { status in pod.status.initContainerStatuses.contains(status) } ?? false
        let container =
            waitingStatus?.name ?? pod.spec.initContainers.first?.name ?? pod.spec.containers.first?.name
        let waitingReason = waitingStatus?.state.waiting?.reason ?? "ContainerCreating"
        let since = scheduled?.status == .isTrue ? scheduled?.lastTransitionTime : pod.metadata.creationTimestamp
        let elapsed = context.elapsed(since: since ?? pod.metadata.creationTimestamp)
        let mountFailure = events.about(pod)
            .filter { Self.volumeEventReasons.contains($0.reason ?? "") }
            .latest
        guard let mountFailure, let eventReason = mountFailure.reason,
            !events.containersProgressed(pod, after: mountFailure.lastSeen)
        else {
            return .blocked(
                RolloutBlocker(
                    pod: pod.metadata.name,
                    container: container,
                    isInitContainer: isInit,
                    reason: waitingReason,
                    elapsed: elapsed.map { .seconds($0) }
                )
            )
        }
        let message = mountFailure.message ?? ""
        let grace = context.thresholds.mountGrace
        let ignored = context.thresholds.ignoreSecretNotFound && KubeletMessage.isSecretNotFound(message)
        if !ignored, let elapsed, exceeds(elapsed, grace) {
            return .failure(
                PodFailure(
                    rule: .podVolumeMount,
                    code: .invalidConfig,
                    reason: eventReason,
                    message: "pod \(pod.metadata.name) cannot mount its volumes (\(eventReason)): stuck in "
                        + "\(waitingReason) for \(DurationText.format(elapsed)), longer than --mount-grace "
                        + "\(DurationText.format(grace)): \(message)",
                    pod: pod.metadata.name
                )
            )
        }
        return .blocked(
            RolloutBlocker(
                pod: pod.metadata.name,
                container: container,
                isInitContainer: isInit,
                reason: waitingReason,
                elapsed: elapsed.map { .seconds($0) },
                detail: "\(eventReason) \(KubeletMessage.cause(message))"
            )
        )
    }

    // MARK: Helpers

    /// When the kubelet began pulling a container's image: for main containers of a pod with init
    /// containers, when initialisation finished; otherwise when the pod was scheduled (or created).
    private func pullStart(_ pod: Pod, isInit: Bool) -> KubeTime? {
        let conditions = pod.status.conditions
        if !isInit, !pod.status.initContainerStatuses.isEmpty || !pod.spec.initContainers.isEmpty,
            let initialized = conditions.first(ofType: "Initialized"), initialized.status == .isTrue,
            let time = initialized.lastTransitionTime
        {
            return time
        }
        if let scheduled = conditions.first(ofType: "PodScheduled"), scheduled.status == .isTrue,
            let time = scheduled.lastTransitionTime
        {
            return time
        }
        return pod.metadata.creationTimestamp
    }

    private func subject(_ pod: Pod, _ container: String, _ isInit: Bool) -> String {
        "pod \(pod.metadata.name): \(isInit ? "init container" : "container") \(container)"
    }

    private func failure(
        _ rule: RolloutRule,
        _ code: RolloutFailureCode,
        _ pod: Pod,
        _ status: ContainerStatus,
        isInit: Bool,
        reason: String,
        message: String
    ) -> PodFailure {
        PodFailure(
            rule: rule,
            code: code,
            reason: reason,
            message: message,
            pod: pod.metadata.name,
            container: status.name,
            isInitContainer: isInit,
            restartCount: status.restartCount
        )
    }

    private func blocker(
        _ pod: Pod,
        _ status: ContainerStatus,
        isInit: Bool,
        reason: String,
        elapsed: Duration? = nil,
        detail: String? = nil
    ) -> RolloutBlocker {
        RolloutBlocker(
            pod: pod.metadata.name,
            container: status.name,
            isInitContainer: isInit,
            reason: reason,
            elapsed: elapsed,
            detail: detail,
            restartCount: status.restartCount
        )
    }
}
