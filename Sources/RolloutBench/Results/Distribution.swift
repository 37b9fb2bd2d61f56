/// The median, 95th percentile and extremes of repeated measurements.
///
/// Percentiles use the nearest-rank method (the smallest sample with at least that share of samples at
/// or below it), so a p95 over fewer than 20 samples is the maximum: with few repeats the table says so
/// rather than interpolating a value nobody measured.
public struct Distribution: Codable, Sendable, Hashable {
    /// How many samples.
    public var count: Int
    /// The median (the mean of the two middle samples for an even count).
    public var median: Double
    /// The 95th percentile, nearest rank.
    public var p95: Double
    /// The smallest sample.
    public var min: Double
    /// The largest sample.
    public var max: Double
    /// Every sample, in the order measured.
    public var samples: [Double]

    /// Summarises `samples`; `nil` when there are none.
    public init?(_ samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        count = sorted.count
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        p95 = Self.percentile(0.95, of: sorted)
        min = sorted[0]
        max = sorted[sorted.count - 1]
        self.samples = samples
    }

    /// The nearest-rank percentile `fraction` (0…1) of already sorted samples.
    static func percentile(_ fraction: Double, of sorted: [Double]) -> Double {
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }
}
