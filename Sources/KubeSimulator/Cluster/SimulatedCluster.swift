import Foundation
import Synchronization

/// The simulated cluster's state: the store, the open watches and the behaviour model, behind one lock.
///
/// Every write, from a client, a timeline step or the behaviour model, runs as one transaction: the
/// store applies it, the behaviour model reconciles until it has nothing more to write (a bounded number
/// of rounds), and the resulting changes fan out to the watches, all before the lock is released. Clients
/// therefore never see half of a step, and every watch sees changes in resourceVersion order.
public final class SimulatedCluster: Sendable {
    private struct State: Sendable {
        var store: ObjectStore
        var watches = WatchRegistry()
        var behaviour: (any ClusterBehaviour)?
        var nextWake: Date?
        var reconcileRounds = 0
        var reconcileCapHits = 0
        var behaviourWriteErrors = 0
        var reconcileTime = Duration.zero
        var maxWakeLateness = Duration.zero
        var journal: PublishJournal
    }

    private let state: Mutex<State>
    let clock: SimulationClock
    /// The wall clock that stamps the publish journal (`CLOCK_REALTIME` nanoseconds).
    let wallClock: @Sendable () -> Int64
    /// Notified when the behaviour asks for an earlier wake-up than the runner may be sleeping towards.
    let wakeSignal = AsyncSignal()
    /// How many reconcile rounds one transaction may run before the cluster stops asking (a runaway guard).
    let reconcileLimit: Int

    init(
        historyLimit: Int,
        behaviour: (any ClusterBehaviour)?,
        clock: SimulationClock,
        reconcileLimit: Int = 64,
        journalLimit: Int = 100_000,
        wallClock: @escaping @Sendable () -> Int64 = PublishJournal.realtimeNanoseconds,
        eventTTL: Duration? = nil
    ) {
        // With a behaviour model its kubelet finishes graceful pod deletions; without one nobody would.
        var store = ObjectStore(historyLimit: historyLimit, keepsTerminatingPods: behaviour != nil)
        store.eventTTL = eventTTL?.seconds
        self.state = Mutex(State(store: store, behaviour: behaviour, journal: PublishJournal(limit: journalLimit)))
        self.clock = clock
        self.reconcileLimit = reconcileLimit
        self.wallClock = wallClock
    }

    // MARK: Public reads and writes

    /// The latest resourceVersion.
    public var resourceVersion: Int64 { state.withLock { $0.store.revision } }

    /// Every object of `kind` (such as `Deployment`) in one namespace or all (`nil`), in key order.
    public func objects(kind: String, namespace: String? = nil) -> [JSONValue] {
        state.withLock { $0.store.list(kind: kind, namespace: namespace).map(\.value) }
    }

    /// One object, if it exists.
    public func object(kind: String, namespace: String?, name: String) -> JSONValue? {
        state.withLock { $0.store.get(kind: kind, namespace: namespace ?? "", name: name)?.value }
    }

    /// Applies writes as the behaviour model would: without preconditions, then reconciles.
    ///
    /// Tests use it to change the cluster from outside, such as making a pod crash at a chosen moment.
    public func apply(_ writes: [ClusterWrite]) {
        transaction { store, now in
            Self.apply(writes, to: &store, now: now)
        }
    }

    /// Forgets the retained history: a watch resuming from an earlier resourceVersion gets 410 Expired,
    /// and so does a `continue` token issued earlier.
    public func expireHistory() {
        state.withLock { $0.store.expireHistory() }
    }

    /// How many reconcile rounds ran in all, and how often a transaction hit the round limit.
    public var reconcileStatistics: (rounds: Int, capHits: Int, rejectedWrites: Int) {
        state.withLock { ($0.reconcileRounds, $0.reconcileCapHits, $0.behaviourWriteErrors) }
    }

    /// Whether the behaviour model keeps up with scenario time: the time spent reconciling, and the most a
    /// wake-up it asked for came late (a benchmark's measure that the simulator is not its bottleneck).
    public var timeliness: (reconcileTime: Duration, maxWakeLateness: Duration) {
        state.withLock { ($0.reconcileTime, $0.maxWakeLateness) }
    }

    /// The changes published to the watches that match `query`, with their wall-clock publish times.
    func published(
        matching query: PublishJournal.Query
    ) -> (entries: [PublishJournal.Entry], oldest: Int64?, dropped: Int) {
        state.withLock { ($0.journal.entries(matching: query), $0.journal.oldestResourceVersion, $0.journal.dropped) }
    }

    /// When the behaviour model asked to be called again.
    var nextWake: Date? { state.withLock { $0.nextWake } }

    // MARK: Internal access for the API layer

    /// Runs `body` with read access to the store.
    func read<Result: Sendable, Failure: Error>(
        _ body: (borrowing ObjectStore) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try state.withLock { (state: inout State) throws(Failure) -> Result in try body(state.store) }
    }

    /// Runs a write transaction: `body` mutates the store, then the behaviour reconciles, then watches receive every change.
    ///
    /// `body` must throw before it mutates anything, so an error leaves the store as it was.
    @discardableResult
    func transaction<Result: Sendable, Failure: Error>(
        _ body: (inout ObjectStore, Date) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let now = clock.now
        let (result, wakeChanged) = try state.withLock { (state: inout State) throws(Failure) -> (Result, Bool) in
            // In place, so a write costs O(1) rather than a copy of the store; bodies validate before mutating.
            let result = try body(&state.store, now)
            state.store.expireEvents(now: now)
            let previousWake = state.nextWake
            if !state.store.pendingIsEmpty { Self.reconcile(&state, now: now, limit: reconcileLimit) }
            publish(&state)
            return (result, state.nextWake != previousWake)
        }
        if wakeChanged { wakeSignal.notify() }
        return result
    }

    /// Calls the behaviour model because its wake-up time arrived (or the scenario started).
    ///
    /// `lateness` is how long after the requested wake-up this call comes, for `timeliness`.
    func reconcileNow(lateness: Duration = .zero) {
        let now = clock.now
        let wakeChanged = state.withLock { state -> Bool in
            let previousWake = state.nextWake
            state.maxWakeLateness = max(state.maxWakeLateness, lateness)
            state.store.expireEvents(now: now)
            Self.reconcile(&state, now: now, limit: reconcileLimit)
            publish(&state)
            return state.nextWake != previousWake
        }
        if wakeChanged { wakeSignal.notify() }
    }

    /// Hands the transaction's changes to the watches and records when, in one step under the lock.
    private func publish(_ state: inout State) {
        let changes = state.store.takeChanges()
        guard !changes.isEmpty else { return }
        state.watches.fanOut(changes)
        state.journal.record(changes, publishedAt: wallClock())
    }

    /// Whether a behaviour model is installed.
    var hasBehaviour: Bool { state.withLock { $0.behaviour != nil } }

    private static func reconcile(_ state: inout State, now: Date, limit: Int) {
        guard var behaviour = state.behaviour else { return }
        let started = ContinuousClock.now
        defer { state.reconcileTime += ContinuousClock.now - started }
        // Taken out while it runs, so its storage is referenced once and mutates in place: a copy left in
        // `state` would make every call copy the model's indexes (thousands of pods) before writing them.
        state.behaviour = nil
        var rounds = 0
        while true {
            let step = behaviour.reconcile(now: now, cluster: StoreSnapshot(store: state.store))
            state.nextWake = step.nextWake
            state.reconcileRounds += 1
            if step.writes.isEmpty { break }
            state.behaviourWriteErrors += apply(step.writes, to: &state.store, now: now)
            rounds += 1
            if rounds >= limit {
                state.reconcileCapHits += 1
                break
            }
        }
        state.behaviour = behaviour
    }

    /// Applies behaviour-style writes; returns how many named an unknown kind and were dropped.
    @discardableResult
    static func apply(_ writes: [ClusterWrite], to store: inout ObjectStore, now: Date) -> Int {
        var rejected = 0
        for write in writes {
            switch write {
            case .upsert(let object):
                let apiVersion = object["apiVersion"]?.stringValue ?? ""
                let kind = object["kind"]?.stringValue ?? ""
                guard
                    let type = ResourceType.of(apiVersion: apiVersion, kind: kind) ?? ResourceType.storing(kind: kind),
                    !type.isView, object[path: ["metadata", "name"]]?.stringValue?.isEmpty == false
                else {
                    rejected += 1
                    continue
                }
                _ = store.upsert(object, type: type, now: now)
            case .delete(let kind, let namespace, let name):
                guard let type = ResourceType.storing(kind: kind) else {
                    rejected += 1
                    continue
                }
                if let existing = store.get(kind: kind, namespace: namespace ?? "", name: name) {
                    _ = try? store.delete(type: type, namespace: existing.namespace, name: name, now: now)
                }
            case .setLog(let namespace, let pod, let container, let current, let previous):
                store.setLog(namespace: namespace, pod: pod, container: container, current: current, previous: previous)
            }
        }
        return rejected
    }

    // MARK: Watches

    /// Where a new watch starts.
    enum WatchStart: Sendable, Hashable {
        /// Send the current objects as ADDED first (`resourceVersion` unset or `"0"`, or `sendInitialEvents`).
        case initialState
        /// Send the changes after this resourceVersion first.
        case after(Int64)
    }

    /// The outcome of opening a watch.
    enum WatchOpening: Sendable {
        /// The watch is registered: send `initial` first, then what arrives in the mailbox.
        case opened(id: Int, initial: [WatchDelivery], revision: Int64)
        /// The resourceVersion is older than the retained history: send this 410 ERROR event and end.
        case expired(APIError)
        /// The resourceVersion is newer than the store's: kube-apiserver answers 504 after waiting.
        case tooNew(APIError)
    }

    /// Registers a watch atomically with reading its starting point, so no change falls in between.
    func openWatch(filter: ObjectFilter, start: WatchStart, mailbox: WatchMailbox) -> WatchOpening {
        state.withLock { state -> WatchOpening in
            let kind = filter.type.storageKind
            var initial: [WatchDelivery] = []
            switch start {
            case .initialState:
                let namespace = filter.type.namespaced ? filter.namespace : nil
                for object in state.store.list(kind: kind, namespace: namespace) where filter.matches(object) {
                    initial.append(.change(.added, object))
                }
            case .after(let revision):
                if revision > state.store.revision {
                    var error = APIError(
                        code: 504,
                        reason: "Timeout",
                        message: "Too large resource version: \(revision), current: \(state.store.revision)",
                        details: ["retryAfterSeconds": 1]
                    )
                    error.headers = [("Retry-After", "1")]
                    return .tooNew(error)
                }
                guard let changes = state.store.changes(kind: kind, after: revision) else {
                    let oldest = state.store.compactedRevision(kind: kind)
                    return .expired(APIError.expired("too old resource version: \(revision) (\(oldest))"))
                }
                let mailboxForReplay = WatchMailbox()
                var registry = WatchRegistry()
                _ = registry.add(filter: filter, mailbox: mailboxForReplay)
                registry.fanOut(changes)
                initial = mailboxForReplay.drainForReplay()
            }
            let id = state.watches.add(filter: filter, mailbox: mailbox)
            return .opened(id: id, initial: initial, revision: state.store.revision)
        }
    }

    /// Queues a bookmark carrying the current resourceVersion behind every change already delivered.
    func enqueueBookmark(watch id: Int) {
        state.withLock { state in
            state.watches.mailbox(id: id)?.deliver(.bookmark(state.store.revision))
        }
    }

    /// Unregisters a watch whose stream ended.
    func closeWatch(id: Int) {
        state.withLock { $0.watches.remove(id: id) }
    }

    /// Ends every open watch stream (the fault "close all watch streams", or shutdown).
    func finishAllWatches(_ reason: WatchEndReason) {
        let mailboxes = state.withLock { $0.watches.mailboxes }
        for mailbox in mailboxes { mailbox.finish(reason) }
    }

    /// Makes every open watch stream go silent while staying open.
    func stallAllWatches() {
        let mailboxes = state.withLock { $0.watches.mailboxes }
        for mailbox in mailboxes { mailbox.stall() }
    }

    /// How many watches are registered in the store.
    var registeredWatchCount: Int { state.withLock { $0.watches.count } }
}

/// The behaviour model's read-only view of the store during one reconcile call.
struct StoreSnapshot: ClusterSnapshot {
    let store: ObjectStore

    func objects(kind: String, namespace: String?) -> [JSONValue] {
        // Unsorted: the behaviour model indexes what it needs, and sorting 10 000 pods per call is waste.
        store.unsortedObjects(kind: kind, namespace: namespace).map(\.value)
    }

    func object(kind: String, namespace: String?, name: String) -> JSONValue? {
        store.get(kind: kind, namespace: namespace ?? "", name: name)?.value
    }

    var revision: Int64? { store.revision }

    func changes(kind: String, after revision: Int64) -> [SnapshotChange]? {
        store.changes(kind: kind, after: revision)?.map { SnapshotChange(type: $0.type, object: $0.object.value) }
    }
}
