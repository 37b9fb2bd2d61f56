/// A change in one target's state, for the live display on stderr.
///
/// The gate emits one when a target's progress or verdict changes, never periodically, so a quiet
/// rollout prints nothing new; the display prefixes each line with `namespace/name`.
public struct ProgressEvent: Sendable, Hashable {
    /// What changed.
    public var subject: TargetSubject
    /// Where the rollout stands now.
    public var progress: TargetProgress
    /// The verdict, once there is one; `nil` while waiting.
    public var verdict: TargetVerdict?

    /// Describes a progress event.
    public init(subject: TargetSubject, progress: TargetProgress, verdict: TargetVerdict?) {
        self.subject = subject
        self.progress = progress
        self.verdict = verdict
    }
}
