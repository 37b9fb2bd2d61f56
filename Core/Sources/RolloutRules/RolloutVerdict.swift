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
    public var replicas: ObservedReplicas {
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
