import Foundation
import RolloutCoordinator
import Synchronization

/// A clock that moves only when a test says so; sleepers wake when it passes their instant.
///
/// A test waits until the gate sleeps (`waitForSleeper`) before it moves time, so the order of events is
/// fixed by the test, never by how fast the machine is.
final class ManualClock: GateClock {
    private struct Sleeper {
        var id: Int
        var instant: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct Watcher {
        var atOrAfter: Date
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now: Date
        var nextID = 0
        var sleepers: [Sleeper] = []
        var cancelled: Set<Int> = []
        var watchers: [Watcher] = []
    }

    private let state: Mutex<State>

    init(now: Date = Date(timeIntervalSince1970: 1_780_000_000)) {
        state = Mutex(State(now: now))
    }

    var now: Date { state.withLock { $0.now } }

    /// The instants current sleepers wait for, earliest first.
    var pendingWakeUps: [Date] { state.withLock { $0.sleepers.map(\.instant).sorted() } }

    func sleep(until instant: Date) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (outcome, watchers): (Result<Void, any Error>?, [Watcher]) = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return (.failure(CancellationError()), []) }
                    if instant <= state.now { return (.success(()), []) }
                    state.sleepers.append(Sleeper(id: id, instant: instant, continuation: continuation))
                    let satisfied = state.watchers.filter { instant >= $0.atOrAfter }
                    state.watchers.removeAll { instant >= $0.atOrAfter }
                    return (nil, satisfied)
                }
                if let outcome { continuation.resume(with: outcome) }
                for watcher in watchers { watcher.continuation.resume() }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { state in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else {
                    state.cancelled.insert(id)
                    return nil
                }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose instant has passed.
    func advance(by seconds: TimeInterval) {
        let due: [Sleeper] = state.withLock { state in
            state.now += seconds
            let now = state.now
            let due = state.sleepers.filter { $0.instant <= now }
            state.sleepers.removeAll { $0.instant <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Suspends until some task sleeps until `instant` or later, so a test moves time only once the gate
    /// waits for it. (The suite's time limit ends a test whose gate never sleeps.)
    func waitForSleeper(atOrAfter instant: Date) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.sleepers.contains(where: { $0.instant >= instant }) { return true }
                state.watchers.append(Watcher(atOrAfter: instant, continuation: continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
