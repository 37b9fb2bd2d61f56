import Foundation

/// What the gate collected about a failure beyond the rule that fired: a log tail and Warning events.
public struct FailureDetails: Sendable, Hashable {
    /// The failing container's log, or why there is none.
    public var log: LogCapture
    /// Recent Warning events of the workload, its new ReplicaSet and the failing pod, oldest first.
    public var events: [WarningEvent]

    /// Describes the details of a failure.
    public init(log: LogCapture, events: [WarningEvent]) {
        self.log = log
        self.events = events
    }
}

/// The outcome of fetching a failing container's log: the report shows the text or says why it is missing.
///
/// A failed fetch never replaces the verdict (the original tool turned the rollout error into a program
/// error there, losing the code); it is recorded here instead.
public enum LogCapture: Sendable, Hashable {
    /// The rule did not name a container whose log would explain the failure, such as a quota refusal.
    case notApplicable
    /// The tail of the log.
    case captured(LogTail)
    /// The request failed; `reason` is the error as one sentence.
    case failed(request: LogRequest, reason: String)
    /// The gate stopped (deadline, interruption) before the log arrived.
    case abandoned(request: LogRequest, reason: String)
}

/// The last lines of one container's log.
public struct LogTail: Sendable, Hashable {
    /// What was asked for: pod, container, whether the previous instance, and the limits.
    public var request: LogRequest
    /// The text, as the API server returned it.
    public var text: String
    /// Whether the byte limit was reached, so the text may be cut short.
    public var truncated: Bool

    /// Describes a log tail.
    public init(request: LogRequest, text: String, truncated: Bool) {
        self.request = request
        self.text = text
        self.truncated = truncated
    }
}

/// One Warning event about an object of a failing rollout, as the report lists it.
public struct WarningEvent: Sendable, Hashable {
    /// The object the event is about, such as `Pod web-7f9-x`.
    public var object: String
    /// The machine-readable reason, such as `BackOff` or `FailedMount`.
    public var reason: String
    /// The human message.
    public var message: String
    /// How many times it happened.
    public var count: Int
    /// When it was last seen.
    public var lastSeen: Date?

    /// Describes an event.
    public init(object: String, reason: String, message: String, count: Int, lastSeen: Date?) {
        self.object = object
        self.reason = reason
        self.message = message
        self.count = count
        self.lastSeen = lastSeen
    }
}
