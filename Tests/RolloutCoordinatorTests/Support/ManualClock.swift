import Foundation
import RolloutCoordinator
import Synchronization

/// A clock that moves only when a test says so; sleepers wake when it passes their instant.
final class ManualClock: GateClock {
    private struct Sleeper {
        var id: Int
        var instant: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var nextID = 0
        var sleepers: [Sleeper] = []
        var cancelled: Set<Int> = []
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
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    if instant <= state.now { return .success(()) }
                    state.sleepers.append(Sleeper(id: id, instant: instant, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
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

    /// Suspends until some task sleeps until `instant` or later, so a test advances time only once the gate
    /// waits for it; gives up after `attempts` yields so a broken gate fails the test instead of hanging.
    func waitForSleeper(atOrAfter instant: Date, attempts: Int = 200_000) async -> Bool {
        for _ in 0..<attempts {
            if pendingWakeUps.contains(where: { $0 >= instant }) { return true }
            await Task.yield()
        }
        return false
    }
}
