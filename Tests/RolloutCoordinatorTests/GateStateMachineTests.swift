import Foundation
import KubeModel
import RolloutRules
import Testing

@testable import RolloutCoordinator

/// Drives the pure state machine by hand: which watches it opens, when it decides, what it reports.
struct MachineHarness {
    var machine: GateStateMachine
    var actions: [GateStateMachine.Action] = []
    var now = Fixtures.baseTime

    /// A machine for `targets`; unless a test says otherwise, namespaces share their watches, so that a
    /// test names them by namespace alone.
    init(
        _ targets: [GateTarget],
        policy: GatePolicy = GatePolicy(watchScope: .namespace),
        evaluator: any WorkloadEvaluator = AnnotationEvaluator()
    ) {
        machine = GateStateMachine(targets: targets, policy: policy, evaluator: evaluator, startedAt: Fixtures.baseTime)
        actions = machine.start()
    }

    /// Every watch opened so far, by id.
    var openedWatches: [WatchID: WatchSpec] {
        var opened: [WatchID: WatchSpec] = [:]
        for case .openWatch(let id, let spec) in actions { opened[id] = spec }
        return opened
    }

    var progressEvents: [ProgressEvent] {
        actions.compactMap { if case .progress(let event) = $0 { event } else { nil } }
    }

    var outcome: GateOutcome? { machine.outcome }

    func hasWatch(_ resource: WatchSpec.Resource, namespace: String?) -> Bool {
        openedWatches.values.contains { $0.resource == resource && $0.query.namespace == namespace }
    }

    func watch(_ resource: WatchSpec.Resource, namespace: String?, labels: String? = nil) throws -> WatchID {
        let id = openedWatches.first { _, spec in
            spec.resource == resource && spec.query.namespace == namespace && spec.query.labelSelector == labels
        }?.key
        return try #require(id, "no \(resource) watch in \(namespace ?? "all namespaces") was opened")
    }

    @discardableResult
    mutating func send(_ input: GateStateMachine.Input) -> [GateStateMachine.Action] {
        let new = machine.handle(input, now: now)
        actions += new
        return new
    }

    mutating func sync(_ id: WatchID, _ resource: WatchSpec.Resource) {
        switch resource {
        case .workloads: send(.changed(id, .deployment(.synced)))
        case .replicaSets: send(.changed(id, .replicaSet(.synced)))
        case .pods: send(.changed(id, .pod(.synced)))
        case .warningEvents: send(.changed(id, .event(.synced)))
        }
    }

    /// Syncs the ReplicaSet, pod and event watches of a namespace.
    mutating func syncDependents(in namespace: String) throws {
        for resource in [WatchSpec.Resource.replicaSets, .pods, .warningEvents] {
            sync(try watch(resource, namespace: namespace), resource)
        }
    }

    func result(_ name: String, namespace: String = "prod") -> TargetResult? {
        outcome?.results.first {
            $0.subject == .workload(WorkloadReference(kind: .deployment, namespace: namespace, name: name))
        }
    }
}

@Suite("Gate state machine: resolution, fail-fast, deadline, re-resolution")
struct GateStateMachineTests {
    let web = WorkloadReference(kind: .deployment, namespace: "prod", name: "web")
    let selection = WorkloadSelection(scope: .namespaces(["prod"]), labelSelector: "tier=front")

    @Test("a named workload is looked for with one namespace-wide watch, and nothing else until it is found")
    func namedTargetOpensOneWatch() throws {
        let harness = MachineHarness([.named(web)])
        #expect(harness.openedWatches.count == 1)
        let spec = try #require(harness.openedWatches.values.first)
        #expect(spec == WatchSpec(resource: .workloads(.deployment), query: WatchQuery(namespace: "prod")))
        #expect(harness.actions.contains(.wake(at: Fixtures.baseTime)) == false)
    }

    @Test("a named workload missing from the synced list is not-found, never before the sync")
    func namedTargetNotFoundOnlyAfterSync() throws {
        var harness = MachineHarness([.named(web)])
        let id = try harness.watch(.workloads(.deployment), namespace: "prod")
        let other = try Fixtures.deployment("api")
        harness.send(.changed(id, .deployment(.upserted(other))))
        #expect(harness.outcome == nil)
        harness.sync(id, .workloads(.deployment))
        let outcome = try #require(harness.outcome)
        let failure = try #require(harness.result("web")?.failure)
        #expect(failure.code == .notFound)
        #expect(failure.rule == RolloutRule.workloadNotFound.rawValue)
        #expect(failure.message == "deployments \"web\" not found in namespace \"prod\"")
        #expect(outcome.decisiveFailure?.subject == .workload(web))
        #expect(harness.actions.contains(.stopWatching))
    }

    @Test("a found workload is judged only once its namespace's ReplicaSets, pods and events are listed")
    func evaluationWaitsForDependentSync() throws {
        var harness = MachineHarness([.named(web)])
        let id = try harness.watch(.workloads(.deployment), namespace: "prod")
        harness.send(
            .changed(
                id,
                .deployment(.upserted(try Fixtures.deployment("web", annotations: ["test/verdict": "succeeded"])))
            )
        )
        harness.sync(id, .workloads(.deployment))
        #expect(harness.openedWatches.count == 4)
        let events = try harness.watch(.warningEvents, namespace: "prod")
        #expect(harness.openedWatches[events]?.query.fieldSelector == "type=Warning")
        #expect(harness.outcome == nil)
        #expect(harness.progressEvents.last?.progress.message.hasPrefix("Waiting for the initial list") == true)
        for resource in [WatchSpec.Resource.replicaSets, .pods] {
            harness.sync(try harness.watch(resource, namespace: "prod"), resource)
            #expect(harness.outcome == nil)
        }
        harness.sync(events, .warningEvents)
        let outcome = try #require(harness.outcome)
        #expect(outcome.succeeded)
        #expect(harness.result("web")?.verdict == .succeeded)
    }

    @Test("a selection matching nothing fails as not-found as soon as its list is synced")
    func emptySelectionIsNotFound() throws {
        var harness = MachineHarness([.selection(selection)])
        let id = try harness.watch(.workloads(.deployment), namespace: "prod", labels: "tier=front")
        #expect(harness.outcome == nil)
        harness.sync(id, .workloads(.deployment))
        let outcome = try #require(harness.outcome)
        #expect(outcome.results.count == 1)
        let result = try #require(outcome.results.first)
        #expect(result.subject == .selection(selection))
        #expect(result.failure?.code == .notFound)
        #expect(result.failure?.message == "found no deployments matching tier=front in namespace prod")
        #expect(result.failure?.rule == RolloutRule.selectionMatchedNothing.rawValue)
        #expect(!outcome.succeeded)
    }

    @Test("no-fail-fast: a selection matching nothing keeps its own record beside an earlier failure")
    func emptySelectionBesideAnEarlierFailure() throws {
        let typo = WorkloadSelection(scope: .namespaces(["prod"]), labelSelector: "tier=frnot")
        var harness = MachineHarness(
            [.selection(selection), .selection(typo)],
            policy: GatePolicy(failFast: false, watchScope: .namespace)
        )
        let front = try harness.watch(.workloads(.deployment), namespace: "prod", labels: "tier=front")
        harness.send(
            .changed(
                front,
                .deployment(
                    .upserted(try Fixtures.deployment("web", annotations: ["test/verdict": "failed:invalid-config"]))
                )
            )
        )
        harness.sync(front, .workloads(.deployment))
        try harness.syncDependents(in: "prod")
        harness.send(.detailsFetched(web, FetchedDetails(log: .notApplicable, events: [])))
        #expect(harness.outcome == nil, "the second selection is not listed yet")
        harness.sync(
            try harness.watch(.workloads(.deployment), namespace: "prod", labels: "tier=frnot"),
            .workloads(.deployment)
        )
        let outcome = try #require(harness.outcome)
        #expect(outcome.decisiveFailure?.failure?.code == .invalidConfig, "the earlier failure stays decisive")
        #expect(
            outcome.selections == [
                SelectionOutcome(selection: selection, resolution: .matched([web])),
                SelectionOutcome(
                    selection: typo,
                    resolution: .matchedNothing(
                        try #require(outcome.results.first { $0.subject == .selection(typo) }?.failure)
                    )
                ),
            ]
        )
        guard case .matchedNothing(let failure) = outcome.selections.last?.resolution else { return }
        #expect(failure.rule == RolloutRule.selectionMatchedNothing.rawValue)
    }

    @Test("a selection still unlisted at the deadline is reported as unresolved, with what it waited for")
    func selectionUnresolvedAtTheDeadline() throws {
        var harness = MachineHarness(
            [.selection(selection)],
            policy: GatePolicy(timeout: .seconds(5), watchScope: .namespace)
        )
        harness.send(.wake(Fixtures.baseTime.addingTimeInterval(5)))
        let outcome = try #require(harness.outcome)
        #expect(
            outcome.selections == [
                SelectionOutcome(
                    selection: selection,
                    resolution: .unresolved(
                        waitingFor: "Waiting for the initial list of deployments matching tier=front in namespace prod"
                    )
                )
            ]
        )
    }

    @Test("a workload that starts matching later counts for its selection")
    func joinerCountsForItsSelection() throws {
        var harness = MachineHarness([.selection(selection)])
        let id = try harness.watch(.workloads(.deployment), namespace: "prod", labels: "tier=front")
        harness.send(.changed(id, .deployment(.upserted(try Fixtures.deployment("web")))))
        harness.sync(id, .workloads(.deployment))
        try harness.syncDependents(in: "prod")
        harness.send(.changed(id, .deployment(.upserted(try Fixtures.deployment("late")))))
        for name in ["web", "late"] {
            harness.send(
                .changed(
                    id,
                    .deployment(.upserted(try Fixtures.deployment(name, annotations: ["test/verdict": "succeeded"])))
                )
            )
        }
        let outcome = try #require(harness.outcome)
        #expect(outcome.succeeded)
        let late = WorkloadReference(kind: .deployment, namespace: "prod", name: "late")
        #expect(outcome.selections == [SelectionOutcome(selection: selection, resolution: .matched([late, web]))])
    }

    @Test("a selection over several namespaces resolves only when every namespace is listed")
    func multiNamespaceSelectionWaitsForAll() throws {
        let wide = WorkloadSelection(scope: .namespaces(["a", "b"]), labelSelector: "tier=front")
        var harness = MachineHarness([.selection(wide)])
        let first = try harness.watch(.workloads(.deployment), namespace: "a", labels: "tier=front")
        let second = try harness.watch(.workloads(.deployment), namespace: "b", labels: "tier=front")
        harness.sync(first, .workloads(.deployment))
        #expect(harness.outcome == nil)
        harness.send(.changed(second, .deployment(.upserted(try Fixtures.deployment("web", namespace: "b")))))
        harness.sync(second, .workloads(.deployment))
        #expect(harness.outcome == nil)
        #expect(harness.hasWatch(.pods, namespace: "b"))
        #expect(!harness.hasWatch(.pods, namespace: "a"), "no workload of namespace a is a target")
    }

    @Test("fail-fast: the first failure cancels the others, stops watching, then asks for the log")
    func failFastCancelsOthers() throws {
        var harness = MachineHarness([.selection(selection)])
        let id = try harness.watch(.workloads(.deployment), namespace: "prod", labels: "tier=front")
        harness.send(.changed(id, .deployment(.upserted(try Fixtures.deployment("api")))))
        harness.send(.changed(id, .deployment(.upserted(try Fixtures.deployment("web")))))
        harness.sync(id, .workloads(.deployment))
        try harness.syncDependents(in: "prod")
        #expect(harness.outcome == nil)
        let failing = try Fixtures.deployment(
            "web",
            annotations: ["test/verdict": "failed:process-crashing", "test/log": "web-5d8f7c9b6-x2x4k/app/previous"]
        )
        let actions = harness.send(.changed(id, .deployment(.upserted(failing))))
        let stop = try #require(actions.firstIndex(of: .stopWatching))
        let fetch = try #require(actions.firstIndex { if case .fetchDetails = $0 { true } else { false } })
        #expect(stop < fetch, "streams close before the log is fetched, so the log cannot delay fail-fast")
        #expect(harness.outcome == nil, "the verdict waits for the log")
        let request = LogRequest(
            namespace: "prod",
            pod: "web-5d8f7c9b6-x2x4k",
            container: "app",
            previous: true,
            tailLines: 50,
            limitBytes: 65_536
        )
        let subject = EventSubject(kind: "Deployment", name: "web", uid: "uid-deploy-prod-web")
        #expect(
            actions[fetch] == .fetchDetails(web, DetailsRequest(log: request, namespace: "prod", objects: [subject]))
        )
        let tail = LogTail(request: request, text: "panic: boom\n", truncated: false)
        harness.send(.detailsFetched(web, FetchedDetails(log: .captured(tail), events: [])))
        let outcome = try #require(harness.outcome)
        guard case .failedFast = outcome.ending else {
            Issue.record("ending \(outcome.ending.name), expected failed-fast")
            return
        }
        #expect(harness.result("api")?.verdict == .cancelled)
        #expect(harness.result("api")?.progress?.message.contains("rollout to finish") == true)
        let failure = try #require(harness.result("web")?.failure)
        #expect(failure.code == .processCrashing)
        #expect(failure.details.log == .captured(LogTail(request: request, text: "panic: boom\n", truncated: false)))
        #expect(outcome.decisiveFailure?.subject == .workload(web))
    }

    @Test("no-fail-fast: every failure is reported, the first one is decisive")
    func noFailFastReportsAll() throws {
        var harness = MachineHarness(
            [.selection(selection)],
            policy: GatePolicy(failFast: false, watchScope: .namespace)
        )
        let id = try harness.watch(.workloads(.deployment), namespace: "prod", labels: "tier=front")
        for name in ["api", "web", "worker"] {
            harness.send(.changed(id, .deployment(.upserted(try Fixtures.deployment(name)))))
        }
        harness.sync(id, .workloads(.deployment))
        try harness.syncDependents(in: "prod")
        harness.send(
            .changed(
                id,
                .deployment(
                    .upserted(try Fixtures.deployment("worker", annotations: ["test/verdict": "failed:invalid-config"]))
                )
            )
        )
        #expect(harness.outcome == nil)
        #expect(!harness.actions.contains(.stopWatching))
        harness.send(
            .changed(
                id,
                .deployment(
                    .upserted(try Fixtures.deployment("api", annotations: ["test/verdict": "failed:scheduling"]))
                )
            )
        )
        #expect(harness.outcome == nil)
        harness.send(
            .changed(
                id,
                .deployment(.upserted(try Fixtures.deployment("web", annotations: ["test/verdict": "succeeded"])))
            )
        )
        #expect(harness.outcome == nil, "every verdict is known; the failures' details are still being fetched")
        for name in ["worker", "api"] {
            let reference = WorkloadReference(kind: .deployment, namespace: "prod", name: name)
            harness.send(.detailsFetched(reference, FetchedDetails(log: .notApplicable, events: [])))
        }
        let outcome = try #require(harness.outcome)
        guard case .completed = outcome.ending else {
            Issue.record("ending \(outcome.ending.name), expected completed")
            return
        }
        #expect(outcome.results.map(\.verdict.name) == ["failed", "succeeded", "failed"])
        #expect(outcome.decisiveFailure?.failure?.code == .invalidConfig)
        #expect(harness.result("api")?.failure?.code == .scheduling)
    }

    @Test("the deadline turns waiting targets into progressing results with what they wait for")
    func deadlinePassed() throws {
        var harness = MachineHarness([.named(web)], policy: GatePolicy(timeout: .seconds(300), watchScope: .namespace))
        let deadline = Fixtures.baseTime.addingTimeInterval(300)
        #expect(harness.actions.contains(.wake(at: deadline)))
        let id = try harness.watch(.workloads(.deployment), namespace: "prod")
        harness.send(.changed(id, .deployment(.upserted(try Fixtures.deployment("web")))))
        harness.sync(id, .workloads(.deployment))
        try harness.syncDependents(in: "prod")
        harness.now = deadline
        harness.send(.wake(deadline))
        let outcome = try #require(harness.outcome)
        guard case .deadlinePassed = outcome.ending else {
            Issue.record("ending \(outcome.ending.name), expected deadline-passed")
            return
        }
        let result = try #require(harness.result("web"))
        #expect(result.verdict == .progressing)
        #expect(result.progress?.message == "Waiting for deployment \"web\" rollout to finish: 0 pods seen")
        #expect(outcome.unfinished.count == 1)
        #expect(outcome.decisiveFailure == nil)
    }

    @Test("a target still unlisted at the deadline is reported as waiting for its initial list")
    func deadlineBeforeSync() throws {
        var harness = MachineHarness(
            [.named(web), .selection(selection)],
            policy: GatePolicy(timeout: .seconds(5), watchScope: .namespace)
        )
        let deadline = Fixtures.baseTime.addingTimeInterval(5)
        harness.send(.wake(deadline))
        let outcome = try #require(harness.outcome)
        #expect(outcome.results.map(\.subject) == [.workload(web), .selection(selection)])
        #expect(outcome.results.allSatisfy { $0.verdict == .progressing })
        #expect(outcome.results.first?.progress?.message == "Waiting for the initial list of deployment prod/web")
    }

    @Test("a workload that appears while the gate waits joins the targets, and the gate waits for it")
    func reResolutionAddsAppearingWorkload() throws {
        var harness = MachineHarness([.selection(selection)])
        let id = try harness.watch(.workloads(.deployment), namespace: "prod", labels: "tier=front")
        harness.send(.changed(id, .deployment(.upserted(try Fixtures.deployment("api")))))
        harness.sync(id, .workloads(.deployment))
        try harness.syncDependents(in: "prod")
        harness.send(.changed(id, .deployment(.upserted(try Fixtures.deployment("web")))))
        harness.send(
            .changed(
                id,
                .deployment(.upserted(try Fixtures.deployment("api", annotations: ["test/verdict": "succeeded"])))
            )
        )
        #expect(harness.outcome == nil, "web appeared after the initial list and is still rolling out")
        #expect(harness.progressEvents.contains { $0.subject == .workload(web) })
        harness.send(
            .changed(
                id,
                .deployment(.upserted(try Fixtures.deployment("web", annotations: ["test/verdict": "succeeded"])))
            )
        )
        let outcome = try #require(harness.outcome)
        #expect(outcome.succeeded)
        #expect(outcome.results.count == 2)
    }

    @Test("a target deleted while waited on fails as not-found")
    func deletedTargetIsNotFound() throws {
        var harness = MachineHarness([.named(web)])
        let id = try harness.watch(.workloads(.deployment), namespace: "prod")
        let deployment = try Fixtures.deployment("web")
        harness.send(.changed(id, .deployment(.upserted(deployment))))
        harness.sync(id, .workloads(.deployment))
        try harness.syncDependents(in: "prod")
        #expect(harness.outcome == nil)
        harness.send(.changed(id, .deployment(.deleted(deployment))))
        let failure = try #require(harness.result("web")?.failure)
        #expect(failure.code == .notFound)
        #expect(failure.rule == RolloutRule.workloadDeleting.rawValue)
    }

    @Test("a workload seen by two watches stays while one of them still holds it")
    func overlappingWatchesKeepObject() throws {
        var harness = MachineHarness(
            [.named(web), .selection(selection)],
            policy: GatePolicy(failFast: false, watchScope: .namespace)
        )
        let named = try harness.watch(.workloads(.deployment), namespace: "prod")
        let selected = try harness.watch(.workloads(.deployment), namespace: "prod", labels: "tier=front")
        let deployment = try Fixtures.deployment("web")
        harness.send(.changed(named, .deployment(.upserted(deployment))))
        harness.send(.changed(selected, .deployment(.upserted(deployment))))
        harness.sync(named, .workloads(.deployment))
        harness.sync(selected, .workloads(.deployment))
        try harness.syncDependents(in: "prod")
        harness.send(.changed(selected, .deployment(.deleted(deployment))))
        #expect(harness.outcome == nil, "the label change took web out of the selection, but it still exists")
        harness.send(
            .changed(
                named,
                .deployment(.upserted(try Fixtures.deployment("web", annotations: ["test/verdict": "succeeded"])))
            )
        )
        #expect(harness.outcome?.succeeded == true)
        #expect(harness.outcome?.results.count == 1)
    }

    @Test("an interruption stops the gate with every waiting target reported as progressing")
    func interruption() throws {
        var harness = MachineHarness([.named(web)])
        let id = try harness.watch(.workloads(.deployment), namespace: "prod")
        harness.send(.changed(id, .deployment(.upserted(try Fixtures.deployment("web")))))
        harness.sync(id, .workloads(.deployment))
        try harness.syncDependents(in: "prod")
        let actions = harness.send(.interrupted(.terminationSignal))
        #expect(actions.contains(.stopWatching))
        let outcome = try #require(harness.outcome)
        guard case .interrupted(.terminationSignal) = outcome.ending else {
            Issue.record("ending \(outcome.ending.name), expected interrupted")
            return
        }
        #expect(harness.result("web")?.verdict == .progressing)
    }

    @Test("a watch that fails for good ends the gate as a source failure naming the watch")
    func watchFailure() throws {
        var harness = MachineHarness([.named(web)])
        let id = try harness.watch(.workloads(.deployment), namespace: "prod")
        harness.send(.watchFailed(id, FakeClusterError(message: "deployments.apps is forbidden")))
        let outcome = try #require(harness.outcome)
        guard case .sourceFailed(let error) = outcome.ending else {
            Issue.record("ending \(outcome.ending.name), expected source-failed")
            return
        }
        #expect(error.description == "cannot watch deployments in namespace prod: deployments.apps is forbidden")
        #expect(outcome.results.first?.verdict == .progressing)
    }

    @Test("a time-based rule gets a wake-up at the instant it may change, and is judged again then")
    func timeBasedWakeUp() throws {
        var harness = MachineHarness([.named(web)], policy: GatePolicy(timeout: .seconds(600), watchScope: .namespace))
        let id = try harness.watch(.workloads(.deployment), namespace: "prod")
        let deployment = try Fixtures.deployment(
            "web",
            annotations: ["test/verdict": "succeeded-after", "test/reevaluate-after": "180"]
        )
        harness.send(.changed(id, .deployment(.upserted(deployment))))
        harness.sync(id, .workloads(.deployment))
        try harness.syncDependents(in: "prod")
        let due = Fixtures.baseTime.addingTimeInterval(180)
        #expect(harness.actions.contains(.wake(at: due)))
        harness.now = due
        harness.send(.wake(due))
        #expect(harness.outcome?.succeeded == true)
    }

    @Test("a log that fails to arrive is noted and never replaces the verdict")
    func failedLogKeepsVerdict() throws {
        var harness = MachineHarness([.named(web)])
        let id = try harness.watch(.workloads(.deployment), namespace: "prod")
        harness.send(.changed(id, .deployment(.upserted(try Fixtures.deployment("web")))))
        harness.sync(id, .workloads(.deployment))
        try harness.syncDependents(in: "prod")
        let failing = try Fixtures.deployment(
            "web",
            annotations: ["test/verdict": "failed:process-crashing", "test/log": "p/app"]
        )
        let actions = harness.send(.changed(id, .deployment(.upserted(failing))))
        let details = try #require(
            actions.compactMap { if case .fetchDetails(_, let request) = $0 { request } else { nil } }.first
        )
        let request = try #require(details.log)
        #expect(request.previous == false)
        let refused = LogCapture.failed(request: request, reason: "pods \"p\" is forbidden")
        harness.send(.detailsFetched(web, FetchedDetails(log: refused, events: nil)))
        let failure = try #require(harness.result("web")?.failure)
        #expect(failure.code == .processCrashing)
        #expect(failure.details.log == .failed(request: request, reason: "pods \"p\" is forbidden"))
    }

    @Test("a failure collects recent Warning events of the workload and the failing pod")
    func failureCollectsEvents() throws {
        var harness = MachineHarness([.named(web)])
        let id = try harness.watch(.workloads(.deployment), namespace: "prod")
        let deployment = try Fixtures.deployment("web")
        let replicaSet = try Fixtures.replicaSet(of: deployment)
        let pod = try Fixtures.crashLoopingPod("x2x4k", of: replicaSet)
        harness.send(.changed(id, .deployment(.upserted(deployment))))
        harness.sync(id, .workloads(.deployment))
        let pods = try harness.watch(.pods, namespace: "prod")
        let replicaSets = try harness.watch(.replicaSets, namespace: "prod")
        let events = try harness.watch(.warningEvents, namespace: "prod")
        harness.send(.changed(replicaSets, .replicaSet(.upserted(replicaSet))))
        harness.send(.changed(pods, .pod(.upserted(pod))))
        let podUID = try #require(pod.metadata.uid)
        let backOff = try Fixtures.warning(
            "BackOff",
            "Back-off restarting failed container app in pod \(pod.metadata.name)",
            about: "Pod",
            name: pod.metadata.name,
            uid: podUID,
            count: 4
        )
        let unrelated = try Fixtures.warning("BackOff", "elsewhere", about: "Pod", name: "other", uid: "uid-other")
        harness.send(.changed(events, .event(.upserted(backOff))))
        harness.send(.changed(events, .event(.upserted(unrelated))))
        try harness.syncDependents(in: "prod")
        let failing = try Fixtures.deployment(
            "web",
            annotations: ["test/verdict": "failed:process-crashing", "test/log": "\(pod.metadata.name)/app/previous"]
        )
        harness.send(.changed(id, .deployment(.upserted(failing))))
        let failure = try #require(harness.machineFailure(web))
        #expect(failure.details.events.map(\.reason) == ["BackOff"])
        #expect(failure.details.events.first?.object == "Pod \(pod.metadata.name)")
        #expect(failure.details.events.first?.count == 4)

        // The list made at failure time brings an event the watch had not delivered yet; the one both
        // saw is kept once.
        let replicaSetUID = try #require(replicaSet.metadata.uid)
        let refused = try Fixtures.warning(
            "FailedCreate",
            "Error creating: pods \"web-5d8f7c9b6-z\" is forbidden: exceeded quota: compute",
            about: "ReplicaSet",
            name: replicaSet.metadata.name,
            uid: replicaSetUID,
            at: 5
        )
        harness.send(.detailsFetched(web, FetchedDetails(log: .notApplicable, events: [backOff, refused, unrelated])))
        let final = try #require(harness.result("web")?.failure)
        #expect(final.details.events.map(\.reason) == ["FailedCreate", "BackOff"])
        #expect(
            final.details.events.map(\.object) == [
                "ReplicaSet \(replicaSet.metadata.name)", "Pod \(pod.metadata.name)",
            ]
        )
    }
}

extension MachineHarness {
    /// The failure recorded for a target, whether or not the gate has finished (it may wait for a log).
    func machineFailure(_ reference: WorkloadReference) -> TargetFailure? {
        for case .progress(let event) in actions.reversed() where event.subject == .workload(reference) {
            if case .failed(let failure)? = event.verdict { return failure }
        }
        return nil
    }
}

@Suite("Dependent watch scopes")
struct DependentWatchScopeTests {
    @Test("a workload's pod selector narrows its ReplicaSet and pod watches only in the workload scope")
    func podSelector() throws {
        let deployment = try Fixtures.deployment("web")
        #expect(Workload.deployment(deployment).podSelector == "app=web")
        let reference = WorkloadReference(kind: .deployment, namespace: "prod", name: "web")
        let narrowed = WatchSpec.dependents(of: reference, selector: "app=web", scope: .workload)
        #expect(narrowed.map(\.query.labelSelector) == ["app=web", "app=web", nil])
        #expect(narrowed.map(\.query.namespace) == ["prod", "prod", "prod"])
        let shared = WatchSpec.dependents(of: reference, selector: "app=web", scope: .namespace)
        #expect(shared.map(\.query.labelSelector) == [nil, nil, nil])
        let cluster = WatchSpec.dependents(of: reference, selector: "app=web", scope: .cluster)
        #expect(cluster.map(\.query.namespace) == [nil, nil, nil])
    }
}

@Suite("Adaptive watch scope")
struct AdaptiveWatchScopeTests {
    @Test("a namespace with one target gets watches narrowed to it; one with several shares namespace-wide ones")
    func adaptive() throws {
        let selection = WorkloadSelection(scope: .namespaces(["solo", "busy"]), labelSelector: "tier=front")
        var harness = MachineHarness([.selection(selection)], policy: GatePolicy())
        let solo = try harness.watch(.workloads(.deployment), namespace: "solo", labels: "tier=front")
        let busy = try harness.watch(.workloads(.deployment), namespace: "busy", labels: "tier=front")
        harness.send(.changed(solo, .deployment(.upserted(try Fixtures.deployment("web", namespace: "solo")))))
        for name in ["api", "cart"] {
            harness.send(.changed(busy, .deployment(.upserted(try Fixtures.deployment(name, namespace: "busy")))))
        }
        harness.sync(solo, .workloads(.deployment))
        harness.sync(busy, .workloads(.deployment))
        let opened = Array(harness.openedWatches.values)
        let soloPods = opened.filter { $0.resource == .pods && $0.query.namespace == "solo" }
        #expect(soloPods.map(\.query.labelSelector) == ["app=web"])
        let busyPods = opened.filter { $0.resource == .pods && $0.query.namespace == "busy" }
        #expect(busyPods.map(\.query.labelSelector) == [nil])
        #expect(opened.count == 2 + 3 + 3, "two workload watches, then three per namespace either way")
        // A workload that joins the solo namespace later gets narrowed watches of its own.
        harness.send(.changed(solo, .deployment(.upserted(try Fixtures.deployment("late", namespace: "solo")))))
        let late = harness.openedWatches.values.filter { $0.resource == .pods && $0.query.labelSelector == "app=late" }
        #expect(late.count == 1)
    }
}
