import Foundation

/// What one container does, once the kubelet may start it.
enum ContainerMode: Sendable, Hashable {
    /// Runs; ready at `readyAt` (never before it starts). With `runFor`, exits 0 after that long (a Job's work).
    case healthy(readyAt: Date, runFor: TimeInterval?)
    /// Runs; the readiness probe fails with `probeFailure` until `readyAt` (never, when nil).
    case probing(readyAt: Date?, probeFailure: String)
    /// Runs for `runFor`, then exits with `exitCode` and `reason`; restarts per the pod's restart policy.
    /// After `crashes` crashes it recovers and stays up (nil: it never recovers).
    case crashing(runFor: TimeInterval, exitCode: Int, reason: String, recoversAfter: Int?)
    /// The runtime creates the container but cannot start it (`StartError`, exit 128).
    case startFailure(message: String)
    /// The image cannot be pulled; pulls are retried with back-off.
    case pullFailure(message: String)
    /// The image reference does not parse; nothing is ever pulled.
    case invalidImage(message: String)
    /// The container cannot be created (`CreateContainerConfigError`, `CreateContainerError`); retried.
    case createFailure(reason: String, message: String)
}

/// The pod-level facts the container timelines need.
struct ContainerContext: Sendable {
    var podName: String
    var namespace: String
    var podUID: String
    var restartPolicy: String
    var scale: Double
    var horizon: Date
    var podIP: String

    /// `format.Pod`: how the kubelet names a pod in messages, `name_namespace(uid)`.
    var formattedPod: String { "\(podName)_\(namespace)(\(podUID))" }

    func scaled(_ seconds: Double) -> TimeInterval { seconds * scale }
}

extension ContainerTimeline {
    /// Builds the life of `container` in `mode`, from `start` (when its image pull may begin).
    static func build(
        container: ContainerFacts,
        mode: ContainerMode,
        start: Date,
        context: ContainerContext
    ) -> ContainerTimeline {
        var builder = ContainerTimelineBuilder(container: container, context: context)
        builder.run(mode: mode, start: start)
        return builder.timeline
    }
}

/// Builds a `ContainerTimeline` forward in time; one method per family of behaviour.
private struct ContainerTimelineBuilder {
    let container: ContainerFacts
    let context: ContainerContext
    var timeline = ContainerTimeline()

    init(container: ContainerFacts, context: ContainerContext) {
        self.container = container
        self.context = context
    }

    /// Whether enough is known: something starts after the horizon, so the next change is known too.
    var isPastHorizon: Bool {
        (timeline.segments.last?.start ?? .distantPast) > context.horizon
    }

    mutating func run(mode: ContainerMode, start: Date) {
        switch mode {
        case .healthy(let readyAt, let runFor):
            let startedAt = pullAndCreate(at: start)
            startInstance(at: startedAt, lastState: nil, ready: false)
            let readyTime = max(readyAt, startedAt)
            if let runFor {
                if readyTime > startedAt { markReady(at: readyTime) } else { timeline.segments[0].ready = true }
                terminate(
                    instance: 0,
                    at: startedAt + runFor,
                    exitCode: 0,
                    reason: "Completed",
                    lastState: nil,
                    startedAt: startedAt
                )
                timeline.finishedAt = startedAt + runFor
            } else if readyTime > startedAt {
                markReady(at: readyTime)
            } else {
                timeline.segments[timeline.segments.count - 1].ready = true
            }
        case .probing(let readyAt, let failure):
            let startedAt = pullAndCreate(at: start)
            startInstance(at: startedAt, lastState: nil, ready: false)
            let stop = readyAt.map { max($0, startedAt) }
            // The prober runs as soon as the container starts, then every period.
            var probe = startedAt + context.scaled(KubeletTiming.firstProbe)
            while probe < (stop ?? .distantFuture) {
                record(probe, "Warning", "Unhealthy", "Readiness probe failed: \(failure)")
                if probe > context.horizon { break }
                probe += context.scaled(KubeletTiming.probePeriod)
            }
            if let stop { markReady(at: stop) }
        case .crashing(let runFor, let exitCode, let reason, let recoversAfter):
            crashLoop(start: start, runFor: runFor, exitCode: exitCode, reason: reason, recoversAfter: recoversAfter)
        case .startFailure(let message):
            startFailureLoop(start: start, message: message)
        case .pullFailure(let message):
            pullFailureLoop(start: start, message: message)
        case .invalidImage(let message):
            var time = start
            append(ContainerSegment(state: .waiting(reason: "InvalidImageName", message: message), at: start))
            while true {
                record(time, "Warning", "InspectFailed", message)
                record(time, "Warning", "Failed", "Error: InvalidImageName")
                if time > context.horizon { break }
                time += context.scaled(KubeletTiming.createRetry)
            }
        case .createFailure(let reason, let message):
            let pulledAt = pull(at: start, firstPull: true)
            append(ContainerSegment(state: .waiting(reason: reason, message: message), at: pulledAt, pulled: true))
            var time = pulledAt
            var first = true
            while true {
                if !first { pulledEvent(at: time) }
                record(time, "Warning", "Failed", "Error: \(message)")
                first = false
                if time > context.horizon { break }
                time += context.scaled(KubeletTiming.createRetry)
            }
        }
    }

    // MARK: Images and instances

    /// Records the pull of the image at `time`; returns when it is pulled.
    mutating func pull(at time: Date, firstPull: Bool) -> Date {
        if !firstPull && container.pullPolicy != "Always" {
            pulledEvent(at: time)
            return time
        }
        record(time, "Normal", "Pulling", "Pulling image \"\(container.image)\"")
        let duration = context.scaled(KubeletTiming.pull)
        let pulledAt = time + duration
        let size = 10_000_000 + Int(Naming.fnv64a(container.image) % 190_000_000)
        let took = GoDuration.format(duration)
        record(
            pulledAt,
            "Normal",
            "Pulled",
            "Successfully pulled image \"\(container.image)\" in \(took) (\(took) including waiting). Image size: \(size) bytes."
        )
        return pulledAt
    }

    mutating func pulledEvent(at time: Date) {
        record(time, "Normal", "Pulled", "Container image \"\(container.image)\" already present on machine")
    }

    /// Pulls, then records `Created` and returns when the container starts.
    mutating func pullAndCreate(at start: Date) -> Date {
        let pulledAt = pull(at: start, firstPull: true)
        record(pulledAt, "Normal", "Created", "Created container: \(container.name)")
        return pulledAt + context.scaled(KubeletTiming.start)
    }

    func containerID(_ instance: Int) -> String {
        "containerd://" + Naming.hex("\(context.podUID)/\(container.name)/\(instance)")
    }

    /// Starts instance `timeline.instanceStarts.count` at `time`.
    mutating func startInstance(at time: Date, lastState: ContainerTermination?, ready: Bool) {
        let instance = timeline.instanceStarts.count
        timeline.instanceStarts.append(time)
        record(time, "Normal", "Started", "Started container \(container.name)")
        append(
            ContainerSegment(
                start: time,
                state: .running(startedAt: time),
                lastState: lastState,
                restartCount: instance,
                ready: ready,
                started: true,
                pulled: true,
                containerID: containerID(instance),
                currentInstance: instance,
                previousInstance: lastState == nil ? nil : instance - 1
            )
        )
    }

    /// Marks the running instance ready from `time` on.
    mutating func markReady(at time: Date) {
        guard var segment = timeline.segments.last, case .running = segment.state else { return }
        segment.start = time
        segment.ready = true
        append(segment)
    }

    /// Ends instance `instance` at `time`; returns the termination.
    @discardableResult
    mutating func terminate(
        instance: Int,
        at time: Date,
        exitCode: Int,
        reason: String,
        lastState: ContainerTermination?,
        startedAt: Date?,
        message: String? = nil
    ) -> ContainerTermination {
        let termination = ContainerTermination(
            exitCode: exitCode,
            reason: reason,
            message: message,
            startedAt: startedAt,
            finishedAt: time,
            containerID: containerID(instance)
        )
        append(
            ContainerSegment(
                start: time,
                state: .terminated(termination),
                lastState: lastState,
                restartCount: instance,
                ready: container.isInit && exitCode == 0,
                started: false,
                pulled: true,
                containerID: termination.containerID,
                currentInstance: instance,
                previousInstance: lastState == nil ? nil : instance - 1
            )
        )
        return termination
    }

    /// Whether the restart policy restarts a container that exited with `exitCode`.
    var restarts: (Int) -> Bool {
        let policy = context.restartPolicy
        return { exitCode in
            switch policy {
            case "Never": false
            case "OnFailure": exitCode != 0
            default: true
            }
        }
    }

    // MARK: Crash loops

    /// The back-off after crash number `crashes` (1-based): none after the first, then 10 s doubling to 5 min.
    func crashBackOff(after crashes: Int) -> TimeInterval {
        if crashes <= 1 { return context.scaled(KubeletTiming.sync) }
        let seconds = min(
            KubeletTiming.crashBackOffInitial * pow(2, Double(crashes - 2)),
            KubeletTiming.crashBackOffMax
        )
        return context.scaled(seconds)
    }

    /// Records the CrashLoopBackOff wait between `end` and `restartAt` after crash number `crashes`.
    mutating func backOffWait(from end: Date, until restartAt: Date, crashes: Int, lastState: ContainerTermination) {
        guard crashes >= 2 else { return }
        let backOff = restartAt.timeIntervalSince(end)
        let waitFrom = end + min(context.scaled(KubeletTiming.sync), backOff / 2)
        let instance = timeline.instanceStarts.count - 1
        let message =
            "back-off \(GoDuration.format(backOff)) restarting failed container=\(container.name) pod=\(context.formattedPod)"
        append(
            ContainerSegment(
                start: waitFrom,
                state: .waiting(reason: "CrashLoopBackOff", message: message),
                lastState: lastState,
                restartCount: instance,
                ready: false,
                started: false,
                pulled: true,
                containerID: nil,
                currentInstance: instance,
                previousInstance: instance
            )
        )
        var time = waitFrom
        while time < restartAt {
            record(
                time,
                "Warning",
                "BackOff",
                "Back-off restarting failed container \(container.name) in pod \(context.formattedPod)"
            )
            if time > context.horizon { break }
            time += context.scaled(KubeletTiming.probePeriod)
        }
    }

    mutating func crashLoop(
        start: Date,
        runFor: TimeInterval,
        exitCode: Int,
        reason: String,
        recoversAfter: Int?
    ) {
        var time = pullAndCreate(at: start)
        var lastState: ContainerTermination?
        var crashes = 0
        while timeline.instanceStarts.count < KubeletTiming.maxInstances {
            let instance = timeline.instanceStarts.count
            startInstance(at: time, lastState: lastState, ready: false)
            if let recoversAfter, crashes >= recoversAfter {
                markReady(at: time + context.scaled(KubeletTiming.sync))
                return
            }
            if container.isInit == false && runFor > context.scaled(KubeletTiming.sync) * 2 {
                // A container that stays up a while looks ready to a probe-less kubelet until it dies.
                markReady(at: time + context.scaled(KubeletTiming.start))
            }
            let end = time + runFor
            let termination = terminate(
                instance: instance,
                at: end,
                exitCode: exitCode,
                reason: reason,
                lastState: lastState,
                startedAt: time
            )
            crashes += 1
            if isPastHorizon { return }
            guard restarts(exitCode) else {
                timeline.finishedAt = end
                return
            }
            let restartAt = end + crashBackOff(after: crashes)
            backOffWait(from: end, until: restartAt, crashes: crashes, lastState: termination)
            if isPastHorizon { return }
            lastState = termination
            time = pull(at: restartAt, firstPull: false)
            record(time, "Normal", "Created", "Created container: \(container.name)")
        }
    }

    mutating func startFailureLoop(start: Date, message: String) {
        var time = pullAndCreate(at: start)
        var crashes = 0
        while timeline.instanceStarts.count < KubeletTiming.maxInstances {
            let instance = timeline.instanceStarts.count
            timeline.instanceStarts.append(time)
            record(time, "Warning", "Failed", "Error: \(message)")
            let termination = ContainerTermination(
                exitCode: 128,
                reason: "StartError",
                message: message,
                startedAt: Date(timeIntervalSince1970: 0),
                finishedAt: time,
                containerID: containerID(instance)
            )
            append(
                ContainerSegment(
                    start: time,
                    state: .waiting(reason: "RunContainerError", message: message),
                    lastState: termination,
                    restartCount: instance,
                    ready: false,
                    started: false,
                    pulled: true,
                    containerID: nil,
                    currentInstance: nil,
                    previousInstance: nil
                )
            )
            crashes += 1
            if isPastHorizon { return }
            guard restarts(128) else {
                timeline.finishedAt = time
                return
            }
            let restartAt = time + crashBackOff(after: crashes)
            backOffWait(from: time, until: restartAt, crashes: crashes, lastState: termination)
            if isPastHorizon { return }
            time = pull(at: restartAt, firstPull: false)
            record(time, "Normal", "Created", "Created container: \(container.name)")
        }
    }

    mutating func pullFailureLoop(start: Date, message: String) {
        var time = start
        var backOff = 0.0
        var attempts = 0
        while attempts < KubeletTiming.maxInstances {
            attempts += 1
            record(time, "Normal", "Pulling", "Pulling image \"\(container.image)\"")
            let failedAt = time + context.scaled(KubeletTiming.pull)
            record(failedAt, "Warning", "Failed", "Failed to pull image \"\(container.image)\": \(message)")
            record(failedAt, "Warning", "Failed", "Error: ErrImagePull")
            append(ContainerSegment(state: .waiting(reason: "ErrImagePull", message: message), at: failedAt))
            if isPastHorizon { return }
            backOff =
                backOff == 0
                ? KubeletTiming.imageBackOffInitial : min(backOff * 2, KubeletTiming.imageBackOffMax)
            let retryAt = failedAt + context.scaled(backOff)
            let waitFrom = failedAt + min(context.scaled(KubeletTiming.sync), context.scaled(backOff) / 2)
            let backOffMessage = "Back-off pulling image \"\(container.image)\""
            // Since 1.30 the kubelet keeps the last pull error in the waiting message; the event does not carry it.
            append(
                ContainerSegment(
                    state: .waiting(reason: "ImagePullBackOff", message: "\(backOffMessage): ErrImagePull: \(message)"),
                    at: waitFrom
                )
            )
            var eventTime = waitFrom
            while eventTime < retryAt {
                record(eventTime, "Normal", "BackOff", backOffMessage)
                record(eventTime, "Warning", "Failed", "Error: ImagePullBackOff")
                if eventTime > context.horizon { break }
                eventTime += context.scaled(KubeletTiming.probePeriod)
            }
            if isPastHorizon { return }
            time = retryAt
        }
    }

    // MARK: Recording

    mutating func record(_ time: Date, _ type: String, _ reason: String, _ message: String) {
        timeline.events.append(
            TimedEvent(time: time, type: type, reason: reason, message: message, fieldPath: container.fieldPath)
        )
    }

    mutating func append(_ segment: ContainerSegment) {
        timeline.segments.append(segment)
    }
}

extension ContainerSegment {
    /// A segment without a running instance: waiting for something, never started.
    init(state: ContainerState, at start: Date, pulled: Bool = false) {
        self.init(
            start: start,
            state: state,
            lastState: nil,
            restartCount: 0,
            ready: false,
            started: false,
            pulled: pulled,
            containerID: nil,
            currentInstance: nil,
            previousInstance: nil
        )
    }
}
