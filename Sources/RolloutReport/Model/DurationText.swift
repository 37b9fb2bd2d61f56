/// Writes a `Duration` the way Go (and so the original tool and kubectl) prints one: `1h30m0s`, `90ms`.
///
/// The same notation the `--timeout` flag reads, so a message can be pasted back as a flag value.
public enum DurationText {
    /// Formats a duration, such as `5m0s`, `1.5s` or `500ms`.
    public static func format(_ duration: Duration) -> String {
        let components = duration.components
        let negative = components.seconds < 0 || components.attoseconds < 0
        let totalNanoseconds =
            abs(components.seconds) * 1_000_000_000 + abs(components.attoseconds) / 1_000_000_000
        if totalNanoseconds == 0 { return "0s" }
        var text = ""
        if totalNanoseconds < 1_000_000_000 {
            text = subsecond(totalNanoseconds)
        } else {
            let hours = totalNanoseconds / 3_600_000_000_000
            let minutes = totalNanoseconds / 60_000_000_000 % 60
            let nanosInMinute = totalNanoseconds % 60_000_000_000
            if hours > 0 { text += "\(hours)h" }
            if hours > 0 || minutes > 0 { text += "\(minutes)m" }
            text += decimal(nanosInMinute, unit: 1_000_000_000) + "s"
        }
        return negative ? "-" + text : text
    }

    private static func subsecond(_ nanoseconds: Int64) -> String {
        if nanoseconds < 1000 { return "\(nanoseconds)ns" }
        if nanoseconds < 1_000_000 { return decimal(nanoseconds, unit: 1000) + "µs" }
        return decimal(nanoseconds, unit: 1_000_000) + "ms"
    }

    /// `value / unit` with the fraction's trailing zeros dropped, such as `1.5`.
    private static func decimal(_ value: Int64, unit: Int64) -> String {
        let whole = value / unit
        var fraction = value % unit
        guard fraction != 0 else { return "\(whole)" }
        var digits = String(unit).count - 1
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let padded = String(repeating: "0", count: digits - String(fraction).count) + String(fraction)
        return "\(whole).\(padded)"
    }
}
