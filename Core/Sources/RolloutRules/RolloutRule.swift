/// The rule that decided a verdict: a stable identifier the report prints and `docs/failure-codes.md`
/// lists, with the code it returns and the Kubernetes field it reads.
///
/// Identifiers are `<object>.<what>`: the object whose field the rule reads, then the situation. They are
/// part of the report's contract (scripts may switch on them), so a rename is a breaking change; a test
/// checks that every one is documented.
public enum RolloutRule: String, Sendable, Hashable, CaseIterable, Codable {
    // MARK: Every kind

    /// `metadata.deletionTimestamp` of the workload is set: it is being deleted → `not-found`.
    case workloadDeleting = "workload.deleting"
    /// `status.observedGeneration` < `metadata.generation`: the controller has not seen the latest spec,
    /// so nothing else in the status describes it yet → progressing.
    case generationNotObserved = "workload.generation-not-observed"

    // MARK: Containers and pods of the new revision

    /// `state.waiting.reason` is `InvalidImageName` or `ErrImageNeverPull`: cannot heal → `invalid-config`.
    case containerImageInvalid = "container.image-invalid"
    /// `state.waiting.reason` is `ErrImagePull`, `ImagePullBackOff`, `RegistryUnavailable` or
    /// `ImageInspectError` past `--image-pull-grace` → `invalid-config`.
    case containerImagePull = "container.image-pull"
    /// `state.waiting.reason` is `CreateContainerConfigError` (missing ConfigMap, Secret or key)
    /// → `invalid-config`, unless `--ignore-secret-not-found` covers it or the kubelet's cache is syncing.
    case containerConfigError = "container.config-error"
    /// `state.waiting.reason` is `CreateContainerError` → `invalid-config`, unless the runtime's name
    /// reservation is still being released (transient).
    case containerCreateError = "container.create-error"
    /// `OOMKilled` in `state.terminated` or, behind a back-off, in `lastState.terminated`, with
    /// `restartCount` > `--max-restarts` → `resource-limits-exceeded`.
    case containerOOMKilled = "container.oom-killed"
    /// `CrashLoopBackOff`, `RunContainerError`, `PostStartHookError`, `PreStartHookError` (waiting) or
    /// `Error`, `StartError`, `ContainerCannotRun` (terminated), with `restartCount` > `--max-restarts`
    /// → `process-crashing`.
    case containerCrashLoop = "container.crash-loop"
    /// A pod stuck in `ContainerCreating` with `FailedMount`, `FailedAttachVolume` or `FailedMapVolume`
    /// events, past `--mount-grace` since it was scheduled → `invalid-config`.
    case podVolumeMount = "pod.volume-mount"
    /// `PodScheduled=False` (`Unschedulable`, `SchedulerError`, `SchedulingGated`) for longer than
    /// `--pending-deadline`, from the condition's `lastTransitionTime` → `scheduling`.
    case podUnschedulable = "pod.unschedulable"

    // MARK: Deployment

    /// `ReplicaFailure=True` on the new ReplicaSet (quota, LimitRange, admission rejected its pods)
    /// → `resource-limits-exceeded`.
    case replicaSetReplicaFailure = "replicaset.replica-failure"
    /// `ReplicaFailure=True` on the Deployment (the controller's copy of a ReplicaSet's)
    /// → `resource-limits-exceeded`.
    case deploymentReplicaFailure = "deployment.replica-failure"
    /// `Progressing=False` (`ProgressDeadlineExceeded`, `ReplicaSetCreateError`) → `not-progressing`.
    case deploymentProgressingFalse = "deployment.progressing-false"
    /// `spec.paused` with the rollout unfinished → `not-progressing`, unless `--allow-paused`.
    case deploymentPaused = "deployment.paused"
    /// kubectl's replica checks do not hold yet (updated, old pending termination, available) → progressing.
    case deploymentReplicasPending = "deployment.replicas-pending"
    /// kubectl's rule holds but pods of old ReplicaSets remain, with `--require-old-pods-gone` → progressing.
    case deploymentOldPodsRemaining = "deployment.old-pods-remaining"
    /// kubectl's rule holds: "successfully rolled out" → succeeded.
    case deploymentComplete = "deployment.complete"

    // MARK: StatefulSet

    /// `spec.updateStrategy.type` is not `RollingUpdate` (`OnDelete`) → `not-supported-strategy`.
    case statefulSetUnsupportedStrategy = "statefulset.unsupported-strategy"
    /// kubectl's checks do not hold yet (ready, partitioned updated count, revisions) → progressing.
    case statefulSetReplicasPending = "statefulset.replicas-pending"
    /// kubectl's rule holds ("partitioned roll out complete" or "rolling update complete") → succeeded.
    case statefulSetComplete = "statefulset.complete"

    // MARK: DaemonSet

    /// `spec.updateStrategy.type` is not `RollingUpdate` (`OnDelete`) → `not-supported-strategy`.
    case daemonSetUnsupportedStrategy = "daemonset.unsupported-strategy"
    /// kubectl's checks do not hold yet (updated and available numbers scheduled) → progressing.
    case daemonSetPodsPending = "daemonset.pods-pending"
    /// kubectl's rule holds: "successfully rolled out" → succeeded.
    case daemonSetComplete = "daemonset.complete"

    // MARK: Job

    /// `Failed=True` or `FailureTarget=True` (`BackoffLimitExceeded`, `DeadlineExceeded`, …) → failed, the
    /// code chosen by the reason and the last failed pod.
    case jobFailed = "job.failed"
    /// `spec.suspend` while not complete → `not-progressing`, unless `--allow-paused`.
    case jobSuspended = "job.suspended"
    /// Neither complete nor failed; pod failures below `backoffLimit` are progress → progressing.
    case jobRunning = "job.running"
    /// `Complete=True` or `SuccessCriteriaMet=True` → succeeded.
    case jobComplete = "job.complete"

    // MARK: Decided by the gate, not by the evaluator

    /// A workload named in a manifest is absent from the gate's initial list of its namespace → `not-found`.
    ///
    /// The evaluator only judges objects that exist; the coordinator decides this one once the list has
    /// arrived (never before, so a slow list is not mistaken for absence).
    case workloadNotFound = "workload.not-found"
    /// A label selection (`-l` over its namespaces and kinds) matched no workload in the initial list
    /// → `not-found`, where kubectl would wait for nothing and exit 0.
    case selectionMatchedNothing = "selection.matched-nothing"

    /// Whether the coordinator decides this rule from its lists, rather than `RolloutEvaluator` from an
    /// observation: no observation exists for a workload that is not there.
    public var isDecidedByTheGate: Bool {
        switch self {
        case .workloadNotFound, .selectionMatchedNothing: true
        default: false
        }
    }

    /// What a rule concludes when it fires.
    public enum Outcome: Sendable, Hashable {
        /// The rollout certainly failed (with one of `codes`).
        case failure
        /// Still waiting.
        case progress
        /// Done.
        case success
    }

    /// What the rule concludes when it fires.
    public var outcome: Outcome {
        switch self {
        case .generationNotObserved, .deploymentReplicasPending, .deploymentOldPodsRemaining,
            .statefulSetReplicasPending, .daemonSetPodsPending, .jobRunning:
            .progress
        case .deploymentComplete, .statefulSetComplete, .daemonSetComplete, .jobComplete:
            .success
        default:
            .failure
        }
    }

    /// The codes a failure rule may return (`job.failed` chooses among several); empty for other rules.
    public var codes: [RolloutFailureCode] {
        switch self {
        case .workloadDeleting, .workloadNotFound, .selectionMatchedNothing: [.notFound]
        case .containerImageInvalid, .containerImagePull, .containerConfigError, .containerCreateError,
            .podVolumeMount:
            [.invalidConfig]
        case .containerOOMKilled, .replicaSetReplicaFailure, .deploymentReplicaFailure: [.resourceLimitsExceeded]
        case .containerCrashLoop: [.processCrashing]
        case .podUnschedulable: [.scheduling]
        case .deploymentProgressingFalse, .deploymentPaused, .jobSuspended: [.notProgressing]
        case .statefulSetUnsupportedStrategy, .daemonSetUnsupportedStrategy: [.notSupportedStrategy]
        case .jobFailed: [.processCrashing, .resourceLimitsExceeded, .notProgressing]
        case .generationNotObserved, .deploymentReplicasPending, .deploymentOldPodsRemaining,
            .deploymentComplete, .statefulSetReplicasPending, .statefulSetComplete, .daemonSetPodsPending,
            .daemonSetComplete, .jobRunning, .jobComplete:
            []
        }
    }
}
