/// How a watch retries after throttling, server errors and broken connections: capped exponential backoff
/// with full jitter, or the server's `Retry-After` when it gives one.
public struct RetryPolicy: Sendable, Hashable {
    /// The first delay.
    ///
    /// Default 200 ms.
    public var initialDelay: Duration
    /// The largest delay.
    ///
    /// Default 10 s.
    public var maximumDelay: Duration
    /// The largest `Retry-After` honoured; longer requests are cut to it.
    ///
    /// Default 60 s.
    public var maximumRetryAfter: Duration
    /// Consecutive failures after which the watch gives up and throws.
    ///
    /// Default 10 (about a minute of backoff); any success resets the count.
    public var maximumAttempts: Int

    /// Creates a policy; every parameter defaults to the value documented on its property.
    public init(
        initialDelay: Duration = .milliseconds(200),
        maximumDelay: Duration = .seconds(10),
        maximumRetryAfter: Duration = .seconds(60),
        maximumAttempts: Int = 10
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumRetryAfter = maximumRetryAfter
        self.maximumAttempts = maximumAttempts
    }

    /// The delay before retry number `attempt` (1-based): the server's `Retry-After` when given (capped), else a
    /// uniformly jittered delay between half and all of `initialDelay × 2^(attempt-1)` (capped).
    ///
    /// `random` is a number in `0..<1` from the injected random source.
    public func delay(attempt: Int, retryAfter: Duration?, random: Double) -> Duration {
        if let retryAfter { return min(retryAfter, maximumRetryAfter) }
        let exponent = min(max(attempt - 1, 0), 30)
        let base = min(initialDelay * (1 << exponent), maximumDelay)
        return base * (0.5 + 0.5 * min(max(random, 0), 1))
    }
}
