/// What the rules conclude about one workload at one instant: still progressing, succeeded, or certainly
/// failed.
///
/// The three states exclude each other, so they are one enum, not flags. `progressing` is not an
/// error: the coordinator keeps watching, and only its global deadline turns it into `timeout`, using the
/// progress's `waitingFor` text.
public enum RolloutVerdict: Sendable, Hashable {
    /// Not done, not failed: what is missing and what blocks it.
    case progressing(RolloutProgress)
    /// Done, as kubectl would say ("successfully rolled out").
    case succeeded(RolloutSummary)
    /// Certainly failed: the code, the Kubernetes reason, the rule that fired and where.
    case failed(RolloutFailure)

    /// The rule that decided the verdict.
    public var rule: RolloutRule {
        switch self {
        case .progressing(let progress): progress.rule
        case .succeeded(let summary): summary.rule
        case .failed(let failure): failure.rule
        }
    }

    /// The one-line message of the verdict (kubectl's text for progress and success).
    public var message: String {
        switch self {
        case .progressing(let progress): progress.message
        case .succeeded(let summary): summary.message
        case .failed(let failure): failure.message
        }
    }

    /// The replica counts at the time of the verdict, for the live status table.
    public var replicas: ReplicaCounts {
        switch self {
        case .progressing(let progress): progress.replicas
        case .succeeded(let summary): summary.replicas
        case .failed(let failure): failure.replicas
        }
    }

    /// The revision being rolled out, when known.
    public var revision: String? {
        switch self {
        case .progressing(let progress): progress.revision
        case .succeeded(let summary): summary.revision
        case .failed(let failure): failure.revision
        }
    }

    /// Evicted, preempted or otherwise disrupted pods of the new revision seen in this observation.
    public var disruptedPods: [DisruptedPod] {
        switch self {
        case .progressing(let progress): progress.disruptedPods
        case .succeeded(let summary): summary.disruptedPods
        case .failed(let failure): failure.disruptedPods
        }
    }

    /// Whether the verdict is final (succeeded or failed): the coordinator stops watching the workload.
    public var isFinal: Bool {
        if case .progressing = self { return false }
        return true
    }

    /// The failure, if the verdict is one.
    public var failure: RolloutFailure? {
        if case .failed(let failure) = self { return failure }
        return nil
    }
}

/// Replica counts as the workload's controller reports them, for the live status table and the report.
///
/// For Deployments and StatefulSets: `spec.replicas` and `status` counts. For DaemonSets: the numbers
/// scheduled (`desiredNumberScheduled`, `currentNumberScheduled`, `updatedNumberScheduled`,
/// `numberReady`, `numberAvailable`). For Jobs: `desired` is `spec.completions` (1 when unset),
/// `current` the active pods, `ready` the ready ones, `updated` and `available` the succeeded ones,
/// `failed` the failed ones.
public struct ReplicaCounts: Sendable, Hashable {
    /// How many pods are wanted (`spec.replicas`, 1 when unset as the API defaults it).
    public var desired: Int
    /// How many exist (`status.replicas`: non-terminated pods of every revision).
    public var current: Int
    /// How many run the new revision.
    public var updated: Int
    /// How many are ready.
    public var ready: Int
    /// How many are available (ready for `minReadySeconds`).
    public var available: Int
    /// How many failed (Jobs only).
    public var failed: Int?

    /// Creates counts.
    public init(desired: Int, current: Int, updated: Int, ready: Int, available: Int, failed: Int? = nil) {
        self.desired = desired
        self.current = current
        self.updated = updated
        self.ready = ready
        self.available = available
        self.failed = failed
    }
}

/// A pod of the new revision that was evicted, preempted or otherwise disrupted.
///
/// The controller replaces such pods, so they are not failures by themselves; the report lists them
/// because a rollout that keeps losing pods to node pressure deserves a look.
public struct DisruptedPod: Sendable, Hashable, CustomStringConvertible {
    /// The pod's name.
    public var name: String
    /// The reason, such as `Evicted`, `Preempting`, `NodeLost`, `OutOfmemory` or a `DisruptionTarget`
    /// reason such as `PreemptionByScheduler`.
    public var reason: String
    /// The kubelet's or scheduler's message.
    public var message: String?

    /// Creates a disrupted-pod record.
    public init(name: String, reason: String, message: String? = nil) {
        self.name = name
        self.reason = reason
        self.message = message
    }

    /// The pod, its reason and its message on one line.
    ///
    /// Such as `pod web-1: Evicted: The node was low on resource: memory.`
    public var description: String {
        "pod \(name): \(reason)" + (message.map { ": \($0)" } ?? "")
    }
}
