import Synchronization

/// The gate's inbox: children post into it from any task; the gate takes everything posted so far at once.
///
/// Taking all waiting inputs in one go lets the state machine judge each affected workload once per batch
/// instead of once per change: during a burst of pod updates the batches grow and the work per update
/// shrinks. An `AsyncStream` hands elements over one by one and cannot say how many are waiting.
final class Mailbox<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        var waiter: CheckedContinuation<[Element], Never>?
        var cancelledWaiter = false
    }

    private let state = Mutex(State())

    /// Adds an input; wakes the gate if it is waiting.
    func post(_ element: Element) {
        let waiter: CheckedContinuation<[Element], Never>? = state.withLock { state in
            guard let waiter = state.waiter else {
                state.items.append(element)
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: [element])
    }

    /// Everything posted since the last call, waiting until there is something; empty only when the
    /// calling task is cancelled.
    func takeAll() async -> [Element] {
        let ready: [Element] = state.withLock { state in
            defer { state.items.removeAll(keepingCapacity: true) }
            return state.items
        }
        if !ready.isEmpty { return ready }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[Element], Never>) in
                let immediate: [Element]? = state.withLock { state in
                    if state.cancelledWaiter {
                        state.cancelledWaiter = false
                        return []
                    }
                    if !state.items.isEmpty {
                        defer { state.items.removeAll(keepingCapacity: true) }
                        return state.items
                    }
                    state.waiter = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter: CheckedContinuation<[Element], Never>? = state.withLock { state in
                guard let waiter = state.waiter else {
                    state.cancelledWaiter = true
                    return nil
                }
                state.waiter = nil
                return waiter
            }
            waiter?.resume(returning: [])
        }
    }
}
