/// How one target ended when the gate stopped.
///
/// One value per target, never a pair of booleans: a target that was still going when the deadline
/// passed is `progressing`, one stopped because another target failed first is `cancelled`.
public enum TargetVerdict: String, Codable, Sendable, CaseIterable {
    /// The rollout finished as kubectl would say "successfully rolled out".
    case succeeded
    /// A failure rule certainly held; the result's `failure` says which.
    case failed
    /// Still rolling out when the gate stopped (the global deadline or an interruption).
    case progressing
    /// Stopped by fail-fast after another target failed; its last progress is kept.
    case cancelled
}
