import KubeModel
import RolloutRules

extension TargetResult {
    /// Builds a target's result from the rules' last verdict: the one call the coordinator makes per target.
    ///
    /// - `unfinished` says what a still-progressing verdict becomes: `progressing` when the deadline passed
    ///   or a signal came, `cancelled` when fail-fast stopped the target.
    /// - `log` is the tail fetched for the failure's `logSource` (or why it could not be fetched).
    /// - `events` are the observation's recent Warning events (`RolloutObservation.warningEvents`).
    public init(
        kind: WorkloadKind,
        namespace: String,
        name: String,
        verdict: RolloutVerdict,
        unfinished: TargetVerdict = .progressing,
        log: LogTail? = nil,
        events: [Event] = []
    ) {
        let replicas = verdict.replicas
        let reportVerdict: TargetVerdict
        var waitingFor: String?
        var failure: TargetFailure?
        switch verdict {
        case .succeeded:
            reportVerdict = .succeeded
        case .progressing(let progress):
            reportVerdict = unfinished == .cancelled ? .cancelled : .progressing
            waitingFor = progress.waitingFor
        case .failed(let rolloutFailure):
            reportVerdict = .failed
            failure = TargetFailure(rolloutFailure, log: log)
        }
        self.init(
            kind: kind,
            namespace: namespace,
            name: name,
            revision: verdict.revision,
            verdict: reportVerdict,
            replicas: kind == .job ? nil : ReplicaCounts(replicas),
            job: kind == .job ? JobCounts(replicas) : nil,
            waitingFor: waitingFor,
            failure: failure,
            events: events.map(WarningEvent.init)
        )
    }
}

extension TargetFailure {
    /// The report's view of a rules failure, with the fetched log tail.
    public init(_ failure: RolloutFailure, log: LogTail? = nil) {
        self.init(
            code: failure.code,
            reason: failure.reason,
            message: failure.message,
            rule: failure.rule.rawValue,
            pod: failure.pod,
            container: failure.container,
            initContainer: failure.container == nil ? nil : failure.isInitContainer,
            restartCount: failure.restartCount,
            lastTermination: failure.lastTermination.map {
                LastTermination(exitCode: $0.exitCode, reason: $0.reason, signal: $0.signal)
            },
            log: log
        )
    }
}

extension ReplicaCounts {
    /// The four counts kubectl's success rule compares.
    public init(_ observed: ObservedReplicas) {
        self.init(
            desired: observed.desired,
            updated: observed.updated,
            ready: observed.ready,
            available: observed.available
        )
    }
}

extension JobCounts {
    /// A Job's counts, from the rules' reading of them (`current` active, `available` succeeded).
    public init(_ observed: ObservedReplicas) {
        self.init(
            completions: observed.desired,
            active: observed.current,
            succeeded: observed.available,
            failed: observed.failed ?? 0
        )
    }
}

extension WarningEvent {
    /// The report's view of a Warning Event: reason, capped message, count, object, last seen.
    public init(_ event: Event) {
        let object = event.involvedObject
        self.init(
            reason: event.reason ?? "",
            message: event.message ?? "",
            count: event.occurrences,
            object: "\(object.kind ?? "Object")/\(object.name ?? "")",
            lastTimestamp: event.lastSeen?.rfc3339
        )
    }
}
