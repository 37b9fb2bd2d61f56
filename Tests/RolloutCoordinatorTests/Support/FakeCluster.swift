import Foundation
import KubeModel
import RolloutCoordinator
import Synchronization

/// A scripted cluster for the coordinator's tests: objects a test puts in, delivered to every open watch.
///
/// It behaves like the API server where the coordinator can tell: a watch first receives the matching
/// objects, then `synced`, then later changes; a label selector (parsed with the model's `LabelSelector`)
/// filters what a watch sees; objects leaving a selection arrive as deletions. Field selectors
/// are recorded but not applied (the tests create Warning events only). It counts open watches, so tests
/// assert that every stream was closed, and it can hold back `synced` to prove the gate waits for it.
final class FakeCluster: ClusterSource {
    struct Subscription {
        var kind: String
        var query: WatchQuery
        var continuation: AsyncStream<Delivery>.Continuation
    }

    enum Delivery {
        case upserted(any KubeObject)
        case deleted(any KubeObject)
        case synced
        case failed(any Error)
    }

    struct LogKey: Hashable {
        var namespace: String
        var pod: String
        var container: String
        var previous: Bool
    }

    private struct State {
        var objects: [String: [String: any KubeObject]] = [:]
        var subscriptions: [Int: Subscription] = [:]
        var nextID = 0
        var holdSync = false
        var held: [Int] = []
        var watchesOpened: [(kind: String, query: WatchQuery)] = []
        var logs: [LogKey: Result<String, FakeClusterError>] = [:]
        var logRequests: [LogRequest] = []
        var lists: [(kind: String, query: WatchQuery)] = []
        var failNextWatch: FakeClusterError?
        var watchWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// How many watches are open right now.
    var openWatches: Int { state.withLock { $0.subscriptions.count } }

    /// Every watch opened so far, in order.
    var watchesOpened: [(kind: String, query: WatchQuery)] { state.withLock { $0.watchesOpened } }

    /// Every one-off list received, in order.
    var lists: [(kind: String, query: WatchQuery)] { state.withLock { $0.lists } }

    /// Every log request received, in order.
    var logRequests: [LogRequest] { state.withLock { $0.logRequests } }

    /// Suspends until at least `count` watches have been opened (the suite's time limit ends a test whose
    /// gate never opens them).
    func waitForWatches(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.watchesOpened.count >= count { return true }
                state.watchWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// While set, new watches deliver their initial objects but not `synced` until `releaseSync()`.
    func holdSync() { state.withLock { $0.holdSync = true } }

    /// Sends `synced` to every watch held back, and stops holding.
    func releaseSync() {
        let held: [Subscription] = state.withLock { state in
            state.holdSync = false
            defer { state.held = [] }
            return state.held.compactMap { state.subscriptions[$0] }
        }
        for subscription in held { subscription.continuation.yield(.synced) }
    }

    /// The next watch opened fails at once with `error`.
    func failNextWatch(_ error: FakeClusterError) { state.withLock { $0.failNextWatch = error } }

    /// Fails every open watch with `error`, as a revoked credential would.
    func failOpenWatches(_ error: FakeClusterError) {
        let open = state.withLock { Array($0.subscriptions.values) }
        for subscription in open { subscription.continuation.yield(.failed(error)) }
    }

    /// Sets what a log request for the container answers.
    func setLog(
        namespace: String,
        pod: String,
        container: String,
        previous: Bool,
        _ answer: Result<String, FakeClusterError>
    ) {
        state.withLock {
            $0.logs[LogKey(namespace: namespace, pod: pod, container: container, previous: previous)] = answer
        }
    }

    /// Creates or replaces an object and tells every watch that sees it.
    func apply(_ object: some KubeObject) {
        let kind = type(of: object).resource.kind
        let key = Self.key(object.metadata)
        let (previous, subscriptions) = state.withLock { state in
            let previous = state.objects[kind]?[key]
            state.objects[kind, default: [:]][key] = object
            return (previous, state.subscriptions.values.filter { $0.kind == kind })
        }
        for subscription in subscriptions {
            if Self.matches(object.metadata, subscription.query) {
                subscription.continuation.yield(.upserted(object))
            } else if let previous, Self.matches(previous.metadata, subscription.query) {
                subscription.continuation.yield(.deleted(object))
            }
        }
    }

    /// Deletes an object and tells every watch that saw it.
    func delete(_ object: some KubeObject) {
        let kind = type(of: object).resource.kind
        let key = Self.key(object.metadata)
        let (previous, subscriptions) = state.withLock { state in
            let previous = state.objects[kind]?.removeValue(forKey: key)
            return (previous, state.subscriptions.values.filter { $0.kind == kind })
        }
        guard let previous else { return }
        for subscription in subscriptions where Self.matches(previous.metadata, subscription.query) {
            subscription.continuation.yield(.deleted(previous))
        }
    }

    func watch<Object: KubeObject>(
        _ type: Object.Type,
        _ query: WatchQuery,
        onChange: (WatchChange<Object>) async -> Void
    ) async throws {
        let kind = Object.resource.kind
        let (stream, continuation) = AsyncStream<Delivery>.makeStream()
        let id: Int? = try state.withLock { state in
            state.watchesOpened.append((kind, query))
            if let error = state.failNextWatch {
                state.failNextWatch = nil
                throw error
            }
            state.nextID += 1
            let id = state.nextID
            state.subscriptions[id] = Subscription(kind: kind, query: query, continuation: continuation)
            let initial = (state.objects[kind] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
            for object in initial where Self.matches(object.metadata, query) { continuation.yield(.upserted(object)) }
            if state.holdSync { state.held.append(id) } else { continuation.yield(.synced) }
            return id
        }
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            let opened = state.watchesOpened.count
            defer { state.watchWaiters.removeAll { $0.count <= opened } }
            return state.watchWaiters.filter { $0.count <= opened }.map(\.continuation)
        }
        for waiter in waiters { waiter.resume() }
        defer { if let id { _ = state.withLock { $0.subscriptions.removeValue(forKey: id) } } }
        for await delivery in stream {
            switch delivery {
            case .upserted(let object):
                if let object = object as? Object { await onChange(.upserted(object)) }
            case .deleted(let object):
                if let object = object as? Object { await onChange(.deleted(object)) }
            case .synced:
                await onChange(.synced)
            case .failed(let error):
                throw error
            }
        }
        try Task.checkCancellation()
    }

    func list<Object: KubeObject>(_ type: Object.Type, _ query: WatchQuery) async throws -> [Object] {
        let kind = Object.resource.kind
        return state.withLock { state in
            state.lists.append((kind, query))
            return (state.objects[kind] ?? [:]).sorted { $0.key < $1.key }.compactMap { $0.value as? Object }
                .filter { Self.matches($0.metadata, query) }
        }
    }

    func logs(_ request: LogRequest) async throws -> String {
        let answer = state.withLock { state in
            state.logRequests.append(request)
            let key = LogKey(
                namespace: request.namespace,
                pod: request.pod,
                container: request.container,
                previous: request.previous
            )
            return state.logs[key]
        }
        switch answer {
        case .success(let text): return text
        case .failure(let error): throw error
        case nil: throw FakeClusterError(message: "no log set for \(request)")
        }
    }

    private static func key(_ metadata: ObjectMeta) -> String { "\(metadata.namespace ?? "")/\(metadata.name)" }

    private static func matches(_ metadata: ObjectMeta, _ query: WatchQuery) -> Bool {
        if let namespace = query.namespace, metadata.namespace != namespace { return false }
        guard let text = query.labelSelector, !text.isEmpty else { return true }
        guard let selector = try? LabelSelector(parsing: text) else { return false }
        return selector.matches(metadata.labels)
    }
}

/// An error the fake cluster raises on request, standing in for the API server's refusals.
struct FakeClusterError: Error, Hashable, CustomStringConvertible {
    var message: String
    var description: String { message }
}
