import Foundation
import KubeModel
import RolloutReport
import RolloutRules

extension GateOutcome {
    /// The JSON report of this outcome: one result per workload, the ending as the report's conclusion.
    ///
    /// `timeout` is the `--timeout` that was set (named in the timeout message); `skipped` lists the
    /// manifest objects that were not workloads; `programError` turns a source failure (credentials,
    /// RBAC, an unreachable API server) into the report's program error code. A selection that matched
    /// nothing has no workload to put in `results`: it is in `selections`, and when it is the decisive
    /// failure it becomes the report's top-level `not-found` error, as the original tool reports it.
    public func report(
        timeout: Duration?,
        skipped: [SkippedObject] = [],
        programError: (any Error) -> ReportError
    ) -> GateReport {
        let timing = GateTiming(
            startedAt: KubeTime(startedAt),
            finishedAt: KubeTime(finishedAt),
            duration: .seconds(max(finishedAt.timeIntervalSince(startedAt), 0))
        )
        let workloadResults = results.compactMap(\.reportResult)
        let conclusion: GateConclusion
        switch ending {
        case .completed, .failedFast:
            if let decisive = decisiveFailure, case .selection = decisive.subject, let failure = decisive.failure {
                conclusion = .error(ReportError(code: .rollout(failure.code), message: failure.message.sentence))
            } else if case .workload(let reference)? = decisiveFailure?.subject {
                conclusion = .completed(decisive: TargetReference(reference))
            } else {
                conclusion = .completed(decisive: nil)
            }
        case .deadlinePassed:
            conclusion = .deadlineExceeded(timeout: timeout ?? .zero)
        case .interrupted(.interruptSignal):
            conclusion = .interrupted(.sigint)
        case .interrupted(.terminationSignal):
            conclusion = .interrupted(.sigterm)
        case .interrupted(.cancelled):
            conclusion = .error(
                ReportError(program: .interrupted, message: "The gate was cancelled before it finished.")
            )
        case .sourceFailed(let error):
            conclusion = .error(programError(error.underlying))
        }
        return GateReport(
            timing: timing,
            results: workloadResults,
            selections: selections.map(\.reportSelection),
            skipped: skipped,
            conclusion: conclusion
        )
    }
}

extension SelectionOutcome {
    /// The report's record of this selection.
    var reportSelection: SelectionResult {
        let namespaces: [String]? =
            switch selection.scope {
            case .namespaces(let names): names
            case .allNamespaces: nil
            }
        let kinds = selection.kinds.map { WorkloadKind($0) }
        let selector = selection.labelSelector ?? ""
        switch resolution {
        case .matched(let workloads):
            return SelectionResult(
                selector: selector,
                kinds: kinds,
                namespaces: namespaces,
                status: .matched,
                matched: workloads.count
            )
        case .matchedNothing(let failure):
            var reported = failure.reportFailure
            reported.message = failure.message.sentence
            return SelectionResult(
                selector: selector,
                kinds: kinds,
                namespaces: namespaces,
                status: .matchedNothing,
                matched: 0,
                failure: reported
            )
        case .unresolved(let waitingFor):
            return SelectionResult(
                selector: selector,
                kinds: kinds,
                namespaces: namespaces,
                status: .unresolved,
                matched: 0,
                waitingFor: waitingFor
            )
        }
    }
}

extension TargetResult {
    /// This result as the report's result; `nil` for a selection, which names no workload.
    var reportResult: RolloutReport.TargetResult? {
        guard case .workload(let reference) = subject else { return nil }
        let kind = WorkloadKind(reference.kind)
        var replicas: RolloutReport.ReplicaCounts?
        var job: JobCounts?
        if let observed = progress?.replicas {
            if reference.kind == .job {
                job = JobCounts(
                    completions: observed.desired,
                    active: observed.current,
                    succeeded: observed.available,
                    failed: observed.failed ?? 0
                )
            } else {
                replicas = RolloutReport.ReplicaCounts(
                    desired: observed.desired,
                    updated: observed.updated,
                    ready: observed.ready,
                    available: observed.available
                )
            }
        }
        let waiting = verdict == .progressing || verdict == .cancelled
        return RolloutReport.TargetResult(
            kind: kind,
            namespace: reference.namespace,
            name: reference.name,
            revision: progress?.revision,
            verdict: verdict.reportVerdict,
            replicas: replicas,
            job: job,
            waitingFor: waiting ? progress?.waitingFor : nil,
            failure: failure?.reportFailure,
            events: failure?.details.events.map(\.reportEvent) ?? []
        )
    }
}

extension TargetVerdict {
    /// The report's verdict.
    var reportVerdict: RolloutReport.TargetVerdict {
        switch self {
        case .succeeded: .succeeded
        case .failed: .failed
        case .progressing: .progressing
        case .cancelled: .cancelled
        }
    }
}

extension TargetFailure {
    /// The report's failure, with the log tail capped as the report caps untrusted text.
    var reportFailure: RolloutReport.TargetFailure {
        let termination = rolloutFailure?.lastTermination.map {
            LastTermination(exitCode: $0.exitCode, reason: $0.reason, signal: $0.signal)
        }
        return RolloutReport.TargetFailure(
            code: code,
            reason: reason,
            message: message,
            rule: rule,
            pod: pod,
            container: container,
            initContainer: rolloutFailure.map(\.isInitContainer),
            restartCount: rolloutFailure?.restartCount,
            lastTermination: termination,
            log: details.log.reportLog
        )
    }
}

extension LogCapture {
    /// The report's log tail; `nil` when no log applies.
    var reportLog: RolloutReport.LogTail? {
        switch self {
        case .notApplicable:
            return nil
        case .captured(let tail):
            let log = RolloutReport.LogTail(
                container: tail.request.container,
                previous: tail.request.previous,
                log: tail.text,
                maxLines: tail.request.tailLines,
                maxBytes: tail.request.limitBytes
            )
            guard tail.truncated, case .text(let text, _) = log.content else { return log }
            return RolloutReport.LogTail(
                container: log.container,
                previous: log.previous,
                content: .text(text, truncated: true)
            )
        case .failed(let request, let reason), .abandoned(let request, let reason):
            return RolloutReport.LogTail(
                container: request.container,
                previous: request.previous,
                content: .unavailable("the log could not be fetched: \(reason)")
            )
        }
    }
}

extension WarningEvent {
    /// The report's event.
    var reportEvent: RolloutReport.WarningEvent {
        RolloutReport.WarningEvent(
            reason: reason,
            message: message,
            count: count,
            object: object,
            lastTimestamp: lastSeen.map { KubeTime($0).rfc3339 }
        )
    }
}

extension TargetReference {
    /// The report's reference to a workload.
    init(_ reference: WorkloadReference) {
        self.init(kind: WorkloadKind(reference.kind), namespace: reference.namespace, name: reference.name)
    }
}

extension String {
    /// Capitalised, ending with a period: the report's messages are sentences.
    var sentence: String {
        guard let first else { return self }
        var result = first.uppercased() + dropFirst()
        if !(result.hasSuffix(".") || result.hasSuffix("?") || result.hasSuffix("!")) { result += "." }
        return result
    }
}
