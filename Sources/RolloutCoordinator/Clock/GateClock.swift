import Foundation

/// The gate's time source: "now" for the rules and sleeping until an instant, both in wall-clock time.
///
/// Kubernetes stamps objects with wall-clock times (`lastTransitionTime`, `startedAt`), and the rules compare
/// "now" with them, so the gate's deadline and its wake-ups for time-based rules are wall-clock instants
/// too. The clock is injected so that tests move time by hand and never sleep.
public protocol GateClock: Sendable {
    /// The current wall-clock time.
    var now: Date { get }

    /// Suspends until `instant` has passed; throws `CancellationError` when the task is cancelled first.
    func sleep(until instant: Date) async throws
}

/// The real clock: `Date()` for now, and a monotonic sleep for the remaining interval.
///
/// Sleeping on the continuous clock for the interval left keeps a wake-up from firing early when the
/// wall clock steps backwards during the sleep; a step forwards is noticed at the next evaluation.
public struct SystemGateClock: GateClock {
    /// Creates the system clock.
    public init() {}

    /// The current wall-clock time.
    public var now: Date { Date() }

    /// Sleeps for the interval from now until `instant`; returns at once for an instant in the past.
    public func sleep(until instant: Date) async throws {
        let interval = instant.timeIntervalSince(Date())
        guard interval > 0 else {
            try Task.checkCancellation()
            return
        }
        try await ContinuousClock().sleep(for: .seconds(interval))
    }
}
