import Foundation
import KubeModel
import RolloutRules

/// The gate's logic as a pure state machine: watch changes, wake-ups, fetched details and interruptions
/// go in; watches to open, details to fetch, wake-ups to schedule and progress to show come out.
///
/// No I/O, no clock, no tasks: the async shell (`RolloutCoordinator`) runs the actions and feeds back the
/// results, so every decision (resolution, fail-fast, the deadline, re-resolution, deletions) is tested
/// by tables of inputs. It is fed from one task, in order.
struct GateStateMachine: Sendable {
    /// Something that happened.
    enum Input: Sendable {
        /// A watch delivered a change.
        case changed(WatchID, ClusterChange)
        /// A watch failed for good.
        case watchFailed(WatchID, any Error)
        /// A wake-up the machine asked for arrived.
        case wake(Date)
        /// A failure's details (its log and a fresh list of Warning events) arrived, or failed to.
        case detailsFetched(WorkloadReference, FetchedDetails)
        /// A signal or the caller stops the gate.
        case interrupted(GateInterruption)
    }

    /// Something the shell must do.
    enum Action: Sendable, Equatable {
        /// Start a LIST+WATCH and feed its changes back as `changed(id, …)`.
        case openWatch(WatchID, WatchSpec)
        /// Feed back `wake(instant)` once `instant` has passed.
        case wake(at: Date)
        /// Fetch a failure's details and feed back `detailsFetched`. After `stopWatching`, fetch in place,
        /// bounded in time.
        case fetchDetails(WorkloadReference, DetailsRequest)
        /// Show a target's changed state.
        case progress(ProgressEvent)
        /// Cancel every watch and pending wake-up: the verdict is known.
        case stopWatching
    }

    /// Where the gate is.
    enum Phase: Sendable {
        /// Watching and judging.
        case watching
        /// Every verdict is known; waiting for failure details before finishing with the ending.
        case collectingDetails(GateEnding)
        /// Done.
        case finished(GateOutcome)
    }

    private struct WatchState: Sendable {
        var spec: WatchSpec
        var synced = false
        /// For workload watches: the workloads it currently delivers.
        var members: Set<WorkloadReference> = []
    }

    private struct Query: Sendable {
        enum Resolution: Sendable {
            case waitingForSync
            case resolved
        }

        var target: GateTarget
        var watches: [WatchID]
        var resolution = Resolution.waitingForSync
        /// For a selection: every workload it matched, at resolution and since.
        var matched: Set<WorkloadReference> = []
    }

    private struct Tracked: Sendable {
        enum State: Sendable {
            case waiting
            case decided(TargetVerdict, at: Date)
        }

        var uid: String?
        var state = State.waiting
        var progress: TargetProgress?
        var reevaluateAt: Date?
        var lastShown: ProgressEvent?

        var isWaiting: Bool {
            if case .waiting = state { return true }
            return false
        }
    }

    let policy: GatePolicy
    let evaluator: any WorkloadEvaluator
    let startedAt: Date
    let deadline: Date?

    private(set) var phase = Phase.watching
    private(set) var store = ClusterStore()
    private var watches: [WatchID: WatchState] = [:]
    private var watchIDs: [WatchSpec: WatchID] = [:]
    private var queries: [Query] = []
    private var tracked: [WorkloadReference: Tracked] = [:]
    private var emptySelections: [WorkloadSelection: TargetResult] = [:]
    /// The ReplicaSet, pod and event watches each tracked workload is judged from.
    private var dependentWatches: [WorkloadReference: [WatchID]] = [:]
    /// The tracked workloads each of those watches feeds.
    private var dependents: [WatchID: Set<WorkloadReference>] = [:]
    /// How each namespace's ReplicaSets and pods are watched, decided when its first target is tracked.
    private var namespaceScopes: [String: DependentWatchScope] = [:]
    private var failures = 0
    private var scheduledWakes: Set<Date> = []
    private var pendingDetails: [WorkloadReference: DetailsRequest] = [:]
    private var unrequestedDetails: [WorkloadReference] = []
    private var actions: [Action] = []
    private var stopped = false
    /// Workloads whose observation changed in the inputs being handled, judged once at the end.
    private var dirty: Set<WorkloadReference> = []

    init(targets: [GateTarget], policy: GatePolicy, evaluator: any WorkloadEvaluator, startedAt: Date) {
        self.policy = policy
        self.evaluator = evaluator
        self.startedAt = startedAt
        self.deadline = policy.timeout.map { startedAt.addingTimeInterval($0.seconds) }
        var seen: Set<GateTarget> = []
        for target in targets where seen.insert(target).inserted {
            queries.append(Query(target: target, watches: []))
        }
    }

    /// The outcome, once finished.
    var outcome: GateOutcome? {
        if case .finished(let outcome) = phase { return outcome }
        return nil
    }

    /// Opens the workload watches every target needs and schedules the deadline.
    mutating func start() -> [Action] {
        for index in queries.indices {
            queries[index].watches = Self.workloadWatches(for: queries[index].target).map { openWatch($0) }
        }
        if queries.isEmpty { finish(.completed, now: startedAt) }
        scheduleWake()
        return takeActions()
    }

    /// Handles one input at `now` (the clock's reading when the input is handled).
    mutating func handle(_ input: Input, now: Date) -> [Action] {
        handle([input], now: now)
    }

    /// Handles inputs that arrived together, then judges each workload they touched once, in its final
    /// state: a burst of pod updates costs one evaluation per workload, not one per update.
    mutating func handle(_ inputs: [Input], now: Date) -> [Action] {
        var now = now
        for input in inputs {
            if case .wake(let instant) = input { now = max(now, instant) }
            handle(one: input, now: now)
        }
        if case .watching = phase {
            for reference in dirty.sorted() { evaluate(reference, now: now) }
        }
        dirty.removeAll()
        if case .watching = phase { completeIfDecided(now: now) }
        if case .finished = phase {} else { scheduleWake() }
        return takeActions()
    }

    private mutating func handle(one input: Input, now: Date) {
        switch (phase, input) {
        case (.finished, _):
            break
        case (.watching, .changed(let id, let change)):
            apply(change, from: id, now: now)
        case (.watching, .wake(let instant)):
            scheduledWakes.remove(instant)
            if let deadline, now >= deadline {
                conclude(.deadlinePassed, now: now)
            } else {
                for reference in tracked.keys.sorted() {
                    guard let due = tracked[reference]?.reevaluateAt, due <= now else { continue }
                    dirty.insert(reference)
                }
            }
        case (.watching, .watchFailed(let id, let error)):
            let watch = watches[id]?.spec.description ?? id.description
            conclude(.sourceFailed(GateSourceError(watch: watch, underlying: error)), now: now)
        case (_, .interrupted(let reason)):
            conclude(.interrupted(reason), now: now)
        case (_, .detailsFetched(let reference, let details)):
            record(details, for: reference)
            if case .collectingDetails(let ending) = phase, pendingDetails.isEmpty { finish(ending, now: now) }
        case (.collectingDetails(let ending), .wake(let instant)):
            scheduledWakes.remove(instant)
            if let deadline, max(now, instant) >= deadline {
                abandonDetails(because: "the gate's deadline passed before the log arrived")
                finish(ending, now: now)
            }
        case (.collectingDetails, .changed), (.collectingDetails, .watchFailed):
            break
        }
    }

    // MARK: - Watches and resolution

    private static func workloadWatches(for target: GateTarget) -> [WatchSpec] {
        switch target {
        case .named(let reference):
            return [WatchSpec(resource: .workloads(reference.kind), query: WatchQuery(namespace: reference.namespace))]
        case .selection(let selection):
            let namespaces: [String?] =
                switch selection.scope {
                case .namespaces(let names): names
                case .allNamespaces: [nil]
                }
            return selection.kinds.flatMap { kind in
                namespaces.map { namespace in
                    WatchSpec(
                        resource: .workloads(kind),
                        query: WatchQuery(namespace: namespace, labelSelector: selection.labelSelector)
                    )
                }
            }
        }
    }

    private mutating func openWatch(_ spec: WatchSpec) -> WatchID {
        if let id = watchIDs[spec] { return id }
        let id = WatchID(rawValue: watchIDs.count + 1)
        watchIDs[spec] = id
        watches[id] = WatchState(spec: spec)
        actions.append(.openWatch(id, spec))
        return id
    }

    private mutating func apply(_ change: ClusterChange, from id: WatchID, now: Date) {
        guard var watch = watches[id] else { return }
        if change.isSynced {
            guard !watch.synced else { return }
            watch.synced = true
            watches[id] = watch
            resolveQueries(now: now)
            for reference in dependents[id] ?? [] where isReady(reference) { dirty.insert(reference) }
            return
        }
        let update = store.apply(change, from: id)
        var joined: [WorkloadReference] = []
        if let (reference, present) = Self.membership(change) {
            if present {
                if watch.members.insert(reference).inserted { joined.append(reference) }
            } else {
                watch.members.remove(reference)
            }
        }
        watches[id] = watch
        for reference in joined {
            for index in queries.indices where queries[index].watches.contains(id) {
                guard case .resolved = queries[index].resolution, case .selection = queries[index].target else {
                    continue
                }
                queries[index].matched.insert(reference)
            }
        }
        for reference in update.vanished.sorted() where tracked[reference]?.isWaiting == true {
            fail(
                reference,
                with: notFound(
                    rule: RolloutRule.workloadDeleting.rawValue,
                    reason: "Deleted",
                    message: "\(reference) was deleted, or no longer matches its selector, while the gate waited for it"
                ),
                now: now
            )
        }
        for reference in joined where tracked[reference] == nil {
            let resolvedSelection = queries.contains { query in
                guard case .resolved = query.resolution, case .selection = query.target else { return false }
                return query.watches.contains(id)
            }
            if resolvedSelection { track(reference, now: now) }
        }
        dirty.formUnion(update.touched)
    }

    private mutating func resolveQueries(now: Date) {
        var found: [WorkloadReference] = []
        for index in queries.indices {
            guard case .watching = phase else { return }
            guard case .waitingForSync = queries[index].resolution,
                queries[index].watches.allSatisfy({ watches[$0]?.synced == true })
            else { continue }
            queries[index].resolution = .resolved
            let members = queries[index].watches.reduce(into: Set<WorkloadReference>()) { members, id in
                members.formUnion(watches[id]?.members ?? [])
            }
            switch queries[index].target {
            case .named(let reference):
                guard tracked[reference] == nil else { continue }
                if members.contains(reference) {
                    found.append(reference)
                } else {
                    tracked[reference] = Tracked()
                    let resource = "\(reference.kind.rawValue)s"
                    fail(
                        reference,
                        with: notFound(
                            rule: RolloutRule.workloadNotFound.rawValue,
                            reason: "NotFound",
                            message:
                                "\(resource) \"\(reference.name)\" not found in namespace \"\(reference.namespace)\""
                        ),
                        now: now
                    )
                }
            case .selection(let selection):
                queries[index].matched = members
                if members.isEmpty {
                    failEmpty(selection, now: now)
                } else {
                    found += members.sorted()
                }
            }
        }
        let newlyFound = Set(found).filter { tracked[$0] == nil }.sorted()
        chooseWatchScopes(for: newlyFound)
        for reference in newlyFound { track(reference, now: now) }
    }

    /// Decides, for each namespace seen for the first time, how its ReplicaSets and pods are watched.
    ///
    /// With the adaptive scope a namespace that holds one target gets watches narrowed to that workload's
    /// pod selector (the same four watches as namespace-wide ones, but none of the namespace's other pods
    /// cross the wire), and a namespace with several targets shares namespace-wide watches (a fixed three,
    /// however many targets). `docs/architecture.md` has the measurements.
    private mutating func chooseWatchScopes(for references: [WorkloadReference]) {
        let counts = Dictionary(grouping: references, by: \.namespace).mapValues(\.count)
        for (namespace, count) in counts where namespaceScopes[namespace] == nil {
            switch policy.watchScope {
            case .adaptive: namespaceScopes[namespace] = count == 1 ? .workload : .namespace
            case let scope: namespaceScopes[namespace] = scope
            }
        }
    }

    private mutating func track(_ reference: WorkloadReference, now: Date) {
        guard case .watching = phase else { return }
        let workload = store.workload(reference)
        tracked[reference] = Tracked(uid: workload?.metadata.uid)
        chooseWatchScopes(for: [reference])
        let scope = namespaceScopes[reference.namespace] ?? .namespace
        let specs = WatchSpec.dependents(of: reference, selector: workload?.podSelector, scope: scope)
        let ids = specs.map { openWatch($0) }
        dependentWatches[reference] = ids
        for id in ids { dependents[id, default: []].insert(reference) }
        if isReady(reference) {
            dirty.insert(reference)
        } else {
            tracked[reference]?.progress = TargetProgress(
                message: "Waiting for the initial list of ReplicaSets, pods and Warning events in "
                    + (specs.first?.query.namespace.map { "namespace \($0)" } ?? "all namespaces")
            )
            show(reference)
        }
    }

    /// Whether every watch the workload is judged from has delivered its initial list.
    private func isReady(_ reference: WorkloadReference) -> Bool {
        guard let ids = dependentWatches[reference] else { return false }
        return ids.allSatisfy { watches[$0]?.synced == true }
    }

    // MARK: - Evaluation

    private mutating func evaluate(_ reference: WorkloadReference, now: Date) {
        guard case .watching = phase, tracked[reference]?.isWaiting == true, isReady(reference),
            let observation = store.observation(of: reference)
        else { return }
        let (verdict, reevaluateAt) = evaluator.evaluate(observation, now: now)
        tracked[reference]?.uid = observation.workload.metadata.uid
        tracked[reference]?.progress = TargetProgress(verdict)
        tracked[reference]?.reevaluateAt = reevaluateAt.flatMap { $0 > now ? $0 : nil }
        switch verdict {
        case .progressing:
            show(reference)
        case .succeeded:
            tracked[reference]?.state = .decided(.succeeded, at: now)
            tracked[reference]?.reevaluateAt = nil
            show(reference)
        case .failed(let failure):
            let subjects = eventSubjects(of: failure, in: observation)
            let log = failure.logSource.map { source in
                LogRequest(
                    namespace: reference.namespace,
                    pod: source.pod,
                    container: source.container,
                    previous: source.previous,
                    tailLines: policy.logTailLines,
                    limitBytes: policy.logLimitBytes
                )
            }
            fail(
                reference,
                with: TargetFailure(
                    failure,
                    details: FailureDetails(log: .notApplicable, events: warningEvents(about: subjects))
                ),
                details: DetailsRequest(log: log, namespace: reference.namespace, objects: subjects),
                now: now
            )
        }
    }

    private func notFound(rule: String, reason: String?, message: String) -> TargetFailure {
        TargetFailure(code: .notFound, reason: reason, message: message, rule: rule)
    }

    private mutating func fail(
        _ reference: WorkloadReference,
        with failure: TargetFailure,
        details: DetailsRequest? = nil,
        now: Date
    ) {
        failures += 1
        var failure = failure
        failure.sequence = failures
        tracked[reference]?.state = .decided(.failed(failure), at: now)
        tracked[reference]?.reevaluateAt = nil
        if tracked[reference]?.progress == nil {
            tracked[reference]?.progress = TargetProgress(message: failure.message)
        }
        if let details {
            pendingDetails[reference] = details
            unrequestedDetails.append(reference)
        }
        show(reference)
        if policy.failFast { conclude(.failedFast, now: now) }
    }

    private mutating func failEmpty(_ selection: WorkloadSelection, now: Date) {
        failures += 1
        let failure = TargetFailure(
            code: .notFound,
            reason: nil,
            message: "found no \(selection)",
            rule: RolloutRule.selectionMatchedNothing.rawValue,
            sequence: failures
        )
        let progress = TargetProgress(message: failure.message)
        emptySelections[selection] = TargetResult(
            subject: .selection(selection),
            uid: nil,
            verdict: .failed(failure),
            progress: progress,
            decidedAt: now
        )
        actions.append(
            .progress(ProgressEvent(subject: .selection(selection), progress: progress, verdict: .failed(failure)))
        )
        if policy.failFast { conclude(.failedFast, now: now) }
    }

    /// The objects whose Warning events explain a failure: the workload, its ReplicaSet of the failing
    /// revision, and the failing pod.
    private func eventSubjects(of failure: RolloutFailure, in observation: RolloutObservation) -> [EventSubject] {
        var subjects: [EventSubject] = []
        let workload = observation.workload.metadata
        if let uid = workload.uid {
            subjects.append(EventSubject(kind: observation.workload.kind.kind, name: workload.name, uid: uid))
        }
        if let revision = failure.revision ?? workload.annotations?[Deployment.revisionAnnotation] {
            for replicaSet in observation.replicaSets where replicaSet.revision == revision {
                if let uid = replicaSet.metadata.uid {
                    subjects.append(EventSubject(kind: "ReplicaSet", name: replicaSet.metadata.name, uid: uid))
                }
            }
        }
        if let podName = failure.pod, let pod = observation.pods.first(where: { $0.metadata.name == podName }),
            let uid = pod.metadata.uid
        {
            subjects.append(EventSubject(kind: "Pod", name: podName, uid: uid))
        }
        return subjects
    }

    /// The Warning events about `subjects`, from the watch and from a fresh list, once each, newest last,
    /// at most `eventsPerObject` per object.
    private func warningEvents(about subjects: [EventSubject], listed: [Event] = []) -> [WarningEvent] {
        subjects.flatMap { subject in
            var seen: Set<String> = []
            let events =
                (store.warningEvents(about: subject.uid) + listed.filter { $0.involvedObject.uid == subject.uid })
                .filter { $0.isWarning && seen.insert($0.metadata.uid ?? $0.metadata.name).inserted }
            return
                events
                .sorted { ($0.lastSeen?.date ?? .distantPast) < ($1.lastSeen?.date ?? .distantPast) }
                .suffix(policy.eventsPerObject)
                .map { event in
                    WarningEvent(
                        object: "\(subject.kind) \(subject.name)",
                        reason: event.reason ?? "",
                        message: event.message ?? "",
                        count: event.occurrences,
                        lastSeen: event.lastSeen?.date
                    )
                }
        }
    }

    // MARK: - Ending

    private mutating func completeIfDecided(now: Date) {
        guard queries.allSatisfy({ if case .resolved = $0.resolution { true } else { false } }),
            tracked.values.allSatisfy({ !$0.isWaiting })
        else { return }
        if pendingDetails.isEmpty {
            finish(.completed, now: now)
        } else {
            phase = .collectingDetails(.completed)
        }
    }

    /// Stops waiting: undecided targets become `cancelled` (fail-fast) or `progressing` (anything else).
    private mutating func conclude(_ ending: GateEnding, now: Date) {
        let verdict: TargetVerdict
        if case .failedFast = ending { verdict = .cancelled } else { verdict = .progressing }
        for reference in tracked.keys.sorted() where tracked[reference]?.isWaiting == true {
            tracked[reference]?.state = .decided(verdict, at: now)
            show(reference)
        }
        stopWatching()
        switch ending {
        case .failedFast, .completed:
            if pendingDetails.isEmpty {
                finish(ending, now: now)
            } else {
                phase = .collectingDetails(ending)
            }
        case .deadlinePassed, .interrupted, .sourceFailed:
            abandonDetails(because: "the gate stopped (\(ending.name)) before the log arrived")
            finish(ending, now: now)
        }
    }

    private mutating func abandonDetails(because reason: String) {
        for (reference, request) in pendingDetails.sorted(by: { $0.key < $1.key }) {
            let log = request.log.map { LogCapture.abandoned(request: $0, reason: reason) } ?? .notApplicable
            record(FetchedDetails(log: log, events: nil), for: reference)
        }
        unrequestedDetails.removeAll()
    }

    private mutating func record(_ fetched: FetchedDetails, for reference: WorkloadReference) {
        guard let request = pendingDetails.removeValue(forKey: reference),
            case .decided(.failed(var failure), let at)? = tracked[reference]?.state
        else { return }
        failure.details = FailureDetails(
            log: fetched.log,
            events: warningEvents(about: request.objects, listed: fetched.events ?? [])
        )
        tracked[reference]?.state = .decided(.failed(failure), at: at)
    }

    private mutating func finish(_ ending: GateEnding, now: Date) {
        if case .finished = phase { return }
        stopWatching()
        var results = tracked.sorted { $0.key < $1.key }.map { reference, target in
            let verdict: TargetVerdict
            let decidedAt: Date
            switch target.state {
            case .waiting:
                verdict = .progressing
                decidedAt = now
            case .decided(let decided, let at):
                verdict = decided
                decidedAt = at
            }
            return TargetResult(
                subject: .workload(reference),
                uid: target.uid,
                verdict: verdict,
                progress: target.progress,
                decidedAt: decidedAt
            )
        }
        results += emptySelections.values.sorted { $0.subject < $1.subject }
        for query in queries {
            guard case .waitingForSync = query.resolution else { continue }
            let subject: TargetSubject
            switch query.target {
            case .named(let reference):
                guard tracked[reference] == nil else { continue }
                subject = .workload(reference)
            case .selection(let selection):
                subject = .selection(selection)
            }
            let verdict: TargetVerdict
            if case .failedFast = ending { verdict = .cancelled } else { verdict = .progressing }
            results.append(
                TargetResult(
                    subject: subject,
                    uid: nil,
                    verdict: verdict,
                    progress: TargetProgress(message: "Waiting for the initial list of \(query.target)"),
                    decidedAt: now
                )
            )
        }
        results.sort { $0.subject < $1.subject }
        let opened = watches.sorted { $0.key < $1.key }.map { $0.value.spec.described }
        var outcome = GateOutcome(
            results: results,
            ending: ending,
            startedAt: startedAt,
            finishedAt: now,
            watches: opened
        )
        outcome.selections = queries.compactMap { query in
            guard case .selection(let selection) = query.target else { return nil }
            let resolution: SelectionOutcome.Resolution
            if case .waitingForSync = query.resolution {
                resolution = .unresolved(waitingFor: "Waiting for the initial list of \(selection)")
            } else if let failure = emptySelections[selection]?.failure {
                resolution = .matchedNothing(failure)
            } else {
                resolution = .matched(query.matched.sorted())
            }
            return SelectionOutcome(selection: selection, resolution: resolution)
        }
        phase = .finished(outcome)
    }

    // MARK: - Output

    private mutating func show(_ reference: WorkloadReference) {
        guard let target = tracked[reference], let progress = target.progress else { return }
        let verdict: TargetVerdict?
        if case .decided(let decided, _) = target.state { verdict = decided } else { verdict = nil }
        let event = ProgressEvent(subject: .workload(reference), progress: progress, verdict: verdict)
        guard event != target.lastShown else { return }
        tracked[reference]?.lastShown = event
        actions.append(.progress(event))
    }

    private mutating func stopWatching() {
        guard !stopped else { return }
        stopped = true
        scheduledWakes.removeAll()
        actions.append(.stopWatching)
        // Stopping cancels detail fetches in flight too: ask again, so the shell fetches them in place.
        unrequestedDetails = pendingDetails.keys.sorted()
    }

    private mutating func scheduleWake() {
        var next = deadline
        if case .watching = phase {
            for target in tracked.values where target.isWaiting {
                if let due = target.reevaluateAt, next.map({ due < $0 }) ?? true { next = due }
            }
        }
        guard !stopped, let next, scheduledWakes.min().map({ next < $0 }) ?? true else { return }
        scheduledWakes.insert(next)
        actions.append(.wake(at: next))
    }

    private mutating func takeActions() -> [Action] {
        for reference in unrequestedDetails {
            if let request = pendingDetails[reference] { actions.append(.fetchDetails(reference, request)) }
        }
        unrequestedDetails.removeAll()
        defer { actions.removeAll() }
        return actions
    }

    /// For a workload change: the workload, and whether the watch now delivers it.
    private static func membership(_ change: ClusterChange) -> (WorkloadReference, Bool)? {
        switch change {
        case .deployment(.upserted(let object)): (WorkloadReference(.deployment, object.metadata), true)
        case .deployment(.deleted(let object)): (WorkloadReference(.deployment, object.metadata), false)
        case .statefulSet(.upserted(let object)): (WorkloadReference(.statefulSet, object.metadata), true)
        case .statefulSet(.deleted(let object)): (WorkloadReference(.statefulSet, object.metadata), false)
        case .daemonSet(.upserted(let object)): (WorkloadReference(.daemonSet, object.metadata), true)
        case .daemonSet(.deleted(let object)): (WorkloadReference(.daemonSet, object.metadata), false)
        case .job(.upserted(let object)): (WorkloadReference(.job, object.metadata), true)
        case .job(.deleted(let object)): (WorkloadReference(.job, object.metadata), false)
        default: nil
        }
    }
}
