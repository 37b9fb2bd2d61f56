import Foundation
import RolloutRules

/// The gate's answer for one target: a workload, or a selection that matched nothing.
public struct TargetResult: Sendable, Hashable {
    /// What the result is about.
    public var subject: TargetSubject
    /// The workload's UID when it was seen.
    public var uid: String?
    /// The verdict.
    public var verdict: TargetVerdict
    /// The last progress seen: for `progressing` and `cancelled` results it is what the workload still
    /// waited for when the gate stopped.
    public var progress: TargetProgress?
    /// When the verdict was reached; for `progressing` and `cancelled`, when the gate stopped.
    public var decidedAt: Date

    /// Describes a result.
    public init(
        subject: TargetSubject,
        uid: String?,
        verdict: TargetVerdict,
        progress: TargetProgress?,
        decidedAt: Date
    ) {
        self.subject = subject
        self.uid = uid
        self.verdict = verdict
        self.progress = progress
        self.decidedAt = decidedAt
    }

    /// The failure, when the verdict is `failed`.
    public var failure: TargetFailure? {
        if case .failed(let failure) = verdict { return failure }
        return nil
    }
}

/// What a result is about.
public enum TargetSubject: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// One workload.
    case workload(WorkloadReference)
    /// A selection as a whole: one that matched nothing, or one the gate stopped before it was resolved.
    case selection(WorkloadSelection)

    /// Workloads first, by namespace and name; then selections by their description.
    public static func < (lhs: TargetSubject, rhs: TargetSubject) -> Bool {
        switch (lhs, rhs) {
        case (.workload(let left), .workload(let right)): left < right
        case (.workload, .selection): true
        case (.selection, .workload): false
        case (.selection(let left), .selection(let right)): left.description < right.description
        }
    }

    /// `deployment prod/web`, or the selection's description.
    public var description: String {
        switch self {
        case .workload(let reference): reference.description
        case .selection(let selection): selection.description
        }
    }
}

/// The verdict on one target.
public enum TargetVerdict: Sendable, Hashable {
    /// The rollout finished, by the rules for its kind.
    case succeeded
    /// The rollout certainly failed, or the workload does not exist.
    case failed(TargetFailure)
    /// The gate stopped (deadline, interruption, an API failure) while the rollout was still going.
    case progressing
    /// Fail-fast stopped watching this target after another one failed.
    case cancelled

    /// `succeeded`, `failed`, `progressing` or `cancelled`: the report's verdict names.
    public var name: String {
        switch self {
        case .succeeded: "succeeded"
        case .failed: "failed"
        case .progressing: "progressing"
        case .cancelled: "cancelled"
        }
    }
}

/// Why a target failed: the rule that fired, and what the gate collected about it.
public struct TargetFailure: Sendable, Hashable {
    /// The report's `error.code`.
    public var code: RolloutFailureCode
    /// The Kubernetes reason, such as `CrashLoopBackOff` or `ProgressDeadlineExceeded`, when there is one.
    public var reason: String?
    /// One sentence for people.
    public var message: String
    /// The stable identifier of the rule that fired: a `RolloutRule` raw value (a workload deleted while
    /// waited on is `workload.deleting`; the gate's own are `workload.not-found`, a named workload absent
    /// from the synced list, and `selection.matched-nothing`).
    public var rule: String
    /// The rules' full account (pod, container, restarts, last termination, counts), when the rules
    /// decided; `nil` for the gate's own not-found failures.
    public var rolloutFailure: RolloutFailure?
    /// The log tail and Warning events collected for the failure.
    public var details: FailureDetails
    /// The order in which the gate saw failures, starting at 1: the lowest is the decisive one.
    public var sequence: Int

    /// Describes a failure.
    public init(
        code: RolloutFailureCode,
        reason: String?,
        message: String,
        rule: String,
        rolloutFailure: RolloutFailure? = nil,
        details: FailureDetails = FailureDetails(log: .notApplicable, events: []),
        sequence: Int = 0
    ) {
        self.code = code
        self.reason = reason
        self.message = message
        self.rule = rule
        self.rolloutFailure = rolloutFailure
        self.details = details
        self.sequence = sequence
    }

    /// A failure the rules decided.
    public init(
        _ failure: RolloutFailure,
        details: FailureDetails = FailureDetails(log: .notApplicable, events: []),
        sequence: Int = 0
    ) {
        self.init(
            code: failure.code,
            reason: failure.reason,
            message: failure.message,
            rule: failure.rule.rawValue,
            rolloutFailure: failure,
            details: details,
            sequence: sequence
        )
    }

    /// The failing pod, when the failure is about one.
    public var pod: String? { rolloutFailure?.pod }

    /// The failing container, when the failure is about one.
    public var container: String? { rolloutFailure?.container }
}
