import KubeModel

/// When a gate run started and finished, and how long it took by the monotonic clock.
///
/// Wall-clock timestamps are for people and logs; the duration comes from a monotonic clock because
/// the wall clock can jump while a gate waits.
public struct GateTiming: Sendable, Hashable {
    /// Wall-clock start.
    public var startedAt: KubeTime
    /// Wall-clock end.
    public var finishedAt: KubeTime
    /// Elapsed time, from a monotonic clock.
    public var duration: Duration

    /// Creates timings.
    public init(startedAt: KubeTime, finishedAt: KubeTime, duration: Duration) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.duration = duration
    }

    /// The duration in seconds, rounded to milliseconds so the JSON stays short and stable.
    public var durationSeconds: Double {
        let components = duration.components
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        return Double(milliseconds) / 1000
    }
}
