import Foundation
import Synchronization

/// Scenario time: wall-clock time at the start plus what an injected clock says has elapsed since.
///
/// Tests inject a manual clock, so a timeline and the behaviour model advance only when the test says;
/// object timestamps stay real dates. With `ContinuousClock` scenario time tracks wall time.
struct SimulationClock: Sendable {
    /// The wall-clock date at which the scenario started.
    let origin: Date
    private let elapsedNow: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    /// Opens the existential once, so the rest of the simulator needs no generic parameter.
    init(clock: any Clock<Duration>, origin: Date = Date()) {
        self = Self.make(clock, origin: origin)
    }

    private init(
        origin: Date,
        elapsed: @escaping @Sendable () -> Duration,
        sleeper: @escaping @Sendable (Duration) async throws -> Void
    ) {
        self.origin = origin
        self.elapsedNow = elapsed
        self.sleeper = sleeper
    }

    private static func make<C: Clock<Duration>>(_ clock: C, origin: Date) -> SimulationClock {
        let start = clock.now
        return SimulationClock(
            origin: origin,
            elapsed: { start.duration(to: clock.now) },
            sleeper: { offset in try await clock.sleep(until: start.advanced(by: offset), tolerance: nil) }
        )
    }

    /// Time elapsed since the start.
    var elapsed: Duration { elapsedNow() }

    /// The scenario's current date.
    var now: Date { date(at: elapsed) }

    /// The date at an offset from the start.
    func date(at offset: Duration) -> Date {
        origin.addingTimeInterval(offset.seconds)
    }

    /// The offset from the start of a date.
    func offset(of date: Date) -> Duration {
        .milliseconds(Int64((date.timeIntervalSince(origin) * 1000).rounded(.up)))
    }

    /// Sleeps until the given offset from the start; throws `CancellationError` when cancelled.
    func sleep(untilOffset offset: Duration) async throws {
        try await sleeper(offset)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

/// A wake-up call between tasks: `notify()` makes the current or next `wait()` return.
final class AsyncSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    init() {}

    /// Wakes the waiter, or the next one if none is waiting.
    func notify() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns after a `notify()` (one that happened since the previous wait counts) or on cancellation.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
