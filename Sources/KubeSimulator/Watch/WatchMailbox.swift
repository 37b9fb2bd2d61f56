import Synchronization

/// Why a watch stream ends.
public enum WatchEndReason: Sendable, Hashable {
    /// The client closed the connection.
    case clientClosed
    /// A fault closed every open watch.
    case closedByFault
    /// The simulator is stopping or going away.
    case serverStopping
    /// `timeoutSeconds` (or the default watch timeout) passed.
    case timedOut
    /// The client fell too far behind; kube-apiserver drops such watchers too.
    case tooSlow
    /// A fault cut the connection in the middle of an event line.
    case droppedByFault
}

/// One item a watch receives, before it is encoded for the client.
enum WatchDelivery: Sendable {
    /// A change to an object the watch selects.
    case change(ChangeType, StoredObject)
    /// A bookmark: every change up to this resourceVersion has been delivered before it.
    case bookmark(Int64)
}

/// The hand-off between the store, which delivers events under its lock, and one watch stream's writer task.
///
/// Deliveries never block the store: they append to a buffer, and the writer drains everything buffered in
/// one batch, so a burst of 10 000 changes becomes a few large writes instead of 10 000 small ones.
/// Bookmarks travel through the same buffer, so a bookmark's resourceVersion never overtakes an event.
final class WatchMailbox: Sendable {
    /// What the writer gets from one `next()` call: deliveries to write, then possibly the end.
    struct Batch: Sendable {
        var deliveries: [WatchDelivery] = []
        var end: WatchEndReason?
    }

    private struct State {
        var deliveries: [WatchDelivery] = []
        var end: WatchEndReason?
        var stalled = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    /// How many undelivered events make a watcher "too slow".
    let capacity: Int

    init(capacity: Int = 500_000) {
        self.capacity = capacity
    }

    /// Queues an item for the writer.
    func deliver(_ delivery: WatchDelivery) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.end == nil else { return nil }
            state.deliveries.append(delivery)
            if state.deliveries.count > capacity {
                state.deliveries.removeAll()
                state.end = .tooSlow
            }
            return Self.takeWaiter(&state)
        }
        waiter?.resume()
    }

    /// Ends the stream.
    ///
    /// A graceful end (a timeout) lets the writer send what is buffered first; any other end drops it, as a
    /// closed connection would.
    func finish(_ reason: WatchEndReason, graceful: Bool = false) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.end == nil { state.end = reason }
            if !graceful { state.deliveries.removeAll() }
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Stops handing items to the writer (the stream goes silent but stays open) until it ends.
    func stall() {
        state.withLock { $0.stalled = true }
    }

    /// Whether the stream has ended.
    var isFinished: Bool { state.withLock { $0.end != nil } }

    /// Takes every buffered delivery at once, for a mailbox used only to filter a replay of history.
    func drainForReplay() -> [WatchDelivery] {
        state.withLock { state in
            defer { state.deliveries.removeAll() }
            return state.deliveries
        }
    }

    private static func takeWaiter(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        guard !state.stalled, let waiter = state.waiter else { return nil }
        state.waiter = nil
        return waiter
    }

    private func take() -> Batch? {
        state.withLock { state -> Batch? in
            if state.end != nil || (!state.stalled && !state.deliveries.isEmpty) {
                let batch = Batch(deliveries: state.stalled ? [] : state.deliveries, end: state.end)
                state.deliveries.removeAll(keepingCapacity: true)
                return batch
            }
            return nil
        }
    }

    /// Everything buffered, waiting until something is; the batch carries `end` once the stream ended.
    ///
    /// Cancelling the waiting task ends the stream (`serverStopping`).
    func next() async -> Batch {
        while true {
            if let batch = take() { return batch }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.end != nil || (!state.stalled && !state.deliveries.isEmpty) { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                finish(.serverStopping)
            }
        }
    }
}
