import Foundation
import KubeModel
import RolloutRules
import Testing

@testable import RolloutCoordinator

/// The coordinator end to end against the scripted cluster, with the real rules and a manual clock.
@Suite("Coordinator with a scripted cluster", .timeLimit(.minutes(2)))
struct RolloutCoordinatorTests {
    let front = WorkloadSelection(scope: .namespaces(["prod"]), labelSelector: "tier=front")

    private func apply(_ cluster: FakeCluster, _ release: (deployment: Deployment, replicaSet: ReplicaSet, pods: [Pod]))
    {
        cluster.apply(release.deployment)
        cluster.apply(release.replicaSet)
        for pod in release.pods { cluster.apply(pod) }
    }

    @Test("healthy workloads succeed, with one shared watch per kind and every stream closed at the end")
    func healthySelection() async throws {
        let gate = GateRun()
        apply(gate.cluster, try Fixtures.release("web", labels: ["tier": "front"]))
        apply(gate.cluster, try Fixtures.release("api", labels: ["tier": "front"]))
        apply(gate.cluster, try Fixtures.release("batch", labels: ["tier": "back"]))
        let outcome = try await gate.run([.selection(front)])
        #expect(outcome.succeeded)
        #expect(outcome.results.map(\.subject.description) == ["deployment prod/api", "deployment prod/web"])
        #expect(gate.cluster.watchesOpened.map(\.kind).sorted() == ["Deployment", "Event", "Pod", "ReplicaSet"])
        #expect(gate.cluster.openWatches == 0)
        let api = try #require(outcome.results.first)
        #expect(api.progress?.message == "deployment \"api\" successfully rolled out")
        #expect(api.progress?.replicas?.ready == 2)
    }

    @Test("fail-fast: a crash loop fails its target with the previous instance's log; the others are cancelled")
    func failFastWithLog() async throws {
        let gate = GateRun()
        let web = try Fixtures.release("web", labels: ["tier": "front"], replicas: 2, ready: 1)
        let api = try Fixtures.release("api", labels: ["tier": "front"], replicas: 2, ready: 1)
        apply(gate.cluster, web)
        apply(gate.cluster, api)
        let crashing = try Fixtures.crashLoopingPod("c7x2q", of: web.replicaSet, restarts: 3)
        gate.cluster.setLog(
            namespace: "prod",
            pod: crashing.metadata.name,
            container: "app",
            previous: true,
            .success("starting\npanic: cannot connect to database\n")
        )
        let cluster = gate.cluster
        let outcome = try await gate.run([.selection(front)]) { log in
            _ = try #require(await log.next("prod/web"), "web was judged before the crash")
            cluster.apply(crashing)
        }
        guard case .failedFast = outcome.ending else {
            Issue.record("ending \(outcome.ending.name), expected failed-fast")
            return
        }
        #expect(outcome.results.map(\.verdict.name) == ["cancelled", "failed"])
        let failure = try #require(outcome.decisiveFailure?.failure)
        #expect(failure.code == .processCrashing)
        #expect(failure.rule == RolloutRule.containerCrashLoop.rawValue)
        #expect(failure.pod == crashing.metadata.name)
        guard case .captured(let tail) = failure.details.log else {
            Issue.record("no log captured: \(failure.details.log)")
            return
        }
        #expect(tail.text == "starting\npanic: cannot connect to database\n")
        #expect(tail.request.previous)
        #expect(tail.request.tailLines == 50)
        #expect(cluster.openWatches == 0)
        let cancelled = try #require(outcome.results.first)
        #expect(cancelled.progress?.message.contains("rollout to finish") == true, "cancelled keeps its last progress")
    }

    @Test("no-fail-fast: every failure is reported and the healthy target succeeds")
    func noFailFast() async throws {
        let gate = GateRun()
        let web = try Fixtures.release("web", labels: ["tier": "front"], replicas: 2, ready: 1)
        let api = try Fixtures.release("api", labels: ["tier": "front"], replicas: 2, ready: 1)
        let ok = try Fixtures.release("ok", labels: ["tier": "front"])
        for release in [web, api, ok] { apply(gate.cluster, release) }
        gate.cluster.apply(try Fixtures.crashLoopingPod("a1", of: web.replicaSet))
        gate.cluster.apply(try Fixtures.crashLoopingPod("b2", of: api.replicaSet))
        let outcome = try await gate.run([.selection(front)], policy: GatePolicy(failFast: false))
        guard case .completed = outcome.ending else {
            Issue.record("ending \(outcome.ending.name), expected completed")
            return
        }
        #expect(outcome.results.map(\.verdict.name) == ["failed", "succeeded", "failed"])
        #expect(outcome.results.compactMap(\.failure).allSatisfy { $0.code == .processCrashing })
        // No log was set for these pods: the failed fetch is noted, the verdict stays.
        for failure in outcome.results.compactMap(\.failure) {
            guard case .failed = failure.details.log else {
                Issue.record("log should be marked failed: \(failure.details.log)")
                continue
            }
        }
        #expect(gate.cluster.openWatches == 0)
    }

    @Test("the global deadline ends the gate with progressing targets and what they wait for")
    func deadline() async throws {
        let gate = GateRun()
        apply(gate.cluster, try Fixtures.release("web", labels: ["tier": "front"], replicas: 3, ready: 1))
        let clock = gate.clock
        let deadline = clock.now.addingTimeInterval(120)
        let outcome = try await gate.run([.selection(front)], policy: GatePolicy(timeout: .seconds(120))) { log in
            _ = try #require(await log.next("prod/web") { $0.progress.replicas != nil })
            await clock.waitForSleeper(atOrAfter: deadline)
            clock.advance(by: 121)
        }
        guard case .deadlinePassed = outcome.ending else {
            Issue.record("ending \(outcome.ending.name), expected deadline-passed")
            return
        }
        let result = try #require(outcome.results.first)
        #expect(result.verdict == .progressing)
        #expect(result.progress?.waitingFor.hasPrefix("Waiting for deployment \"web\" rollout to finish") == true)
        #expect(gate.cluster.openWatches == 0)
    }

    @Test("an unschedulable pod fails at the pending deadline with no new event: the gate wakes for it")
    func pendingDeadlineWakeUp() async throws {
        let gate = GateRun()
        let web = try Fixtures.release("web", labels: ["tier": "front"], replicas: 2, ready: 1)
        apply(gate.cluster, web)
        gate.cluster.apply(try Fixtures.unschedulablePod("p3n", of: web.replicaSet, since: -10))
        let clock = gate.clock
        let outcome = try await gate.run([.selection(front)]) { log in
            let waiting = try #require(await log.next("prod/web") { $0.progress.replicas != nil })
            #expect(waiting.verdict == nil)
            // The pod has been unschedulable for 10 s; the default pending deadline is 180 s. The gate sleeps
            // until the first instant a time-based rule could fire (it may wake earlier, for the mount grace).
            await clock.waitForSleeper(atOrAfter: Fixtures.baseTime.addingTimeInterval(1))
            let due = Fixtures.baseTime.addingTimeInterval(170)
            #expect(clock.pendingWakeUps.allSatisfy { $0 <= due.addingTimeInterval(0.01) })
            clock.advance(by: 171)
        }
        let failure = try #require(outcome.decisiveFailure?.failure)
        #expect(failure.code == .scheduling)
        #expect(failure.rule == RolloutRule.podUnschedulable.rawValue)
        #expect(failure.details.log == .notApplicable)
    }

    @Test("a selection matching nothing fails as not-found, but only once the list is complete")
    func emptySelectionAfterSync() async throws {
        let gate = GateRun()
        gate.cluster.holdSync()
        let cluster = gate.cluster
        let outcome = try await gate.run([.selection(front)]) { _ in
            // Deliver a matching Deployment before the sync: the gate must not have judged "nothing" yet.
            await cluster.waitForWatches(1)
            cluster.apply(try Fixtures.deployment("late", labels: ["tier": "front"]))
            cluster.releaseSync()
        }
        #expect(outcome.results.map(\.subject.description) == ["deployment prod/late"])
        #expect(outcome.results.first?.verdict == .succeeded)

        let empty = GateRun()
        let nothing = try await empty.run([.selection(front)])
        let result = try #require(nothing.results.first)
        #expect(result.subject == .selection(front))
        #expect(result.failure?.code == .notFound)
        #expect(empty.cluster.openWatches == 0)
    }

    @Test("a named workload that does not exist is not-found; one deleted while waited on is not-found too")
    func namedNotFoundAndDeleted() async throws {
        let gate = GateRun()
        let named = WorkloadReference(kind: .deployment, namespace: "prod", name: "ghost")
        let missing = try await gate.run([.named(named)])
        #expect(missing.decisiveFailure?.failure?.rule == "workload.not-found")

        let second = GateRun()
        let web = try Fixtures.release("web", replicas: 2, ready: 1)
        apply(second.cluster, web)
        let cluster = second.cluster
        let deleted = try await second.run([
            .named(WorkloadReference(kind: .deployment, namespace: "prod", name: "web"))
        ]) { log in
            _ = try #require(await log.next("prod/web") { $0.progress.replicas != nil })
            cluster.delete(web.deployment)
        }
        let failure = try #require(deleted.decisiveFailure?.failure)
        #expect(failure.code == .notFound)
        #expect(failure.rule == RolloutRule.workloadDeleting.rawValue)
        #expect(cluster.openWatches == 0)
    }

    @Test("a matching workload that appears while the gate waits is added and waited for")
    func reResolution() async throws {
        let gate = GateRun()
        apply(gate.cluster, try Fixtures.release("web", labels: ["tier": "front"], replicas: 2, ready: 1))
        let cluster = gate.cluster
        let outcome = try await gate.run([.selection(front)]) { log in
            _ = try #require(await log.next("prod/web") { $0.progress.replicas != nil })
            let late = try Fixtures.release("late", labels: ["tier": "front"], replicas: 2, ready: 0)
            self.apply(cluster, late)
            _ = try #require(await log.next("prod/late") { $0.progress.replicas != nil }, "late joined the targets")
            self.apply(cluster, try Fixtures.release("web", labels: ["tier": "front"]))
            _ = try #require(await log.next("prod/web") { $0.verdict == .succeeded })
            self.apply(cluster, try Fixtures.release("late", labels: ["tier": "front"]))
        }
        #expect(outcome.succeeded)
        #expect(outcome.results.map(\.subject.description) == ["deployment prod/late", "deployment prod/web"])
    }

    @Test("an interruption stops the gate at once with a partial report, and closes every stream")
    func interruption() async throws {
        let gate = GateRun()
        apply(gate.cluster, try Fixtures.release("web", labels: ["tier": "front"], replicas: 2, ready: 1))
        let (signals, raise) = AsyncStream<GateInterruption>.makeStream()
        let outcome = try await gate.run([.selection(front)], interruptions: signals) { log in
            _ = try #require(await log.next("prod/web") { $0.progress.replicas != nil })
            raise.yield(.interruptSignal)
        }
        guard case .interrupted(.interruptSignal) = outcome.ending else {
            Issue.record("ending \(outcome.ending.name), expected interrupted")
            return
        }
        #expect(outcome.results.first?.verdict == .progressing)
        #expect(outcome.results.first?.progress?.replicas?.ready == 1)
        #expect(gate.cluster.openWatches == 0)
    }

    @Test("cancelling the task that runs the gate ends it as cancelled, with what it knew")
    func taskCancellation() async throws {
        let gate = GateRun()
        apply(gate.cluster, try Fixtures.release("web", labels: ["tier": "front"], replicas: 2, ready: 1))
        let cluster = gate.cluster
        let clock = gate.clock
        let front = front
        let outcome = await withTaskGroup(of: GateOutcome?.self) { group in
            let (events, sink) = AsyncStream<ProgressEvent>.makeStream()
            group.addTask {
                await RolloutCoordinator.run(
                    targets: [.selection(front)],
                    source: cluster,
                    clock: clock,
                    progress: { sink.yield($0) }
                )
            }
            for await event in events where event.progress.replicas != nil { break }
            group.cancelAll()
            return await group.next() ?? nil
        }
        let result = try #require(outcome)
        guard case .interrupted(.cancelled) = result.ending else {
            Issue.record("ending \(result.ending.name), expected interrupted(cancelled)")
            return
        }
        #expect(cluster.openWatches == 0)
    }

    @Test("a watch the API refuses ends the gate as a source failure, never as a rollout failure")
    func watchRefused() async throws {
        let gate = GateRun()
        gate.cluster.failNextWatch(
            FakeClusterError(message: "deployments.apps is forbidden: User \"ci\" cannot list resource")
        )
        let outcome = try await gate.run([.selection(front)])
        guard case .sourceFailed(let error) = outcome.ending else {
            Issue.record("ending \(outcome.ending.name), expected source-failed")
            return
        }
        #expect(error.watch == "deployments in namespace prod, labels tier=front")
        #expect(error.underlying is FakeClusterError)
        #expect(outcome.decisiveFailure == nil)
    }

    @Test("a log that does not arrive within the details timeout is noted; the verdict is not held up")
    func slowLogTimesOut() async throws {
        let gate = GateRun()
        let web = try Fixtures.release("web", labels: ["tier": "front"], replicas: 2, ready: 1)
        apply(gate.cluster, web)
        gate.cluster.apply(try Fixtures.crashLoopingPod("c1", of: web.replicaSet))
        let clock = gate.clock
        let outcome = try await gate.run(
            [.selection(front)],
            policy: GatePolicy(detailsTimeout: .seconds(5)),
            source: SlowLogs(base: gate.cluster)
        ) { log in
            _ = try #require(await log.next("prod/web") { $0.verdict != nil })
            await clock.waitForSleeper(atOrAfter: Fixtures.baseTime.addingTimeInterval(5))
            clock.advance(by: 6)
        }
        let failure = try #require(outcome.decisiveFailure?.failure)
        #expect(failure.code == .processCrashing)
        guard case .failed(_, let reason) = failure.details.log else {
            Issue.record("expected a failed log, got \(failure.details.log)")
            return
        }
        #expect(reason == "the log did not arrive within 5.0 seconds")
    }
}

extension RolloutCoordinatorTests {
    @Test("a signal while a failure's details are fetched stops the gate at once; the log is given up")
    func interruptionDuringDetails() async throws {
        let gate = GateRun()
        let web = try Fixtures.release("web", labels: ["tier": "front"], replicas: 2, ready: 1)
        apply(gate.cluster, web)
        gate.cluster.apply(try Fixtures.crashLoopingPod("c1", of: web.replicaSet))
        let (signals, raise) = AsyncStream<GateInterruption>.makeStream()
        let clock = gate.clock
        let outcome = try await gate.run(
            [.selection(front)],
            policy: GatePolicy(detailsTimeout: .seconds(5)),
            interruptions: signals,
            source: SlowLogs(base: gate.cluster)
        ) { log in
            _ = try #require(await log.next("prod/web") { $0.verdict != nil })
            raise.yield(.terminationSignal)
            // The gate must end on the signal; if it keeps waiting for the log, the details timeout
            // eventually releases it (as a failure of this test, not a hang).
            await withTaskGroup(of: Void.self) { release in
                release.addTask {
                    do {
                        try await Task.sleep(for: .seconds(30))
                        clock.advance(by: 6)
                    } catch {}
                }
                _ = await log.next { _ in false }
                release.cancelAll()
            }
        }
        guard case .interrupted(.terminationSignal) = outcome.ending else {
            Issue.record("ending \(outcome.ending.name), expected interrupted by SIGTERM")
            return
        }
        let failure = try #require(outcome.decisiveFailure?.failure)
        #expect(failure.code == .processCrashing)
        guard case .abandoned = failure.details.log else {
            Issue.record("expected an abandoned log, got \(failure.details.log)")
            return
        }
        #expect(gate.cluster.openWatches == 0)
    }
}

/// A cluster whose log endpoint never answers until cancelled, while the clock the gate uses has already
/// passed the details timeout: the log must be given up, not awaited.
struct SlowLogs: ClusterSource {
    let base: FakeCluster

    func watch<Object: KubeObject>(
        _ type: Object.Type,
        _ query: WatchQuery,
        onChange: (WatchChange<Object>) async -> Void
    ) async throws {
        try await base.watch(type, query, onChange: onChange)
    }

    func list<Object: KubeObject>(_ type: Object.Type, _ query: WatchQuery) async throws -> [Object] {
        try await base.list(type, query)
    }

    func logs(_ request: LogRequest) async throws -> String {
        try await Task.sleep(for: .seconds(3600))
        return ""
    }
}
