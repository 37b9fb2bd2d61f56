import KubeModel

/// Formats elapsed times the way Go prints durations (`40s`, `3m5s`, `1h2m3s`), as the flags read them.
enum DurationText {
    /// Whole seconds, rounded down; negative values (clock skew) read as `0s`.
    static func format(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded(.down)))
        let hours = total / 3600
        let minutes = total % 3600 / 60
        let rest = total % 60
        if hours > 0 { return "\(hours)h\(minutes)m\(rest)s" }
        if minutes > 0 { return "\(minutes)m\(rest)s" }
        return "\(rest)s"
    }

    /// A threshold, such as `3m0s`.
    static func format(_ duration: Duration) -> String {
        format(duration.seconds)
    }
}
