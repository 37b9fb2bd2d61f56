import Foundation
import KubeModel
import RolloutRules
import Testing

/// What a verdict carries beyond its code and message: the details the report and the coordinator use.
@Suite struct RolloutVerdictDetailTests {
    let now = Build.time("10:05:00").date

    func evaluate(
        _ observation: RolloutObservation,
        thresholds: RolloutThresholds = .default,
        at clock: String = "10:05:00"
    ) -> RolloutVerdict {
        RolloutEvaluator(thresholds: thresholds).evaluate(observation, now: Build.time(clock).date)
    }

    @Test func aCrashLoopPointsAtThePreviousInstancesLog() throws {
        let verdict = evaluate(try Fixture.observation("deployment-crashloop"))
        let failure = try #require(verdict.failure)
        #expect(failure.restartCount == 3)
        #expect(failure.lastTermination == Termination(exitCode: 1, reason: "Error"))
        #expect(failure.logSource == LogSource(pod: "web-64f9b7d8c-h7v2n", container: "main", previous: true))
        #expect(failure.revision == "5")
        #expect(failure.replicas == ObservedReplicas(desired: 3, current: 4, updated: 1, ready: 3, available: 3))
        #expect(failure.description.hasPrefix("process-crashing: pod web-64f9b7d8c-h7v2n: container main"))
    }

    @Test func aContainerThatJustTerminatedPointsAtItsCurrentLog() throws {
        let verdict = evaluate(try Fixture.observation("statefulset-crashloop"))
        let failure = try #require(verdict.failure)
        #expect(failure.lastTermination == Termination(exitCode: 139, reason: "Error", signal: 11))
        #expect(failure.logSource == LogSource(pod: "queue-1", container: "broker", previous: false))
        #expect(failure.revision == "queue-8e7d6c5b4")
    }

    @Test func anOOMKillCarriesItsTermination() throws {
        let failure = try #require(evaluate(try Fixture.observation("deployment-oomkilled")).failure)
        #expect(failure.lastTermination?.exitCode == 137)
        #expect(failure.lastTermination?.reason == "OOMKilled")
        #expect(failure.logSource?.previous == true)
    }

    @Test func anInitContainerFailureSaysSo() throws {
        let failure = try #require(evaluate(try Fixture.observation("deployment-init-crashloop")).failure)
        #expect(failure.isInitContainer)
        #expect(failure.logSource == LogSource(pod: "web-6a7b8c9d0-c3n5b", container: "migrate", previous: true))
        #expect(failure.lastTermination?.message == #"relation "orders" already exists"#)
    }

    @Test func failuresWithoutAContainerLogHaveNoLogSource() throws {
        for fixture in [
            "deployment-image-pull-backoff", "deployment-unschedulable", "deployment-quota", "deployment-paused",
        ] {
            let failure = try #require(evaluate(try Fixture.observation(fixture)).failure, "\(fixture)")
            #expect(failure.logSource == nil, "\(fixture)")
        }
    }

    @Test func aProgressDeadlinePointsAtTheNotReadyContainer() throws {
        let failure = try #require(evaluate(try Fixture.observation("deployment-progress-deadline")).failure)
        #expect(failure.logSource == LogSource(pod: "web-58b7c6d9e-zt4lq", container: "main", previous: false))
    }

    @Test func aFailedJobPointsAtItsLastFailedContainer() throws {
        let failure = try #require(evaluate(try Fixture.observation("job-backoff-limit")).failure)
        #expect(failure.logSource == LogSource(pod: "db-migrate-z5w8c", container: "migrate", previous: false))
        #expect(failure.lastTermination?.message == "duplicate key value violates unique constraint")
        #expect(
            failure.replicas == ObservedReplicas(desired: 1, current: 0, updated: 0, ready: 0, available: 0, failed: 3)
        )
    }

    @Test func evictedPodsOfTheNewRevisionAreListed() throws {
        let verdict = evaluate(try Fixture.observation("deployment-evicted"))
        #expect(verdict.isFinal)
        #expect(
            verdict.disruptedPods == [
                DisruptedPod(
                    name: "web-59c8d7e6f-b7nq4",
                    reason: "Evicted",
                    message: "The node was low on resource: memory. Threshold quantity: 100Mi, available: 91340Ki. "
                        + "Container main was using 1893304Ki, request is 512Mi, has larger consumption of memory."
                )
            ]
        )
    }

    @Test func aPreemptionTargetIsListedWhileStillRunning() {
        let observation = Build.rollout(
            containers: [Build.running(ready: false)],
            conditions: [
                Condition(
                    type: "DisruptionTarget",
                    status: .isTrue,
                    reason: "PreemptionByScheduler",
                    message: "default-scheduler: preempting to accommodate a higher priority pod"
                )
            ]
        )
        #expect(
            evaluate(observation).disruptedPods == [
                DisruptedPod(
                    name: "web-7c9d8f6b5-x1",
                    reason: "PreemptionByScheduler",
                    message: "default-scheduler: preempting to accommodate a higher priority pod"
                )
            ]
        )
    }

    @Test func progressCarriesTheCountsAndStructuredBlockers() throws {
        let verdict = evaluate(try Fixture.observation("deployment-failed-mount"), at: "10:00:40")
        guard case .progressing(let progress) = verdict else {
            Issue.record("expected progress, got \(verdict)")
            return
        }
        #expect(progress.replicas == ObservedReplicas(desired: 1, current: 2, updated: 1, ready: 1, available: 1))
        #expect(progress.revision == "8")
        #expect(
            progress.blockers == [
                RolloutBlocker(
                    pod: "web-7f9c8b6d4-x5k8m",
                    container: "main",
                    reason: "ContainerCreating",
                    elapsed: .seconds(40),
                    detail: #"FailedMount secret "tls" not found"#
                )
            ]
        )
    }

    @Test func aCrashLoopBelowTheThresholdIsABlockerWithItsRestartCount() throws {
        let verdict = evaluate(
            try Fixture.observation("deployment-crashloop"),
            thresholds: RolloutThresholds(maxRestarts: 5)
        )
        guard case .progressing(let progress) = verdict else {
            Issue.record("expected progress, got \(verdict)")
            return
        }
        let blocker = try #require(progress.blockers.first)
        #expect(blocker.pod == "web-64f9b7d8c-h7v2n")
        #expect(blocker.container == "main")
        #expect(blocker.reason == "CrashLoopBackOff")
        #expect(blocker.restartCount == 3)
    }

    @Test func daemonSetCountsAreTheNumbersScheduled() throws {
        let verdict = evaluate(try Fixture.observation("daemonset-rolling"))
        #expect(verdict.replicas == ObservedReplicas(desired: 3, current: 3, updated: 2, ready: 2, available: 2))
        #expect(verdict.revision == "5")
    }

    @Test(arguments: [
        (0.0, "0s"), (-5.0, "0s"), (40.9, "40s"), (60.0, "1m0s"), (185.0, "3m5s"), (3_723.0, "1h2m3s"),
    ])
    func blockersPrintElapsedTimesAsGoDurations(seconds: Double, text: String) {
        let blocker = RolloutBlocker(pod: "p", reason: "Pending", elapsed: .milliseconds(Int64(seconds * 1000)))
        #expect(blocker.description == "pod p: Pending for \(text)")
    }

    @Test func theDefaultsAreTheDocumentedOnes() {
        let defaults = RolloutThresholds.default
        #expect(defaults.maxRestarts == 2)
        #expect(defaults.pendingDeadline == .seconds(180))
        #expect(defaults.imagePullGrace == .zero)
        #expect(defaults.mountGrace == .seconds(60))
        #expect(!defaults.ignoreSecretNotFound)
        #expect(!defaults.allowPaused)
        #expect(!defaults.requireOldPodsGone)
    }
}

@Suite struct RolloutAggregateTests {
    static let progress = RolloutVerdict.progressing(
        RolloutProgress(
            rule: .deploymentReplicasPending,
            message: "waiting",
            replicas: ObservedReplicas(desired: 1, current: 1, updated: 1, ready: 0, available: 0)
        )
    )
    static let success = RolloutVerdict.succeeded(
        RolloutSummary(
            rule: .deploymentComplete,
            message: "done",
            replicas: ObservedReplicas(desired: 1, current: 1, updated: 1, ready: 1, available: 1)
        )
    )
    static func failure(_ code: RolloutFailureCode) -> RolloutVerdict {
        .failed(
            RolloutFailure(
                code: code,
                reason: "R",
                message: "failed",
                rule: .containerCrashLoop,
                replicas: ObservedReplicas(desired: 1, current: 1, updated: 1, ready: 0, available: 0)
            )
        )
    }

    @Test func theFirstFailureInOrderWins() {
        let aggregate = RolloutAggregate([
            (key: "shop/deployment/a", verdict: Self.success),
            (key: "shop/deployment/b", verdict: Self.progress),
            (key: "shop/deployment/c", verdict: Self.failure(.invalidConfig)),
            (key: "shop/deployment/d", verdict: Self.failure(.processCrashing)),
        ])
        guard case .failed(let key, let failure, let count) = aggregate else {
            Issue.record("expected a failure, got \(aggregate)")
            return
        }
        #expect(key == "shop/deployment/c")
        #expect(failure.code == .invalidConfig)
        #expect(count == 2)
    }

    @Test func progressingWhileAnyIsNotFinal() {
        let aggregate = RolloutAggregate([
            (key: 1, verdict: Self.success), (key: 2, verdict: Self.progress), (key: 3, verdict: Self.progress),
        ])
        #expect(aggregate == .progressing(waitingOn: [2, 3]))
    }

    @Test func succeededWhenAllSucceeded() {
        #expect(RolloutAggregate([(key: "a", verdict: Self.success), (key: "b", verdict: Self.success)]) == .succeeded)
    }
}
