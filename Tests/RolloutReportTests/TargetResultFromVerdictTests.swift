import KubeModel
import RolloutReport
import RolloutRules
import Testing

/// The coordinator's one call per target: the rules' verdict in, the report's result out.
@Suite struct TargetResultFromVerdictTests {
    static let replicas = ObservedReplicas(desired: 3, current: 4, updated: 1, ready: 2, available: 2)

    @Test func aFailureCarriesEveryDetailAndTheLog() throws {
        let failure = RolloutFailure(
            code: .processCrashing,
            reason: "CrashLoopBackOff",
            message: "Container \"main\" restarted 3 times",
            rule: .containerCrashLoop,
            pod: "api-6d9f7c8b5-x2x7q",
            container: "main",
            restartCount: 3,
            lastTermination: Termination(exitCode: 2, reason: "Error"),
            replicas: Self.replicas,
            revision: "7"
        )
        let log = LogTail(container: "main", previous: true, log: "panic\n", maxLines: 50, maxBytes: 100)
        let result = TargetResult(
            kind: .deployment,
            namespace: "shop",
            name: "api",
            verdict: .failed(failure),
            log: log
        )
        #expect(result.verdict == .failed)
        #expect(result.revision == "7")
        #expect(result.replicas == ReplicaCounts(desired: 3, updated: 1, ready: 2, available: 2))
        let reported = try #require(result.failure)
        #expect(reported.rule == "container.crash-loop")
        #expect(reported.code == .processCrashing)
        #expect(reported.initContainer == false)
        #expect(reported.lastTermination == LastTermination(exitCode: 2, reason: "Error"))
        #expect(reported.log == log)
    }

    @Test(arguments: [TargetVerdict.progressing, .cancelled])
    func progressIsProgressingAtTheDeadlineAndCancelledByFailFast(unfinished: TargetVerdict) {
        let progress = RolloutProgress(
            rule: .deploymentReplicasPending,
            message: "Waiting for deployment \"web\" rollout to finish: 1 of 3 updated replicas are available...",
            replicas: Self.replicas
        )
        let result = TargetResult(
            kind: .deployment,
            namespace: "shop",
            name: "web",
            verdict: .progressing(progress),
            unfinished: unfinished
        )
        #expect(result.verdict == unfinished)
        #expect(result.waitingFor == progress.waitingFor)
        #expect(result.failure == nil)
    }

    @Test func aJobReportsPodCountsNotReplicas() {
        let summary = RolloutSummary(
            rule: .jobComplete,
            message: "job \"migrate\" completed",
            replicas: ObservedReplicas(desired: 1, current: 0, updated: 1, ready: 0, available: 1, failed: 2)
        )
        let result = TargetResult(kind: .job, namespace: "shop", name: "migrate", verdict: .succeeded(summary))
        #expect(result.verdict == .succeeded)
        #expect(result.replicas == nil)
        #expect(result.job == JobCounts(completions: 1, active: 0, succeeded: 1, failed: 2))
    }

    @Test func eventsBecomeWarningEntries() throws {
        let event = Event(
            metadata: ObjectMeta(name: "api-x.17f", namespace: "shop"),
            involvedObject: ObjectReference(kind: "Pod", namespace: "shop", name: "api-x"),
            reason: "BackOff",
            message: "Back-off restarting failed container",
            type: "Warning",
            count: 5,
            lastTimestamp: KubeTime(rfc3339: "2026-05-28T20:26:49Z")
        )
        let summary = RolloutSummary(rule: .deploymentComplete, message: "done", replicas: Self.replicas)
        let result = TargetResult(
            kind: .deployment,
            namespace: "shop",
            name: "api",
            verdict: .succeeded(summary),
            events: [event]
        )
        #expect(
            result.events == [
                WarningEvent(
                    reason: "BackOff",
                    message: "Back-off restarting failed container",
                    count: 5,
                    object: "Pod/api-x",
                    lastTimestamp: "2026-05-28T20:26:49Z"
                )
            ]
        )
    }
}
