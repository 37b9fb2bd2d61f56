import RolloutCoordinator
import RolloutRules

/// One target's state as the live status shows it: short, and equal exactly when a reader would say
/// nothing changed.
///
/// Built from a `ProgressEvent`. It keeps what a release engineer scans for — the counts, the state, and
/// per blocking pod its name, container, reason and restarts — and drops what changes without news
/// (how long a pod has waited, kubectl's sentence), so the plain display prints a line only when one of
/// those changes.
struct TargetLine: Sendable, Hashable {
    /// `namespace/name`, or a selection's description.
    var name: String
    /// Ready, updated and desired replicas, once the workload has been judged.
    var counts: Counts?
    /// Where the target stands.
    var state: State
    /// What blocks it, shortened (`web-7f9c-x2x9k/app CrashLoopBackOff (2 restarts)`), in pod order.
    var blockers: [String]
    /// The blockers as a reader tells them apart: a restarted container by its restart count alone, since
    /// its state cycles through `Error`, `CrashLoopBackOff` and `Running` at every restart.
    var blockerKeys: [String]

    /// Ready, updated and desired replicas (for a Job: succeeded, active and completions).
    struct Counts: Sendable, Hashable {
        var ready: Int
        var updated: Int
        var desired: Int
    }

    /// The states a target passes through; exclusive, hence an enum.
    enum State: Sendable, Hashable {
        /// Still waiting.
        case waiting
        /// Rolled out.
        case succeeded
        /// Certainly failed, with the failure code and one sentence.
        case failed(code: String, message: String)
        /// Stopped by fail-fast after another target failed.
        case cancelled
        /// Still going when the gate stopped (deadline, signal).
        case stopped

        /// The word the table and the lines show.
        var word: String {
            switch self {
            case .waiting: "waiting"
            case .succeeded: "succeeded"
            case .failed: "failed"
            case .cancelled: "cancelled"
            case .stopped: "unfinished"
            }
        }

        /// Whether the target is done waiting, one way or another.
        var isFinal: Bool { self != .waiting }
    }

    /// The line of a progress event.
    init(_ event: ProgressEvent) {
        switch event.subject {
        case .workload(let reference): name = reference.qualifiedName
        case .selection(let selection): name = selection.description
        }
        counts = event.progress.replicas.map { Counts(ready: $0.ready, updated: $0.updated, desired: $0.desired) }
        switch event.verdict {
        case nil: state = .waiting
        case .succeeded: state = .succeeded
        case .failed(let failure): state = .failed(code: failure.code.rawValue, message: failure.message)
        case .cancelled: state = .cancelled
        case .progressing: state = .stopped
        }
        let shown = state == .waiting || state == .stopped || state == .cancelled ? event.progress.blockers : []
        blockers = shown.map(Self.short)
        blockerKeys = shown.map(Self.key)
        if counts == nil, state == .waiting, blockers.isEmpty {
            // Before the first judgement the only news is what the gate itself waits for.
            blockers = [Self.firstWords(of: event.progress.message)]
            blockerKeys = blockers
        }
    }

    /// Whether this line tells a reader of `previous` something new: other counts, another state, another
    /// blocker, or another restart (not a restarted container passing through its usual states).
    func isNews(comparedTo previous: TargetLine?) -> Bool {
        guard let previous else { return true }
        return counts != previous.counts || state != previous.state || blockerKeys != previous.blockerKeys
    }

    /// What identifies a blocker for `isNews`.
    static func key(_ blocker: RolloutBlocker) -> String {
        if let restarts = blocker.restartCount, restarts > 0, let pod = blocker.pod, let container = blocker.container {
            return "\(pod)/\(container) restarted \(restarts)"
        }
        return short(blocker)
    }

    /// A blocker in a few words: pod, container, reason and restarts; no durations, no details.
    static func short(_ blocker: RolloutBlocker) -> String {
        var text = ""
        if let pod = blocker.pod {
            text = pod
            if let container = blocker.container {
                text += "/\(container)" + (blocker.isInitContainer ? " (init)" : "")
            }
            text += " "
        }
        text += blocker.reason
        if let restarts = blocker.restartCount, restarts > 0 {
            text += " (\(restarts) restart\(restarts == 1 ? "" : "s"))"
        }
        return text
    }

    /// `waiting for the initial lists`, from the gate's own "Waiting for the initial list of …" message.
    static func firstWords(of message: String) -> String {
        if message.hasPrefix("Waiting for the initial list") { return "waiting for the initial lists" }
        return message
    }

    /// `2/3 ready, 3/3 updated`, or nothing before the first judgement.
    var countsText: String? {
        counts.map { "\($0.ready)/\($0.desired) ready, \($0.updated)/\($0.desired) updated" }
    }

    /// What blocks the target, the first `limit` blockers and how many more.
    func blockersText(limit: Int = 2) -> String? {
        guard !blockers.isEmpty else { return nil }
        var shown = blockers.prefix(limit).joined(separator: "; ")
        if blockers.count > limit { shown += "; +\(blockers.count - limit) more" }
        return shown
    }
}
