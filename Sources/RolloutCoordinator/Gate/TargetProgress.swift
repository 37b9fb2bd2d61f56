import RolloutRules

/// Where a rollout stands: replica counts and what it still waits for, as the live status shows it.
///
/// Counts are `nil` until the workload has been judged (a target still waiting for its initial list).
/// The rules write the message and the blockers; the coordinator compares progress values only to emit a
/// progress event when something changed.
public struct TargetProgress: Sendable, Hashable {
    /// Desired, current, updated, ready and available replicas, as the workload's controller reports them.
    public var replicas: ObservedReplicas?
    /// The revision being rolled out (`deployment.kubernetes.io/revision`), when known.
    public var revision: String?
    /// The kubectl-style sentence, such as `Waiting for deployment "web" rollout to finish: 1 of 3 updated
    /// replicas are available...`.
    public var message: String
    /// What blocks the rollout right now, per pod or container, as the rules found it (the live status
    /// shortens them; `waitingFor` spells them out, such as `pod web-7f9-x: container app
    /// ContainerCreating for 40s`).
    public var blockers: [RolloutBlocker]

    /// Describes progress.
    public init(
        replicas: ObservedReplicas? = nil,
        revision: String? = nil,
        message: String,
        blockers: [RolloutBlocker] = []
    ) {
        self.replicas = replicas
        self.revision = revision
        self.message = message
        self.blockers = blockers
    }

    /// The progress a verdict describes: its counts, revision, message and (while progressing) blockers.
    public init(_ verdict: RolloutVerdict) {
        let blockers: [RolloutBlocker]
        if case .progressing(let progress) = verdict {
            blockers = progress.blockers
        } else {
            blockers = []
        }
        self.init(replicas: verdict.replicas, revision: verdict.revision, message: verdict.message, blockers: blockers)
    }

    /// The "still waiting for" text of a timeout: the message, then each blocker.
    public var waitingFor: String { ([message] + blockers.map(\.description)).joined(separator: "; ") }
}
