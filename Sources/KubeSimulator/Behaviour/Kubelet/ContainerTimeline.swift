import Foundation

/// How a container ended, as `state.terminated` / `lastState.terminated` report it.
struct ContainerTermination: Sendable, Hashable {
    var exitCode: Int
    var reason: String
    var message: String?
    var startedAt: Date?
    var finishedAt: Date
    var containerID: String
}

/// A container's `state`: exactly one of waiting, running or terminated.
enum ContainerState: Sendable, Hashable {
    case waiting(reason: String, message: String?)
    case running(startedAt: Date)
    case terminated(ContainerTermination)
}

/// A container's status from `start` until the next segment begins.
struct ContainerSegment: Sendable, Hashable {
    var start: Date
    var state: ContainerState
    var lastState: ContainerTermination?
    var restartCount: Int
    var ready: Bool
    var started: Bool
    /// Whether the image was pulled, so `imageID` is known.
    var pulled: Bool
    var containerID: String?
    /// The instance (0-based) whose output `kubectl logs` serves now, if any instance ever started.
    var currentInstance: Int?
    /// The instance `kubectl logs --previous` serves, if any.
    var previousInstance: Int?
}

/// An event a component records at a time; the recorder aggregates repeats as the real one does.
struct TimedEvent: Sendable, Hashable {
    enum Component: String, Sendable, Hashable {
        case kubelet
        case scheduler = "default-scheduler"
    }

    var time: Date
    var type: String
    var reason: String
    var message: String
    var component: Component = .kubelet
    /// `spec.containers{app}` for container events, nil for pod events.
    var fieldPath: String?
}

/// One container's life, as a list of status segments and the events recorded along the way.
///
/// Built forward in time from the moment the container may start until just past `horizon`, so the
/// status at `horizon` and the next moment anything changes are both known. Restarts follow the
/// kubelet's back-off: the first crash restarts at once, the second waits 10 s, then 20 s, 40 s, … up
/// to 5 min (all multiplied by the scenario's time scale).
struct ContainerTimeline: Sendable {
    var segments: [ContainerSegment] = []
    var events: [TimedEvent] = []
    /// When each instance started, for the log texts.
    var instanceStarts: [Date] = []
    /// The moment the container finished for good (succeeded, or failed without restart), if it did.
    var finishedAt: Date?

    /// The segment in force at `time`, if the container exists by then.
    func segment(at time: Date) -> ContainerSegment? {
        var result: ContainerSegment?
        for segment in segments {
            if segment.start > time { break }
            result = segment
        }
        return result
    }

    /// The first moment after `time` at which a segment begins or an event is recorded.
    func nextChange(after time: Date) -> Date? {
        let segmentTime = segments.first { $0.start > time }?.start
        let eventTime = events.lazy.filter { $0.time > time }.map(\.time).min()
        switch (segmentTime, eventTime) {
        case (let lhs?, let rhs?): return min(lhs, rhs)
        case (let lhs?, nil): return lhs
        case (nil, let rhs): return rhs
        }
    }
}

/// What one container is, as the pod spec declares it.
struct ContainerFacts: Sendable, Hashable {
    var name: String
    var image: String
    var pullPolicy: String
    var isInit: Bool

    var fieldPath: String { isInit ? "spec.initContainers{\(name)}" : "spec.containers{\(name)}" }
}

/// The kubelet's durations, before the scenario's time scale multiplies them.
enum KubeletTiming {
    static let sandbox = 0.2
    static let pull = 0.3
    static let start = 0.1
    /// How long a terminated container shows `terminated` before the next sync acts on it.
    static let sync = 1.0
    static let crashBackOffInitial = 10.0
    static let crashBackOffMax = 300.0
    static let imageBackOffInitial = 10.0
    static let imageBackOffMax = 300.0
    static let probePeriod = 10.0
    static let firstProbe = 1.0
    /// How often the kubelet retries a container it cannot create (config errors), and re-records the event.
    static let createRetry = 10.0
    static let initRun = 0.5
    static let schedulerRetry = 30.0
    static let mountRetryMax = 122.0
    static let mountTimeout = 123.0
    /// How long a deleted pod takes to stop before the kubelet removes it.
    static let termination = 1.0
    /// The most restarts generated for one container; a bound on work, reached only by absurd time scales.
    static let maxInstances = 2_000
}
