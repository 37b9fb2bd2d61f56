import Foundation

/// What the scheduler and kubelet need to know about one pod to play its life.
struct PodFacts: Sendable, Hashable {
    var namespace: String
    var name: String
    var uid: String
    var nodeName: String
    var hostIP: String
    var podIP: String
    var containers: [ContainerFacts]
    var initContainers: [ContainerFacts]
    var restartPolicy: String
    var bornAt: Date
    var behaviour: PodBehaviour
    var scale: Double
    var nodeCount: Int
    /// When the pod was deleted (it is terminating), if it was.
    var deletionRequestedAt: Date?
}

/// A pod condition as the kubelet reports it.
struct PodConditionState: Sendable, Hashable {
    var type: String
    var status: Bool
    var reason: String?
    var message: String?
    var lastTransitionTime: Date
}

/// A container's status at one moment, with its name and image.
struct ContainerStatusState: Sendable, Hashable {
    var facts: ContainerFacts
    var segment: ContainerSegment
}

/// The pod as the scheduler and kubelet report it at one moment, with everything they recorded so far.
struct PodLifeState: Sendable {
    var scheduled: Bool
    var phase: String
    var reason: String?
    var message: String?
    var startTime: Date?
    var podIPAssigned: Bool
    var conditions: [PodConditionState]
    var initContainerStatuses: [ContainerStatusState]
    var containerStatuses: [ContainerStatusState]
    /// Every event recorded up to the moment, oldest first.
    var events: [TimedEvent]
    /// The next moment the status changes or an event is recorded; nil when nothing more happens.
    var nextChange: Date?
    /// When each container's instances started, for log texts.
    var instanceStarts: [String: [Date]]
}

/// The scheduler and the kubelet for one pod: its whole life as a pure function of its facts and the time.
///
/// The life is recomputed from the pod's birth on every evaluation, so it does not matter how often or
/// how late the model is called: the status at 10:00:07 is the same whether the model last looked at
/// 10:00:06 or at 10:00:01. Nothing here reads a clock.
struct PodLifecycle: Sendable {
    var facts: PodFacts

    func scaled(_ seconds: Double) -> TimeInterval { seconds * facts.scale }

    /// The pod's state at `now`.
    func evaluate(at now: Date) -> PodLifeState {
        let behaviour = facts.behaviour
        if behaviour.kind == .unschedulable {
            return unschedulable(at: now)
        }
        let scheduledAt = facts.bornAt
        var events: [TimedEvent] = [
            TimedEvent(
                time: scheduledAt,
                type: "Normal",
                reason: "Scheduled",
                message: "Successfully assigned \(facts.namespace)/\(facts.name) to \(facts.nodeName)",
                component: .scheduler
            )
        ]
        let context = ContainerContext(
            podName: facts.name,
            namespace: facts.namespace,
            podUID: facts.uid,
            restartPolicy: facts.restartPolicy,
            scale: facts.scale,
            horizon: now,
            podIP: facts.podIP
        )

        // Containers show ContainerCreating (PodInitializing behind init containers) until they exist.
        let initialMainReason = facts.initContainers.isEmpty ? "ContainerCreating" : "PodInitializing"
        var timelines: [String: ContainerTimeline] = [:]
        var sandboxAt: Date? = nil
        var mainStart: Date? = nil
        var nextChange: Date? = nil

        if behaviour.kind == .failedMount {
            events += mountFailures(from: scheduledAt, horizon: now, nextChange: &nextChange)
        } else {
            let healthyAfter = behaviour.kind == .healthy ? scaled(behaviour.afterSeconds) : scaled(1)
            let startup = min(scaled(KubeletTiming.sandbox), healthyAfter / 3)
            let sandbox = scheduledAt + startup
            sandboxAt = sandbox
            var initStart: Date? = sandbox
            for (index, container) in facts.initContainers.enumerated() {
                guard let start = initStart else { break }
                let mode: ContainerMode
                if behaviour.kind == .initCrash && index == 0 {
                    mode = .crashing(
                        runFor: scaled(behaviour.afterSeconds),
                        exitCode: behaviour.exitCode ?? 1,
                        reason: "Error",
                        recoversAfter: nil
                    )
                } else {
                    mode = .healthy(readyAt: start, runFor: scaled(KubeletTiming.initRun))
                }
                let timeline = ContainerTimeline.build(container: container, mode: mode, start: start, context: context)
                timelines[container.name] = timeline
                initStart =
                    timeline.finishedAt.flatMap { finished in
                        timeline.segment(at: finished).flatMap { segment in
                            if case .terminated(let termination) = segment.state, termination.exitCode == 0 {
                                return finished
                            }
                            return nil
                        }
                    }
            }
            mainStart = initStart
            if let start = mainStart {
                let target = behaviourContainerName
                for container in facts.containers {
                    let mode = container.name == target ? mode(for: container, start: start) : healthyMode(start: start)
                    timelines[container.name] = ContainerTimeline.build(
                        container: container,
                        mode: mode,
                        start: start,
                        context: context
                    )
                }
            }
        }

        // Eviction ends every container at once; a deletion records Killing for what runs.
        var evictedAt: Date? = nil
        if behaviour.kind == .evicted, let start = mainStart {
            let evictAt = max(facts.bornAt + scaled(behaviour.afterSeconds), start + scaled(KubeletTiming.sync))
            evictedAt = evictAt
            for container in facts.containers {
                timelines[container.name] = evict(timelines[container.name], container: container, at: evictAt)
            }
        }

        for timeline in timelines.values {
            events += timeline.events.filter { $0.time <= now }
            if let change = timeline.nextChange(after: now) { nextChange = earliest(nextChange, change) }
        }
        if let evictedAt {
            let message = evictionMessage
            if evictedAt <= now {
                events.append(TimedEvent(time: evictedAt, type: "Warning", reason: "Evicted", message: message))
                for container in facts.containers {
                    events.append(
                        TimedEvent(
                            time: evictedAt,
                            type: "Normal",
                            reason: "Killing",
                            message: "Stopping container \(container.name)",
                            fieldPath: container.fieldPath
                        )
                    )
                }
            } else {
                nextChange = earliest(nextChange, evictedAt)
            }
        }
        if let deletedAt = facts.deletionRequestedAt, deletedAt <= now, evictedAt.map({ $0 > deletedAt }) ?? true {
            for container in facts.containers {
                if case .running = timelines[container.name]?.segment(at: deletedAt)?.state {
                    events.append(
                        TimedEvent(
                            time: deletedAt,
                            type: "Normal",
                            reason: "Killing",
                            message: "Stopping container \(container.name)",
                            fieldPath: container.fieldPath
                        )
                    )
                }
            }
        }
        if let sandboxAt, sandboxAt > now { nextChange = earliest(nextChange, sandboxAt) }

        func status(of container: ContainerFacts, at time: Date) -> ContainerSegment {
            if let segment = timelines[container.name]?.segment(at: time) { return segment }
            let reason = container.isInit || facts.initContainers.isEmpty ? "ContainerCreating" : initialMainReason
            return ContainerSegment(
                state: .waiting(reason: container.isInit ? "PodInitializing" : reason, message: nil),
                at: scheduledAt
            )
        }

        // Conditions: evaluate the pod at every moment something changed, keeping the last transitions.
        var moments = Set<Date>([scheduledAt])
        if let sandboxAt { moments.insert(sandboxAt) }
        if let evictedAt { moments.insert(evictedAt) }
        for timeline in timelines.values {
            for segment in timeline.segments where segment.start <= now { moments.insert(segment.start) }
        }
        var tracker = ConditionTracker()
        for moment in moments.sorted() where moment <= now {
            let snapshot = conditionsSnapshot(
                at: moment,
                sandboxAt: sandboxAt,
                evictedAt: evictedAt,
                status: status(of:at:)
            )
            tracker.observe(snapshot, at: moment)
        }

        let initStatuses = facts.initContainers.map {
            ContainerStatusState(facts: $0, segment: status(of: $0, at: now))
        }
        let mainStatuses = facts.containers.map { ContainerStatusState(facts: $0, segment: status(of: $0, at: now)) }
        let evictedNow = evictedAt.map { $0 <= now } ?? false
        var instanceStarts: [String: [Date]] = [:]
        for (name, timeline) in timelines {
            instanceStarts[name] = timeline.instanceStarts.filter { $0 <= now }
        }
        return PodLifeState(
            scheduled: true,
            phase: evictedNow ? "Failed" : phase(initStatuses: initStatuses, mainStatuses: mainStatuses),
            reason: evictedNow ? "Evicted" : nil,
            message: evictedNow ? evictionMessage : nil,
            startTime: scheduledAt,
            podIPAssigned: sandboxAt.map { $0 <= now } ?? false,
            conditions: tracker.conditions(evictionMessage: evictedNow ? evictionMessage : nil),
            initContainerStatuses: initStatuses,
            containerStatuses: mainStatuses,
            events: events.sorted { $0.time < $1.time },
            nextChange: nextChange,
            instanceStarts: instanceStarts
        )
    }

    // MARK: Behaviours

    /// The container that shows the behaviour; the others are healthy.
    var behaviourContainerName: String? {
        facts.behaviour.container ?? facts.containers.first?.name
    }

    func healthyMode(start: Date) -> ContainerMode {
        let runFor: TimeInterval? = facts.restartPolicy == "Always" ? nil : scaled(facts.behaviour.afterSeconds)
        let readyAt = facts.behaviour.kind == .healthy ? facts.bornAt + scaled(facts.behaviour.afterSeconds) : start
        return .healthy(readyAt: runFor == nil ? readyAt : start, runFor: runFor)
    }

    func mode(for container: ContainerFacts, start: Date) -> ContainerMode {
        let behaviour = facts.behaviour
        if let problem = Naming.imageNameProblem(container.image), problem.contains("lowercase") {
            return .invalidImage(message: invalidImageMessage(container.image, problem: problem))
        }
        switch behaviour.kind {
        case .healthy, .evicted, .initCrash, .quotaExceeded, .limitRange, .unschedulable, .failedMount:
            return healthyMode(start: start)
        case .slowStart:
            let port = 8080
            return .probing(
                readyAt: facts.bornAt + scaled(behaviour.afterSeconds),
                probeFailure: behaviour.message
                    ?? "Get \"http://\(facts.podIP):\(port)/ready\": dial tcp \(facts.podIP):\(port): connect: connection refused"
            )
        case .neverReady:
            return .probing(readyAt: nil, probeFailure: behaviour.message ?? "HTTP probe failed with statuscode: 503")
        case .crashLoop:
            return .crashing(
                runFor: scaled(behaviour.afterSeconds),
                exitCode: behaviour.exitCode ?? 1,
                reason: "Error",
                recoversAfter: nil
            )
        case .crashThenRecover:
            return .crashing(
                runFor: scaled(behaviour.afterSeconds),
                exitCode: behaviour.exitCode ?? 1,
                reason: "Error",
                recoversAfter: 1
            )
        case .oom:
            return .crashing(
                runFor: scaled(behaviour.afterSeconds),
                exitCode: behaviour.exitCode ?? 137,
                reason: "OOMKilled",
                recoversAfter: nil
            )
        case .runContainerError:
            return .startFailure(
                message: behaviour.message
                    ?? "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"/app/server\": stat /app/server: no such file or directory: unknown"
            )
        case .imagePullError:
            let qualified = Naming.qualifiedImage(container.image)
            return .pullFailure(
                message: behaviour.message
                    ?? "rpc error: code = NotFound desc = failed to pull and unpack image \"\(qualified)\": failed to resolve reference \"\(qualified)\": \(qualified): not found"
            )
        case .invalidImageName:
            let problem = Naming.imageNameProblem(container.image) ?? "invalid reference format"
            return .invalidImage(message: behaviour.message ?? invalidImageMessage(container.image, problem: problem))
        case .missingConfigMap:
            return .createFailure(
                reason: "CreateContainerConfigError",
                message: behaviour.message ?? "configmap \"\(behaviour.resource ?? "app-config")\" not found"
            )
        case .missingSecret:
            return .createFailure(
                reason: "CreateContainerConfigError",
                message: behaviour.message ?? "secret \"\(behaviour.resource ?? "app-secret")\" not found"
            )
        case .createContainerError:
            return .createFailure(
                reason: "CreateContainerError",
                message: behaviour.message
                    ?? "failed to generate container \"\(facts.uid)\" spec: failed to generate spec: failed to mkdir \"/data/app\": mkdir /data: read-only file system"
            )
        }
    }

    func invalidImageMessage(_ image: String, problem: String) -> String {
        "Failed to apply default image tag \"\(image)\": couldn't parse image name \"\(image)\": \(problem)"
    }

    var evictionMessage: String {
        facts.behaviour.message
            ?? "The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. Container \(behaviourContainerName ?? "app") was using 1843200Ki, request is 0, has larger consumption of memory. "
    }

    func evict(_ timeline: ContainerTimeline?, container: ContainerFacts, at time: Date) -> ContainerTimeline {
        var timeline = timeline ?? ContainerTimeline()
        let before = timeline.segment(at: time)
        timeline.segments.removeAll { $0.start >= time }
        timeline.events.removeAll { $0.time >= time }
        var startedAt: Date? = nil
        if case .running(let start) = before?.state { startedAt = start }
        let instance = max(0, timeline.instanceStarts.count - 1)
        let termination = ContainerTermination(
            exitCode: 137,
            reason: "Error",
            message: nil,
            startedAt: startedAt,
            finishedAt: time,
            containerID: before?.containerID ?? "containerd://"
                + Naming.hex("\(facts.uid)/\(container.name)/\(instance)")
        )
        timeline.segments.append(
            ContainerSegment(
                start: time,
                state: .terminated(termination),
                lastState: before?.lastState,
                restartCount: before?.restartCount ?? 0,
                ready: false,
                started: false,
                pulled: true,
                containerID: termination.containerID,
                currentInstance: before?.currentInstance,
                previousInstance: before?.previousInstance
            )
        )
        timeline.finishedAt = time
        return timeline
    }

    /// FailedMount events: the volume manager retries with back-off (0.5 s doubling to about 2 min)
    /// and, every 2 minutes, reports that it gave up waiting.
    func mountFailures(from start: Date, horizon: Date, nextChange: inout Date?) -> [TimedEvent] {
        let volume = facts.behaviour.resource ?? "tls"
        let message =
            facts.behaviour.message
            ?? "MountVolume.SetUp failed for volume \"\(volume)\" : secret \"\(volume)\" not found"
        var events: [TimedEvent] = []
        var delay = 0.5
        var time = start + scaled(delay)
        while true {
            if time > horizon {
                nextChange = earliest(nextChange, time)
                break
            }
            events.append(TimedEvent(time: time, type: "Warning", reason: "FailedMount", message: message))
            delay = min(delay * 2, KubeletTiming.mountRetryMax)
            time += scaled(delay)
        }
        let volumes =
            "unmounted volumes=[\(volume)], unattached volumes=[\(volume) kube-api-access], failed to process volumes=[]"
        var timeout = start + scaled(KubeletTiming.mountTimeout)
        while true {
            if timeout > horizon {
                nextChange = earliest(nextChange, timeout)
                break
            }
            events.append(
                TimedEvent(
                    time: timeout,
                    type: "Warning",
                    reason: "FailedMount",
                    message: "Unable to attach or mount volumes: \(volumes): timed out waiting for the condition"
                )
            )
            timeout += scaled(KubeletTiming.mountTimeout)
        }
        return events
    }

    func unschedulable(at now: Date) -> PodLifeState {
        let nodes = facts.nodeCount
        let resource = facts.behaviour.resource ?? "cpu"
        let message =
            facts.behaviour.message
            ?? "0/\(nodes) nodes are available: \(nodes) Insufficient \(resource). preemption: 0/\(nodes) nodes are available: \(nodes) No preemption victims found for incoming pod."
        var events: [TimedEvent] = []
        var time = facts.bornAt
        var next: Date? = nil
        while true {
            if time > now {
                next = time
                break
            }
            events.append(
                TimedEvent(
                    time: time,
                    type: "Warning",
                    reason: "FailedScheduling",
                    message: message,
                    component: .scheduler
                )
            )
            time += scaled(KubeletTiming.schedulerRetry)
        }
        return PodLifeState(
            scheduled: false,
            phase: "Pending",
            reason: nil,
            message: nil,
            startTime: nil,
            podIPAssigned: false,
            conditions: [
                PodConditionState(
                    type: "PodScheduled",
                    status: false,
                    reason: "Unschedulable",
                    message: message,
                    lastTransitionTime: facts.bornAt
                )
            ],
            initContainerStatuses: [],
            containerStatuses: [],
            events: events,
            nextChange: next,
            instanceStarts: [:]
        )
    }

    // MARK: Phase and conditions

    /// The kubelet's `getPhase`: pending while initializing or while a container waits to start for the
    /// first time; a crash-looping container (waiting, with a last termination) counts as stopped.
    func phase(initStatuses: [ContainerStatusState], mainStatuses: [ContainerStatusState]) -> String {
        for status in initStatuses {
            if case .terminated(let termination) = status.segment.state, termination.exitCode == 0 { continue }
            if facts.restartPolicy == "Never", case .terminated = status.segment.state { return "Failed" }
            return "Pending"
        }
        var waiting = 0
        var running = 0
        var stopped = 0
        var succeeded = 0
        var failed = 0
        for status in mainStatuses {
            switch status.segment.state {
            case .running: running += 1
            case .terminated(let termination):
                stopped += 1
                if termination.exitCode == 0 { succeeded += 1 } else { failed += 1 }
            case .waiting:
                if status.segment.lastState != nil { stopped += 1 } else { waiting += 1 }
            }
        }
        if waiting > 0 { return "Pending" }
        if running > 0 { return "Running" }
        if stopped == mainStatuses.count && stopped > 0 {
            switch facts.restartPolicy {
            case "Never": return failed > 0 ? "Failed" : "Succeeded"
            case "OnFailure": return succeeded == stopped ? "Succeeded" : "Running"
            default: return "Running"
            }
        }
        return "Pending"
    }

    func conditionsSnapshot(
        at time: Date,
        sandboxAt: Date?,
        evictedAt: Date?,
        status: (ContainerFacts, Date) -> ContainerSegment
    ) -> ConditionTracker.Snapshot {
        let inits = facts.initContainers.map { ContainerStatusState(facts: $0, segment: status($0, time)) }
        let mains = facts.containers.map { ContainerStatusState(facts: $0, segment: status($0, time)) }
        let incomplete = inits.filter { state in
            if case .terminated(let termination) = state.segment.state, termination.exitCode == 0 { return false }
            return true
        }
        let evicted = evictedAt.map { $0 <= time } ?? false
        let phase = evicted ? "Failed" : phase(initStatuses: inits, mainStatuses: mains)
        let unready = mains.filter { !$0.segment.ready }.map(\.facts.name)
        var readyReason: String? = nil
        var readyMessage: String? = nil
        if phase == "Succeeded" {
            readyReason = "PodCompleted"
        } else if phase == "Failed" {
            readyReason = "PodFailed"
        } else if !unready.isEmpty {
            readyReason = "ContainersNotReady"
            readyMessage = "containers with unready status: [\(unready.joined(separator: " "))]"
        }
        return ConditionTracker.Snapshot(
            readyToStart: sandboxAt.map { $0 <= time } ?? false,
            initialized: incomplete.isEmpty,
            initializedMessage: incomplete.isEmpty
                ? nil : "containers with incomplete status: [\(incomplete.map(\.facts.name).joined(separator: " "))]",
            ready: readyReason == nil,
            readyReason: readyReason,
            readyMessage: readyMessage,
            disrupted: evicted
        )
    }
}

/// Follows the pod's conditions through time, keeping each one's last transition.
struct ConditionTracker {
    struct Snapshot: Hashable {
        var readyToStart: Bool
        var initialized: Bool
        var initializedMessage: String?
        var ready: Bool
        var readyReason: String?
        var readyMessage: String?
        var disrupted: Bool
    }

    private var current: Snapshot?
    private var transitions: [String: Date] = [:]
    private var scheduledAt: Date?

    mutating func observe(_ snapshot: Snapshot, at time: Date) {
        if scheduledAt == nil { scheduledAt = time }
        let previous = current
        func changed(_ type: String, _ old: Bool?, _ new: Bool) {
            if old != new { transitions[type] = time }
        }
        changed("PodReadyToStartContainers", previous?.readyToStart, snapshot.readyToStart)
        changed("Initialized", previous?.initialized, snapshot.initialized)
        changed("Ready", previous?.ready, snapshot.ready)
        changed("DisruptionTarget", previous?.disrupted, snapshot.disrupted)
        current = snapshot
    }

    func conditions(evictionMessage: String?) -> [PodConditionState] {
        guard let current, let scheduledAt else { return [] }
        func at(_ type: String) -> Date { transitions[type] ?? scheduledAt }
        var result: [PodConditionState] = []
        if current.disrupted, let evictionMessage {
            result.append(
                PodConditionState(
                    type: "DisruptionTarget",
                    status: true,
                    reason: "TerminationByKubelet",
                    message: evictionMessage,
                    lastTransitionTime: at("DisruptionTarget")
                )
            )
        }
        result.append(
            PodConditionState(
                type: "PodReadyToStartContainers",
                status: current.readyToStart,
                lastTransitionTime: at("PodReadyToStartContainers")
            )
        )
        result.append(
            PodConditionState(
                type: "Initialized",
                status: current.initialized,
                reason: current.initialized ? nil : "ContainersNotInitialized",
                message: current.initializedMessage,
                lastTransitionTime: at("Initialized")
            )
        )
        for type in ["Ready", "ContainersReady"] {
            result.append(
                PodConditionState(
                    type: type,
                    status: current.ready,
                    reason: current.readyReason,
                    message: current.readyMessage,
                    lastTransitionTime: at("Ready")
                )
            )
        }
        result.append(PodConditionState(type: "PodScheduled", status: true, lastTransitionTime: scheduledAt))
        return result
    }
}

func earliest(_ lhs: Date?, _ rhs: Date?) -> Date? {
    switch (lhs, rhs) {
    case (let left?, let right?): min(left, right)
    case (let left?, nil): left
    case (nil, let right): right
    }
}
